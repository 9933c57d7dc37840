//! The settings a site moving from ammonia, nh3, bleach or DOMPurify
//! needs to say what it said there: attribute value lists, classes per
//! tag, attribute prefixes, forced attributes, removals from a preset,
//! policy files that mean what they say, and `clean_text`. Each through
//! the builder and a policy file, and where the fast path answers, its
//! output is the full pipeline's.

use safe_markup::{ChangeKind, Policy, PolicyErrorKind, RelativeUrls, Rule, TagAction};

/// A policy's output on `input`, through the full pipeline and through
/// the fast path wherever it answers, which must agree byte for byte.
fn clean_both(policy: &Policy, input: &str) -> String {
    let full = policy.clean_full(input);
    if let Some(fast) = policy.clean_fast(input) {
        assert_eq!(fast, full, "fast path differs on {input:?}");
    }
    assert_eq!(policy.clean(input), full, "{input:?}");
    full
}

#[test]
fn attribute_values_keep_listed_values_exactly() {
    let built = Policy::ugc()
        .to_builder()
        .attr_values("ol", "type", ["1", "a", "i"])
        .attr_values("a", "target", ["_blank"])
        .build()
        .expect("valid");
    let file = Policy::from_toml(
        "preset = \"ugc\"\n[attribute_values.ol]\ntype = [\"1\", \"a\", \"i\"]\n[attribute_values.a]\ntarget = [\"_blank\"]",
    )
    .expect("valid file");
    let cases = [
        (
            r#"<ol type="a"><li>x</li></ol>"#,
            r#"<ol type="a"><li>x</li></ol>"#,
        ),
        // Case matters: `A` is another list style.
        (r#"<ol type="A"><li>x</li></ol>"#, "<ol><li>x</li></ol>"),
        (r#"<ol type=" a"><li>x</li></ol>"#, "<ol><li>x</li></ol>"),
        // References are decoded before the comparison.
        (
            r#"<ol type="&#105;"><li>x</li></ol>"#,
            r#"<ol type="i"><li>x</li></ol>"#,
        ),
        (
            r#"<a href="/x" target="_top">x</a>"#,
            r#"<a href="/x" rel="noopener noreferrer">x</a>"#,
        ),
        (
            r#"<a href="/x" target="_blank">x</a>"#,
            r#"<a href="/x" target="_blank" rel="noopener noreferrer">x</a>"#,
        ),
        // Not on other tags.
        (r#"<ul type="a"><li>x</li></ul>"#, "<ul><li>x</li></ul>"),
    ];
    for (input, want) in cases {
        assert_eq!(clean_both(&built, input), want, "{input}");
        assert_eq!(file.clean(input), want, "file: {input}");
    }
    let report = built
        .clean_report(r#"<ol type="disc"><li>x</li></ol>"#)
        .report;
    let change = &report.changes()[0];
    assert_eq!(
        (change.name.as_str(), change.rule),
        ("type", Rule::AttributeValueNotAllowed)
    );
    assert_eq!(change.element.as_deref(), Some("ol"));
    // The tag's own list wins over a generic allowance of the attribute.
    let generic = Policy::strict()
        .to_builder()
        .allow_tags(["bdo", "p"])
        .allow_generic_attrs(["dir"])
        .attr_values("bdo", "dir", ["ltr", "rtl"])
        .build()
        .expect("valid");
    assert_eq!(
        clean_both(&generic, r#"<bdo dir="auto">x</bdo><p dir="auto">y</p>"#),
        r#"<bdo>x</bdo><p dir="auto">y</p>"#
    );
}

#[test]
fn allowed_classes_filter_tokens_and_report_them() {
    let built = Policy::ugc()
        .to_builder()
        .allowed_classes("code", ["language-*", "hljs"])
        .build()
        .expect("valid");
    let file =
        Policy::from_toml("preset = \"ugc\"\n[allowed_classes]\ncode = [\"language-*\", \"hljs\"]")
            .expect("valid file");
    let cases = [
        (
            r#"<code class="language-rust">x</code>"#,
            r#"<code class="language-rust">x</code>"#,
        ),
        (
            r#"<code class=" hljs	evil  language-c ">x</code>"#,
            r#"<code class="hljs language-c">x</code>"#,
        ),
        (
            r#"<code class="HLJS Language-rust">x</code>"#,
            "<code>x</code>",
        ),
        (r#"<code class="">x</code>"#, "<code>x</code>"),
        (r#"<p class="hljs">x</p>"#, "<p>x</p>"),
    ];
    for (input, want) in cases {
        assert_eq!(clean_both(&built, input), want, "{input}");
        assert_eq!(file.clean(input), want, "file: {input}");
    }
    let report = built
        .clean_report(r#"<code class="evil bad">x</code>"#)
        .report;
    let seen: Vec<_> = report
        .changes()
        .iter()
        .map(|c| (c.kind, c.name.as_str(), c.rule))
        .collect();
    assert_eq!(
        seen,
        [
            (ChangeKind::Class, "evil", Rule::ClassNotAllowed),
            (ChangeKind::Class, "bad", Rule::ClassNotAllowed),
            (ChangeKind::Attribute, "class", Rule::Empty),
        ]
    );
    let both = Policy::ugc()
        .to_builder()
        .allow_attrs("code", ["class"])
        .allowed_classes("code", ["x"]);
    assert!(matches!(
        both.build().map(|_| ()).unwrap_err().kind(),
        PolicyErrorKind::AttributeConflict { .. }
    ));
    for bad in ["", "*", "a b", "a*b", "**"] {
        let err = Policy::ugc()
            .to_builder()
            .allowed_classes("code", [bad])
            .build()
            .map(|_| ())
            .unwrap_err();
        assert!(
            matches!(err.kind(), PolicyErrorKind::InvalidClass { .. }),
            "{bad:?}: {err}"
        );
    }
}

#[test]
fn attribute_prefixes_admit_only_harmless_names() {
    let policy = Policy::ugc()
        .to_builder()
        .allow_attr_prefixes(["data-", "aria-"])
        .build()
        .expect("valid");
    let file = Policy::from_toml("preset = \"ugc\"\nattribute_prefixes = [\"data-\", \"aria-\"]")
        .expect("valid file");
    let cases = [
        (
            r#"<p data-id="7" aria-label="l">x</p>"#,
            r#"<p data-id="7" aria-label="l">x</p>"#,
        ),
        (
            r#"<p DATA-X="1" data-="2" data="3">x</p>"#,
            r#"<p data-x="1">x</p>"#,
        ),
        // Names the builder would refuse stay out, whatever the prefix.
        (
            r#"<p data-a"b="1" data-x<y="2" data-é="3">x</p>"#,
            "<p>x</p>",
        ),
        (r#"<p datax="1" onclick="x()">x</p>"#, "<p>x</p>"),
    ];
    for (input, want) in cases {
        assert_eq!(clean_both(&policy, input), want, "{input}");
        assert_eq!(file.clean(input), want, "file: {input}");
    }
    for prefix in [
        "o", "on", "onx", "h", "hr", "sr", "st", "style", "x", "xlink:", "form", "formm", "i", "a",
        "ac", "pi", "d", "da", "data",
    ] {
        let err = Policy::builder()
            .allow_attr_prefixes([prefix])
            .build()
            .map(|_| ())
            .unwrap_err();
        assert!(
            matches!(err.kind(), PolicyErrorKind::UnsafeAttributePrefix { .. }),
            "{prefix}: {err}"
        );
    }
    for prefix in ["data-*", "", "Data-"] {
        assert!(
            Policy::builder()
                .allow_attr_prefixes([prefix])
                .build()
                .is_err()
                || prefix == "Data-",
            "{prefix}"
        );
    }
    assert!(
        Policy::builder()
            .allow_attr_prefixes(["Data-"])
            .build()
            .is_ok()
    );
}

#[test]
fn forced_attributes_replace_the_authors_and_pass_the_checks() {
    let policy = Policy::ugc()
        .to_builder()
        .force_attr("img", "loading", "lazy")
        .force_attr("a", "referrerpolicy", "no-referrer")
        .build()
        .expect("valid");
    let file = Policy::from_toml(
        "preset = \"ugc\"\n[forced_attributes.img]\nloading = \"lazy\"\n[forced_attributes.a]\nreferrerpolicy = \"no-referrer\"",
    )
    .expect("valid file");
    let cases = [
        (
            r#"<img src="a.png" loading="eager">"#,
            r#"<img src="a.png" loading="lazy">"#,
        ),
        ("<img>", r#"<img loading="lazy">"#),
        (
            r#"<a href="/x">x</a>"#,
            r#"<a href="/x" referrerpolicy="no-referrer" rel="noopener noreferrer">x</a>"#,
        ),
        ("<b>no img</b>", "<b>no img</b>"),
    ];
    for (input, want) in cases {
        let cleaned = policy.clean_report(input);
        assert_eq!(cleaned.html, want, "{input}");
        assert!(
            cleaned.report.is_empty(),
            "{input}: forcing is not reported"
        );
        assert_eq!(file.clean(input), want, "file: {input}");
        assert_eq!(
            policy.clean(&cleaned.html),
            cleaned.html,
            "idempotent: {input}"
        );
    }
    assert!(policy.allows_attr("img", "loading"));
    let conflicts = [
        Policy::ugc()
            .to_builder()
            .allow_attrs("img", ["loading"])
            .force_attr("img", "loading", "lazy"),
        Policy::ugc()
            .to_builder()
            .attr_values("img", "loading", ["lazy"])
            .force_attr("img", "loading", "lazy"),
        Policy::ugc()
            .to_builder()
            .force_attr("a", "target", "_blank"),
        Policy::ugc()
            .to_builder()
            .force_attr("area", "rel", "nofollow"),
    ];
    for b in conflicts {
        let err = b.build().map(|_| ()).unwrap_err();
        assert!(
            matches!(err.kind(), PolicyErrorKind::AttributeConflict { .. }),
            "{err}"
        );
    }
    let refused = [
        Policy::ugc()
            .to_builder()
            .rm_attrs("a", ["href"])
            .force_attr("a", "href", "javascript:x()"),
        Policy::ugc()
            .to_builder()
            .rm_attrs("a", ["href"])
            .force_attr("a", "href", "data:text/html,x"),
        Policy::ugc()
            .to_builder()
            .relative_urls(RelativeUrls::Deny)
            .rm_attrs("img", ["src"])
            .force_attr("img", "src", "/a.png"),
        Policy::ugc()
            .to_builder()
            .force_attr("img", "srcset", "a.png 1x"),
        Policy::ugc()
            .to_builder()
            .rm_attrs("a", ["href"])
            .force_attr("a", "href", "http://[::1"),
    ];
    for b in refused {
        let err = b.build().map(|_| ()).unwrap_err();
        assert!(
            matches!(err.kind(), PolicyErrorKind::ForcedValue { .. }),
            "{err}"
        );
    }
    assert!(
        Policy::ugc()
            .to_builder()
            .force_attr("img", "onload", "x()")
            .build()
            .is_err()
    );
    // A forced relative URL is resolved where relative URLs are rewritten,
    // and a forced id gets the id prefix, as an author's would.
    let rewritten = Policy::ugc()
        .to_builder()
        .relative_urls(RelativeUrls::Rewrite("https://diary.example/".into()))
        .id_prefix("uc-")
        .rm_attrs("blockquote", ["cite"])
        .force_attr("blockquote", "cite", "/sources")
        .force_attr("h2", "id", "title")
        .build()
        .expect("valid");
    assert_eq!(
        rewritten.clean("<blockquote>q</blockquote><h2>t</h2>"),
        r#"<blockquote cite="https://diary.example/sources">q</blockquote><h2 id="uc-title">t</h2>"#
    );
}

#[test]
fn removals_take_settings_out_of_a_preset() {
    let built = Policy::ugc()
        .to_builder()
        .rm_tags(["img", "script"])
        .rm_attrs("a", ["hreflang"])
        .rm_generic_attrs(["title"])
        .rm_url_schemes(["ftp"])
        .build()
        .expect("valid");
    let file = Policy::from_toml(
        "preset = \"ugc\"\nrm_tags = [\"img\", \"script\"]\nrm_generic_attributes = [\"title\"]\nrm_url_schemes = [\"ftp\"]\n[rm_attributes]\na = [\"hreflang\"]",
    )
    .expect("valid file");
    for policy in [&built, &file] {
        assert_eq!(policy.tag_action("img"), TagAction::Unwrap);
        assert_eq!(
            policy.tag_action("script"),
            TagAction::Drop,
            "a dropped tag stays dropped"
        );
        assert!(!policy.allows_attr("p", "title") && policy.allows_attr("p", "lang"));
        assert!(!policy.allows_attr("a", "hreflang") && policy.allows_attr("a", "href"));
        assert!(!policy.allows_scheme("ftp") && policy.allows_scheme("https"));
    }
    let both = Policy::from_toml("preset = \"ugc\"\ntags = [\"img\"]\nrm_tags = [\"IMG\"]")
        .map(|_| ())
        .unwrap_err();
    assert!(both.to_string().contains("rm_tags"), "{both}");
}

#[test]
fn text_preset_file_takes_limits_and_refuses_markup_keys() {
    let limited =
        Policy::from_toml("preset = \"text\"\n[limits]\nmax_input_bytes = 4").expect("valid file");
    assert_eq!(limited.limits().max_input_bytes, 4);
    assert_eq!(limited.clean("<b>x</b>"), "&lt;b&gt;x&lt;/b&gt;");
    assert!(
        limited.try_clean("<b>x</b>").is_err(),
        "the file's limit applies"
    );
    for key in [
        "tags = [\"b\"]",
        "comments = true",
        "attribute_prefixes = [\"data-\"]",
        "rm_tags = [\"b\"]",
    ] {
        let err = Policy::from_toml(&format!("preset = \"text\"\n{key}"))
            .map(|_| ())
            .unwrap_err();
        assert!(
            matches!(err.kind(), PolicyErrorKind::File { .. }),
            "{key}: {err}"
        );
    }
}

#[test]
fn clean_text_reads_back_as_the_same_text_everywhere() {
    use safe_markup_check::{attr, descendants, parse_fragment, text_content};
    let samples = [
        "a < b && c > d",
        "\"q\" 'q' `q`",
        "x onmouseover=alert(1)",
        "a/b=c\td\ne\r\x0Cf",
        "nul\0here",
        "naïve 💥 </p>",
    ];
    for text in samples {
        let escaped = safe_markup::clean_text(text);
        // References keep even the carriage returns the parser would turn
        // into line feeds: the text comes back exactly, NUL aside.
        let want = text.replace('\0', "\u{FFFD}");
        for page in [
            format!("<p title={escaped}>{escaped}</p>"),
            format!("<p title='{escaped}'>x</p>"),
            format!("<p title=\"{escaped}\">x</p>"),
        ] {
            let parsed = parse_fragment(&page);
            let root = parsed.root();
            let p = descendants(&root)
                .into_iter()
                .find(|n| attr(n, "title").is_some())
                .unwrap_or_else(|| panic!("one p with its title: {page}"));
            assert_eq!(attr(&p, "title").as_deref(), Some(want.as_str()), "{page}");
            assert_eq!(
                descendants(&root).len(),
                2,
                "one element and its text: {page}"
            );
        }
        let parsed = parse_fragment(&format!("<p>{escaped}</p>"));
        let root = parsed.root();
        assert_eq!(text_content(&root), want, "{text:?}");
    }
}

/// The browser suite's most permissive policy file builds, with the
/// settings above in it, and they take effect there.
#[test]
fn browser_maximal_policy_file_builds() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/maximal.toml");
    let text = std::fs::read_to_string(path).expect("tests/browser/maximal.toml is readable");
    let policy = Policy::from_toml(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(
        policy.clean(r#"<ol type="disc" data-x="1"><li><code class="language-c x">c</code><img loading="eager"></li></ol>"#),
        r#"<ol data-x="1"><li><code class="language-c">c</code><img loading="lazy"></li></ol>"#
    );
}

/// Every TOML example in docs/POLICY-FILE.md builds, and each preset
/// written out as a file is that preset.
#[test]
fn policy_file_reference_examples_build_and_match_the_presets() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/POLICY-FILE.md");
    let doc = std::fs::read_to_string(path).expect("docs/POLICY-FILE.md is readable");
    let mut heading = String::new();
    let mut checked = 0;
    let mut rest = doc.as_str();
    while let Some(at) = rest.find("```toml\n") {
        let before = &rest[..at];
        if let Some(h) = before.rfind("\n### ") {
            heading = before[h + 5..]
                .lines()
                .next()
                .unwrap_or_default()
                .trim_matches('`')
                .to_owned();
        }
        let body = &rest[at + 8..];
        let end = body.find("```").expect("closed code block");
        let policy = Policy::from_toml(&body[..end]).unwrap_or_else(|e| panic!("{heading}: {e}"));
        if let Some(preset) = Policy::preset(&heading) {
            assert_eq!(policy.to_builder(), preset.to_builder(), "preset {heading}");
            checked += 1;
        }
        rest = &body[end..];
    }
    assert_eq!(checked, 5, "one file for each preset");
}
