"""nh3's API (0.3.x) on top of safe-markup's ``Policy``.

Each set of keywords is turned into a ``Policy`` once and kept in a small
cache, so ``clean(html, tags=...)`` in a loop does not rebuild the policy on
every call (nh3 builds its sanitizer on every call to ``clean``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Callable, Optional

from ._native import Policy

# ammonia's defaults, which nh3 exports under these names. They are
# copies: changing them changes nothing (as in nh3).
ALLOWED_TAGS: set[str] = {
    "a", "abbr", "acronym", "area", "article", "aside", "b", "bdi", "bdo",
    "blockquote", "br", "caption", "center", "cite", "code", "col",
    "colgroup", "data", "dd", "del", "details", "dfn", "div", "dl", "dt",
    "em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hgroup", "hr", "i", "img", "ins", "kbd", "li", "map",
    "mark", "nav", "ol", "p", "pre", "q", "rp", "rt", "rtc", "ruby", "s",
    "samp", "small", "span", "strike", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "th", "thead", "time", "tr", "tt", "u", "ul",
    "var", "wbr",
}
_TABLE_PART = {"align", "char", "charoff"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "hreflang"},
    "bdo": {"dir"},
    "blockquote": {"cite"},
    "col": _TABLE_PART | {"span"},
    "colgroup": _TABLE_PART | {"span"},
    "del": {"cite", "datetime"},
    "hr": {"align", "size", "width"},
    "img": {"align", "alt", "height", "src", "width"},
    "ins": {"cite", "datetime"},
    "ol": {"start"},
    "q": {"cite"},
    "table": _TABLE_PART | {"summary"},
    "tbody": set(_TABLE_PART),
    "td": _TABLE_PART | {"colspan", "headers", "rowspan"},
    "tfoot": set(_TABLE_PART),
    "th": _TABLE_PART | {"colspan", "headers", "rowspan", "scope"},
    "thead": set(_TABLE_PART),
    "tr": set(_TABLE_PART),
}
ALLOWED_URL_SCHEMES: set[str] = {
    "bitcoin", "ftp", "ftps", "geo", "http", "https", "im", "irc", "ircs",
    "magnet", "mailto", "mms", "mx", "news", "nntp", "openpgp4fpr", "sip",
    "sms", "smsto", "ssh", "tel", "url", "webcal", "wtai", "xmpp",
}
CLEAN_CONTENT_TAGS: set[str] = {"script", "style"}
# ammonia's generic attributes, kept unless `attributes` has a "*" key.
_GENERIC_ATTRIBUTES = frozenset({"lang", "title"})

# Keywords whose setting the library does not have yet; each is refused by
# name rather than ignored, since ignoring one would keep or drop markup
# the caller did not expect.
_NOT_YET = (
    "attribute_filter",
    "generic_attribute_prefixes",
    "tag_attribute_values",
    "set_tag_attribute_values",
    "allowed_classes",
)


def _frozen_set(value: Any, keyword: str) -> frozenset[str]:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{keyword}: expected a set of str, got {type(value).__name__}")
    try:
        items = frozenset(value)
    except TypeError:
        raise TypeError(
            f"{keyword}: expected a set of str, got {type(value).__name__}"
        ) from None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{keyword}: expected str items, got {type(item).__name__}")
    return items


def _frozen_map(value: Any, keyword: str) -> tuple[tuple[str, frozenset[str]], ...]:
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{keyword}: expected a mapping of str to sets of str, got {type(value).__name__}"
        )
    out = []
    for tag, attrs in value.items():
        if not isinstance(tag, str):
            raise TypeError(f"{keyword}: keys must be str, got {type(tag).__name__}")
        out.append((tag, _frozen_set(attrs, f"{keyword}[{tag!r}]")))
    return tuple(sorted(out))


def _relative(url_relative: Any) -> Optional[str]:
    """The `relative_urls` value of `Policy` for nh3's `url_relative`."""
    if url_relative is None or url_relative == "pass_through":
        return "pass"
    if url_relative == "deny":
        return "deny"
    if callable(url_relative):
        raise NotImplementedError(
            "url_relative: a callable is not supported by safe_markup yet"
        )
    if isinstance(url_relative, tuple) and url_relative and url_relative[0] == "rewrite_with_base":
        if len(url_relative) != 2 or not isinstance(url_relative[1], str):
            raise ValueError("url_relative: expected ('rewrite_with_base', base_url: str)")
        return url_relative[1]
    if isinstance(url_relative, tuple) and url_relative and url_relative[0] == "rewrite_with_root":
        raise NotImplementedError(
            "url_relative: ('rewrite_with_root', ...) is not supported by safe_markup yet"
        )
    raise ValueError(
        "url_relative: expected None, 'pass_through', 'deny', "
        f"('rewrite_with_base', url) or a callable, got {url_relative!r}"
    )


