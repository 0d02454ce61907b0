"""Deterministic large data for the scale benchmark.

    python benchmarks/generate.py OUT_DIR [--knowledge-factor 10] [--agreements 100000] [--grow-texas]

- Knowledge file: the shipped one plus N-1 renamed copies of every agency, program, case type,
  glossary term, event and source (states stay 51, with their laws repeated), every reference
  rewritten to point inside its own copy, so the file validates.
- Roster: the shipped roster plus synthetic agreements (agency names, counties, models and dates
  drawn from a seeded generator) up to the requested total. By default Texas keeps exactly its
  real agreements, so `jurisdiction TX` gives the same answer at every size and any growth in
  its cost comes from the size of the rest; `--grow-texas` spreads the new agreements over all
  states in proportion, Texas included.
"""

import argparse
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REF_FIELDS = {"sources", "related", "administering", "primary", "supporting", "see_also"}


def _rename(node: Any, suffix: str, keys: set[str], state_codes: set[str]) -> Any:
    """A copy of a record with every key, source id and reference given ``suffix``."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in ("key", "id") and isinstance(v, str):
                out[k] = v + suffix
            elif k in ("name", "term", "title") and isinstance(v, str):
                out[k] = f"{v} (copy{suffix})"
            elif k == "aliases" and isinstance(v, list):
                out[k] = [f"{a} copy{suffix}" for a in v]
            elif k in REF_FIELDS and isinstance(v, list):
                out[k] = [x + suffix if isinstance(x, str) and x in keys else x for x in v]
            elif k == "concerns" and isinstance(v, list):
                out[k] = [x if x in state_codes else x + suffix for x in v]
            else:
                out[k] = _rename(v, suffix, keys, state_codes)
        return out
    if isinstance(node, list):
        return [_rename(x, suffix, keys, state_codes) for x in node]
    return node


def _all_keys(doc: dict[str, Any]) -> set[str]:
    keys = {s["id"] for s in doc["sources"]}
    for section in ("agencies", "programs", "matters", "terms"):
        for rec in doc.get(section, []):
            keys.add(rec["key"])
            keys.update(c["key"] for c in rec.get("components", []))
    return keys


def big_knowledge(factor: int, out: Path) -> Path:
    import yaml

    sys.path.insert(0, str(ROOT / "src"))
    from agencyref.knowledge.yamlsafe import read_yaml

    doc, _ = read_yaml((ROOT / "data" / "agencies.yaml").read_bytes(), "agencies.yaml")
    keys = _all_keys(doc)
    codes = {s["code"].lower() for s in doc["states"]}
    for i in range(2, factor + 1):
        suffix = f"-x{i}"
        for section in ("sources", "agencies", "programs", "matters", "terms", "events"):
            doc[section] += [_rename(r, suffix, keys, codes) for r in doc[section][: len(doc[section]) // (i - 1)]]
        for state in doc["states"]:
            state["laws"] += [_rename(law, suffix, keys, codes) for law in state["laws"][:1]]
            state["sources"] = state.get("sources", []) + [
                sid + suffix for sid in state.get("sources", [])[:1] if sid in keys
            ]
    path = out / "agencies-big.yaml"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(doc, Dumper=dumper, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    return path


def big_roster(total: int, out: Path, grow_texas: bool = False) -> Path:
    import msgspec

    sys.path.insert(0, str(ROOT / "src"))
    from agencyref.roster.file import encode_roster
    from agencyref.roster.model import Roster

    real = msgspec.json.decode((ROOT / "data" / "roster-287g.json").read_bytes(), type=Roster)
    rng = random.Random(287)
    pool = [a for a in real.agreements if grow_texas or a.state != "TX"]
    extra = []
    for n in range(max(0, total - len(real.agreements))):
        base = rng.choice(pool)
        county = f"{rng.choice(['North', 'South', 'East', 'West', 'Upper', 'Lower'])} {base.county or 'Lake County'}"
        extra.append(
            msgspec.structs.replace(
                base,
                agency=f"{base.agency.rsplit(' ', 1)[0]} {n:06d} {base.agency.rsplit(' ', 1)[-1]}",
                county=county if base.agency_type == "county" else base.county,
                model=rng.choice(["jem", "tfm", "wso"]),
                signed=f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                moa_url=None,
                moa_status="pending",
                sheet="synthetic",
                row=n + 2,
            )
        )
    agreements = sorted([*real.agreements, *extra], key=lambda a: (a.state, a.agency.casefold(), a.model, a.status))
    roster = msgspec.structs.replace(real, agreements=agreements, source_files=["synthetic"])
    path = out / f"roster-{total}.json"
    path.write_bytes(encode_roster(roster))
    return path


def generate(
    out: Path, knowledge_factor: int = 10, agreements: int = 100_000, grow_texas: bool = False
) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    return big_knowledge(knowledge_factor, out), big_roster(agreements, out, grow_texas)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--knowledge-factor", type=int, default=10)
    parser.add_argument("--agreements", type=int, default=100_000)
    parser.add_argument("--grow-texas", action="store_true")
    args = parser.parse_args()
    for path in generate(args.out, args.knowledge_factor, args.agreements, args.grow_texas):
        print(path, f"{path.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
