//! Resource limits for untrusted input.

/// Bounds on the work one call to [`Policy::clean`](crate::Policy::clean)
/// may do. html5ever itself has no limits, and its cost grows with the
/// square of the nesting depth, so these are enforced while parsing: the
/// input is fed to the parser in chunks and parsing stops at the first chunk
/// boundary after a limit is crossed.
///
/// Past any limit, [`Policy::clean`](crate::Policy::clean) shows the whole
/// input as escaped plain text (and its report names the limit), while
/// [`Policy::try_clean`](crate::Policy::try_clean) returns a
/// [`CleanError`](crate::CleanError).
///
/// ```
/// use safe_markup::{Limits, Policy};
///
/// let mut limits = Limits::default();
/// limits.max_depth = 8;
/// let policy = Policy::strict().to_builder().limits(limits).build().unwrap();
/// let deep = "<b>".repeat(20);
/// assert!(policy.try_clean(&deep).is_err());
/// assert_eq!(policy.clean("<b>x</b>"), "<b>x</b>");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest input accepted, in bytes of UTF-8. Default: 4 MiB, nine
    /// times the largest whole page in the test corpus (455 KiB) and 200
    /// times the largest diary entry (20 KiB).
    pub max_input_bytes: usize,
    /// Deepest element nesting, counted on the parsed tree and on the
    /// output. Default: 512, seven times the deepest corpus document (73)
    /// and the depth at which Chromium's parser starts flattening, so deeper
    /// output would not survive a browser round trip anyway.
    pub max_depth: usize,
    /// Most nodes (elements, text runs, comments) the parsed tree may hold.
    /// Default: 200 000, 35 times what the largest corpus page needs (5 740);
    /// at about 90 bytes a node this bounds the tree near 18 MB.
    pub max_nodes: usize,
    /// Most attributes one tag may have. html5ever checks each attribute
    /// against every earlier one on the same tag, so one tag with 40 000
    /// attributes costs over a minute; a tag past this limit is shown as
    /// text (only that tag: the rest of the input is cleaned as usual) and
    /// reported. Default: 256, ten times the most any corpus tag has.
    pub max_attributes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_input_bytes: 4 << 20,
            max_depth: 512,
            max_nodes: 200_000,
            max_attributes: 256,
        }
    }
}

/// Which of the [`Limits`] an input crossed.
///
/// ```
/// use safe_markup::{CleanErrorKind, Limit, Limits, Policy};
///
/// let mut limits = Limits::default();
/// limits.max_input_bytes = 4;
/// let policy = Policy::ugc().to_builder().limits(limits).build().unwrap();
/// let err = policy.try_clean("too long").unwrap_err();
/// assert!(matches!(err.kind(), CleanErrorKind::LimitExceeded { limit: Limit::InputBytes, .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Limit {
    /// [`Limits::max_input_bytes`].
    InputBytes,
    /// [`Limits::max_depth`].
    Depth,
    /// [`Limits::max_nodes`].
    Nodes,
    /// [`Limits::max_attributes`].
    Attributes,
}

impl Limit {
    pub(crate) fn max(self, limits: &Limits) -> usize {
        match self {
            Limit::InputBytes => limits.max_input_bytes,
            Limit::Depth => limits.max_depth,
            Limit::Nodes => limits.max_nodes,
            Limit::Attributes => limits.max_attributes,
        }
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Limit::InputBytes => "input size",
            Limit::Depth => "nesting depth",
            Limit::Nodes => "node count",
            Limit::Attributes => "attributes per tag",
        })
    }
}