@functools.lru_cache(maxsize=128)
def _policy(
    tags: Optional[frozenset[str]],
    clean_content_tags: Optional[frozenset[str]],
    attributes: Optional[tuple[tuple[str, frozenset[str]], ...]],
    strip_comments: bool,
    link_rel: Optional[str],
    url_schemes: Optional[frozenset[str]],
    filter_style_properties: Optional[frozenset[str]],
    relative_urls: str,
    id_prefix: Optional[str],
) -> Policy:
    keep = ALLOWED_TAGS if tags is None else tags
    drop = CLEAN_CONTENT_TAGS if clean_content_tags is None else clean_content_tags
    both = sorted(set(keep) & set(drop))
    if both:
        # nh3 raises ValueError here too (and ammonia, under it, panics).
        raise ValueError(
            f"tag {both[0]!r} cannot appear in both `tags` and `clean_content_tags`"
        )
    if attributes is None:
        attrs: dict[str, Any] = {tag: set(a) for tag, a in ALLOWED_ATTRIBUTES.items()}
    else:
        attrs = dict(attributes)
    # As in nh3, `attributes` replaces the per-tag lists only: the generic
    # ones stay ammonia's unless the mapping has a "*" key.
    attrs.setdefault("*", set(_GENERIC_ATTRIBUTES))
    # Attributes of tags that are not kept change nothing in nh3; the
    # library's builder checks every listed attribute, so pass only these.
    attrs = {tag: a for tag, a in attrs.items() if tag == "*" or tag in keep}
    return Policy(
        tags=keep,
        drop_tags=drop,
        attributes=attrs,
        comments=not strip_comments,
        link_rel=link_rel or "",
        url_schemes=ALLOWED_URL_SCHEMES if url_schemes is None else url_schemes,
        style_properties=filter_style_properties,
        relative_urls=relative_urls,
        id_prefix=id_prefix,
    )


def _build(
    tags: Any = None,
    clean_content_tags: Any = None,
    attributes: Any = None,
    attribute_filter: Optional[Callable[[str, str, str], Optional[str]]] = None,
    strip_comments: bool = True,
    link_rel: Optional[str] = "noopener noreferrer",
    generic_attribute_prefixes: Any = None,
    tag_attribute_values: Any = None,
    set_tag_attribute_values: Any = None,
    url_schemes: Any = None,
    allowed_classes: Any = None,
    filter_style_properties: Any = None,
    url_relative: Any = None,
    id_prefix: Optional[str] = None,
) -> Policy:
    given = {
        "attribute_filter": attribute_filter,
        "generic_attribute_prefixes": generic_attribute_prefixes,
        "tag_attribute_values": tag_attribute_values,
        "set_tag_attribute_values": set_tag_attribute_values,
        "allowed_classes": allowed_classes,
    }
    for keyword in _NOT_YET:
        if given[keyword] is not None:
            raise NotImplementedError(f"{keyword} is not supported by safe_markup yet")
    if not isinstance(strip_comments, bool):
        raise TypeError(f"strip_comments: expected bool, got {type(strip_comments).__name__}")
    if link_rel is not None and not isinstance(link_rel, str):
        raise TypeError(f"link_rel: expected str or None, got {type(link_rel).__name__}")
    if id_prefix is not None and not isinstance(id_prefix, str):
        raise TypeError(f"id_prefix: expected str or None, got {type(id_prefix).__name__}")
    return _policy(
        None if tags is None else _frozen_set(tags, "tags"),
        None if clean_content_tags is None else _frozen_set(clean_content_tags, "clean_content_tags"),
        None if attributes is None else _frozen_map(attributes, "attributes"),
        strip_comments,
        link_rel,
        None if url_schemes is None else _frozen_set(url_schemes, "url_schemes"),
        None
        if filter_style_properties is None
        else _frozen_set(filter_style_properties, "filter_style_properties"),
        _relative(url_relative),
        id_prefix,
    )


