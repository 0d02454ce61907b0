"""Each shell's completion script, run in that shell: bash always; zsh and fish where they are installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agencyref.present.render import FORMATS

from .conftest import MINI


@pytest.fixture
def shell_env(tmp_path: Path) -> dict[str, str]:
    """PATH finds an `agencyref` that runs this interpreter's package (the scripts call it by name)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "agencyref"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m agencyref "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", AGENCYREF_DATA=str(MINI))
    env.pop("_AGENCYREF_COMPLETE", None)
    (tmp_path / "json-notes.txt").write_text("a file completion must not offer\n", encoding="utf-8")
    return env


def _script(shell: str, env: dict[str, str]) -> str:
    r = subprocess.run(["agencyref", "--show-completion", shell], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def _in(shell: list[str], code: str, env: dict[str, str], cwd: Path) -> list[str]:
    r = subprocess.run([*shell, code], env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return [line for line in r.stdout.split("\n") if line]


# ---- bash (always present) ------------------------------------------------------------------


def _bash(words: str, cword: int, env: dict[str, str], cwd: Path) -> list[str]:
    """Source the script in bash and call its completion function as bash does on TAB."""
    code = (
        "source <(agencyref --show-completion bash) && complete -p agencyref >/dev/null && "
        f"COMP_WORDS=({words}); COMP_CWORD={cword}; _agencyref_completion agencyref; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    return _in(["bash", "--norc", "--noprofile", "-c"], code, env, cwd)


def test_bash_script_completes_values(shell_env: dict[str, str], tmp_path: Path) -> None:
    assert _script("bash", shell_env).startswith("_agencyref_completion() {")
    flo = _bash("agencyref jurisdiction flo", 2, shell_env, tmp_path)
    assert flo[0] == "Florida" and "Florida City, FL" in flo
    assert _bash("agencyref jurisdiction fl", 2, shell_env, tmp_path)[:2] == ["FL", "Florida"]
    assert _bash("agencyref --format ''", 2, shell_env, tmp_path) == list(FORMATS)
    assert _bash("agencyref compare ice police --format j", 5, shell_env, tmp_path) == ["json"]
    assert _bash("agencyref compare ice police --aspect arr", 5, shell_env, tmp_path) == ["arrest_powers"]
    assert _bash("agencyref program 287g --model ''", 4, shell_env, tmp_path) == ["jem", "tfm", "wso"]


# ---- zsh and fish (when installed) --------------------------------------------------------------

needs_zsh = pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
needs_fish = pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")


def _zsh(words: str, current: int, env: dict[str, str], cwd: Path) -> list[str]:
    """Load the script as zsh's completion system does, then run its function with `_arguments` recording
    what it would offer (a real TAB needs a terminal; the words and the call are zsh's own)."""
    code = (
        "autoload -U compinit && compinit -u -D && source <(agencyref --show-completion zsh) && "
        "[[ $_comps[agencyref] == _agencyref_completion ]] || exit 3; "
        '_arguments() { print -rl -- "${(Q@)${(z)${${1#\\*: :\\(\\(}%\\)\\)}}}" }; '
        f"words=({words}); CURRENT={current}; _agencyref_completion"
    )
    return _in(["zsh", "-f", "-c"], code, env, cwd)


@needs_zsh
def test_zsh_script_is_zshs_and_completes_values(shell_env: dict[str, str], tmp_path: Path) -> None:
    script = _script("zsh", shell_env)
    assert script.startswith("#compdef agencyref")
    check = subprocess.run(["zsh", "-n"], input=script, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    flo = _zsh("agencyref jurisdiction flo", 3, shell_env, tmp_path)
    assert flo[0] == "Florida" and "Florida City, FL" in flo
    assert _zsh("agencyref --format ''", 3, shell_env, tmp_path) == list(FORMATS)
    assert _zsh("agencyref export --format ''", 4, shell_env, tmp_path) == ["json", "markdown", "sqlite"]
    assert _zsh("agencyref history new", 3, shell_env, tmp_path)[0] == "New Hampshire"


def _fish(line: str, env: dict[str, str], cwd: Path) -> list[str]:
    """Fish completes a command line itself (`complete -C`), exactly as on TAB; we keep the values."""
    code = f"agencyref --show-completion fish | source; complete -C '{line}'"
    return [c.split("\t")[0] for c in _in(["fish", "--no-config", "-c"], code, env, cwd)]


@needs_fish
def test_fish_script_is_fishs_and_completes_values(shell_env: dict[str, str], tmp_path: Path) -> None:
    assert _script("fish", shell_env).startswith("complete --command agencyref")
    flo = _fish("agencyref jurisdiction flo", shell_env, tmp_path)
    assert "Florida" in flo and "Florida City, FL" in flo
    assert sorted(_fish("agencyref --format ", shell_env, tmp_path)) == sorted(FORMATS)
    assert _fish("agencyref --format j", shell_env, tmp_path) == ["json"]  # not json-notes.txt
    assert sorted(_fish("agencyref program 287g --model ", shell_env, tmp_path)) == ["jem", "tfm", "wso"]


@pytest.mark.parametrize(
    ("shell", "where"),
    [("fish", ".config/fish/completions/agencyref.fish"), ("bash", ".bash_completions/agencyref.sh")],
)
def test_install_completion_installs_the_named_shells_script(
    shell_env: dict[str, str], tmp_path: Path, shell: str, where: str
) -> None:
    home = tmp_path / "home"
    env = dict(shell_env, HOME=str(home), SHELL="/bin/sh")
    r = subprocess.run(
        ["agencyref", "--install-completion", shell], env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0 and f"{shell} completion installed in" in r.stdout, r.stderr
    assert (home / where).read_text(encoding="utf-8").strip() == _script(shell, shell_env).strip()
