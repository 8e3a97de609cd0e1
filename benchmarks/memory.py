"""Resident memory of one app after 10,000 and after 200,000 in-process S2 requests.

Run in a fresh process per framework (``python -m benchmarks.memory lette``), pinned to
core 0; prints one JSON object. RSS is read from /proc/self/status (VmRSS) after a
``gc.collect()``, so it counts what is still alive, not garbage waiting for collection.
"""

from __future__ import annotations

import gc
import json
import os
import sys

from benchmarks import driver

CHECKPOINTS = (10_000, 200_000)


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def run(name: str) -> dict[str, object]:
    s2 = next(sc for sc in driver.SCENARIOS if sc.key == "S2")
    fw = await driver.load(name, (s2,))
    if fw.error:
        return {"framework": name, "error": fw.error}
    inst = fw.instances[("app", 50)]
    make_scope = driver.scope_factory(s2, inst.lifespan.state)
    app = inst.app
    done = 0
    out: dict[str, object] = {"framework": name}
    for target in CHECKPOINTS:
        while done < target:
            cycle = driver.Cycle(b"", False)
            await app(make_scope(), cycle.receive, cycle.send)
            if cycle.status != 200:
                return {"framework": name, "error": f"status {cycle.status} after {done}"}
            done += 1
        gc.collect()
        out[str(target)] = round(rss_mb(), 2)
    await driver.shutdown(fw)
    return out


def main() -> None:
    os.sched_setaffinity(0, {0})
    try:
        import uvloop

        result = uvloop.run(run(sys.argv[1]))
    except BaseException as exc:  # noqa: BLE001
        result = {"framework": sys.argv[1], "error": driver.short(exc)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
