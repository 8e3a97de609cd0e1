"""In-process measurement: each app's ASGI callable driven directly, no sockets.

All frameworks live in one process pinned to one core. Every cell (framework x
scenario) is first calibrated so that one batch takes about ``batch_seconds``; then,
for each repeat, the scenarios are run one after the other and, within a scenario,
the frameworks round-robin (the starting framework rotates each repeat), so slow drift
of the machine hits every framework alike. A cell's result is the median over repeats
of (batch time / batch size). Before timing, the heap is collected and frozen
(``gc.freeze``) so no framework pays for scanning another's objects.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass, field

from benchmarks.driver import Cycle, Framework, Instance, Scenario, WsCycle, scope_factory, short


@dataclass
class Cell:
    samples: list[float] = field(default_factory=list)  # seconds per request
    batch: int = 0
    error: str | None = None

    units: int = 1  # messages or events per request

    @property
    def median_us(self) -> float | None:
        """Median µs per request, or per message/event for a streaming scenario."""
        return statistics.median(self.samples) * 1e6 / self.units if self.samples else None


async def run_ws_batch(inst: Instance, sc: Scenario, n: int) -> float:
    """Time ``n`` websocket connections (see ``WsCycle``), one after the other; returns
    seconds per connection."""
    app = inst.app
    make_scope = scope_factory(sc, inst.lifespan.state)
    bad = 0
    start = time.perf_counter()
    for _ in range(n):
        cycle = WsCycle()
        await app(make_scope(), cycle.receive, cycle.send)
        if not cycle.complete:
            bad += 1
    elapsed = time.perf_counter() - start
    if bad:
        raise RuntimeError(f"{bad}/{n} connections did not echo every message")
    return elapsed / n


async def run_batch(inst: Instance, sc: Scenario, n: int) -> float:
    """Time ``n`` requests, one after the other; returns seconds per request."""
    if sc.kind == "websocket":
        return await run_ws_batch(inst, sc, n)
    app = inst.app
    make_scope = scope_factory(sc, inst.lifespan.state)
    body = sc.body
    status = sc.status
    bad = 0
    start = time.perf_counter()
    for _ in range(n):
        cycle = Cycle(body, False)
        await app(make_scope(), cycle.receive, cycle.send)
        if cycle.status != status:
            bad += 1
    elapsed = time.perf_counter() - start
    if bad:
        raise RuntimeError(f"{bad}/{n} answers had a status other than {status}")
    return elapsed / n


async def measure(
    frameworks: list[Framework],
    scenarios: tuple[Scenario, ...],
    repeats: int,
    batch_seconds: float,
    progress: bool = True,
) -> dict[tuple[str, str], Cell]:
    cells: dict[tuple[str, str], Cell] = {}
    runnable = [fw for fw in frameworks if not fw.error]
    # Calibrate (doubles as warm-up): grow the batch until it takes >= 1/4 of the target.
    for sc in scenarios:
        for fw in runnable:
            cell = cells[(fw.name, sc.key)] = Cell(units=sc.units)
            inst = fw.instance_for(sc)
            if sc.key in fw.failures or inst is None:
                cell.error = fw.failures.get(sc.key, "no app instance")
                continue
            try:
                n = 20 if sc.units == 1 else 1
                while True:
                    per = await run_batch(inst, sc, n)
                    if per * n >= batch_seconds / 4 or n >= 1_000_000:
                        break
                    n *= 4
                cell.batch = max(20 if sc.units == 1 else 1, int(batch_seconds / per))
            except Exception as exc:  # noqa: BLE001
                cell.error = f"raised {short(exc)}"
    gc.collect()
    gc.freeze()
    started = time.perf_counter()
    try:
        for r in range(repeats):
            for sc in scenarios:
                k = r % len(runnable) if runnable else 0
                for fw in runnable[k:] + runnable[:k]:
                    cell = cells[(fw.name, sc.key)]
                    inst = fw.instance_for(sc)
                    if cell.error or inst is None:
                        continue
                    try:
                        cell.samples.append(await run_batch(inst, sc, cell.batch))
                    except Exception as exc:  # noqa: BLE001
                        cell.error = f"raised {short(exc)}"
            if progress:
                spent = time.perf_counter() - started
                print(f"  in-process: repeat {r + 1}/{repeats} done ({spent:.0f}s)", flush=True)
    finally:
        gc.unfreeze()
    return cells
