"""Type stubs for safe_markup (the native Policy class and the nh3 layer)."""

from typing import (
    AbstractSet,
    Callable,
    Iterable,
    Iterator,
    Literal,
    Mapping,
    Optional,
    Tuple,
    Union,
)

ALLOWED_TAGS: set[str]
ALLOWED_ATTRIBUTES: dict[str, set[str]]
ALLOWED_URL_SCHEMES: set[str]
CLEAN_CONTENT_TAGS: set[str]

UrlRelative = Union[
    Literal["pass_through", "deny"],
    Tuple[Literal["rewrite_with_base"], str],
]

class PolicyError(ValueError):
    """A policy was rejected when built (unsafe tag or attribute, unknown preset, malformed file)."""

class CleanError(ValueError):
    """An input was rejected by `Policy.try_clean`."""

class LimitExceeded(CleanError):
    """The input crossed one of the policy's limits."""

    limit: str
    """"input_bytes", "depth", "nodes", "attributes" or "nesting"."""
    max: int
    """The limit's configured value."""

class Change:
    """One thing cleaning removed or changed."""

    kind: str
    name: str
    rule: str
    element: Optional[str]
    url: Optional[str]
    span: Optional[Tuple[int, int]]
    limit: Optional[str]

class Cleaned:
    """Safe HTML and the changes made; unpacks as `html, changes`."""

    html: str
    changes: list[Change]
    limit_exceeded: Optional[str]
    def __iter__(self) -> Iterator[Union[str, list[Change]]]: ...

class Policy:
    """An immutable, thread-safe sanitizing policy."""

    def __init__(
        self,
        *,
        base: Optional[Literal["ugc", "strict", "text", "diary", "diary_untrusted"]] = None,
        tags: Optional[Iterable[str]] = None,
        attributes: Optional[Mapping[str, Iterable[str]]] = None,
        url_schemes: Optional[Iterable[str]] = None,
        relative_urls: Optional[str] = None,
        link_rel: Optional[str] = None,
        comments: Optional[bool] = None,
        drop_tags: Optional[Iterable[str]] = None,
        escape_tags: Optional[Iterable[str]] = None,
        unwrap_tags: Optional[Iterable[str]] = None,
        other_tags: Optional[Literal["unwrap", "drop", "escape"]] = None,
        style_properties: Optional[Iterable[str]] = None,
        id_prefix: Optional[str] = None,
        attribute_values: Optional[Mapping[str, Mapping[str, Iterable[str]]]] = None,
        allowed_classes: Optional[Mapping[str, Iterable[str]]] = None,
        attribute_prefixes: Optional[Iterable[str]] = None,
        forced_attributes: Optional[Mapping[str, Mapping[str, str]]] = None,
        max_input_bytes: Optional[int] = None,
        max_depth: Optional[int] = None,
        max_nodes: Optional[int] = None,
        max_attributes: Optional[int] = None,
        max_nesting_per_byte: Optional[int] = None,
    ) -> None: ...
    @staticmethod
    def ugc() -> Policy:
        """ammonia's (nh3's) default allowlist."""
    @staticmethod
    def strict() -> Policy:
        """Inline formatting and links only."""
    @staticmethod
    def text() -> Policy:
        """No markup: the input shown as typed, as text."""
    @staticmethod
    def diary() -> Policy:
        """For a diary written by its owner, with special tags."""
    @staticmethod
    def diary_untrusted() -> Policy:
        """The diary policy for entries written by others."""
    @staticmethod
    def from_toml(text: str) -> Policy:
        """A policy from the text of a TOML policy file."""
    def clean(self, html: str) -> str:
        """Safe HTML; never fails."""
    def clean_report(self, html: str) -> Cleaned:
        """Safe HTML and every change made."""
    def try_clean(self, html: str) -> Cleaned:
        """Like `clean_report`; raises `LimitExceeded` past a limit."""
    def excerpt(self, html: str, max_chars: int) -> str:
        """At most `max_chars` visible characters, at a word boundary."""
    def to_text(self, html: str) -> str:
        """The cleaned HTML as plain text (escape before use in HTML)."""
    def clean_many(self, htmls: Iterable[str]) -> list[str]:
        """`clean` of each string, in parallel on all cores, in order."""

class Cleaner:
    """nh3's reusable sanitizer."""

    def __init__(
        self,
        tags: Optional[AbstractSet[str]] = None,
        clean_content_tags: Optional[AbstractSet[str]] = None,
        attributes: Optional[Mapping[str, AbstractSet[str]]] = None,
        attribute_filter: Optional[Callable[[str, str, str], Optional[str]]] = None,
        strip_comments: bool = True,
        link_rel: Optional[str] = "noopener noreferrer",
        generic_attribute_prefixes: Optional[AbstractSet[str]] = None,
        tag_attribute_values: Optional[Mapping[str, Mapping[str, AbstractSet[str]]]] = None,
        set_tag_attribute_values: Optional[Mapping[str, Mapping[str, str]]] = None,
        url_schemes: Optional[AbstractSet[str]] = None,
        allowed_classes: Optional[Mapping[str, AbstractSet[str]]] = None,
        filter_style_properties: Optional[AbstractSet[str]] = None,
        url_relative: Optional[UrlRelative] = None,
        id_prefix: Optional[str] = None,
    ) -> None: ...
    @property
    def policy(self) -> Policy:
        """The Policy this cleaner applies."""
    def clean(self, html: str) -> str:
        """Sanitize an HTML fragment."""

def clean(
    html: str,
    tags: Optional[AbstractSet[str]] = None,
    clean_content_tags: Optional[AbstractSet[str]] = None,
    attributes: Optional[Mapping[str, AbstractSet[str]]] = None,
    attribute_filter: Optional[Callable[[str, str, str], Optional[str]]] = None,
    strip_comments: bool = True,
    link_rel: Optional[str] = "noopener noreferrer",
    generic_attribute_prefixes: Optional[AbstractSet[str]] = None,
    tag_attribute_values: Optional[Mapping[str, Mapping[str, AbstractSet[str]]]] = None,
    set_tag_attribute_values: Optional[Mapping[str, Mapping[str, str]]] = None,
    url_schemes: Optional[AbstractSet[str]] = None,
    allowed_classes: Optional[Mapping[str, AbstractSet[str]]] = None,
    filter_style_properties: Optional[AbstractSet[str]] = None,
    url_relative: Optional[UrlRelative] = None,
    id_prefix: Optional[str] = None,
) -> str:
    """Sanitize an HTML fragment with nh3's keywords and defaults."""

def clean_text(html: str, tags: Optional[AbstractSet[str]] = None) -> str:
    """Without `tags`: every character with a meaning in HTML escaped
    (the library's `clean_text`). With `tags`: keep those tags, without
    attributes, and unwrap every other."""

escape = clean_text

def is_html(html: str) -> bool:
    """Whether `html` holds a tag, comment or doctype."""
