"""287(g) roster views: a state's, county's or agency's agreements, and the ranking by state."""

from typing import Any

import msgspec

from agencyref.errors import NotFoundError, UsageError
from agencyref.knowledge.names import Entry
from agencyref.knowledge.store import Knowledge
from agencyref.present.document import Bullets, Cell, Citations, Document, Fields, LazyRows, Table
from agencyref.present.views.listing import Listed, listed_in_state, listed_text, with_listing
from agencyref.roster.model import Agreement, Summary
from agencyref.roster.places.names import agency_key
from agencyref.roster.places.store import PLACES_SOURCE_ID, AgencyPlace, Placement
from agencyref.roster.query import MODELS, PlacedAgency, in_county, placed_agencies, population_policed, summarize
from agencyref.roster.store import ROSTER_SOURCE_ID, OpenRoster
from agencyref.usps import STATE_NAMES

MODEL_NAMES = {"jem": "Jail Enforcement Model", "tfm": "Task Force Model", "wso": "Warrant Service Officer"}
AGREEMENT_COLUMNS = ["agency", "key", "type", "county", "population", "model", "signed", "listed", "MOA"]


def _filtered(agreements: list[Agreement], model: str | None, agency_type: str | None) -> list[Agreement]:
    return [
        a
        for a in agreements
        if (model is None or a.model == model) and (agency_type is None or a.agency_type == agency_type)
    ]


def _signed(a: Agreement) -> str:
    if a.status == "pending":
        return "pending"
    if a.signed:
        return a.signed
    return f"unknown (sheet says {a.signed_raw!r})" if a.signed_raw else "—"


def _moa(a: Agreement) -> str:
    if a.status == "pending":
        return "—"
    if a.moa_url:
        return a.moa_url
    return "link pending" if a.moa_status == "pending" else "—"


Places = dict[str, AgencyPlace]  # agency key -> placement, for one state


def _row(a: Agreement, places: Places, memo: "Memo | None" = None, listed: Listed | None = None) -> list[Cell]:
    """The cells of one agreement; ``memo`` lets the table and the csv export share them."""
    if memo is not None and id(a) in memo:
        return memo[id(a)]
    key = agency_key(a.state, a.agency)
    place = places.get(key)
    county = a.county
    if place and place.counties:
        county = ", ".join(place.counties)
    elif place and place.statewide:
        county = "statewide"
    population = f"{place.population:,}" if place and place.population else "—"
    row = [
        Cell(a.agency),
        Cell(key),
        Cell(a.agency_type),
        Cell(county or "—"),
        Cell(population),
        Cell(a.model),
        Cell(_signed(a)),
        Cell(listed_text(a, listed)),
        Cell(_moa(a)),
    ]
    if memo is not None:
        memo[id(a)] = row
    return row


Memo = dict[int, list[Cell]]  # id(agreement) -> its cells, while one document is built


def _agreement_table(
    agreements: list[Agreement],
    title: str,
    places: Places,
    with_status: bool = True,
    memo: Memo | None = None,
    listed: Listed | None = None,
) -> Table:
    columns = ["status", *AGREEMENT_COLUMNS] if with_status else AGREEMENT_COLUMNS
    rows = LazyRows(
        lambda: [
            [Cell(a.status), *_row(a, places, memo, listed)] if with_status else _row(a, places, memo, listed)
            for a in agreements
        ]
    )
    return Table(columns, rows, title=title)


def _csv(agreements: list[Agreement], places: Places, memo: Memo | None = None, listed: Listed | None = None) -> Table:
    return Table(
        ["state", "status", *AGREEMENT_COLUMNS],
        LazyRows(lambda: [[Cell(a.state), Cell(a.status), *_row(a, places, memo, listed)] for a in agreements]),
    )


def _summary_dict(s: Summary) -> dict[str, Any]:
    return msgspec.to_builtins(s)  # type: ignore[no-any-return]


