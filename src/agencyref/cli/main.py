"""Entry: pick the one command a call needs, run it, and map every outcome to an exit code."""

import contextlib
import copy
import os
import sys
from importlib import import_module
from typing import Any

import typer

from agencyref.cli.app import app, root, store_option
from agencyref.cli.context import current, new_call
from agencyref.cli.output import AnswerLost, error
from agencyref.errors import AgencyrefError, AmbiguousNameError, DataError, ExitCode, NotFoundError

# Which module defines each command. Only the invoked one is imported (and registered):
# Typer turns every registered command into a click command on each call.
COMMAND_MODULES = {
    "compare": "reference",
    "agency": "reference",
    "program": "reference",
    "jurisdiction": "places",
    "glossary": "reference",
    "timeline": "reference",
    "search": "reference",
    "sources": "reference",
    "get": "get",
    "validate": "data",
    "import-287g": "data",
    "history": "history",
    "changes": "history",
    "update": "update",
    "roster": "roster",
    "info": "data",
    "schema": "data",
    "export": "data",
}


# typer 0.28 vendors click (typer._click) while older releases depend on click itself; both
# raise subclasses of this public base, so we catch through it rather than a private module.
_ClickException: type[Any] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


# The root's options that repeat on every subcommand, so they work before or after it.
# (--format/--json are already every command's own; --version and --help stay at the root.)
_GLOBAL_PARAMS = ("data", "roster", "quiet", "color", "pager")


def _options_with_values() -> set[str]:
    """The root's options that take a value, read from the root callback's own declarations.

    (Building the click group just to ask it would cost a few milliseconds on every call.)
    """
    import typing

    from typer.models import OptionInfo

    out: set[str] = set()
    for hint in typing.get_type_hints(root, include_extras=True).values():
        info = next((x for x in getattr(hint, "__metadata__", ()) if isinstance(x, OptionInfo)), None)
        value_type = typing.get_args(hint)[0] if info is not None else bool
        if info is None or value_type is bool or bool in typing.get_args(value_type):
            continue  # a flag takes no value
        # With Annotated, typer takes a first positional "--name" as a declaration, kept in .default.
        decls = (info.default, *(info.param_decls or ()))
        out.update(d for d in decls if isinstance(d, str) and d.startswith("-"))
    return out


def _store(name: str) -> Any:
    def callback(ctx: Any, param: Any, value: Any) -> Any:
        source = ctx.get_parameter_source(param.name)
        if source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT"):
            store_option(current(), name, value)
        return value

    return callback


def _with_global_options(group: Any) -> Any:
    """Give every subcommand a copy of the global options (shown in its -h, accepted after it)."""
    shared = [p for p in group.params if p.name in _GLOBAL_PARAMS]
    for command in getattr(group, "commands", {}).values():
        mine = {opt for p in command.params for opt in p.opts}
        for param in shared:
            if mine.intersection(param.opts):
                continue
            clone = copy.copy(param)
            clone.expose_value = False
            clone.callback = _store(param.name)
            command.params.append(clone)
    return group


def _command_name(info: Any) -> str:
    return str(info.name or info.callback.__name__).lower().replace("_", "-")


def _requested_command(args: list[str], with_values: set[str]) -> str | None:
    """The subcommand named on the command line (or being completed past), if any."""
    words = args
    if "_AGENCYREF_COMPLETE" in os.environ:  # shell completion: look at the words typed so far
        raw = os.environ.get("COMP_WORDS") or os.environ.get("_TYPER_COMPLETE_ARGS", "")
        typed = raw.split()
        cword = os.environ.get("COMP_CWORD", "")
        words = typed[1 : int(cword)] if cword.isdigit() else typed[1:-1] if not raw.endswith(" ") else typed[1:]
    it = iter(words)
    for word in it:
        if word in with_values:
            next(it, None)
        elif not word.startswith("-"):
            return word
    return None


def _with_commands(commands: list[Any]) -> typer.Typer:
    view = copy.copy(app)
    view.registered_commands = commands
    return view


def full_app() -> typer.Typer:
    """The app with every command, in the documented order (for help, docs and completion)."""
    for module in dict.fromkeys(COMMAND_MODULES.values()):
        import_module(f"{__package__}.{module}")
    order = list(COMMAND_MODULES)
    return _with_commands(sorted(app.registered_commands, key=lambda info: order.index(_command_name(info))))


