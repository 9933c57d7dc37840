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
from ._native import clean_text as _native_clean_text

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

# Keywords whose setting the library does not have; each is refused by
# name rather than ignored, since ignoring one would keep or drop markup
# the caller did not expect.
_NOT_YET = ("attribute_filter",)


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


def _frozen_nested(
    value: Any, keyword: str, leaf: Callable[[Any, str], Any]
) -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    """`{tag: {attr: leaf}}` as a hashable, sorted tuple (for the cache)."""
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{keyword}: expected a mapping of str to mappings, got {type(value).__name__}"
        )
    out = []
    for tag, attrs in value.items():
        if not isinstance(tag, str):
            raise TypeError(f"{keyword}: keys must be str, got {type(tag).__name__}")
        if not isinstance(attrs, Mapping):
            raise TypeError(
                f"{keyword}[{tag!r}]: expected a mapping of str, got {type(attrs).__name__}"
            )
        inner = []
        for attr, v in attrs.items():
            if not isinstance(attr, str):
                raise TypeError(f"{keyword}[{tag!r}]: keys must be str, got {type(attr).__name__}")
            inner.append((attr, leaf(v, f"{keyword}[{tag!r}][{attr!r}]")))
        out.append((tag, tuple(sorted(inner))))
    return tuple(sorted(out))


def _str(value: Any, keyword: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{keyword}: expected str, got {type(value).__name__}")
    return value


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
    generic_attribute_prefixes: Optional[frozenset[str]] = None,
    tag_attribute_values: Optional[tuple[tuple[str, tuple[tuple[str, frozenset[str]], ...]], ...]] = None,
    set_tag_attribute_values: Optional[tuple[tuple[str, tuple[tuple[str, str], ...]], ...]] = None,
    allowed_classes: Optional[tuple[tuple[str, frozenset[str]], ...]] = None,
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
    attrs = {tag: set(a) for tag, a in attrs.items() if tag == "*" or tag in keep}
    generic = attrs["*"]
    forced: dict[str, dict[str, str]] = {}
    for tag, pairs in set_tag_attribute_values or ():
        if tag not in keep:
            continue
        for attr, value in pairs:
            if tag in ("a", "area") and attr.lower() in ("rel", "target"):
                raise ValueError(
                    f"set_tag_attribute_values: {attr!r} on <{tag}> is refused by safe_markup: "
                    "a link's `rel` and `target` come from the link settings only, which "
                    "always add noopener (a forced target=_blank without it lets the "
                    "opened page script this one); use link_rel=... for `rel`, and "
                    "leave `target` out"
                )
            forced.setdefault(tag, {})[attr] = value
            # ammonia writes the forced value over the author's, so the
            # attribute being allowed as well changes nothing; the library
            # refuses the two together.
            attrs.get(tag, set()).discard(attr)
    values: dict[str, dict[str, set[str]]] = {}
    for tag, pairs in tag_attribute_values or ():
        if tag not in keep:
            continue
        for attr, vals in pairs:
            # In ammonia an attribute allowed outright (on the tag or on
            # every tag) takes any value whatever its value list says.
            if attr in attrs.get(tag, ()) or attr in generic or attr in forced.get(tag, {}):
                continue
            values.setdefault(tag, {})[attr] = set(vals)
    classes = {tag: set(c) for tag, c in allowed_classes or () if tag in keep}
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
        attribute_prefixes=generic_attribute_prefixes,
        attribute_values=values or None,
        allowed_classes=classes or None,
        forced_attributes=forced or None,
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
    given = {"attribute_filter": attribute_filter}
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
        None
        if generic_attribute_prefixes is None
        else _frozen_set(generic_attribute_prefixes, "generic_attribute_prefixes"),
        None
        if tag_attribute_values is None
        else _frozen_nested(tag_attribute_values, "tag_attribute_values", _frozen_set),
        None
        if set_tag_attribute_values is None
        else _frozen_nested(set_tag_attribute_values, "set_tag_attribute_values", _str),
        None if allowed_classes is None else _frozen_map(allowed_classes, "allowed_classes"),
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
    """nh3's ``clean_text``: without ``tags``, escapes every character
    with a meaning in HTML (the library's ``clean_text``), so the text
    shows as typed in an element or a quoted or unquoted attribute value;
    with ``tags``, keeps those tags without attributes and unwraps every
    other."""
    if not isinstance(html, str):
        raise TypeError(f"html: expected str, got {type(html).__name__}")
    if tags is None:
        return _native_clean_text(html)
    return _build(tags=tags, attributes={}, link_rel=None).clean(html)


escape = clean_text
