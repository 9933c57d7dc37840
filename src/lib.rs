//! # safe-markup
//!
//! Turns untrusted HTML (diary entries, blog posts, comments) into safe,
//! well-formed markup to embed in a page. The input is parsed the way a
//! browser parses it (html5ever, as a fragment inside a `<div>`), every
//! element is checked against an allowlist [`Policy`], and a serializer
//! writes only what the policy allows.
//!
//! ```
//! use safe_markup::Policy;
//!
//! let policy = Policy::ugc(); // build once, share across threads
//! let html = policy.clean(r#"<p>Hello <a href="javascript:alert(1)" onclick="x()">there</a><script>evil()</script>"#);
//! assert_eq!(html, "<p>Hello <a>there</a></p>");
//! ```
//!
//! ## What the output guarantees
//!
//! For every input and every policy:
//!
//! - **Allowlist**: only kept elements and allowed attributes appear; every
//!   URL attribute (`href`, `src`, each `srcset` candidate, `cite`, …) has
//!   an allowed scheme as parsed by the WHATWG URL algorithm (the `url`
//!   crate), or is relative where the policy allows that.
//! - **Stable**: parsing the output again and serializing it gives the same
//!   bytes, and `clean(clean(x)) == clean(x)`. Elements a browser would
//!   move or close on re-parse (`<p>` inside `<p>`, text inside `<table>`)
//!   are unwrapped or moved first, so what the browser builds is what was
//!   checked.
//! - **Contained**: every element is closed; nothing the output opens can
//!   swallow the markup that follows it on the page.
//! - **Reported**: [`Policy::clean_report`] lists every element, attribute,
//!   URL and comment removed or changed, and the rule that did it.
//!
//! SVG and MathML are never kept: their elements are unwrapped (or dropped,
//! when the policy drops an HTML element of the same name, as `script`,
//! `style` and `title`), and their text is kept as escaped text.
//! Elements whose content the parser reads raw (`script`, `style`,
//! `textarea`, `title`, …) can never be kept; asking for it is a build
//! error.
//!
//! ## Excerpts and plain text
//!
//! Two more output forms start from the same cleaned tree as
//! [`Policy::clean`]: [`Policy::excerpt`] cuts it to a number of visible
//! characters at a word boundary, as safe HTML with every element closed
//! (for previews and "recent posts" lists), and [`Policy::to_text`] writes
//! it as plain text, with line breaks between blocks (for feeds, search
//! indexes and notifications; it is text, not HTML: escape it before
//! putting it in a page).
//!
//! ```
//! use safe_markup::Policy;
//!
//! let policy = Policy::ugc();
//! let post = "<p>First <b>entry</b> of the year.</p><p>Second paragraph.</p>";
//! assert_eq!(policy.excerpt(post, 12), "<p>First <b>entry…</b></p>");
//! assert_eq!(policy.to_text(post), "First entry of the year.\n\nSecond paragraph.");
//! ```
//!
//! ## Untrusted input
//!
//! Cleaning cannot fail and does not panic. Its cost is linear in the
//! input, bounded by the policy's [`Limits`]:
//!
//! | limit | bounds | default |
//! |---|---|---|
//! | [`Limits::max_input_bytes`] | input size | 4 MiB |
//! | [`Limits::max_depth`] | element nesting, parsed and written | 256 |
//! | [`Limits::max_nodes`] | nodes in the parsed tree | 200 000 |
//! | [`Limits::max_attributes`] | attributes on one tag | 256 |
//! | [`Limits::max_nesting_per_byte`] | nesting paid for by each byte, in and out | 4 |
//!
//! html5ever itself has no limits, and its cost per token grows with the
//! nesting depth, so the limits are checked while parsing. Past a
//! limit, [`Policy::clean`] shows the whole input as escaped text and the
//! report names the limit ([`Report::limit_exceeded`]); callers that would
//! rather reject the post use [`Policy::try_clean`]. Every walk over the
//! tree is iterative, so no input can overflow the stack.

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

mod css;
mod dom;
mod error;
mod excerpt;
mod fastpath;
mod ids;
mod lexer;
mod limits;
mod links;
mod nesting;
mod parse;
mod pipeline;
mod plain_text;
mod policy;
mod report;
mod rules;
mod sanitize;
mod serialize;
mod tags;
mod transform;
mod url;

pub use error::{CleanError, CleanErrorKind, PolicyError, PolicyErrorKind};
pub use limits::{Limit, Limits};
pub use pipeline::Cleaned;
pub use plain_text::TextOptions;
pub use policy::SpecialTags;
pub use policy::{Policy, PolicyBuilder, RelativeUrls, TagAction};
pub use report::{Change, ChangeKind, Count, Report, Rule};

