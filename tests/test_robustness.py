"""Hostile and broken input at the command line: data files, spreadsheets, pipes, signals, terminals.

The loader's own tests (test_load.py) check messages at the parse level; here every case goes
through the CLI (``--data PATH COMMAND`` or ``validate PATH``, ``import-287g``) or a real
subprocess, and checks what a user sees: the exit code, stdout, stderr, and files left alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import BAD, MINI, Result, Runner

openpyxl = pytest.importorskip("openpyxl")

# ---- helpers ----------------------------------------------------------------------------------

TRACEBACK_WORDS = ("Traceback", "RecursionError", "BrokenPipe", "KeyboardInterrupt", "Exception ignored")


def assert_clean_failure(r: Result, code: int) -> None:
    """Failed with ``code``, nothing on stdout, and no Python internals on stderr."""
    assert r.code == code, (r.code, r.err[-2000:])
    assert r.out == ""
    assert r.err.strip(), "a failure must say why"
    for word in TRACEBACK_WORDS:
        assert word not in r.err


def both_ways(run: Runner, path: Path) -> list[Result]:
    """The same file through a query (``--data``) and through ``validate``."""
    return [run("-q", "--data", str(path), "agency", "ice"), run("validate", str(path))]


def mini_text() -> str:
    return MINI.read_text(encoding="utf-8")


PROBLEM_LINE = re.compile(r"^agencyref: (?P<file>[^:]+):(?P<line>\d+): (?P<path>[\w.\[\]-]+): (?P<msg>.+)$")


# ---- knowledge file through --data and validate ----------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        "meta: !!python/object/apply:os.system ['touch {marker}']\n",
        "meta: !!python/object/apply:builtins.open ['{marker}', 'w']\n",
        "meta: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n",
        "meta: !<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']\n",
        "meta: {{title: !!python/object/apply:os.system ['touch {marker}']}}\n",
        "meta: !!python/name:os.system\n",
        "meta:\n  - !!python/object/apply:os.system ['touch {marker}']\n",
        "meta: !custom {{a: 1}}\n",
    ],
)
def test_object_constructing_tags_are_refused_and_never_run(run: Runner, tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "tagged.yaml"
    text = mini_text()
    start = text.index("meta:")
    end = text.index("sources:")
    path.write_text(text[:start] + payload.format(marker=marker) + text[end:], encoding="utf-8")
    for r in both_ways(run, path):
        assert_clean_failure(r, 3)
        assert "unsupported YAML tag" in r.err and "tagged.yaml:" in r.err
    assert not marker.exists()


def test_alias_bomb_is_refused_fast_through_the_cli(run: Runner) -> None:
    with deadline(60):  # a watchdog against a regression that expands the bomb, not a timing
        for r in both_ways(run, BAD / "alias_bomb.yaml"):
            assert_clean_failure(r, 3)
            assert r.err.count("\n") == 1 and "aliases" in r.err  # one message, not one per alias


def test_repeated_scalar_alias_is_refused_before_it_explodes(run: Runner, tmp_path: Path) -> None:
    # A 200 kB string used 2,000 times: a 0.2 MB file that would expand to 400 MB of names,
    # cache and output. Aliases to scalars are allowed, but not to this extent.
    big = "x" * 200_000
    aliases = ", ".join(["*big"] * 2000)
    text = mini_text().replace(
        "    aliases: [immigration and customs enforcement]\n",
        f'    aliases: [immigration and customs enforcement, &big "{big}", {aliases}]\n',
        1,
    )
    path = tmp_path / "scalar_bomb.yaml"
    path.write_text(text, encoding="utf-8")
    with deadline(60):  # a watchdog against a regression that expands the text, not a timing
        for r in both_ways(run, path):
            assert_clean_failure(r, 3)
            assert "scalar_bomb.yaml:29: agencies[0].aliases[" in r.err and "aliases repeat too much text" in r.err
            assert len(r.err) < 2000


def test_small_scalar_aliases_still_work(mini: Runner, run: Runner, tmp_path: Path) -> None:
    text = mini_text().replace("  - id: bjs-faq\n", "  - id: &bjs bjs-faq\n", 1)
    text = text.replace("sources: [bjs-faq]", "sources: [*bjs]")
    assert text.count("*bjs") > 10
    path = tmp_path / "aliased.yaml"
    path.write_text(text, encoding="utf-8")
    r = run("-q", "--data", str(path), "agency", "police", "--json")
    assert r.code == 0 and r.err == ""
    assert r.json() == mini("-q", "agency", "police", "--json").json()


def test_file_over_the_size_limit_is_refused(run: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    from agencyref.knowledge import yamlsafe

    monkeypatch.setattr(yamlsafe, "MAX_BYTES", 1024)
    for r in both_ways(run, MINI):
        assert_clean_failure(r, 3)
        assert "mini.yaml: file is larger than" in r.err


def test_big_file_is_refused_at_the_real_limit(run: Runner, tmp_path: Path) -> None:
    from agencyref.knowledge import yamlsafe

    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:  # a comment line repeated: cheap to write, refused before parsing
        fh.write(MINI.read_bytes())
        line = b"# " + b"x" * 1022 + b"\n"
        fh.write(line * (yamlsafe.MAX_BYTES // len(line) + 1))
    with deadline(60):  # refused before parsing; the watchdog only catches a regression that parses it
        r = run("-q", "--data", str(path), "agency", "ice")
    assert_clean_failure(r, 3)
    assert "larger than the 32 MiB limit" in r.err


NESTINGS: dict[str, tuple[Callable[[int], str], list[int]]] = {
    "flow-list": (lambda n: "meta: " + "[" * n + "]" * n + "\n", [65, 3000, 100_000]),
    "flow-map": (lambda n: "meta: " + "{a: " * n + "1" + "}" * n + "\n", [65, 3000, 100_000]),
    # Indentation makes block nesting quadratic in file size: 2,000 levels is already 4 MB.
    "block-map": (lambda n: "".join(" " * i + "k:\n" for i in range(n)) + " " * n + "k: 1\n", [65, 2000]),
    "block-list": (
        lambda n: "meta:\n" + "".join("  " * i + "-\n" for i in range(1, n)) + "  " * n + "- 1\n",
        [65, 2000],
    ),
}


@pytest.mark.parametrize(
    ("style", "depth"), [(style, depth) for style, (_, depths) in NESTINGS.items() for depth in depths]
)
def test_deep_nesting_is_a_data_error_not_a_crash(run: Runner, tmp_path: Path, style: str, depth: int) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(NESTINGS[style][0](depth), encoding="utf-8")
    r = run("-q", "--data", str(path), "agency", "ice")
    assert_clean_failure(r, 3)
    assert "deep.yaml:" in r.err
    assert re.search(r"nest|depth|deeper", r.err), r.err[:500]


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (MINI.read_bytes().replace(b"Local police department", b"Local police d\xe9partement"), 51),
        (MINI.read_bytes()[:100] + b"\xff\xfe" + MINI.read_bytes()[100:], 4),
        ("meta: é\n".encode("utf-16"), 1),
        (b"meta:\n  title: \xed\xa0\x80 surrogate\n", 2),
    ],
    ids=["latin-1", "junk-bytes", "utf-16", "encoded-surrogate"],
)
def test_invalid_utf8_names_the_line(run: Runner, tmp_path: Path, data: bytes, line: int) -> None:
    path = tmp_path / "enc.yaml"
    path.write_bytes(data)
    for r in both_ways(run, path):
        assert_clean_failure(r, 3)
        assert f"enc.yaml:{line}: not valid UTF-8" in r.err


@pytest.mark.parametrize(
    "transform",
    [
        lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"),
        lambda b: b.replace(b"\n", b"\r"),
        lambda b: b"\xef\xbb\xbf" + b,
        lambda b: b.replace(b"\n", b"   \n") + b"\n\n\n",
    ],
    ids=["bom-crlf", "cr-only", "bom", "trailing-space"],
)
def test_bom_and_line_endings_give_the_same_answer(
    mini: Runner, run: Runner, tmp_path: Path, transform: Callable[[bytes], bytes]
) -> None:
    path = tmp_path / "endings.yaml"
    path.write_bytes(transform(MINI.read_bytes()))
    expected = mini("-q", "compare", "ice", "police", "--json").json()
    r = run("-q", "--data", str(path), "compare", "ice", "police", "--json")
    assert r.code == 0 and r.err == ""
    assert r.json() == expected
    assert run("validate", str(path)).code == 0


def test_bundled_bom_crlf_fixture_through_the_cli(run: Runner) -> None:
    r = run("-q", "--data", str(BAD / "bom_crlf.yaml"), "agency", "police", "--json")
    assert r.code == 0 and r.json()["agency"]["key"] == "police"


def test_duplicate_keys_name_both_lines(run: Runner, tmp_path: Path) -> None:
    for r in both_ways(run, BAD / "duplicate_key.yaml"):
        assert_clean_failure(r, 3)
        assert "duplicate_key.yaml:29: agencies[0].name: duplicate key (first defined on line 28)" in r.err
    # A whole section given twice: the second is reported, not silently merged or dropped.
    text = mini_text() + "agencies: []\n"
    path = tmp_path / "twice.yaml"
    path.write_text(text, encoding="utf-8")
    first, last = text.splitlines().index("agencies:") + 1, text.count("\n")
    for r in both_ways(run, path):
        assert_clean_failure(r, 3)
        assert f"twice.yaml:{last}: agencies: duplicate key (first defined on line {first})" in r.err


def test_wrong_type_names_path_and_line(run: Runner) -> None:
    for r in both_ways(run, BAD / "wrong_type.yaml"):
        assert_clean_failure(r, 3)
        assert "wrong_type.yaml:3: meta.schema_version: Expected `int`, got `str`" in r.err


def test_unknown_field_names_path_line_and_suggestion(run: Runner, tmp_path: Path) -> None:
    for r in both_ways(run, BAD / "unknown_field.yaml"):
        assert_clean_failure(r, 3)
        assert "unknown_field.yaml:53: agencies[1].levle:" in r.err and "did you mean `level`?" in r.err
    # An unknown section, and an unknown field deep inside a list.
    text = mini_text().replace("programs:\n", "programmes: []\nprograms:\n", 1)
    text = text.replace("        status: active\n", "        statsu: active\n", 1)
    path = tmp_path / "typos.yaml"
    path.write_text(text, encoding="utf-8")
    r = run("validate", str(path))
    assert_clean_failure(r, 3)
    assert re.search(r"typos\.yaml:\d+: programmes: unknown section \(did you mean `programs`\?\)", r.err)
    assert re.search(r"typos\.yaml:\d+: programs\[0\]\.variants\[0\]\.statsu: .*did you mean `status`\?", r.err)


def test_unhashable_source_id_is_a_data_error(run: Runner, tmp_path: Path) -> None:
    # Was exit 4: an id written as a list is unhashable, and the dangling-source check crashed on it.
    path = tmp_path / "list_id.yaml"
    path.write_text(mini_text().replace("  - id: ice-about\n", "  - id: [ice-about]\n", 1), encoding="utf-8")
    for r in both_ways(run, path):
        assert_clean_failure(r, 3)
        assert "list_id.yaml:8: sources[0].id: Expected `str`, got `array`" in r.err


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN"])
def test_non_finite_figures_are_a_data_error(run: Runner, tmp_path: Path, value: str) -> None:
    # Was exit 4: they are valid floats, but the views format figures with int(), which raises on them.
    path = tmp_path / "figures.yaml"
    path.write_text(mini_text().replace("value: 20000", f"value: {value}"), encoding="utf-8")
    for r in [*both_ways(run, path), run("-q", "--data", str(path), "compare", "ice", "police")]:
        assert_clean_failure(r, 3)
        assert "figures.yaml:43: agencies[0].size[0].value: expected a finite number" in r.err


def test_control_characters_in_keys_stay_escaped_on_one_line(run: Runner, tmp_path: Path) -> None:
    # A key with a line break or a terminal escape must not split a problem or recolour the terminal.
    text = mini_text().replace("    level: municipal\n", '    "lev\\nel\\e[31m": municipal\n    level: municipal\n', 1)
    text += '"\\u202esection": []\n'
    path = tmp_path / "keys.yaml"
    path.write_text(text, encoding="utf-8")
    for r in both_ways(run, path):
        assert_clean_failure(r, 3)
        assert "\x1b" not in r.err and "\u202e" not in r.err
        lines = r.err.splitlines()
        assert len(lines) == 2 and all(line.startswith("agencyref: ") and "keys.yaml:" in line for line in lines)
        assert "agencies[1]['lev\\nel\\x1b[31m']: Object contains unknown field `lev\\nel\\x1b[31m`" in r.err
        assert "['\\u202esection']: unknown section" in r.err


def test_control_characters_in_a_roster_file_stay_escaped(run: Runner, tmp_path: Path) -> None:
    import json

    from .conftest import REPO

    roster = json.loads((REPO / "data" / "roster-287g.json").read_text(encoding="utf-8"))
    roster["agreements"][0]["\x1b[31mred\nline"] = 1
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(roster), encoding="utf-8")
    r = run("-q", "--roster", str(path), "jurisdiction", "--by-state")
    assert_clean_failure(r, 3)
    (line,) = r.err.splitlines()
    assert line.endswith("$.agreements[0]: Object contains unknown field `\\x1b[31mred\\nline`")


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("dangling_source.yaml", ":54: agencies[1].parent.sources[0]: unknown source id 'no-such-source'"),
        ("see_also_dangling.yaml", ":150: terms[0].see_also[1]: unknown entry 'administrative-warant'"),
    ],
)
def test_dangling_references_through_the_cli(run: Runner, name: str, needle: str) -> None:
    for r in both_ways(run, BAD / name):
        assert_clean_failure(r, 3)
        assert name + needle in r.err


def test_dangling_agency_and_program_references(run: Runner, tmp_path: Path) -> None:
    text = mini_text().replace("    administering: [ice]\n", "    administering: [icee]\n    related: [nope]\n", 1)
    text = text.replace("    primary: [hsi]\n", "    primary: [hsx]\n", 1)
    path = tmp_path / "refs.yaml"
    path.write_text(text, encoding="utf-8")
    r = run("validate", str(path))
    assert_clean_failure(r, 3)
    assert "programs[0].administering[0]: unknown agency 'icee' (did you mean 'ice'?)" in r.err
    assert "programs[0].related[0]: unknown program 'nope'" in r.err
    assert "matters[0].primary[0]: unknown agency 'hsx' (did you mean 'hsi'?)" in r.err


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("", "empty"),
        ("\n\n   \n", "empty"),
        ("# only a comment\n", "empty"),
        ("---\n...\n", "empty"),
        ("- meta\n- sources\n", "list"),
        ("just a string\n", "str"),
        ("42\n", "int"),
        ("~\n", "empty"),
    ],
)
def test_empty_or_non_mapping_file(run: Runner, tmp_path: Path, content: str, kind: str) -> None:
    path = tmp_path / "top.yaml"
    path.write_text(content, encoding="utf-8")
    for r in both_ways(run, path):
        assert_clean_failure(r, 3)
        assert "top.yaml" in r.err and "must be a mapping" in r.err and f"(got {kind})" in r.err


def test_several_documents_in_one_file(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(mini_text() + "---\n" + mini_text(), encoding="utf-8")
    for r in both_ways(run, path):
        assert_clean_failure(r, 3)
        assert "two.yaml:" in r.err and "invalid YAML" in r.err


@pytest.mark.parametrize(
    "text",
    ["meta: [unclosed\n", "meta:\n\tbad: tab\n", "a: b: c\n", "meta: 'open\n", "key: \x00\n", "- a\nb: c\n"],
)
def test_malformed_yaml_is_located(run: Runner, tmp_path: Path, text: str) -> None:
    path = tmp_path / "syntax.yaml"
    path.write_text(text, encoding="utf-8")
    for r in both_ways(run, path):
        assert_clean_failure(r, 3)
        (line,) = r.err.splitlines()  # one line, located
        assert re.match(r"agencyref: \S*syntax\.yaml:\d+: invalid YAML: ", line), line


def test_all_problems_reported_in_one_run_each_file_line_path_message(run: Runner, tmp_path: Path) -> None:
    text = mini_text()
    text = text.replace('  data_as_of: "2026-11-27"', "  data_as_of: 27 November 2026", 1)  # bad date (line 5)
    text = text.replace("    level: municipal\n", "    levle: municipal\n", 1)  # unknown field (line 53)
    text = text.replace("    kind: statute\n", "    kind: 42\n", 1)  # wrong type (line 18)
    text = text.replace(
        'sources: [bjs-faq]}\n    established: {date: "1634"', 'sources: [gone]}\n    established: {date: "1634"'
    )
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    for r in both_ways(run, path):
        assert_clean_failure(r, 3)
        lines = r.err.splitlines()
        parsed = [PROBLEM_LINE.match(line) for line in lines]
        assert all(parsed), lines  # every line is file:line: path: message
        found = {(int(m["line"]), m["path"]) for m in parsed if m}
        assert {m["file"] for m in parsed if m} == {str(path)}
        assert (5, "meta.data_as_of") in found
        assert (18, "sources[1].kind") in found
        assert (53, "agencies[1].levle") in found
        assert (74, "agencies[2].parent.sources[0]") in found
        assert len(lines) == 4


def test_data_path_that_is_a_directory_or_a_symlink_loop(run: Runner, tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(tmp_path / "loop2.yaml")
    (tmp_path / "loop2.yaml").symlink_to(loop)
    r = run("-q", "--data", str(loop), "agency", "ice")
    assert_clean_failure(r, 3)  # was exit 4: resolving the cache name raised RuntimeError
    assert "loop.yaml: cannot read" in r.err
    r = run("-q", "--data", str(tmp_path), "agency", "ice")
    assert_clean_failure(r, 3)
    assert "is a directory" in r.err


def test_data_error_output_is_bounded(run: Runner, tmp_path: Path) -> None:
    # 1,000 bad events: every one is found, but stderr stops after 200 lines and says how many more.
    events = "".join(f"  - {{date: not-a-date-{i}, title: t, summary: s, sources: [bjs-faq]}}\n" for i in range(1000))
    text = mini_text()
    path = tmp_path / "noisy.yaml"
    path.write_text(text[: text.index("events:")] + "events:\n" + events, encoding="utf-8")
    r = run("validate", str(path))
    assert_clean_failure(r, 3)
    lines = r.err.splitlines()
    assert len(lines) == 201 and lines[-1] == "agencyref: ... and 800 more problems"


# ---- import-287g: bad spreadsheets leave the roster alone -----------------------------------------

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
GOOD_ROW = ["TEXAS", "Harris County Sheriff's Office", "County", "Harris County", "Task Force Model",
            dt.datetime(2025, 3, 1), "link"]  # fmt: skip
SHEET = "participatingAgencies07182025pm.xlsx"


def workbook(path: Path, rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def rewrite_sheet(path: Path, edit: Callable[[str], str]) -> Path:
    """Rewrite the first worksheet's XML inside an .xlsx."""
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode()).encode()
            zout.writestr(info, data)
    return path


