"""The call's options, typed, in one object per call (no module-level mutable settings).

``run()`` opens a fresh :class:`CallContext` for each call; the root callback and the global
options repeated on every subcommand fill it in; commands read it with :func:`current`. A
context variable rather than a global: two calls in one process (tests, a notebook) never see
each other's options, and nothing has to be reset between them.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator


class CallContext:
    """The options of one call (a plain class: importing dataclasses would cost every call start-up time)."""

    def __init__(self) -> None:
        self.data: str | None = None  # --data / AGENCYREF_DATA
        self.roster: str | None = None  # --roster / AGENCYREF_ROSTER
        self.quiet = os.environ.get("AGENCYREF_QUIET", "") not in ("", "0")  # -q / AGENCYREF_QUIET
        self.color = "auto"  # --color
        self.pager: bool | None = None  # None: page long output at a terminal
        self.format: str | None = None  # --format / --json given before the subcommand
        self.argv: list[str] = []  # the command line, for `sources N` to name the answer


_CURRENT: contextvars.ContextVar[CallContext] = contextvars.ContextVar("agencyref_call")


def current() -> CallContext:
    """This call's options (defaults when called outside a call, e.g. from completion helpers)."""
    try:
        return _CURRENT.get()
    except LookupError:
        return CallContext()


@contextlib.contextmanager
def new_call() -> Iterator[CallContext]:
    ctx = CallContext()
    token = _CURRENT.set(ctx)
    try:
        yield ctx
    finally:
        _CURRENT.reset(token)
