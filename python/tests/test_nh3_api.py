"""nh3's API as nh3 documents it (0.3.x): defaults, keywords, errors."""

from __future__ import annotations

import pytest

import safe_markup as nh3


def test_documented_examples():
    assert nh3.clean("<unknown>hi") == "hi"
    assert nh3.clean("<b><img src='' onerror='alert(\\'hax\\')'>XSS?</b>") == '<b><img src="">XSS?</b>'
    assert nh3.clean("<b><i>bold italic</i></b>", tags={"b"}) == "<b>bold italic</b>"
    assert nh3.clean("<script>alert('xss')</script>safe", clean_content_tags={"script"}) == "safe"
    assert (
        nh3.clean('<a href="/" id="link">click</a>', attributes={"*": {"id"}, "a": {"href"}})
        == '<a href="/" id="link" rel="noopener noreferrer">click</a>'
    )
    assert nh3.clean('<a href="/foo">x</a>', url_relative="deny") == '<a rel="noopener noreferrer">x</a>'.replace(
        ' rel="noopener noreferrer"', ""
    )
    assert (
        nh3.clean('<a href="/foo">x</a>', url_relative=("rewrite_with_base", "https://example.com"))
        == '<a href="https://example.com/foo" rel="noopener noreferrer">x</a>'
    )
    assert nh3.clean('<b id="x">hi</b>', attributes={"b": {"id"}}, id_prefix="user-content-") == (
        '<b id="user-content-x">hi</b>'
    )


def test_defaults_keep_generic_lang_and_title():
    assert nh3.clean('<p lang="en" title="t" id="x">a</p>') == '<p lang="en" title="t">a</p>'
    # `attributes` without "*" replaces the per-tag lists only, as in nh3.
    assert nh3.clean('<p lang="en" id="x">a</p>', attributes={"p": {"id"}}) == '<p lang="en" id="x">a</p>'


def test_comments_and_link_rel():
    assert nh3.clean("<!-- c -->x") == "x"
    assert nh3.clean("<!-- c -->x", strip_comments=False) == "<!-- c -->x"
    assert nh3.clean('<a href="https://e.test/">x</a>', link_rel=None) == '<a href="https://e.test/">x</a>'
    assert nh3.clean('<a href="https://e.test/">x</a>', link_rel="nofollow") == (
        '<a href="https://e.test/" rel="nofollow">x</a>'
    )


def test_url_schemes_and_style_properties():
    assert nh3.clean('<a href="ftp://e.test/">x</a>', url_schemes={"https"}, link_rel=None) == "<a>x</a>"
    out = nh3.clean(
        '<span style="color: red; position: fixed">text</span>',
        attributes={"span": {"style"}},
        filter_style_properties={"color"},
    )
    assert out == '<span style="color: red">text</span>'


def test_cleaner_is_reusable():
    cleaner = nh3.Cleaner(tags={"b", "i"}, attributes={})
    assert cleaner.clean("<b><i>safe</i></b><script>xss</script>") == "<b><i>safe</i></b>"
    assert cleaner.clean("<b>another</b> <em>fragment</em>") == "<b>another</b> fragment"
    assert cleaner.policy.clean_report("<em>x</em>").changes[0].name == "em"


def test_constants_are_ammonias_defaults():
    assert "script" not in nh3.ALLOWED_TAGS and {"a", "img", "table"} <= nh3.ALLOWED_TAGS
    assert nh3.ALLOWED_ATTRIBUTES["a"] == {"href", "hreflang"}
    assert {"http", "https", "mailto"} <= nh3.ALLOWED_URL_SCHEMES and "javascript" not in nh3.ALLOWED_URL_SCHEMES
    assert nh3.CLEAN_CONTENT_TAGS == {"script", "style"}


@pytest.mark.parametrize(
    "keyword, value",
    [
        ("attribute_filter", lambda tag, attr, value: value),
        ("url_relative", lambda url: url),
        ("url_relative", ("rewrite_with_root", "https://e.test/", "p/")),
    ],
)
def test_missing_settings_raise_not_implemented_naming_the_keyword(keyword, value):
    with pytest.raises(NotImplementedError, match=keyword):
        nh3.clean("<b>x</b>", **{keyword: value})
    with pytest.raises(NotImplementedError, match=keyword):
        nh3.Cleaner(**{keyword: value})


def test_tags_in_both_lists_is_a_value_error():
    with pytest.raises(ValueError, match="clean_content_tags"):
        nh3.clean("<b>x</b>", tags={"b"}, clean_content_tags={"b"})
    # nh3 panics here (ammonia asserts); the library refuses it by name.
    with pytest.raises(ValueError, match="script"):
        nh3.clean("<script>x</script>", tags={"script"})


def test_style_without_properties_is_refused():
    with pytest.raises(nh3.PolicyError, match="style"):
        nh3.clean('<span style="color: red">x</span>', attributes={"span": {"style"}})


@pytest.mark.parametrize(
    "kwargs",
    [{"tags": "b"}, {"tags": {1}}, {"attributes": {"a"}}, {"strip_comments": "no"}, {"link_rel": 3}],
    ids=str,
)
def test_bad_keyword_types_raise_type_error(kwargs):
    with pytest.raises(TypeError):
        nh3.clean("<b>x</b>", **kwargs)


@pytest.mark.parametrize("bad", [None, b"<b>x</b>", 1])
def test_bad_html_raises_type_error(bad):
    with pytest.raises(TypeError):
        nh3.clean(bad)
    with pytest.raises(TypeError):
        nh3.is_html(bad)


def test_url_relative_bad_value():
    with pytest.raises(ValueError):
        nh3.clean("x", url_relative="sometimes")


def test_clean_text():
    assert nh3.clean_text("<span>hello <mention>moto</mention>!</span>", tags={"mention"}) == (
        "hello <mention>moto</mention>!"
    )
    assert nh3.escape is nh3.clean_text
    assert nh3.clean_text('Robert"); abuse();//') == "Robert&quot;);&#32;abuse();&#47;&#47;"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("plain text", False),
        ("a < b and c > d", False),
        ("fish &amp; chips", False),
        ("<p>html!</p>", True),
        ("Vec::<u8>::new()", True),
        ("a <!-- comment -->", True),
        ("</b>", True),
        ("", False),
    ],
)
def test_is_html(text, expected):
    assert nh3.is_html(text) is expected


def test_is_html_agrees_with_nh3_on_the_corpora():
    reference = pytest.importorskip("nh3")
    from corpus import diary, xss

    differ = [name for name, source in xss() + diary() if nh3.is_html(source) != reference.is_html(source)]
    assert differ == []
