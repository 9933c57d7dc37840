#!/usr/bin/env python3
"""Tables for BENCHMARKS.md from one criterion run of benches/throughput.rs.

    SAFE_MARKUP_BENCH_CLOCK=cpu cargo bench --bench throughput -- --save-baseline NAME
    python3 benches/summary.py NAME

Reads target/criterion/**/NAME/estimates.json (the medians of that run only)
and prints, as Markdown: the corpus groups with each engine's ratio to
ammonia, and the DoS shapes with their cost per byte as a multiple of the
diary corpus's, through the full pipeline and through `clean`, and under
the other presets against each one's own corpus figure. Ratios are
only meaningful between figures of the same run, which is why they are
computed here and not across runs.
"""

import glob
import json
import os
import sys
from collections import defaultdict


def load(baseline):
    """{group: {(function, size): (median ns, bytes)}} for one baseline."""
    runs = defaultdict(dict)
    pattern = f"target/criterion/**/{baseline}/estimates.json"
    for est in glob.glob(pattern, recursive=True):
        d = os.path.dirname(est)
        with open(os.path.join(d, "benchmark.json")) as f:
            bench = json.load(f)
        with open(est) as f:
            median = json.load(f)["median"]["point_estimate"]
        size = bench.get("value_str")
        runs[bench["group_id"]][(bench["function_id"], size)] = (
            median,
            bench["throughput"]["Bytes"],
        )
    return runs


def corpus_table(runs, group):
    rows = runs.get(group, {})
    if not rows:
        return
    ammonia = rows.get(("ammonia", None))
    print(f"\n{group}\n")
    print("| engine | median | MB/s | ns/byte | throughput / ammonia's |")
    print("|---|---:|---:|---:|---:|")
    for (function, _), (median, n) in sorted(rows.items(), key=lambda r: r[1][0]):
        ratio = f"{ammonia[0] / median:.2f}" if ammonia else ""
        print(
            f"| {function} | {median / 1e6:.1f} ms | {n / median * 1e3:.1f} "
            f"| {median / n:.2f} | {ratio} |"
        )


def per_byte(rows, function, size=None):
    hit = rows.get((function, size))
    return hit[0] / hit[1] if hit else None


def dos_table(runs):
    diary = runs.get("diary", {})
    full = per_byte(diary, "safe-markup-ugc-full")
    fast = per_byte(diary, "safe-markup-ugc")
    ammonia = per_byte(diary, "ammonia")
    if not (full and fast and ammonia):
        return
    print("\nDoS shapes (ns/byte; multiples of the diary corpus's)\n")
    print(f"diary corpus: full pipeline {full:.2f} ns/byte, clean {fast:.2f} ns/byte, "
          f"ammonia {ammonia:.2f} ns/byte\n")
    print("| shape | n | bytes | clean ns/byte | × diary (full) | × diary (clean) "
          "| full pipeline ns/byte | × diary (full) | ammonia ns/byte | × ammonia's diary |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for group in sorted(g for g in runs if g.startswith("dos_")):
        rows = runs[group]
        sizes = sorted({int(s) for (_, s) in rows if s is not None})
        for size in sizes:
            s = str(size)
            clean = per_byte(rows, "safe-markup-ugc", s)
            if clean is None:
                continue
            n = rows[("safe-markup-ugc", s)][1]
            line = (f"| {group[4:]} | {size:,} | {n:,} | {clean:.2f} | {clean / full:.2f} "
                    f"| {clean / fast:.2f} |")
            whole = per_byte(rows, "safe-markup-ugc-full", s)
            line += f" {whole:.2f} | {whole / full:.2f} |" if whole else " | |"
            theirs = per_byte(rows, "ammonia", s)
            line += f" {theirs:.2f} | {theirs / ammonia:.2f} |" if theirs else " | |"
            print(line)


def presets_table(runs):
    """The DoS shapes under the other presets, each against that preset's
    own cost on the diary corpus, from the same run."""
    diary = runs.get("diary", {})
    presets = [p for p in ("safe-markup-strict", "safe-markup-diary")
               if per_byte(diary, p)]
    if not presets:
        return
    print("\nDoS shapes under the other presets (ns/byte; multiples of the "
          "same preset's diary corpus figure)\n")
    print("diary corpus: " + ", ".join(
        f"{p[12:]} {per_byte(diary, p):.2f} ns/byte" for p in presets) + "\n")
    print("| shape | n | " + " | ".join(f"{p[12:]} ns/byte | × diary" for p in presets) + " |")
    print("|---|---:|" + "---:|---:|" * len(presets))
    for group in sorted(g for g in runs if g.startswith("dos_")):
        rows = runs[group]
        for size in sorted({int(s) for (f, s) in rows if s is not None and f in presets}):
            line = f"| {group[4:]} | {size:,} |"
            for p in presets:
                ours = per_byte(rows, p, str(size))
                line += f" {ours:.2f} | {ours / per_byte(diary, p):.2f} |" if ours else " | |"
            print(line)


def growth_table(runs, group):
    rows = runs.get(group, {})
    if not rows:
        return
    print(f"\n{group} (ns/byte)\n")
    print("| n | bytes | safe-markup ugc | ammonia |")
    print("|---:|---:|---:|---:|")
    for size in sorted({int(s) for (_, s) in rows if s is not None}):
        s = str(size)
        ours = per_byte(rows, "safe-markup-ugc", s)
        theirs = per_byte(rows, "ammonia", s)
        n = rows[("safe-markup-ugc", s)][1]
        print(f"| {size:,} | {n:,} | {ours:.1f} | {theirs:.1f} |")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    runs = load(sys.argv[1])
    if not runs:
        sys.exit(f"no criterion results for baseline {sys.argv[1]!r} under target/criterion")
    for group in ("diary", "pages"):
        corpus_table(runs, group)
    for group in sorted(runs):
        if group not in ("diary", "pages") and not group.startswith("dos_"):
            growth_table(runs, group)
    dos_table(runs)
    presets_table(runs)


if __name__ == "__main__":
    main()
