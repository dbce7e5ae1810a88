#!/usr/bin/python3
"""results.jsonl (bench/run.sh) -> a Markdown table per section, with the ratios that matter."""
import json
import statistics
import sys


def rows(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def ms(r):
    return f"{r['median_ms']:.2f} / {r['p90_ms']:.2f}"


def main():
    rs = rows(sys.argv[1])
    by = lambda s: [r for r in rs if r.get("section") == s]
    out = []
    for r in by("machine"):
        out.append(f"Machine: {r['cpu']}, {r['cores']} cores, load {r['load_1min']} at start, {r['date']}, commit {r['commit']}.")
    for r in by("wfc info --system"):
        out.append(f"LibTorch {r['torch']}; BLAS {r['blas_library']} core **{r['blas_core']}** "
                   f"({r['blas_core_chosen_by']}); OMP_WAIT_POLICY {r['omp_wait_policy']}.")
    for r in by("python"):
        out.append(f"PyTorch (Python) {r['torch']}.")
    out.append("")

    it = by("iteration")
    if it:
        out += ["### One refinement iteration (bundled model, full window: 112 past + 16 future rows)", "",
                "| variant | threads | median / p90 ms | speed-up vs full, same threads |", "| --- | --- | --- | --- |"]
        full = {r["threads"]: r["median_ms"] for r in it if r["variant"] == "full window"}
        for r in it:
            out.append(f"| {r['variant']} | {r['threads']} | {ms(r)} | {full[r['threads']] / r['median_ms']:.2f}x |")
        out.append("")
    ck = by("click")
    if ck:
        out += ["### Click -> re-converged (collapse a future row by arg-max, converge, 1 thread)", "",
                "| variant | median / p90 / p95 ms |", "| --- | --- |"]
        for r in ck:
            out.append(f"| {r['variant']} | {r['median_ms']:.1f} / {r['p90_ms']:.1f} / {r['p95_ms']:.1f} |")
        out.append("")
    gen, ar = by("generate"), by("ar")
    if gen or ar:
        out += ["### Generation (tokens/s, 2 threads unless said)", "",
                "| variant | threads | tokens/s (median) | ms per run median / p90 |", "| --- | --- | --- | --- |"]
        for r in gen + ar:
            out.append(f"| {r['variant']} | {r['threads']} | {r['tokens_per_s_median']:.0f} | {ms(r)} |")
        out.append("")
        tps = {r["variant"]: r["tokens_per_s_median"] for r in gen}
        for v in tps:
            if v.endswith(", after") and v[:-7] + ", before" in tps:
                out.append(f"- {v[:-7]}: after / before **{tps[v] / tps[v[:-7] + ', before']:.1f}x**")
        out.append("")
    tr = by("train")
    if tr:
        out += ["### Training step (batch 16 x 128, forward + backward + clip + AdamW, 2 threads; 3 alternated rounds)", "",
                "| variant | tokens/s (median of rounds) | step ms (median of rounds) |", "| --- | --- | --- |"]
        names = []
        for r in tr:
            if r["variant"] not in names:
                names.append(r["variant"])
        med = {}
        for n in names:
            med[n] = statistics.median(r["tokens_per_s_median"] for r in tr if r["variant"] == n)
            step = statistics.median(r["median_ms"] for r in tr if r["variant"] == n)
            out.append(f"| {n} | {med[n]:.0f} | {step:.1f} |")
        out.append("")
        if "wfc++ wfc K=2" in med and "wfc++ wfc K=2, past not shared" in med:
            out.append(f"- sharing the past across the K iterations: "
                       f"**{med['wfc++ wfc K=2'] / med['wfc++ wfc K=2, past not shared']:.2f}x**")
        for cpp, py in (("wfc++ ar", "pytorch ar"), ("wfc++ wfc K=2", "pytorch wfc")):
            if cpp in med and py in med:
                out.append(f"- {cpp} / {py}: **{med[cpp] / med[py]:.2f}x**")
        out.append("")
    lab = by("lab")
    if lab:
        out += ["### The lab (bench/lab_bench.sh, Xvfb + Mesa llvmpipe, 1 worker thread)", "", "```"]
        out += lab[0]["text"]
        out += ["```", ""]
    rss = by("rss")
    if rss:
        out += ["### Peak RSS (/usr/bin/time -v)", "", "| command | MiB |", "| --- | --- |"]
        for r in rss:
            out.append(f"| {r['variant']} | {r['peak_rss_mib']:.0f} |")
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
