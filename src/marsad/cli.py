"""The `marsad` command (see CONTRACT.md): ingest, articles, events, stories, search, timeline, serve, eval."""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from . import output
from .entities.ner import BACKENDS
from .pipeline import MissingExtra
from .settings import min_confidence


def _db(args: argparse.Namespace) -> str:
    return args.db or os.environ.get("MARSAD_DB") or "marsad.db"


def _store(args: argparse.Namespace):
    from .store import Store

    return Store(_db(args))


def _emit(records: Iterable[dict[str, Any]], fmt: str, columns: list[str], widths: dict[str, int]) -> int:
    out = sys.stdout
    if fmt == "jsonl":
        return output.write_jsonl(records, out)
    if fmt == "csv":
        return output.write_csv(records, out, columns)
    if fmt == "plover":
        return output.write_jsonl((output.plover_record(r) for r in records), out)
    return output.write_table(records, out, columns, widths)


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
        _emit(st.articles(limit=args.limit), args.format, output.ARTICLE_COLUMNS, output.ARTICLE_WIDTHS)
    return 0


def _min_conf(args: argparse.Namespace) -> float:
    if args.min_confidence is not None:
        return args.min_confidence
    return min_confidence()


def cmd_events(args: argparse.Namespace) -> int:
    if args.explain:
        return _explain(args)
    with _store(args) as st:
        recs = st.events(type=args.type, actor=args.actor, since=args.since, until=args.until,
                         min_confidence=_min_conf(args), limit=args.limit)
        _emit(recs, args.format, output.EVENT_COLUMNS, output.EVENT_WIDTHS)
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
        f"  rule: {rec.get('trigger')}   contexts: {', '.join(rec.get('contexts') or []) or '-'}",
        f"  rule confidence: {why.get('rule_confidence', rec.get('confidence'))}   gate: {why.get('gate', 'none')}"
        f"   confidence: {rec.get('confidence')}",
        f"  evidence [{ev.get('start')}:{ev.get('end')}]: {ev.get('text')}",
        f"  article: {(rec.get('article') or {}).get('source_path')}",
    ]
    print("\n".join(lines))
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    if args.explain:
        return _explain_story(args)
    with _store(args) as st:
        recs = st.stories(type=args.type, actor=args.actor, since=args.since, until=args.until)
        _emit(recs, args.format, output.STORY_COLUMNS, output.STORY_WIDTHS)
    return 0


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
        recs = st.timeline(args.actor, since=args.since, until=args.until)
        _emit(recs, args.format, output.STORY_COLUMNS, output.STORY_WIDTHS)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with _store(args) as st:
        recs = list(st.search(args.query, limit=args.limit))
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
            res = evaluate(args.dir, ner_backend=args.ner, details=lines)
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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="marsad", description="Arabic news pages in, PLOVER political events out.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="SQLite database (default: $MARSAD_DB, else ./marsad.db)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("ingest", parents=[common], help="read pages and run the whole pipeline")
    s.add_argument("paths", nargs="+")
    s.add_argument("--actors", action="append", help="extra actors file (YAML or CSV); repeatable")
    s.add_argument("--workers", type=int, default=1, help="processes for the per-document steps (default 1)")
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

    fmts = ["jsonl", "csv", "table"]
    s = sub.add_parser("articles", parents=[common], help="the clean articles")
    s.add_argument("--format", choices=fmts, default="table")
    s.add_argument("--limit", type=int)
    s.set_defaults(func=cmd_articles)

    def filters(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--type", help="PLOVER event type, e.g. CONSULT")
        sp.add_argument("--actor", help="actor name (English or Arabic) or ISO3 country code")
        sp.add_argument("--since", help="YYYY-MM-DD")
        sp.add_argument("--until", help="YYYY-MM-DD")

    s = sub.add_parser("events", parents=[common], help="extracted events, one per real event per article")
    s.add_argument("--format", choices=fmts + ["plover"], default="table")
    filters(s)
    s.add_argument("--min-confidence", type=float, help="default from settings [events] min_confidence")
    s.add_argument("--limit", type=int)
    s.add_argument("--explain", metavar="ID", help="why this event: rule, gate score, confidence, evidence")
    s.set_defaults(func=cmd_events)

    s = sub.add_parser("stories", parents=[common], help="canonical events merged across articles and outlets")
    s.add_argument("--format", choices=fmts, default="table")
    s.add_argument("--explain", metavar="ID", help="why each event joined this story: window, source, shared "
                   "participants")
    filters(s)
    s.set_defaults(func=cmd_stories)

    s = sub.add_parser("timeline", parents=[common], help="chronological stories involving the given actors")
    s.add_argument("--actor", action="append", required=True)
    s.add_argument("--since")
    s.add_argument("--until")
    s.add_argument("--format", choices=fmts, default="table")
    s.set_defaults(func=cmd_timeline)

    s = sub.add_parser("search", parents=[common], help="Arabic full-text search over articles")
    s.add_argument("query")
    s.add_argument("--limit", type=int, default=20)
    s.add_argument("--format", choices=["table", "jsonl"], default="table")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("serve", parents=[common], help="web UI and JSON API")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("eval", parents=[common], help="evaluation against gold data")
    es = s.add_subparsers(dest="what", required=True)
    e = es.add_parser("ner", parents=[common], help="entity-level P/R/F1 of the NER on a CoNLL file")
    e.add_argument("--conll", required=True)
    e.add_argument("--ner", choices=BACKENDS, help="NER model (default: [entities] ner_backend)")
    e = es.add_parser("events", parents=[common], help="event P/R/F1 against a gold file (seeds format)")
    e.add_argument("--gold", required=True)
    e.add_argument("--events", help="events JSONL (default: the events in --db)")
    e.add_argument("--details", action="store_true")
    e.add_argument("--min-confidence", type=float)
    e = es.add_parser("detect", parents=[common], help="sentence detection on the OEDA CSVs: recall, FP rate, F1 per type")
    e.add_argument("files", nargs="+", help="arabic_event_gsr/*_gsr.csv")
    e.add_argument("--split", choices=["test", "train", "all"], default="test", help="by a hash of id (default: test)")
    e.add_argument("--min-confidence", type=float)
    e.add_argument("--format", choices=["table", "json"], default="table")
    e = es.add_parser("gsr", parents=[common], help="type accuracy and source/target match on the Arabic GSR")
    e.add_argument("file")
    e = es.add_parser("stories", parents=[common], help="predicted stories against the story benchmark: pairwise "
                      "and B-cubed P/R/F1, merges across more than 30 days, confusable pairs")
    e.add_argument("--dir", default="eval/stories", help="the benchmark folder (default: eval/stories)")
    e.add_argument("--ner", choices=BACKENDS, help="NER model (default: [entities] ner_backend)")
    e.add_argument("--format", choices=["table", "json"], default="table")
    e.add_argument("--details", action="store_true", help="each gold event's predicted story, far merges")
    s.set_defaults(func=cmd_eval)
    return p


class Terminated(BaseException):  # noqa: N818 - the process was told to stop
    """SIGTERM, raised where the process is, so that open transactions roll back and the message is printed."""


def _on_term(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        # a file name with non-UTF-8 bytes (surrogate-escaped) is printed as its own bytes, not a crash
        sys.stdout.reconfigure(errors="surrogateescape")
    previous = signal.signal(signal.SIGTERM, _on_term)
    try:
        return int(args.func(args) or 0)
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


def _stopped(what: str, args: argparse.Namespace) -> str:
    if args.command == "ingest":
        return f"marsad: {what}: the pages stored so far are kept; run the same ingest again to finish"
    return f"marsad: {what}"


if __name__ == "__main__":
    sys.exit(main())