@pytest.fixture
def roster_out(run: Runner, tmp_path: Path) -> Path:
    """A roster written by a good import, to be left untouched by the bad ones."""
    (tmp_path / "good").mkdir()
    good = workbook(tmp_path / "good" / SHEET, [HEADER, GOOD_ROW])
    out = tmp_path / "out" / "roster.json"
    r = run("-q", "import-287g", str(good), "--output", str(out))
    assert r.code == 0 and out.is_file()
    return out


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return path


def _truncated_workbook(path: Path) -> Path:
    whole = workbook(path, [HEADER, GOOD_ROW]).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _written(data: bytes, name: str = SHEET) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        (folder / name).write_bytes(data)
        return folder / name

    return make


NO_MODEL = [c for c in HEADER if c != "SUPPORT TYPE"]
# case -> (make the file in a folder, what the message must say)
BAD_SHEETS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing-column": (
        lambda d: workbook(d / SHEET, [NO_MODEL, GOOD_ROW[:4] + GOOD_ROW[5:]]),
        "missing column(s) SUPPORT TYPE",
    ),
    "renamed-columns": (
        lambda d: workbook(
            d / SHEET, [["STATE", "AGENCY NAME", "MODEL TYPE", "SIGNED"], ["TEXAS", "A", "TFM", "1/2/25"]]
        ),
        "missing column(s) LAW ENFORCEMENT AGENCY, SUPPORT TYPE",
    ),
    "all-renamed": (
        lambda d: workbook(d / SHEET, [["St.", "Agency Name", "Program Model"], ["TEXAS", "A PD", "TFM"]]),
        "no header row: missing column(s) STATE, LAW ENFORCEMENT AGENCY, SUPPORT TYPE",
    ),
    "no-header": (lambda d: workbook(d / SHEET, [GOOD_ROW, GOOD_ROW]), "no header row"),
    "no-data-rows": (lambda d: workbook(d / SHEET, [HEADER, [None] * 7, [" "] * 7]), "no data rows below the header"),
    "empty-sheet": (lambda d: workbook(d / SHEET, []), "no header row"),
    "text-as-xlsx": (_written(b"STATE,LAW ENFORCEMENT AGENCY,SUPPORT TYPE\nTX,A,TFM\n"), "not an Excel workbook"),
    "empty-file": (_written(b""), "not an Excel workbook"),
    "zip-not-workbook": (lambda d: _zip(d / SHEET, {"hello.txt": b"hi"}), "no xl/workbook.xml"),
    "xlsb": (lambda d: _zip(d / SHEET, {"xl/workbook.bin": b"\0" * 10}), "binary .xlsb workbooks are not supported"),
    "corrupt-xml": (
        lambda d: _zip(d / SHEET, {"[Content_Types].xml": b"<nope", "xl/workbook.xml": b"<nope"}),
        "not a readable Excel workbook",
    ),
    "truncated": (lambda d: _truncated_workbook(d / SHEET), "not an Excel workbook"),
    "csv-with-nul": (_written(b"STATE,AGENCY\x00\x00\n", "participatingAgencies07182025pm.csv"), "NUL bytes"),
    "csv-huge-field": (
        _written(b'STATE,LAW ENFORCEMENT AGENCY,SUPPORT TYPE\nTX,"' + b"x" * 200_000 + b'",TFM\n', "p07182025.csv"),
        "not a readable CSV file",
    ),
}


