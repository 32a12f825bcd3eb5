"""Assemble the ingest pipeline and run it into a store.

page → articles → sentences → dates → entities → events → store (+ near-duplicates), then stories over the store.
Per-document steps are independent of each other; the store step and the story merge are the only global ones.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .arabic import normalize, sentences
from .merge import NearDuplicates, build_stories
from .model import Article, Failure, Page
from .pipeline import LocalExecutor, MapStep, ParallelExecutor, Pipeline, RayExecutor, ShardedExecutor, Step, StepStats
from .settings import section
from .store import Store


class SkipSeenStep(Step):
    """Drop pages whose content is already stored (idempotent ingest, and a fast re-run).

    Takes the stored page ids as a set, not the store, so it can run in worker processes."""

    name = "seen"

    def __init__(self, known: set[str]) -> None:
        super().__init__()
        self.known = set(known)

    def run(self, items: Iterable[Page]) -> Iterator[Page]:
        for page in items:
            pid = page.id
            if pid in self.known:
                self.drop("already stored")
                continue
            self.known.add(pid)
            yield page


def cap_sentences(text: str, spans: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Sentences over ``max_chars`` cut into pieces at the last space before the limit (at the limit when there is
    none): the NER and the event coder then never see more than ``max_chars`` at once, whatever the input."""
    if max_chars <= 0:
        return spans
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while e - s > max_chars:
            cut = text.rfind(" ", s + max_chars // 2, s + max_chars)
            cut = cut if cut > s else s + max_chars
            out.append((s, cut))
            s = cut
            while s < e and text[s].isspace():
                s += 1
        if e > s:
            out.append((s, e))
    return out


class SentenceStep(MapStep):
    """Sentence boundaries, capped in length ([budget] max_sentence_chars): the stages after it (dates, entities,
    events) work per sentence, so a 200k-character line without punctuation costs them linear time."""

    name = "sentences"
    provides = ("sentences",)

    def __init__(self, max_chars: int | None = None) -> None:
        super().__init__()
        self.max_chars = int(section("budget").get("max_sentence_chars", 1000) if max_chars is None else max_chars)

    def process(self, art: Article) -> Article:
        spans = sentences(art.text)
        art.sentences = cap_sentences(art.text, spans, self.max_chars)
        if len(art.sentences) != len(spans):
            self.count("long_sentences_cut")
        return art


class StoreStep(Step):
    """Write each page's articles with their annotations and events in one transaction (all or none: a crash
    between two articles of a page loses nothing for good, the re-run stores the page); mark near-duplicates of
    articles stored before, updating the near-duplicate index only after the commit. Changed content at a known
    source (URL, else file and record) replaces the old version unless ``keep_versions``."""

    name = "store"
    requires = ("events",)

    def __init__(self, store: Store, dedup: dict[str, Any] | None = None, keep_versions: bool = False,
                 fault: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.store = store
        self.keep_versions = keep_versions
        self.fault = fault  # fault injection for tests: called between the articles of a page
        cfg = dedup or section("dedup")
        self.dups = NearDuplicates(cfg.get("threshold", 0.7), cfg.get("num_perm", 128), cfg.get("shingle", 5))
        self.dups.load(store.signatures())
        self.synced = max((r for r, _, _ in store.signatures_since(0)), default=0)
        self.first_of: dict[str, str] = {}

    def run(self, items: Iterable[Article]) -> Iterator[Article]:
        batch: list[Article] = []
        for art in items:  # a page's articles arrive one after another
            if batch and (art.page_id is None or art.page_id != batch[0].page_id):
                yield from self._page(batch)
                batch = []
            batch.append(art)
        if batch:
            yield from self._page(batch)

    def _page(self, arts: list[Article]) -> list[Article]:
        try:
            return self._store(arts)
        except Exception as e:  # a bad page must not stop the run; what is stored stays stored
            for art in arts:
                self.fail(art.source_path, f"store: {type(e).__name__}: {e}")
            return []

    def _store(self, arts: list[Article]) -> list[Article]:
        norms: dict[str, str] = {}
        sigs: dict[str, Any] = {}
        for art in arts:
            norm = normalize(art.text)  # once, for the near-duplicate shingles and the search index
            norms[art.id], sigs[art.id] = norm, self.dups.signature(norm, normalized=True)

        def decide() -> None:
            # under the write lock: articles another ingest committed meanwhile count as seen before these
            for rowid, aid, sig in self.store.signatures_since(self.synced):
                self.synced = max(self.synced, rowid)
                self.dups.load([(aid, sig)])
            pending: list[tuple[str, Any]] = []  # earlier articles of this page, not yet in the index
            for art in arts:
                sig = sigs[art.id]
                dup = self.dups.check(art.id, sig) or next(
                    (aid for aid, m in pending if aid != art.id and sig.jaccard(m) >= self.dups.threshold), None)
                pending.append((art.id, sig))
                art.duplicate_of = (self.first_of.get(dup) or self._first(dup)) if dup else None

        first = arts[0]
        page = (first.page_id or first.id, first.source_path, first.page_record, first.url, first.crawl_date,
                first.page_key)
        wrote = self.store.add_page(page, arts, {k: NearDuplicates.to_bytes(v) for k, v in sigs.items()}, norms,
                                    replace=not self.keep_versions, fault=self.fault, decide=decide)
        # committed: now the index may name these articles
        for aid in wrote.replaced:
            self.dups.remove(aid)
            self.first_of.pop(aid, None)
        if wrote.replaced:
            self.count("replaced", len(wrote.replaced))
        for _art in wrote.already:
            self.drop("same article already stored")
        for art in wrote.stored:
            self.dups.add(art.id, sigs[art.id])
            if art.duplicate_of:
                self.first_of[art.id] = art.duplicate_of
                self.count("duplicates")
            self.count("events", len(art.events))
        return wrote.stored

    def _first(self, aid: str) -> str:
        # Point at the first article seen, not at another reprint.
        rec = self.store.db.execute("SELECT duplicate_of FROM articles WHERE id=?", (aid,)).fetchone()
        return rec["duplicate_of"] if rec and rec["duplicate_of"] else aid


@dataclass
class RunReport:
    stats: list[StepStats]
    failures: list[Failure]
    counts: dict[str, int]
    seconds: float
    pages_read: int = 0
    articles_stored: int = 0
    duplicates: int = 0
    events: int = 0
    replaced: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"pages read: {self.pages_read}  articles stored: {self.articles_stored}  "
                 f"duplicates: {self.duplicates}  events: {self.events}  failures: {len(self.failures)}  "
                 f"({self.seconds:.1f}s)"]
        if self.replaced:
            lines.append(f"replaced: {self.replaced} article(s) of edited pages (old ids kept in the history)")
        if self.skipped:
            lines.append("skipped: " + ", ".join(f"{k}: {v}" for k, v in self.skipped.items()))
        lines.append(f"database now: {self.counts}")
        return "\n".join(lines)


def document_steps(known_pages: set[str], actors: Sequence[str] = (), stages: Sequence[str] | None = None,
                   ner_backend: str | None = None) -> list[Step]:
    """The per-document steps: each page independently of the others, so they can run in any worker.
    ``stages`` limits the annotation stages (e.g. for benchmarks of extraction alone); ``ner_backend`` picks
    the NER model ("crf" or "e5"; default: the [entities] ner_backend setting)."""
    from .extract import ExtractStep
    from .ingest import ReadStep

    want = set(stages) if stages is not None else {"dates", "entities", "events"}
    steps: list[Step] = [ReadStep(), SkipSeenStep(known_pages), ExtractStep(), SentenceStep()]
    if "dates" in want:
        from .dates import DateStep

        steps.append(DateStep())
    entities = None  # the entities step's resources, shared with the events step (one KB, one gazetteer)
    if "entities" in want:
        from .entities.resolve import EntityStep

        ent = EntityStep(actors=list(actors), ner_backend=ner_backend)
        steps.append(ent)
        entities = ent.resources
    if "events" in want:
        from .dates.event_text import EventDateTextStep
        from .events import EventStep

        steps.append(EventStep(actors=list(actors), entities=entities))
        steps.append(EventDateTextStep())
    return steps


def _progress(items: list[str], enabled: bool) -> Iterable[str]:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, unit="file", file=sys.stderr, dynamic_ncols=True)


