//! Error types: building a policy can fail, cleaning cannot (only the
//! opt-in [`Policy::try_clean`](crate::Policy::try_clean) reports limits).

use std::fmt;

use crate::limits::Limit;

/// Why a [`PolicyBuilder`](crate::PolicyBuilder) or policy file was
/// rejected. Every check happens at build time, so a built
/// [`Policy`](crate::Policy) never fails while cleaning.
///
/// ```
/// use safe_markup::{Policy, PolicyErrorKind};
///
/// let err = Policy::builder().allow_tags(["script"]).build().unwrap_err();
/// assert!(matches!(err.kind(), PolicyErrorKind::RawTextTag { tag } if tag == "script"));
/// assert!(err.to_string().contains("script"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    kind: PolicyErrorKind,
}

/// The specific reason a policy was rejected.
///
/// ```
/// use safe_markup::{Policy, PolicyErrorKind};
///
/// let err = Policy::builder().allow_attrs("a", ["onclick"]).build().unwrap_err();
/// assert!(matches!(err.kind(), PolicyErrorKind::UnsafeAttribute { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyErrorKind {
    /// A tag whose content the parser reads as raw text (`script`, `style`,
    /// `textarea`, …) was asked to be kept: its text would reach the page
    /// unescaped.
    RawTextTag {
        /// The tag name.
        tag: String,
    },
    /// A tag that can never be kept safely or stably was asked to be kept.
    UnsupportedTag {
        /// The tag name.
        tag: String,
        /// Why it cannot be kept.
        reason: &'static str,
    },
    /// An attribute that runs code or cannot be checked (`on*`, `srcdoc`,
    /// `style` without a list of CSS properties) was allowed.
    UnsafeAttribute {
        /// The attribute name.
        attr: String,
        /// Why it cannot be allowed.
        reason: &'static str,
    },
    /// A kept tag that cannot appear in the output unless another tag is
    /// kept too: the parser only builds table parts inside their parents
    /// (a `tr` always inside a `tbody`, `thead` or `tfoot`), so keeping
    /// `tr` without `tbody`, or `table` without rows and cells, would keep
    /// nothing but empty shells.
    MissingTag {
        /// The kept tag.
        tag: String,
        /// The tag it needs.
        needs: &'static str,
    },
    /// A tag or attribute name that HTML cannot produce.
    InvalidName {
        /// The name as given.
        name: String,
    },
    /// A URL scheme that runs code (`javascript`, `vbscript`), or that is
    /// not a valid scheme name.
    UnsafeScheme {
        /// The scheme as given.
        scheme: String,
    },
    /// The base URL for rewriting relative URLs does not parse, cannot be a
    /// base, or has a scheme the policy does not allow.
    InvalidBaseUrl {
        /// The base as given.
        base: String,
    },
    /// A limit was set to zero.
    InvalidLimit {
        /// Which limit.
        limit: Limit,
    },
    /// Unknown tags cannot be kept: the policy is an allowlist.
    KeepUnknownTags,
    /// A `rel` token that is empty or holds characters HTML tokens cannot.
    InvalidRel {
        /// The token.
        token: String,
    },
    /// A site host name for the link policy that is not a host name.
    InvalidHost {
        /// The host as given.
        host: String,
    },
    /// A special-tag setting (site prefix, InterMap entry) that cannot
    /// make a valid link.
    InvalidSpecialTags {
        /// What is wrong.
        message: String,
    },
    /// A CSS property that runs code (`behavior`, `-moz-binding`) was
    /// listed in
    /// [`allow_style_properties`](crate::PolicyBuilder::allow_style_properties).
    UnsafeStyleProperty {
        /// The property, in lower case.
        property: String,
        /// Why it cannot be allowed.
        reason: &'static str,
    },
    /// An [`id_prefix`](crate::PolicyBuilder::id_prefix) that is empty or
    /// holds something other than ASCII letters, digits, `-` and `_`.
    InvalidIdPrefix {
        /// The prefix as given.
        prefix: String,
    },
    /// An attribute prefix
    /// ([`allow_attr_prefixes`](crate::PolicyBuilder::allow_attr_prefixes))
    /// that would admit an event handler, `style`, a URL attribute or
    /// another name that can never be allowed.
    UnsafeAttributePrefix {
        /// The prefix as given.
        prefix: String,
        /// A dangerous name it would admit.
        admits: String,
    },
    /// A class name for
    /// [`allowed_classes`](crate::PolicyBuilder::allowed_classes) that is
    /// empty, holds whitespace, or has a `*` other than one at the end.
    InvalidClass {
        /// The class as given.
        class: String,
    },
    /// One attribute of one tag given two settings that disagree: allowed
    /// outright and restricted to values or classes, restricted twice, or
    /// both allowed and forced; or a forced `rel` or `target` on a link,
    /// which the link settings own.
    AttributeConflict {
        /// The tag.
        tag: String,
        /// The attribute.
        attr: String,
        /// Which settings collide.
        reason: &'static str,
    },
    /// A forced value
    /// ([`force_attr`](crate::PolicyBuilder::force_attr)) that the
    /// policy's own checks would remove: a URL whose scheme is not
    /// allowed, a relative URL where relative URLs are denied, a URL that
    /// does not parse, a URL list, or a `style` value with a declaration
    /// the CSS filter drops.
    ForcedValue {
        /// The tag.
        tag: String,
        /// The attribute.
        attr: String,
        /// The value as given.
        value: String,
    },
    /// A policy file that is not valid TOML or does not match the schema.
    File {
        /// The TOML parser's message, with line and column.
        message: String,
    },
}

