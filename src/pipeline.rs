//! The pipeline: the fast path where it answers, else lex, parse,
//! sanitize, transform and serialize. Every output form (HTML, report,
//! excerpt, plain text) starts here; `lib.rs` only names them.

use std::borrow::Cow;

use crate::dom::{Dom, NodeId};
use crate::error::{CleanError, CleanErrorKind};
use crate::fastpath::{self, Answer};
use crate::lexer::{self, Lexed, Reason};
use crate::limits::{Limit, Limits};
use crate::nesting::Nesting;
use crate::policy::Policy;
use crate::report::{ChangeKind, Report, Rule};
use crate::{parse, sanitize, serialize, transform};

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

/// [`Policy::clean`]: most posts are well-formed, and the fast path writes
/// those directly, answering only where it gives the full pipeline's
/// bytes.
pub(crate) fn clean(policy: &Policy, input: &str) -> String {
    match fastpath::answer(policy, input) {
        Answer::Whole(html) => Some(html),
        Answer::OverLimit => Some(as_text_fallback(policy, input)),
        Answer::Prefix { html, rest, spent } => with_rest(policy, html, input, rest, &spent),
        Answer::None(lexed) => {
            return cleaned_from(policy, input, lexed, Report::discarding()).html;
        }
    }
    .unwrap_or_else(|| cleaned(policy, input, Report::discarding()).html)
}

/// The fast path's output for a start of the input and the full
/// pipeline's for the rest; `None` where the fast path does not stop
/// part way.
pub(crate) fn clean_resumed(policy: &Policy, input: &str) -> Option<String> {
    match fastpath::answer(policy, input) {
        Answer::Prefix { html, rest, spent } => with_rest(policy, html, input, rest, &spent),
        Answer::Whole(_) | Answer::OverLimit | Answer::None(_) => None,
    }
}

/// The fast path alone: `None` where it leaves the input to the full
/// pipeline.
pub(crate) fn clean_fast(policy: &Policy, input: &str) -> Option<String> {
    match fastpath::answer(policy, input) {
        Answer::Whole(html) => Some(html),
        Answer::OverLimit => Some(as_text_fallback(policy, input)),
        Answer::Prefix { .. } | Answer::None(_) => None,
    }
}

/// The fast path's `html` for `input[..rest]`, followed by the full
/// pipeline's output for the rest (see `clean_rest`).
fn with_rest(
    policy: &Policy,
    mut html: String,
    input: &str,
    rest: usize,
    spent: &fastpath::Spent,
) -> Option<String> {
    let nesting = Nesting {
        input: policy
            .limits
            .nesting_budget(input.len())
            .checked_sub(spent.input_nesting)?,
        output_spent: spent.output_nesting,
        output_before: html.len(),
    };
    html.push_str(&clean_rest(policy, &input[rest..], spent.nodes, nesting)?);
    Some(html)
}

/// The full pipeline's output for the `rest` of an input whose start the
/// fast path cleaned, into a tree of the nodes that start left of the
/// limit (`nodes` at most), with the `nesting` the start left; `None` past
/// any limit, where the whole input decides.
fn clean_rest(policy: &Policy, rest: &str, nodes: usize, nesting: Nesting) -> Option<String> {
    let limits = Limits {
        max_nodes: policy.limits.max_nodes.checked_sub(nodes)?,
        ..policy.limits
    };
    let cleaned = clean_dom(policy, rest, None, Report::discarding(), &limits, nesting);
    cleaned.ok().map(|c| c.html)
}

/// [`Policy::clean_report`] through the full pipeline, the changes going
/// to `report`; past a limit, the input as text and the limit reported.
pub(crate) fn cleaned(policy: &Policy, input: &str, report: Report) -> Cleaned {
    cleaned_from(policy, input, None, report)
}

/// [`cleaned`], from the lexical step's result where it is already made.
fn cleaned_from(policy: &Policy, input: &str, lexed: Option<Lexed<'_>>, report: Report) -> Cleaned {
    match clean_into(policy, input, lexed, report) {
        Ok(cleaned) => cleaned,
        Err(err) => {
            let mut report = Report::default();
            let CleanErrorKind::LimitExceeded { limit, .. } = *err.kind();
            report.push(ChangeKind::Input, "", Rule::LimitExceeded(limit));
            Cleaned {
                html: as_text_fallback(policy, input),
                report,
            }
        }
    }
}

/// [`Policy::try_clean`]: the full pipeline, or the limit crossed.
pub(crate) fn try_clean(policy: &Policy, input: &str) -> Result<Cleaned, CleanError> {
    clean_into(policy, input, None, Report::default())
}

