"""Issue 15's ratio in CPU seconds: marsad read + extract against trafilatura.extract alone on bench_ingest's
synthetic HTML pages, interleaved page by page (which one runs first alternates).

    .venv/bin/python bench/html_ratio.py [--pages 300] [--repeats 5]

The headline figure sums each page's fastest of ``repeats`` runs: on a loaded machine the minimum is what the code
costs, the rest is other processes. The plain sums are printed too. ``bench_ingest.py`` reports wall time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def main(pages: int = 300, repeats: int = 5) -> dict[str, float]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_ingest
    import trafilatura

    from marsad.extract import extract_articles
    from marsad.extract.lexicon import lexicon
    from marsad.ingest.readers import Reader
    from marsad.model import Page

    cfg = lexicon().cfg
    reader = Reader()

    def ours(f: Path) -> None:
        for p in reader.read([str(f)]):
            if isinstance(p, Page):
                extract_articles(p)

    def alone(f: Path) -> None:
        trafilatura.extract(f.read_bytes().decode("utf-8"), fast=True, favor_precision=bool(cfg["favor_precision"]),
                            include_comments=False, include_tables=bool(cfg["include_tables"]), include_links=False,
                            include_images=False, with_metadata=False)

    with tempfile.TemporaryDirectory(prefix="marsad-ratio-") as tmp:
        _, hdir = bench_ingest.generate(Path(tmp), 0, pages)
        files = sorted(hdir.iterdir())
        for f in files[:5]:  # imports and caches outside the timings
            ours(f)
            alone(f)
        best = {"marsad": [float("inf")] * len(files), "trafilatura": [float("inf")] * len(files)}
        total = {"marsad": 0.0, "trafilatura": 0.0}
        runs: tuple[tuple[str, Callable[[Path], None]], ...] = (("marsad", ours), ("trafilatura", alone))
        for r in range(repeats):
            for i, f in enumerate(files):
                for name, fn in runs if (i + r) % 2 == 0 else runs[::-1]:
                    t0 = time.process_time()
                    fn(f)
                    dt = time.process_time() - t0
                    best[name][i] = min(best[name][i], dt)
                    total[name] += dt
    res = {"marsad_s": sum(best["marsad"]), "trafilatura_s": sum(best["trafilatura"])}
    res["ratio"] = res["marsad_s"] / res["trafilatura_s"]
    res["ratio_of_sums"] = total["marsad"] / total["trafilatura"]
    print(f"{pages} HTML pages, fastest of {repeats} per page: marsad read+extract {res['marsad_s']:.3f} CPU-s, "
          f"trafilatura alone {res['trafilatura_s']:.3f} CPU-s, ratio {res['ratio']:.2f} (target ≤ 1.5); "
          f"ratio of plain sums {res['ratio_of_sums']:.2f}")
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    main(a.pages, a.repeats)
