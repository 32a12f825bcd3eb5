"""The `marsad` command (see CONTRACT.md): ingest, articles, events, stories, search, timeline, serve, eval."""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sqlite3
import sys
import tomllib
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NoReturn

from . import __version__, export, output
from .entities.ner import BACKENDS
from .model import PLOVER_TYPES, STATUSES
from .pipeline import MissingExtra
from .query import EVENT_SORTS, STORY_SORTS, DateBound, EventQuery, QueryError, all_modes, parse_date
from .settings import load_settings, min_confidence
from .store import NotADatabase, Store, check_database


class UsageError(Exception):
    """A bad option value or unusable file: one line on stderr and exit status 2."""


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line (what was wrong and where to look), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _db(args: argparse.Namespace) -> str:
    return args.db or os.environ.get("MARSAD_DB") or "marsad.db"


def _store(args: argparse.Namespace) -> Store:
    """The database of a command that only reads: it must exist and be marsad's (never created by a typo)."""
    path = _db(args)
    check_database(path)
    return Store(path)


def _out(args: argparse.Namespace, binary: bool) -> Any:
    """Where a command's records go: --output FILE, else stdout (Parquet never to a terminal)."""
    path = getattr(args, "output", None)
    if path:
        try:
            return open(path, "wb") if binary else open(path, "w", encoding="utf-8", newline="")
        except OSError as e:
            raise UsageError(f"marsad: cannot write {path}: {e.strerror or e}") from e
    if binary:
        if sys.stdout.isatty():
            raise UsageError("marsad: Parquet is binary: give --output FILE or redirect stdout")
        sys.stdout.flush()
        return sys.stdout.buffer
    return sys.stdout


def _emit(args: argparse.Namespace, records: Iterable[dict[str, Any]], kind: str) -> int:
    """Write ``records`` (events, stories or articles) in ``args.format``; returns how many were written and
    says so on stderr when there were none."""
    fmt = args.format
    tables = {"events": export.EVENT_TABLE, "stories": export.STORY_TABLE, "articles": export.ARTICLE_TABLE}
    out = _out(args, binary=fmt == "parquet")
    try:
        if fmt == "parquet":
            n = export.write_parquet(export.rows(records, tables[kind]), tables[kind], out)
        elif fmt == "jsonl":
            n = output.write_jsonl(records, out)
        elif fmt == "csv":
            n = export.write_csv(export.rows(records, tables[kind]), [c.name for c in tables[kind]], out)
        elif fmt == "csv-long":
            cols = export.long_columns()
            n = export.write_csv(export.long_rows(records), [c.name for c in cols], out)
        elif fmt == "plover" and kind == "stories":
            n = output.write_jsonl(records, out)  # already PLOVER (see cmd_stories)
        elif fmt == "plover":
            n = output.write_jsonl((output.plover_record(r) for r in records), out)
        else:
            columns, widths = {"events": (output.EVENT_COLUMNS, output.EVENT_WIDTHS),
                               "stories": (output.STORY_COLUMNS, output.STORY_WIDTHS),
                               "articles": (output.ARTICLE_COLUMNS, output.ARTICLE_WIDTHS)}[kind]
            n = output.write_table(records, out, columns, widths)
    finally:
        if out not in (sys.stdout, getattr(sys.stdout, "buffer", None)):
            out.close()
    if n == 0:
        print(f"marsad: no {kind} match", file=sys.stderr)
    return n


def cmd_ingest(args: argparse.Namespace) -> int:
    from .runner import ingest_paths

    actors = list(args.actors or [])  # $MARSAD_ACTORS is read by the knowledge base itself
    progress = sys.stderr.isatty() and not args.quiet
    report = ingest_paths(args.paths, _db(args), actors=actors, progress=progress, workers=args.workers,
                          ner_backend=args.ner, ray=args.ray, keep_versions=args.keep_versions)
    # One line per bad file and reason: a JSONL or WARC file with many records failing alike is summarised.
    for line in failure_lines(report.failures):
        print(line, file=sys.stderr)
    if not args.quiet:
        print(report.summary(), file=sys.stderr)
        if args.stats:
            for s in report.stats:
                print("  " + s.line(), file=sys.stderr)
    return _exit_code(report)


