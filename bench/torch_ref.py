#!/usr/bin/python3
"""The same network and training steps as model/network.cpp + model/objective.cpp, in PyTorch.

The fair reference for the C++ trainer's speed: Debian's python3-torch is the same 1.13.1 and uses
the same BLAS. Prints one JSON object per variant: {"variant", "tokens_per_s_median", "p90_ms", ...}.
Usage: /usr/bin/python3 bench/torch_ref.py [--steps N] [--batch B] [--threads T] [--compile]
(--compile uses torch.compile, PyTorch 2.x only.)
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, C, H):
        super().__init__()
        self.H = H
        self.ln_1 = nn.LayerNorm(C)
        self.attn_qkv = nn.Linear(C, 3 * C)
        self.attn_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C)
        self.mlp_fc = nn.Linear(C, 4 * C)
        self.mlp_proj = nn.Linear(4 * C, C)

    def forward(self, x, allowed, cos, sin):
        B, T, C = x.shape
        H, D = self.H, C // self.H
        q, k, v = self.attn_qkv(self.ln_1(x)).split(C, -1)
        q, k, v = (t.view(B, T, H, D).transpose(1, 2) for t in (q, k, v))  # [B,H,T,D]
        q, k = rotary(q, cos, sin), rotary(k, cos, sin)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(D)  # [B,H,T,T]
        att = att.masked_fill(~allowed, float("-inf"))
        y = (torch.softmax(att, -1) @ v).transpose(1, 2).contiguous().view(B, T, C)
        x = x + self.attn_proj(y)
        return x + self.mlp_proj(F.gelu(self.mlp_fc(self.ln_2(x))))


def rotary(x, cos, sin):
    half = x.size(-1) // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], -1)


class Net(nn.Module):
    def __init__(self, V, T, L, H, C):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.held_emb = nn.Parameter(torch.zeros(C))
        self.h = nn.ModuleList([Block(C, H) for _ in range(L)])
        self.ln_f = nn.LayerNorm(C)
        D = C // H
        inv = 10000.0 ** (-torch.arange(0, D // 2, dtype=torch.float64) * 2.0 / D)
        ang = torch.outer(torch.arange(T, dtype=torch.float64), inv)
        self.register_buffer("cos", ang.cos().float())
        self.register_buffer("sin", ang.sin().float())

    def stack(self, x, allowed):
        T = x.size(1)
        for b in self.h:
            x = b(x, allowed, self.cos[:T], self.sin[:T])
        return x

    def readout(self, h):
        return self.ln_f(h) @ self.wte.weight.t()


def ar_step(net, ids):
    B, T = ids.shape
    allowed = torch.ones(T, T, dtype=torch.bool).tril().view(1, 1, T, T)
    logits = net.readout(net.stack(net.wte(ids), allowed))[:, :-1]
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), ids[:, 1:].reshape(-1))
    loss.backward()
    return loss.item()


def wfc_step(net, ids, future_rows, K):
    """Clean windows with a suffix future (the lab's shape), the held mask, K iterations, the last
    one back-propagated as a chain (grad_iters = 1): model/objective.cpp with clean_share = 1."""
    B, T = ids.shape
    V = net.wte.weight.size(0)
    future = torch.zeros(B, T, dtype=torch.bool)
    future[:, T - future_rows:] = True
    i = torch.arange(T)
    allowed = (i.view(1, T) <= i.view(T, 1)).view(1, 1, T, T)  # held mask with no held rows: causal
    soft_idx = future.view(-1).nonzero().squeeze(1)
    ps = torch.full((soft_idx.numel(), V), 1.0 / V)
    tgt = ids[:, 1:]
    fut_w = future[:, 1:].float()
    past_w = (~future[:, 1:]).float()
    total = 0.0
    for k in range(K):
        base = net.wte(ids).view(B * T, -1)
        x = base.index_copy(0, soft_idx, ps.detach() @ net.wte.weight).view(B, T, -1)
        logits = net.readout(net.stack(x, allowed))
        ce = F.cross_entropy(logits[:, :-1].reshape(-1, V), tgt.reshape(-1), reduction="none").view(B, T - 1)
        loss = ((ce * fut_w).sum() / fut_w.sum() + (ce * past_w).sum() / past_w.sum()) / K
        if k + 1 < K:
            q = torch.softmax(logits.view(B * T, V).index_select(0, soft_idx - 1), -1)
            ps = q.detach()
        loss.backward()
        total += loss.item()
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--future", type=int, default=16)
    ap.add_argument("--iters", type=int, default=2)
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    V, T, L, H, C = 2048, 128, 4, 4, 256
    dev = torch.device(a.device)
    net = Net(V, T, L, H, C).to(dev)
    if a.compile:
        net.stack = torch.compile(net.stack)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
    ids = torch.randint(0, V, (a.batch, T), device=dev)
    steps = {"ar": lambda: ar_step(net, ids), "wfc": lambda: wfc_step(net, ids, a.future, a.iters)}
    times = {k: [] for k in steps}
    for rep in range(a.steps + 2):  # interleaved; the first two are warm-up
        for name, fn in steps.items():
            t0 = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            fn()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            if dev.type == "cuda":
                torch.cuda.synchronize()
            if rep >= 2:
                times[name].append(time.perf_counter() - t0)
    for name, ts in times.items():
        ts.sort()
        med = statistics.median(ts)
        print(json.dumps({"variant": f"pytorch {name}" + (" compiled" if a.compile else ""), "torch": torch.__version__,
                          "threads": a.threads, "batch": a.batch, "window": T, "median_ms": med * 1e3,
                          "p90_ms": ts[int(len(ts) * 0.9) - 1 if len(ts) > 1 else 0] * 1e3,
                          "tokens_per_s_median": a.batch * T / med}))


if __name__ == "__main__":
    main()
