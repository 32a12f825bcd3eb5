"""NER and gazetteer speed: sentences/s and tokens/s of tagging, model and gazetteer load times.

Tags ANERcorp test when ../shared is beside the checkout, else generated sentences. "cold" is the first pass
(every distinct word's features computed), "warm" a second pass over the same text (per-word feature cache hit),
as in a long-running pipeline that has seen the vocabulary.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CONLL = ROOT.parent / "shared" / "data" / "anercorp" / "test.txt"


def _generated(n: int = 1000, seed: int = 7) -> list[list[str]]:
    rnd = random.Random(seed)
    names = ["محمد", "أحمد", "جون", "كيري", "فلاديمير", "بوتين", "سعيد", "خالد", "ماريا", "لي"]
    places = ["موسكو", "القاهرة", "بيروت", "واشنطن", "طوكيو", "بغداد", "الدوحة", "باريس"]
    orgs = ["وزارة الخارجية", "الأمم المتحدة", "حزب العمال", "جامعة القاهرة", "البنك الدولي"]
    verbs = ["قال", "أكد", "أعلن", "زار", "التقى", "بحث", "وصل", "رفض"]
    fill = ["أن", "في", "مع", "على", "اليوم", "الجديد", "الاتفاق", "المفاوضات", "الأمن", "الوضع", "بين", "خلال"]
    out = []
    for _ in range(n):
        s = [rnd.choice(verbs), "الرئيس", rnd.choice(names), rnd.choice(names), "في", rnd.choice(places)]
        s += rnd.choice(orgs).split() + [rnd.choice(fill) + (str(rnd.randrange(99)) if rnd.random() < 0.2 else "")
                                         for _ in range(rnd.randrange(8, 25))] + ["."]
        out.append(s)
    return out


def main() -> dict[str, Any]:
    from marsad.entities.gazetteer import Gazetteer
    from marsad.entities.ner import NerTagger, model_path
    from marsad.entities.ner_eval import read_conll

    t0 = time.perf_counter()
    gaz = Gazetteer.load()
    gaz_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    tagger = NerTagger.load()
    load_s = time.perf_counter() - t0
    if CONLL.exists():
        sents, source = [s for s, _ in read_conll(str(CONLL))], "anercorp test"
    else:
        sents, source = _generated(), "generated"
    n_tok = sum(len(s) for s in sents)
    res: dict[str, Any] = {"source": source, "sentences": len(sents), "tokens": n_tok}
    for run in ("cold", "warm"):
        t0, c0 = time.perf_counter(), time.process_time()
        tagger.tag_sents(sents)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        res[f"{run}_sentences_per_s"] = round(len(sents) / dt, 1)
        res[f"{run}_tokens_per_s"] = round(n_tok / dt, 1)
        # Per CPU second: steadier than wall time on a shared 2-core machine.
        res[f"{run}_sentences_per_cpu_s"] = round(len(sents) / max(cpu, 1e-9), 1)
    res["sentences_per_s"] = res["cold_sentences_per_s"]
    res["tokens_per_s"] = res["cold_tokens_per_s"]
    res["model_load_s"] = round(load_s, 3)
    res["model_bytes"] = model_path().stat().st_size
    res["second_pass"] = tagger.second is not None  # train --stack: about half the sentences/s
    res["e5"] = _bench_e5(sents[:300])
    res["gazetteer_load_s"] = round(gaz_s, 3)
    res["gazetteer_counts"] = gaz.counts()
    t0 = time.perf_counter()
    Gazetteer.load()
    res["gazetteer_reload_s"] = round(time.perf_counter() - t0, 3)
    print(json.dumps(res, ensure_ascii=False, indent=1))
    return res


def _bench_e5(sents: list[list[str]]) -> dict[str, Any]:
    """The e5 backend on the first 300 sentences (it runs at tens of sentences a second on two cores)."""
    from marsad.entities.neural import NeuralTagger, model_path

    if not model_path().exists():
        return {"skipped": "no e5 adapters shipped"}
    t0 = time.perf_counter()
    tagger = NeuralTagger.load()
    load_s = time.perf_counter() - t0
    from threadpoolctl import threadpool_limits

    from marsad.pipeline import blas_threads

    t0, c0 = time.perf_counter(), time.process_time()
    with threadpool_limits(blas_threads()):  # one BLAS thread a process, as the pipeline runs it
        tagger.tag_sents(sents)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    n_tok = sum(len(s) for s in sents)
    return {"sentences": len(sents), "sentences_per_s": round(len(sents) / dt, 1),
            "tokens_per_s": round(n_tok / dt, 1), "sentences_per_cpu_s": round(len(sents) / max(cpu, 1e-9), 1),
            "model_load_s": round(load_s, 3), "adapter_bytes": model_path().stat().st_size}


if __name__ == "__main__":
    main()
