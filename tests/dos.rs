//! Adversarial shapes (docs/DESIGN.md, invariant 6 "Linear"): each asserts what
//! the output is, written from the HTML parsing rules, never how long it
//! took. Their cost per byte, against the diary corpus, is measured by the
//! `dos` group of `benches/throughput.rs` (figures in BENCHMARKS.md).

use safe_markup::{CleanErrorKind, Cleaned, Limit, Limits, Policy};

use crate::support;

/// Past a limit the whole input comes back as escaped text: `<` and `>`
/// as references (the inputs here hold no `&`, CR or NUL).
fn as_text(input: &str) -> String {
    input.replace('<', "&lt;").replace('>', "&gt;")
}

fn assert_limit(input: &str, limit: Limit) -> Cleaned {
    let policy = Policy::ugc();
    let cleaned = policy.clean_report(input);
    assert_eq!(cleaned.report.limit_exceeded(), Some(limit));
    assert_eq!(cleaned.report.len(), 1, "only the limit is reported");
    assert!(
        cleaned.html == as_text(input),
        "output is not the input as text (starts {:?})",
        &cleaned.html[..cleaned.html.len().min(80)]
    );
    let err = policy.try_clean(input).expect_err("try_clean rejects it");
    assert_eq!(
        err.kind(),
        &CleanErrorKind::LimitExceeded {
            limit,
            max: limit_max(limit)
        }
    );
    cleaned
}

fn limit_max(limit: Limit) -> usize {
    let l = Limits::default();
    match limit {
        Limit::Depth => l.max_depth,
        Limit::Nodes => l.max_nodes,
        Limit::InputBytes => l.max_input_bytes,
        Limit::Nesting => l.max_nesting_per_byte,
        other => panic!("no default for {other:?} here"),
    }
}

/// 60 000 nested `<b>`: html5ever would nest them all (the "Noah's Ark"
/// rule bounds the formatting list, not the stack); the depth limit (256)
/// stops the parse, without recursion anywhere.
#[test]
fn nested_b_60000() {
    assert_limit(&("<b>".repeat(60_000) + "deep"), Limit::Depth);
}

/// 16 000 nested `<ul><li>`: each `li` opens inside the previous one's
/// `ul`, 32 000 deep; html5ever's cost per tag grows with the depth, so
/// this is the quadratic shape the limit is for.
#[test]
fn nested_ul_li_16000() {
    assert_limit(&("<ul><li>".repeat(16_000) + "x"), Limit::Depth);
}

/// Deep table foster-parenting: inside `<table>`, each `<b>` is
/// foster-parented before the table only while the current node is the
/// table; from the second on, the current node is the previous `b`, so
/// they nest, past the depth limit.
#[test]
fn table_fostered_b_20000() {
    assert_limit(
        &("<table>".to_owned() + &"<b>x".repeat(20_000)),
        Limit::Depth,
    );
}

/// Flat foster-parenting: each `x` and `<br>` meets the table as the
/// current node, so each is moved before the table, as a sibling; the
/// table is left empty. No limit is near (40 001 nodes).
#[test]
fn table_fostered_flat_20000() {
    let n = 20_000;
    let input = "<table>".to_owned() + &"x<br>".repeat(n) + "</table>";
    let cleaned = Policy::ugc().clean_report(&input);
    assert_eq!(cleaned.report.limit_exceeded(), None);
    assert!(cleaned.html == "x<br>".repeat(n) + "<table></table>");
    // The fast path follows the fostering (as it does the ordinary
    // markup of the same density), so this costs no more than that.
    let fast = Policy::ugc().clean_fast(&input);
    assert!(fast.as_deref() == Some(cleaned.html.as_str()));
}

/// A table of 20 000 rows of one cell, without the tags the parser
/// implies (`tbody`) or that close themselves (`</td>`, `</tr>`): kept
/// whole, with them written, and by the fast path.
#[test]
fn table_rows_20000() {
    let n = 20_000;
    let input = "<table>".to_owned() + &"<tr><td>x".repeat(n);
    let expected =
        "<table><tbody>".to_owned() + &"<tr><td>x</td></tr>".repeat(n) + "</tbody></table>";
    let policy = Policy::ugc();
    let cleaned = policy.clean_report(&input);
    assert!(cleaned.report.is_empty());
    assert!(cleaned.html == expected);
    assert!(policy.clean_fast(&input).as_deref() == Some(expected.as_str()));
}

