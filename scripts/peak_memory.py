"""Peak memory and wall time of `marsad ingest` on each hostile input (tests/hostile.py), one process each.

    .venv/bin/python scripts/peak_memory.py [--ner crf|e5]

Prints one line per input: seconds, peak resident memory (ru_maxrss of the child, MB) and the run's summary line.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import hostile  # noqa: E402

CASES = {
    "nested JSONL line (100k deep)": lambda d: hostile.nested_jsonl(d / "nested.jsonl"),
    "tag with 50k attributes": lambda d: hostile.many_attributes_html(d / "attrs.html"),
    "tag with 800k attributes": lambda d: hostile.many_attributes_html(d / "attrs800k.html", 800_000),
    "200k-character line": lambda d: hostile.long_line_text(d / "line.txt"),
    "4.6 MB line": lambda d: hostile.long_line_text(d / "line46.txt", 2_520_000),
    "20 MB sparse WARC": lambda d: hostile.sparse_warc(d / "sparse.warc"),
    "gzip bomb WARC (400 MB inflated)": lambda d: hostile.gzip_bomb_warc(d / "bomb.warc.gz"),
    "gzip bomb WARC (2.2 GB inflated)": lambda d: hostile.gzip_bomb_warc(d / "bomb2.warc.gz", 2200),
}


# the CLI in a fresh process that reports its own peak resident memory (KB on Linux) as it exits
# (ru_maxrss survives fork + exec: this script stays small, so the figure is the child's; VmHWM is printed beside it)
CHILD = ("import resource, sys\nfrom marsad.cli import main\nrc = main(sys.argv[1:])\n"
         "hwm = next(ln.split()[1] for ln in open('/proc/self/status') if ln.startswith('VmHWM'))\n"
         "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, hwm, file=sys.stderr)\nsys.exit(rc)")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ner", default="crf")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        for name, make in CASES.items():
            d = Path(t) / str(abs(hash(name)))
            d.mkdir()
            path = make(d)
            t0 = time.perf_counter()
            p = subprocess.run([sys.executable, "-c", CHILD, "ingest", str(path), "--db", str(d / "x.db"),
                                "--ner", args.ner], capture_output=True, text=True)
            secs = time.perf_counter() - t0
            mb, hwm = next(((int(ln.split()[1]) / 1024, int(ln.split()[2]) / 1024) for ln in p.stderr.splitlines()
                            if ln.startswith("MAXRSS")), (-1, -1))
            summary = next((ln for ln in p.stderr.splitlines() if ln.startswith("pages read")), p.stderr[-200:])
            skipped = [ln[:160] for ln in p.stderr.splitlines() if ln.startswith("marsad: skipped")]
            print(f"{name:<34} {secs:6.1f}s  peak {mb:4.0f} MB (VmHWM {hwm:4.0f})  rc {p.returncode}  {summary}")
            for s in skipped[:3]:
                print("      " + s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
