"""Build the wheel, install it into a fresh virtual environment and run the console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (REPO / "pyproject.toml").is_file():
        pytest.skip("not running from a source checkout")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("agencyref-*.whl")
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)], check=True)
    # Offline: the wheel's dependencies come from this test environment through a .pth file, added after
    # the install (so pip does not see the outer agencyref); the new site-packages still comes first.
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "outer.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return env_dir


def _run(env_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENCYREF_")}
    env["AGENCYREF_CACHE_DIR"] = str(env_dir / "cache")
    return subprocess.run([str(env_dir / "bin" / "agencyref"), *args], capture_output=True, text=True, env=env, cwd="/")


def test_console_script_answers_from_bundled_data(installed: Path) -> None:
    r = _run(installed, "compare", "ice", "police", "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [a["key"] for a in doc["agencies"]] == ["ice", "police"]
    assert all(s["url"].startswith("http") for s in doc["sources"])


def test_installed_wheel_uses_its_own_data_files(installed: Path) -> None:
    info = json.loads(_run(installed, "info", "--json").stdout)
    assert info["knowledge_file"].startswith(str(installed))
    assert info["roster"]["path"].startswith(str(installed)) and info["roster"]["origin"] == "bundled"
    assert _run(installed, "validate").returncode == 0


def test_python_dash_m_works(installed: Path) -> None:
    r = subprocess.run(
        [str(installed / "bin" / "python"), "-m", "agencyref", "--version"], capture_output=True, text=True
    )
    assert r.returncode == 0 and r.stdout.startswith("agencyref ")