/// [`try_clean`], from the lexical step's result where it is already made,
/// the changes going to `report`.
fn clean_into(
    policy: &Policy,
    input: &str,
    lexed: Option<Lexed<'_>>,
    report: Report,
) -> Result<Cleaned, CleanError> {
    let limit_error = |limit: Limit| {
        CleanError::new(CleanErrorKind::LimitExceeded {
            limit,
            max: limit.max(&policy.limits),
        })
    };
    if policy.text_only {
        if input.len() > policy.limits.max_input_bytes {
            return Err(limit_error(Limit::InputBytes));
        }
        return Ok(Cleaned {
            html: as_text(input),
            report,
        });
    }
    let nesting = Nesting::whole(&policy.limits, input.len());
    let cleaned =
        clean_dom(policy, input, lexed, report, &policy.limits, nesting).map_err(limit_error)?;
    Ok(Cleaned {
        html: cleaned.html,
        report: cleaned.report,
    })
}

/// The input as the parser sees it after the lexical step.
pub(crate) fn lexed_input(policy: &Policy, input: &str) -> String {
    if policy.text_only {
        return input.to_owned();
    }
    lexer::lex(input, policy).text().into_owned()
}

/// What the whole pipeline gives: the cleaned tree, its root, the report
/// and the output.
struct CleanedDom {
    dom: Dom,
    root: NodeId,
    report: Report,
    html: String,
}

/// The whole pipeline: parse, sanitize, transform and serialize. The
/// output is written here, since its length sets its own nesting budget
/// (see `nesting`).
fn clean_dom(
    policy: &Policy,
    input: &str,
    lexed: Option<Lexed<'_>>,
    mut report: Report,
    limits: &Limits,
    nesting: Nesting,
) -> Result<CleanedDom, Limit> {
    if input.len() > limits.max_input_bytes {
        return Err(Limit::InputBytes);
    }
    let lexed = lexed.unwrap_or_else(|| lexer::lex(input, policy));
    for escaped in &lexed.escaped {
        let (kind, rule) = match escaped.reason {
            Reason::Policy => (ChangeKind::Element, Rule::Escaped),
            // `<!--`, and `<!`, `<?`, `</` before a non-letter, which the
            // parser reads as (bogus) comments.
            Reason::Unterminated if escaped.name.starts_with('!') => {
                (ChangeKind::Comment, Rule::Unterminated)
            }
            Reason::Unterminated => (ChangeKind::Element, Rule::Unterminated),
            Reason::TooManyAttributes => {
                (ChangeKind::Element, Rule::LimitExceeded(Limit::Attributes))
            }
            Reason::InvalidSpecial => (ChangeKind::Element, Rule::InvalidSpecialTag),
        };
        report.push_span(kind, &escaped.name, rule, escaped.span.clone());
    }
    let mut dom = parse::parse_fragment(&lexed, limits, nesting.input)?;
    let root = dom.fragment_root();
    if lexed.specials > 0
        && let Some(special_tags) = &policy.transforms.special_tags
    {
        transform::expand(&mut dom, root, special_tags);
    }
    sanitize::sanitize(&mut dom, root, policy, &mut report)?;
    transform::after_sanitize(&mut dom, root, policy, &mut report);
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
/// from: the cleaned tree, or, for the text-only policy and past a limit,
/// the input as one text node, as `clean` shows it then.
pub(crate) fn output_dom(policy: &Policy, input: &str) -> (Dom, NodeId) {
    let nesting = Nesting::whole(&policy.limits, input.len());
    if !policy.text_only
        && let Ok(cleaned) = clean_dom(
            policy,
            input,
            None,
            Report::discarding(),
            &policy.limits,
            nesting,
        )
    {
        return (cleaned.dom, cleaned.root);
    }
    Dom::text_fragment(input)
}

/// What [`Policy::clean`] gives past a limit: the input as text, with the
/// policy's paragraphs, line breaks and links (so that cleaning it again
/// gives it back).
fn as_text_fallback(policy: &Policy, input: &str) -> String {
    let t = &policy.transforms;
    if policy.text_only || !(t.paragraphs || t.line_breaks || t.linkify) {
        return as_text(input);
    }
    let (mut dom, root) = Dom::text_fragment(input);
    transform::after_sanitize(&mut dom, root, policy, &mut Report::default());
    let mut html = String::with_capacity(input.len() + input.len() / 8);
    serialize::serialize(&dom, root, &mut html);
    html
}

/// The input as escaped text, with newlines normalized the way the parser
/// would (CRLF and CR become LF), so the result is stable.
fn as_text(input: &str) -> String {
    let normalized = if input.contains('\r') {
        Cow::Owned(input.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(input)
    };
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    serialize::escape_text(&normalized, &mut out);
    out
}