def _summary_block(label: str, s: Summary, opened: OpenRoster, cite: Citations) -> Fields:
    as_of = opened.as_of
    models = ", ".join(f"{MODEL_NAMES.get(m, m)} {n}" for m, n in s.by_model.items() if n or m in MODELS)
    fields = [
        ("Agreements (participating)", cite.cell(f"{s.agreements:,} as of {as_of}", [ROSTER_SOURCE_ID])),
        ("Distinct agencies", cite.cell(f"{s.agencies:,} as of {as_of}", [ROSTER_SOURCE_ID])),
        ("By model (agreements)", Cell(models)),
        ("By agency type (agreements)", Cell(", ".join(f"{t} {n}" for t, n in s.by_agency_type.items()) or "—")),
    ]
    if s.pending_agreements:
        fields.append(("Pending requests", cite.cell(str(s.pending_agreements), [ROSTER_SOURCE_ID])))
    return Fields(fields, title=f"287(g) agreements — {label} (ICE list as of {as_of})")


def _meta(opened: OpenRoster) -> dict[str, Any]:
    c = opened.compiled
    return {"as_of": c.as_of, "source_url": c.source_url, "source_files": c.source_files, "origin": opened.origin}


def _citations(k: Knowledge, opened: OpenRoster | None, placement: Placement | None = None) -> Citations:
    cite = Citations(k.sources)
    if opened:
        cite.extra[ROSTER_SOURCE_ID] = opened.source
    if placement:
        cite.extra[PLACES_SOURCE_ID] = placement.source
    return cite


def place_document(
    k: Knowledge,
    opened: OpenRoster | None,
    name: str,
    found: list[Entry],
    model: str | None,
    agency_type: str | None,
    brief: bool = False,
) -> Document:
    """A state, county, city or agency on ICE's list: whatever ``name`` exactly names."""
    from agencyref.roster.places.store import load_placement

    placement = load_placement()
    state_entries = [e for e in found if e.kind == "state"]
    if state_entries and not brief:
        return _state_document(k, opened, placement, state_entries[0].key, model, agency_type)
    if opened is None:
        raise NotFoundError("state or agency", name, k.names.suggest(name, ["state", "agency", "component"]))
    from agencyref.roster.places.resolve import Places, resolve

    names = msgspec.msgpack.decode(opened.compiled.names)["agencies"]
    place = resolve(Places(((s, n) for s, n in names), placement), name)
    if brief and place.kind not in ("county", "city"):
        raise UsageError(f"--brief answers a county or a city; {name!r} is a {place.kind}")
    if place.kind == "state":
        return _state_document(k, opened, placement, place.state, model, agency_type)
    assert opened is not None
    agencies = placed_agencies(
        _filtered(opened.in_state(place.state), model, agency_type), placement.agencies(place.state)
    )
    if place.kind == "agency":
        chosen = [p for p in agencies if p.key == place.key]
        if not chosen:  # the agency has agreements, but none of this model or type
            chosen = [PlacedAgency(place.key, place.state, place.name, [], placement.agency(place.key))]
        return _agency_document(k, opened, placement, chosen[0])
    counties = [place.name] if place.kind == "county" else placement.city_counties(place.state, place.name)
    local = [p for county in counties for p in in_county(agencies, county)]
    local = list({p.key: p for p in local}.values())
    if brief:
        from agencyref.present.views.jurisdiction import county_brief

        cite = _citations(k, opened, placement)
        return county_brief(k, cite, place.name, place.state, counties, local, opened.as_of, opened.compiled.source_url)
    return _area_document(k, opened, placement, place.kind, place.name, place.state, counties, local, agencies)


def _n(count: int, one: str, many: str = "") -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _law_fields(k: Knowledge, code: str, cite: Citations) -> list[tuple[str, Cell]]:
    from agencyref.present.views.jurisdiction import state_law_text

    text, sources = state_law_text(k, code)
    return [("State law", cite.cell(text, sources))]


def _population_field(agencies: list[PlacedAgency], cite: Citations) -> tuple[str, Cell]:
    people, counted = population_policed(agencies)
    if not counted:
        return ("Population these agencies police", Cell("— (no FBI figure for these agencies)"))
    text = f"{people:,} (FBI population covered, {counted} of {len(agencies)} agencies with a figure)"
    return ("Population these agencies police", cite.cell(text, [PLACES_SOURCE_ID]))


