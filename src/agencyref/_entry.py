"""Console-script entry point: start and finish a call as cheaply as the interpreter allows.

A call lives for a few dozen milliseconds and creates no garbage cycles worth collecting, yet
the cyclic collector would run several times while Typer and our data load, and interpreter
shutdown would tear down every module and object one by one: together about a quarter of a
call's own cost. So the entry point turns the collector off before anything is imported
(commands that read large files turn it back on), and once the answer is written and flushed
it leaves with ``os._exit``. Nothing is lost: all output is flushed first, files we write are
closed and atomically renamed before then, and we register no exit handlers. Importing
``agencyref.cli`` as a library (as the tests do) is unaffected.
"""

import contextlib
import gc
import os
import sys


def run() -> None:
    gc.disable()
    from agencyref.cli import run as run_cli

    code = run_cli()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away: nothing left to deliver
            stream.flush()
    os._exit(code)
