"""Write a Document to stdout in the chosen format, and messages to stderr."""

from __future__ import annotations

import os
import re
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


PIPED_WIDTH = 100  # piped text is filled to a readable width, not to a terminal's


def console_width(stream: TextIO) -> int | None:
    """``COLUMNS`` if set; else None at a terminal (Rich measures it), else a readable width for files and pipes."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return None if stream.isatty() else PIPED_WIDTH


# ---- encodings: any stdout encoding works ---------------------------------------------------


def is_utf8(stream: TextIO) -> bool:
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
    return encoding in ("utf-8", "utf8", "utf-8-sig")


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fit(text: str, fmt: str, stream: TextIO) -> str:
    """``text`` as ``stream`` can hold it: unchanged on UTF-8; JSON as ASCII escapes, the rest transliterated."""
    if text.isascii() or is_utf8(stream):
        return text
    if fmt == "json":  # outside strings JSON is ASCII, so every such character is inside one
        return _NON_ASCII.sub(_json_escape, text)
    from agencyref.text import TRANSLITERATE, register_transliteration

    register_transliteration()
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        return text.encode(encoding, errors=TRANSLITERATE).decode(encoding, errors="replace")
    except LookupError:
        return text.encode("ascii", errors=TRANSLITERATE).decode("ascii")


def render(doc: Document, fmt: str, *, data_as_of: str = "", notice: str = "", color: str = "auto") -> str:
    """The document as the text stdout should receive."""
    out = sys.stdout
    if fmt == "json":
        from agencyref.present.render.data import to_json

        return to_json(doc, data_as_of)
    if fmt == "yaml":
        from agencyref.present.render.data import to_yaml

        return to_yaml(doc, data_as_of, ascii_only=not is_utf8(out))
    if fmt in ("csv", "tsv"):
        from agencyref.present.render.csv_ import to_csv

        return to_csv(doc, "\t" if fmt == "tsv" else ",")
    if fmt == "markdown":
        from agencyref.present.render.markdown import to_markdown

        return to_markdown(doc, notice)
    colored = _color_wanted(out, color)
    width = console_width(out)
    if not colored and not out.isatty():
        from agencyref.present.render.plain import to_plain  # piped and uncoloured: no need for Rich at all

        return to_plain(doc, width or PIPED_WIDTH)
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
    # Hyperlinks only to a terminal that shows colour: never into a file, a pipe or a dumb terminal.
    links = colored and out.isatty()
    console.print(to_renderable(doc, links=links), crop=False)  # a long URL is not cut at the edge
    return buffer.getvalue()


def emit(
    doc: Document, fmt: str, *, data_as_of: str = "", notice: str = "", color: str = "auto", pager: bool | None = None
) -> None:
    """Write the document to stdout, through a pager when it is long and stdout is a terminal."""
    text = render(doc, fmt, data_as_of=data_as_of, notice=notice, color=color)
    if not (pager is not False and sys.stdout.isatty() and _page(fit(text, fmt, sys.stdout), forced=pager is True)):
        write_answer(text, fmt)
    if fmt in ("table", "markdown"):  # the formats that number footnotes: keep them for `sources N`
        from agencyref.cli.context import current
        from agencyref.cli.footnotes import remember

        remember(doc, current().argv)


class AnswerLost(Exception):
    """stdout failed (not a closed pipe, which ``main`` treats as the reader's choice)."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def write_answer(text: str, fmt: str = "text") -> None:
    """The answer to stdout, fitted to its encoding, flushed so a failed write is seen here."""
    try:
        sys.stdout.write(fit(text, fmt, sys.stdout))
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise AnswerLost(exc) from exc


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
    note(f"agencyref: {message}")


def note(message: str) -> None:
    """A line on stderr. A closed or failing stderr loses the message, never the answer or the exit code."""
    try:
        sys.stderr.write(f"{message}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        import io

        sys.stderr = io.StringIO()  # nobody is listening: stop trying
