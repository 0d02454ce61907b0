"""The footnotes of the last answer, kept so that ``agencyref sources 3`` can follow footnote [3].

After an answer with numbered footnotes (table, plain or markdown output) its sources and the
command line are written to ``last-footnotes.json`` in the cache directory (ours, closed to
others). Anything that goes wrong is skipped in silence: this is a convenience, never a reason
for a call to fail, and ``sources ID`` always works.
"""

from __future__ import annotations

import os
import shlex
import time

import msgspec

from agencyref.knowledge.model import Source
from agencyref.present.document import Document

FILE = "last-footnotes.json"
MAX_BYTES = 4 * 1024 * 1024  # a larger file is not one we wrote
NOT_REMEMBERED = ("source", "source_list")  # following a footnote must not replace the list it came from


class LastAnswer(msgspec.Struct, frozen=True):
    command: str  # as typed, e.g. "agencyref program 287g"
    title: str
    saved: float  # seconds since the epoch
    footnotes: list[Source]


def remember(doc: Document, argv: list[str]) -> None:
    """Keep ``doc``'s footnotes for ``sources N``; nothing happens if they cannot be kept."""
    if not doc.sources or doc.kind in NOT_REMEMBERED or os.environ.get("AGENCYREF_NO_CACHE") == "1":
        return
    try:
        from agencyref.atomic import write_bytes_atomic
        from agencyref.cache import trusted_dir

        folder = trusted_dir()
        if folder is None:
            return
        answer = LastAnswer(shlex.join(["agencyref", *argv]), doc.title, time.time(), list(doc.sources))
        write_bytes_atomic(folder / FILE, msgspec.json.encode(answer))
    except (OSError, ValueError, msgspec.MsgspecError):
        return


def recall() -> LastAnswer | None:
    """The last answer's footnotes, or None when there are none to be had (or the file is not ours)."""
    if os.environ.get("AGENCYREF_NO_CACHE") == "1":
        return None
    try:
        from agencyref.cache import trusted_dir

        folder = trusted_dir()
        if folder is None:
            return None
        fd = os.open(folder / FILE, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as fh:
            if os.fstat(fh.fileno()).st_uid != os.getuid():
                return None
            data = fh.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return None
        return msgspec.json.decode(data, type=LastAnswer)
    except (OSError, ValueError, msgspec.MsgspecError):
        return None
