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
    /// output. Default: 256, three times the deepest post in the test
    /// corpus (74) and half of the 512 open elements at which Chromium's
    /// parser starts flattening: the other half is room for the page
    /// around the output (`html`, `body` and the site's own wrappers; the
    /// deepest whole page in the corpus is 27 elements deep), so an output
    /// at the limit is still parsed in the page as it was checked.
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
    /// How much nesting the input may pay for, per byte. On most tokens
    /// (a tag, a run of text, a comment) html5ever looks through the open
    /// elements, so a token costs in proportion to how deeply it sits.
    /// Within [`max_depth`](Limits::max_depth) that is still up to 256
    /// looks a token (at a depth limit of 512, 500 open `<span>` and then
    /// `</x>` after `</x>` cost 13 times the diary corpus per byte through
    /// the full pipeline, and 256 nested `<ul><li>` 29 times). So each token is charged the depth
    /// of the node the parser last inserted a node into (an end tag that
    /// closes the last start tag not yet closed, 1), and an input of `n`
    /// bytes may spend `max_nesting_per_byte × n + 256`. So may its
    /// output, which cleaning can make shorter and which has all its end
    /// tags, so that cleaning it again gives it back. Default: 4, nearly
    /// twice the most any corpus document spends (2.3, a page of parser
    /// test cases; the diary entries and pages themselves at most 1.0).
    /// Nesting without text runs out first: about 40 bare `<b>`, or 50
    /// bare `<div>`.
    pub max_nesting_per_byte: usize,
}

/// What every input may spend on nesting beyond
/// [`Limits::max_nesting_per_byte`] per byte, so that a short post may
/// still nest a few levels deep.
pub(crate) const NESTING_ALLOWANCE: usize = 256;

impl Limits {
    /// The nesting an input of `len` bytes may spend (see
    /// [`Limits::max_nesting_per_byte`]).
    pub(crate) fn nesting_budget(&self, len: usize) -> usize {
        self.max_nesting_per_byte
            .saturating_mul(len)
            .saturating_add(NESTING_ALLOWANCE)
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_input_bytes: 4 << 20,
            max_depth: 256,
            max_nodes: 200_000,
            max_attributes: 256,
            max_nesting_per_byte: 4,
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
    /// [`Limits::max_nesting_per_byte`].
    Nesting,
}

impl Limit {
    pub(crate) fn max(self, limits: &Limits) -> usize {
        match self {
            Limit::InputBytes => limits.max_input_bytes,
            Limit::Depth => limits.max_depth,
            Limit::Nodes => limits.max_nodes,
            Limit::Attributes => limits.max_attributes,
            Limit::Nesting => limits.max_nesting_per_byte,
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
            Limit::Nesting => "nesting per byte",
        })
    }
}
