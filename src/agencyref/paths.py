"""Where files live: the bundled data, the user's data and cache directories."""

from __future__ import annotations

import os
from pathlib import Path

KNOWLEDGE_FILE = "agencies.yaml"
ROSTER_FILE = "roster-287g.json"


def bundled(name: str) -> Path:
    """A data file shipped inside the wheel, or the checkout's ``data/`` folder."""
    here = Path(__file__).parent
    packaged = here / "data" / name
    if packaged.is_file():  # the usual installed wheel: no need to import importlib.resources
        return packaged
    checkout = here.resolve().parent.parent / "data" / name  # source checkout / editable install
    if here.parent.name == "src" and checkout.is_file():
        return checkout
    from importlib import resources  # zipped or otherwise unusual installs

    resource = resources.files("agencyref") / "data" / name
    return Path(str(resource)) if resource.is_file() else checkout


def _xdg(var: str, fallback: str) -> Path | None:
    """``$VAR/agencyref``, else ``~/fallback/agencyref``; None when there is no home to put it in."""
    value = os.environ.get(var, "")
    if value and os.path.isabs(value):
        return Path(value) / "agencyref"
    try:
        return Path.home() / fallback / "agencyref"
    except RuntimeError:  # no HOME and no passwd entry (some containers)
        return None


def user_data_dir() -> Path | None:
    return _xdg("XDG_DATA_HOME", ".local/share")


def cache_dir() -> Path | None:
    override = os.environ.get("AGENCYREF_CACHE_DIR")
    return Path(override) if override else _xdg("XDG_CACHE_HOME", ".cache")
