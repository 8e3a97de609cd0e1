"""Count CPU instructions per request with callgrind: deterministic on a busy machine.

    .venv/bin/python benchmarks/instructions.py S1,S2,S3 --rev main     # tree and rev, per scenario

For each scenario and each of raw ASGI, `--rev`'s lette_fp (exported as in compare.py) and the
working tree's, the same process serves N requests and then none under
`valgrind --tool=callgrind`; (Ir(N) - Ir(0)) / N is the cost of one request. PYTHONHASHSEED is
fixed so runs repeat. Time on this machine runs somewhat above the instruction ratio; use
compare.py on an idle machine for times.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def serve(name: str, key: str, count: int, rev: str) -> None:
    """Build `name`'s app (raw_asgi, lette or lette_rev at `rev`) and serve `count` requests of `key`."""
    from benchmarks import driver
    from benchmarks.inprocess import run_batch

    if name == "lette_rev":
        from benchmarks.compare import export_revision

        export_revision(rev, Path(tempfile.mkdtemp()))
    scenarios = tuple(sc for sc in driver.SCENARIOS if sc.key == key)

    async def main() -> None:
        fw = await driver.load(name, scenarios)
        if fw.error:
            raise SystemExit(f"{name}: {fw.error}")
        instance = fw.instance_for(scenarios[0])
        assert instance is not None
        await run_batch(instance, scenarios[0], 50)
        if count:
            await run_batch(instance, scenarios[0], count)

    asyncio.run(main())


def callgrind_count(script: str, *args: str) -> int:
    """Return callgrind's total instruction count for running `python script *args` (from the
    repository root, PYTHONHASHSEED fixed)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, script, *args],
            check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "0"}, cwd=ROOT,
        )
        summary = re.search(r"^summary:\s+(\d+)", out.read_text(), re.MULTILINE)
        assert summary is not None
        return int(summary.group(1))


def instructions(name: str, key: str, count: int, rev: str) -> int:
    """Return callgrind's total instruction count for serving `count` requests (plus start-up)."""
    return callgrind_count(__file__, "--serve", name, key, str(count), "--rev", rev)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("scenarios", nargs="?", default="S1", help="comma-separated keys, e.g. S1,S2,S3")
    parser.add_argument("--rev", default="HEAD", help="the git revision to compare with (default HEAD)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--only", choices=("raw_asgi", "lette_rev", "lette"), help="count one app only")
    parser.add_argument("--serve", nargs=3, metavar=("NAME", "KEY", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve[0], args.serve[1], int(args.serve[2]), args.rev)
        return 0
    print(f"instructions per request, working tree against {args.rev} (callgrind, {args.requests} requests):")
    print("| scenario | raw | rev (×raw) | tree (×raw) | tree − rev |")
    print("|---|---:|---:|---:|---:|")
    if args.only:
        for key in args.scenarios.split(","):
            count = instructions(args.only, key, args.requests, args.rev) - instructions(args.only, key, 0, args.rev)
            print(f"| {key} | {args.only} | {count / args.requests:,.0f} |", flush=True)
        return 0
    for key in args.scenarios.split(","):
        per = {}
        for name in ("raw_asgi", "lette_rev", "lette"):
            per[name] = (instructions(name, key, args.requests, args.rev) - instructions(name, key, 0, args.rev)) / args.requests
        raw, old, new = per["raw_asgi"], per["lette_rev"], per["lette"]
        print(f"| {key} | {raw:,.0f} | {old:,.0f} ({old / raw:.2f}×) | {new:,.0f} ({new / raw:.2f}×) | {new - old:+,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
