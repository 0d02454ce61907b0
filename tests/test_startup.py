"""The lazy paths stay lazy: what a warm call imports (behaviour, not timing; timings live in benchmarks/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys
from agencyref.cli import run
sys.stdout = open(__import__("os").devnull, "w")
code = run(sys.argv[1:])
sys.__stdout__.write(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules(args: list[str], cache: Path) -> set[str]:
    env = dict(os.environ, AGENCYREF_CACHE_DIR=str(cache), AGENCYREF_QUIET="1")
    env.pop("FORCE_COLOR", None)
    for _ in range(2):  # the first call builds the cache; the second is the warm call we inspect
        r = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=120)
    result = json.loads(r.stdout)
    assert result["code"] == 0, r.stderr
    return set(result["modules"])


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "ice", "police", "--format", "json"],
        ["program", "287g", "--format", "json"],
        ["jurisdiction", "TX", "--format", "json"],
        ["compare", "ice", "police"],  # piped table: plain text, no Rich
    ],
)
def test_warm_calls_import_neither_rich_nor_yaml(args: list[str], tmp_path: Path) -> None:
    loaded = _modules(args, tmp_path)
    for heavy in (
        "rich",
        "yaml",
        "openpyxl",
        "pydantic",
        "agencyref.knowledge.validate",
        "agencyref.knowledge.yamlsafe",
    ):
        assert heavy not in loaded, f"{heavy} imported by a warm `agencyref {' '.join(args)}`"


def test_a_call_builds_only_its_own_command_module(tmp_path: Path) -> None:
    loaded = _modules(["compare", "ice", "police", "--format", "json"], tmp_path)
    assert "agencyref.cli.reference" in loaded
    assert not {"agencyref.cli.data", "agencyref.cli.places", "agencyref.cli.get"} & loaded
    assert "agencyref.roster.store" not in loaded  # compare never touches the roster