/// Escapes `text` for any place in HTML where text goes: element content
/// and attribute values, quoted with `"` or `'` or not quoted at all
/// (ammonia's `clean_text`, PHP's `htmlspecialchars` and then some). No
/// markup survives: the result shows `text` as typed.
///
/// Escaped: `&` `<` `>` `"` `'` (they start markup or end a quoted
/// value), and, for unquoted attribute values, `` ` `` `=` `/` and the
/// whitespace that ends one (space, tab, line feed, form feed, carriage
/// return); NUL becomes U+FFFD, as a browser would read it. Every other
/// character is written as it is.
///
/// Not for: the inside of `script` or `style` (JavaScript and CSS have
/// their own escaping), URL attributes (`href="javascript:…"` is text with
/// nothing to escape, and still runs: check URLs with a
/// [`Policy`]), and attributes read as lists or names (`class`, `id`):
/// the value is one piece of text, not what those parse it into. A
/// browser drops one line feed right after `<textarea>` and `<pre>`, even
/// an escaped one: put a line feed of your own first.
///
/// ```
/// use safe_markup::clean_text;
///
/// assert_eq!(clean_text("<b>Tom & \"Jerry\"</b>"), "&lt;b&gt;Tom&#32;&amp;&#32;&quot;Jerry&quot;&lt;&#47;b&gt;");
/// let title = clean_text("x onmouseover=alert(1)");
/// assert_eq!(format!("<p title={title}>"), "<p title=x&#32;onmouseover&#61;alert(1)>");
/// assert_eq!(clean_text("naïve café"), "naïve&#32;café");
/// ```
pub fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        let escaped = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            '`' => "&#96;",
            '=' => "&#61;",
            '/' => "&#47;",
            ' ' => "&#32;",
            '\t' => "&#9;",
            '\n' => "&#10;",
            '\x0C' => "&#12;",
            '\r' => "&#13;",
            '\0' => "\u{FFFD}",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(escaped);
    }
    out
}

impl Policy {
    /// Cleans `input` into safe HTML.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// assert_eq!(Policy::ugc().clean("<b>bold<i>both</b>italic"), "<b>bold<i>both</i></b><i>italic</i>");
    /// ```
    pub fn clean(&self, input: &str) -> String {
        pipeline::clean(self, input)
    }

    /// Cleans `input` and reports what was removed or changed. Past a
    /// limit, the input is shown as escaped text and the report says which
    /// limit.
    ///
    /// ```
    /// use safe_markup::{Policy, Rule};
    ///
    /// let cleaned = Policy::ugc().clean_report(r#"<img src="data:image/png;base64,AA" alt=x>"#);
    /// assert_eq!(cleaned.html, r#"<img alt="x">"#);
    /// assert_eq!(cleaned.report.changes()[0].rule, Rule::UrlScheme);
    /// ```
    pub fn clean_report(&self, input: &str) -> Cleaned {
        pipeline::cleaned(self, input, Report::default())
    }

    /// Cleans `input`, or returns an error if it crosses one of the
    /// policy's [`Limits`], for callers that would rather reject the post.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc();
    /// assert!(policy.try_clean("<p>fine</p>").is_ok());
    /// assert!(policy.try_clean(&"<div>".repeat(1000)).is_err());
    /// ```
    pub fn try_clean(&self, input: &str) -> Result<Cleaned, CleanError> {
        pipeline::try_clean(self, input)
    }
}

/// Ways into the pipeline for the differential tests, the invariant
/// checker (`safe-markup-check`), the fuzz targets and the benchmarks,
/// which compare the fast path with the full pipeline. Behind the
/// `test-hooks` feature (which `safe-markup-check` turns on): not part of
/// the API.
#[cfg(feature = "test-hooks")]
impl Policy {
    /// [`Policy::clean`] where the fast path cleans a start of the input
    /// and the full pipeline the rest; `None` for any other input.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc();
    /// // Misnested formatting after the first paragraph.
    /// let input = "<p>one</p>\n<b>two<i>three</b>four</i>";
    /// assert_eq!(policy.clean_fast(input), None);
    /// assert_eq!(policy.clean_resumed(input), Some(policy.clean_full(input)));
    /// ```
    #[doc(hidden)]
    pub fn clean_resumed(&self, input: &str) -> Option<String> {
        pipeline::clean_resumed(self, input)
    }

    /// [`Policy::clean`] through the full pipeline only (parse, sanitize,
    /// serialize), never the fast path.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc();
    /// assert_eq!(policy.clean_full("<b>x</b>"), policy.clean("<b>x</b>"));
    /// ```
    #[doc(hidden)]
    pub fn clean_full(&self, input: &str) -> String {
        pipeline::cleaned(self, input, Report::discarding()).html
    }

    /// [`Policy::clean`] through the fast path only: `None` where it
    /// leaves the input to the full pipeline.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc();
    /// assert_eq!(policy.clean_fast("<p>Hi <b>there</b></p>").as_deref(), Some("<p>Hi <b>there</b></p>"));
    /// // Misnested formatting: the full pipeline's job.
    /// assert_eq!(policy.clean_fast("<b>one<i>two</b>three</i>"), None);
    /// ```
    #[doc(hidden)]
    pub fn clean_fast(&self, input: &str) -> Option<String> {
        pipeline::clean_fast(self, input)
    }

    /// The input as the parser sees it after the lexical step, which
    /// shows some markup as text (tags the policy escapes, a tag still
    /// open at the end of the input, a tag with too many attributes), for
    /// the invariant checker, which compares the output's text with an
    /// independent parse of this.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// assert_eq!(Policy::diary().lexed_input("a<b>c</b> <h1>"), "a<b>c</b> &lt;h1>");
    /// ```
    #[doc(hidden)]
    pub fn lexed_input(&self, input: &str) -> String {
        pipeline::lexed_input(self, input)
    }
}

/// The README's Rust examples run as doc-tests, so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
