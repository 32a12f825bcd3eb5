"""Steps, stats and executors, in the manner of datatrove.

A step is a small object whose ``run(items)`` yields items. It knows nothing about processes, shards or files other
than its own input: executors decide where steps run. Each step keeps counters (in, out, dropped by reason,
failures with the file that caused them) and the time spent in its own code, excluding its upstream.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from threadpoolctl import threadpool_limits

from .budget import BudgetExceeded, default_seconds, document_budget, over_budget
from .model import Article, Failure


@dataclass
class StepStats:
    name: str
    n_in: int = 0
    n_out: int = 0
    seconds: float = 0.0
    dropped: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    counters: Counter = field(default_factory=Counter)

    def merge(self, other: StepStats) -> None:
        self.n_in += other.n_in
        self.n_out += other.n_out
        self.seconds += other.seconds
        self.dropped.update(other.dropped)
        self.failures.extend(other.failures)
        self.counters.update(other.counters)

    def line(self) -> str:
        rate = f"{self.n_in / self.seconds:,.0f}/s" if self.seconds > 0 else "-"
        drops = ", ".join(f"{k}: {v}" for k, v in self.dropped.most_common()) or "none"
        extra = "".join(f", {k}: {v}" for k, v in sorted(self.counters.items()))
        return f"{self.name:<10} in {self.n_in:>6}  out {self.n_out:>6}  {self.seconds:7.2f}s ({rate})  dropped: {drops}{extra}"


class Step:
    """Base step. Subclasses implement ``run``; call the step (``step(items)``) to get counting and timing."""

    name = "step"
    requires: tuple[str, ...] = ()  # what earlier steps must have annotated (documentation + checks)
    provides: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.stats = StepStats(self.name)
        self.budget = default_seconds()  # wall-clock seconds per document ([budget] document_seconds)

    def run(self, items: Iterable[Any]) -> Iterator[Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def drop(self, reason: str) -> None:
        self.stats.dropped[reason] += 1

    def fail(self, source_path: str, reason: str, record: int | None = None) -> None:
        self.stats.failures.append(Failure(source_path, reason, record))
        self.stats.dropped["failed"] += 1

    def count(self, key: str, n: int = 1) -> None:
        self.stats.counters[key] += n

    def __call__(self, items: Iterable[Any]) -> Iterator[Any]:
        stats = self.stats
        upstream = [0.0]

        def feed() -> Iterator[Any]:
            it = iter(items)
            while True:
                t0 = time.perf_counter()
                try:
                    x = next(it)
                except StopIteration:
                    upstream[0] += time.perf_counter() - t0
                    return
                upstream[0] += time.perf_counter() - t0
                stats.n_in += 1
                yield x

        gen = self.run(feed())
        while True:
            t0 = time.perf_counter()
            before = upstream[0]
            try:
                out = next(gen)
            except StopIteration:
                stats.seconds += (time.perf_counter() - t0) - (upstream[0] - before)
                return
            stats.seconds += (time.perf_counter() - t0) - (upstream[0] - before)
            stats.n_out += 1
            yield out


class MapStep(Step):
    """A step that transforms one item at a time, each within the time budget; an exception on one item (a
    RecursionError or MemoryError too) or running past the budget is that item's failure, not a crash."""

    def process(self, item: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def run(self, items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            record = getattr(item, "record", None)  # a Page's record index (an Article's .record is a method)
            record = record if isinstance(record, int) and record else None
            try:
                with document_budget(self.budget):
                    out = self.process(item)
            except BudgetExceeded:
                self.fail(getattr(item, "source_path", "?"), over_budget(self.name, self.budget), record)
                continue
            except Exception as e:  # one bad document must not stop the run
                self.fail(getattr(item, "source_path", "?"), f"{self.name}: {type(e).__name__}: {e}", record)
                continue
            if out is None:
                continue
            if isinstance(out, list):
                yield from out
            else:
                yield out



class BatchedMapStep(MapStep):
    """A MapStep whose model pass is cheaper over many documents at once (the e5 NER, the events step's sentence
    vectors): ``warm`` is given ``batch`` articles together to fill a cache, then each article is processed alone,
    within its own budget, and finds its work cached. Articles longer than ``batch_chars`` (and hostile ones) are
    left to their own, budgeted, pass; a failed warm-up costs nothing but the cache."""

    batch = 1
    batch_chars = 20_000
    warm_failure = "prefetch_failed"  # the stats counter of a failed warm-up

    def batching(self) -> bool:
        return self.batch > 1

    def warm(self, articles: list[Any]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def run(self, items: Iterable[Any]) -> Iterator[Any]:
        if not self.batching():
            yield from super().run(items)
            return
        buf: list[Any] = []
        for item in items:
            buf.append(item)
            if len(buf) >= self.batch:
                self._warm(buf)
                yield from super().run(buf)
                buf = []
        if buf:
            self._warm(buf)
            yield from super().run(buf)

    def _warm(self, items: list[Any]) -> None:
        arts = [a for a in items if isinstance(a, Article) and a.text and len(a.text) <= self.batch_chars]
        if len(arts) < 2:
            return  # one article: its own pass does the same work
        try:
            with document_budget(self.budget * len(arts)):  # each article's share of its own budget
                self.warm(arts)
        except (Exception, BudgetExceeded):  # a cache warm-up: each article still does its work on its own pass
            self.count(self.warm_failure)

class Pipeline:
    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = list(steps)

    def iterate(self, items: Iterable[Any]) -> Iterator[Any]:
        stream: Iterable[Any] = items
        for step in self.steps:
            stream = step(stream)
        yield from stream

    def stats(self) -> list[StepStats]:
        return [s.stats for s in self.steps]

    def failures(self) -> list[Failure]:
        return [f for s in self.steps for f in s.stats.failures]


@contextmanager
def loaded() -> Iterator[None]:
    """Around a run, once the steps are built: their lexicons, models and indexes live as long as the run, so the
    cyclic GC stops scanning them (it rescanned them at every full collection), and forked workers keep sharing
    their pages instead of copying them when the GC touches object headers. Unfrozen after the run: frozen
    objects are never collected, and a server runs one ingest after another."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def blas_threads(workers: int = 1) -> int:
    """BLAS threads per process ([parallel] blas_threads; 0: the cores shared out among the workers). One per
    process by default: the e5 NER's matrices are small, and numpy's thread per core fought the other
    processes (and the gate's own threads) for the cores."""
    from .settings import section

    n = int(section("parallel").get("blas_threads", 1))
    return n if n > 0 else max(1, (os.cpu_count() or 1) // max(1, workers))


class LocalExecutor:
    """Runs a pipeline in this process. A Ray executor would run the same steps per shard and merge the stats."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def run(self, items: Iterable[Any]) -> list[StepStats]:
        with loaded(), threadpool_limits(blas_threads()):
            for _ in self.pipeline.iterate(items):
                pass
        return self.pipeline.stats()


def _run_steps(steps: Sequence[Step], shard: Sequence[Any]) -> tuple[list[Any], list[StepStats]]:
    for step in steps:
        step.stats = StepStats(step.name)  # report this shard's counters only
    pipeline = Pipeline(steps)
    return list(pipeline.iterate(shard)), pipeline.stats()


# The steps of this worker process, set once by the pool initializer (workers are forked, so the steps built in the
# parent, with their loaded lexicons and models, arrive without pickling or reloading).
_WORKER_STEPS: list[Step] = []


def _die_with_parent(parent: int) -> None:
    """Linux: this worker gets SIGTERM when its parent dies (kill -9 of `marsad ingest` left workers running)."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler (a clean message) is not for workers
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: nothing to ask for
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _init_worker(steps: Sequence[Step], blas_threads: int, parent: int) -> None:
    _die_with_parent(parent)
    _WORKER_STEPS[:] = list(steps)
    threadpool_limits(blas_threads)


def _run_shard(shard: Sequence[Any]) -> tuple[list[Any], list[StepStats]]:
    return _run_steps(_WORKER_STEPS, shard)


class ShardedExecutor:
    """What the multi-worker executors share: the per-document steps run over shards of the input somewhere else,
    and the sink steps (the store, which must see every document) run in this process, in shard order; the workers'
    counters are merged per step. Steps are the same objects as for the local executor: only executors know about
    workers. Subclasses say where shards run (``_outputs``)."""

    def __init__(self, make_steps: Callable[[], Sequence[Step]], sink: Sequence[Step], workers: int = 2,
                 shard_size: int = 8) -> None:
        self.make_steps = make_steps
        self.sink = Pipeline(sink)
        self.workers = workers
        self.shard_size = shard_size
        self.worker_stats: dict[str, StepStats] = {}

    def _outputs(self, shards: list[list[Any]]) -> Iterator[tuple[list[Any], list[StepStats]]]:
        raise NotImplementedError

    def _blas_threads(self) -> int:
        # numpy's BLAS (the e5 NER) would start a thread per core in every worker
        return blas_threads(self.workers)

    def run(self, items: Sequence[Any]) -> list[StepStats]:
        items = list(items)
        size = self._shard_size(len(items))
        shards = [items[i:i + size] for i in range(0, len(items), size)]
        for _ in self.sink.iterate(self._produced(shards)):
            pass
        return self.stats()

    def _shard_size(self, n: int) -> int:
        """``shard_size`` files a shard, fewer when there are too few files for two shards per worker: eight
        JSONL files of many records each were one shard, so a second worker had nothing to do."""
        return max(1, min(self.shard_size, -(-n // (2 * self.workers))))

    def _produced(self, shards: list[list[Any]]) -> Iterator[Any]:
        for outs, stats in self._outputs(shards):
            for st in stats:
                self.worker_stats.setdefault(st.name, StepStats(st.name)).merge(st)
            yield from outs

    def stats(self) -> list[StepStats]:
        return list(self.worker_stats.values()) + self.sink.stats()

    def failures(self) -> list[Failure]:
        return [f for s in self.stats() for f in s.failures]


class ParallelExecutor(ShardedExecutor):
    """Shards run in worker processes on this machine, forked after the steps are built."""

    def _outputs(self, shards: list[list[Any]]) -> Iterator[tuple[list[Any], list[StepStats]]]:
        ctx = multiprocessing.get_context("fork")  # workers inherit loaded lexicons and models
        steps = list(self.make_steps())  # loaded once here, shared copy-on-write by the forked workers
        with loaded(), ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init_worker,
                                           initargs=(steps, self._blas_threads(), os.getpid())) as pool:
            yield from pool.map(_run_shard, shards)


class MissingExtra(RuntimeError):
    """An optional dependency a chosen feature needs is not installed."""


class _RayWorker:
    """One Ray actor: builds the steps once (lexicons, models) and runs shard after shard through them."""

    def __init__(self, make_steps: Callable[[], Sequence[Step]], blas_threads: int) -> None:
        threadpool_limits(blas_threads)
        self.steps = list(make_steps())
        gc.collect()
        gc.freeze()  # an actor lives as long as its steps (see loaded)

    def run(self, shard: Sequence[Any]) -> tuple[list[Any], list[StepStats]]:
        return _run_steps(self.steps, shard)


class RayExecutor(ShardedExecutor):
    """Shards run on Ray actors: a Ray instance started here with ``workers`` CPUs, or the cluster at ``address``
    ("auto" for the one this machine belongs to). Items are file paths, so on a cluster the files must be on a
    file system every node sees; the store stays in this process. Ray is an optional extra (`pip install
    marsad[ray]`)."""

    def __init__(self, make_steps: Callable[[], Sequence[Step]], sink: Sequence[Step], workers: int = 2,
                 shard_size: int = 8, address: str | None = None) -> None:
        super().__init__(make_steps, sink, workers, shard_size)
        self.address = address
        try:  # fail before any work, not at the first shard
            import ray  # noqa: F401
        except ImportError as e:
            raise MissingExtra("the Ray executor needs Ray: pip install 'marsad[ray]'") from e

    def _outputs(self, shards: list[list[Any]]) -> Iterator[tuple[list[Any], list[StepStats]]]:
        import logging

        import ray
        from ray.util import ActorPool

        own = not ray.is_initialized()
        if own:
            ray.init(address=self.address, num_cpus=None if self.address else self.workers, include_dashboard=False,
                     log_to_driver=False, logging_level=logging.WARNING)
        try:
            cls = ray.remote(_RayWorker)
            blas = 1 if self.address else self._blas_threads()  # a cluster packs actors onto nodes as it likes
            pool = ActorPool([cls.remote(self.make_steps, blas) for _ in range(self.workers)])
            yield from pool.map(lambda actor, shard: actor.run.remote(shard), shards)  # in shard order
        finally:
            if own:
                ray.shutdown()
