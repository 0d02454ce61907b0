"""Generate docs/cli.md from the app itself, so the reference cannot drift from `--help`.

    python -m agencyref.cli.docgen > docs/cli.md

A test regenerates it and fails when the committed file differs.
"""

import sys

from typer.main import get_command

from agencyref.cli.main import COMMAND_MODULES, _with_global_options, full_app

WIDTH = 100


def _help(command: object, name: str, parent: object = None) -> str:
    ctx = command.make_context(name, [], parent=parent, resilient_parsing=True)  # type: ignore[attr-defined]
    ctx.terminal_width = ctx.max_content_width = WIDTH
    return str(command.get_help(ctx))  # type: ignore[attr-defined]


def generate() -> str:
    group = _with_global_options(get_command(full_app()))
    root_ctx = group.make_context("agencyref", [], resilient_parsing=True)
    root_ctx.terminal_width = root_ctx.max_content_width = WIDTH
    parts = [
        "# agencyref command reference",
        "",
        "Generated from the app by `python -m agencyref.cli.docgen`; a test keeps it identical to `--help`.",
        "",
        "```",
        group.get_help(root_ctx).rstrip(),
        "```",
    ]
    commands = getattr(group, "commands", {})
    for name in COMMAND_MODULES:
        parts += ["", f"## agencyref {name}", "", "```", _help(commands[name], name, root_ctx).rstrip(), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    sys.stdout.write(generate())
