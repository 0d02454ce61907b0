"""Commands that look things up in the knowledge file: compare, agency, program, glossary, timeline, search, sources."""

from typing import Annotated, Any

import typer

from agencyref.cli.app import (
    AGENCY_KINDS,
    FormatOpt,
    JsonOpt,
    _complete,
    _knowledge,
    _reference,
    _show,
    app,
    chosen_format,
    complete_aspect,
    complete_words,
    model_option,
)
from agencyref.cli.context import current
from agencyref.cli.output import error, note
from agencyref.errors import DataError, NoResultsError, NotFoundError, UsageError


@app.command(epilog="Example: agencyref compare ice police sheriff --aspect arrest_powers --aspect warrants")
def compare(
    names: Annotated[
        list[str],
        typer.Argument(
            metavar="AGENCY...",
            help="Two or more agencies (keys, names or aliases).",
            autocompletion=_complete(AGENCY_KINDS),
        ),
    ],
    aspect: Annotated[
        list[str] | None,
        typer.Option(
            "--aspect",
            "-a",
            metavar="NAME",
            help="Only this aspect (repeatable): level, parent, established, legal_basis, geographic_jurisdiction, "
            "subject_matter_jurisdiction, mission, typical_cases, arrest_powers, warrants, detention, oversight, "
            "size, immigration_role, community_role.",
            click_type=complete_aspect,
        ),
    ] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Compare agencies side by side: authority, jurisdiction, powers, oversight, size."""
    chosen_format(fmt, as_json)
    ref = _reference()
    for name in names:
        entry = ref.knowledge.names.resolve(name, AGENCY_KINDS, "agency")
        if entry.kind == "component":
            parent, comp = ref.knowledge.components[entry.key]
            note(f"{comp.name} is part of {parent.name}; comparing {parent.name}.")
    _show(ref.compare(*names, aspects=aspect).document, fmt, as_json, ref.knowledge)


@app.command(epilog="Example: agencyref agency ice   ·   agencyref agency hsi --json")
def agency(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[AGENCY]", help="Agency or component; omit to list all.", autocompletion=_complete(AGENCY_KINDS)
        ),
    ] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One agency's full profile (components, functions, powers, sources), or the list."""
    from agencyref.present.views.agencies import agency_list

    chosen_format(fmt, as_json)
    ref = _reference()
    if name is None:
        _show(agency_list(ref.knowledge), fmt, as_json, ref.knowledge)
        return
    _show(ref.profile(name).document, fmt, as_json, ref.knowledge)


@app.command(epilog="Example: agencyref program 287g   ·   agencyref program 287g --model wso")
def program(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[PROGRAM]", help="Program or policy; omit to list all.", autocompletion=_complete(("program",))
        ),
    ] = None,
    model: Annotated[str | None, model_option("Only this model of the program.")] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Program summary: statute, history, models, participation with as-of dates, arguments for and against."""
    from agencyref.present.views.programs import program_list

    chosen_format(fmt, as_json)
    k = _knowledge()
    if name is None:
        if model:
            raise UsageError("--model needs a program, e.g. `agencyref program 287g --model tfm`")
        _show(program_list(k), fmt, as_json, k)
        return
    p = k.programs[k.names.resolve(name, ["program"], "program").key]
    roster = _roster_or_none() if p.key == "287g" else None
    _show(_program_document(k, p, model, roster), fmt, as_json, k, roster)


def _program_document(k: Any, p: Any, model: str | None, opened: Any) -> Any:
    from agencyref.present.views.programs import program_profile

    variant = None
    if model is not None:
        wanted = model.strip().casefold()
        variant = next(
            (v for v in p.variants if wanted in (v.key, v.name.casefold(), *(a.casefold() for a in v.aliases))), None
        )
        if variant is None:
            keys = ", ".join(v.key for v in p.variants) or "none"
            raise UsageError(f"{p.name} has no model {model!r} (models: {keys})")
    model_key = variant.key if variant else None
    roster_part = None
    if p.key == "287g":
        roster_part = lambda cite: _program_287g_blocks(k, opened, model_key, cite)  # noqa: E731
    return program_profile(k, p, model_key, roster_part)


def _program_287g_blocks(k: Any, opened: Any, model_key: str | None, cite: Any) -> tuple[list[Any], dict[str, Any]]:
    """ICE's list in use, and (for the whole program) ICE's own series through time beside it."""
    from agencyref.present.views.history import program_history_blocks
    from agencyref.present.views.nationwide import program_roster_blocks
    from agencyref.roster.history.store import open_history

    blocks, data = program_roster_blocks(opened, model_key, cite)
    if model_key is None:
        try:
            more, extra = program_history_blocks(k, open_history(), opened, cite)
        except DataError as exc:  # the history is an addition: without it, say so and go on
            error(f"287(g) history unavailable: {exc.problems[0]}")
        else:
            blocks, data = [*blocks, *more], {**data, **extra}
    return blocks, data


def _roster_or_none() -> Any:
    """The roster in use; one the user named (--roster, AGENCYREF_ROSTER) must be readable (else exit 3)."""
    import os

    from agencyref.roster.store import open_roster

    chosen = current().roster or os.environ.get("AGENCYREF_ROSTER")
    try:
        return open_roster(current().roster)
    except DataError as exc:
        if chosen:
            raise
        error(f"287(g) roster unavailable: {exc.problems[0]}")
        return None


@app.command(epilog="Example: agencyref glossary detainer")
def glossary(
    term: Annotated[
        str | None,
        typer.Argument(metavar="[TERM]", help="A term; omit to list all.", autocompletion=_complete(("term",))),
    ] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Definitions of the words used in this field, with see-also links."""
    from agencyref.present.views.reference import term as term_view
    from agencyref.present.views.reference import term_list

    chosen_format(fmt, as_json)
    k = _knowledge()
    if term is None:
        _show(term_list(k), fmt, as_json, k)
        return
    found = k.names.lookup(term, ["term"])
    if not found:
        # Words people look up that name a program, agency or case type (287g, ERO, HSI) answer too.
        other = k.names.lookup(term, ["program", "component", "agency", "matter"])
        if len(other) == 1 or (other and len({(e.kind, e.key) for e in other}) == 1):
            from agencyref.present.views.reference import entity_as_term

            _show(entity_as_term(k, other[0].kind, other[0].key), fmt, as_json, k)
            return
    entry = k.names.resolve(term, ["term"], "glossary term")
    _show(term_view(k, k.terms[entry.key]), fmt, as_json, k)


