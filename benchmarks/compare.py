"""Compare the working tree's lette_fp with a git revision's, in one process, interleaved.

    .venv-bench/bin/python benchmarks/compare.py S1,S2,S7            # against HEAD
    .venv-bench/bin/python benchmarks/compare.py S3 --rev main~2 --repeats 41

A change to the hot path is often worth 50-200 ns, less than the drift between two separate
runs on a shared machine. Here the revision's ``lette_fp`` is exported (``git archive``) into a
temporary directory under another package name, both versions and the raw ASGI floor serve the
same scenarios batch after batch, and each cell reports the minimum and the median over the
batches. Run it pinned to one core (``taskset -c 0``) on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import statistics
import subprocess
import sys
import tempfile
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import driver  # noqa: E402
from benchmarks.inprocess import run_batch  # noqa: E402

OLD_PACKAGE = "lette_fp_rev"


def export_revision(rev: str, into: Path) -> types.ModuleType:
    """Export `rev`'s lette_fp as the package `lette_fp_rev` (imports renamed) and return the
    benchmark app module built on it."""
    archive = subprocess.run(
        ["git", "archive", rev, "lette_fp", "benchmarks/apps/lette.py"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    (into / "lette_fp").rename(into / OLD_PACKAGE)
    word = re.compile(r"\blette_fp\b")
    for path in [*(into / OLD_PACKAGE).rglob("*.py"), into / "benchmarks" / "apps" / "lette.py"]:
        path.write_text(word.sub(OLD_PACKAGE, path.read_text()))
    sys.path.append(str(into))
    name = "benchmarks.apps.lette_rev"
    spec = importlib.util.spec_from_file_location(name, into / "benchmarks" / "apps" / "lette.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


async def compare(keys: list[str], repeats: int, requests: int) -> list[str]:
    scenarios = tuple(sc for sc in driver.SCENARIOS if sc.key in keys)
    names = ("raw_asgi", "lette_rev", "lette")
    frameworks = [await driver.load(name, scenarios) for name in names]
    for fw in frameworks:
        if fw.error:
            raise SystemExit(f"{fw.name}: {fw.error}")
    samples: dict[tuple[str, str], list[float]] = {}
    for _ in range(repeats):
        for sc in scenarios:
            count = max(1, requests // 25) if sc.key == "S7" else max(1, requests // sc.units)
            for fw in frameworks:
                instance = fw.instance_for(sc)
                assert instance is not None
                per = await run_batch(instance, sc, count) * 1e6 / sc.units
                samples.setdefault((fw.name, sc.key), []).append(per)
    lines = ["| scenario | raw min | rev min (×raw) | tree min (×raw) | tree − rev (median) |", "|---|---:|---:|---:|---:|"]
    for sc in scenarios:
        raw, old, new = (samples[(name, sc.key)] for name in names)
        floor = min(raw)
        delta = statistics.median(new) - statistics.median(old)
        lines.append(
            f"| {sc.key} | {floor:.3f} | {min(old):.3f} ({min(old) / floor:.3f}×) "
            f"| {min(new):.3f} ({min(new) / floor:.3f}×) | {delta:+.3f} µs |"
        )
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("scenarios", help="comma-separated keys, e.g. S1,S2,S7 or S8/1000")
    parser.add_argument("--rev", default="HEAD", help="the git revision to compare with (default HEAD)")
    parser.add_argument("--repeats", type=int, default=31, help="batches per cell")
    parser.add_argument(
        "--requests", type=int, default=10_000, help="requests per batch (S7: a 25th; S10, S11: messages or events)"
    )
    args = parser.parse_args(argv)
    import uvloop

    with tempfile.TemporaryDirectory() as tmp:
        export_revision(args.rev, Path(tmp))
        lines = uvloop.run(compare(args.scenarios.split(","), args.repeats, args.requests))
    print(f"working tree against {args.rev}, µs per request (S10, S11: per message or event) in-process:")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
