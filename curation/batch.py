"""Batch work over many calls: a pure per-item task runs on all local cores (a process pool, spawn)
or on a Dask cluster; the parent stores the results chunk by chunk through its audited operation.

Workers only compute: they open the workspace read-only themselves (`worker_workspace`), read
audio and transcripts by path, and hand a plain value back. The caller's `store(outcomes)` writes
a whole chunk in one `operation()`, so the audit trail and the permission checks stay in the
parent, and a batch killed mid-way leaves only whole chunks behind (the next run skips what is
stored). A task that raises, or whose worker process dies, becomes one failed item with a
one-line message; the batch goes on.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from curation.errors import CurationError

MIN_ITEMS_PER_WORKER = 4  # starting a worker process costs about a second of imports
WORKER_DIED = "the worker process died while working on it"


class SchedulerUnreachable(CurationError):
    exit_code = 2


@dataclass(frozen=True)
class Outcome:
    """One item's result: `value` when the task returned, else `error` (one line)."""

    item: Any
    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class BatchReport:
    done: int = 0
    failed: list[Outcome] = field(default_factory=list)
    workers: int = 1
    where: str = "in-process"
    seconds: float = 0.0


@dataclass(frozen=True)
class Plan:
    """How to run a batch: `workers` processes on this machine (None: all cores, in-process for a
    small batch; 1: in-process), or the Dask scheduler at `scheduler` (tcp://host:port)."""

    workers: int | None = None
    scheduler: str | None = None
    chunk_size: int = 200
    progress: bool | None = None  # None: a bar only when stderr is a terminal
    connect_timeout: float = 10.0  # seconds to reach the Dask scheduler

    def local_workers(self, items: int) -> int:
        if self.workers is not None:
            if self.workers < 1:
                raise CurationError(f"--workers must be 1 or more, not {self.workers}")
            return max(1, min(self.workers, items))
        return max(1, min(available_cores(), items // MIN_ITEMS_PER_WORKER))


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _call(task: Callable, context: Any, item: Any) -> tuple[bool, Any]:
    """Run the task where it is sent; an exception travels back as one line (no traceback objects)."""
    try:
        return True, task(context, item)
    except Exception as exc:
        return False, one_line(exc)


# ---- the worker side ----------------------------------------------------------------------------

_OPEN: dict[str, Any] = {}


def worker_workspace(root: str):
    """The workspace at `root`, opened read-only once per worker process (kept for its next items)."""
    from curation.workspace import Workspace

    ws = _OPEN.get(root)
    if ws is None:
        ws = _OPEN[root] = Workspace.open(root, read_only=True)
    return ws


# Thread pools of the numeric libraries: a pool of N processes on N cores each with N BLAS/OpenMP threads
# would oversubscribe the machine (dask's nanny sets the same variables on its workers).
ONE_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                  "NUMEXPR_NUM_THREADS")


def _start_worker(parent: int) -> None:
    """A pool worker: one thread per numeric library (the pool already spreads over the cores), and
    it ends itself when its parent is killed (kill -9) instead of lingering."""
    for name in ONE_THREAD_ENV:  # before numpy/scipy load in this process (libraries loaded later)
        os.environ[name] = "1"
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)  # and any already loaded
    _watch_parent(parent)


def _watch_parent(parent: int) -> None:
    """End this process when its parent is gone."""
    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)
    threading.Thread(target=watch, daemon=True, name="curation-parent-watch").start()


# ---- running ---------------------------------------------------------------------------------