impl PolicyError {
    pub(crate) fn new(kind: PolicyErrorKind) -> PolicyError {
        PolicyError { kind }
    }

    /// What went wrong.
    ///
    /// ```
    /// use safe_markup::{Policy, PolicyErrorKind};
    ///
    /// let err = Policy::from_toml("tags = 3").unwrap_err();
    /// assert!(matches!(err.kind(), PolicyErrorKind::File { .. }));
    /// ```
    pub fn kind(&self) -> &PolicyErrorKind {
        &self.kind
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            PolicyErrorKind::RawTextTag { tag } => write!(
                f,
                "tag `{tag}` cannot be kept: the parser reads its content as raw text"
            ),
            PolicyErrorKind::UnsupportedTag { tag, reason } => {
                write!(f, "tag `{tag}` cannot be kept: {reason}")
            }
            PolicyErrorKind::UnsafeAttribute { attr, reason } => {
                write!(f, "attribute `{attr}` cannot be allowed: {reason}")
            }
            PolicyErrorKind::MissingTag { tag, needs } => {
                write!(f, "keeping `{tag}` needs `{needs}` kept too")
            }
            PolicyErrorKind::InvalidName { name } => {
                write!(f, "`{name}` is not a valid tag or attribute name")
            }
            PolicyErrorKind::UnsafeScheme { scheme } => {
                write!(f, "URL scheme `{scheme}` cannot be allowed")
            }
            PolicyErrorKind::InvalidBaseUrl { base } => {
                write!(
                    f,
                    "`{base}` is not an absolute base URL with an allowed scheme"
                )
            }
            PolicyErrorKind::InvalidLimit { limit } => {
                write!(f, "the {limit} limit must be above zero")
            }
            PolicyErrorKind::KeepUnknownTags => {
                f.write_str("unknown tags cannot be kept: name each tag to keep")
            }
            PolicyErrorKind::InvalidRel { token } => {
                write!(f, "`{token}` is not a valid rel token")
            }
            PolicyErrorKind::InvalidHost { host } => {
                write!(f, "`{host}` is not a host name")
            }
            PolicyErrorKind::InvalidSpecialTags { message } => {
                write!(f, "invalid special tags: {message}")
            }
            PolicyErrorKind::UnsafeStyleProperty { property, reason } => {
                write!(f, "CSS property `{property}` cannot be allowed: {reason}")
            }
            PolicyErrorKind::InvalidIdPrefix { prefix } => write!(
                f,
                "id prefix `{prefix}` must be ASCII letters, digits, `-` and `_`, and not empty"
            ),
            PolicyErrorKind::UnsafeAttributePrefix { prefix, admits } => write!(
                f,
                "attribute prefix `{prefix}` cannot be allowed: it admits `{admits}`"
            ),
            PolicyErrorKind::InvalidClass { class } => write!(
                f,
                "`{class}` is not a class name (no whitespace; `*` only at the end, after a prefix)"
            ),
            PolicyErrorKind::AttributeConflict { tag, attr, reason } => {
                write!(f, "attribute `{attr}` on `{tag}`: {reason}")
            }
            PolicyErrorKind::ForcedValue { tag, attr, value } => write!(
                f,
                "forced value `{value}` of `{attr}` on `{tag}` would be removed by the policy's own checks"
            ),
            PolicyErrorKind::File { message } => write!(f, "invalid policy file: {message}"),
        }
    }
}

impl std::error::Error for PolicyError {}

/// Why [`Policy::try_clean`](crate::Policy::try_clean) rejected an input.
///
/// ```
/// use safe_markup::{Limits, Policy};
///
/// let mut limits = Limits::default();
/// limits.max_nodes = 10;
/// let policy = Policy::ugc().to_builder().limits(limits).build().unwrap();
/// let err = policy.try_clean(&"<i>x</i>".repeat(50)).unwrap_err();
/// assert_eq!(err.to_string(), "input exceeds the node count limit (10)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanError {
    kind: CleanErrorKind,
}

/// The specific reason an input was rejected.
///
/// ```
/// use safe_markup::{CleanErrorKind, Limit, Limits, Policy};
///
/// let mut limits = Limits::default();
/// limits.max_depth = 3;
/// let policy = Policy::ugc().to_builder().limits(limits).build().unwrap();
/// let err = policy.try_clean("<div><div><div><div>deep").unwrap_err();
/// assert_eq!(err.kind(), &CleanErrorKind::LimitExceeded { limit: Limit::Depth, max: 3 });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CleanErrorKind {
    /// The input crossed one of the policy's [`Limits`](crate::Limits).
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// Its configured value.
        max: usize,
    },
}

impl CleanError {
    pub(crate) fn new(kind: CleanErrorKind) -> CleanError {
        CleanError { kind }
    }

    /// What went wrong.
    ///
    /// ```
    /// use safe_markup::{CleanErrorKind, Limits, Policy};
    ///
    /// let mut limits = Limits::default();
    /// limits.max_input_bytes = 1;
    /// let policy = Policy::ugc().to_builder().limits(limits).build().unwrap();
    /// let err = policy.try_clean("ab").unwrap_err();
    /// assert!(matches!(err.kind(), CleanErrorKind::LimitExceeded { max: 1, .. }));
    /// ```
    pub fn kind(&self) -> &CleanErrorKind {
        &self.kind
    }
}

impl fmt::Display for CleanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            CleanErrorKind::LimitExceeded { limit, max } => {
                write!(f, "input exceeds the {limit} limit ({max})")
            }
        }
    }
}

impl std::error::Error for CleanError {}