def expand(paths: Iterable[str]) -> list[str]:
    """Files under the given paths, recursively, in a stable order (folders walked sorted). Inside a folder only
    readable kinds are kept (a README beside the pages is not an error); a file named explicitly is always kept,
    so the reader can say why it cannot read it. A folder that cannot be listed and a dangling link are kept
    too, for the same reason (they were skipped silently)."""
    from .ingest import kind_of

    out: list[str] = []
    for p in paths:
        if not os.path.isdir(p):
            out.append(str(p))
            continue
        errors: list[OSError] = []
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(p, onerror=errors.append):
            dirnames.sort()
            for name in filenames:
                f = os.path.join(dirpath, name)
                if kind_of(name) and (os.path.isfile(f) or os.path.islink(f)):
                    found.append(f)
        found.extend(e.filename for e in errors if e.filename)
        out.extend(sorted(found, key=lambda f: Path(f).parts))  # as pathlib sorts: folder by folder
    return out


def ingest_paths(paths: Sequence[str], db_path: str | Path, actors: Sequence[str] = (), progress: bool = False,
                 stages: Sequence[str] | None = None, workers: int = 1, ner_backend: str | None = None,
                 ray: str | None = None, keep_versions: bool = False,
                 fault: Callable[[str], None] | None = None) -> RunReport:
    """Run the pipeline over files and folders into the store at ``db_path``; ``workers`` > 1 runs the
    per-document steps in that many processes (the store stays in this one). ``ray`` runs them on Ray actors
    instead: "local" starts a Ray instance with ``workers`` CPUs, anything else is a cluster address.
    ``keep_versions`` keeps an edited page's old version beside the new one instead of replacing it; ``fault`` is
    the store's fault-injection hook (tests)."""
    t0 = time.perf_counter()
    with Store(db_path) as store:
        known = store.page_ids()
        files = expand(paths)
        make_steps = partial(document_steps, known, actors, stages, ner_backend)
        sink = StoreStep(store, keep_versions=keep_versions, fault=fault)
        executor: ShardedExecutor | None = None
        if ray:
            executor = RayExecutor(make_steps, [sink], max(1, workers), address=None if ray == "local" else ray)
        elif workers > 1 and len(files) > 1:
            executor = ParallelExecutor(make_steps, [sink], workers)
        if executor is not None:
            executor.run(list(_progress(files, progress)))
            stats, failures = executor.stats(), executor.failures()
        else:
            pipeline = Pipeline(list(make_steps()) + [sink])
            LocalExecutor(pipeline).run(_progress(files, progress))
            stats, failures = pipeline.stats(), pipeline.failures()
        cfg = section("stories")
        from .entities.kb import ActorKB  # cached: the entities step loaded it already in this process
        from .merge.stories import kb_affiliations

        stories, assignment = build_stories(store.all_events_for_merge(), cfg.get("max_day_gap", 3),
                                            cfg.get("report_lag_days", 3), cfg.get("future_days", 30),
                                            affiliations=kb_affiliations(ActorKB.load(list(actors))))
        store.replace_stories(stories, assignment)
        counts = store.counts()
    by = {s.name: s for s in stats}
    read = by.get("read")
    skipped = {k: v for s in stats for k, v in s.dropped.items() if k != "failed"}
    return RunReport(
        stats=stats, failures=failures, counts=counts, seconds=time.perf_counter() - t0,
        pages_read=read.n_out if read else 0,
        articles_stored=by["store"].n_out, duplicates=by["store"].counters.get("duplicates", 0),
        events=by["store"].counters.get("events", 0), replaced=by["store"].counters.get("replaced", 0),
        skipped=skipped,
    )