def _agency_dict(p: PlacedAgency) -> dict[str, Any]:
    place = msgspec.to_builtins(p.place) if p.place else None
    return {"key": p.key, "state": p.state, "name": p.name, "counties": p.counties, "placement": place}


def _area_document(
    k: Knowledge,
    opened: OpenRoster,
    placement: Placement,
    kind: str,
    name: str,
    state: str,
    counties: list[str],
    local: list[PlacedAgency],
    everyone: list[PlacedAgency],
) -> Document:
    """A county, or a city with its county: every agency there, with agreements and population."""
    listed = listed_in_state(state)
    from agencyref.roster.query import city_police

    places = placement.agencies(state)
    cite = _citations(k, opened, placement)
    agreements = [a for p in local for a in p.agreements]
    summary = summarize(agreements)
    part = [p for p in local if p.participating]
    label = f"{name}, {state}"
    answer = (
        f"{_n(summary.agreements, 'agreement')} with {_n(summary.agencies, 'agency', 'agencies')} as of {opened.as_of}"
    )
    if summary.pending_agreements:
        answer += f"; {_n(summary.pending_agreements, 'pending request')}"
    fields: list[tuple[str, Cell]] = [("Answer", cite.cell(answer, [ROSTER_SOURCE_ID]))]
    own: list[PlacedAgency] = []
    if kind == "city":
        own = city_police(everyone, name)
        fields.append(("County", Cell(", ".join(counties) or "—")))
        own_text = "; ".join(f"{p.name} ({p.key})" for p in own) or "none on ICE's list"
        fields.append(("The city's own police", cite.cell(own_text, [ROSTER_SOURCE_ID])))
    fields.append(_population_field(part, cite))
    fields += _law_fields(k, state, cite)
    blocks: list[Any] = [Fields(fields, title=f"287(g) in {label} (ICE list as of {opened.as_of})")]
    if agreements:
        title = f"Agencies in {' and '.join(counties)} ({len(local)})" if counties else "Agencies"
        blocks.append(_agreement_table(agreements, title, places, listed=listed))
    statewide = [p for p in everyone if p.statewide and p.participating]
    notes = []
    if statewide:
        notes.append(
            f"{len(statewide)} statewide agencies of {state} also hold agreements and work here too: `agencyref jurisdiction {state}`."
        )
    unplaced = [p for p in local if p.place is None or not p.place.matched]
    if unplaced:
        notes.append(
            f"Placed by ICE's county cell (no FBI record matched by name): {', '.join(p.key for p in unplaced)}."
        )
    cite.cite([ROSTER_SOURCE_ID])
    data = {
        kind: {"state": state, "name": name, "counties": counties},
        "roster": {**_meta(opened), **_summary_dict(summary)},
        "agencies": [_agency_dict(p) for p in local],
        "own_police": [p.key for p in own],
        "statewide_agencies": [p.key for p in statewide],
        "population_policed": population_policed(part)[0],
        "state_law": _law_fields_data(k, state),
        "agreements": with_listing(agreements, listed),
    }
    return Document(kind, label, blocks, data, cite.sources, csv=_csv(agreements, places, listed=listed), notes=notes)


def _law_fields_data(k: Knowledge, code: str) -> dict[str, Any]:
    state = k.states.get(code)
    return {"stance": state.stance, "summary": state.summary} if state else {"stance": None, "summary": None}