def app_for(args: list[str]) -> typer.Typer:
    """The app with only the command that will run.

    Typer turns every registered command into a click command on each call, which costs
    about as much as importing Typer itself; one command is all a call needs. Help,
    completion of command names and unknown commands get the full app.
    """
    wanted = _requested_command(args, _options_with_values())
    module = COMMAND_MODULES.get(wanted or "")
    if module is None:
        return full_app()
    import_module(f"{__package__}.{module}")
    return _with_commands([info for info in app.registered_commands if _command_name(info) == wanted])


def main(argv: list[str] | None = None) -> None:
    """Run the app and exit with its code (see ``run``)."""
    sys.exit(run(argv))


ANSWER_LOST = 141  # like a process killed by SIGPIPE: the answer could not be delivered


def _prepare_streams() -> bool:
    """Make stdout and stderr safe to write, whatever the caller gave us; False if stdout is closed.

    A closed descriptor (``>&-``, ``2>&-``) becomes /dev/null, so no file we open later takes its
    number and receives our output; Python then has no ``sys.stdout``/``sys.stderr``, and we give it
    a sink. A stream in an encoding narrower than UTF-8 (``PYTHONIOENCODING=ascii``, ``LC_ALL=C``)
    transliterates what it cannot hold instead of failing.
    """
    import io

    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                opened = os.open(os.devnull, os.O_RDWR)
            except OSError:
                continue
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)
    closed = sys.stdout is None
    if sys.stdout is None:
        sys.stdout = io.StringIO()  # written to, then dropped: the exit code says so
    if sys.stderr is None:
        sys.stderr = io.StringIO()
    from agencyref.cli.output import is_utf8

    for stream in (sys.stdout, sys.stderr):
        if not is_utf8(stream) and isinstance(stream, io.TextIOWrapper):
            from agencyref.text import TRANSLITERATE, register_transliteration

            register_transliteration()
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors=TRANSLITERATE if stream is sys.stdout else "backslashreplace")
    return not closed


def run(argv: list[str] | None = None) -> int:
    """Run the app and map every outcome to an exit code; no traceback reaches a user."""
    stdout_open = _prepare_streams()
    code = _run(argv)
    if not stdout_open and code == 0 and getattr(sys.stdout, "getvalue", lambda: "")():
        return ANSWER_LOST  # there was an answer, and nowhere to put it
    return code


def _run(argv: list[str] | None) -> int:
    code = 0
    args = sys.argv[1:] if argv is None else argv
    try:
        with new_call() as call:
            call.argv = list(args)
            group = _with_global_options(typer.main.get_command(app_for(args)))
            result = group.main(args=args, prog_name="agencyref", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except typer.Exit as exc:
        code = exc.exit_code
    except SystemExit as exc:  # shell completion ends with sys.exit; so does click on a closed pipe
        if isinstance(exc.__context__, BrokenPipeError):
            _silence_stdout()
            code = 0
        else:
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except _ClickException as exc:  # usage errors (exit 2) and the like, already worded by click
        exc.show()
        code = exc.exit_code
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("\n")
        code = ExitCode.INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        code = 0
    except AnswerLost as exc:
        code = _answer_lost(exc.cause)
    except NotFoundError as exc:
        hint = f" Did you mean: {', '.join(exc.suggestions)}?" if exc.suggestions else ""
        error(f"{exc}.{hint}")
        code = exc.exit_code
    except AmbiguousNameError as exc:
        error(f"{exc}: {'; '.join(exc.candidates)}. Use a key to choose.")
        code = exc.exit_code
    except DataError as exc:
        for problem in exc.problems[:200]:
            error(str(problem))
        if len(exc.problems) > 200:
            error(f"... and {len(exc.problems) - 200} more problems")
        code = exc.exit_code
    except AgencyrefError as exc:
        error(str(exc))
        code = exc.exit_code
    except Exception as exc:
        return _internal(exc)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except OSError as exc:  # a full disk, a descriptor opened read-only: the answer is lost
        code = _answer_lost(exc)
    return code


def _internal(exc: Exception) -> int:
    if os.environ.get("AGENCYREF_DEBUG") == "1":
        raise exc
    error(f"internal error: {type(exc).__name__}: {exc}. Please report it (AGENCYREF_DEBUG=1 shows the traceback).")
    return 4


def _answer_lost(exc: OSError) -> int:
    error(f"cannot write the answer to stdout: {exc.strerror or exc}")
    _silence_stdout()
    return ANSWER_LOST


def _silence_stdout() -> None:
    # Python flushes stdout at exit; point it at devnull so a closed pipe stays quiet.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no descriptor to point anywhere (captured, or a sink)
        pass