def _exit_code(report: Any) -> int:
    """0 when something was stored or already stored; 1 when nothing could be read (no input files at all, or
    every one unreadable) or every page read failed."""
    if report.pages_read == 0 and not report.failures:
        print("marsad: no input files found (expected .txt, .html, .htm, .warc[.gz], .jsonl)", file=sys.stderr)
        return 1
    if report.pages_read == 0:
        return 1
    already = sum(v for k, v in report.skipped.items() if "already stored" in k)
    if report.articles_stored == 0 and not already and report.failures:
        print(f"marsad: nothing stored: all {report.pages_read} page(s) read failed", file=sys.stderr)
        return 1
    return 0


_RECORD_PREFIX = re.compile(r"^(?:record \d+ \([^)]*\): |[^:]* line \d+: |line \d+: )")


def failure_lines(failures: Iterable[Any]) -> list[str]:
    """'marsad: skipped PATH: REASON (and N more records like it)', one line per file and kind of reason:
    records of one file that failed for different reasons are not merged into the first one's."""
    groups: dict[tuple[str, str], list[str]] = {}
    for f in failures:
        kind = re.sub(r"\d[\d,.]*", "N", _RECORD_PREFIX.sub("", f.reason))
        groups.setdefault((f.source_path, kind), []).append(f.reason)
    out = []
    for (path, _), reasons in groups.items():
        more = f" (and {len(reasons) - 1} more records like it)" if len(reasons) > 1 else ""
        out.append(f"marsad: skipped {path}: {reasons[0]}{more}")
    return out


def cmd_articles(args: argparse.Namespace) -> int:
    with _store(args) as st:
        _emit(args, st.articles(limit=args.limit), "articles")
    return 0


def _min_conf(args: argparse.Namespace) -> float:
    if args.min_confidence is not None:
        return args.min_confidence
    return min_confidence()


def _query(args: argparse.Namespace, sort: str) -> EventQuery:
    """The events/stories filters as a checked EventQuery (a bad combination, e.g. since after until, exits 2)."""
    try:
        return EventQuery(types=tuple(args.type or ()), modes=tuple(args.mode or ()),
                          statuses=tuple(args.status or ()), actor=args.actor, actor_id=args.actor_id,
                          country=args.country, outlet=args.outlet, year=args.year, since=args.since,
                          until=args.until, story_id=args.story, article_id=args.article, text=args.text,
                          min_confidence=_min_conf(args), sort=args.sort or sort, descending=args.desc,
                          limit=args.limit, offset=args.offset)
    except QueryError as e:
        raise UsageError(f"marsad {args.command}: --{e.param.replace('_', '-')}: {str(e).split(': ', 1)[1]}") from e


def cmd_events(args: argparse.Namespace) -> int:
    from . import query

    if args.explain:
        return _explain(args)
    q = _query(args, "ingested")
    with _store(args) as st:
        _emit(args, query.iter_events(st, q), "events")
    return 0


def _explain(args: argparse.Namespace) -> int:
    """Why one event: the rule that proposed it, the gate's score, the confidence before and after, the evidence."""
    with _store(args) as st:
        rec = st.event(args.explain)
    if rec is None:
        print(f"marsad: no event {args.explain}", file=sys.stderr)
        return 1
    why = rec.get("why") or {}
    ev = rec.get("evidence") or {}

    def names(key: str) -> str:
        return ", ".join(e.get("name") or e.get("text") or "?" for e in rec.get(key) or [])

    lines = [
        f"event {rec['id']}: {rec['type']} mode={rec.get('mode')} status={rec.get('status')} date={rec.get('date')}",
        f"  actors: {names('actors') or '-'}   recipients: {names('recipients') or '-'}",
        f"  trigger: {rec.get('trigger') or '-'}   proposed by: {why.get('rule') or 'rules'}   "
        f"contexts: {', '.join(rec.get('contexts') or []) or '-'}",
        f"  rule confidence: {why.get('rule_confidence', rec.get('confidence'))}   gate: {why.get('gate', 'none')}"
        f"   confidence: {rec.get('confidence')}",
        # the rest of `why`: the rules that took each slot (subject.vso, object.direct...), the detector's p(T)
        f"  why: {', '.join(f'{k}={v}' for k, v in why.items() if k not in ('rule_confidence', 'gate')) or '-'}",
        f"  evidence [{ev.get('start')}:{ev.get('end')}]: {ev.get('text')}",
        f"  article: {(rec.get('article') or {}).get('source_path')}",
    ]
    print("\n".join(lines))
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    if args.explain:
        return _explain_story(args)
    from . import query

    q = _query(args, "date")
    with _store(args) as st:
        recs: Iterable[dict[str, Any]] = query.iter_stories(st, q)
        if args.format == "plover":
            recs = (export.plover_story(s, query.story_members(st, s["id"])) for s in list(recs))
        _emit(args, recs, "stories")
    return 0


