//! Inline CSS: the `style` attribute, for policies that opt in with
//! [`PolicyBuilder::allow_style_properties`](crate::PolicyBuilder::allow_style_properties).
//!
//! The value is read with a real CSS tokenizer (`cssparser`, the one in
//! Servo and Firefox), declaration by declaration, and only what is certain
//! to be inert is written back, in a canonical form: `name: value`
//! declarations joined by `; `, property names in lower case, whitespace
//! collapsed, strings in single quotes. Writing a canonical form (rather
//! than passing the author's text through) means the browser parses what
//! was checked, and cleaning the output again gives it back unchanged.
//!
//! A declaration is kept only if its property is listed and every token of
//! its value is a keyword, a number, a percentage, a dimension, a hash
//! colour, a comma, a `/`, a plain string (letters, digits, spaces and
//! `-_.,`) or one of the colour functions `rgb()`, `rgba()`, `hsl()`,
//! `hsla()` holding only those. So no `url(…)` or `image-set(…)` (no
//! fetches, no tracking), no `expression(…)`, `var(…)`, `calc(…)` or
//! `attr(…)`, no word or string that names `expression`, `behavior` or
//! `-moz-binding` (even as an unknown keyword), no `!important` (the site's own `!important` rules must keep
//! winning), no comments (`exp/**/ression`), no blocks and no at-keywords.
//! A backslash anywhere drops the whole attribute: CSS escapes can spell
//! any of the above (`u\72l(`), and no honest `style` needs one.

use std::collections::BTreeSet;

use cssparser::{Delimiter, ParseError, Parser, Token};

use crate::error::{PolicyError, PolicyErrorKind};
use crate::report::Rule;

/// Properties no list can allow, and why: they run code.
const NEVER: &[(&str, &str)] = &[
    (
        "behavior",
        "it loads an HTML component that runs script (old IE)",
    ),
    (
        "-ms-behavior",
        "it loads an HTML component that runs script (old IE)",
    ),
    (
        "-moz-binding",
        "it binds an XBL document that runs script (old Firefox)",
    ),
];

/// The colour functions a value may use; each may hold only numbers,
/// percentages, dimensions (`deg`), keywords (`none`), commas and `/`.
const FUNCTIONS: &[&str] = &["rgb", "rgba", "hsl", "hsla"];

/// Checks one property name for the policy; returns it in lower case.
pub(crate) fn check_property(name: &str) -> Result<String, PolicyError> {
    let lower = name.trim().to_ascii_lowercase();
    if let Some((_, reason)) = NEVER.iter().find(|(p, _)| *p == lower) {
        return Err(PolicyError::new(PolicyErrorKind::UnsafeStyleProperty {
            property: lower,
            reason,
        }));
    }
    // A plain or vendor-prefixed property. Custom properties (`--x`) are
    // not: `var(--x)` is refused anyway, and the site's own custom
    // properties are not the author's to set.
    let body = lower.strip_prefix('-').unwrap_or(&lower);
    let mut chars = body.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(lower)
    } else {
        Err(PolicyError::new(PolicyErrorKind::InvalidName {
            name: name.to_owned(),
        }))
    }
}

/// A `style` declaration that was dropped.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Dropped {
    /// Its property, in lower case; empty when there was none.
    pub(crate) property: String,
    /// [`Rule::StyleProperty`] or [`Rule::StyleValue`].
    pub(crate) rule: Rule,
}

/// The outcome of filtering one `style` value.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Filtered {
    /// The canonical value to write; `None` when nothing is left.
    pub(crate) value: Option<String>,
    /// Each declaration dropped, in order. A value dropped whole (for a
    /// backslash) is one entry with an empty property.
    pub(crate) dropped: Vec<Dropped>,
}

/// Why one declaration was refused.
enum Refused {
    /// Not `name: value`, or a property the policy does not list.
    Property(String),
    /// A value token that is never kept.
    Value(String),
}

type Error = ParseError<Refused>;

