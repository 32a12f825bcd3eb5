"""Throughput of the temporal tagger on generated news-like sentences: ``python bench/bench_dates.py``."""

from __future__ import annotations

import json
import random
import time
from typing import Any

from marsad.dates import tag

_SUBJECTS = ["الرئيس", "وزير الخارجية", "رئيس الوزراء", "الملك", "الأمين العام", "المبعوث الأممي", "وفد برلماني"]
_VERBS = ["استقبل", "التقى", "بحث مع", "أجرى اتصالا هاتفيا مع", "سيزور", "من المقرر أن يلتقي", "وقع اتفاقا مع",
          "يستقبل", "هنأ"]
_OBJECTS = ["نظيره الفرنسي", "سفير دولة قطر", "وفدا من رجال الأعمال", "المبعوث الخاص", "رئيس البرلمان"]
_PLACES = ["في القاهرة", "في قصر الإليزيه", "بمقر الوزارة", "في العاصمة الرياض", "على هامش القمة", ""]
_DATES = ["أمس", "اليوم", "أمس الاثنين", "الثلاثاء", "ليلة الأربعاء", "صباح اليوم الخميس", "الجمعة 16 ديسمبر",
          "في 30 سبتمبر أيلول", "الشهر الماضي", "العام المقبل", "في أوائل ديسمبر المقبل", "يوم 22 - 11 - 2017",
          "بتاريخ 2024/5/14", "منذ ثلاثة أيام", "الأحد المقبل", "15 رمضان 1445 هـ", "في 5 جوان 2018",
          "بعد غد", "الأسبوع الماضي", "عام 2011", ""]
_TAILS = ["لبحث سبل تعزيز التعاون الثنائي بين البلدين", "وتناول اللقاء المستجدات الإقليمية والدولية",
          "حيث جرى التأكيد على أهمية مواصلة التنسيق المشترك", "في إطار الجهود الرامية إلى إيجاد تسوية سياسية",
          "وأكد الجانبان حرصهما على تطوير العلاقات في مختلف المجالات"]


def sentences(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rnd.choice(_SUBJECTS), rnd.choice(_VERBS), rnd.choice(_DATES), rnd.choice(_OBJECTS),
                 rnd.choice(_PLACES), rnd.choice(_TAILS)]
        if rnd.random() < 0.3:
            parts.insert(0, "و" + rnd.choice(["أعلن المتحدث", "قال بيان رسمي", "ذكرت الوكالة"]) + " أن")
        out.append(" ".join(p for p in parts if p) + ".")
    return out


def main(n: int = 20000, anchor: str = "2017-11-22") -> dict[str, Any]:
    sents = sentences(n)
    for s in sents[:200]:  # warm-up: lexicon load and regex compile are once per process
        tag(s, anchor)
    t0, c0 = time.perf_counter(), time.process_time()
    found = resolved = 0
    for s in sents:
        got = tag(s, anchor)
        found += len(got)
        resolved += sum(1 for t in got if t.value is not None)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    chars = sum(len(s) for s in sents)
    # wall-clock rate, and the CPU-time rate that a busy shared machine does not drag down
    result = {"sentences": n, "seconds": round(secs, 3), "sentences_per_s": round(n / secs),
              "cpu_sentences_per_s": round(n / cpu) if cpu > 0 else None,
              "chars_per_s": round(chars / secs), "timexes": found, "resolved": resolved}
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