@app.command(epilog="Example: agencyref timeline --program 287g --since 2017")
def timeline(
    program_key: Annotated[
        str | None,
        typer.Option(
            "--program",
            "-p",
            metavar="NAME",
            help="Only events concerning this program (or agency, term, state).",
            autocompletion=_complete(("program", "agency", "component")),
        ),
    ] = None,
    since: Annotated[int | None, typer.Option("--since", metavar="YEAR", help="From this year on.")] = None,
    until: Annotated[int | None, typer.Option("--until", metavar="YEAR", help="Up to and including this year.")] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Dated events from the INS (1933) to the newest changes, oldest first."""
    from agencyref.knowledge.query import timeline as select
    from agencyref.present.views.reference import timeline as build

    chosen_format(fmt, as_json)
    if since is not None and until is not None and since > until:
        raise UsageError("--since is after --until")
    k = _knowledge()
    key = None
    if program_key:
        entry = k.names.resolve(program_key, ["program", "agency", "component", "term", "state"], "entry")
        key = entry.key.lower()
    events = select(k, key, since, until)
    if not events:
        span = (
            f"from {since} on" if until is None else f"before {until + 1}" if since is None else f"in {since}–{until}"
        )
        about = f" about {k.label(key)}" if key else ""
        dates = sorted(e.date for e in k.events)
        known = f" (the timeline runs {dates[0][:4]}–{dates[-1][:4]})" if dates else ""
        raise NoResultsError(f"no events{about} {span}{known}" if since or until else f"no events{about}{known}")
    span = f"{events[0].date[:4]}–{events[-1].date[:4]}"
    title = f"Timeline{' — ' + k.label(key) if key else ''} ({span})"
    _show(build(k, events, title), fmt, as_json, k)


@app.command(epilog='Example: agencyref search "administrative warrant"')
def search(
    text: Annotated[list[str], typer.Argument(metavar="TEXT...", help="Words to look for in every entry.")],
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help="Only agency, component, program, matter, term, state or event (repeatable).",
            click_type=complete_words("agency", "component", "program", "matter", "term", "state", "event"),
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many results.")] = 20,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ranked search across agencies, programs, case types, states, glossary and timeline."""
    from agencyref.knowledge.query import search as run
    from agencyref.present.views.reference import search_results

    chosen_format(fmt, as_json)
    query = " ".join(text)
    k = _knowledge()
    hits = run(k, query, kind, limit)
    if not hits:
        raise NotFoundError(
            "entry",
            query,
            k.names.suggest(query, ["agency", "component", "program", "matter", "term", "state"]),
            matching=True,
        )
    _show(search_results(query, hits), fmt, as_json, k)


@app.command(epilog="Example: agencyref sources gao-21-186   ·   agencyref sources 3 (footnote [3] of the last answer)")
def sources(
    source_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID|N]", help="A source id, or a footnote number of the last answer; omit to list all."
        ),
    ] = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The sources behind the facts: title, publisher, date, URL; `sources 3` follows footnote [3]."""
    from agencyref.present.views.reference import source, source_list

    chosen_format(fmt, as_json)
    k = _knowledge()
    if source_id is None:
        _show(source_list(k), fmt, as_json, k)
        return
    if source_id.isdigit() and source_id not in k.sources:
        _show(_footnote(k, int(source_id)), fmt, as_json, k)
        return
    if source_id not in k.sources:
        import difflib

        from agencyref.cli.footnotes import recall

        last = recall()  # a source of the last answer that the knowledge file does not hold (ICE's list)
        found = next((s for s in (last.footnotes if last else []) if s.id == source_id), None)
        if found is not None:
            _show(source(k, found), fmt, as_json, k)
            return
        raise NotFoundError("source", source_id, difflib.get_close_matches(source_id, list(k.sources), n=5))
    _show(source(k, k.sources[source_id]), fmt, as_json, k)


def _footnote(k: Any, number: int) -> Any:
    """Footnote [number] of the last answer with footnotes, as a source document that says so."""
    from agencyref.cli.footnotes import recall
    from agencyref.present.views.reference import source

    last = recall()
    if last is None:
        raise NoResultsError(
            f"no earlier answer with footnotes to take [{number}] from; "
            "give the source's id instead (shown in each footnote), e.g. `agencyref sources gao-21-186`"
        )
    if not 1 <= number <= len(last.footnotes):
        raise NoResultsError(
            f"the last answer ({last.command}) has footnotes [1] to [{len(last.footnotes)}], not [{number}]"
        )
    saved = last.footnotes[number - 1]
    # The knowledge file's own record when it has one (it may be newer); else the one the answer showed.
    return source(k, k.sources.get(saved.id, saved), footnote=(number, last.command))
