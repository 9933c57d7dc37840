"""The allowlist refinements: nh3's `tag_attribute_values`,
`allowed_classes`, `generic_attribute_prefixes`, `set_tag_attribute_values`
and `clean_text`, and the `Policy(...)` keywords behind them; compared with
nh3 from PyPI where the output should be the same."""

from __future__ import annotations

import html as html_lib

import pytest

import safe_markup
from safe_markup import Policy, PolicyError

nh3 = pytest.importorskip("nh3")

# (html, nh3 keywords): documents where safe_markup's output is nh3's.
SAME_AS_NH3 = [
    ('<ol start="3" type="a"><li>x</li></ol>', {"tag_attribute_values": {"ol": {"type": {"1", "a"}}}}),
    ('<ol type="disc"><li>x</li></ol>', {"tag_attribute_values": {"ol": {"type": {"1", "a"}}}}),
    # Allowed outright (per tag or generic), the value list changes nothing.
    ('<ol start="3"><li>x</li></ol>', {"tag_attribute_values": {"ol": {"start": {"1"}}}}),
    ('<p lang="xx">x</p>', {"tag_attribute_values": {"p": {"lang": {"en"}}}}),
    ('<div role="alert" aria-x="1">x</div>', {"tag_attribute_values": {"div": {"role": {"alert"}}}}),
    ('<div role="banner">x</div>', {"tag_attribute_values": {"div": {"role": {"alert"}}}}),
    # A tag that is not kept: its setting does nothing.
    ('<div role="alert">x</div>', {"tags": {"p"}, "tag_attribute_values": {"div": {"role": {"alert"}}}}),
    (
        '<code class="hljs  language-rust evil">fn</code>',
        {"allowed_classes": {"code": {"hljs", "language-rust"}}},
    ),
    ('<span class="hl">x</span><code class="hl">y</code>', {"allowed_classes": {"span": {"hl"}}}),
    (
        '<p data-id="7" data-src="y" onclick="z()">t</p>',
        {"generic_attribute_prefixes": {"data-"}},
    ),
    ('<p aria-label="a" data-x="1">t</p>', {"generic_attribute_prefixes": {"aria-"}}),
    (
        '<img src="a.png" loading="eager" alt="a"><img>',
        {"set_tag_attribute_values": {"img": {"loading": "lazy"}}},
    ),
    ('<img src="a.png" alt="a">', {"set_tag_attribute_values": {"img": {"alt": "x"}}}),
    ('<p>x</p><p title="a">y</p>', {"set_tag_attribute_values": {"p": {"title": "t"}}}),
    (
        '<a href="https://e.test/">x</a>',
        {"set_tag_attribute_values": {"a": {"referrerpolicy": "no-referrer"}}},
    ),
]


@pytest.mark.parametrize("html, kwargs", SAME_AS_NH3, ids=lambda v: str(v)[:60])
def test_same_output_as_nh3(html, kwargs):
    assert safe_markup.clean(html, **kwargs) == nh3.clean(html, **kwargs)
    assert safe_markup.Cleaner(**kwargs).clean(html) == nh3.Cleaner(**kwargs).clean(html)


def test_tag_attribute_values_compares_exactly():
    kwargs = {"tag_attribute_values": {"ol": {"type": {"1", "a"}}}}
    # nh3 (ammonia) compares values case-insensitively and keeps type="A";
    # "A" and "a" are different list styles, so safe_markup does not.
    assert nh3.clean('<ol type="A"><li>x</li></ol>', **kwargs) == '<ol type="A"><li>x</li></ol>'
    assert safe_markup.clean('<ol type="A"><li>x</li></ol>', **kwargs) == "<ol><li>x</li></ol>"
    # A kept value still passes the other checks.
    out = safe_markup.clean(
        '<a href="javascript:x()">x</a>',
        attributes={"a": set()},
        tag_attribute_values={"a": {"href": {"javascript:x()"}}},
        link_rel=None,
    )
    assert out == "<a>x</a>"


def test_allowed_classes_removes_an_empty_class():
    kwargs = {"allowed_classes": {"code": {"hljs"}}}
    assert nh3.clean('<code class="evil">x</code>', **kwargs) == '<code class="">x</code>'
    assert safe_markup.clean('<code class="evil">x</code>', **kwargs) == "<code>x</code>"


def test_prefix_alone_is_no_attribute_name():
    kwargs = {"generic_attribute_prefixes": {"data-"}}
    # nh3 keeps `data-="x"`; safe_markup admits only names longer than
    # the prefix.
    assert nh3.clean('<p data-="x">t</p>', **kwargs) == '<p data-="x">t</p>'
    assert safe_markup.clean('<p data-="x">t</p>', **kwargs) == "<p>t</p>"


