"""The get command: one bare value for shell scripts, e.g. `$(agencyref get ice established)`."""

from typing import Annotated, Any

import typer

from agencyref.cli.app import FormatOpt, JsonOpt, _complete, _knowledge, app, chosen_format
from agencyref.cli.context import current
from agencyref.cli.output import note
from agencyref.errors import NotFoundError

ENTITY_KINDS = ("agency", "component", "program", "matter", "term", "state")


def _record(k: Any, name: str) -> Any:
    entry = k.names.resolve(name, ENTITY_KINDS, "entry")
    if entry.kind == "component":
        return next(c for c in k.components[entry.key][0].components if c.key == entry.key)
    table = {"agency": k.agencies, "program": k.programs, "matter": k.matters, "term": k.terms, "state": k.states}
    return table[entry.kind][entry.key]


def _dated(item: Any) -> str:
    return str(item.get("as_of") or item.get("date") or item.get("published") or "") if isinstance(item, dict) else ""


_BOUND = {"at_least": ">=", "at_most": "<=", "about": "~"}


def _is_figure(value: Any) -> bool:
    return isinstance(value, dict) and "value" in value and "unit" in value


def _number(figure: dict[str, Any]) -> str:
    """A figure's number, marked when it is a bound or an estimate: >=1500, ~6000."""
    number = figure["value"]
    text = str(int(number)) if float(number).is_integer() else str(number)
    return _BOUND.get(str(figure.get("qualifier")), "") + text


def _describe(figure: dict[str, Any]) -> str:
    return f"{figure['unit']}, as of {figure['as_of']}: {figure['label']}"


def _bare(value: Any) -> list[str]:
    """How a value prints: facts as their text, figures as their number, dates as dates.

    Several figures print one per line as number, unit, as-of date and label, tab-separated,
    so `cut -f1` gives the numbers and a reader still sees what each one counts.
    """
    if isinstance(value, list) and value and all(_is_figure(v) for v in value):
        return [f"{_number(f)}\t{f['unit']}\t{f['as_of']}\t{f['label']}" for f in value]
    if isinstance(value, dict):
        if _is_figure(value):
            return [_number(value)]
        for key in ("text", "date", "definition", "summary", "name", "title"):
            if key in value:
                return [str(value[key])]
        import json

        return [json.dumps(value, ensure_ascii=False)]
    if isinstance(value, list):
        return [line for item in value for line in _bare(item)]
    return ["" if value is None else str(value).lower() if isinstance(value, bool) else str(value)]


@app.command(
    epilog="Examples: agencyref get ice established   ·   agencyref get 287g participation --latest   ·   "
    "agencyref get TX stance   ·   agencyref get ice established.law"
)
def get(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME", help="Agency, program, case type, term or state.", autocompletion=_complete(ENTITY_KINDS)
        ),
    ],
    field: Annotated[str, typer.Argument(metavar="FIELD", help="A field, or a dotted path such as established.law.")],
    latest: Annotated[bool, typer.Option("--latest", help="For a list of dated items, only the newest.")] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print one bare value (no decoration) for use in shell scripts; exit 1 if it is absent."""
    import difflib
    import sys

    import msgspec

    chosen = chosen_format(fmt, as_json)
    k = _knowledge()
    record = _record(k, name)
    value: Any = msgspec.to_builtins(record)
    walked: list[str] = []
    for part in field.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            options = list(value) if isinstance(value, dict) else []
            where = ".".join(walked) or getattr(record, "key", getattr(record, "code", name))
            raise NotFoundError(f"field in {where}", part, difflib.get_close_matches(part, options, n=3) or options[:8])
        walked.append(part)
    if latest and isinstance(value, list) and value:
        # The newest overall figure: per-model counts only when there is nothing else.
        overall = [v for v in value if not (isinstance(v, dict) and v.get("model"))]
        value = max(overall or value, key=_dated)
    if value is None or value == []:
        raise NotFoundError(f"value for {field} of", name)
    if chosen == "json":
        sys.stdout.write(msgspec.json.encode(value).decode() + "\n")
        return
    sys.stdout.write("\n".join(_bare(value)) + "\n")
    if _is_figure(value) and not current().quiet:
        note(f"({_describe(value)})")  # what the bare number counts, on stderr so $(...) stays clean