class TookTooLong(BaseException):  # not an Exception: the CLI's last-resort handler must not swallow it
    pass


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (and eating memory) if a guard against a bomb regresses."""

    def expired(*_: object) -> None:
        raise TookTooLong(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_untouched(out: Path, before: bytes) -> None:
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no temporary files left behind


@pytest.mark.parametrize("case", list(BAD_SHEETS))
def test_bad_sheet_exits_3_and_leaves_the_roster(run: Runner, tmp_path: Path, roster_out: Path, case: str) -> None:
    before = roster_out.read_bytes()
    make, expected = BAD_SHEETS[case]
    (tmp_path / "bad").mkdir()
    path = make(tmp_path / "bad")
    for extra in ([], ["--json"], ["--dry-run"]):
        r = run("-q", "import-287g", str(path), "--output", str(roster_out), *extra)
        assert_clean_failure(r, 3)
        assert expected in r.err and path.name in r.err
    assert_untouched(roster_out, before)


def test_bad_sheet_with_a_good_one_writes_nothing(run: Runner, tmp_path: Path, roster_out: Path) -> None:
    before = roster_out.read_bytes()
    good = workbook(tmp_path / "participatingAgencies07192025pm.xlsx", [HEADER, GOOD_ROW])
    bad = tmp_path / "pendingAgencies07192025pm.xlsx"
    bad.write_text("not a workbook")
    r = run("-q", "import-287g", str(good), str(bad), "--output", str(roster_out))
    assert_clean_failure(r, 3)
    assert_untouched(roster_out, before)


def test_zip_bomb_is_refused_before_it_is_opened(
    run: Runner, tmp_path: Path, roster_out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agencyref.roster import ice287g

    before = roster_out.read_bytes()
    path = workbook(tmp_path / SHEET, [HEADER, GOOD_ROW])
    rewrite_sheet(path, lambda xml: xml.replace("</worksheet>", "<!--" + " " * 3_000_000 + "--></worksheet>"))
    assert path.stat().st_size < 50_000  # 3 MB of XML compresses to a few kB
    monkeypatch.setattr(ice287g.sheets, "MAX_UNCOMPRESSED_BYTES", 2 * 2**20)
    r = run("-q", "import-287g", str(path), "--output", str(roster_out))
    assert_clean_failure(r, 3)
    assert "workbook expands to 3 MB; refusing anything over 2 MB" in r.err
    monkeypatch.setattr(ice287g.sheets, "MAX_FILE_BYTES", 1000)
    r = run("-q", "import-287g", str(path), "--output", str(roster_out))
    assert_clean_failure(r, 3)
    assert "refusing anything over 0 MB" in r.err
    assert_untouched(roster_out, before)


@pytest.mark.parametrize(
    "element",
    [
        '<mergeCells count="1"><mergeCell ref="A5:XFD1048576"/></mergeCells>',
        '<mergeCells count="1"><mergeCell ref="A:XFD"/></mergeCells>',
        '<hyperlinks><hyperlink ref="A5:XFD1048576" display="x"/></hyperlinks>',
        '<mergeCells count="1"><mergeCell ref="A5&#58;XFD1048576"/></mergeCells>',
    ],
    ids=["merge", "merge-columns", "hyperlink-range", "entity-escaped"],
)
def test_range_bomb_is_refused_quickly(run: Runner, tmp_path: Path, roster_out: Path, element: str) -> None:
    # A few bytes naming a sheet-sized range made openpyxl create 17 billion cells (hung, then OOM).
    before = roster_out.read_bytes()
    path = rewrite_sheet(
        workbook(tmp_path / SHEET, [HEADER, GOOD_ROW]),
        lambda xml: xml.replace("</sheetData>", "</sheetData>" + element),
    )
    with deadline(10):
        r = run("-q", "import-287g", str(path), "--output", str(roster_out))
    assert_clean_failure(r, 3)
    assert "ranges span 17,179,8" in r.err and "refusing anything over 2,000,000" in r.err
    assert_untouched(roster_out, before)


def test_small_merged_ranges_and_links_still_import(run: Runner, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ICE 287(g) participating agencies"])
    ws.merge_cells("A1:G1")
    ws.append(HEADER)
    ws.append(GOOD_ROW)
    ws["G3"].hyperlink = "https://www.ice.gov/doclib/287gMOA/x.pdf"
    path = tmp_path / SHEET
    wb.save(path)
    out = tmp_path / "roster.json"
    r = run("-q", "import-287g", str(path), "--output", str(out), "--json")
    assert r.code == 0, r.err
    report = r.json()["report"]
    assert report["agreements_written"] == 1 and report["moa_links"] == 1


def test_stray_far_away_cell_imports_without_walking_the_whole_sheet(run: Runner, tmp_path: Path) -> None:
    # One cell at XFD1048576 made the used range 17 billion cells; reading it took forever.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(GOOD_ROW)
    ws["XFD1048576"] = "stray"
    path = tmp_path / SHEET
    wb.save(path)
    out = tmp_path / "roster.json"
    with deadline(15):
        r = run("-q", "import-287g", str(path), "--output", str(out), "--json")
    assert r.code == 0, r.err
    report = r.json()["report"]
    assert report["rows_read"] == 2  # the stray row is kept (and warned about), never dropped silently
    assert report["blank_rows"] == 1_048_576 - 3
    assert any(w["row"] == 1_048_576 for w in report["warnings"])


def test_sheet_spanning_too_many_cells_is_refused(
    run: Runner, tmp_path: Path, roster_out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agencyref.roster import ice287g

    before = roster_out.read_bytes()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for _ in range(50):
        ws.append(GOOD_ROW)
    path = tmp_path / SHEET
    wb.save(path)
    monkeypatch.setattr(ice287g.sheets, "MAX_CELLS", 200)
    r = run("-q", "import-287g", str(path), "--output", str(roster_out))
    assert_clean_failure(r, 3)
    assert "sheet spans 357 cells; refusing anything over 200" in r.err
    assert_untouched(roster_out, before)


def test_xml_entity_bomb_in_a_sheet_is_refused(run: Runner, tmp_path: Path, roster_out: Path) -> None:
    before = roster_out.read_bytes()
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )

    def bomb(xml: str) -> str:
        body = xml[xml.index("<worksheet") :]
        return f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>' + body.replace("Harris County", "&l9;", 1)

    path = rewrite_sheet(workbook(tmp_path / SHEET, [HEADER, GOOD_ROW]), bomb)
    with deadline(10):
        r = run("-q", "import-287g", str(path), "--output", str(roster_out))
    assert_clean_failure(r, 3)
    assert "not a readable Excel workbook" in r.err
    assert_untouched(roster_out, before)


def test_unwritable_output_is_a_data_error(run: Runner, tmp_path: Path) -> None:
    good = workbook(tmp_path / SHEET, [HEADER, GOOD_ROW])
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run("-q", "import-287g", str(good), "--output", str(blocker / "roster.json"))
    assert_clean_failure(r, 3)
    assert "cannot write roster" in r.err
    assert blocker.read_text() == "x"


def test_corrupt_existing_roster_is_replaced_by_a_good_import(run: Runner, tmp_path: Path) -> None:
    out = tmp_path / "roster.json"
    out.write_bytes(b"\x00garbage{")
    good = workbook(tmp_path / SHEET, [HEADER, GOOD_ROW])
    r = run("-q", "import-287g", str(good), "--output", str(out), "--json")
    assert r.code == 2 and "--force" in r.err  # garbage is not recognisably a roster: only --force replaces it
    r = run("-q", "import-287g", str(good), "--output", str(out), "--json", "--force")
    assert r.code == 0, r.err
    r = run("-q", "--roster", str(out), "jurisdiction", "TX", "--json")
    assert r.code == 0 and "Harris County Sheriff's Office" in r.out


# ---- a real process: pipes, signals, odd names, terminals ------------------------------------------


def agencyref_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENCYREF_", "NO_COLOR", "FORCE_COLOR"))}
    env.pop("COLUMNS", None)
    env.update(
        AGENCYREF_CACHE_DIR=str(tmp_path / "cache"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        PAGER="cat",
        AGENCYREF_PAGER="cat",
    )
    env.update(extra)
    return env


def agencyref_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "agencyref", *args]


def test_head_one_on_short_output_exits_0_silently(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        agencyref_cmd("program", "287g"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=agencyref_env(tmp_path)
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert b"287(g)" in first
    assert all(word not in err for word in TRACEBACK_WORDS), err


def _closed_early(tmp_path: Path, how: str) -> tuple[int, str]:
    # `sources --format json` prints ~190 kB: far more than a pipe holds, so writes hit the closed end.
    proc = subprocess.Popen(
        agencyref_cmd("-q", "sources", "--format", "json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=agencyref_env(tmp_path),
    )
    assert proc.stdout is not None and proc.stderr is not None
    if how == "after-a-line":
        assert proc.stdout.readline().strip() == b"{"
    proc.stdout.close()
    err = proc.stderr.read().decode()
    return proc.wait(timeout=60), err


@pytest.mark.parametrize("how", ["before-reading", "after-a-line"])
def test_closed_pipe_is_silent(tmp_path: Path, how: str) -> None:
    code, err = _closed_early(tmp_path, how)
    assert err == "", err  # nothing at all: no traceback, no "Exception ignored", no BrokenPipeError
    # After a line, whether a write still fails depends on the kernel and the interpreter (CPython
    # can drop the rest of a partial write), so only the reader-gone-first case pins the exit code.
    assert code in (0, 1)


def test_closed_pipe_exits_0(tmp_path: Path) -> None:
    code, err = _closed_early(tmp_path, "before-reading")
    assert err == ""
    assert code == 0


def test_sigint_in_process_exits_130_without_traceback(mini: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    from agencyref.present.views import agencies

    def interrupted(*_: object, **__: object) -> None:
        signal.raise_signal(signal.SIGINT)
        time.sleep(5)  # never reached: the handler raises KeyboardInterrupt first

    monkeypatch.setattr(agencies, "agency_profile", interrupted)
    r = mini("-q", "agency", "ice")
    assert r.code == 130 and r.out == ""  # 130, not 0: the sleep after the signal never completed
    assert all(word not in r.err for word in TRACEBACK_WORDS), r.err


def test_sigint_while_reading_the_data_file_exits_130(tmp_path: Path) -> None:
    # The data file is a FIFO: the process blocks reading it, we know exactly when, and interrupt it.
    fifo = tmp_path / "data.yaml"
    os.mkfifo(fifo)
    proc = subprocess.Popen(
        agencyref_cmd("-q", "--data", str(fifo), "agency", "ice"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=agencyref_env(tmp_path),
    )
    try:
        deadline = time.monotonic() + 30
        while True:  # opening the write end succeeds once the process has opened the file to read it
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "never started reading"
                time.sleep(0.02)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        os.close(writer)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert out == b""
    assert all(word not in err.decode() for word in TRACEBACK_WORDS), err


def test_sigint_through_the_entry_point(tmp_path: Path) -> None:
    # The console script's own path (gc off, os._exit) with a real signal delivered mid-command.
    script = (
        "import os, signal, sys, time\n"
        "import agencyref.present.views.agencies as v\n"
        "def slow(*a, **k):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(10)\n"
        "v.agency_profile = slow\n"
        f"sys.argv = ['agencyref', '-q', '--data', {str(MINI)!r}, 'agency', 'ice']\n"
        "from agencyref._entry import run\n"
        "run()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, env=agencyref_env(tmp_path), timeout=60, check=False
    )
    assert proc.returncode == 130
    assert proc.stdout == b""
    assert all(word not in proc.stderr.decode() for word in TRACEBACK_WORDS), proc.stderr


ODD_NAMES = {
    "empty": "",
    "spaces": "   ",
    "10k": "x" * 10_000,
    "control": "\x07\x1b[31mred\x1b[0m\x08\x7f",
    "rtl": "\u202eecilop\u202c",
    "hebrew": "משטרה מקומית",
    "combining": "i\u0301c\u0301e\u0301",
    "newlines": "ice\npolice\r\n",
    "surrogate-escape": "caf\udce9",
}


def test_odd_names_give_a_clean_not_found_in_a_real_process(tmp_path: Path) -> None:
    env = agencyref_env(tmp_path)
    for label, name in ODD_NAMES.items():
        argv = agencyref_cmd("-q", "--data", str(MINI), "agency", name)
        proc = subprocess.run(argv, capture_output=True, env=env, timeout=60, check=False)
        err = proc.stderr.decode(errors="replace")
        assert proc.returncode == 1, (label, err)
        assert proc.stdout == b"", label
        assert "no agency named" in err, (label, err)
        assert all(word not in err for word in TRACEBACK_WORDS), (label, err)
        assert b"\x1b" not in proc.stderr, label  # control characters are escaped, not replayed
        assert len(err) < 1000, label  # a 10,000-character name is shortened in the message


@pytest.mark.parametrize(
    "args",
    [
        ("compare", "ice", "police"),
        ("program", "287g"),
        ("jurisdiction", "TX"),
        ("jurisdiction", "--by-state"),
        ("agency", "ice"),
        ("glossary",),
        ("timeline",),
        ("search", "warrant"),
        ("info",),
    ],
)
@pytest.mark.parametrize(
    "env",
    [{"NO_COLOR": "1"}, {"TERM": "dumb"}, {"COLUMNS": "20"}, {"COLUMNS": "1", "NO_COLOR": "1"}, {"COLUMNS": "abc"}],
)
def test_terminal_settings_render_without_error_or_escapes(
    mini: Runner, args: tuple[str, ...], env: dict[str, str]
) -> None:
    r = mini("-q", *args, env=env)
    assert r.code == 0, r.err
    assert r.out.strip() and r.err == ""
    assert "\x1b" not in r.out


def _run_in_pty(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(agencyref_cmd(*args), stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    _, err = proc.communicate(timeout=60)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode(errors="replace"), err.decode(errors="replace")


@pytest.mark.skipif(sys.platform != "linux", reason="needs a Linux pseudo-terminal")
def test_no_color_and_dumb_terminal_at_a_real_terminal(tmp_path: Path) -> None:
    args = ["-q", "--data", str(MINI), "compare", "ice", "police"]
    code, out, _ = _run_in_pty(args, agencyref_env(tmp_path, TERM="xterm-256color"))
    assert code == 0 and "\x1b[" in out  # the control: a colour terminal does get colour
    for extra in (
        {"TERM": "xterm-256color", "NO_COLOR": "1"},
        {"TERM": "dumb"},
        {"TERM": "xterm", "COLUMNS": "20", "NO_COLOR": "1"},
    ):
        code, out, err = _run_in_pty(args, agencyref_env(tmp_path, **extra))
        assert code == 0 and err == "", (extra, err)
        assert "\x1b" not in out, extra
        assert "Level of government" in out, extra
        if "COLUMNS" in extra:  # records at 20 columns; only a URL, never broken, may be wider
            assert all(len(line) <= 20 or line.strip().startswith("https://") for line in out.splitlines())


@pytest.mark.parametrize("columns", ["20", "40"])
def test_narrow_terminal_keeps_the_answer(mini: Runner, columns: str) -> None:
    r = mini("-q", "compare", "ice", "police", env={"COLUMNS": columns, "NO_COLOR": "1"})
    assert r.code == 0
    flat = " ".join(r.out.split())
    assert "federal" in flat and "municipal" in flat  # each agency's level of government