def _bound(d: DateBound | None, last: bool) -> str | None:
    return None if d is None else d.last if last else d.first
def _explain_story(args: argparse.Namespace) -> int:
    """Why a story holds its events: each member's window, its source, and what it shared with the one it joined."""
    with _store(args) as st:
        rec = st.story(args.explain)
    if rec is None:
        print(f"marsad: no story {args.explain}", file=sys.stderr)
        return 1

    def names(key: str) -> str:
        return ", ".join(e.get("name") or e.get("text") or "?" for e in rec.get(key) or [])

    lines = [f"story {rec['id']}: {rec['type']} date={rec.get('date')} ({rec.get('date_precision')})"
             f"   confidence={rec.get('confidence')}   independent sources={rec.get('independent_sources')}",
             f"  actors: {names('actors') or '-'}   recipients: {names('recipients') or '-'}"]
    for m in rec.get("members") or []:
        window = "..".join(m["window"]) if m.get("window") else "unknown"
        lines.append(f"  event {m['event_id']} ({m.get('type')}, date {m.get('date') or '-'}, window {window})"
                     f"  {m.get('outlet') or '?'} [{m.get('source')}]")
        lines.append(f"    {m.get('why')}")
    print("\n".join(lines))
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    with _store(args) as st:
        recs = st.timeline(args.actor, since=_bound(args.since, False), until=_bound(args.until, True))
        _emit(args, recs, "stories")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with _store(args) as st:
        recs = list(st.search(args.query, limit=args.limit))
        if not recs:
            print("marsad: no articles match", file=sys.stderr)
        if args.format == "jsonl":
            output.write_jsonl(recs, sys.stdout)
        else:
            for r in recs:
                print(f"{r['score']:6.2f}  {r.get('published') or '----------'}  {r.get('outlet') or ''}  "
                      f"{r.get('title') or ''}\n        {r['id']}  {r['source_path']}")
    return 0 if recs else 1


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        from .web import serve
    except ImportError:
        print("marsad: the web UI is not part of this build yet; use the CLI", file=sys.stderr)
        return 2
    check_database(_db(args))
    return serve(_db(args), args.host, args.port)


def cmd_eval(args: argparse.Namespace) -> int:
    if args.what == "ner":
        from .entities.ner_eval import evaluate_conll

        print(json.dumps(evaluate_conll(args.conll, backend=args.ner), ensure_ascii=False))
        return 0
    if args.what == "events":
        from .evaluate import load_jsonl, score_events

        gold = load_jsonl(args.gold)
        if args.events:
            events = load_jsonl(args.events)
        else:
            with _store(args) as st:
                events = list(st.events(min_confidence=_min_conf(args)))
        lines: list[str] = []
        res = score_events(gold, events, details=lines)
        if args.details:
            print("\n".join(lines))
        print(json.dumps(res))
        return 0
    if args.what == "detect":
        from . import detection

        res = detection.score(detection.load(args.files, None if args.split == "all" else args.split),
                              detection.pipeline_fires(args.min_confidence))
        print(detection.report(res) if args.format == "table" else json.dumps(res))
        return 0
    if args.what == "stories":
        from .story_eval import evaluate, report

        lines: list[str] = []
        try:
            res = evaluate(args.dir, ner_backend=args.ner, details=lines, published=args.published)
        except (OSError, ValueError) as e:
            print(f"marsad: eval stories: {e}", file=sys.stderr)
            return 1
        if args.details:
            print("\n".join(lines))
        print(report(res) if args.format == "table" else json.dumps(res))
        return 0
    if args.what == "gsr":
        from .evaluate import score_gsr

        print(json.dumps(score_gsr(args.file), ensure_ascii=False))
        return 0
    return 2