fn refuse_value(property: &str) -> Error {
    ParseError::custom(Refused::Value(property.to_owned()))
}

/// Keeps the declarations of `value` whose property is in `properties` and
/// whose value is inert, in canonical form.
pub(crate) fn filter(properties: &BTreeSet<String>, value: &str) -> Filtered {
    if value.contains('\\') {
        return Filtered {
            value: None,
            dropped: vec![Dropped {
                property: String::new(),
                rule: Rule::StyleValue,
            }],
        };
    }
    let mut parser = Parser::new(value);
    let mut out = String::new();
    let mut dropped = Vec::new();
    // Each round consumes at least one token (up to and including the next
    // top-level `;`, or to the end), so this ends.
    while !parser.is_exhausted() {
        let result = parser.parse_until_after(Delimiter::Semicolon, |p| declaration(p, properties));
        match result {
            Ok(Some((name, value))) => {
                if !out.is_empty() {
                    out.push_str("; ");
                }
                out.push_str(&name);
                out.push_str(": ");
                out.push_str(&value);
            }
            // An empty declaration (`;;`): nothing to keep or report.
            Ok(None) => {}
            Err(e) => {
                let (property, rule) = match e.kind {
                    cssparser::ParseErrorKind::Custom(Refused::Property(p)) => {
                        (p, Rule::StyleProperty)
                    }
                    cssparser::ParseErrorKind::Custom(Refused::Value(p)) => (p, Rule::StyleValue),
                    cssparser::ParseErrorKind::Basic(_) => (String::new(), Rule::StyleProperty),
                };
                dropped.push(Dropped { property, rule });
            }
        }
    }
    Filtered {
        value: (!out.is_empty()).then_some(out),
        dropped,
    }
}

/// One declaration, up to (not including) the next top-level `;`:
/// `Ok(None)` if empty.
fn declaration<'i>(
    p: &mut Parser<'i>,
    properties: &BTreeSet<String>,
) -> Result<Option<(String, String)>, Error> {
    let name = match p.next() {
        Err(_) => return Ok(None),
        Ok(Token::Ident(name)) => name.to_ascii_lowercase(),
        Ok(_) => return Err(ParseError::custom(Refused::Property(String::new()))),
    };
    if !matches!(p.next(), Ok(Token::Colon)) {
        return Err(ParseError::custom(Refused::Property(name)));
    }
    if !properties.contains(&name) {
        return Err(ParseError::custom(Refused::Property(name)));
    }
    let mut w = Writer::default();
    values(p, &name, &mut w, true)?;
    if w.out.is_empty() {
        return Err(refuse_value(&name));
    }
    Ok(Some((name, w.out)))
}

/// The value tokens up to the end of `p` (the declaration, or a colour
/// function's arguments when `top` is false), written to `w`. Functions
/// nest one level only, so this recurses at most once.
fn values<'i>(p: &mut Parser<'i>, name: &str, w: &mut Writer, top: bool) -> Result<(), Error> {
    loop {
        let start = p.position();
        let token = match p.next_including_whitespace_and_comments() {
            Ok(t) => t.clone(),
            Err(_) => return Ok(()),
        };
        match token {
            Token::WhiteSpace(_) => w.space(),
            // A word that names a way to run code is refused even where it
            // is only an unknown keyword: an old engine, or a checker
            // reading the page, may take it for the real thing.
            Token::Ident(_)
            | Token::Number { .. }
            | Token::Percentage { .. }
            | Token::Dimension { .. }
            | Token::Hash(_)
            | Token::IDHash(_)
                if names_code(p.slice_from(start)) =>
            {
                return Err(refuse_value(name));
            }
            Token::QuotedString(ref s) if names_code(s) => return Err(refuse_value(name)),
            Token::Ident(_)
            | Token::Number { .. }
            | Token::Percentage { .. }
            | Token::Dimension { .. } => w.word(p.slice_from(start)),
            Token::Hash(_) | Token::IDHash(_) if top => w.word(p.slice_from(start)),
            Token::QuotedString(ref s) if top && plain_string(s) => {
                // Re-quoted, so that a string left open at the end of the
                // value is closed, and single quotes need no escaping in
                // the double-quoted attribute.
                w.word(&format!("'{s}'"));
            }
            Token::Comma => w.comma(),
            Token::Delim('/') => w.word("/"),
            Token::Function(ref f) if top => {
                let f = f.to_ascii_lowercase();
                if !FUNCTIONS.contains(&f.as_str()) {
                    return Err(refuse_value(name));
                }
                w.open(&f);
                p.parse_nested_block(|inner| values(inner, name, w, false))?;
                w.close();
            }
            // Comments, `!important`, `url(`, nested functions, blocks,
            // at-keywords, `<!--`, bad strings and URLs, stray brackets.
            _ => return Err(refuse_value(name)),
        }
    }
}

