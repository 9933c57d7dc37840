//! The opt-in defences: `id_prefix` (DOM clobbering) and
//! `allow_style_properties` (inline CSS). Their outputs are run through
//! the independent invariant checker, whose allowlist now covers `style`
//! values; the expected outputs here are written from the rules in the
//! builder docs.

use safe_markup::{ChangeKind, Policy, PolicyErrorKind, Rule};
use safe_markup_check::{Checker, Invariant, attr, descendants, element_name, parse_fragment};

use crate::support;

const PREFIX: &str = "user-content-";

/// ugc with ids, names and `style` everywhere, behind a prefix and a
/// property list.
fn guarded() -> Policy {
    Policy::ugc()
        .to_builder()
        .allow_generic_attrs(["id", "name", "style"])
        .allow_attrs("img", ["usemap"])
        .allow_attrs("map", ["name"])
        .allow_attrs("area", ["href", "alt"])
        .allow_style_properties(["color", "background", "text-align", "font-family", "margin"])
        .id_prefix(PREFIX)
        .build()
        .expect("guarded policy builds")
}

/// Inputs that exercise ids, names, references and CSS, mixed with markup
/// a browser would move or close.
fn id_and_style_inputs() -> Vec<String> {
    let mut inputs: Vec<String> = [
        r##"<h2 id="notes">N</h2><a href="#notes">to</a><a href="#user-content-notes">again</a>"##,
        r##"<a id="defaultView"><a name="cookie">x</a></a><img name="getElementById" alt="">"##,
        r##"<table><tr><th id="a">A</th><td headers="a b  user-content-c">1</td></tr></table>"##,
        r##"<img src="m.png" alt="m" usemap="#m"><map name="m"><area href="#a" alt="a"></map>"##,
        r##"<p id="">empty</p><p id="user-content-">bare prefix</p><p id=" x ">spaces</p>"##,
        r##"<p style="color:red;background:url(x)">a</p><p style="color: r\65 d">b</p>"##,
        r##"<p style="font-family:'A B',serif;margin:0 auto;color:rgb(1 2 3 / 50%)">c</p>"##,
        r##"<p style="color: red !important; text-align: center; position: fixed">d</p>"##,
        r##"<b style="color:/**/red">e</b><i style="color: expression(alert(1))">f</i>"##,
        r##"<p id="x" style="color: red"><div id="x">misnested</div></p>"##,
        r##"<span style="font-family: &quot;Noto Sans">open string</span>"##,
        r##"<span style="color: rgb(1, 2, 3">open function</span>"##,
        r##"<span style="color: red; {x: y} text-align: left; color: blue">block</span>"##,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    // And the XSS corpus, where every vector meets these options too.
    inputs.extend(support::xss_vectors().into_iter().map(|(_, input)| input));
    inputs
}

/// Every invariant (allowlist with the style rule, stable, idempotent,
/// contained, faithful) holds with both options on, and every id and name
/// in the output carries the prefix.
#[test]
fn guarded_policy_keeps_every_invariant() {
    let policy = guarded();
    let checker = Checker::new(&policy);
    let mut failures = Vec::new();
    let mut ids = 0;
    let mut styles = 0;
    for input in id_and_style_inputs() {
        for v in checker.check(&input) {
            failures.push(format!("{input:?}: {v}"));
        }
        let html = policy.clean(&input);
        let again = policy.clean(&html);
        if again != html {
            failures.push(format!(
                "{input:?}: clean(clean(x)) = {again:?} != {html:?}"
            ));
        }
        let parsed = parse_fragment(&html);
        for node in descendants(&parsed.root()) {
            if element_name(&node).is_none() {
                continue;
            }
            for name in ["id", "name"] {
                if let Some(value) = attr(&node, name).filter(|v| !v.is_empty()) {
                    ids += 1;
                    if !value.starts_with(PREFIX) {
                        failures.push(format!("{input:?}: {name}={value:?} has no prefix"));
                    }
                }
            }
            if attr(&node, "style").is_some() {
                styles += 1;
            }
        }
    }
    assert!(ids >= 15, "only {ids} ids and names checked");
    assert!(styles >= 6, "only {styles} style attributes checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The checker's style rule fails a bad `style` value, so the test above
/// can fail.
#[test]
fn style_rule_catches_bad_values() {
    let policy = guarded();
    let checker = Checker::new(&policy);
    for bad in [
        r#"<p style="background: url(https://t.test/x)">x</p>"#,
        r#"<p style="color: red !important">x</p>"#,
        r#"<p style="color: r\65 d">x</p>"#,
        r#"<p style="position: fixed">x</p>"#,
        r#"<p style="color: red; junk">x</p>"#,
        r#"<p style="color: exp/**/ression(x)">x</p>"#,
    ] {
        let found = checker.check_output("x", bad, false);
        assert!(
            found
                .iter()
                .any(|v| v.invariant == Invariant::AllowlistStyle),
            "{bad}: {found:?}"
        );
    }
}

#[test]
fn id_prefix_examples() {
    let policy = guarded();
    let cases = [
        (
            r##"<p id="a">x</p><a href="#a">y</a>"##,
            r##"<p id="user-content-a">x</p><a href="#user-content-a" rel="noopener noreferrer">y</a>"##,
        ),
        (
            r##"<p id="user-content-a">x</p>"##,
            r##"<p id="user-content-a">x</p>"##,
        ),
        (
            r##"<a href="/page#a">y</a>"##,
            r##"<a href="/page#a" rel="noopener noreferrer">y</a>"##,
        ),
        (
            r##"<table><tr><td headers=" a  b ">1</td></tr></table>"##,
            r##"<table><tbody><tr><td headers="user-content-a user-content-b">1</td></tr></tbody></table>"##,
        ),
        // Not allowed on `td` in this policy: `headers` is, `for` is not.
        (r##"<label for="a">x</label>"##, "x"),
    ];
    for (input, want) in cases {
        assert_eq!(policy.clean(input), want, "{input}");
    }
    // The prefix is not reported: it applies to every id alike.
    assert!(policy.clean_report(r#"<p id="a">x</p>"#).report.is_empty());
}

#[test]
fn style_report_names_each_declaration() {
    let policy = guarded();
    let cleaned = policy.clean_report(
        r#"<p style="color: red; position: fixed; background: url(x); color: blue !important">x</p>"#,
    );
    assert_eq!(cleaned.html, r#"<p style="color: red">x</p>"#);
    let got: Vec<(ChangeKind, &str, Rule, Option<&str>)> = cleaned
        .report
        .changes()
        .iter()
        .map(|c| (c.kind, c.name.as_str(), c.rule, c.element.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                ChangeKind::Declaration,
                "position",
                Rule::StyleProperty,
                Some("p")
            ),
            (
                ChangeKind::Declaration,
                "background",
                Rule::StyleValue,
                Some("p")
            ),
            (
                ChangeKind::Declaration,
                "color",
                Rule::StyleValue,
                Some("p")
            ),
        ]
    );
    let cleaned = policy.clean_report(r#"<p style="color: r\65 d">x</p>"#);
    assert_eq!(cleaned.html, "<p>x</p>");
    let change = &cleaned.report.changes()[0];
    assert_eq!(
        (change.kind, change.name.as_str(), change.rule),
        (ChangeKind::Attribute, "style", Rule::StyleValue)
    );
}

#[test]
fn build_errors() {
    let err = Policy::builder()
        .allow_generic_attrs(["style"])
        .build()
        .expect_err("style without properties");
    assert!(matches!(err.kind(), PolicyErrorKind::UnsafeAttribute { attr, .. } if attr == "style"));

    for never in ["behavior", "-moz-binding", " Behavior "] {
        let err = Policy::builder()
            .allow_style_properties([never])
            .build()
            .expect_err(never);
        assert!(
            matches!(err.kind(), PolicyErrorKind::UnsafeStyleProperty { .. }),
            "{never}: {err}"
        );
    }
    let err = Policy::builder()
        .allow_style_properties(["--brand"])
        .build()
        .expect_err("custom property");
    assert!(matches!(err.kind(), PolicyErrorKind::InvalidName { .. }));

    for bad in ["", "user content-", "x\"", "#"] {
        let err = Policy::builder().id_prefix(bad).build().expect_err(bad);
        assert!(
            matches!(err.kind(), PolicyErrorKind::InvalidIdPrefix { prefix } if prefix == bad),
            "{bad:?}: {err}"
        );
    }
}

#[test]
fn policy_file_keys() {
    let policy = Policy::from_toml(
        r#"
        preset = "strict"
        id_prefix = "uc-"
        style_properties = ["color"]
        [attributes]
        span = ["id", "style"]
        "#,
    )
    .expect("policy file");
    assert_eq!(policy.id_prefix(), Some("uc-"));
    assert!(policy.allows_style_property("COLOR"));
    assert_eq!(
        policy.clean(r#"<span id="a" style="color:red;margin:0">x</span>"#),
        r#"<span id="uc-a" style="color: red">x</span>"#
    );
    let err = Policy::from_toml("style_properties = [\"behavior\"]").expect_err("behavior");
    assert!(matches!(
        err.kind(),
        PolicyErrorKind::UnsafeStyleProperty { .. }
    ));
    let err = Policy::from_toml("id_prefix = 3").expect_err("not a string");
    assert!(matches!(err.kind(), PolicyErrorKind::File { .. }));
}
