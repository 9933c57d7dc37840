"""Throughput of safe_markup against nh3, bleach, lxml_html_clean and
html_sanitizer over the diary and pages corpora: the same bytes and, as
far as each library allows, the same allowlist (ammonia's defaults, which
are nh3's and safe_markup's `Policy.ugc()`).

    python bench.py [--seconds 2]

Each library cleans the whole corpus repeatedly for at least `--seconds`
of wall time; the table gives MB/s and the ratio to nh3 from this run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))
import corpus  # noqa: E402

import safe_markup  # noqa: E402

TAGS = safe_markup.ALLOWED_TAGS
ATTRS = safe_markup.ALLOWED_ATTRIBUTES
SCHEMES = safe_markup.ALLOWED_URL_SCHEMES


def cleaners():
    out = {}
    policy = safe_markup.Policy.ugc()
    out["safe_markup clean"] = policy.clean
    out["safe_markup clean_many"] = ("batch", policy.clean_many)
    try:
        import nh3

        out["nh3 clean"] = nh3.clean
        cleaner = nh3.Cleaner()
        out["nh3 Cleaner.clean"] = cleaner.clean
    except ImportError:
        pass
    try:
        import bleach

        attrs = {tag: sorted(a) for tag, a in ATTRS.items()}
        attrs["*"] = ["lang", "title"]
        b = bleach.Cleaner(tags=TAGS, attributes=attrs, protocols=SCHEMES, strip=True)
        out["bleach"] = b.clean
    except ImportError:
        pass
    try:
        from lxml_html_clean import Cleaner

        lx = Cleaner(allow_tags=TAGS, remove_unknown_tags=False, safe_attrs_only=True)
        out["lxml_html_clean"] = lx.clean_html
    except ImportError:
        pass
    try:
        from html_sanitizer import Sanitizer

        hs = Sanitizer({"tags": set(TAGS), "attributes": {t: tuple(a) for t, a in ATTRS.items() if t in TAGS},
                        "empty": {"br", "hr", "img"}, "separate": set(TAGS)})
        out["html_sanitizer"] = hs.sanitize
    except (ImportError, TypeError) as e:  # its settings check is strict; say why it is missing
        print(f"html_sanitizer skipped: {e}")
    return out


def run(fn, docs, seconds):
    total = sum(len(d.encode()) for d in docs)
    rounds = 0
    start = time.perf_counter()
    while True:
        if isinstance(fn, tuple):
            fn[1](docs)
        else:
            for d in docs:
                fn(d)
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return total * rounds / elapsed / 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    corpora = {"diary": [d for _, d in corpus.diary()], "pages": [d for _, d in corpus.pages()]}
    libs = cleaners()
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}")
    for name, docs in corpora.items():
        size = sum(len(d.encode()) for d in docs) / 1e6
        print(f"\n{name}: {len(docs)} documents, {size:.2f} MB")
        print("| library | MB/s | × nh3 clean |")
        print("|---|---:|---:|")
        results = {}
        for lib, fn in libs.items():
            try:
                results[lib] = run(fn, docs, args.seconds)
            except Exception as e:  # a library that fails on a page is reported, not fatal
                print(f"| {lib} | failed: {type(e).__name__} | |")
        base = results.get("nh3 clean")
        for lib, mbs in results.items():
            ratio = f"{mbs / base:.1f}" if base else "–"
            print(f"| {lib} | {mbs:.2f} | {ratio} |")


if __name__ == "__main__":
    main()