def _date(text: str) -> DateBound:
    try:
        return parse_date(text)
    except QueryError as e:
        raise argparse.ArgumentTypeError(str(e).split(": ", 1)[1]) from e


def _number(cast: Callable[[str], float], ok: Callable[[float], bool], what: str) -> Callable[[str], Any]:
    """An argparse type: ``cast`` the text and check it, else one line saying what was wanted."""
    def parse(text: str) -> Any:
        try:
            v = cast(text)
        except ValueError:
            v = None
        if v is None or not ok(v):
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        return v
    return parse


_positive = _number(int, lambda n: n >= 1, "a whole number ≥ 1")
_at_least_zero = _number(int, lambda n: n >= 0, "a whole number ≥ 0")
_confidence = _number(float, lambda v: 0.0 <= v <= 1.0, "a number from 0 to 1")


def _enum(allowed: tuple[str, ...], upper: bool) -> Any:
    """An option value from ``allowed`` (case-insensitive); a comma-separated list gives several."""
    def parse(text: str) -> list[str]:
        vals = [v.strip().upper() if upper else v.strip().lower() for v in text.split(",") if v.strip()]
        bad = [v for v in vals if v not in allowed]
        if bad or not vals:
            raise argparse.ArgumentTypeError(f"{(bad or [text])[0]!r} is not one of {', '.join(allowed)}")
        return vals
    return parse


