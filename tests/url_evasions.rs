//! URL filter evasions, class by class, in `href`, `src` and one `srcset`
//! candidate, with the ugc allowlist and relative URLs passed, denied and
//! rewritten against a base.
//!
//! Every case states by hand, from the HTML tokenizer and WHATWG URL
//! standards, (1) what the HTML parser decodes the attribute to and (2)
//! what the URL parser makes of that: a scheme, a relative reference (and
//! what it resolves to against [`BASE`]) or a failure. The expected output
//! of each policy follows from those two facts alone. Each fact is also
//! checked against an independent implementation (the rcdom parse in
//! `safe-markup-check`, the `url` crate), so a wrong premise fails as such
//! rather than as a sanitizer bug.

use std::borrow::Cow;

use safe_markup::{ChangeKind, Cleaned, Policy, RelativeUrls, Rule};
use safe_markup_check::{attr, descendants, element_name, parse_fragment};

/// The base of the rewriting policy.
const BASE: &str = "https://diary.test/u/alice/";

/// The other candidate of every `srcset` case, always kept.
const OK_CANDIDATE: &str = "https://ok.test/b.png 2x";

/// What the WHATWG URL parser makes of a decoded value.
#[derive(Clone, Copy, Debug)]
enum Is {
    /// An absolute URL with this (lowercased) scheme.
    Scheme(&'static str),
    /// A relative reference; the URL it resolves to against [`BASE`].
    Relative(&'static str),
    /// A parse failure: no browser fetches or navigates to it.
    Invalid,
    /// A relative reference that resolves, by the standard and in
    /// browsers, to this URL, but that the `url` crate (2.5) fails to
    /// resolve: more than two leading slashes against a special base
    /// (servo/rust-url's expected failures for `///test`). Rewriting it
    /// therefore refuses it, the safe side of the disagreement. When the
    /// crate is fixed, `case_premises_hold` fails: make it `Relative`.
    RelativeCrateCannotJoin(&'static str),
}

struct Case {
    name: &'static str,
    /// The value as written in the HTML source, inside double quotes.
    html: &'static str,
    /// The value once the HTML parser has decoded character references,
    /// normalized newlines and replaced NUL.
    decoded: &'static str,
    is: Is,
}

const fn case(name: &'static str, html: &'static str, decoded: &'static str, is: Is) -> Case {
    Case {
        name,
        html,
        decoded,
        is,
    }
}

use Is::{Invalid, Relative, RelativeCrateCannotJoin, Scheme};

const JS: &str = "javascript:alert(1)";

/// The cases, by evasion class.
const CASES: &[Case] = &[
    // --- Character references. The tokenizer decodes them in attribute
    // values before anyone sees the URL, with or without `;`, however
    // many leading zeros.
    case(
        "decimal_reference",
        "&#106;avascript:alert(1)",
        JS,
        Scheme("javascript"),
    ),
    case(
        "hex_references",
        "&#x6A;&#x61;&#x76;&#x61;script:alert(1)",
        JS,
        Scheme("javascript"),
    ),
    case(
        "zero_padded_references_without_semicolons",
        "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
        JS,
        Scheme("javascript"),
    ),
    // `&#x61v`: the hex digits stop at `v`, which stays.
    case(
        "hex_references_without_semicolons",
        "&#x6a&#x61vascript:alert(1)",
        JS,
        Scheme("javascript"),
    ),
    case(
        "named_colon",
        "javascript&colon;alert(1)",
        JS,
        Scheme("javascript"),
    ),
    case(
        "hex_colon",
        "javascript&#x3A;alert(1)",
        JS,
        Scheme("javascript"),
    ),
    // `&colon` without `;` is not one of the legacy names the tokenizer
    // decodes without it, so it stays literal text; `&` cannot be in a
    // scheme, so this is a path.
    case(
        "named_colon_without_semicolon_is_text",
        "javascript&colonalert(1)",
        "javascript&colonalert(1)",
        Relative("https://diary.test/u/alice/javascript&colonalert(1)"),
    ),
    // Decoded once only: `&amp;#106;` is the text `&#106;`, and its `#`
    // starts a fragment.
    case(
        "double_encoded_reference_is_text",
        "&amp;#106;avascript:alert(1)",
        "&#106;avascript:alert(1)",
        Relative("https://diary.test/u/alice/&#106;avascript:alert(1)"),
    ),
    // --- Tabs, newlines and other C0 controls. The URL parser strips
    // leading and trailing C0 controls and spaces and removes every tab and
    // newline; other controls inside the scheme end it (a path then).
    case(
        "named_tab",
        "java&Tab;script:alert(1)",
        "java\tscript:alert(1)",
        Scheme("javascript"),
    ),
    case(
        "named_newline",
        "java&NewLine;script:alert(1)",
        "java\nscript:alert(1)",
        Scheme("javascript"),
    ),
    case(
        "literal_tab",
        "java\tscript:alert(1)",
        "java\tscript:alert(1)",
        Scheme("javascript"),
    ),
    // The HTML input stream turns CR LF into LF.
    case(
        "literal_crlf",
        "java\r\nscript:alert(1)",
        "java\nscript:alert(1)",
        Scheme("javascript"),
    ),
    case(
        "cr_reference",
        "java&#13;script:alert(1)",
        "java\rscript:alert(1)",
        Scheme("javascript"),
    ),
    // NUL in an attribute value becomes U+FFFD, which is no scheme code
    // point: a path, percent-encoded as UTF-8 when resolved.
    case(
        "literal_nul_inside",
        "java\0script:alert(1)",
        "java\u{fffd}script:alert(1)",
        Relative("https://diary.test/u/alice/java%EF%BF%BDscript:alert(1)"),
    ),
    case(
        "nul_reference_inside",
        "java&#0;script:alert(1)",
        "java\u{fffd}script:alert(1)",
        Relative("https://diary.test/u/alice/java%EF%BF%BDscript:alert(1)"),
    ),
    case(
        "literal_nul_before",
        "\0javascript:alert(1)",
        "\u{fffd}javascript:alert(1)",
        Relative("https://diary.test/u/alice/%EF%BF%BDjavascript:alert(1)"),
    ),
    case(
        "control_reference_before",
        "&#1;javascript:alert(1)",
        "\u{1}javascript:alert(1)",
        Scheme("javascript"),
    ),
    case(
        "literal_controls_before",
        "\u{1}\u{2}javascript:alert(1)",
        "\u{1}\u{2}javascript:alert(1)",
        Scheme("javascript"),
    ),
    case(
        "space_and_form_feed_references_before",
        "&#x20;&#x0c;javascript:alert(1)",
        " \u{c}javascript:alert(1)",
        Scheme("javascript"),
    ),
    case(
        "literal_spaces_before",
        "  javascript:alert(1)",
        "  javascript:alert(1)",
        Scheme("javascript"),
    ),
    case(
        "control_reference_after",
        "javascript:alert(1)&#1;",
        "javascript:alert(1)\u{1}",
        Scheme("javascript"),
    ),
    case(
        "literal_control_inside",
        "java\u{1}script:alert(1)",
        "java\u{1}script:alert(1)",
        Relative("https://diary.test/u/alice/java%01script:alert(1)"),
    ),
    case(
        "vertical_tab_reference_inside",
        "java&#11;script:alert(1)",
        "java\u{b}script:alert(1)",
        Relative("https://diary.test/u/alice/java%0Bscript:alert(1)"),
    ),
    // --- Case. Schemes are ASCII case-insensitive.
    case(
        "mixed_case",
        "JaVaScRiPt:alert(1)",
        "JaVaScRiPt:alert(1)",
        Scheme("javascript"),
    ),
    case(
        "upper_case_data",
        "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        Scheme("data"),
    ),
    // --- Unicode. The URL parser lowercases schemes in ASCII only and
    // takes no code point above U+007F in one, so no case folding or
    // lookalike makes a scheme: these are all paths.
    case(
        "long_s",
        "java&#x17F;cript:alert(1)",
        "java\u{17f}cript:alert(1)",
        Relative("https://diary.test/u/alice/java%C5%BFcript:alert(1)"),
    ),
    case(
        "dotted_capital_i",
        "JAVASCR&#x130;PT:alert(1)",
        "JAVASCR\u{130}PT:alert(1)",
        Relative("https://diary.test/u/alice/JAVASCR%C4%B0PT:alert(1)"),
    ),
    case(
        "fullwidth_letters",
        "ｊａｖａｓｃｒｉｐｔ:alert(1)",
        "ｊａｖａｓｃｒｉｐｔ:alert(1)",
        Relative(
            "https://diary.test/u/alice/%EF%BD%8A%EF%BD%81%EF%BD%96%EF%BD%81%EF%BD%93%EF%BD%83%EF%BD%92%EF%BD%89%EF%BD%90%EF%BD%94:alert(1)",
        ),
    ),
    // U+212A KELVIN SIGN maps to `k` in a host (IDNA), not in a scheme;
    // the scheme here is plain https, so it is kept as written.
    case(
        "kelvin_sign_in_host",
        "https://&#x212A;.test/",
        "https://\u{212a}.test/",
        Scheme("https"),
    ),
    // U+FEFF and U+00A0 are not C0 controls or spaces: not stripped.
    case(
        "bom_before",
        "&#xFEFF;javascript:alert(1)",
        "\u{feff}javascript:alert(1)",
        Relative("https://diary.test/u/alice/%EF%BB%BFjavascript:alert(1)"),
    ),
    case(
        "nbsp_before",
        "&nbsp;javascript:alert(1)",
        "\u{a0}javascript:alert(1)",
        Relative("https://diary.test/u/alice/%C2%A0javascript:alert(1)"),
    ),
    // --- Other hosts without a scheme. For a special base (https), `\`
    // is `/`, and any run of slashes starts the host.
    case(
        "scheme_relative",
        "//evil.test/x",
        "//evil.test/x",
        Relative("https://evil.test/x"),
    ),
    case(
        "slash_backslash",
        "/\\evil.test/y",
        "/\\evil.test/y",
        Relative("https://evil.test/y"),
    ),
    case(
        "two_backslashes",
        "\\\\evil.test/z",
        "\\\\evil.test/z",
        Relative("https://evil.test/z"),
    ),
    case(
        "three_slashes",
        "///evil.test/",
        "///evil.test/",
        RelativeCrateCannotJoin("https://evil.test/"),
    ),
    case(
        "tab_between_slashes",
        "/&Tab;/evil.test/",
        "/\t/evil.test/",
        Relative("https://evil.test/"),
    ),
    // --- Percent-encoding is not decoded before the scheme is found, and
    // `%` is no scheme code point: `javascript%3A` is a path.
    case(
        "percent_encoded_colon",
        "javascript%3Aalert(1)",
        "javascript%3Aalert(1)",
        Relative("https://diary.test/u/alice/javascript%3Aalert(1)"),
    ),
    case(
        "percent_encoded_scheme_letter",
        "java%73cript:alert(1)",
        "java%73cript:alert(1)",
        Relative("https://diary.test/u/alice/java%73cript:alert(1)"),
    ),
    // --- Scheme syntax edges.
    case(
        "plus_in_scheme",
        "java+script:alert(1)",
        "java+script:alert(1)",
        Scheme("java+script"),
    ),
    case(
        "digit_first",
        "1javascript:alert(1)",
        "1javascript:alert(1)",
        Relative("https://diary.test/u/alice/1javascript:alert(1)"),
    ),
    case(
        "colon_first",
        ":javascript:alert(1)",
        ":javascript:alert(1)",
        Relative("https://diary.test/u/alice/:javascript:alert(1)"),
    ),
    // --- Other script and data schemes.
    case(
        "data_html",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        Scheme("data"),
    ),
    case(
        "data_svg_no_comma",
        "data:image/svg+xml",
        "data:image/svg+xml",
        Scheme("data"),
    ),
    case(
        "vbscript",
        "vbscript:msgbox(1)",
        "vbscript:msgbox(1)",
        Scheme("vbscript"),
    ),
    case(
        "vbscript_reference",
        "vb&#115;cript:msgbox(1)",
        "vbscript:msgbox(1)",
        Scheme("vbscript"),
    ),
    case(
        "livescript",
        "livescript:alert(1)",
        "livescript:alert(1)",
        Scheme("livescript"),
    ),
    // --- Controls: allowed schemes and plain relative references.
    case(
        "https",
        "https://x.test/a",
        "https://x.test/a",
        Scheme("https"),
    ),
    case(
        "https_upper_case",
        "HTTPS://X.TEST/",
        "HTTPS://X.TEST/",
        Scheme("https"),
    ),
    case(
        "mailto_colon_reference",
        "mailto&#58;a@b.test",
        "mailto:a@b.test",
        Scheme("mailto"),
    ),
    case(
        "fragment",
        "#top",
        "#top",
        Relative("https://diary.test/u/alice/#top"),
    ),
    case("empty", "", "", Relative("https://diary.test/u/alice/")),
    case(
        "path",
        "../b/p.png",
        "../b/p.png",
        Relative("https://diary.test/u/b/p.png"),
    ),
    // --- Failures: nothing to navigate to.
    case(
        "space_in_host",
        "http://exa mple.test/",
        "http://exa mple.test/",
        Invalid,
    ),
    case("unclosed_ipv6", "https://[::1/", "https://[::1/", Invalid),
    case(
        "port_out_of_range",
        "https://x.test:99999/",
        "https://x.test:99999/",
        Invalid,
    ),
];

/// How the policy treats relative URLs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Pass,
    Deny,
    Rewrite,
}

const MODES: [Mode; 3] = [Mode::Pass, Mode::Deny, Mode::Rewrite];

/// ugc with `srcset` on `img`, and the mode.
fn policy(mode: Mode) -> Policy {
    let relative = match mode {
        Mode::Pass => RelativeUrls::Pass,
        Mode::Deny => RelativeUrls::Deny,
        Mode::Rewrite => RelativeUrls::Rewrite(BASE.to_owned()),
    };
    Policy::ugc()
        .to_builder()
        .allow_attrs("img", ["srcset"])
        .relative_urls(relative)
        .build()
        .expect("ugc with srcset builds")
}

/// Where the value goes.
#[derive(Clone, Copy, Debug)]
enum Slot {
    Href,
    Src,
    Srcset,
}

impl Slot {
    fn html(self, value: &str) -> String {
        match self {
            Slot::Href => format!(r#"<a href="{value}">x</a>"#),
            Slot::Src => format!(r#"<img src="{value}" alt="i">"#),
            Slot::Srcset => format!(r#"<img alt="i" srcset="{value} 1x, {OK_CANDIDATE}">"#),
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Slot::Href => "a",
            Slot::Src | Slot::Srcset => "img",
        }
    }

    fn attr(self) -> &'static str {
        match self {
            Slot::Href => "href",
            Slot::Src => "src",
            Slot::Srcset => "srcset",
        }
    }

    /// The element's attributes in the output, in order, when the URL is
    /// kept as `url` (`None`: refused).
    fn expected_attrs(self, url: Option<&str>) -> Vec<(String, String)> {
        let pair = |a: &str, v: &str| (a.to_owned(), v.to_owned());
        match (self, url) {
            (Slot::Href, Some(u)) => vec![pair("href", u), pair("rel", "noopener noreferrer")],
            (Slot::Href, None) => vec![],
            (Slot::Src, Some(u)) => vec![pair("src", u), pair("alt", "i")],
            (Slot::Src, None) => vec![pair("alt", "i")],
            (Slot::Srcset, Some(u)) => {
                vec![
                    pair("alt", "i"),
                    pair("srcset", &format!("{u} 1x, {OK_CANDIDATE}")),
                ]
            }
            (Slot::Srcset, None) => vec![pair("alt", "i"), pair("srcset", OK_CANDIDATE)],
        }
    }
}

/// Whether a `srcset` candidate can hold the value as one URL: the srcset
/// parser splits on ASCII whitespace and ends a URL at trailing commas.
fn fits_srcset(decoded: &str) -> bool {
    !decoded.is_empty()
        && !decoded
            .chars()
            .any(|c| matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r' | ','))
}

/// The allowlist under test, so that the expectations say which schemes
/// ugc keeps without asking the policy.
const UGC_SCHEMES: &[&str] = &[
    "bitcoin",
    "ftp",
    "ftps",
    "geo",
    "http",
    "https",
    "im",
    "irc",
    "ircs",
    "magnet",
    "mailto",
    "mms",
    "mx",
    "news",
    "nntp",
    "openpgp4fpr",
    "sip",
    "sms",
    "smsto",
    "ssh",
    "tel",
    "url",
    "webcal",
    "wtai",
    "xmpp",
];

/// The attributes of the only element of the output, parsed by the
/// independent parser.
fn output_attrs(html: &str, tag: &str) -> Result<Vec<(String, String)>, String> {
    let parsed = parse_fragment(html);
    let elements: Vec<_> = descendants(&parsed.root())
        .into_iter()
        .filter(|n| element_name(n).is_some())
        .collect();
    let [element] = elements.as_slice() else {
        return Err(format!("expected one element, got {}", elements.len()));
    };
    let name = element_name(element).map(|q| q.local.to_string());
    if name.as_deref() != Some(tag) {
        return Err(format!("expected <{tag}>, got {name:?}"));
    }
    match &element.data {
        safe_markup_check::NodeData::Element { attrs, .. } => Ok(attrs
            .borrow()
            .iter()
            .map(|a| (a.name.local.to_string(), a.value.to_string()))
            .collect()),
        _ => Err("not an element".to_owned()),
    }
}

/// What one (case, slot, mode) must give: the URL written, if kept, and
/// the rule reported for it (refused, or rewritten).
fn expectation(case: &Case, slot: Slot, mode: Mode) -> (Option<Cow<'static, str>>, Option<Rule>) {
    match case.is {
        Scheme(s) if UGC_SCHEMES.contains(&s) => (Some(Cow::Borrowed(case.decoded)), None),
        Scheme(_) => (None, Some(Rule::UrlScheme)),
        Invalid => (None, Some(Rule::UrlInvalid)),
        RelativeCrateCannotJoin(_) => match mode {
            Mode::Pass => (Some(Cow::Borrowed(case.decoded)), None),
            Mode::Deny => (None, Some(Rule::UrlRelative)),
            Mode::Rewrite => (None, Some(Rule::UrlInvalid)),
        },
        Relative(resolved) => match mode {
            Mode::Pass => (Some(Cow::Borrowed(case.decoded)), None),
            Mode::Deny => (None, Some(Rule::UrlRelative)),
            // The report names rewrites of whole-value URLs; a srcset is
            // a list, reported only for what it loses.
            Mode::Rewrite => (
                Some(Cow::Borrowed(resolved)),
                matches!(slot, Slot::Href | Slot::Src).then_some(Rule::UrlRewritten),
            ),
        },
    }
}

/// Checks one output against the expectation; `Err` says what differs.
fn check(
    case: &Case,
    slot: Slot,
    mode: Mode,
    cleaned: &Cleaned,
    kept: Option<&str>,
    rule: Option<Rule>,
) -> Result<(), String> {
    let want = slot.expected_attrs(kept);
    let got = output_attrs(&cleaned.html, slot.tag())?;
    if got != want {
        return Err(format!("attributes {got:?}, want {want:?}"));
    }
    let url_changes: Vec<_> = cleaned
        .report
        .changes()
        .iter()
        .filter(|c| c.kind == ChangeKind::Url)
        .collect();
    match rule {
        None if url_changes.is_empty() => Ok(()),
        None => Err(format!("unexpected report {url_changes:?}")),
        Some(rule) => {
            let [change] = url_changes.as_slice() else {
                return Err(format!("want one {rule:?} change, got {url_changes:?}"));
            };
            let ok = change.rule == rule
                && change.name == slot.attr()
                && change.element.as_deref() == Some(slot.tag())
                && change.url.as_deref() == Some(case.decoded);
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "report {change:?}, want {rule:?} for {:?} ({mode:?})",
                    case.decoded
                ))
            }
        }
    }
}

/// The premises of each case, checked against independent implementations:
/// the rcdom parse decodes `html` to `decoded`, and the `url` crate agrees
/// with `is`.
#[test]
fn case_premises_hold() {
    let base = url::Url::parse(BASE).expect("base parses");
    let mut wrong = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for case in CASES {
        assert!(names.insert(case.name), "duplicate case {}", case.name);
        let parsed = parse_fragment(&Slot::Href.html(case.html));
        let decoded = descendants(&parsed.root())
            .iter()
            .find_map(|n| attr(n, "href"));
        if decoded.as_deref() != Some(case.decoded) {
            wrong.push(format!("{}: decodes to {decoded:?}", case.name));
        }
        let url = url::Url::parse(case.decoded);
        let agrees = match (case.is, &url) {
            (Scheme(s), Ok(u)) => u.scheme() == s,
            (Relative(r), Err(url::ParseError::RelativeUrlWithoutBase)) => {
                base.join(case.decoded).map(String::from).as_deref() == Ok(r)
            }
            (Invalid, Err(e)) => *e != url::ParseError::RelativeUrlWithoutBase,
            (RelativeCrateCannotJoin(_), Err(url::ParseError::RelativeUrlWithoutBase)) => {
                base.join(case.decoded).is_err()
            }
            _ => false,
        };
        if !agrees {
            let joined = base.join(case.decoded).map(String::from);
            let standard = match case.is {
                Relative(r) | RelativeCrateCannotJoin(r) => r,
                Scheme(_) | Invalid => "-",
            };
            wrong.push(format!(
                "{}: url crate says {url:?}, joined {joined:?} (the standard: {standard})",
                case.name
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "wrong premises:\n  {}",
        wrong.join("\n  ")
    );
}

/// Every case in `href` and `src`, and in a `srcset` candidate where the
/// value is one candidate URL, under each relative-URL mode.
#[test]
fn evasions_by_slot_and_mode() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for mode in MODES {
        let policy = policy(mode);
        for case in CASES {
            for slot in [Slot::Href, Slot::Src, Slot::Srcset] {
                if matches!(slot, Slot::Srcset) && !fits_srcset(case.decoded) {
                    continue;
                }
                let input = slot.html(case.html);
                let cleaned = policy.clean_report(&input);
                let (kept, rule) = expectation(case, slot, mode);
                checked += 1;
                if let Err(why) = check(case, slot, mode, &cleaned, kept.as_deref(), rule) {
                    failures.push(format!(
                        "{} in {slot:?}, {mode:?}: {why}\n    input:  {input:?}\n    output: {:?}",
                        case.name, cleaned.html
                    ));
                }
                // Whatever was kept must come back unchanged.
                let again = policy.clean(&cleaned.html);
                if again != cleaned.html {
                    failures.push(format!(
                        "{} in {slot:?}, {mode:?}: not idempotent: {:?} -> {again:?}",
                        case.name, cleaned.html
                    ));
                }
            }
        }
    }
    assert!(checked > 3 * 2 * CASES.len(), "only {checked} checks ran");
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `srcset` values whose evasion is the candidate syntax itself: each with
/// the `srcset` the output must have (`None`: attribute removed) in each
/// mode, and the URLs the report must name as refused.
struct SrcsetCase {
    name: &'static str,
    html: &'static str,
    pass: Option<&'static str>,
    deny: Option<&'static str>,
    rewrite: Option<&'static str>,
    /// (URL, rule) refused with relative URLs passed.
    refused: &'static [(&'static str, Rule)],
}

const SRCSET_CASES: &[SrcsetCase] = &[
    // The descriptor tokenizer has one "in parens" state: the first `)`
    // leaves it, then the comma ends the candidate, and the browser reads
    // `javascript:alert(1)` as the next candidate's URL.
    SrcsetCase {
        name: "nested_parens_end_at_first_close",
        html: "a.png ((x) , javascript:alert(1) 2x)",
        pass: Some("a.png ((x)"),
        deny: None,
        rewrite: Some("https://diary.test/u/alice/a.png ((x)"),
        refused: &[("javascript:alert(1)", Rule::UrlScheme)],
    },
    // Inside parentheses a comma does not end the candidate: what follows
    // is descriptor text, never fetched.
    SrcsetCase {
        name: "comma_inside_parens_is_descriptor",
        html: "a.png (1x, javascript:alert(1))",
        pass: Some("a.png (1x, javascript:alert(1))"),
        deny: None,
        rewrite: Some("https://diary.test/u/alice/a.png (1x, javascript:alert(1))"),
        refused: &[],
    },
    // A tab ends the URL: `java` is the URL, the rest descriptors (invalid
    // ones, so a browser drops the candidate).
    SrcsetCase {
        name: "tab_splits_url_from_descriptors",
        html: "java&#9;script:alert(1) 1x",
        pass: Some("java script:alert(1) 1x"),
        deny: None,
        rewrite: Some("https://diary.test/u/alice/java script:alert(1) 1x"),
        refused: &[],
    },
    // Without whitespace the comma is part of the URL: one candidate,
    // whose scheme is the first one.
    SrcsetCase {
        name: "comma_without_space_is_one_url",
        html: "javascript:alert(1),https://ok.test/b.png",
        pass: None,
        deny: None,
        rewrite: None,
        refused: &[("javascript:alert(1),https://ok.test/b.png", Rule::UrlScheme)],
    },
    SrcsetCase {
        name: "allowed_url_with_comma_is_one_url",
        html: "https://ok.test/a.png,javascript:alert(1)",
        pass: Some("https://ok.test/a.png,javascript:alert(1)"),
        deny: Some("https://ok.test/a.png,javascript:alert(1)"),
        rewrite: Some("https://ok.test/a.png,javascript:alert(1)"),
        refused: &[],
    },
    // Trailing commas end a URL (and are not part of it).
    SrcsetCase {
        name: "trailing_comma_ends_url",
        html: "javascript:alert(1),, https://ok.test/b.png 2x",
        pass: Some("https://ok.test/b.png 2x"),
        deny: Some("https://ok.test/b.png 2x"),
        rewrite: Some("https://ok.test/b.png 2x"),
        refused: &[("javascript:alert(1)", Rule::UrlScheme)],
    },
    SrcsetCase {
        name: "data_candidate",
        html: "data:image/png;base64,AAAA 1x, https://ok.test/b.png 2x",
        pass: Some("https://ok.test/b.png 2x"),
        deny: Some("https://ok.test/b.png 2x"),
        rewrite: Some("https://ok.test/b.png 2x"),
        refused: &[("data:image/png;base64,AAAA", Rule::UrlScheme)],
    },
];

#[test]
fn srcset_candidate_syntax() {
    let mut failures = Vec::new();
    for mode in MODES {
        let policy = policy(mode);
        for case in SRCSET_CASES {
            let input = format!(r#"<img alt="i" srcset="{}">"#, case.html);
            let cleaned = policy.clean_report(&input);
            let want_srcset = match mode {
                Mode::Pass => case.pass,
                Mode::Deny => case.deny,
                Mode::Rewrite => case.rewrite,
            };
            let mut want = vec![("alt".to_owned(), "i".to_owned())];
            if let Some(s) = want_srcset {
                want.push(("srcset".to_owned(), s.to_owned()));
            }
            match output_attrs(&cleaned.html, "img") {
                Ok(got) if got == want => {}
                got => failures.push(format!(
                    "{} ({mode:?}): {got:?}, want {want:?}; output {:?}",
                    case.name, cleaned.html
                )),
            }
            if mode == Mode::Pass {
                let refused: Vec<(String, Rule)> = cleaned
                    .report
                    .changes()
                    .iter()
                    .filter(|c| c.kind == ChangeKind::Url)
                    .map(|c| (c.url.clone().unwrap_or_default(), c.rule))
                    .collect();
                let want: Vec<(String, Rule)> = case
                    .refused
                    .iter()
                    .map(|(u, r)| ((*u).to_owned(), *r))
                    .collect();
                if refused != want {
                    failures.push(format!("{}: report {refused:?}, want {want:?}", case.name));
                }
            }
            let again = policy.clean(&cleaned.html);
            if again != cleaned.html {
                failures.push(format!(
                    "{} ({mode:?}): not idempotent: {again:?}",
                    case.name
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
