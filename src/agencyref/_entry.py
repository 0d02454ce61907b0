"""Console-script entry point.

A call lives for a few milliseconds and creates no garbage cycles worth collecting, yet the
cyclic collector would run several times while Typer and our data load (about a tenth of a
call's time). So the entry point turns it off before anything is imported; commands that
read large files turn it back on. Importing ``agencyref.cli`` as a library leaves GC alone.
"""

import gc


def run() -> None:
    gc.disable()
    from agencyref.cli import main

    main()
