"""Policy objects: presets, policy files, keywords, and every method."""

from __future__ import annotations

import threading

import pytest

import safe_markup
from safe_markup import Change, CleanError, LimitExceeded, Policy, PolicyError

PRESETS = [Policy.ugc, Policy.strict, Policy.text, Policy.diary, Policy.diary_untrusted]


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.__name__)
def test_every_preset_removes_script_and_handlers(preset):
    out = preset().clean('<p onclick="x()">hi<script>alert(1)</script></p>')
    # No element that runs code, whether removed or shown as text.
    assert "<script" not in out and "<p onclick" not in out and "hi" in out


def test_ugc_keeps_formatting_and_adds_rel():
    out = Policy.ugc().clean('<b>x</b><a href="https://e.test/">l</a>')
    assert out == '<b>x</b><a href="https://e.test/" rel="noopener noreferrer">l</a>'


def test_strict_adds_nofollow_ugc():
    out = Policy.strict().clean('<h1><a href="https://e.test/">l</a></h1>')
    assert out == '<a href="https://e.test/" rel="nofollow ugc noopener noreferrer">l</a>'


def test_text_preset_shows_markup_as_typed():
    assert Policy.text().clean("<b>bold</b> & it") == "&lt;b&gt;bold&lt;/b&gt; &amp; it"


def test_from_toml_and_its_errors():
    policy = Policy.from_toml('tags = ["p", "em"]\n')
    assert policy.clean("<p><em>a</em><b>b</b></p>") == "<p><em>a</em>b</p>"
    with pytest.raises(PolicyError) as err:
        Policy.from_toml('tags = ["script"]\n')
    assert "script" in str(err.value)
    assert isinstance(err.value, ValueError)
    with pytest.raises(PolicyError):
        Policy.from_toml("tags = [")


def test_keywords():
    policy = Policy(
        tags={"p", "a"},
        attributes={"a": {"href"}, "*": {"lang"}},
        url_schemes={"https"},
        link_rel="nofollow",
    )
    out = policy.clean('<p lang="en" id="x"><a href="http://e.test/">a</a><a href="https://e.test/">b</a></p>')
    assert out == '<p lang="en"><a>a</a><a href="https://e.test/" rel="nofollow">b</a></p>'


def test_keywords_on_a_base_preset():
    policy = Policy(base="strict", tags={"h2"})
    assert policy.clean("<h2><b>t</b></h2>") == "<h2><b>t</b></h2>"
    assert Policy.strict().clean("<h2>t</h2>") == "t"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tags": {"script"}},
        {"attributes": {"a": {"onclick"}}},
        {"url_schemes": {"javascript"}},
        {"base": "nope"},
        {"id_prefix": "bad prefix!"},
    ],
    ids=str,
)
def test_unsafe_or_unknown_settings_raise_policy_error(kwargs):
    with pytest.raises(PolicyError):
        Policy(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [{"tags": "p"}, {"tags": 3}, {"tags": [b"p"]}, {"attributes": ["a"]}, {"attributes": {"a": "href"}}],
    ids=str,
)
def test_wrong_argument_types_raise_type_error(kwargs):
    with pytest.raises(TypeError):
        Policy(**kwargs)


def test_other_tags_value_is_checked():
    with pytest.raises(ValueError):
        Policy(other_tags="explode")
    assert Policy(other_tags="drop").clean("<x-y>gone</x-y>kept") == "kept"


def test_clean_report_lists_typed_changes():
    cleaned = Policy.ugc().clean_report('<p style="x">t</p><script>s</script>')
    assert cleaned.html == "<p>t</p>"
    html, changes = cleaned
    assert html == cleaned.html
    assert changes == cleaned.changes
    assert isinstance(changes[0], Change) and changes[0].kind == "attribute"
    assert (changes[0].name, changes[0].rule, changes[0].element) == ("style", "attribute_not_allowed", "p")
    assert (changes[1].kind, changes[1].name, changes[1].rule) == ("element", "script", "dropped")
    assert cleaned.limit_exceeded is None
    assert "attribute_not_allowed" in repr(changes[0])


