"""JSON and YAML: the document's data, its sources, and the schema version.

Both escape what a terminal would act on: JSON writes invisible and bidi characters as
``\\uXXXX`` (lossless), YAML drops them (it has no escape in plain scalars).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from agencyref.knowledge.model import SCHEMA_VERSION
from agencyref.present.document import Document, source_dict

# Raw in JSON text only inside strings (msgspec already escapes C0 controls): C1 controls,
# invisible and bidi characters, and the line separators JavaScript treats as line ends.
_INVISIBLE = "[\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match[0]):04x}"


def payload(doc: Document, data_as_of: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "kind": doc.kind}
    if data_as_of:
        out["data_as_of"] = data_as_of
    out.update(doc.data)
    out["sources"] = [source_dict(s) for s in doc.sources]
    return out


def json_text(raw: bytes) -> str:
    """Encoded JSON, indented, with invisible characters escaped."""
    text = msgspec.json.format(raw, indent=2).decode() + "\n"
    if text.isascii() or all(line.isprintable() for line in text.split("\n")):
        return text
    return re.sub(_INVISIBLE, _escape, text)


def to_json(doc: Document, data_as_of: str | None = None) -> str:
    return json_text(msgspec.json.encode(payload(doc, data_as_of)))


def _clean(value: Any) -> Any:
    from agencyref.text import is_clean, strip_unsafe

    if isinstance(value, str):
        return value if is_clean(value, multiline=True) else strip_unsafe(value, multiline=True)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def to_yaml(doc: Document, data_as_of: str | None = None, ascii_only: bool = False) -> str:
    """``ascii_only`` for a stream that cannot hold more: non-ASCII text is written as YAML escapes."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    plain = _clean(msgspec.to_builtins(payload(doc, data_as_of)))
    text: str = yaml.dump(plain, Dumper=dumper, sort_keys=False, allow_unicode=not ascii_only, width=10_000)
    return text
