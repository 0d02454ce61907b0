"""Shared fixtures: run the CLI in-process with captured streams and an isolated cache."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agencyref import cli

TESTS = Path(__file__).parent
DATA = TESTS / "data"
MINI = DATA / "mini.yaml"
BAD = DATA / "bad"
REPO = TESTS.parent


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Runner = Callable[..., Result]


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets its own cache and user-data folders and no user format preferences."""
    base = tmp_path_factory.mktemp("env")
    monkeypatch.setenv("AGENCYREF_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    for var in (
        "AGENCYREF_DATA",
        "AGENCYREF_FORMAT",
        "AGENCYREF_QUIET",
        "AGENCYREF_ROSTER",
        "NO_COLOR",
        "FORCE_COLOR",
        "AGENCYREF_DEBUG",
        "COLUMNS",
    ):
        monkeypatch.delenv(var, raising=False)
    yield


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Runner:
    """Run ``agencyref ARGS`` through ``cli.main`` and return exit code, stdout, stderr."""

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        old = {k: os.environ.get(k) for k in (env or {})}
        os.environ.update(env or {})
        try:
            with pytest.raises(SystemExit) as exc:
                cli.main(list(args))
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        captured = capsys.readouterr()
        code = exc.value.code
        return Result(code if isinstance(code, int) else 1, captured.out, captured.err)

    return invoke


@pytest.fixture
def mini(run: Runner) -> Runner:
    """Like ``run`` but against the small test knowledge file."""

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return run("--data", str(MINI), *args, env=env)

    return invoke
