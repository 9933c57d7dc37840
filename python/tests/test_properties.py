"""Properties that hold for every input (Hypothesis): cleaning is
idempotent, and the output holds no element beyond the allowlist."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

import safe_markup
from safe_markup import Policy

TAGS = ["a", "b", "i", "p", "div", "script", "style", "svg", "math", "table", "tr", "td", "img",
        "iframe", "noscript", "template", "textarea", "title", "li", "ul", "select", "option", "x-y"]
ATTRS = ["href", "src", "onclick", "style", "title", "id", "lang"]
VALUES = ["javascript:alert(1)", "https://e.test/", "/rel", "x\" onerror=\"y", "#n", ""]

piece = st.one_of(
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.tuples(st.sampled_from(TAGS), st.sampled_from(ATTRS), st.sampled_from(VALUES)).map(
        lambda t: f'<{t[0]} {t[1]}="{t[2]}">'
    ),
    st.sampled_from(["<!--", "-->", "<!-- c -->", "&amp;", "&", "<", ">", "\"", "'", "\n", "x y"]),
    st.text(max_size=5),
)
markup = st.lists(piece, max_size=40).map("".join)

POLICIES = {
    "ugc": Policy.ugc(),
    "strict": Policy.strict(),
    "nh3 small": safe_markup.Cleaner(tags={"p", "b", "a"}, attributes={"a": {"href"}}).policy,
}
START_TAG = re.compile(r"<([a-zA-Z][^\s/>]*)")


@settings(max_examples=300, deadline=None)
@given(markup)
def test_cleaning_is_idempotent(html):
    for policy in POLICIES.values():
        once = policy.clean(html)
        assert policy.clean(once) == once


@settings(max_examples=300, deadline=None)
@given(markup)
def test_output_holds_only_allowed_tags(html):
    allowed = {"p", "b", "a"}
    out = POLICIES["nh3 small"].clean(html)
    # Outside comments, every `<` that starts a tag names an allowed one
    # (text `<` is escaped, so any match here is a real tag).
    body = re.sub(r"<!--.*?-->", "", out, flags=re.S)
    assert {m.group(1).lower() for m in START_TAG.finditer(body)} <= allowed
    # No kept URL runs script (inside a tag: text is escaped, so `<` here
    # always opens one).
    assert not re.search(r'<[^>]* (?:href|src)="\s*javascript:', body, flags=re.I)


@settings(max_examples=200, deadline=None)
@given(st.lists(markup, max_size=20))
def test_clean_many_equals_clean(batch):
    policy = POLICIES["ugc"]
    assert policy.clean_many(batch) == [policy.clean(s) for s in batch]