class _Extend(argparse.Action):
    """A repeatable option whose values are lists (comma-separated): all of them, in order."""

    def __call__(self, parser: argparse.ArgumentParser, ns: argparse.Namespace, values: Any,
                 option: str | None = None) -> None:
        setattr(ns, self.dest, (getattr(ns, self.dest) or []) + list(values))


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="marsad", description="Arabic news pages in, PLOVER political events out.")
    p.add_argument("--version", action="version", version=f"marsad {__version__}")
    common = _Parser(add_help=False)
    common.add_argument("--db", help="SQLite database (default: $MARSAD_DB, else ./marsad.db)")
    common.add_argument("--settings", metavar="FILE",
                        help="TOML file whose sections override src/marsad/data/settings.toml (or $MARSAD_SETTINGS)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("ingest", parents=[common], help="read pages and run the whole pipeline")
    s.add_argument("paths", nargs="+")
    s.add_argument("--actors", action="append", help="extra actors file (YAML or CSV); repeatable")
    s.add_argument("--workers", type=_positive, default=1, help="processes for the per-document steps (default 1)")
    s.add_argument("--ray", nargs="?", const="local", metavar="ADDRESS",
                   help="run the per-document steps on Ray actors (--workers of them): a local Ray instance, or the "
                        "cluster at ADDRESS ('auto': the one this machine is in; files must be on a shared file "
                        "system). Needs the ray extra")
    s.add_argument("--ner", choices=BACKENDS,
                   help="NER model: e5 (accurate, slow on CPU) or crf (fast); default: [entities] ner_backend")
    s.add_argument("--keep-versions", action="store_true",
                   help="keep the old version of an edited page (same URL or file) beside the new one; default: "
                        "the new version replaces it, the old article ids are kept in the history")
    s.add_argument("--quiet", action="store_true")
    s.add_argument("--stats", action="store_true", help="print per-step counters and timings")
    s.set_defaults(func=cmd_ingest)

    def formats(sp: argparse.ArgumentParser, choices: list[str]) -> None:
        sp.add_argument("--format", choices=choices, default="table",
                        help="parquet and csv: one row per record, list fields as lists (parquet) or joined "
                             "with | (csv)")
        sp.add_argument("--output", "-o", metavar="FILE", help="write there instead of stdout")

    s = sub.add_parser("articles", parents=[common], help="the clean articles")
    formats(s, ["jsonl", "csv", "parquet", "table"])
    s.add_argument("--limit", type=_positive)
    s.set_defaults(func=cmd_articles)

    def filters(sp: argparse.ArgumentParser, sorts: dict[str, str], default_sort: str) -> None:
        sp.add_argument("--type", type=_enum(PLOVER_TYPES, True), action=_Extend, metavar="TYPE",
                        help="PLOVER event type, e.g. CONSULT; repeat or comma-separate for several")
        sp.add_argument("--mode", type=_enum(all_modes(), False), action=_Extend, help="PLOVER mode, e.g. visit")
        sp.add_argument("--status", type=_enum(STATUSES, False), action=_Extend, help="|".join(STATUSES))
        sp.add_argument("--actor", help="participant name (English or Arabic), knowledge-base id or ISO3 code")
        sp.add_argument("--actor-id", help="exact knowledge-base id, e.g. assad_bashar")
        sp.add_argument("--country", help="ISO3 country of any participant")
        sp.add_argument("--outlet", help="the article's outlet, exactly")
        sp.add_argument("--year", type=_positive, help="the event's year")
        sp.add_argument("--since", type=_date, help="YYYY, YYYY-MM, YYYY-MM-DD or YYYY/MM/DD: events overlapping "
                                                   "the period from then")
        sp.add_argument("--until", type=_date, help="same forms: up to the end of that year, month or day")
        sp.add_argument("--story", help="story id")
        sp.add_argument("--article", help="article id")
        sp.add_argument("--text", help="full-text search over the event's article")
        sp.add_argument("--min-confidence", type=_confidence, help="default from settings [events] min_confidence")
        sp.add_argument("--sort", choices=list(sorts), help=f"order (default {default_sort})")
        sp.add_argument("--desc", action="store_true", help="descending order (undated records stay last)")
        sp.add_argument("--limit", type=_positive)
        sp.add_argument("--offset", type=_at_least_zero, default=0)

    s = sub.add_parser("events", parents=[common], help="extracted events, one per real event per article")
    formats(s, ["jsonl", "csv", "csv-long", "parquet", "plover", "table"])
    filters(s, EVENT_SORTS, "ingested")
    s.add_argument("--explain", metavar="ID", help="why this event: rule, gate score, confidence, evidence")
    s.set_defaults(func=cmd_events)

    s = sub.add_parser("stories", parents=[common], help="canonical events merged across articles and outlets")
    formats(s, ["jsonl", "csv", "parquet", "plover", "table"])
    filters(s, STORY_SORTS, "date")
    s.add_argument("--explain", metavar="ID", help="why each event joined this story: window, source, shared "
                   "participants")
    s.set_defaults(func=cmd_stories)

    s = sub.add_parser("timeline", parents=[common], help="chronological stories involving the given actors")
    s.add_argument("--actor", action="append", required=True)
    s.add_argument("--since", type=_date, help="YYYY, YYYY-MM, YYYY-MM-DD or YYYY/MM/DD")
    s.add_argument("--until", type=_date, help="same forms, up to the end of that period")
    formats(s, ["jsonl", "csv", "parquet", "table"])
    s.set_defaults(func=cmd_timeline)

    s = sub.add_parser("search", parents=[common], help="Arabic full-text search over articles")
    s.add_argument("query")
    s.add_argument("--limit", type=_positive, default=20)
    s.add_argument("--format", choices=["table", "jsonl"], default="table")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("serve", parents=[common], help="web UI and JSON API")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=_positive, default=8000)
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("eval", parents=[common], help="evaluation against gold data")
    es = s.add_subparsers(dest="what", required=True, parser_class=_Parser)
    e = es.add_parser("ner", parents=[common], help="entity-level P/R/F1 of the NER on a CoNLL file")
    e.add_argument("--conll", required=True)
    e.add_argument("--ner", choices=BACKENDS, help="NER model (default: [entities] ner_backend)")
    e = es.add_parser("events", parents=[common], help="event P/R/F1 against a gold file (seeds format)")
    e.add_argument("--gold", required=True)
    e.add_argument("--events", help="events JSONL (default: the events in --db)")
    e.add_argument("--details", action="store_true")
    e.add_argument("--min-confidence", type=_confidence)
    e = es.add_parser("detect", parents=[common], help="sentence detection on the OEDA CSVs: recall, FP rate, F1 per type")
    e.add_argument("files", nargs="+", help="arabic_event_gsr/*_gsr.csv")
    e.add_argument("--split", choices=["test", "train", "all"], default="test", help="by a hash of id (default: test)")
    e.add_argument("--min-confidence", type=_confidence)
    e.add_argument("--format", choices=["table", "json"], default="table")
    e = es.add_parser("gsr", parents=[common], help="type accuracy and source/target match on the Arabic GSR")
    e.add_argument("file")
    e = es.add_parser("stories", parents=[common], help="predicted stories against the story benchmark: pairwise "
                      "and B-cubed P/R/F1, merges across more than 30 days, confusable pairs")
    e.add_argument("--dir", default="eval/stories", help="the benchmark folder (default: eval/stories)")
    e.add_argument("--ner", choices=BACKENDS, help="NER model (default: [entities] ner_backend)")
    e.add_argument("--format", choices=["table", "json"], default="table")
    e.add_argument("--details", action="store_true", help="each gold event's predicted story, far merges")
    e.add_argument("--published", action="store_true", help="feed each text's recorded publication date "
                   "(sources_*.jsonl) as a crawler's JSONL would")
    s.set_defaults(func=cmd_eval)
    return p


