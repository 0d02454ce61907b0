"""The Python API: the same answers the command line prints, as typed objects.

    >>> import agencyref
    >>> ref = agencyref.load()
    >>> ref.agency("ice").established.date
    '2003-03-01'
    >>> ref.compare("ice", "police").to_builtins()["agencies"][0]["key"]
    'ice'
    >>> len(ref.roster.in_state("TX")) > 0
    True

Records (``Agency``, ``Program``, ``State``, ``Term``, ``Agreement``) are frozen msgspec structs:
``msgspec.to_builtins(record)`` gives plain data. Answers built for display (``compare``,
``profile``…) are :class:`Answer` objects whose ``to_builtins()`` is exactly the JSON document
``agencyref … --format json`` prints. Names resolve as on the command line: an exact key, name or
alias answers; anything else raises :class:`~agencyref.errors.NotFoundError` with suggestions.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from agencyref.errors import UsageError

if TYPE_CHECKING:
    from agencyref.knowledge import model as m
    from agencyref.knowledge.store import Knowledge
    from agencyref.present.document import Document
    from agencyref.roster.store import OpenRoster

AGENCY_KINDS = ("agency", "component")


class Answer:
    """A displayable answer: its document, and the JSON the command line prints for it."""

    def __init__(self, document: Document, data_as_of: str) -> None:
        self.document = document
        self.kind = document.kind
        self.title = document.title
        self._data_as_of = data_as_of

    def to_builtins(self) -> dict[str, Any]:
        import msgspec

        from agencyref.present.render.data import payload

        return dict(msgspec.to_builtins(payload(self.document, self._data_as_of)))

    def __repr__(self) -> str:
        return f"Answer(kind={self.kind!r}, title={self.title!r})"


class Reference:
    """The knowledge file and the 287(g) roster, loaded once; every lookup answers from them."""

    def __init__(self, knowledge: Knowledge, roster_path: str | None = None) -> None:
        self.knowledge = knowledge
        self._roster_path = roster_path

    # ---- records ---------------------------------------------------------------------------

    def agency(self, name: str) -> m.Agency:
        """An agency by key, name or alias (a component's name gives its parent agency)."""
        entry = self.knowledge.names.resolve(name, AGENCY_KINDS, "agency")
        if entry.kind == "component":
            return self.knowledge.components[entry.key][0]
        return self.knowledge.agencies[entry.key]

    def program(self, name: str) -> m.Program:
        return self.knowledge.programs[self.knowledge.names.resolve(name, ("program",), "program").key]

    def term(self, name: str) -> m.Term:
        return self.knowledge.terms[self.knowledge.names.resolve(name, ("term",), "term").key]

    def state(self, name: str) -> m.State:
        """A state by USPS code or name (``"TX"``, ``"Texas"``)."""
        return self.knowledge.states[self.knowledge.names.resolve(name, ("state",), "state").key]

    def source(self, source_id: str) -> m.Source:
        from agencyref.errors import NotFoundError

        if source_id not in self.knowledge.sources:
            raise NotFoundError("source", source_id)
        return self.knowledge.sources[source_id]

    @cached_property
    def roster(self) -> OpenRoster:
        """ICE's 287(g) list in use: ``in_state``, ``in_county``, ``of_agency``, ``summary``, ``state_counts``."""
        from agencyref.roster.store import open_roster

        return open_roster(self._roster_path)

    # ---- answers (what the commands print) ------------------------------------------------

    def compare(self, *names: str, aspects: list[str] | None = None) -> Answer:
        """``agencyref compare NAME NAME… [--aspect A…]``."""
        from agencyref.knowledge.query import pick_aspects
        from agencyref.present.views.agencies import compare

        agencies = list({a.key: a for a in (self.agency(n) for n in names)}.values())
        if len(agencies) < 2:
            raise UsageError("compare needs at least two different agencies, e.g. `agencyref compare ice police`")
        return self._answer(compare(self.knowledge, agencies, pick_aspects(aspects or [])))

    def profile(self, name: str) -> Answer:
        """``agencyref agency NAME``: an agency's (or a component's) full profile."""
        from agencyref.present.views.agencies import agency_profile

        k = self.knowledge
        entry = k.names.resolve(name, AGENCY_KINDS, "agency")
        if entry.kind == "component":
            parent, comp = k.components[entry.key]
            return self._answer(agency_profile(k, parent, comp))
        return self._answer(agency_profile(k, k.agencies[entry.key]))

    def _answer(self, document: Document) -> Answer:
        return Answer(document, self.knowledge.meta.data_as_of)


def load(data: str | None = None, roster: str | None = None) -> Reference:
    """Load the bundled knowledge file (or ``data``) and, when first asked for, the roster (or ``roster``)."""
    from agencyref.knowledge.store import load_knowledge

    return Reference(load_knowledge(data), roster)
