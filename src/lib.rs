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
#![warn(missing_docs)]

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
mod plain_text;
mod policy;
mod report;
mod sanitize;
mod serialize;
mod tags;
mod transform;
mod url;

pub use error::{CleanError, CleanErrorKind, PolicyError, PolicyErrorKind};
pub use limits::{Limit, Limits};
pub use plain_text::TextOptions;
pub use policy::SpecialTags;
pub use policy::{Policy, PolicyBuilder, RelativeUrls, TagAction};
pub use report::{Change, ChangeKind, Count, Report, Rule};

/// The result of [`Policy::clean_report`]: the safe HTML and what was
/// removed or changed to get it.
///
/// ```
/// use safe_markup::Policy;
///
/// let cleaned = Policy::strict().clean_report("<div>hi</div>");
/// assert_eq!(cleaned.html, "hi");
/// assert_eq!(cleaned.report.changes()[0].name, "div");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Cleaned {
    /// The safe HTML fragment.
    pub html: String,
    /// What was removed or changed.
    pub report: Report,
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
        // Most posts are well-formed: the fast path writes those directly,
        // and answers only where it gives the full pipeline's bytes.
        match fastpath::answer(self, input) {
            fastpath::Answer::Whole(html) => Some(html),
            fastpath::Answer::Prefix { html, rest, spent } => {
                self.with_rest(html, input, rest, &spent)
            }
            fastpath::Answer::None(lexed) => {
                return self.cleaned_from(input, lexed, Report::discarding()).html;
            }
        }
        .unwrap_or_else(|| self.cleaned(input, Report::discarding()).html)
    }

    /// [`Policy::clean`] where the fast path cleans a start of the input
    /// and the full pipeline the rest; `None` for any other input. For the
    /// differential tests and the `fastpath` fuzz target; not a stable
    /// API.
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
        match fastpath::answer(self, input) {
            fastpath::Answer::Prefix { html, rest, spent } => {
                self.with_rest(html, input, rest, &spent)
            }
            fastpath::Answer::Whole(_) | fastpath::Answer::None(_) => None,
        }
    }

    /// The fast path's `html` for `input[..rest]`, followed by the full
    /// pipeline's output for the rest (see `clean_rest`).
    fn with_rest(
        &self,
        mut html: String,
        input: &str,
        rest: usize,
        spent: &fastpath::Spent,
    ) -> Option<String> {
        let nesting = nesting::Nesting {
            input: self
                .limits
                .nesting_budget(input.len())
                .checked_sub(spent.input_nesting)?,
            output_spent: spent.output_nesting,
            output_before: html.len(),
        };
        html.push_str(&self.clean_rest(&input[rest..], spent.nodes, nesting)?);
        Some(html)
    }

    /// The full pipeline's output for the `rest` of an input whose start
    /// the fast path cleaned, into a tree of the nodes that start left of
    /// the limit (`nodes` at most), with the `nesting` the start left;
    /// `None` past any limit, where the whole input decides.
    fn clean_rest(&self, rest: &str, nodes: usize, nesting: nesting::Nesting) -> Option<String> {
        let limits = Limits {
            max_nodes: self.limits.max_nodes.checked_sub(nodes)?,
            ..self.limits
        };
        let cleaned = self.clean_dom(rest, None, Report::discarding(), &limits, nesting);
        cleaned.ok().map(|c| c.html)
    }

    /// [`Policy::clean`] through the full pipeline only (parse, sanitize,
    /// serialize), never the fast path. For the differential tests and the
    /// `fastpath` fuzz target, which compare the two; not a stable API.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc();
    /// assert_eq!(policy.clean_full("<b>x</b>"), policy.clean("<b>x</b>"));
    /// ```
    #[doc(hidden)]
    pub fn clean_full(&self, input: &str) -> String {
        self.cleaned(input, Report::discarding()).html
    }

    /// [`Policy::clean`] through the fast path only: `None` where it
    /// leaves the input to the full pipeline. For the differential tests,
    /// the `fastpath` fuzz target and hit-rate measurements; not a stable
    /// API.
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
        fastpath::clean(self, input)
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
        self.cleaned(input, Report::default())
    }

    /// [`Policy::clean_report`], the changes going to `report`.
    fn cleaned(&self, input: &str, report: Report) -> Cleaned {
        self.cleaned_from(input, None, report)
    }

    /// [`Policy::cleaned`], from the lexical step's result where it is
    /// already made.
    fn cleaned_from(
        &self,
        input: &str,
        lexed: Option<lexer::Lexed<'_>>,
        report: Report,
    ) -> Cleaned {
        match self.clean_into(input, lexed, report) {
            Ok(cleaned) => cleaned,
            Err(err) => {
                let mut report = Report::default();
                let CleanErrorKind::LimitExceeded { limit, .. } = *err.kind();
                report.push(ChangeKind::Input, "", Rule::LimitExceeded(limit));
                Cleaned {
                    html: self.as_text_fallback(input),
                    report,
                }
            }
        }
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
        self.clean_into(input, None, Report::default())
    }

    /// [`Policy::try_clean`], the changes going to `report`.
    fn clean_into(
        &self,
        input: &str,
        lexed: Option<lexer::Lexed<'_>>,
        report: Report,
    ) -> Result<Cleaned, CleanError> {
        let limit_error = |limit: Limit| {
            CleanError::new(CleanErrorKind::LimitExceeded {
                limit,
                max: limit.max(&self.limits),
            })
        };
        if self.text_only {
            if input.len() > self.limits.max_input_bytes {
                return Err(limit_error(Limit::InputBytes));
            }
            return Ok(Cleaned {
                html: as_text(input),
                report,
            });
        }
        let nesting = nesting::Nesting::whole(&self.limits, input.len());
        let cleaned = self
            .clean_dom(input, lexed, report, &self.limits, nesting)
            .map_err(limit_error)?;
        Ok(Cleaned {
            html: cleaned.html,
            report: cleaned.report,
        })
    }

    /// The input as the parser sees it after the lexical step, which
    /// shows some markup as text (tags the policy escapes, a tag still
    /// open at the end of the input, a tag with too many attributes). For
    /// the invariant checker (`safe-markup-check`), which compares the
    /// output's text with an independent parse of this; not a stable API.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// assert_eq!(Policy::diary().lexed_input("a<b>c</b> <h1>"), "a<b>c</b> &lt;h1>");
    /// ```
    #[doc(hidden)]
    pub fn lexed_input(&self, input: &str) -> String {
        if self.text_only {
            return input.to_owned();
        }
        lexer::lex(input, self).text().into_owned()
    }

    /// The whole pipeline: parse, sanitize, transform and serialize. Every
    /// output form (HTML, excerpt, plain text) starts from its tree. The
    /// output is written here, since its length sets its own nesting
    /// budget (see `nesting`).
    fn clean_dom(
        &self,
        input: &str,
        lexed: Option<lexer::Lexed<'_>>,
        mut report: Report,
        limits: &Limits,
        nesting: nesting::Nesting,
    ) -> Result<CleanedDom, Limit> {
        if input.len() > limits.max_input_bytes {
            return Err(Limit::InputBytes);
        }
        let lexed = lexed.unwrap_or_else(|| lexer::lex(input, self));
        for escaped in &lexed.escaped {
            let (kind, rule) = match escaped.reason {
                lexer::Reason::Policy => (ChangeKind::Element, Rule::Escaped),
                // `<!--`, and `<!`, `<?`, `</` before a non-letter, which
                // the parser reads as (bogus) comments.
                lexer::Reason::Unterminated if escaped.name.starts_with('!') => {
                    (ChangeKind::Comment, Rule::Unterminated)
                }
                lexer::Reason::Unterminated => (ChangeKind::Element, Rule::Unterminated),
                lexer::Reason::TooManyAttributes => {
                    (ChangeKind::Element, Rule::LimitExceeded(Limit::Attributes))
                }
                lexer::Reason::InvalidSpecial => (ChangeKind::Element, Rule::InvalidSpecialTag),
            };
            report.push_span(kind, &escaped.name, rule, escaped.span.clone());
        }
        let mut dom = parse::parse_fragment(&lexed, limits, nesting.input)?;
        let root = dom.fragment_root();
        if lexed.specials > 0
            && let Some(special_tags) = &self.transforms.special_tags
        {
            transform::expand(&mut dom, root, special_tags);
        }
        sanitize::sanitize(&mut dom, root, self, &mut report)?;
        transform::after_sanitize(&mut dom, root, self, &mut report);
        let mut html = String::with_capacity(input.len());
        let deepest = serialize::serialize(&dom, root, &mut html);
        nesting.check_output(&html, limits, deepest + 1)?;
        Ok(CleanedDom {
            dom,
            root,
            report,
            html,
        })
    }

    /// The tree the other output forms (excerpt, plain text) are written
    /// from: the cleaned tree, or, for the text-only policy and past a
    /// limit, the input as one text node, as `clean` shows it then.
    fn output_dom(&self, input: &str) -> (dom::Dom, dom::NodeId) {
        let nesting = nesting::Nesting::whole(&self.limits, input.len());
        if !self.text_only
            && let Ok(cleaned) =
                self.clean_dom(input, None, Report::discarding(), &self.limits, nesting)
        {
            return (cleaned.dom, cleaned.root);
        }
        dom::Dom::text_fragment(input)
    }
}

impl Policy {
    /// What [`Policy::clean`] gives past a limit: the input as text, with
    /// the policy's paragraphs, line breaks and links (so that cleaning it
    /// again gives it back).
    pub(crate) fn as_text_fallback(&self, input: &str) -> String {
        let t = &self.transforms;
        if self.text_only || !(t.paragraphs || t.line_breaks || t.linkify) {
            return as_text(input);
        }
        let (mut dom, root) = dom::Dom::text_fragment(input);
        transform::after_sanitize(&mut dom, root, self, &mut Report::default());
        let mut html = String::with_capacity(input.len() + input.len() / 8);
        serialize::serialize(&dom, root, &mut html);
        html
    }
}

/// What the whole pipeline gives: the cleaned tree, its root, the report
/// and the output.
struct CleanedDom {
    dom: dom::Dom,
    root: dom::NodeId,
    report: Report,
    html: String,
}

/// The input as escaped text, with newlines normalized the way the parser
/// would (CRLF and CR become LF), so the result is stable.
fn as_text(input: &str) -> String {
    let normalized = if input.contains('\r') {
        std::borrow::Cow::Owned(input.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(input)
    };
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    serialize::escape_text(&normalized, &mut out);
    out
}

/// The README's Rust examples run as doc-tests, so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
