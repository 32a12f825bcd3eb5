"""The data model every stage imports: Page → Article (with Spans, Mentions, Timexes) → Event → Story.

Offsets are always character offsets into ``Article.text`` (the clean body; the title is kept apart in
``Article.title``, and ``Article.title_mentions`` index the title). Stored text keeps its original form; normalised forms are for matching only.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
STATUSES = ("occurred", "future", "historical", "hypothetical", "negated")
PRECISIONS = ("day", "month", "year", "none")


def stable_id(*parts: object, n: int = 16) -> str:
    """A short content hash: the same inputs always give the same id (idempotent ingest)."""
    h = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:n]


@dataclass
class Page:
    """One input document as read: a file, a WARC response record or a JSONL line."""

    source_path: str  # absolute path of the input file
    url: str | None = None
    raw: bytes | None = None  # bytes as read, before decoding
    text: str | None = None  # decoded text (HTML source or extracted page text)
    content_type: str = "text"  # "text" (already-extracted page text) | "html"
    encoding: str | None = None
    crawl_date: str | None = None  # ISO date the page was fetched (WARC-Date), never a publication date
    published_hint: str | None = None  # publication date given by the scraper (JSONL "published")
    record: int = 0  # index of the record within a WARC or JSONL file

    @cached_property
    def id(self) -> str:
        """Content hash of the page (URL + bytes): the same content ingested twice is stored once."""
        h = hashlib.sha256((self.url or "").encode("utf-8") + b"\x1f")
        h.update(self.raw if self.raw is not None else (self.text or "").encode("utf-8", "surrogatepass"))
        return h.hexdigest()[:16]


@dataclass
class Failure:
    """An input that could not be read: reported by name and reason, never fatal to the run."""

    source_path: str
    reason: str
    record: int | None = None


@dataclass
class Span:
    """A labelled stretch of Article.text (NER mention, trigger, ...), spaCy-style."""

    start: int
    end: int
    label: str
    text: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Entity:
    """A participant as the contract prints it (see CONTRACT.md ENTITY)."""

    text: str  # surface words in the article
    name: str  # canonical name: English when known, else normalised Arabic
    name_ar: str | None = None
    kind: str = "person"  # person | country | organization | group
    country: str | None = None  # ISO 3166 alpha-3
    id: str | None = None  # knowledge-base id when resolved
    role: str | None = None  # office, e.g. "president"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Mention:
    """An entity mention in Article.text, resolved (or not) to an actor."""

    start: int
    end: int
    text: str
    label: str  # PERS | LOC | ORG | GPE | NORP (nationality adjective) | TITLE
    entity: Entity | None = None
    source: str = "kb"  # kb | ner | gazetteer | coref
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Location:
    text: str
    name: str
    name_ar: str | None = None
    country: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Timex:
    """A temporal expression found in Article.text and resolved against an anchor date."""

    start: int
    end: int
    text: str
    value: str | None  # YYYY-MM-DD | YYYY-MM | YYYY | None (unresolvable, e.g. relative with no anchor)
    precision: str = "none"  # day | month | year | none
    anchor: str | None = None  # ISO date the value was resolved against, None for absolute dates
    relative: bool = False
    attrs: dict[str, Any] = field(default_factory=dict)  # e.g. {"weekday": 0, "direction": "past"}


@dataclass
class Evidence:
    """The sentence an event was coded from; offsets index ``Article.text``, or ``Article.title`` when
    ``field`` is "title" (a headline-only event)."""

    text: str
    start: int
    end: int
    field: str = "text"


@dataclass
class Event:
    id: str
    article_id: str
    type: str  # one of PLOVER_TYPES
    mode: str | None = None
    status: str = "occurred"
    actors: list[Entity] = field(default_factory=list)
    recipients: list[Entity] = field(default_factory=list)
    location: Location | None = None
    date: str | None = None
    date_precision: str = "none"
    date_text: str | None = None
    contexts: list[str] = field(default_factory=list)
    confidence: float = 0.5
    evidence: Evidence | None = None
    trigger: str | None = None
    story_id: str | None = None
    coder: str = "marsad-0.1"
    why: dict[str, Any] = field(default_factory=dict)  # what decided it: rule, gate score, the rules' own confidence

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return d


@dataclass
class Article:
    id: str
    source_path: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD, the article's own date; never a site header's "today"
    dateline: str | None = None
    lang: str = "ar"
    duplicate_of: str | None = None
    crawl_date: str | None = None
    page_id: str | None = None
    page_key: str | None = None  # the page's source apart from its content: its URL, else "file#record"
    page_record: int = 0  # the page's record index in its WARC or JSONL file
    published_source: str | None = None  # which signal gave ``published`` (extract/provenance.py: DATE_SOURCES)
    outlet_source: str | None = None  # page | table | agency | domain | file
    outlet_country: str | None = None  # ISO 3166 alpha-3 of the outlet, from the outlet table
    wire: str | None = None  # the wire agency whose copy this is ("Reuters", "SANA"), from the dateline
    sentences: list[tuple[int, int]] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    title_mentions: list[Mention] = field(default_factory=list)  # actor mentions of the title, offsets into it
    timexes: list[Timex] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @staticmethod
    def make_id(outlet: str | None, title: str | None, text: str) -> str:
        return stable_id(outlet, title, text)

    def record(self) -> dict[str, Any]:
        """The contract's `marsad articles --format jsonl` record."""
        return {
            "id": self.id, "source_path": self.source_path, "url": self.url, "outlet": self.outlet,
            "title": self.title, "published": self.published, "dateline": self.dateline, "text": self.text,
            "lang": self.lang, "duplicate_of": self.duplicate_of, **self.provenance(),
        }

    def provenance(self) -> dict[str, Any]:
        """Where the date and outlet came from: extra fields of the articles record (the contract allows them)."""
        return {"published_source": self.published_source, "outlet_source": self.outlet_source,
                "outlet_country": self.outlet_country, "wire": self.wire, "crawl_date": self.crawl_date}

    def ref(self) -> dict[str, Any]:
        """The short article reference embedded in each event record."""
        return {"id": self.id, "source_path": self.source_path, "url": self.url, "outlet": self.outlet,
                "title": self.title, "published": self.published}


@dataclass
class Story:
    """A canonical real-world event: the same event merged across articles and outlets."""

    id: str
    type: str
    mode: str | None
    status: str
    actors: list[Entity]
    recipients: list[Entity]
    location: Location | None
    date: str | None
    date_precision: str
    first_date: str | None
    last_date: str | None
    event_ids: list[str]
    article_ids: list[str]
    outlets: list[str]
    independent_sources: int
    confidence: float
    members: list[dict[str, Any]] = field(default_factory=list)  # each event, its window and why it joined
