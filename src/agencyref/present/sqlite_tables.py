"""The tables of the SQLite export: columns with their types and keys, descriptions, full-text columns.

One place to read what the database holds; `present/sqlite.py` fills them.
"""

# table -> (columns with SQL types and constraints, description, full-text columns)
TABLES: dict[str, tuple[list[str], str, list[str]]] = {
    "sources": (
        [
            "id TEXT PRIMARY KEY",
            "title TEXT NOT NULL",
            "publisher TEXT NOT NULL",
            "url TEXT NOT NULL",
            "kind TEXT NOT NULL",
            "label TEXT NOT NULL",
            "published TEXT",
            "accessed TEXT",
            "copy_of TEXT",
            "side TEXT",
            "note TEXT",
        ],
        "Every source cited: official pages, court opinions, research, news, advocacy (with its side), copies "
        "(labelled with whose document they are).",
        ["title", "publisher"],
    ),
    "agencies": (
        [
            "key TEXT PRIMARY KEY",
            "name TEXT NOT NULL",
            "level TEXT NOT NULL",
            "established TEXT",
            "parent TEXT",
            "legal_basis TEXT",
            "geographic_jurisdiction TEXT",
            "subject_matter_jurisdiction TEXT",
            "mission TEXT",
            "arrest_powers TEXT",
            "warrants TEXT",
            "detention TEXT",
            "oversight TEXT",
            "immigration_role TEXT",
            "community_role TEXT",
        ],
        "Federal, state and local agencies: authority, jurisdiction, powers, oversight.",
        ["name", "mission", "immigration_role"],
    ),
    "components": (
        [
            "key TEXT PRIMARY KEY",
            "agency_key TEXT NOT NULL REFERENCES agencies(key)",
            "name TEXT NOT NULL",
            "summary TEXT",
        ],
        "Parts of agencies (e.g. ICE's ERO and HSI).",
        ["name", "summary"],
    ),
    "figures": (
        [
            "id INTEGER PRIMARY KEY",
            "owner_table TEXT NOT NULL",
            "owner_key TEXT NOT NULL",
            "label TEXT NOT NULL",
            "value REAL NOT NULL",
            "unit TEXT NOT NULL",
            "as_of TEXT NOT NULL",
            "qualifier TEXT",
            "model TEXT",
            "note TEXT",
        ],
        "Dated counts and amounts (agency size, program participation), each with unit and as-of date; "
        "qualifier 'at_least' marks a lower bound.",
        [],
    ),
    "programs": (
        [
            "key TEXT PRIMARY KEY",
            "name TEXT NOT NULL",
            "kind TEXT NOT NULL",
            "contested INTEGER NOT NULL",
            "legal_basis TEXT",
            "status TEXT",
            "summary TEXT",
        ],
        "Programs, policies and laws such as 287(g), detainers and Secure Communities.",
        ["name", "summary"],
    ),
    "models": (
        [
            "key TEXT PRIMARY KEY",
            "program_key TEXT NOT NULL REFERENCES programs(key)",
            "name TEXT NOT NULL",
            "summary TEXT",
            "started TEXT",
            "status TEXT",
        ],
        "The models (variants) of a program, e.g. 287(g)'s Jail Enforcement, Task Force and Warrant Service "
        "Officer models.",
        ["name", "summary"],
    ),
    "arguments": (
        [
            "id INTEGER PRIMARY KEY",
            "program_key TEXT NOT NULL REFERENCES programs(key)",
            "side TEXT NOT NULL",
            "claim TEXT NOT NULL",
            "by TEXT NOT NULL",
        ],
        "Arguments for and against contested programs, one speaker per row.",
        ["claim", "by"],
    ),
    "matters": (
        [
            "key TEXT PRIMARY KEY",
            "name TEXT NOT NULL",
            "primary_agencies TEXT",
            "supporting_agencies TEXT",
            "note TEXT",
        ],
        "Kinds of cases and which agencies handle them.",
        ["name", "note"],
    ),
    "states": (
        ["code TEXT PRIMARY KEY", "name TEXT NOT NULL", "stance TEXT", "summary TEXT", "checked TEXT"],
        "States and DC: the stance of their law on cooperation with immigration enforcement (empty for territories "
        "that appear in ICE's list but not in the knowledge file).",
        ["name", "summary"],
    ),
    "laws": (
        [
            "id INTEGER PRIMARY KEY",
            "state_code TEXT NOT NULL REFERENCES states(code)",
            "name TEXT NOT NULL",
            "citation TEXT NOT NULL",
            "year INTEGER NOT NULL",
            "date TEXT",
            "kind TEXT NOT NULL",
            "effect TEXT NOT NULL",
            "status TEXT NOT NULL",
            "summary TEXT NOT NULL",
        ],
        "State laws, executive orders, attorney-general opinions and rulings; vetoed, failed and pending bills "
        "are listed with that status and are not law.",
        ["name", "citation", "summary"],
    ),
    "terms": (
        ["key TEXT PRIMARY KEY", "term TEXT NOT NULL", "definition TEXT NOT NULL"],
        "Glossary.",
        ["term", "definition"],
    ),
    "events": (
        ["id INTEGER PRIMARY KEY", "date TEXT NOT NULL", "title TEXT NOT NULL", "summary TEXT NOT NULL"],
        "Dated events, oldest first.",
        ["title", "summary"],
    ),
    "citations": (
        [
            "record_table TEXT NOT NULL",
            "record_key TEXT NOT NULL",
            "source_id TEXT NOT NULL REFERENCES sources(id)",
            "PRIMARY KEY (record_table, record_key, source_id)",
        ],
        "Which source backs which record (record_table + record_key name the record).",
        [],
    ),
    "agreements": (
        [
            "id INTEGER PRIMARY KEY",
            "state TEXT REFERENCES states(code)",
            "agency TEXT NOT NULL",
            "agency_type TEXT NOT NULL",
            "county TEXT",
            "model TEXT REFERENCES models(key)",
            "status TEXT NOT NULL",
            "signed TEXT",
            "signed_raw TEXT",
            "moa_url TEXT",
            "moa_status TEXT NOT NULL",
            "addendum_url TEXT",
            "sheet TEXT",
            "sheet_row INTEGER",
        ],
        "ICE's 287(g) agreements (participating) and requests (pending), one row per agreement, as listed on ICE's "
        "sheets; signed is an ISO date or empty (signed_raw keeps unreadable text).",
        ["agency", "county"],
    ),
}
# The 287(g) history, when one can be read (ICE's weekly lists since January 2025).
HISTORY_TABLES: dict[str, tuple[list[str], str, list[str]]] = {
    "snapshots": (
        [
            "id INTEGER PRIMARY KEY",
            "date TEXT NOT NULL",
            "list TEXT NOT NULL",
            "rows INTEGER NOT NULL",
            "dated_by TEXT",
            "note TEXT",
        ],
        "ICE's weekly participating and pending lists kept in the history, with how each was dated (by its file "
        "name, or by evidence where the name was wrong).",
        [],
    ),
    "listings": (
        [
            "id INTEGER PRIMARY KEY",
            "state TEXT REFERENCES states(code)",
            "agency_key TEXT NOT NULL",
            "agency TEXT NOT NULL",
            "agency_type TEXT",
            "county TEXT",
            "model TEXT REFERENCES models(key)",
            "first_listed TEXT NOT NULL",
            "last_listed TEXT NOT NULL",
            "ended TEXT",
            "listed_now INTEGER NOT NULL",
        ],
        "Every 287(g) agreement ever on ICE's lists in the history: when it was first and last listed, and the "
        "date of the first list without it if it ended.",
        ["agency", "county"],
    ),
    "participation": (
        [
            "id INTEGER PRIMARY KEY",
            "date TEXT NOT NULL",
            "state TEXT REFERENCES states(code)",
            "model TEXT REFERENCES models(key)",
            "agreements INTEGER NOT NULL",
        ],
        "Agreements on each of ICE's weekly participating lists, nationwide (state empty) and by state, in all "
        "(model empty) and by model.",
        [],
    ),
}

INDEXES = [
    ("listings", ["state"]),
    ("listings", ["agency_key"]),
    ("participation", ["date"]),
    ("participation", ["state"]),
    ("agreements", ["state"]),
    ("agreements", ["model"]),
    ("agreements", ["county"]),
    ("agreements", ["status"]),
    ("laws", ["state_code"]),
    ("citations", ["source_id"]),
    ("figures", ["owner_table", "owner_key"]),
    ("events", ["date"]),
]
