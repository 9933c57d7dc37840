//! URL attribute checks, with the WHATWG URL parser (the `url` crate), the
//! same algorithm the browser will run on our output.

use std::borrow::Cow;

use crate::policy::{Policy, Relative};
use crate::report::Rule;

// The table of URL attributes is vocabulary the policy also reads (a
// prefix or a forced value must not reach one unchecked).
pub(crate) use crate::tags::{UrlKind, url_kind};

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
    let scheme_allowed = match parse_shortcut(value) {
        Some(Shortcut::Web(scheme)) => Ok(policy.schemes.contains(scheme)),
        Some(Shortcut::Relative) => Err(url::ParseError::RelativeUrlWithoutBase),
        None => url::Url::parse(value).map(|parsed| policy.schemes.contains(parsed.scheme())),
    };
    match scheme_allowed {
        Ok(true) => Ok(Cow::Borrowed(value)),
        Ok(false) => Err(refuse(Rule::UrlScheme)),
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

/// What `url::Url::parse` is certain to make of a value, known without
/// running it.
#[derive(Debug, PartialEq, Eq)]
enum Shortcut {
    /// It parses, with this scheme.
    Web(&'static str),
    /// It fails with `RelativeUrlWithoutBase`.
    Relative,
}

/// The outcome of `url::Url::parse(value)` for the two shapes nearly every
/// link has, where it can be read off the bytes; `None` for everything
/// else, which the parser itself decides. Each step below follows the
/// url crate's code (2.5) for the WHATWG algorithm; the test
/// `shortcut_agrees_with_the_parser` holds it to that.
///
/// - A first byte above U+0020 that is not an ASCII letter: the parser
///   trims only C0 controls and spaces, and a scheme must start with a
///   letter, so this is the "no scheme" state, which fails without a base.
/// - `http://` or `https://`, then a host of dot-separated labels that the
///   IDNA step passes through unchanged (a lower-case letter, then
///   lower-case letters, digits and `-`, no `--` at the third byte, no `-`
///   last: `is_passthrough_ascii_label` in the idna crate), then the end
///   or `/`, `?` or `#`. No userinfo, port, IPv4 or IPv6 host, percent
///   sign, tab or newline can be in such a host (the last label starts
///   with a letter, so it is not a number), and nothing after it can make
///   the parse fail: path, query and fragment only ever get
///   percent-encoded, and the length bound keeps the serialization far
///   from the parser's `u32` limit.
fn parse_shortcut(value: &str) -> Option<Shortcut> {
    let bytes = value.as_bytes();
    let &first = bytes.first()?;
    if first > b' ' && !first.is_ascii_alphabetic() {
        return Some(Shortcut::Relative);
    }
    if bytes.len() > 1 << 20 {
        return None;
    }
    let (scheme, rest) = if let Some(rest) = bytes.strip_prefix(b"https://") {
        ("https", rest)
    } else {
        ("http", bytes.strip_prefix(b"http://")?)
    };
    let host_len = rest
        .iter()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let host = &rest[..host_len];
    let plain_label = |label: &[u8]| match label {
        [first, tail @ ..] => {
            first.is_ascii_lowercase()
                && tail
                    .iter()
                    .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && label.last() != Some(&b'-')
                && label.get(2..4) != Some(b"--")
        }
        [] => false,
    };
    host.split(|&b| b == b'.')
        .all(plain_label)
        .then_some(Shortcut::Web(scheme))
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
    let is_space = |b: u8| b.is_ascii_whitespace();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every answer the shortcut gives must be the parser's. The cases
    /// are the shapes it takes plus their near misses, and every way of
    /// splicing hosts and tails from two lists together.
    #[test]
    fn shortcut_agrees_with_the_parser() {
        let mut cases: Vec<String> = [
            "",
            " ",
            "/a",
            "#top",
            "?q=1",
            "./x",
            "../x",
            "//evil.example/",
            "\\\\evil.example",
            "\u{a0}http://a.example/",
            "\u{7f}x",
            "1http://a/",
            "%68ttp://a/",
            "é",
            "http:",
            "http:/",
            "http://",
            "https://",
            "http:///a.example/",
            "http:\\\\a.example/",
            "HTTP://a.example/",
            "http://a.example:80/",
            "http://a.example:99999/",
            "http://user@a.example/",
            "http://a.example@b.example/",
            "http://[::1]/",
            "http://[::1/",
            "http://1.2.3.4/",
            "http://1.2.3.999/",
            "http://a.0x10/",
            "http://a.b.1/",
            "http://a.1b/",
            "http://0x10.a/",
            "http://xn--a.example/",
            "http://xn--bcher-kva.example/",
            "http://ab--c.example/",
            "http://a-.example/",
            "http://-a.example/",
            "http://a..example/",
            "http://a.example./",
            "http://.a.example/",
            "http://a%2eexample/",
            "http://a\texample/",
            "http://a\nexample/",
            "http://a example/",
            "http://ex\u{e4}mple.de/",
            "http://EXAMPLE.com/",
            "http://a_b.example/",
            "http://a.example\\x",
            "https://a.example/%zz?\u{0}#\u{7f} <>\"`{}|^",
            "https://a.example/path with space/\t\n",
            "https://a.example/../../..//x/./y",
            "https://a.example/ ",
            "http://a.example/\u{1F600}",
            "javascript:alert(1)",
            "java\nscript:alert(1)",
            " javascript:alert(1)",
            "mailto:a@b.example",
            "https:a.example",
            "https:/a.example",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let hosts = [
            "a", "a1", "a-b", "ab--c", "xn--p", "a.b", "a.", ".a", "a..b", "1a", "a.1", "a.0x1",
            "a.b-", "A", "a:1", "a@b", "", "a%41", "a\tb", "[::]", "\u{e9}",
        ];
        let tails = [
            "", "/", "?", "#", "/x?y#z", "\\", ":", "@", " ", "\t", "/\u{0}",
        ];
        for scheme in ["http://", "https://", "ftp://", "Https://"] {
            for host in hosts {
                for tail in tails {
                    cases.push(format!("{scheme}{host}{tail}"));
                }
            }
        }
        let mut answered = 0;
        for case in &cases {
            let Some(shortcut) = parse_shortcut(case) else {
                continue;
            };
            answered += 1;
            let expected = match url::Url::parse(case) {
                Ok(u) if u.scheme() == "http" => Ok(Shortcut::Web("http")),
                Ok(u) if u.scheme() == "https" => Ok(Shortcut::Web("https")),
                Err(url::ParseError::RelativeUrlWithoutBase) => Ok(Shortcut::Relative),
                other => Err(other.map(|u| u.to_string())),
            };
            assert_eq!(Ok(shortcut), expected, "{case:?}");
        }
        // The test means nothing if the shortcut never answers.
        assert!(answered > 60, "{answered}");
    }
}
