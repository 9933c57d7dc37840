"""The repository's corpora, read for the tests and the benchmark."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "corpus"


def diary() -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "diary").glob("*.html"))]


def pages() -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "pages").glob("*.html"))]


def xss() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "xss").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                record = json.loads(line)
                out.append((record["id"], record["input"]))
    return out
