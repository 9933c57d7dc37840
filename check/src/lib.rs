//! # safe-markup-check
//!
//! The output invariants of safe-markup (docs/DESIGN.md, "Output invariants") as
//! ordinary, stable code, for any [`Policy`](safe_markup::Policy):
//!
//! 1. **total**: cleaning does not panic;
//! 2. **allowlist**: the output, parsed again by an independent parser
//!    (`markup5ever_rcdom`), holds only HTML elements the policy keeps,
//!    attributes it allows (and `rel` on kept `a`/`area`), URLs with an
//!    allowed scheme after WHATWG URL parsing (relative ones only where
//!    the policy passes them), `style` values made only of declarations
//!    the policy lists with nothing that loads or runs in them, and
//!    comments only where it keeps them;
//! 3. **stable**: that re-parse, written by the independent serializer in
//!    this crate, gives the output back byte for byte, and cleaning the
//!    output again gives it back (for a text-only policy, which escapes
//!    every byte by design: cleaning the output's *text* gives it back);
//! 4. **contained**: markup appended to the output is parsed as if the
//!    output were not there, and in every page template the docs call safe
//!    for it ([`templates`]: a list item, a table cell, a link card,
//!    `noscript`, …) the output stays in its wrapper;
//! 5. **faithful**: the text of kept, unwrapped and escaped content
//!    survives (text-only: the whole input, as text); past a limit the
//!    output is the input as text.
//!
//! ```
//! use safe_markup::Policy;
//!
//! assert!(safe_markup_check::check(&Policy::ugc(), "<p>Hi <script>x()</script>").is_ok());
//! ```
//!
//! The integration tests run [`Checker`] over the shared corpora and
//! generated tag soup; the [`fuzz`] module holds the bodies of the
//! cargo-fuzz targets in `fuzz/`, so that stable `cargo test` runs exactly
//! what the fuzzers run, over the seeds and every saved regression.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod dom;
pub mod fuzz;
mod invariants;
mod serialize;
mod templates;
mod text;
mod urls;

pub use dom::{
    Fragment, attr, children, descendants, element_depth, element_name, parse_document,
    parse_fragment, text_content,
};
pub use invariants::{Checker, Expect, Invariant, Stats, Violation, check};
pub use serialize::{serialize_children, serialize_nodes};
pub use templates::{SafeFor, Template, check_templates, templates};
pub use text::{first_difference, snippet};
pub use urls::{UrlAttr, srcset_urls, url_attr, url_values};

/// The rcdom types the tree helpers take and return.
pub use markup5ever_rcdom::{Handle, NodeData, RcDom};
