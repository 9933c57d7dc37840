"""Why safe_markup's `clean` differs from nh3's on an input: the known,
deliberate categories (each explained in python/README.md)."""

from __future__ import annotations

import re

# Elements whose content the parser reads as raw text or that hide
# content: the library drops them with their content; ammonia unwraps
# them and so shows their raw text, escaped.
RAW_TEXT = {"noscript", "iframe", "noembed", "noframes", "title", "template", "xmp", "textarea", "plaintext", "style", "script", "head", "frameset"}

KNOWN = {
    "rel_on_non_links",
    "whitespace",
    "raw_text_dropped",
    "foreign_content",
    "stability",
    "unterminated_tag",
    "limit",
    "comment",
    "nh3_drops_text",
}

_A_WITHOUT_HREF_REL = re.compile(r'<a((?: [a-z-]+="[^"]*")*?) rel="[^"]*">')


def _drop_rel_on_non_links(html: str) -> str:
    """nh3's output with the `rel` it adds to `<a>` elements that have no
    `href` taken off: the library adds `rel` to links only."""
    return _A_WITHOUT_HREF_REL.sub(
        lambda m: m.group(0) if "href=" in m.group(1) else "<a" + m.group(1) + ">", html
    )


def _squash(html: str) -> str:
    return re.sub(r"\s+", "", html)


def categorise(source: str, theirs: str, ours: str, policy) -> set[str]:
    """The categories that explain `ours != theirs`; "other" when none do."""
    found: set[str] = set()
    normal = _drop_rel_on_non_links(theirs)
    if normal != theirs:
        found.add("rel_on_non_links")
        if normal == ours:
            return found
    if _squash(normal) == _squash(ours):
        found.add("whitespace")
        return found
    rules = {(c.rule, c.name) for c in policy.clean_report(source).changes}
    names = {rule for rule, _ in rules}
    if any(rule == "dropped" and name in RAW_TEXT for rule, name in rules):
        found.add("raw_text_dropped")
    if "foreign" in names:
        found.add("foreign_content")
    if names & {"misnested", "fostered"}:
        found.add("stability")
    if "unterminated" in names:
        found.add("unterminated_tag")
    if "limit_exceeded" in names:
        found.add("limit")
    if "unsafe_comment" in names or "comment" in names:
        found.add("comment")
    if not found and _is_subsequence(_text(normal), _text(ours)):
        found.add("nh3_drops_text")
    return found or {"other"}


def _text(html: str) -> str:
    return _squash(re.sub(r"<[^>]*>", "", html))


def _is_subsequence(short: str, long: str) -> bool:
    """Whether every character of `short` appears in `long`, in order: the
    text nh3 kept is all in ours, and ours has more."""
    rest = iter(long)
    return len(short) < len(long) and all(ch in rest for ch in short)
