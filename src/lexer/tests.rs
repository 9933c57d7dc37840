use super::*;

struct EscapeAll;

impl Rules for EscapeAll {
    fn escape_mode(&self) -> bool {
        true
    }
    fn decide(&self, name: &str) -> Decision {
        match name {
            "b" | "a" | "script" => Decision::Pass,
            "person" => Decision::Special(Special::Person),
            _ => Decision::Escape,
        }
    }
    fn max_attributes(&self) -> usize {
        3
    }
    fn special_valid(&self, _: Special, body: &str) -> bool {
        body.bytes().all(|b| b.is_ascii_alphanumeric())
    }
    fn mark_spans(&self) -> bool {
        false
    }
}

fn lexed(input: &str) -> String {
    lex(input, &EscapeAll).text().into_owned()
}

#[test]
fn escapes_what_the_policy_escapes_and_nothing_else() {
    let cases = [
        ("#include <stdio.h> x", "#include &lt;stdio.h> x"),
        ("if x<y and y>z", "if x&lt;y and y>z"),
        ("a < b", "a < b"),
        ("<b>x</b>", "<b>x</b>"),
        ("<h1 title='<b>'>t</h1>", "&lt;h1 title='&lt;b>'>t&lt;/h1>"),
        ("<a title='>'>x</a>", "<a title='>'>x</a>"),
        ("<!-- c -->x", "<!-- c -->x"),
        ("<!-->x", "<!-->x"),
        // An odd run of dashes before the `>` ends it too.
        ("<!-- x --->y<h1>", "<!-- x --->y&lt;h1>"),
        ("<!-- x ---!>y<h1>", "<!-- x ---!>y&lt;h1>"),
        ("<!-- open", "&lt;!-- open"),
        // Once no comment ends, none later does; until then each
        // opener is read on its own.
        ("<!--x><!--y>", "&lt;!--x>&lt;!--y>"),
        ("<!--x><!-- y -->z<!--", "<!--x><!-- y -->z&lt;!--"),
        ("<?a<?b>c<?d", "&lt;?a&lt;?b>c&lt;?d"),
        ("</ a></ b", "&lt;/ a>&lt;/ b"),
        ("<!DOCTYPE html>", "&lt;!DOCTYPE html>"),
        ("</>", "&lt;/>"),
        ("<b title=\"x", "&lt;b title=\"x"),
        (
            "<script>if (a<h1) {}</script><h1>",
            "<script>if (a<h1) {}</script>&lt;h1>",
        ),
        ("<b a b c d>", "&lt;b a b c d>"),
        ("<b a=1 b=2 c=3>", "<b a=1 b=2 c=3>"),
        ("<person>raph</person>", "<person>raph</person>"),
        ("<person>foo bar</person>", "&lt;person>foo bar&lt;/person>"),
        (
            "<person>a<b>c</b></person>",
            "&lt;person>a<b>c</b>&lt;/person>",
        ),
        ("<person>unclosed", "&lt;person>unclosed"),
    ];
    for (input, want) in cases {
        assert_eq!(lexed(input), want, "input {input:?}");
    }
}

#[test]
fn script_content_is_skipped_as_the_tokenizer_does() {
    let cases = [
        (
            "<script>a<h1></script><h1>",
            "<script>a<h1></script>&lt;h1>",
        ),
        (
            "<script><!--<script></script><h1>--></script><h1>",
            "<script><!--<script></script><h1>--></script>&lt;h1>",
        ),
        ("<script><!--</script><h1>", "<script><!--</script>&lt;h1>"),
        (
            "<script><!--><h1></script><h1>",
            "<script><!--><h1></script>&lt;h1>",
        ),
        ("<script><h1>", "<script><h1>"),
    ];
    for (input, want) in cases {
        assert_eq!(lexed(input), want, "input {input:?}");
    }
}

#[test]
fn reports_spans_of_what_it_escaped() {
    let input = "x <h1>t</h1> <b a b c d>";
    let lexed = lex(input, &EscapeAll);
    let spans: Vec<_> = lexed
        .escaped
        .iter()
        .map(|e| (&input[e.span.clone()], e.name.as_str(), e.reason))
        .collect();
    assert_eq!(
        spans,
        [
            ("<h1>", "h1", Reason::Policy),
            ("<b a b c d>", "b", Reason::TooManyAttributes)
        ]
    );
}

#[test]
fn text_written_in_pieces_is_the_whole_text() {
    // Escapes on both sides of every cut, as the parser's chunks make.
    let input = "<h1>a<h2 title='<'>".repeat(40) + "<b title=\"<<";
    let lexed = lex(&input, &EscapeAll);
    let whole = lexed.text();
    assert_eq!(whole.len(), lexed.len());
    assert_eq!(whole.matches("&lt;").count(), 40 * 3 + 3);
    assert!(whole.ends_with("&lt;b title=\"&lt;&lt;"));
    for step in [1, 7, 64] {
        let mut pieces = String::new();
        let mut at = 0;
        while at < input.len() {
            let end = (at + step).min(input.len());
            lexed.write_text(at..end, &mut pieces);
            at = end;
        }
        assert_eq!(pieces, whole, "in pieces of {step} bytes");
    }
}