def test_clean_report_names_a_crossed_limit():
    policy = Policy(base="ugc", max_depth=3)
    cleaned = policy.clean_report("<div>" * 10)
    assert cleaned.limit_exceeded == "depth"
    assert cleaned.html == "&lt;div&gt;" * 10
    assert any(c.rule == "limit_exceeded" and c.limit == "depth" for c in cleaned.changes)


def test_try_clean_raises_limit_exceeded_with_the_library_message():
    policy = Policy(base="ugc", max_input_bytes=4)
    assert policy.try_clean("ok").html == "ok"
    with pytest.raises(LimitExceeded) as err:
        policy.try_clean("too long")
    assert str(err.value) == "input exceeds the input size limit (4)"
    assert (err.value.limit, err.value.max) == ("input_bytes", 4)
    assert isinstance(err.value, CleanError) and isinstance(err.value, ValueError)


def test_excerpt_and_to_text():
    policy = Policy.ugc()
    post = "<p>First <b>entry</b> of the year.</p><p>Second paragraph.</p>"
    assert policy.excerpt(post, 12) == "<p>First <b>entry…</b></p>"
    assert policy.to_text(post) == "First entry of the year.\n\nSecond paragraph."
    assert policy.excerpt(post, 0) == ""
    with pytest.raises(ValueError):
        policy.excerpt(post, -1)


def test_clean_many_matches_clean_in_order():
    policy = Policy.ugc()
    inputs = [f"<b onclick=x>{i}</b><script>{i}</script>" for i in range(500)]
    assert policy.clean_many(inputs) == [policy.clean(s) for s in inputs]
    assert policy.clean_many(iter(inputs[:3])) == [policy.clean(s) for s in inputs[:3]]
    assert policy.clean_many([]) == []


@pytest.mark.parametrize("bad", [None, 3, "a string", [1], ["ok", None], [b"bytes"]], ids=repr)
def test_clean_many_rejects_non_strings(bad):
    with pytest.raises(TypeError):
        Policy.ugc().clean_many(bad)


@pytest.mark.parametrize("method", ["clean", "clean_report", "try_clean", "to_text"])
@pytest.mark.parametrize("bad", [None, b"<b>x</b>", 3, ["<b>"]], ids=repr)
def test_methods_reject_non_str(method, bad):
    with pytest.raises(TypeError):
        getattr(Policy.ugc(), method)(bad)


def test_lone_surrogates_raise_value_error_not_crash():
    with pytest.raises(UnicodeEncodeError):
        Policy.ugc().clean("a\ud800b")


def test_huge_input_is_escaped_not_parsed():
    big = "<b>" + "x" * (5 * 1024 * 1024)
    out = Policy.ugc().clean(big)
    assert out.startswith("&lt;b&gt;xxx")
    with pytest.raises(LimitExceeded):
        Policy.ugc().try_clean(big)


def test_deep_nesting_neither_crashes_nor_hangs():
    deep = "<div>" * 100_000 + "x" + "</div>" * 100_000
    out = Policy.ugc().clean(deep)
    assert "<div>" not in out and "x" in out
    with pytest.raises(LimitExceeded):
        Policy.ugc().try_clean(deep)


def test_threads_share_one_policy():
    policy = Policy.ugc()
    source = "<p>" + "<b>x</b><script>y</script>" * 200 + "</p>"
    expected = policy.clean(source)
    results = []

    def work():
        results.extend(policy.clean(source) for _ in range(50))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 200 and all(r == expected for r in results)


def test_repr_names_the_preset():
    assert repr(Policy.diary_untrusted()) == "Policy.diary_untrusted()"


def test_every_public_name_has_a_docstring():
    for name in safe_markup.__all__:
        obj = getattr(safe_markup, name)
        if callable(obj):
            assert obj.__doc__, name