/// 250 open `<span>`, then 20 000 `</div>`: none closes anything, and
/// each sends the tree builder through all 250 open elements (html5ever's
/// "any other end tag" rule), many times the diary corpus's cost per byte
/// through the full pipeline before the nesting budget. Each `</div>` is
/// charged the depth of the last insertion, 251, and the budget (4 a
/// byte) runs out after about a tenth of them.
#[test]
fn open_spans_then_stray_end_tags_20000() {
    let input = "<span>".repeat(250) + &"</div>".repeat(20_000);
    assert_limit(&input, Limit::Nesting);
}

/// `<ul><li>` nested 128 times, depth 256, just within the depth limit:
/// each `ul` and `li` closes any `p` in button scope, a search of every
/// open element, so this was the costliest input per byte through the
/// full pipeline. Its 1 025 bytes pay for about 30 levels.
#[test]
fn nested_ul_li_128() {
    assert_limit(&("<ul><li>".repeat(128) + "x"), Limit::Nesting);
}

/// A thread quoted 100 levels deep, a sentence at each level: its text
/// pays for its nesting, and it is kept whole.
#[test]
fn deep_quotes_with_text_are_kept() {
    let n = 100;
    let line = "Quoting the reply before, with a line of its own. ";
    let input = format!("<blockquote>{line}").repeat(n);
    let cleaned = Policy::ugc().clean_report(&input);
    assert_eq!(cleaned.report.limit_exceeded(), None);
    assert!(cleaned.html == input.clone() + &"</blockquote>".repeat(n));
}

/// Whitespace between the cells of a table is inserted only when the next
/// tag comes, which the parser charges first: the output's charge must
/// count it so, or an output just within its budget would be over it when
/// cleaned again (and come back as text). A row of cells with a newline
/// after each, nested in `div`s, after a script that pays for the input's
/// nesting and is dropped; the text after the table sets the output's
/// budget, in steps of 4. On both sides of the output's budget, cleaning
/// is stable.
#[test]
fn whitespace_in_tables_is_charged_as_the_parser_charges_it() {
    let policy = Policy::ugc();
    let table = "<div>".repeat(12) + "<table><tr>\n" + &"<td>x</td>\n".repeat(200) + "</table>";
    let (mut kept, mut over) = (false, false);
    for pad in 0..400 {
        let input =
            "<script>".to_owned() + &"s".repeat(20_000) + "</script>" + &table + &"y".repeat(pad);
        let once = policy.clean_report(&input);
        match once.report.limit_exceeded() {
            None => kept = true,
            Some(Limit::Nesting) => over = true,
            Some(other) => panic!("{other:?}"),
        }
        let twice = policy.clean(&once.html);
        assert!(
            twice == once.html,
            "not stable with {pad} bytes after the table"
        );
    }
    assert!(
        kept && over,
        "the budget was not crossed (kept {kept}, over {over})"
    );
}

/// An output is charged against its own length, as cleaning it again
/// would charge it: 100 bare `<div>` and a 10 000-byte script fit the
/// input's budget (the script pays), but the output, the 100 `div`s and
/// their end tags, would not fit its own. So the input is shown as text,
/// and cleaning that again gives it back; with 60 `div`s the output fits,
/// is kept, and is stable.
#[test]
fn the_output_pays_for_its_own_nesting() {
    let policy = Policy::ugc();
    let script = format!("<script>{}</script>", "x".repeat(10_000));
    let over = "<div>".repeat(100) + &script;
    let cleaned = policy.clean_report(&over);
    assert_eq!(cleaned.report.limit_exceeded(), Some(Limit::Nesting));
    assert!(cleaned.html == as_text(&over));
    assert!(policy.clean(&cleaned.html) == cleaned.html);

    let under = "<div>".repeat(60) + &script;
    let kept = policy.clean_report(&under);
    assert_eq!(kept.report.limit_exceeded(), None);
    assert_eq!(kept.html, "<div>".repeat(60) + &"</div>".repeat(60));
    assert_eq!(policy.clean(&kept.html), kept.html);
}

