"""Start-up and scale benchmark: each call as a ratio of medians against a floor measured in the same run.

Usage (from the repository root, with agencyref installed in the running interpreter's environment):

    python benchmarks/bench.py              # start-up ratios (about a minute)
    python benchmarks/bench.py --scale      # also the 10x / 100x data-growth table (a few minutes)
    python benchmarks/bench.py --runs 21    # more runs per call

Calls and floors alternate run by run (stdout is a pipe, not a terminal; caches warm), so a noisy machine
moves both sides alike. Peak memory is the child's maximum resident set size (ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
SCRIPT = str(Path(PY).with_name("agencyref"))
FLOOR_TYPER = [PY, "-c", "import typer"]
FLOOR_TABLE = [PY, "-c", "import typer, rich.console, rich.table"]


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one run; output discarded through a pipe."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert proc.stdout is not None
    proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0,):
        raise SystemExit(f"benchmark call failed ({proc.returncode}): {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss


def paired(call: list[str], floor: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    return paired_envs(call, env, floor, env, runs)


def paired_envs(
    call: list[str], env: dict[str, str], floor: list[str], floor_env: dict[str, str], runs: int
) -> dict[str, float]:
    """Medians of ``call`` and ``floor`` run alternately (the order flips each round)."""
    for _ in range(2):  # warm the page cache and our compiled data cache
        run_once(call, env)
        run_once(floor, floor_env)
    times: dict[str, list[float]] = {"call": [], "floor": []}
    rss: dict[str, list[int]] = {"call": [], "floor": []}
    for i in range(runs):
        order = (("call", call, env), ("floor", floor, floor_env))
        for name, cmd, cmd_env in order if i % 2 == 0 else reversed(order):
            t, m = run_once(cmd, cmd_env)
            times[name].append(t)
            rss[name].append(m)
    call_t, floor_t = statistics.median(times["call"]), statistics.median(times["floor"])
    call_m, floor_m = statistics.median(rss["call"]), statistics.median(rss["floor"])
    return {
        "call_ms": call_t * 1e3,
        "floor_ms": floor_t * 1e3,
        "ratio": call_t / floor_t,
        "call_rss_mib": call_m / 1024,
        "floor_rss_mib": floor_m / 1024,
        "rss_ratio": call_m / floor_m,
    }


def base_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENCYREF_")}
    env.update({"AGENCYREF_CACHE_DIR": str(cache), "AGENCYREF_QUIET": "1", "NO_COLOR": "1"})
    env.pop("XDG_DATA_HOME", None)
    env["XDG_DATA_HOME"] = str(cache / "xdg-data")  # never pick up a personal roster
    return env


def startup(runs: int) -> list[tuple[str, str, float, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = base_env(Path(tmp))
        complete = dict(env, _AGENCYREF_COMPLETE="complete_bash", COMP_WORDS="agencyref compare ", COMP_CWORD="2")
        cases = [
            (
                "compare ice police --format json",
                [SCRIPT, "compare", "ice", "police", "--format", "json"],
                FLOOR_TYPER,
                env,
                "import typer",
            ),
            (
                "compare ice police (table)",
                [SCRIPT, "compare", "ice", "police"],
                FLOOR_TABLE,
                env,
                "import typer, rich.console, rich.table",
            ),
            (
                "program 287g --format json",
                [SCRIPT, "program", "287g", "--format", "json"],
                FLOOR_TYPER,
                env,
                "import typer",
            ),
            (
                "jurisdiction TX --format json",
                [SCRIPT, "jurisdiction", "TX", "--format", "json"],
                FLOOR_TYPER,
                env,
                "import typer",
            ),
            (
                'jurisdiction "Pinellas County, FL" --format json',
                [SCRIPT, "jurisdiction", "Pinellas County, FL", "--format", "json"],
                FLOOR_TYPER,
                env,
                "import typer",
            ),
            ("history --format json", [SCRIPT, "history", "--format", "json"], FLOOR_TYPER, env, "import typer"),
            (
                "history TX --by model --monthly --format json",
                [SCRIPT, "history", "TX", "--by", "model", "--monthly", "--format", "json"],
                FLOOR_TYPER,
                env,
                "import typer",
            ),
            (
                "changes --state TX --format json",
                [SCRIPT, "changes", "--state", "TX", "--format", "json"],
                FLOOR_TYPER,
                env,
                "import typer",
            ),
            ("complete `agencyref compare <TAB>`", [SCRIPT], FLOOR_TYPER, complete, "import typer"),
        ]
        memory = None
        for label, call, floor, case_env, floor_label in cases:
            r = paired(call, floor, case_env, runs)
            rows.append((label, floor_label, r["ratio"], f"{r['call_ms']:.0f} ms vs {r['floor_ms']:.0f} ms"))
            if memory is None:
                memory = r
        assert memory is not None
        rows.append(
            (
                "peak memory, compare ice police --format json",
                "import typer",
                memory["rss_ratio"],
                f"{memory['call_rss_mib']:.1f} MiB vs {memory['floor_rss_mib']:.1f} MiB",
            )
        )
    return rows


def scale(runs: int) -> list[str]:
    """How `jurisdiction TX --format json` grows with the data: warm time (paired, run by run, with the same
    call on the shipped data), the first run after the data changes (cache rebuild), and peak memory."""
    lines = [
        "| data | warm `jurisdiction TX --json` | vs the same call on shipped data (paired) "
        "| cache rebuild (first run after a change) | peak memory warm / rebuild |",
        "|---|---|---|---|---|",
    ]
    cases = [
        ("shipped data (knowledge 1×, 858 agreements)", 1, None, False),
        ("knowledge 10×, roster 10,000 agreements", 10, 10_000, False),
        ("knowledge 10×, roster 100,000 agreements", 10, 100_000, False),
        ("knowledge 10×, roster 100,000, Texas grown in proportion (13,700 TX agreements)", 10, 100_000, True),
    ]
    call = [SCRIPT, "jurisdiction", "TX", "--format", "json"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shipped = base_env(root / "cache-shipped")
        for n, (label, factor, agreements, grow_texas) in enumerate(cases):
            env = base_env(root / f"cache{n}")
            if agreements:
                # In a child process, so that this one stays small (see main()).
                out = root / f"data{n}"
                args = [
                    PY,
                    str(HERE / "generate.py"),
                    str(out),
                    "--knowledge-factor",
                    str(factor),
                    "--agreements",
                    str(agreements),
                ] + (["--grow-texas"] if grow_texas else [])
                subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
                env["AGENCYREF_DATA"] = str(out / "agencies-big.yaml")
                env["AGENCYREF_ROSTER"] = str(out / f"roster-{agreements}.json")
            cold, cold_rss = [], []
            for _ in range(3):
                shutil.rmtree(env["AGENCYREF_CACHE_DIR"], ignore_errors=True)
                t, m = run_once(call, env)
                cold.append(t)
                cold_rss.append(m)
            r = paired_envs(call, env, call, shipped, runs)
            lines.append(
                f"| {label} | {r['call_ms']:.0f} ms | {r['ratio']:.2f}× | "
                f"{statistics.median(cold) * 1e3:.0f} ms | {r['call_rss_mib']:.0f} / {max(cold_rss) / 1024:.0f} MiB |"
            )
    return lines


def history_scale(runs: int) -> list[str]:
    """A synthetic history of 1,000 weekly lists × 3,000 agreements against the shipped history (paired)."""
    lines = ["| call | synthetic history (1,000 lists × 3,000 agreements) | shipped history | ratio (target ≤ 2×) |"]
    lines.append("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        big = root / "history-big.json"
        subprocess.run([PY, str(HERE / "generate_history.py"), str(big)], check=True)
        shipped = base_env(root / "cache-shipped")
        env = dict(base_env(root / "cache-big"), AGENCYREF_HISTORY=str(big))
        for label, call in (
            ("history --format json", [SCRIPT, "history", "--format", "json"]),
            ("history TX --by model --format json", [SCRIPT, "history", "TX", "--by", "model", "--format", "json"]),
            ("changes --state TX --format json", [SCRIPT, "changes", "--state", "TX", "--format", "json"]),
        ):
            r = paired_envs(call, env, call, shipped, runs)
            flag = "ok" if r["ratio"] <= 2 else "OVER"
            lines.append(f"| {label} | {r['call_ms']:.0f} ms | {r['floor_ms']:.0f} ms | {r['ratio']:.2f}× {flag} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per call and per floor (default 15)")
    parser.add_argument("--scale", action="store_true", help="also measure growth to 10x and 100x data")
    args = parser.parse_args()
    if not Path(SCRIPT).exists():
        raise SystemExit(f"agencyref console script not found next to {PY}; install the package first")
    import typer

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"typer {typer.__version__}, {platform.platform()}"
    )
    print(f"runs per call: {args.runs} (alternating with the floor), medians\n")
    print("| call | floor | ratio (target ≤ 1.3×) | medians |")
    print("|---|---|---|---|")
    for label, floor, ratio, detail in startup(args.runs):
        flag = "ok" if ratio <= 1.3 else "OVER"
        print(f"| {label} | `{floor}` | {ratio:.2f}× {flag} | {detail} |")
    if args.scale:
        print()
        print("\n".join(scale(max(5, args.runs // 2))))
        print()
        print("\n".join(history_scale(max(5, args.runs // 2))))


if __name__ == "__main__":
    main()
