"""Write a Document to stdout in the chosen format, and messages to stderr."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from agencyref.errors import UsageError
from agencyref.present.document import Document
from agencyref.present.render import FORMATS


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


def render(doc: Document, fmt: str, *, data_as_of: str = "", notice: str = "", color: str = "auto") -> str:
    """The document as the text stdout should receive."""
    out = sys.stdout
    if fmt == "json":
        from agencyref.present.render.data import to_json

        return to_json(doc, data_as_of)
    if fmt == "yaml":
        from agencyref.present.render.data import to_yaml

        return to_yaml(doc, data_as_of)
    if fmt == "csv":
        from agencyref.present.render.csv_ import to_csv

        return to_csv(doc)
    if fmt == "markdown":
        from agencyref.present.render.markdown import to_markdown

        return to_markdown(doc, notice)
    colored = _color_wanted(out, color)
    width = console_width(out)
    if not colored and width == UNBOUNDED:
        from agencyref.present.render.plain import to_plain  # piped and uncoloured: no need for Rich at all

        return to_plain(doc)
    import io
    import shutil

    from rich.console import Console

    from agencyref.present.render.table import to_renderable

    buffer = io.StringIO()
    width = width or shutil.get_terminal_size().columns
    console = Console(
        file=buffer,
        width=width,
        force_terminal=colored,
        no_color=not colored,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )
    console.print(to_renderable(doc, wrap=width != UNBOUNDED, narrow=width < 60))
    return buffer.getvalue()


def emit(
    doc: Document, fmt: str, *, data_as_of: str = "", notice: str = "", color: str = "auto", pager: bool | None = None
) -> None:
    """Write the document to stdout, through a pager when it is long and stdout is a terminal."""
    text = render(doc, fmt, data_as_of=data_as_of, notice=notice, color=color)
    if pager is not False and sys.stdout.isatty() and _page(text, forced=pager is True):
        return
    sys.stdout.write(text)
    sys.stdout.flush()


def _page(text: str, forced: bool) -> bool:
    """Show ``text`` in $AGENCYREF_PAGER / $PAGER (default ``less -FIRX``); False if not paged."""
    import shutil

    if not forced and text.count("\n") < shutil.get_terminal_size().lines:
        return False
    import shlex
    import subprocess

    command = os.environ.get("AGENCYREF_PAGER") or os.environ.get("PAGER") or "less -FIRX"
    try:
        subprocess.run(shlex.split(command), input=text, text=True, check=False)
    except (OSError, ValueError):
        return False  # no such pager: print instead
    return True


def error(message: str) -> None:
    sys.stderr.write(f"agencyref: {message}\n")


def note(message: str) -> None:
    sys.stderr.write(f"{message}\n")
