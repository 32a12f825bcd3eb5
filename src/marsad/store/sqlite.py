"""SQLite store: schema migrations, WAL, idempotent writes keyed by content hash, FTS5 over normalised text.

Articles and events keep their full record as JSON (what the CLI prints) beside indexed columns (what queries
filter on). Writes happen one page at a time in a transaction, so a failure mid-run never loses what is stored.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..arabic import light_stem, normalize, search_terms
from ..entities.coordinates import warm as warm_coordinates
from ..entities.coordinates import with_coordinates
from ..model import Article, Event, Story

# Each entry migrates the schema from version i to i+1; never edit a released entry, append a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE pages (
        id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, source_path TEXT, record INTEGER, url TEXT,
        crawl_date TEXT, n_articles INTEGER, ingested_at TEXT
    );
    CREATE INDEX pages_hash ON pages(content_hash);
    CREATE TABLE articles (
        rowid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, page_id TEXT, source_path TEXT,
        url TEXT, outlet TEXT, title TEXT, published TEXT, dateline TEXT, text TEXT, lang TEXT,
        duplicate_of TEXT, crawl_date TEXT, annotations TEXT, ingested_at TEXT
    );
    CREATE INDEX articles_published ON articles(published);
    CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, stems, tokenize='unicode61 remove_diacritics 2');
    CREATE TABLE minhash (article_id TEXT PRIMARY KEY, sig BLOB NOT NULL);
    CREATE TABLE events (
        rowid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, article_id TEXT NOT NULL,
        type TEXT, mode TEXT, status TEXT, date TEXT, date_precision TEXT, confidence REAL, story_id TEXT,
        record TEXT NOT NULL
    );
    CREATE INDEX events_article ON events(article_id);
    CREATE INDEX events_type ON events(type);
    CREATE INDEX events_date ON events(date);
    CREATE TABLE event_participants (
        event_id TEXT NOT NULL, role TEXT NOT NULL, name TEXT, name_ar TEXT, text TEXT, country TEXT, kind TEXT,
        norm TEXT
    );
    CREATE INDEX participants_event ON event_participants(event_id);
    CREATE TABLE stories (id TEXT PRIMARY KEY, type TEXT, date TEXT, record TEXT NOT NULL);
    """,
    # A page's identity apart from its content (its URL, else its file and record): edited content at a known
    # source replaces the old version, whose ids are kept in article_history.
    """
    ALTER TABLE pages ADD COLUMN source_key TEXT;
    UPDATE pages SET source_key = coalesce(url, source_path || '#' || coalesce(record, 0));
    CREATE INDEX pages_source_key ON pages(source_key);
    CREATE TABLE article_history (
        old_id TEXT NOT NULL, old_page_id TEXT, new_page_id TEXT, source_key TEXT, replaced_at TEXT
    );
    CREATE INDEX history_old ON article_history(old_id);
    """,
    # Participants keep their knowledge-base id (actor pages, the network and exact actor filters key on it)
    # and are indexed by country; rows written before this version get the id back from the event's record.
    """
    ALTER TABLE event_participants ADD COLUMN entity_id TEXT;
    UPDATE event_participants SET entity_id = (
        SELECT json_extract(j.value, '$.id') FROM events e,
            json_each(e.record, CASE event_participants.role WHEN 'actor' THEN '$.actors' ELSE '$.recipients' END) j
        WHERE e.id = event_participants.event_id AND json_extract(j.value, '$.text') IS event_participants.text
            AND json_extract(j.value, '$.name') IS event_participants.name LIMIT 1);
    CREATE INDEX participants_entity ON event_participants(entity_id);
    CREATE INDEX participants_country ON event_participants(country);
    CREATE INDEX events_story ON events(story_id);
    """,
    # Provenance: which signal gave each article its date and outlet, the outlet's country, the wire it carries.
    """
    ALTER TABLE articles ADD COLUMN published_source TEXT;
    ALTER TABLE articles ADD COLUMN outlet_source TEXT;
    ALTER TABLE articles ADD COLUMN outlet_country TEXT;
    ALTER TABLE articles ADD COLUMN wire TEXT;
    """,
    # Event locations keep coordinates (the map): lat/lon columns beside the record, whose location gains them
    # too. Rows written before this version get them from _backfill_coordinates (the lookup is Python's).
    """
    ALTER TABLE events ADD COLUMN lat REAL;
    ALTER TABLE events ADD COLUMN lon REAL;
    """,
]
COORDINATES_VERSION = 5  # the schema version whose migration is followed by _backfill_coordinates


