"""`make bench`: throughput and memory figures for each stage that has a benchmark, printed as one report.

Speed targets are checked here, never by timed unit tests (2-core machine; figures vary with load).
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

BENCHES = ["bench_ingest", "bench_ner", "bench_encoder", "bench_dates", "bench_pipeline"]


def main() -> int:
    results = {}
    for name in BENCHES:
        try:
            mod = importlib.import_module(name)
        except ImportError as e:
            print(f"[{name}] not available: {e}")
            continue
        print(f"\n=== {name} ===", flush=True)
        results[name] = mod.main()
    out = Path("out")
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    print("\nfigures written to out/bench.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
