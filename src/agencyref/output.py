"""Write a Document to stdout in the chosen format, and messages to stderr."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from .document import Document
from .errors import UsageError
from .render import FORMATS


def choose_format(fmt: str | None, as_json: bool) -> str:
    if as_json:
        if fmt and fmt != "json":
            raise UsageError(f"--json and --format {fmt} disagree; use one of them")
        return "json"
    chosen = (fmt or os.environ.get("AGENCYREF_FORMAT") or "table").strip().lower()
    if chosen == "md":
        chosen = "markdown"
    if chosen not in FORMATS:
        origin = "--format" if fmt else "AGENCYREF_FORMAT"
        raise UsageError(f"{origin} must be one of {', '.join(FORMATS)} (got {chosen!r})")
    return chosen


def _color_wanted(stream: TextIO, color: str) -> bool:
    if color == "always":
        return True
    if color == "never" or ("NO_COLOR" in os.environ and os.environ["NO_COLOR"] != ""):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


UNBOUNDED = 10_000


def console_width(stream: TextIO) -> int | None:
    """None lets Rich measure the terminal; piped output is never wrapped at 80 columns."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return None if stream.isatty() else UNBOUNDED


def emit(doc: Document, fmt: str, *, data_as_of: str = "", notice: str = "", color: str = "auto") -> None:
    out = sys.stdout
    if fmt == "json":
        from .render.data import to_json

        out.write(to_json(doc, data_as_of))
    elif fmt == "yaml":
        from .render.data import to_yaml

        out.write(to_yaml(doc, data_as_of))
    elif fmt == "csv":
        from .render.csv_ import to_csv

        out.write(to_csv(doc))
    elif fmt == "markdown":
        from .render.markdown import to_markdown

        out.write(to_markdown(doc, notice))
    elif not _color_wanted(out, color) and console_width(out) == UNBOUNDED:
        from .render.plain import to_plain  # piped and uncoloured: no need for Rich at all

        out.write(to_plain(doc))
    else:
        from rich.console import Console

        from .render.table import to_renderable

        colored = _color_wanted(out, color)
        width = console_width(out)
        console = Console(
            file=out,
            width=width,
            force_terminal=colored,
            no_color=not colored,
            highlight=False,
            emoji=False,
            markup=False,
            soft_wrap=False,
        )
        console.print(to_renderable(doc, wrap=width != UNBOUNDED))
    out.flush()


def error(message: str) -> None:
    sys.stderr.write(f"agencyref: {message}\n")


def note(message: str) -> None:
    sys.stderr.write(f"{message}\n")