def test_allowed_classes_prefix():
    out = safe_markup.clean(
        '<code class="language-rust x">x</code>', allowed_classes={"code": {"language-*"}}
    )
    assert out == '<code class="language-rust">x</code>'


def test_allowed_classes_with_class_allowed_is_a_policy_error():
    # nh3 panics (PanicException) on this; safe_markup names the conflict.
    with pytest.raises(PolicyError, match="class"):
        safe_markup.clean("x", attributes={"code": {"class"}}, allowed_classes={"code": {"hl"}})


@pytest.mark.parametrize("prefix", ["on", "o", "sty", "h", "sr"])
def test_unsafe_prefixes_are_refused(prefix):
    with pytest.raises(PolicyError):
        safe_markup.clean("x", generic_attribute_prefixes={prefix})


@pytest.mark.parametrize("attr", ["target", "rel"])
@pytest.mark.parametrize("tag", ["a", "area"])
def test_forced_rel_and_target_on_links_are_refused(tag, attr):
    kwargs = {"set_tag_attribute_values": {tag: {attr: "_blank"}}}
    with pytest.raises(ValueError, match="noopener"):
        safe_markup.clean('<a href="https://e.test/">x</a>', **kwargs)
    with pytest.raises(ValueError, match=attr):
        safe_markup.Cleaner(**kwargs)


def test_forced_values_pass_the_policy_checks():
    with pytest.raises(PolicyError):
        safe_markup.clean(
            "x", attributes={"a": set()}, set_tag_attribute_values={"a": {"href": "javascript:x()"}}
        )
    with pytest.raises(PolicyError):
        safe_markup.clean("x", set_tag_attribute_values={"p": {"onclick": "x()"}})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"generic_attribute_prefixes": "data-"},
        {"tag_attribute_values": {"ol": {"type": "1"}}},
        {"tag_attribute_values": {"ol": {"type"}}},
        {"set_tag_attribute_values": {"img": {"loading": 1}}},
        {"set_tag_attribute_values": {"img": "loading"}},
        {"allowed_classes": {"code": "hl"}},
    ],
    ids=str,
)
def test_bad_types_raise_type_error(kwargs):
    with pytest.raises(TypeError):
        safe_markup.clean("<b>x</b>", **kwargs)


TEXTS = [
    'Robert"); abuse();//',
    "<b>Tom & \"Jerry\"</b>",
    "a\tb\nc\r\x0c d `=' /",
    "ünïcödé — 🦀 <",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_clean_text_matches_nh3(text):
    ours = safe_markup.clean_text(text)
    # Same characters escaped; nh3 spells a few with named references
    # (&grave; &apos;) where safe_markup writes numeric ones.
    assert html_lib.unescape(ours) == html_lib.unescape(nh3.clean_text(text)) == text
    for c in "<>\"'`= /\t\n\r":
        assert c not in ours


def test_clean_text_nul():
    assert safe_markup.clean_text("a\x00b") == "a\ufffdb"
    assert html_lib.unescape(nh3.clean_text("a\x00b")) == "a\ufffdb"


def test_clean_text_type_error():
    with pytest.raises(TypeError):
        safe_markup.clean_text(b"x")


def test_policy_keywords():
    policy = Policy(
        base="ugc",
        attribute_values={"ol": {"type": ["1", "a"]}},
        allowed_classes={"code": ["language-*"]},
        attribute_prefixes=["data-"],
        forced_attributes={"img": {"loading": "lazy"}},
    )
    out = policy.clean(
        '<ol type="i" data-q="1"><li><code class="language-py x">c</code>'
        '<img src="a.png" loading="eager"></li></ol>'
    )
    assert out == (
        '<ol data-q="1"><li><code class="language-py">c</code>'
        '<img src="a.png" loading="lazy"></li></ol>'
    )
    changes = policy.clean_report('<ol type="i"><li>x</li></ol>').changes
    assert [c.rule for c in changes] == ["attribute_value_not_allowed"]


def test_policy_keywords_errors():
    with pytest.raises(PolicyError, match="rel"):
        Policy(base="ugc", forced_attributes={"a": {"rel": "nofollow"}})
    with pytest.raises(PolicyError):
        Policy(base="ugc", attribute_prefixes=["on"])
    with pytest.raises(PolicyError):
        Policy(base="ugc", attributes={"ol": {"type"}}, attribute_values={"ol": {"type": ["1"]}})
    with pytest.raises(TypeError):
        Policy(attribute_values={"ol": ["type"]})
    with pytest.raises(TypeError):
        Policy(forced_attributes={"img": {"loading": 1}})
    with pytest.raises(TypeError):
        Policy(attribute_prefixes="data-")
