//! URL attribute checks, with the WHATWG URL parser (the `url` crate), the
//! same algorithm the browser will run on our output.

use std::borrow::Cow;

use html5ever::LocalName;

use crate::policy::{Policy, Relative};
use crate::report::Rule;

/// How an attribute's value holds URLs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum UrlKind {
    /// The whole value is one URL.
    Single,
    /// Whitespace-separated URLs (`ping`, `archive`).
    List,
    /// Image candidates: URL, optional descriptors, comma-separated.
    Srcset,
}

/// Whether an attribute carries URLs. Checked on every kept attribute, not
/// only the usual ones, so allowing e.g. `poster` or `background` can never
/// let a `javascript:` URL through.
pub(crate) fn url_kind(attr: &LocalName) -> Option<UrlKind> {
    match &**attr {
        "href" | "src" | "cite" | "action" | "formaction" | "poster" | "background"
        | "longdesc" | "data" | "codebase" | "classid" | "manifest" | "icon" | "profile"
        | "dynsrc" | "lowsrc" | "itemid" | "xlink:href" | "xml:base" => Some(UrlKind::Single),
        "ping" | "archive" | "itemtype" => Some(UrlKind::List),
        "srcset" | "imagesrcset" => Some(UrlKind::Srcset),
        _ => None,
    }
}

/// Why a URL was refused.
pub(crate) struct Refused {
    pub(crate) rule: Rule,
    pub(crate) url: String,
}

/// Checks one URL: kept as written, rewritten against the base, or refused.
fn check_one<'a>(policy: &Policy, value: &'a str) -> Result<Cow<'a, str>, Refused> {
    let refuse = |rule| Refused {
        rule,
        url: value.to_owned(),
    };
    match url::Url::parse(value) {
        Ok(parsed) => {
            if policy.schemes.contains(parsed.scheme()) {
                Ok(Cow::Borrowed(value))
            } else {
                Err(refuse(Rule::UrlScheme))
            }
        }
        Err(url::ParseError::RelativeUrlWithoutBase) => match &policy.relative {
            Relative::Deny => Err(refuse(Rule::UrlRelative)),
            Relative::Pass => Ok(Cow::Borrowed(value)),
            Relative::Rewrite(base) => match base.join(value) {
                // A relative reference keeps the base's scheme, which the
                // policy allows (checked at build time); check anyway.
                Ok(joined) if policy.schemes.contains(joined.scheme()) => {
                    Ok(Cow::Owned(String::from(joined)))
                }
                _ => Err(refuse(Rule::UrlInvalid)),
            },
        },
        // A URL the browser cannot parse does not navigate; it is dropped
        // rather than passed on for some other parser to guess at.
        Err(_) => Err(refuse(Rule::UrlInvalid)),
    }
}

/// The outcome of checking one attribute value.
pub(crate) struct Checked<'a> {
    /// The value to write, if any part of it survived.
    pub(crate) value: Option<Cow<'a, str>>,
    /// Each URL that was refused (for `srcset`, other candidates may stay).
    pub(crate) refused: Vec<Refused>,
}

/// Checks an attribute value of the given kind. A single URL is kept or
/// refused whole; lists (`ping`) and `srcset` keep their acceptable parts.
pub(crate) fn check<'a>(policy: &Policy, kind: UrlKind, value: &'a str) -> Checked<'a> {
    match kind {
        UrlKind::Single => match check_one(policy, value) {
            Ok(v) => Checked {
                value: Some(v),
                refused: Vec::new(),
            },
            Err(r) => Checked {
                value: None,
                refused: vec![r],
            },
        },
        UrlKind::List => {
            let parts = value.split_ascii_whitespace().map(|u| (u, ""));
            check_parts(policy, value, parts, " ")
        }
        UrlKind::Srcset => check_parts(policy, value, srcset_candidates(value).into_iter(), ", "),
    }
}

/// Checks each (URL, descriptors) part and joins the survivors.
fn check_parts<'a, 'b>(
    policy: &Policy,
    value: &'a str,
    parts: impl Iterator<Item = (&'b str, &'b str)>,
    separator: &str,
) -> Checked<'a> {
    let mut out = String::new();
    let mut refused = Vec::new();
    for (url, desc) in parts {
        match check_one(policy, url) {
            Ok(u) => {
                if !out.is_empty() {
                    out.push_str(separator);
                }
                out.push_str(&u);
                if !desc.is_empty() {
                    out.push(' ');
                    out.push_str(desc);
                }
            }
            Err(r) => refused.push(r),
        }
    }
    let value = if out.is_empty() {
        if refused.is_empty() {
            refused.push(Refused {
                rule: Rule::UrlInvalid,
                url: value.to_owned(),
            });
        }
        None
    } else if out == value {
        Some(Cow::Borrowed(value))
    } else {
        Some(Cow::Owned(out))
    };
    Checked { value, refused }
}

/// Splits a `srcset` value into (URL, descriptors) candidates, following
/// the HTML "parse a srcset attribute" steps: a URL is a run of
/// non-whitespace (trailing commas end the candidate), descriptors run to
/// the next comma outside parentheses.
fn srcset_candidates(value: &str) -> Vec<(&str, &str)> {
    let bytes = value.as_bytes();
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r');
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (is_space(bytes[i]) || bytes[i] == b',') {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let start = i;
        while i < bytes.len() && !is_space(bytes[i]) {
            i += 1;
        }
        let mut url_end = i;
        let mut has_descriptors = true;
        if value[start..url_end].ends_with(',') {
            while url_end > start && bytes[url_end - 1] == b',' {
                url_end -= 1;
            }
            has_descriptors = false;
        }
        let url = &value[start..url_end];
        let mut desc = "";
        if has_descriptors {
            let desc_start = i;
            // The standard's descriptor tokenizer has one "in parens" state,
            // not a nesting depth: the first `)` leaves it, however many `(`
            // came before. Counting depth instead hid the second candidate
            // of `a.png ((x) , javascript:alert(1) 2x)` inside the first
            // one's descriptors, so it was never checked, while a browser
            // reads `javascript:alert(1)` as a candidate URL.
            let mut in_parens = false;
            while i < bytes.len() {
                match bytes[i] {
                    b'(' => in_parens = true,
                    b')' => in_parens = false,
                    b',' if !in_parens => break,
                    _ => {}
                }
                i += 1;
            }
            desc = value[desc_start..i].trim_matches(|c: char| c.is_ascii_whitespace());
        }
        if !url.is_empty() {
            out.push((url, desc));
        }
    }
    out
}
