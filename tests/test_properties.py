"""Property tests: whatever goes in, only the documented errors come out.

- any YAML text (generated trees, trees spliced into a valid file, byte-mutated real files) →
  ``parse_knowledge`` returns or raises ``DataError``;
- any text typed as a name → the name index and search raise only ``NotFoundError`` /
  ``AmbiguousNameError``;
- any spreadsheet row → the importer's cleaning functions return well-formed values, and the
  agreements they make survive the roster file's own validation;
- any command line → exit 0, 1, 2 or 3, never 4.

Sizes and example counts are bounded so that the whole file runs in well under a minute.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import tempfile
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from agencyref import cli
from agencyref.errors import AmbiguousNameError, DataError, NotFoundError, UsageError
from agencyref.knowledge.query import find_matters, search
from agencyref.knowledge.store import Knowledge, compile_knowledge, parse_knowledge
from agencyref.roster import ice287g
from agencyref.roster.file import decode_roster, encode_roster
from agencyref.roster.ice287g import (
    agency_type_key,
    build,
    clean_text,
    import_sheets,
    model_key,
    parse_link,
    parse_signed,
    sheets,
)
from agencyref.roster.model import Roster
from agencyref.usps import STATE_NAMES, state_code

from .conftest import MINI, REPO

BUNDLED = REPO / "data" / "agencies.yaml"
MINI_BYTES = MINI.read_bytes()
BUNDLED_BYTES = BUNDLED.read_bytes()
SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]

# ---- YAML in, DataError or a knowledge base out ----------------------------------------------------

FIELD_NAMES = sorted(
    {
        "meta", "sources", "agencies", "programs", "matters", "states", "terms", "events", "schema_version",
        "title", "data_as_of", "notice", "id", "publisher", "url", "kind", "published", "accessed", "key", "name",
        "aliases", "level", "parent", "established", "date", "law", "text", "size", "value", "unit", "as_of",
        "label", "components", "summary", "variants", "related", "see_also", "concerns", "primary", "supporting",
        "code", "stance", "laws", "year", "effect", "status", "term", "definition", "contested", "arguments_for",
        "arguments_against", "claim", "by", "administering", "participation", "model", "may", "may_not",
    }
)  # fmt: skip
WORDS = ["ice", "police", "287g", "bjs-faq", "ice-about", "usc-8-1357", "TX", "federal", "2003-03-01", "1996",
         "2025-13-45", "https://example.org/x", "jem", "program", "government", "requires", "in_force"]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(WORDS + FIELD_NAMES),
    st.dates().map(str),
)
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=12))
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=40,
)


def parse_or_data_error(data: bytes) -> None:
    try:
        parse_knowledge(data, "f.yaml")
    except DataError as exc:
        assert exc.problems
        for problem in exc.problems:
            text = str(problem)
            assert text.startswith("f.yaml") and "\n" not in text, text  # one line per problem, located


def dump(tree: Any, flow: bool | None) -> bytes:
    return yaml.safe_dump(tree, allow_unicode=True, default_flow_style=flow, sort_keys=False).encode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=SLOW)
@given(tree=trees, flow=st.sampled_from([None, True, False]))
def test_random_documents_parse_or_raise_data_error(tree: Any, flow: bool | None) -> None:
    parse_or_data_error(dump(tree, flow))
    parse_or_data_error(dump({"meta": tree, "sources": [], "agencies": [], "programs": []}, flow))


MINI_TREE = yaml.safe_load(MINI_BYTES)


@settings(max_examples=200, deadline=None, suppress_health_check=SLOW)
@given(data=st.data(), new=trees, action=st.sampled_from(["replace", "delete", "add", "duplicate"]))
def test_valid_file_with_one_random_edit(data: st.DataObject, new: Any, action: str) -> None:
    """Walk to a random place in the valid test file and change it: deep validation paths get exercised."""
    import copy

    tree = copy.deepcopy(MINI_TREE)
    parent: Any = None
    slot: Any = None
    node = tree
    for _ in range(data.draw(st.integers(0, 6), label="depth")):
        if isinstance(node, dict) and node:
            slot = data.draw(st.sampled_from(sorted(node, key=str)), label="key")
        elif isinstance(node, list) and node:
            slot = data.draw(st.integers(0, len(node) - 1), label="index")
        else:
            break
        parent, node = node, node[slot]
    if parent is None:
        tree = new if action == "replace" else tree
    elif action == "replace":
        parent[slot] = new
    elif action == "delete":
        del parent[slot]
    elif action == "add" and isinstance(node, dict):
        node[data.draw(keys, label="new key")] = new
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[slot]))
    parse_or_data_error(dump(tree, None))


TOKENS = [b"&a ", b"*a", b"!!python/object:os.system ", b"[", b"{", b"- ", b": ", b"\n", b"\t", b"'", b'"', b"\xff",
          b"\x00", b"!!int ", b"!!binary ", b"<<: *a\n", b"? ", b"~", b"99999999999999999999999", b"1e999", b".nan",
          b"0x", b"!!str ", b"\xef\xbb\xbf", b"%YAML 1.1\n", b"---\n", b"...\n", b"|\n", b"!!set ", b"\r\n",
          b"!!timestamp ", b"2001-02-30", b"#", b"&b [*a, *a]", b"\\u0000", b"\xe2\x80\xae", b"!!float x"]  # fmt: skip

edits = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=1, exclude_max=True),
        st.sampled_from(["flip", "delete", "insert", "token", "copy"]),
        st.binary(min_size=1, max_size=8),
        st.integers(1, 60),
        st.sampled_from(TOKENS),
    ),
    min_size=1,
    max_size=6,
)


def mutate(source: bytes, ops: list[tuple[float, str, bytes, int, bytes]]) -> bytes:
    data = bytearray(source)
    for where, op, payload, length, token in ops:
        at = int(where * len(data)) if data else 0
        if op == "flip" and data:
            data[at] ^= payload[0] or 1
        elif op == "delete":
            del data[at : at + length]
        elif op == "insert":
            data[at:at] = payload
        elif op == "token":
            data[at:at] = token
        else:
            data[at:at] = data[max(0, at - length) : at]
    return bytes(data)


@settings(max_examples=250, deadline=None, suppress_health_check=SLOW)
@given(ops=edits)
def test_mutated_test_file_parses_or_raises_data_error(ops: list[tuple[float, str, bytes, int, bytes]]) -> None:
    parse_or_data_error(mutate(MINI_BYTES, ops))


@settings(max_examples=12, deadline=None, suppress_health_check=SLOW)
@given(ops=edits)
def test_mutated_bundled_file_parses_or_raises_data_error(ops: list[tuple[float, str, bytes, int, bytes]]) -> None:
    parse_or_data_error(mutate(BUNDLED_BYTES, ops))


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_arbitrary_text_parses_or_raises_data_error(text: str) -> None:
    parse_or_data_error(text.encode("utf-8", "surrogatepass"))


# ---- names and search --------------------------------------------------------------------------------


def _knowledge(path: Path) -> Knowledge:
    return Knowledge(compile_knowledge(parse_knowledge(path.read_bytes(), str(path))), path)


@pytest.fixture(scope="module")
def knowledge() -> dict[str, Knowledge]:
    return {"mini": _knowledge(MINI), "bundled": _knowledge(BUNDLED)}


KINDS = ["agency", "component", "program", "matter", "term", "state"]
names_typed = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
    st.sampled_from(["ice", "287(g)", "U.S. Marshals", "the", "section", "us", "§", "", " ", "_", "İ", "ß", "ﬁ"]),
    st.from_regex(r"[A-Za-z0-9 .()§'-]{1,40}", fullmatch=True),
)


@settings(max_examples=200, deadline=None, suppress_health_check=SLOW)
@given(
    which=st.sampled_from(["mini", "bundled"]),
    name=names_typed,
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=6, unique=True),
)
def test_names_resolve_or_raise_only_not_found_or_ambiguous(
    knowledge: dict[str, Knowledge], which: str, name: str, kinds: list[str]
) -> None:
    k = knowledge[which]
    try:
        entry = k.names.resolve(name, kinds, "entry")
    except (NotFoundError, AmbiguousNameError) as exc:
        assert len(str(exc)) < 400  # a long name is shortened in the message
    else:
        assert entry.kind in kinds
    found = k.names.lookup(name, kinds)
    assert all(e.kind in kinds for e in found)
    suggestions = k.names.suggest(name, kinds)
    assert len(suggestions) <= 5 and all(isinstance(s, str) for s in suggestions)
    hits = search(k, name, kinds, limit=7)
    assert len(hits) <= 7 and all(h.kind in kinds for h in hits)
    try:
        matters = find_matters(k, name)
    except NotFoundError:
        pass
    else:
        assert all(m.key in k.matters for m in matters)
    k.label(name)


@settings(max_examples=100, deadline=None, suppress_health_check=SLOW)
@given(data=st.data(), which=st.sampled_from(["mini", "bundled"]))
def test_case_and_separators_do_not_change_what_a_name_means(
    knowledge: dict[str, Knowledge], data: st.DataObject, which: str
) -> None:
    k = knowledge[which]
    entries = [(e.kind, e.key, e.label) for _, e in k.names._entries() if e.label.isascii()]
    kind, key, label = data.draw(st.sampled_from(sorted(entries)), label="entry")
    cased = "".join(
        c.upper() if flip else c.lower()
        for c, flip in zip(
            label, data.draw(st.lists(st.booleans(), min_size=len(label), max_size=len(label))), strict=True
        )
    )
    separator = data.draw(st.sampled_from([" ", "  ", "-", "_", " - ", "\t"]), label="separator")
    typed = (
        data.draw(st.sampled_from(["", " ", "\t"]))
        + cased.replace(" ", separator)
        + data.draw(st.sampled_from(["", " ", "\n"]))
    )
    assert k.names.lookup(typed, KINDS) == k.names.lookup(label, KINDS)
    assert any(e.key == key and e.kind == kind for e in k.names.lookup(typed, KINDS))


# ---- spreadsheet rows through the importer's cleaning ----------------------------------------------------

REAL_CELLS = ["TEXAS", "tx", "Florida ", "Washington, D.C.", "U.S. Virgin Islands", "Narnia", "#N/A", "N/A", "—",
              "Task Force Model ", "JEM", "warrant service officer program", "County", "Municipality", "Tribe",
              "link pending", "LINK   PENDING", "link | addendum", "7/72025", "05/082025", "5025-07-07", "45000",
              "2025-02-30", "1/1/1900", "https://www.ice.gov/a.pdf", "mailto:x@example.org", "javascript:alert(1)",
              "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fx.pdf&data=1",
              "https://nam02.safelinks.protection.outlook.com/?url=", "http://[::1", "\u2019", " \u00a0 "]  # fmt: skip

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.text(max_size=40),
    st.text(min_size=480, max_size=700),
    st.sampled_from(REAL_CELLS),
)
links = st.one_of(st.none(), st.sampled_from(REAL_CELLS), st.text(max_size=60))
rows = st.lists(st.lists(st.tuples(cells, links), max_size=10), max_size=12)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^https?://\S+$")


@settings(max_examples=150, deadline=None, suppress_health_check=SLOW)
@given(sheet_rows=rows, year=st.integers(2002, 9999))
def test_cleaning_any_row_gives_well_formed_values(
    sheet_rows: list[list[tuple[object, str | None]]], year: int
) -> None:
    for row in sheet_rows:
        for value, link in row:
            text = clean_text(value)
            assert text == " ".join(text.split())  # trimmed, single spaces, no line breaks
            code = state_code(value)
            assert code is None or code in STATE_NAMES
            assert model_key(value) in ("jem", "tfm", "wso", "unknown")
            kind, known = agency_type_key(value)
            assert kind in ("county", "municipal", "state", "federal", "tribal", "other", "unknown")
            assert isinstance(known, bool)
            date = parse_signed(value, year)
            if date.iso is not None:
                assert ISO.match(date.iso) and 2002 <= int(date.iso[:4]) <= year
                assert date.raw is None and date.problem is None
            link_result = parse_link(value, link)
            assert link_result.status in ("link", "pending", "none")
            assert link_result.url is None or URL.match(link_result.url)
            assert (link_result.status == "link") == (link_result.url is not None)


COLUMNS = {"state": 0, "agency": 1, "type": 2, "county": 3, "model": 4, "signed": 5, "moa": 6, "addendum": 7}


@settings(max_examples=120, deadline=None, suppress_health_check=SLOW)
@given(
    sheet_rows=rows.filter(bool),
    status=st.sampled_from(["participating", "pending"]),
    columns=st.sampled_from([COLUMNS, {k: v for k, v in COLUMNS.items() if k in ("state", "agency", "model")}]),
)
def test_any_rows_make_agreements_that_survive_the_roster_file(
    sheet_rows: list[list[tuple[object, str | None]]], status: str, columns: dict[str, int]
) -> None:
    sheet = sheets._Sheet("sheet.xlsx", 1, columns, list(enumerate(sheet_rows, start=2)), 0)
    warnings: list[ice287g.ImportWarning] = []
    agreements = list(build._agreements(sheet, status, 2026, build._Stats(), warnings))  # type: ignore[arg-type]
    assert len(agreements) == len(sheet_rows)  # never a row dropped
    roster = Roster(
        schema_version=1, as_of="2025-07-18", source_url="https://x", source_files=[], agreements=agreements
    )
    assert decode_roster(encode_roster(roster), "r.json") == roster  # every value passes the file's validation
    for w in warnings:
        assert 2 <= w.row <= len(sheet_rows) + 1
        assert len(w.message) < 1500  # cell text is cut (repr escapes can still grow it tenfold)


csv_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW)
@given(
    header=st.permutations(["STATE", "LAW ENFORCEMENT AGENCY", "SUPPORT TYPE", "SIGNED", "MOA", "junk"]),
    body=st.lists(st.lists(st.one_of(csv_text, st.sampled_from(REAL_CELLS)), max_size=8), max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_any_csv_imports_or_raises_a_documented_error(header: list[str], body: list[list[str]], encoding: str) -> None:
    import csv

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "participatingAgencies07182025pm.csv"
        out = io.StringIO()
        csv.writer(out).writerows([header, *body])
        path.write_bytes(out.getvalue().encode(encoding, errors="replace"))
        try:
            result = import_sheets([path])
        except (DataError, UsageError) as exc:
            assert str(exc)
        else:
            roster = result.roster
            assert decode_roster(encode_roster(roster), "r.json") == roster
            assert result.report.rows_read == len(roster.agreements)


# ---- the command line ------------------------------------------------------------------------------------

COMMANDS = ["compare", "agency", "program", "jurisdiction", "glossary", "timeline", "search", "sources", "validate",
            "info", "get", "schema"]  # fmt: skip
ARGUMENTS = ["ice", "police", "sheriff", "hsi", "287g", "287(g)", "TX", "texas", "Harris County, TX", "pinellas sheriff",
             "detainer", "human trafficking", "theft", "administrative-warrant", "established", "size", "parent.text",
             "bjs-faq", "nope", "", " ", "-", "--", "x" * 300, "\u202eecilop", "0", "-1", "99999999999999999999",
             "1996", "2017", str(MINI), "/nonexistent/file.yaml", "."]  # fmt: skip
OPTIONS = ["-q", "--quiet", "--json", "--help", "-h", "--version", "--by-state", "--strict", "--latest", "--no-pager",
           "--pager", "--roster"]  # fmt: skip
WITH_VALUE = {
    "--format": ["table", "json", "yaml", "csv", "markdown", "md", "xml", "", "JSON"],
    "-f": ["json", "csv", "nope"],
    "--model": ["jem", "tfm", "wso", "jail", "nope", ""],
    "-m": ["tfm", "x"],
    "--type": ["county", "municipal", "state", "federal", "space"],
    "--case": ["human trafficking", "theft", "", "zzz"],
    "--aspect": ["arrest_powers", "warrants", "Size", "nope"],
    "--since": ["1990", "2030", "x", "-5"],
    "--until": ["2000", "1800", "y"],
    "--program": ["287g", "ice", "TX", "nope"],
    "--kind": ["agency", "term", "event", "nope"],
    "--limit": ["1", "0", "-3", "x", "100000"],
    "--color": ["auto", "always", "never", "sometimes"],
    "--roster": ["/nonexistent/roster.json", str(MINI), str(REPO / "data" / "roster-287g.json")],
    "--data": ["/nonexistent/kb.yaml", str(MINI)],
}

words = st.one_of(
    st.sampled_from(COMMANDS),
    st.sampled_from(ARGUMENTS),
    st.sampled_from(OPTIONS),
    st.sampled_from(sorted(WITH_VALUE)).flatmap(lambda opt: st.sampled_from(WITH_VALUE[opt]).map(lambda v: [opt, v])),
    # Any text a shell can pass: no NUL (argv is C strings) and no lone surrogates.
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"), max_size=20),
)


def _flatten(items: list[Any]) -> list[str]:
    return [w for item in items for w in (item if isinstance(item, list) else [item])]


argvs = st.tuples(st.sampled_from(COMMANDS), st.lists(words, max_size=7)).map(lambda t: [t[0], *_flatten(t[1])])


@settings(max_examples=200, deadline=None, suppress_health_check=SLOW)
@given(argv=st.one_of(argvs, st.lists(words, max_size=6).map(_flatten)))
def test_any_command_line_exits_0_to_3(argv: list[str]) -> None:
    assume("export" not in argv and "import-287g" not in argv)  # they write files
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.run(["--data", str(MINI), *argv])
    assert code in (0, 1, 2, 3), (argv, code, err.getvalue()[-500:])
    assert "internal error" not in err.getvalue() and "Traceback" not in err.getvalue()
    if code == 0 and "--json" in argv and "--help" not in argv and "-h" not in argv and "--version" not in argv:
        with contextlib.suppress(msgspec.DecodeError):  # --json may be an argument value, e.g. of --case
            msgspec.json.decode(out.getvalue())


# ---- numbers that reach the views ----------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW)
@given(value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(2**80), 2**80)))
def test_any_figure_value_is_rejected_or_renders(value: float) -> None:
    text = MINI_BYTES.decode().replace(
        "value: 20000", f"value: {value!r}".replace("inf", ".inf").replace("nan", ".nan")
    )
    try:
        kb = parse_knowledge(text.encode(), "v.yaml")
    except DataError as exc:
        assert not math.isfinite(float(value)) or "value" in str(exc)
        return
    assert math.isfinite(kb.agencies[0].size[0].value)
    from agencyref.knowledge.query import aspect_value

    aspect_value(kb.agencies[0], "size")
