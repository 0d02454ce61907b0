"""USPS codes for the states, DC and the territories, and a tolerant name → code lookup."""

import functools

from agencyref.text import fold_words

MAX_TEXT = 500


STATE_NAMES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas",
    "CA": "California", "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware",
    "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii",
    "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah",
    "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands",
    "AS": "American Samoa", "MP": "Northern Mariana Islands",
}  # fmt: skip

_STATE_ALIASES: dict[str, str] = {
    "washington dc": "DC",
    "washington d c": "DC",
    "d c": "DC",
    "virgin islands": "VI",
    "us virgin islands": "VI",
    "u s virgin islands": "VI",
    "united states virgin islands": "VI",
    "commonwealth of the northern mariana islands": "MP",
    "cnmi": "MP",
    "commonwealth of puerto rico": "PR",
}


def _state_key(text: str) -> str:
    # "D.C." and "DC" are one key: periods go before words are folded
    return fold_words(text.replace(".", ""))


_STATE_LOOKUP: dict[str, str] = {}


def _lookup() -> dict[str, str]:
    # Built on first use: most calls never need it.
    if not _STATE_LOOKUP:
        _STATE_LOOKUP.update({_state_key(name): code for code, name in STATE_NAMES.items()})
        _STATE_LOOKUP.update({code.casefold(): code for code in STATE_NAMES})
        _STATE_LOOKUP.update({_state_key(k): v for k, v in _STATE_ALIASES.items()})
    return _STATE_LOOKUP


def state_code(text: object) -> str | None:
    """USPS code for a state or territory name or code; ``None`` if unknown."""
    if not isinstance(text, str):
        return None
    return _state_code(text[:MAX_TEXT])


@functools.lru_cache(maxsize=4096)
def _state_code(text: str) -> str | None:
    key = _state_key(text)
    if not key:
        return None
    table = _lookup()
    return table.get(key) or table.get(key.replace(" ", ""))