class _Progress:
    def __init__(self, total: int, label: str, show: bool | None):
        self.bar = None
        if show or (show is None and sys.stderr.isatty()):
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=label, unit="call", file=sys.stderr, dynamic_ncols=True,
                            smoothing=0.1, bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                                                      "[{elapsed}<{remaining}, {rate_fmt}]{postfix}")

    def update(self, failed: int) -> None:
        if self.bar is not None:
            if failed:
                self.bar.set_postfix_str(f"{failed} failed", refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_batch(task: Callable[[Any, Any], Any], context: Any, items: Sequence, store: Callable[[list[Outcome]], None],
              plan: Plan = Plan(), label: str = "items",
              each: Callable[[int, int], None] | None = None) -> BatchReport:
    """Run `task(context, item)` for every item as `plan` says and hand the outcomes to `store` in
    chunks of `plan.chunk_size` (the last one smaller), in the parent process; `each(done, total)`
    after every item. `task` must be a
    module-level function and `context` picklable when it runs in other processes."""
    items = list(items)
    report = BatchReport()
    started = time.monotonic()
    buffer: list[Outcome] = []
    progress = _Progress(len(items), label, plan.progress)

    def collect(outcome: Outcome) -> None:
        buffer.append(outcome)
        if outcome.ok:
            report.done += 1
        else:
            report.failed.append(outcome)
        progress.update(len(report.failed))
        if each:
            each(report.done + len(report.failed), len(items))
        if len(buffer) >= plan.chunk_size:
            store(buffer[:])
            buffer.clear()

    try:
        if plan.scheduler:
            report.where, report.workers = _run_dask(task, context, items, collect, plan.scheduler,
                                                     plan.connect_timeout)
        else:
            report.workers = plan.local_workers(len(items))
            if report.workers == 1:
                for item in items:
                    ok, value = _call(task, context, item)
                    collect(Outcome(item, value) if ok else Outcome(item, error=value))
            else:
                report.where = f"{report.workers} local processes"
                _run_pool(task, context, items, collect, report.workers)
        if buffer:
            store(buffer[:])
            buffer.clear()
    finally:
        progress.close()
    report.seconds = time.monotonic() - started
    return report


def _pool(workers: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(os.getpid(),))


def _run_pool(task, context, items, collect, workers: int) -> None:
    """A process pool kept `2 x workers` items deep. When a worker dies the pool breaks and every
    item in flight with it fails with it; those few are run again one at a time in a pool of their
    own, so only the item that kills its worker is reported failed."""
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    pending = deque(items)
    depth = 2 * workers
    pool = _pool(workers)
    inflight: dict = {}
    try:
        while pending or inflight:
            broken = False
            while pending and len(inflight) < depth:
                try:
                    future = pool.submit(_call, task, context, pending[0])
                except BrokenProcessPool:  # a worker died since the last wait: the pool takes nothing more
                    broken = True
                    break
                inflight[future] = pending.popleft()
            done = wait(list(inflight), return_when=FIRST_COMPLETED).done if inflight else set()
            finished = {future: inflight.pop(future) for future in done}
            suspects = [item for future, item in finished.items() if not _settle(future, item, collect)]
            if suspects or broken:  # the pool is broken: everything still in flight fails too
                wait(list(inflight))
                suspects += [item for future, item in inflight.items() if not _settle(future, item, collect)]
                inflight.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                _run_isolated(task, context, suspects, collect)
                pool = _pool(workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _settle(future, item, collect) -> bool:
    """Hand a finished future's outcome to `collect`; False when its pool broke under it."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        ok, value = future.result()
    except BrokenProcessPool:
        return False
    collect(Outcome(item, value) if ok else Outcome(item, error=value))
    return True


def _run_isolated(task, context, items, collect) -> None:
    """Each item alone in a one-process pool: a death now is that item's own."""
    from concurrent.futures.process import BrokenProcessPool

    pool = _pool(1)
    try:
        for item in items:
            try:
                ok, value = pool.submit(_call, task, context, item).result()
            except BrokenProcessPool:
                processes = list((getattr(pool, "_processes", None) or {}).values())
                pool.shutdown(wait=True, cancel_futures=True)
                codes = sorted({p.exitcode for p in processes if p.exitcode not in (None, 0)})
                suffix = f" (exit code {', '.join(map(str, codes))})" if codes else ""
                collect(Outcome(item, error=WORKER_DIED + suffix))
                pool = _pool(1)
                continue
            collect(Outcome(item, value) if ok else Outcome(item, error=value))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(task, context, items, collect, scheduler: str, timeout: float) -> tuple[str, int]:
    """The same on a Dask cluster; an item whose workers keep dying comes back as `KilledWorker`."""
    try:
        from distributed import Client, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise CurationError(f"--scheduler needs dask.distributed ({exc})") from None
    try:
        client = Client(scheduler, timeout=f"{timeout}s")
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnreachable(f"Dask scheduler {scheduler} unreachable ({one_line(exc)}); "
                                   "nothing was analysed, run again when it is up") from None
    try:
        workers = len(client.scheduler_info(n_workers=-1).get("workers", {})) if _takes_n_workers(client) \
            else len(client.scheduler_info().get("workers", {}))
        futures = {client.submit(_call, task, context, item, pure=False): item for item in items}
        for future in as_completed(list(futures)):
            item = futures[future]
            try:
                ok, value = future.result()
            except KilledWorker:
                collect(Outcome(item, error=f"{WORKER_DIED} (Dask KilledWorker)"))
                continue
            except (OSError, TimeoutError) as exc:
                raise SchedulerUnreachable(f"lost the Dask scheduler {scheduler} ({one_line(exc)}); the chunks "
                                           "stored so far are kept, run again to continue") from None
            collect(Outcome(item, value) if ok else Outcome(item, error=value))
    finally:
        client.close()
    return f"Dask scheduler {scheduler}", workers


def _takes_n_workers(client) -> bool:
    import inspect

    try:
        return "n_workers" in inspect.signature(client.scheduler_info).parameters
    except (TypeError, ValueError):
        return False