class Terminated(BaseException):  # noqa: N818 - the process was told to stop
    """SIGTERM, raised where the process is, so that open transactions roll back and the message is printed."""


def _on_term(signum: int, frame: object) -> None:
    raise Terminated


def _use_settings(path: str | None) -> None:
    """Point $MARSAD_SETTINGS at --settings (worker processes inherit it) once the file is known to be TOML."""
    if path:
        try:
            with open(path, "rb") as f:
                tomllib.load(f)
        except OSError as e:
            raise UsageError(f"marsad: --settings {path}: {e.strerror or e}") from e
        except tomllib.TOMLDecodeError as e:
            raise UsageError(f"marsad: --settings {path}: not TOML ({e})") from e
        os.environ["MARSAD_SETTINGS"] = path
        load_settings.cache_clear()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        # a file name with non-UTF-8 bytes (surrogate-escaped) is printed as its own bytes, not a crash
        sys.stdout.reconfigure(errors="surrogateescape")
    previous = signal.signal(signal.SIGTERM, _on_term)
    settings = getattr(args, "settings", None)
    env_before = os.environ.get("MARSAD_SETTINGS")
    try:
        _use_settings(settings)
        return int(args.func(args) or 0)
    except (UsageError, NotADatabase) as e:
        msg = str(e)
        print(msg if msg.startswith("marsad") else f"marsad: {msg}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as e:  # a file that passed the header check but is damaged
        print(f"marsad: {_db(args)}: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `marsad events | head` is normal use
        return 0
    except MissingExtra as e:
        print(f"marsad: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_stopped("interrupted (SIGINT)", args), file=sys.stderr)
        return 130
    except Terminated:
        print(_stopped("terminated (SIGTERM)", args), file=sys.stderr)
        return 143
    finally:
        signal.signal(signal.SIGTERM, previous)
        if settings:  # in-process callers (tests) get their environment back
            if env_before is None:
                os.environ.pop("MARSAD_SETTINGS", None)
            else:
                os.environ["MARSAD_SETTINGS"] = env_before
            load_settings.cache_clear()


def _stopped(what: str, args: argparse.Namespace) -> str:
    if args.command == "ingest":
        return f"marsad: {what}: the pages stored so far are kept; run the same ingest again to finish"
    return f"marsad: {what}"


if __name__ == "__main__":
    sys.exit(main())
