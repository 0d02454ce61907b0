"""What the last successful update saw: validators (ETag / Last-Modified) per URL and the links found.

Kept in ``$XDG_CACHE_HOME/agencyref/update-state.json`` (``AGENCYREF_CACHE_DIR`` overrides). It is
only a cache: lost or damaged, the next update downloads everything again. It is written only
after an update succeeded, so a failed one never makes the next one skip a download.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import msgspec

from agencyref.roster.update.client import Validators

STATE_FILE = "update-state.json"


class URLState(msgspec.Struct, forbid_unknown_fields=False):
    etag: str | None = None
    last_modified: str | None = None


class PageState(msgspec.Struct, forbid_unknown_fields=False):
    participating: str = ""
    pending: str | None = None
    etag: str | None = None
    last_modified: str | None = None


class Imported(msgspec.Struct, forbid_unknown_fields=False):
    """The roster the last update produced: sheet validators count only while it is the one in use."""

    as_of: str = ""
    source_files: list[str] = []


class UpdateState(msgspec.Struct, forbid_unknown_fields=False):
    version: int = 1
    pages: dict[str, PageState] = {}
    files: dict[str, URLState] = {}
    imported: Imported | None = None

    def validators(self, url: str) -> Validators | None:
        seen = self.files.get(url)
        return Validators(seen.etag, seen.last_modified) if seen else None

    def remember(self, url: str, validators: Validators) -> None:
        if validators.empty:
            self.files.pop(url, None)
        else:
            self.files[url] = URLState(validators.etag, validators.last_modified)


def load_state(path: Path | None) -> UpdateState:
    if path is None:
        return UpdateState()
    try:
        return msgspec.json.decode(path.read_bytes(), type=UpdateState)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return UpdateState()  # missing or damaged: start afresh (costs one full download)


def save_state(path: Path | None, state: UpdateState) -> None:
    """Write atomically; an unwritable cache folder only means the next update downloads again."""
    if path is None:
        return
    from agencyref.atomic import write_text_atomic
    from agencyref.errors import DataError

    with contextlib.suppress(DataError):
        write_text_atomic(path, msgspec.json.format(msgspec.json.encode(state), indent=1).decode() + "\n")
