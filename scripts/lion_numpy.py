#!/usr/bin/env python3
"""The Lion/Tiger embedding toy (panel `lion-embedding`, theory §3) as a plain NumPy script.

This is the reference the native engine is compared with (`BENCHMARKS.md`, "Lion/Tiger engine"): the same
model at the panel's default settings, written the way a NumPy user would write it, with whole-array
operations and no Python loop inside a step.

- V tokens with Zipf frequencies p_i ∝ i^-s, sampled by binary search of the CDF (`searchsorted`).
- Each token has a dominant next class y*_i, taken with probability q_i = q_min + (q_max - q_min) ln i / ln V,
  otherwise a uniform class.
- Embedding E (V×d, float32, N(0, init_std²)), a frozen head W = 3Q (Q a random orthogonal d×d matrix),
  logits W E_x, cross-entropy; the batch-averaged row gradients Wᵀ(softmax − e_y)/B are scatter-added.
- Tiger (β = 0.965) on every row of E each step, as the theory's pseudo-code says:
  m ← βm + (1 − β)G, η_r = α·RMS(row r) (the per-row rule, taken before the update), E ← E − η(sign m + λE).
  Lion (β₁ = 0.95, β₂ = 0.98) and a constant learning rate are available as options.

The random streams differ from the Rust engine's, so the runs agree in distribution, not bit for bit; the
script prints the statistics the panel reports (largest entry, rare-row maximum, rows at 0.99/λ) so that the
two can be compared by eye.

Usage: python3 scripts/lion_numpy.py [--steps 20000 | --seconds S] [--vocab 2000] [--optimizer tiger|lion]
       [--lr-rule row-rms|constant] [--seed 1]
Prints one JSON object with steps, seconds and steps_per_sec.
"""

import argparse
import json
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument(
        "--seconds",
        type=float,
        default=None,
        help="run whole steps until this many seconds have passed instead of a fixed count",
    )
    ap.add_argument("--vocab", type=int, default=2000)
    ap.add_argument("--dim", type=int, default=16)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--wd", type=float, default=0.01)
    ap.add_argument("--optimizer", choices=["tiger", "lion"], default="tiger")
    ap.add_argument("--lr-rule", choices=["row-rms", "constant"], default="row-rms")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    V, d, B = args.vocab, args.dim, args.batch
    lr, wd = np.float32(args.lr), np.float32(args.wd)
    beta = np.float32(0.965)
    b1, b2 = np.float32(0.95), np.float32(0.98)
    zipf, q_min, q_max, init_std = 1.0, 0.5, 1.0, 0.02
    rms_rule = args.lr_rule == "row-rms"

    rng = np.random.default_rng(args.seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    W = (3.0 * Q).astype(np.float32)  # C×d, C = d
    ystar = rng.integers(0, d, V)
    ranks = np.arange(1, V + 1, dtype=np.float64)
    cdf = np.cumsum(ranks**-zipf)
    cdf /= cdf[-1]
    q = q_min + (q_max - q_min) * np.log(ranks) / np.log(V)
    E = (init_std * rng.standard_normal((V, d))).astype(np.float32)
    m = np.zeros_like(E)
    # Work arrays reused every step (no per-step allocation of V×d arrays).
    G = np.zeros_like(E)
    upd = np.empty_like(E)
    eta = np.empty((V, 1), dtype=np.float32)
    rows = np.arange(B)

    start = time.perf_counter()
    steps = 0
    while (steps < args.steps) if args.seconds is None else (time.perf_counter() - start < args.seconds):
        steps += 1
        # 1. Sample the batch: tokens from the Zipf CDF, then their next classes.
        tok = np.minimum(np.searchsorted(cdf, rng.random(B), side="right"), V - 1)
        y = np.where(rng.random(B) < q[tok], ystar[tok], rng.integers(0, d, B))
        # 2. Forward and backward for the whole batch at once.
        z = E[tok] @ W.T
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        z[rows, y] -= 1.0
        g = (z @ W) * np.float32(1.0 / B)
        # 3. Scatter-add into the dense gradient.
        G.fill(0.0)
        np.add.at(G, tok, g)
        # 4. The optimiser on every row.
        if rms_rule:
            np.multiply(E, E, out=upd)
            np.sqrt(upd.mean(axis=1, keepdims=True), out=eta)
            eta *= lr
        else:
            eta.fill(lr)
        if args.optimizer == "tiger":
            m *= beta
            m += (1 - beta) * G
            np.sign(m, out=upd)
        else:
            np.sign(b1 * m + (1 - b1) * G, out=upd)
            m *= b2
            m += (1 - b2) * G
        upd += wd * E
        upd *= eta
        E -= upd
    seconds = time.perf_counter() - start

    row_max = np.abs(E).max(axis=1)
    cap = 1.0 / float(wd)
    at_cap = np.nonzero(row_max >= 0.99 * cap)[0]
    print(
        json.dumps(
            {
                "engine": "numpy " + np.__version__,
                "optimizer": args.optimizer,
                "lr_rule": args.lr_rule,
                "vocab": V,
                "steps": steps,
                "seconds": seconds,
                "steps_per_sec": steps / seconds,
                "max_abs": float(row_max.max()),
                "max_top20": float(row_max[:20].max()),
                "max_rare": float(row_max[500:].max()) if V > 500 else None,
                "rows_at_cap": int(at_cap.size),
                "min_rank_at_cap": int(at_cap[0]) + 1 if at_cap.size else None,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