/// Whether `word` holds the name of a construct that runs code in some
/// engine: `expression`, `behavior` or `-moz-binding`, in any case.
fn names_code(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    ["expression", "behavior", "-moz-binding"]
        .iter()
        .any(|bad| lower.contains(bad))
}

/// A string that can only name something (a font family): no quotes, no
/// `:` or `/` (no URL), nothing a later parser could read as syntax.
fn plain_string(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | ','))
}

/// Writes value tokens canonically: one space where the author had
/// whitespace, none after `(` or before `)` and `,`, one after `,`.
#[derive(Default)]
struct Writer {
    out: String,
    space: bool,
    /// Just after the start of the value or of a function's arguments.
    fresh: bool,
}

impl Writer {
    fn space(&mut self) {
        self.space = true;
    }

    fn word(&mut self, text: &str) {
        if self.space && !self.fresh && !self.out.is_empty() {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.space = false;
        self.fresh = false;
    }

    fn comma(&mut self) {
        self.out.push(',');
        self.space = true;
        self.fresh = false;
    }

    fn open(&mut self, function: &str) {
        self.word(function);
        self.out.push('(');
        self.fresh = true;
    }

    fn close(&mut self) {
        self.out.push(')');
        self.space = false;
        self.fresh = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn kept(value: &str) -> Option<String> {
        let p = props(&[
            "color",
            "text-align",
            "font-family",
            "margin",
            "font",
            "background",
        ]);
        filter(&p, value).value
    }

    /// Each case: input, then the canonical output (`None`: nothing left),
    /// written from the rules in the module docs.
    #[test]
    fn canonical_and_refused() {
        let cases: &[(&str, Option<&str>)] = &[
            ("color: red", Some("color: red")),
            (
                "COLOR:Red ;  text-align :center;",
                Some("color: Red; text-align: center"),
            ),
            ("color: rgb( 1 ,2,3 )", Some("color: rgb(1, 2, 3)")),
            ("color: RGBA(1 2 3 / 50%)", Some("color: rgba(1 2 3 / 50%)")),
            ("color: rgb(1, 2, 3", Some("color: rgb(1, 2, 3)")),
            (
                "color: #ff0000; margin: 0 auto -1.5em",
                Some("color: #ff0000; margin: 0 auto -1.5em"),
            ),
            (
                "font: 12px/1.5 'Times New Roman', serif",
                Some("font: 12px/1.5 'Times New Roman', serif"),
            ),
            ("font-family: \"Noto Sans", Some("font-family: 'Noto Sans'")),
            ("color: red !important", None),
            ("color: red; position: fixed", Some("color: red")),
            ("background: url(https://t.test/x.png)", None),
            ("background: url( 'https://t.test/x.png' )", None),
            ("background: red url(x)", None),
            ("background: image-set('x.png' 1x)", None),
            ("color: expression(alert(1))", None),
            ("color: expression", None),
            // Found by the `clean` fuzzer: a value word naming a property
            // that runs code, alone or inside a longer word or string.
            ("font-size: -moz-binding", None),
            ("font-size: uired-moz-binding", None),
            ("font-size: 1-MOZ-BINDING", None),
            ("color: #-moz-binding", None),
            ("font-family: 'x -moz-binding'", None),
            ("font-family: Behavior", None),
            ("font-family: 'expressions'", None),
            (
                "font-family: binding, moz",
                Some("font-family: binding, moz"),
            ),
            ("color: var(--x)", None),
            ("margin: calc(1px + 2px)", None),
            ("color: rgb(var(--x), 0, 0)", None),
            ("color: re/**/d", None),
            (
                "color: red; /* note */ text-align: left",
                Some("color: red; text-align: left"),
            ),
            ("color: r\\65 d", None),
            ("color: red; text-align: \\6c eft", None),
            ("font-family: 'a:b'", None),
            ("font-family: 'javascript:alert(1)'", None),
            ("font-family: ''", None),
            ("color: {red}", None),
            ("color: [red]", None),
            ("color: (red)", None),
            ("@import 'x.css'; color: red", Some("color: red")),
            ("color: @red", None),
            ("color: <!-- red", None),
            ("color:", None),
            ("color", None),
            (": red", None),
            (";;;", None),
            ("", None),
            ("   ", None),
            ("color: red; color: blue", Some("color: red; color: blue")),
            ("color: red;{x: y} text-align: left", Some("color: red")),
        ];
        let mut wrong = Vec::new();
        for (input, want) in cases {
            let got = kept(input);
            if got.as_deref() != *want {
                wrong.push(format!("{input:?}: got {got:?}, want {want:?}"));
            }
            // Canonical output is a fixed point.
            if let Some(out) = &got
                && kept(out).as_deref() != Some(out.as_str())
            {
                wrong.push(format!("{input:?}: {out:?} is not stable"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn drops_are_named() {
        let p = props(&["color"]);
        let f = filter(&p, "color: red; position: fixed; color: url(x); 3: x");
        assert_eq!(f.value.as_deref(), Some("color: red"));
        let got: Vec<(&str, Rule)> = f
            .dropped
            .iter()
            .map(|d| (d.property.as_str(), d.rule))
            .collect();
        assert_eq!(
            got,
            [
                ("position", Rule::StyleProperty),
                ("color", Rule::StyleValue),
                ("", Rule::StyleProperty),
            ]
        );
        let f = filter(&p, "color: r\\65 d");
        assert_eq!(f.value, None);
        assert_eq!(
            f.dropped,
            [Dropped {
                property: String::new(),
                rule: Rule::StyleValue
            }]
        );
    }

    #[test]
    fn property_names_are_checked() {
        assert_eq!(check_property(" Color ").ok().as_deref(), Some("color"));
        assert_eq!(
            check_property("-webkit-box-shadow").ok().as_deref(),
            Some("-webkit-box-shadow")
        );
        for never in ["behavior", "-moz-binding", "BEHAVIOR", "-ms-behavior"] {
            let err = check_property(never).expect_err(never);
            assert!(
                matches!(err.kind(), PolicyErrorKind::UnsafeStyleProperty { .. }),
                "{never}"
            );
        }
        for bad in ["", "--x", "-", "a b", "col:or", "1x", "colour;"] {
            let err = check_property(bad).expect_err(bad);
            assert!(
                matches!(err.kind(), PolicyErrorKind::InvalidName { .. }),
                "{bad:?}"
            );
        }
    }

    /// Deep nesting is skipped by the tokenizer's own loop, never recursed
    /// into.
    #[test]
    fn deep_nesting_is_refused_flat() {
        let p = props(&["color"]);
        let deep = format!(
            "color: {}red{}; color: blue",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        let f = filter(&p, &deep);
        assert_eq!(f.value.as_deref(), Some("color: blue"));
        let deep = format!("color: rgb({}", "rgb(".repeat(100_000));
        assert_eq!(filter(&p, &deep).value, None);
    }
}
