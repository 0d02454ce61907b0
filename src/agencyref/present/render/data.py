"""JSON and YAML: the document's data, its sources, and the schema version."""

from __future__ import annotations

from typing import Any

import msgspec

from agencyref.knowledge.model import SCHEMA_VERSION
from agencyref.present.document import Document, source_dict


def payload(doc: Document, data_as_of: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "kind": doc.kind}
    if data_as_of:
        out["data_as_of"] = data_as_of
    out.update(doc.data)
    out["sources"] = [source_dict(s) for s in doc.sources]
    return out


def to_json(doc: Document, data_as_of: str | None = None) -> str:
    raw = msgspec.json.encode(payload(doc, data_as_of))
    return msgspec.json.format(raw, indent=2).decode() + "\n"


def to_yaml(doc: Document, data_as_of: str | None = None) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    plain = msgspec.to_builtins(payload(doc, data_as_of))
    text: str = yaml.dump(plain, Dumper=dumper, sort_keys=False, allow_unicode=True, width=10_000)
    return text