/// Past the nesting budget the full pipeline shows the input as text.
/// Where the fast path can tell that it is past (what it charges each
/// token at least is past the budget), it answers that, whole, even after
/// a first paragraph; where only its upper bound is past, it leaves the
/// input to the full pipeline; within the budget it answers as before.
#[test]
fn the_fast_path_at_the_nesting_budget() {
    let policy = Policy::ugc();
    let deep = "<b>".repeat(100) + "x";
    assert_eq!(policy.clean_fast(&deep), Some(as_text(&deep)));
    assert_eq!(policy.clean_full(&deep), as_text(&deep));
    let after = format!("<p>one</p>\n{deep}");
    assert_eq!(policy.clean_fast(&after), Some(as_text(&after)));
    assert_eq!(policy.clean_resumed(&after), None);
    assert_eq!(policy.clean_full(&after), as_text(&after));
    // Each end tag closes the last start tag, which costs the parser 1,
    // and the fast path, which charges it the depth, cannot tell.
    let between = "<span>".repeat(40) + "x" + &"</span>".repeat(40);
    assert_eq!(policy.clean_fast(&between), None);
    assert_eq!(policy.clean(&between), between);
    let shallow = "<b>".repeat(20) + "x";
    assert_eq!(
        policy.clean_fast(&shallow),
        Some(policy.clean_full(&shallow))
    );
}

/// 100 000 unclosed `<a>`: each one runs the adoption agency algorithm on
/// the one before, which closes it empty, so the tree stays flat: 99 999
/// empty links and a last one holding the text. Nothing is removed (ugc
/// keeps `a`; without `href` it gets no `rel`).
#[test]
fn unclosed_a_100000() {
    let n = 100_000;
    let cleaned = Policy::ugc().clean_report(&("<a>".repeat(n) + "x"));
    assert!(
        cleaned.report.is_empty(),
        "{:?}",
        &cleaned.report.changes()[..1]
    );
    assert!(cleaned.html == "<a></a>".repeat(n - 1) + "<a>x</a>");
}

/// Misnested formatting, `<b><i>x</b></i>` repeated: each `</b>` runs the
/// adoption agency, which finds no furthest block and closes the `i` with
/// the `b`; each `</i>` then only takes the `i` off the list of active
/// formatting elements, so nothing is made again. The fast path follows
/// it (it once left every such input to the full pipeline).
#[test]
fn misnested_formatting_6666() {
    let n = 6_666;
    let input = "<b><i>x</b></i>".repeat(n);
    let expected = "<b><i>x</i></b>".repeat(n);
    let policy = Policy::ugc();
    assert!(policy.clean(&input) == expected);
    assert!(policy.clean_fast(&input).as_deref() == Some(expected.as_str()));
}

/// A 1 MiB run of `<`: in the tag open state a `<` is not a tag name, so
/// the tokenizer emits the `<` as text and starts over; the last one meets
/// the end of input. All text, one node.
#[test]
fn lt_run_1_mib() {
    let n = 1 << 20;
    let input = "<".repeat(n);
    let cleaned = Policy::ugc().clean_report(&input);
    assert!(cleaned.report.is_empty());
    assert_eq!(cleaned.html.len(), 4 * n);
    assert!(cleaned.html == "&lt;".repeat(n));
    // One text node is far from the node limit, so the fast path takes it
    // (it once counted each `<` as a node and left it to the parser).
    let fast = Policy::ugc().clean_fast(&input);
    assert!(fast.as_deref() == Some(cleaned.html.as_str()));
}

