"""Rebuild data/roster-287g.json from ICE's 287(g) sheets.

Usage (from the repository root):

    python scripts/refresh_roster.py participatingAgencies07182025pm.xlsx pendingAgencies07182025pm.xlsx
    python scripts/refresh_roster.py sheets/*.xlsx --as-of 2025-07-18 --output data/roster-287g.json

Prints the import report (counts and every warning) as JSON on stderr, and a
diff summary against the previous roster when one exists.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from agencyref.errors import AgencyrefError  # noqa: E402
from agencyref.importers.ice287g import diff_rosters, import_sheets, report_to_dict  # noqa: E402
from agencyref.roster import decode_roster, write_roster_atomic  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("sheets", nargs="+", type=Path, help="ICE participating/pending sheets (.xlsx or .csv)")
    parser.add_argument("--as-of", help="snapshot date YYYY-MM-DD (default: from the newest file name)")
    parser.add_argument("--output", type=Path, default=ROOT / "data" / "roster-287g.json")
    args = parser.parse_args(argv)
    try:
        result = import_sheets(args.sheets, as_of=args.as_of)
        old = None
        if args.output.exists():
            try:
                old = decode_roster(args.output.read_bytes(), str(args.output))
            except AgencyrefError:
                old = None  # unreadable old roster: just overwrite it
        write_roster_atomic(result.roster, args.output)
    except AgencyrefError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(json.dumps(report_to_dict(result.report), indent=2, ensure_ascii=False), file=sys.stderr)
    if old is not None:
        diff = diff_rosters(old, result.roster)
        print(
            f"vs previous roster: {len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed",
            file=sys.stderr,
        )
    print(f"wrote {args.output} ({result.report.agreements_written} agreements, as of {result.roster.as_of})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
