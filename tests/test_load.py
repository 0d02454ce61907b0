"""The loader: safe YAML, typed validation, every problem reported as file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from agencyref.errors import DataError
from agencyref.knowledge.store import parse_knowledge

from .conftest import BAD, MINI


def problems(path: Path) -> list[str]:
    with pytest.raises(DataError) as exc:
        parse_knowledge(path.read_bytes(), path.name)
    return [str(p) for p in exc.value.problems]


def test_mini_file_loads_into_frozen_records() -> None:
    kb = parse_knowledge(MINI.read_bytes(), "mini.yaml")
    assert [a.key for a in kb.agencies] == ["ice", "police", "sheriff"]
    assert kb.agencies[0].established.date == "2003-03-01"  # timestamps stay ISO strings
    with pytest.raises(AttributeError):
        kb.agencies[0].name = "changed"  # type: ignore[misc]


def test_duplicate_key_names_both_lines() -> None:
    (msg,) = problems(BAD / "duplicate_key.yaml")
    assert msg == "duplicate_key.yaml:29: agencies[0].name: duplicate key (first defined on line 28)"


def test_dangling_source_id_names_its_line() -> None:
    (msg,) = problems(BAD / "dangling_source.yaml")
    assert msg.startswith("dangling_source.yaml:54: agencies[1].parent.sources[0]: unknown source id 'no-such-source'")


def test_unknown_field_suggests_the_right_name() -> None:
    (msg,) = problems(BAD / "unknown_field.yaml")
    assert "dangling" not in msg and ":53: agencies[1].levle:" in msg
    assert "did you mean `level`" in msg


def test_all_problems_are_reported_in_one_run() -> None:
    msgs = problems(BAD / "several_problems.yaml")
    assert any("meta.schema_version" in m for m in msgs)
    assert any("agencies[1].level" in m and "city" in m for m in msgs)
    assert any("unknown source id 'no-such-source'" in m for m in msgs)


def test_python_tag_is_refused_without_running_it(tmp_path: Path) -> None:
    marker = Path("/tmp/agencyref-pwned")
    marker.unlink(missing_ok=True)
    (msg,) = problems(BAD / "python_tag.yaml")
    assert "unsupported YAML tag" in msg and msg.startswith("python_tag.yaml:1:")
    assert not marker.exists()


def test_alias_bomb_is_refused_without_expanding() -> None:
    msgs = problems(BAD / "alias_bomb.yaml")
    # One message, at the first alias to a collection: the builder stops there instead of expanding.
    assert len(msgs) == 1 and "aliases" in msgs[0] and msgs[0].startswith("alias_bomb.yaml:1: b[0]:")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("empty.yaml", "must be a mapping"),
        ("list_top.yaml", "must be a mapping"),
        ("deep.yaml", "nesting depth"),
        ("invalid_utf8.yaml", "not valid UTF-8"),
        ("bad_date.yaml", "expected a date written YYYY, YYYY-MM or YYYY-MM-DD"),
        ("duplicate_alias.yaml", "also names 'ice'"),
        ("see_also_dangling.yaml", "did you mean 'administrative-warrant'"),
        ("wrong_type.yaml", "Expected `int`, got `str`"),
    ],
)
def test_each_failure_mode_has_a_clear_message(name: str, expected: str) -> None:
    msgs = problems(BAD / name)
    assert any(expected in m for m in msgs), msgs
    assert all(m.startswith(name) for m in msgs)


def test_bom_and_crlf_are_accepted() -> None:
    kb = parse_knowledge((BAD / "bom_crlf.yaml").read_bytes(), "bom_crlf.yaml")
    assert kb.meta.schema_version == 1 and kb.agencies[1].key == "police"


def test_oversized_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from agencyref.knowledge import yamlsafe

    monkeypatch.setattr(yamlsafe, "MAX_BYTES", 100)
    with pytest.raises(DataError, match="larger than"):
        parse_knowledge(MINI.read_bytes(), "mini.yaml")


def test_strict_mode_requires_both_sides_of_contested_programs(tmp_path: Path) -> None:
    text = MINI.read_text().replace(
        "    arguments_against:\n      - {claim: Costs fall on localities, by: Critics, sources: [bjs-faq]}\n", ""
    )
    with pytest.raises(DataError, match="needs arguments for and against"):
        parse_knowledge(text.encode(), "x.yaml", strict=True)
    parse_knowledge(text.encode(), "x.yaml")  # not strict: accepted
