//! The diary options: presets, author trust, site hosts and prefix, line
//! breaks, links, and the excerpt and plain-text output forms.

use super::run;

#[test]
fn diary_preset_shows_other_tags_as_typed() {
    let out = run(
        &["--preset", "diary"],
        "#include <stdio.h>\n\n<person>raph</person>",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        r#"<p>#include &lt;stdio.h&gt;</p><p><a href="/person/raph/">raph</a></p>"#
    );
}

#[test]
fn trust_and_site_hosts_decide_rel() {
    let input = r#"<a href="https://x.example/">x</a> <a href="https://diary.example/">d</a>"#;
    let untrusted = run(
        &[
            "--preset",
            "diary",
            "--untrusted",
            "--site-host",
            "diary.example",
        ],
        input,
    );
    assert_eq!(
        untrusted.stdout,
        r#"<a href="https://x.example/" rel="nofollow ugc">x</a> <a href="https://diary.example/">d</a>"#
    );
    let trusted = run(&["--preset", "diary-untrusted", "--trusted"], input);
    assert_eq!(trusted.stdout, input);
    let tab = run(&["--preset", "diary", "--new-tab"], input);
    assert_eq!(
        tab.stdout,
        r#"<a href="https://x.example/" rel="noopener noreferrer" target="_blank">x</a> <a href="https://diary.example/" rel="noopener noreferrer" target="_blank">d</a>"#
    );
}

#[test]
fn site_prefix_line_breaks_and_linkify() {
    let out = run(
        &[
            "--preset",
            "diary",
            "--site-prefix",
            "https://diary.example",
            "--line-breaks",
            "--linkify",
        ],
        "<proj>gzip</proj>\nsee http://x.example/.",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        r#"<a href="https://diary.example/proj/gzip/">gzip</a><br>see <a href="http://x.example/">http://x.example/</a>."#
    );
}

#[test]
fn bad_policy_options_are_usage_errors() {
    let out = run(&["--preset", "diary", "--site-host", "a/b"], "");
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("`a/b` is not a host name"),
        "{}",
        out.stderr
    );
    let out = run(&["--preset", "diary", "--site-prefix", "javascript:x"], "");
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("site prefix"), "{}", out.stderr);
}

#[test]
fn excerpt_and_text_output_forms() {
    let input = "<p>Hello <b>brave</b> new world, with more words here.</p><ul><li>one</li><li>two</li></ul>";
    let excerpt = run(&["--excerpt", "16"], input);
    assert_eq!(excerpt.code, Some(0), "{}", excerpt.stderr);
    // At most 16 visible characters, cut at a word, tags closed.
    assert!(
        excerpt.stdout.starts_with("<p>Hello <b>brave</b> new"),
        "{}",
        excerpt.stdout
    );
    assert!(excerpt.stdout.ends_with("</p>"), "{}", excerpt.stdout);
    assert!(!excerpt.stdout.contains("world"), "{}", excerpt.stdout);

    let text = run(&["--text"], input);
    assert_eq!(text.code, Some(0), "{}", text.stderr);
    assert!(
        text.stdout.starts_with("Hello brave new world"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("one\ntwo"), "{}", text.stdout);
    assert!(!text.stdout.contains('<'), "{}", text.stdout);

    let links = run(
        &["--text", "--text-links"],
        r#"<a href="https://x.example/">site</a>"#,
    );
    assert!(
        links.stdout.contains("site (https://x.example/)"),
        "{}",
        links.stdout
    );
}

#[test]
fn output_forms_cannot_rewrite_files() {
    for args in [
        &["--excerpt", "5", "--in-place", "x.html"][..],
        &["--text", "--check", "x.html"],
        &["--excerpt", "5", "--text"],
        &["--text-links"],
        &["--excerpt", "many"],
    ] {
        let out = run(args, "");
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn jsonl_with_an_output_form_replaces_the_field() {
    let out = run(
        &["--jsonl", "--text"],
        "{\"id\":1,\"html\":\"<p>a</p><p>b &amp; c</p>\"}\n",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "{\"id\":1,\"html\":\"a\\n\\nb & c\"}\n");
}

#[test]
fn json_report_points_at_each_tag() {
    let input = "<p onclick=x>a</p>\n<script>y</script>";
    let out = run(&["--report", "json"], input);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "<p>a</p>\n");
    let report: serde_json::Value =
        serde_json::from_str(out.stderr.trim()).expect("one JSON report line");
    let changes = report["changes"].as_array().expect("changes");
    let spans: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| {
            let start = c["span"]["start"].as_u64().expect("start") as usize;
            let end = c["span"]["end"].as_u64().expect("end") as usize;
            (c["name"].as_str().expect("name"), &input[start..end])
        })
        .collect();
    assert_eq!(
        spans,
        [("onclick", "<p onclick=x>"), ("script", "<script>")]
    );
}
