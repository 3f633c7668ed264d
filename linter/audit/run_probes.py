"""Probe many targets at once with a bounded thread pool.

Each probe is blocking socket I/O under its own deadlines, so threads
overlap the waiting; the pool bounds sockets and memory whatever the
number of targets."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed

from linter.audit.probe import ProbeOptions, ProbeResult, probe
from linter.audit.targets import Target

DEFAULT_CONCURRENCY = 64


def probe_all(targets: Sequence[Target], options: ProbeOptions,
              concurrency: int = DEFAULT_CONCURRENCY, progress=None) -> list[ProbeResult]:
    """Results in the order of ``targets``."""
    if len(targets) == 1:
        results = [probe(targets[0], options)]
        if progress is not None:
            progress.step()
        return results
    results: list[ProbeResult | None] = [None] * len(targets)
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(targets)))) as pool:
        futures = {pool.submit(probe, target, options): index
                   for index, target in enumerate(targets)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if progress is not None:
                progress.step()
    return [result for result in results if result is not None]