class Cleaner:
    """A reusable sanitizer with nh3's keywords (see ``clean``); build it
    once and call ``.clean(html)`` from any thread."""

    __slots__ = ("_policy",)

    def __init__(
        self,
        tags: Any = None,
        clean_content_tags: Any = None,
        attributes: Any = None,
        attribute_filter: Optional[Callable[[str, str, str], Optional[str]]] = None,
        strip_comments: bool = True,
        link_rel: Optional[str] = "noopener noreferrer",
        generic_attribute_prefixes: Any = None,
        tag_attribute_values: Any = None,
        set_tag_attribute_values: Any = None,
        url_schemes: Any = None,
        allowed_classes: Any = None,
        filter_style_properties: Any = None,
        url_relative: Any = None,
        id_prefix: Optional[str] = None,
    ) -> None:
        self._policy = _build(
            tags,
            clean_content_tags,
            attributes,
            attribute_filter,
            strip_comments,
            link_rel,
            generic_attribute_prefixes,
            tag_attribute_values,
            set_tag_attribute_values,
            url_schemes,
            allowed_classes,
            filter_style_properties,
            url_relative,
            id_prefix,
        )

    @property
    def policy(self) -> Policy:
        """The ``Policy`` this cleaner applies (for ``clean_report`` etc.)."""
        return self._policy

    def clean(self, html: str) -> str:
        """Sanitize an HTML fragment."""
        return self._policy.clean(html)


def clean(
    html: str,
    tags: Any = None,
    clean_content_tags: Any = None,
    attributes: Any = None,
    attribute_filter: Optional[Callable[[str, str, str], Optional[str]]] = None,
    strip_comments: bool = True,
    link_rel: Optional[str] = "noopener noreferrer",
    generic_attribute_prefixes: Any = None,
    tag_attribute_values: Any = None,
    set_tag_attribute_values: Any = None,
    url_schemes: Any = None,
    allowed_classes: Any = None,
    filter_style_properties: Any = None,
    url_relative: Any = None,
    id_prefix: Optional[str] = None,
) -> str:
    """Sanitize an HTML fragment, with nh3's keywords and defaults.

    >>> clean("<b><img src='' onerror='alert(1)'>XSS?</b>")
    '<b><img src="">XSS?</b>'
    """
    policy = _build(
        tags,
        clean_content_tags,
        attributes,
        attribute_filter,
        strip_comments,
        link_rel,
        generic_attribute_prefixes,
        tag_attribute_values,
        set_tag_attribute_values,
        url_schemes,
        allowed_classes,
        filter_style_properties,
        url_relative,
        id_prefix,
    )
    return policy.clean(html)


def clean_text(html: str, tags: Any = None) -> str:
    """nh3's ``clean_text``: with ``tags``, keeps those tags without
    attributes and unwraps every other; without, escapes every character
    with meaning to HTML, which safe_markup does not do yet."""
    if not isinstance(html, str):
        raise TypeError(f"html: expected str, got {type(html).__name__}")
    if tags is None:
        raise NotImplementedError(
            "clean_text without tags (full escaping) is not supported by safe_markup yet"
        )
    return _build(tags=tags, attributes={}, link_rel=None).clean(html)


escape = clean_text