_SQLITE_MAGIC = b"SQLite format 3\x00"


class NotADatabase(ValueError):
    """A path a read command cannot use: missing, not an SQLite file, another program's database, or newer."""


def check_database(path: str | Path) -> None:
    """Raise NotADatabase unless ``path`` is a marsad database this version can read. Read commands call it
    first: opening a mistyped path would create an empty database, and migrating another program's SQLite file
    would add our tables to it."""
    p = Path(path)
    if str(path) == ":memory:":
        return
    if not p.exists():
        raise NotADatabase(f"{path}: no such database (create it with `marsad ingest ... --db {path}`)")
    if p.is_dir():
        raise NotADatabase(f"{path}: is a folder, not a database")
    try:
        with open(p, "rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except OSError as e:
        raise NotADatabase(f"{path}: cannot be read ({e.strerror or e})") from e
    if not head:
        return  # an empty file is an empty SQLite database
    if head != _SQLITE_MAGIC:
        raise NotADatabase(f"{path}: not an SQLite database")
    try:
        db = sqlite3.connect(f"file:{quote(os.fsencode(p.resolve()))}?mode=ro", uri=True)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            db.close()
    except sqlite3.DatabaseError as e:
        raise NotADatabase(f"{path}: not a readable SQLite database ({e})") from e
    if version == 0 and tables:
        raise NotADatabase(f"{path}: an SQLite database, but not marsad's")
    if version > len(MIGRATIONS):
        raise NotADatabase(f"{path}: written by a newer marsad (schema {version}; this one reads {len(MIGRATIONS)})")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _path(p: str | None) -> str | bytes | None:
    """A file name as stored: text when it is valid UTF-8, else its bytes (a BLOB), so that a name with
    non-UTF-8 bytes (read with surrogate escapes) is stored lossless instead of failing the write."""
    if p is None:
        return None
    try:
        p.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(p)
    return p


def _unpath(v: Any) -> Any:
    return os.fsdecode(v) if isinstance(v, bytes) else v


def _fields(obj: Any) -> dict[str, Any]:
    """json.dumps ``default`` for dataclasses: their fields, which the encoder then writes itself. The same JSON
    as ``asdict``, without its deep copy of every mention and date (most of the store step's time)."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in fields(obj)}
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _json(rec: Any) -> str:
    """JSON for a TEXT column; lone surrogates (a non-UTF-8 file name) are written as \\u escapes, which read
    back to the same string."""
    out = json.dumps(rec, ensure_ascii=False)
    try:
        out.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(rec)
    return out


@dataclass
class PageWrite:
    """What one page's transaction wrote: the articles stored, those already there, and the article ids of an
    older version of the page that it replaced."""

    stored: list[Article] = field(default_factory=list)
    already: list[Article] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # autocommit mode: transactions are opened explicitly (BEGIN IMMEDIATE), one per page; a second ingest
        # waits for the write lock instead of racing this one to the same rows
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self._wal()
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.migrate()

    def _wal(self) -> None:
        # switching to WAL needs a moment of exclusive access, and SQLite answers SQLITE_BUSY at once (no busy
        # handler) while a second ingest holds the file; WAL persists in the file, so this only waits on first use
        deadline = time.monotonic() + 60
        while True:
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    # -- schema -----------------------------------------------------------------------------------------------
    def migrate(self) -> None:
        while (version := self.schema_version) < len(MIGRATIONS):
            # the SQL, any Python step and the new version commit together: an interrupted migration is redone
            try:
                self.db.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[version]}")
                if version + 1 == COORDINATES_VERSION:
                    self._backfill_coordinates()
                self.db.execute(f"PRAGMA user_version = {version + 1}")
                self.db.execute("COMMIT")
            except sqlite3.OperationalError:
                # a second process opening the same new file may have run this step between our reading the
                # version and taking the lock ("table pages already exists"): go on from where it got to
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                if self.schema_version <= version:
                    raise
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise

    def _backfill_coordinates(self) -> None:
        rows = self.db.execute("SELECT id, record FROM events WHERE json_extract(record, '$.location') IS NOT NULL"
                               " AND json_extract(record, '$.location.lat') IS NULL").fetchall()
        for row in rows:
            rec = json.loads(row["record"])
            rec["location"] = with_coordinates(rec["location"])
            self.db.execute("UPDATE events SET lat=?, lon=?, record=? WHERE id=?",
                            (rec["location"].get("lat"), rec["location"].get("lon"), _json(rec), row["id"]))

    def transaction(self) -> _Transaction:
        """``with store.transaction():`` — BEGIN IMMEDIATE … COMMIT, or ROLLBACK on an exception."""
        # the coordinate tables take a second to build: never while the write lock is held (a second ingest
        # waiting on it saw a different duplicate_of than a serial run)
        warm_coordinates()
        return _Transaction(self.db)

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes -------------------------------------------------------------------------------------------------
    def page_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT id FROM pages")}

    def has_page(self, content_hash: str) -> bool:
        return self.db.execute("SELECT 1 FROM pages WHERE content_hash=? LIMIT 1", (content_hash,)).fetchone() is not None

    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone() is not None

    def _add_page(self, page_id: str, source_path: str, record: int, url: str | None, crawl_date: str | None,
                  key: str | None = None) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO pages(id, content_hash, source_path, record, url, crawl_date, n_articles,"
            " ingested_at, source_key) VALUES (?,?,?,?,?,?,0,?,?)",
            (page_id, page_id, _path(source_path), record, url, crawl_date, _now(), _path(key)))

    def add_article(self, art: Article, signature: bytes | None = None, norm_text: str | None = None,
                    page: tuple[str, str, int, str | None, str | None] | None = None) -> bool:
        """Store an article and its events (and its page record, in the same transaction); False when an article
        with the same content id is already stored. ``norm_text`` is normalize(art.text) when the caller has it."""
        with self.transaction():
            if self.has_article(art.id):
                return False
            if page is not None:
                self._add_page(*page)
            self._insert_article(art, signature, norm_text)
        return True

    def add_page(self, page: tuple[str, str, int, str | None, str | None, str | None], articles: list[Article],
                 signatures: dict[str, bytes], norms: dict[str, str], replace: bool = True,
                 fault: Callable[[str], None] | None = None,
                 decide: Callable[[], None] | None = None) -> PageWrite:
        """A page and all its articles and events in one transaction: all of them are stored or none is. With
        ``replace``, an older version of the page (same source key, other content) is deleted in the same
        transaction and its article ids recorded in article_history. ``fault`` (tests) is called between
        articles, to show that a crash there loses nothing for good. ``decide`` runs once the write lock is held,
        before the articles are written: what it reads of the store (near-duplicates) no other ingest can change
        until the commit."""
        page_id, source_path, record, url, crawl_date, key = page
        out = PageWrite()
        with self.transaction():
            if self.db.execute("SELECT 1 FROM pages WHERE id=?", (page_id,)).fetchone():
                out.already = list(articles)  # stored meanwhile by another ingest
                return out
            if replace and key:
                out.replaced = self._replace_source(key, page_id)
            if decide is not None:
                decide()
            self._add_page(page_id, source_path, record, url, crawl_date, key)
            for i, art in enumerate(articles):
                if i and fault is not None:
                    fault("between_articles")
                if self.has_article(art.id):
                    out.already.append(art)
                    continue
                self._insert_article(art, signatures.get(art.id), norms.get(art.id))
                out.stored.append(art)
            self.db.execute("UPDATE pages SET n_articles=? WHERE id=?", (len(out.stored), page_id))
        return out

    def _replace_source(self, key: str, page_id: str) -> list[str]:
        """Delete the older versions of the page known by ``key``: their articles, events, search and MinHash
        rows; other articles that pointed at them as duplicates no longer do. Returns the article ids removed."""
        old_pages = [r[0] for r in self.db.execute("SELECT id FROM pages WHERE source_key=? AND id<>?",
                                                             (_path(key), page_id))]
        removed: list[str] = []
        for old in old_pages:
            rows = self.db.execute("SELECT id, rowid FROM articles WHERE page_id=?", (old,)).fetchall()
            for aid, rowid in rows:
                evs = [r[0] for r in self.db.execute("SELECT id FROM events WHERE article_id=?", (aid,))]
                self.db.executemany("DELETE FROM event_participants WHERE event_id=?", [(e,) for e in evs])
                self.db.execute("DELETE FROM events WHERE article_id=?", (aid,))
                self.db.execute("DELETE FROM articles_fts WHERE rowid=?", (rowid,))
                self.db.execute("DELETE FROM minhash WHERE article_id=?", (aid,))
                self.db.execute("DELETE FROM articles WHERE id=?", (aid,))
                self.db.execute("UPDATE articles SET duplicate_of=NULL WHERE duplicate_of=?", (aid,))
                self.db.execute("INSERT INTO article_history(old_id, old_page_id, new_page_id, source_key,"
                                " replaced_at) VALUES (?,?,?,?,?)", (aid, old, page_id, _path(key), _now()))
                removed.append(aid)
            self.db.execute("DELETE FROM pages WHERE id=?", (old,))
        return removed

    def history(self, article_id: str | None = None) -> list[dict[str, Any]]:
        """Replaced versions: old article id, its page, the page that replaced it, when."""
        sql = "SELECT * FROM article_history" + (" WHERE old_id=?" if article_id else "") + " ORDER BY rowid"
        return [dict(r) for r in self.db.execute(sql, (article_id,) if article_id else ())]

    def _insert_article(self, art: Article, signature: bytes | None, norm_text: str | None) -> None:
        norm_text = normalize(art.text) if norm_text is None else norm_text
        norm_title = normalize(art.title or "")
        annotations = json.dumps({"sentences": art.sentences, "mentions": art.mentions,
                                  "title_mentions": art.title_mentions, "timexes": art.timexes},
                                 ensure_ascii=False, default=_fields)
        cur = self.db.execute(
            "INSERT INTO articles(id, page_id, source_path, url, outlet, title, published, dateline, text, lang,"
            " duplicate_of, crawl_date, annotations, ingested_at, published_source, outlet_source, outlet_country,"
            " wire) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (art.id, art.page_id, _path(art.source_path), art.url, art.outlet, art.title, art.published,
             art.dateline, art.text, art.lang, art.duplicate_of, art.crawl_date, annotations, _now(),
             art.published_source, art.outlet_source, art.outlet_country, art.wire))
        self.db.execute("INSERT INTO articles_fts(rowid, title, text, stems) VALUES (?,?,?,?)",
                        (cur.lastrowid, norm_title, norm_text,
                         search_terms(norm_title + " " + norm_text, normalized=True)))
        if signature is not None:
            self.db.execute("INSERT OR REPLACE INTO minhash(article_id, sig) VALUES (?,?)", (art.id, signature))
        self._add_events(art)

    def _add_events(self, art: Article) -> None:
        """An article's events and their participants, one statement each for all rows (executemany)."""
        rows, parts = [], []
        for ev in art.events:
            rec = event_record(ev, art)
            rec["location"] = loc = with_coordinates(rec["location"])
            rows.append((ev.id, art.id, ev.type, ev.mode, ev.status, ev.date, ev.date_precision, ev.confidence,
                         ev.story_id, _json(rec), loc.get("lat") if loc else None, loc.get("lon") if loc else None))
            parts.extend((ev.id, role, e.name, e.name_ar, e.text, e.country, e.kind, e.id,
                          normalize(" | ".join(x for x in (e.name, e.name_ar, e.text, e.id) if x)))
                         for role, ents in (("actor", ev.actors), ("recipient", ev.recipients)) for e in ents)
        self.db.executemany(
            "INSERT OR IGNORE INTO events(id, article_id, type, mode, status, date, date_precision, confidence,"
            " story_id, record, lat, lon) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        self.db.executemany(
            "INSERT INTO event_participants(event_id, role, name, name_ar, text, country, kind, entity_id,"
            " norm) VALUES (?,?,?,?,?,?,?,?,?)", parts)

    def signatures_since(self, rowid: int) -> list[tuple[int, str, bytes]]:
        """MinHash rows written after ``rowid`` (by this process or another ingest of the same file)."""
        return [tuple(r) for r in self.db.execute(
            "SELECT rowid, article_id, sig FROM minhash WHERE rowid > ? ORDER BY rowid", (rowid,))]

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        yield from self.db.execute("SELECT m.article_id, m.sig FROM minhash m JOIN articles a ON a.id = m.article_id"
                                   " ORDER BY a.rowid")

    def replace_stories(self, stories: Iterable[Story], assignment: dict[str, str]) -> None:
        """Stories are derived data: rebuilt as a whole after each ingest."""
        with self.transaction():
            self.db.execute("DELETE FROM stories")
            for s in stories:
                self.db.execute("INSERT INTO stories(id, type, date, record) VALUES (?,?,?,?)",
                                (s.id, s.type, s.date, json.dumps(asdict(s), ensure_ascii=False)))
            self.db.execute("UPDATE events SET story_id = NULL")
            self.db.executemany("UPDATE events SET story_id=? WHERE id=?",
                                [(sid, eid) for eid, sid in assignment.items()])

    # -- reads --------------------------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        q = {"pages": "SELECT COUNT(*) FROM pages", "articles": "SELECT COUNT(*) FROM articles",
             "duplicates": "SELECT COUNT(*) FROM articles WHERE duplicate_of IS NOT NULL",
             "events": "SELECT COUNT(*) FROM events", "stories": "SELECT COUNT(*) FROM stories"}
        return {k: int(self.db.execute(v).fetchone()[0]) for k, v in q.items()}

    def articles(self, limit: int | None = None) -> Iterator[dict[str, Any]]:
        sql = "SELECT * FROM articles ORDER BY rowid" + (f" LIMIT {int(limit)}" if limit else "")
        for row in self.db.execute(sql):
            yield _article_record(row)

    def article(self, article_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM articles WHERE id=?", (article_id,)).fetchone()
        return _article_record(row, annotations=True) if row else None

    def events(self, type: str | None = None, actor: str | None = None, since: str | None = None,
               until: str | None = None, min_confidence: float = 0.0, article_id: str | None = None,
               story_id: str | None = None, limit: int | None = None) -> Iterator[dict[str, Any]]:
        """Event records in ingest order: ``marsad.query.EventQuery``'s filters (one WHERE clause for every
        reader: the CLI, the API and the web UI filter alike)."""
        from ..query import EventQuery, iter_events  # the query layer builds on the store: imported when used

        yield from iter_events(self, EventQuery(
            types=type or (), actor=actor, since=since, until=until, min_confidence=min_confidence,
            article_id=article_id, story_id=story_id, limit=limit or None))

    def event(self, event_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT record, story_id FROM events WHERE id=?", (event_id,)).fetchone()
        return _event_from_row(row) if row else None

    def stories(self, type: str | None = None, actor: str | None = None, since: str | None = None,
                until: str | None = None) -> Iterator[dict[str, Any]]:
        """Stories in date order (undated last) with a member event that matches the filters (``EventQuery``'s:
        a story of CONSULT and AGREE members is found by either type, and by any member's date)."""
        from ..query import EventQuery, iter_stories

        yield from iter_stories(self, EventQuery(types=type or (), actor=actor, since=since, until=until,
                                                 sort="date", limit=None))

    def timeline(self, actors: list[str], since: str | None = None, until: str | None = None
                 ) -> Iterator[dict[str, Any]]:
        """Stories involving every one of ``actors`` (names in any script, or ISO3 codes), in date order."""
        wanted = [(normalize(a), a) for a in actors if a]
        if not wanted:
            return
        for rec in self.stories(since=since, until=until):
            if all(_story_has_actor(rec, na, raw) for na, raw in wanted):
                yield rec

    def story(self, story_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT record FROM stories WHERE id=?", (story_id,)).fetchone()
        return json.loads(row["record"]) if row else None

    def network(self, min_confidence: float = 0.0, type: str | None = None) -> dict[str, Any]:
        """Actor network of the events of ``type`` (see marsad.query.network_of)."""
        from ..query import network_of  # the query layer builds on the store: imported when used

        return network_of(self.events(type=type, min_confidence=min_confidence))

    def search(self, query: str, limit: int = 20) -> Iterator[dict[str, Any]]:
        """FTS5 over normalised title and text; every query word must match, as written or light-stemmed
        ('القمة' finds 'قمة', 'وبوتين' finds 'بوتين'), with a prefix match on the last word."""
        fts = fts_query(query)
        if fts is None:
            return
        sql = ("SELECT a.*, snippet(articles_fts, 1, '[', ']', '…', 12) AS snip, bm25(articles_fts) AS score"
               " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
               " WHERE articles_fts MATCH ? ORDER BY score LIMIT ?")
        for row in self.db.execute(sql, (fts, limit)):
            rec = _article_record(row)
            rec["score"] = round(-row["score"], 3)
            rec["snippet"] = row["snip"]
            yield rec

    def all_events_for_merge(self) -> list[dict[str, Any]]:
        out = []
        for row in self.db.execute(
                "SELECT e.record, a.outlet, a.duplicate_of, a.published, a.published_source, a.crawl_date, a.wire"
                " FROM events e JOIN articles a ON a.id = e.article_id ORDER BY e.rowid"):
            rec = json.loads(row["record"])
            rec["_outlet"] = row["outlet"]
            rec["_duplicate_of"] = row["duplicate_of"]
            # what a story needs to place an undated event in time and to count independent sources
            rec["_published"] = row["published"]
            rec["_published_source"] = row["published_source"]
            rec["_crawl_date"] = row["crawl_date"]
            rec["_wire"] = row["wire"]
            out.append(rec)
        return out


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.db.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def fts_query(query: str) -> str | None:
    """The FTS5 expression for a user's words (None when there are none): every word must match, as written or
    light-stemmed ('القمة' finds 'قمة', 'وبوتين' finds 'بوتين'), with a prefix match on the last word."""
    # NUL and other control characters end or break an FTS5 string (a 500 for /search?q=%00): spaces instead
    query = re.sub(r"[\x00-\x1f\x7f]", " ", query)
    words = [w for w in normalize(query).replace('"', " ").split() if w]
    if not words:
        return None
    parts = []
    for i, w in enumerate(words):
        star = "*" if i == len(words) - 1 else ""
        parts.append(f'("{w}"{star} OR stems:"{light_stem(w)}"{star})')
    return " AND ".join(parts)


def _story_has_actor(rec: dict[str, Any], na: str, raw: str) -> bool:
    for e in rec.get("actors", []) + rec.get("recipients", []):
        hay = normalize(" | ".join(str(x) for x in (e.get("name"), e.get("name_ar"), e.get("text"), e.get("id")) if x))
        if na in hay or (e.get("country") or "").lower() == raw.lower():
            return True
    return False


def _article_record(row: sqlite3.Row, annotations: bool = False) -> dict[str, Any]:
    rec = {k: row[k] for k in ("id", "source_path", "url", "outlet", "title", "published", "dateline", "text",
                               "lang", "duplicate_of", "published_source", "outlet_source", "outlet_country",
                               "wire", "crawl_date")}
    rec["source_path"] = _unpath(rec["source_path"])
    if annotations and row["annotations"]:
        rec["annotations"] = json.loads(row["annotations"])
    return rec


def _event_from_row(row: sqlite3.Row) -> dict[str, Any]:
    """An event's stored record with its current story (stories are assigned after the record is written)."""
    rec = json.loads(row["record"])
    rec["story_id"] = row["story_id"]
    return rec


def event_record(ev: Event, art: Article) -> dict[str, Any]:
    """The contract's `marsad events --format jsonl` record."""
    return {
        "id": ev.id, "type": ev.type, "mode": ev.mode, "status": ev.status,
        "actors": [e.to_dict() for e in ev.actors], "recipients": [e.to_dict() for e in ev.recipients],
        "location": ev.location.to_dict() if ev.location else None,
        "date": ev.date, "date_precision": ev.date_precision, "date_text": ev.date_text,
        "contexts": list(ev.contexts), "confidence": round(float(ev.confidence), 3),
        "evidence": asdict(ev.evidence) if ev.evidence else None,
        "trigger": ev.trigger,
        "article": art.ref(), "story_id": ev.story_id, "coder": ev.coder, "why": dict(ev.why),
    }