/// Input that is mostly stray `<` is tokenized with html5ever's exact
/// error messages (cheaper there, dearer for plain text; src/parse.rs).
/// The tree must not depend on it: a run of stray `<` and a space in front
/// of each XSS vector gives the run's text followed by what the vector
/// cleans to after a space (text before markup in a `div` changes nothing
/// about how the markup parses), for every vector, with ugc and strict
/// (the diary preset's paragraphs would wrap the run with what follows).
#[test]
fn a_run_of_stray_lt_changes_nothing_after_it() {
    let vectors = support::xss_vectors();
    let mut checked = 0;
    for policy in [Policy::ugc(), Policy::strict()] {
        for (id, vector) in &vectors {
            // Debug builds parse slowly; the large ones are deep nesting.
            if vector.len() > 8 * 1024 {
                continue;
            }
            let alone = policy.clean(&format!(" {vector}"));
            let k = vector.len() + 2;
            let after_run = policy.clean(&format!("{} {vector}", "<".repeat(k)));
            assert!(
                after_run.strip_prefix(&"&lt;".repeat(k)) == Some(alone.as_str()),
                "{id}: {after_run:?} is not {k} &lt; and {alone:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 1_700, "{checked}");
}
/// 100 000 character references, four kinds (named, hex, named beyond
/// ASCII, decimal) and a legacy one without `;`: decoded to exactly this
/// text, and written back with only `<` escaped.
#[test]
fn entities_100000() {
    let units = 20_000;
    let input = "&lt;&#x41;&eacute;&#169;&copy ".repeat(units);
    let cleaned = Policy::ugc().clean_report(&input);
    assert!(cleaned.report.is_empty());
    assert!(cleaned.html == "&lt;Aé©© ".repeat(units));
}

/// ugc with `style` on every element and one CSS property.
fn with_style() -> Policy {
    Policy::ugc()
        .to_builder()
        .allow_style_properties(["color"])
        .allow_generic_attrs(["style"])
        .build()
        .expect("ugc with style builds")
}

/// 100 000 declarations in one `style` (1 MB): each is kept, in canonical
/// form.
#[test]
fn style_100000_declarations() {
    let n = 100_000;
    let input = format!(r#"<p style="{}">x</p>"#, "color:red;".repeat(n));
    let cleaned = with_style().clean_report(&input);
    assert!(cleaned.report.is_empty());
    let want = format!(r#"<p style="{}">x</p>"#, vec!["color: red"; n].join("; "));
    assert!(cleaned.html == want);
}

/// 100 000 nested parentheses in a declaration, then one that is fine:
/// the tokenizer skips the nesting with a loop, the first declaration is
/// dropped (and reported), the second kept.
#[test]
fn style_nested_parens_100000() {
    let n = 100_000;
    let input = format!(
        r#"<p style="color: {}red{}; color: blue">x</p>"#,
        "(".repeat(n),
        ")".repeat(n)
    );
    let cleaned = with_style().clean_report(&input);
    assert_eq!(cleaned.html, r#"<p style="color: blue">x</p>"#);
    assert_eq!(cleaned.report.len(), 1);
    assert_eq!(cleaned.report.changes()[0].name, "color");
}

/// The named shapes under `strict` and the diary preset, with the outputs
/// their rules give, answered by the fast path: that is what keeps each
/// within a few times its preset's cost per byte on the corpus (the full
/// pipeline pays html5ever for every tag). `strict` unwraps tables, so
/// what a table foster-parents comes before the newline the sanitizer
/// puts where the table was; the diary preset shows the table's tags as
/// typed. Past the depth limit either shows the whole input as text.
/// (Nested foster-parenting is the full pipeline's under every preset: it
/// reaches the depth limit within a few kilobytes, where the parse stops.)
#[test]
fn named_shapes_under_the_other_presets() {
    let n = 20_000;
    let b = "<b>".repeat(60_000) + "deep";
    let ul_li = "<ul><li>".repeat(16_000) + "x";
    let fostered_b = "<table>".to_owned() + &"<b>x".repeat(n);
    let fostered = "<table>".to_owned() + &"x<br>".repeat(n) + "</table>";
    let a = "<a>".repeat(100_000) + "x";
    let lt = "<".repeat(1 << 20);
    let refs = "&lt;&#x41;&eacute;&#169;&copy ".repeat(n);
    let a_out = "<a></a>".repeat(100_000 - 1) + "<a>x</a>";
    let refs_out = "&lt;Aé©© ".repeat(n);
    let lt_out = "&lt;".repeat(1 << 20);
    for (name, policy, fostered_out) in [
        ("strict", Policy::strict(), "x<br>".repeat(n) + "\n"),
        (
            "diary",
            Policy::diary(),
            "&lt;table&gt;".to_owned() + &"x<br>".repeat(n) + "&lt;/table&gt;",
        ),
    ] {
        assert!(policy.clean(&fostered_b) == as_text(&fostered_b), "{name}");
        let cases = [
            ("nested b", &b, as_text(&b)),
            ("nested ul li", &ul_li, as_text(&ul_li)),
            ("fostered, flat", &fostered, fostered_out),
            ("unclosed a", &a, a_out.clone()),
            ("1 MiB of <", &lt, lt_out.clone()),
            ("references", &refs, refs_out.clone()),
        ];
        for (shape, input, want) in cases {
            let fast = policy.clean_fast(input);
            assert!(
                fast.as_deref() == Some(want.as_str()),
                "{name}, {shape}: {}",
                fast.map_or("no answer".to_owned(), |f| f.chars().take(80).collect())
            );
        }
    }
}
