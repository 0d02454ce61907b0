"""agencyref: who does what in U.S. law enforcement where immigration and local policing meet.

``agencyref.load()`` returns a :class:`~agencyref.api.Reference`: the Python API (see README).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Reference", "__version__", "load"]

if TYPE_CHECKING:
    from agencyref.api import Reference


def load(data: str | None = None, roster: str | None = None) -> Reference:
    """The loaded reference (bundled data unless ``data``/``roster`` name other files)."""
    from agencyref.api import load as _load

    return _load(data, roster)


def __getattr__(name: str) -> Any:  # `agencyref.Reference` without importing the API at start-up
    if name == "Reference":
        from agencyref.api import Reference

        return Reference
    raise AttributeError(name)