def _state_document(
    k: Knowledge, opened: OpenRoster | None, placement: Placement, code: str, model: str | None, agency_type: str | None
) -> Document:
    from agencyref.present.views.jurisdiction import state_profile

    listed = listed_in_state(code) if opened is not None else {}

    state = k.states.get(code)
    if state is not None:
        blocks, data, cite = state_profile(k, state)
        if opened:
            cite.extra[ROSTER_SOURCE_ID] = opened.source
        cite.extra[PLACES_SOURCE_ID] = placement.source
    else:
        cite = _citations(k, opened, placement)
        blocks = [Bullets([Cell("No statewide laws are recorded in agencyref's knowledge file for this place.")])]
        data = {"state": {"code": code}}
    title = f"{state.name if state else STATE_NAMES.get(code, code)} ({code})"
    csv = None
    if opened is not None:
        places = placement.agencies(code)
        memo: Memo = {}
        agreements = _filtered(opened.in_state(code), model, agency_type)
        summary = summarize(agreements) if (model or agency_type) else (opened.summary(code) or summarize([]))
        blocks.append(_summary_block(code, summary, opened, cite))
        part = [a for a in agreements if a.status == "participating"]
        pending = [a for a in agreements if a.status == "pending"]
        agencies = [p for p in placed_agencies(part, places)]
        blocks.append(Fields([_population_field(agencies, cite)]))
        blocks.append(
            _agreement_table(
                part,
                f"Participating agencies ({len(part)} agreements)",
                places,
                with_status=False,
                memo=memo,
                listed=listed,
            )
        )
        if pending:
            blocks.append(
                _agreement_table(pending, "Pending requests", places, with_status=False, memo=memo, listed=listed)
            )
        data["roster"] = {**_meta(opened), **_summary_dict(summary)}
        data["agreements"] = with_listing(agreements, listed)
        data["agencies"] = [_agency_dict(p) for p in placed_agencies(agreements, places)]
        data["population_policed"] = population_policed(agencies)[0]
        cite.cite([ROSTER_SOURCE_ID])
        csv = _csv(agreements, places, memo, listed)
    return Document("state", title, blocks, data, cite.sources, csv=csv)


def _agency_document(k: Knowledge, opened: OpenRoster, placement: Placement, p: PlacedAgency) -> Document:
    listed = listed_in_state(p.state)
    summary = summarize(p.agreements)
    cite = _citations(k, opened, placement)
    place = p.place
    fields: list[tuple[str, Cell]] = [("Key", Cell(p.key))]
    if place is not None and place.matched:
        where = ", ".join(place.counties) or "statewide"
        units = f", {place.units} FBI units combined" if place.units else ""
        fields += [
            ("County", cite.cell(where, [PLACES_SOURCE_ID])),
            (
                "FBI record",
                cite.cell(
                    f"{place.fbi_name} ({place.fbi_type}), ORI {place.ori}, {place.fbi_year}{units}", [PLACES_SOURCE_ID]
                ),
            ),
            ("Population covered", cite.cell(f"{place.population:,}" if place.population else "—", [PLACES_SOURCE_ID])),
            (
                "Sworn officers / civilians",
                cite.cell(
                    f"{place.officers if place.officers is not None else '—'} / {place.civilians if place.civilians is not None else '—'}",
                    [PLACES_SOURCE_ID],
                ),
            ),
        ]
        if place.note:
            fields.append(("Note", Cell(place.note)))
    else:
        why = place.unmatched if place else "not in the placement file (built from an older list)"
        fields.append(
            ("County", cite.cell(", ".join(p.counties) or ("statewide" if p.statewide else "—"), [ROSTER_SOURCE_ID]))
        )
        fields.append(("FBI record", Cell(f"none matched by name: {why}")))
    fields += _law_fields(k, p.state, cite)
    blocks: list[Any] = [
        Fields(fields, title=f"{p.name} ({p.state})"),
        _summary_block(f"{p.name}, {p.state}", summary, opened, cite),
        _agreement_table(p.agreements, "Agreements", placement.agencies(p.state), listed=listed),
    ]
    data = {
        "agency": {"key": p.key, "state": p.state, "name": p.name},
        "placement": msgspec.to_builtins(place) if place else None,
        "roster": {**_meta(opened), **_summary_dict(summary)},
        "state_law": _law_fields_data(k, p.state),
        "agreements": with_listing(p.agreements, listed),
    }
    return Document(
        "roster_agency",
        f"{p.name} ({p.state})",
        blocks,
        data,
        cite.sources,
        csv=_csv(p.agreements, placement.agencies(p.state), listed=listed),
    )
