"""A synthetic 287(g) history for the scale benchmark: N weekly participating lists × M agreements.

    python benchmarks/generate_history.py OUT.json --snapshots 1000 --agreements 3000

Agreements join and leave at random weeks (seeded, so runs compare); names, states and models
are spread like ICE's list. The file has the bundled history's format.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

from agencyref.roster.history.model import History, Listing, Snapshot, Version, encode_history

STATES = ["TX", "FL", "MO", "AL", "GA", "TN", "OK", "LA", "NC", "SC", "AR", "IN"]
MODELS = ["tfm", "wso", "jem"]


def synthetic(snapshots: int, agreements: int, seed: int = 7) -> History:
    rng = random.Random(seed)
    start = dt.date(2007, 1, 5)
    snaps = [
        Snapshot((start + dt.timedelta(weeks=i)).isoformat(), "participating", [f"week{i}.xlsx"], 0, "name")
        for i in range(snapshots)
    ]
    listings = []
    for n in range(agreements):
        first = rng.randrange(snapshots)
        last = min(snapshots - 1, first + rng.randrange(1, snapshots))
        name = f"Agency {n} County Sheriff's Office"
        version = Version(first, name, "county", f"County {n % 250}", "2025-01-01", None)
        listings.append(Listing(rng.choice(STATES), rng.choice(MODELS), [version], [(first, last)], []))
    rows = [0] * snapshots
    for x in listings:
        for a, b in x.participating:
            for i in range(a, b + 1):
                rows[i] += 1
    snaps = [Snapshot(s.date, s.list, s.files, rows[i], s.dated_by) for i, s in enumerate(snaps)]
    return History(
        source_url="https://www.ice.gov/identify-and-arrest/287g", snapshots=snaps, skipped=[], agreements=listings
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--snapshots", type=int, default=1000)
    parser.add_argument("--agreements", type=int, default=3000)
    args = parser.parse_args()
    args.out.write_bytes(encode_history(synthetic(args.snapshots, args.agreements)))


if __name__ == "__main__":
    main()
