//! Shared helpers for the integration tests: the corpora and a
//! tag-soup generator for proptest. The independent parser, serializer and
//! invariant checker live in the `safe-markup-check` crate (`check/`).

use std::path::{Path, PathBuf};

use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Corpora

/// The corpus directory, `corpus/` in this repository.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// `(file name, contents)` of every `*.html` file in `corpus/<sub>`,
/// sorted by name. Non-UTF-8 bytes are replaced (the corpus is UTF-8).
pub fn html_files(sub: &str) -> Vec<(String, String)> {
    let dir = corpus_dir().join(sub);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let name = format!("{sub}/{}", p.file_name().unwrap().to_string_lossy());
            (name, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect();
    out.sort();
    out
}

/// `(id, input)` of every vector in `corpus/xss/*.jsonl`, file by file.
pub fn xss_vectors() -> Vec<(String, String)> {
    let dir = corpus_dir().join("xss");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let value: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", file.display(), n + 1));
            let id = value["id"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{}:{}", file.display(), n + 1));
            let input = value["input"]
                .as_str()
                .unwrap_or_else(|| panic!("{}:{}: no string `input`", file.display(), n + 1));
            out.push((id, input.to_owned()));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Tag soup for proptest

const TAGS: &[&str] = &[
    // tables
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "colgroup",
    "col",
    // paragraphs, lists, links
    "p",
    "a",
    "A",
    "li",
    "ul",
    "ol",
    "dl",
    "dd",
    "dt",
    "div",
    "span",
    "pre",
    "listing",
    "blockquote",
    "h1",
    "h2",
    "br",
    "hr",
    "img",
    "image",
    "area",
    "map",
    "details",
    "summary",
    // ruby
    "ruby",
    "rt",
    "rp",
    "rb",
    "rtc",
    // formatting
    "b",
    "i",
    "u",
    "s",
    "em",
    "strong",
    "font",
    "nobr",
    "code",
    "abbr",
    "q",
    "sub",
    "wbr",
    // foreign content
    "svg",
    "math",
    "SVG",
    "mi",
    "mo",
    "mtext",
    "annotation-xml",
    "foreignObject",
    "desc",
    "title",
    "path",
    "mglyph",
    "malignmark",
    // hidden, raw text, active
    "script",
    "SCRIPT",
    "style",
    "template",
    "noscript",
    "textarea",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
    "object",
    "applet",
    "marquee",
    // forms and select
    "form",
    "button",
    "input",
    "select",
    "option",
    "optgroup",
    "keygen",
    // document-level and odd
    "html",
    "body",
    "head",
    "frameset",
    "frame",
    "base",
    "meta",
    "link",
    "x-custom",
    "isindex",
    // more of the presets' tags and the "special" block elements
    "h3",
    "address",
    "article",
    "aside",
    "nav",
    "section",
    "main",
    "search",
    "dialog",
    "menu",
    "center",
    "figure",
    "figcaption",
    "hgroup",
    "tt",
    "sup",
    "var",
    "bdo",
    "time",
    "data",
    "mark",
    "del",
    "ins",
    "kbd",
    "samp",
    "dfn",
    "cite",
    "small",
    "strike",
    "big",
    "acronym",
];

const ATTR_NAMES: &[&str] = &[
    "href",
    "HREF",
    "src",
    "srcset",
    "onclick",
    "onerror",
    "style",
    "title",
    "lang",
    "id",
    "class",
    "cite",
    "action",
    "formaction",
    "poster",
    "background",
    "ping",
    "longdesc",
    "rel",
    "target",
    "alt",
    "colspan",
    "dir",
    "xlink:href",
    "xmlns",
    "encoding",
    "type",
    "name",
    "value",
    "data-x",
    "shadowrootmode",
    "hreflang",
    "datetime",
    "start",
    "span",
    "scope",
];

const ATTR_VALUES: &[&str] = &[
    // script URLs and evasions
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "\u{1}javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "java&#x09;script:alert(1)",
    "java&Tab;script:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#0000106&#0000097vascript:alert(1)",
    "javascript&colon;alert(1)",
    "javascript\u{0}:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,AA",
    // ordinary URLs
    "http://example.com/",
    "https://example.com/a?b=1&c=2",
    "HTTP://EXAMPLE.COM/x",
    "https://example.com/&amp;x&nbsp;",
    "http:relative",
    "//evil.test/x",
    "/rel/path",
    "rel/path.html",
    "?q=1",
    "#frag",
    "mailto:a@b.test",
    "ftp://x.test/",
    "tel:+123",
    "x:y",
    "http://[::1",
    "http://a b/",
    "https://exa\u{a0}mple.com",
    "http://&#x0A;x.test/",
    // srcset
    "a.png 1x, javascript:alert(1) 2x",
    "a.png, b.png 2x",
    "data:image/png;base64,AA 1x, /x.png 2x",
    "x.png 100w, y.png (2x), z.png",
    "a,b,,c,",
    "http://x.test/a.png 1x,javascript:alert(1)",
    // other values
    "",
    "alert(1)",
    "color:red;background:url(javascript:alert(1))",
    "x\" onclick=\"alert(1)",
    "x' onclick='alert(1)",
    "&amp;&lt;&gt;&quot;&#39;",
    "\u{a0}",
    "a\r\nb\rc",
    "\u{feff}",
    "<b>",
    "text/html",
    "nofollow",
    "3",
    "open",
];

const TEXTS: &[&str] = &[
    "hello",
    "world ",
    "a & b",
    "1 < 2",
    "3 > 2",
    "\u{a0}",
    "\r",
    "\r\n",
    "\n",
    "\n\n",
    "\0",
    " ",
    "\t",
    "&nbsp;",
    "&amp",
    "&amp;",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#0;",
    "&#13;",
    "&#xFEFF;",
    "\u{feff}",
    "&notin;",
    "&noti",
    "&#x110000;",
    "&#x80;",
    "javascript:alert(1)",
    "http://x.test/",
    "]]>",
    "--",
    "é",
    "😀",
    "\u{2028}",
    "\u{1}",
    "\"'`",
];

const MISC: &[&str] = &[
    "<!-- c -->",
    "<!---->",
    "<!-->",
    "<!--->",
    "<!-- a -- b -->",
    "<!--",
    "<!-- <script>alert(1)</script> -->",
    "<!--!>",
    "<!--x--!>",
    "<!x>",
    "<?php x ?>",
    "<!DOCTYPE html>",
    "<![CDATA[ x ]]>",
    "<![CDATA[",
    "</>",
    "<",
    "</",
    "<a",
    "<p/",
    "</p",
    "<b <i>",
    "< b>",
    "<3",
    "<a href=\"",
    "<img src='x",
    "</br>",
    "</p >",
    "</b c=d>",
    "<br/>",
    "<p/>",
    "<svg/>",
];

/// Names of attributes that hold URLs; see [`URL_VALUES`].
const URL_ATTR_NAMES: &[&str] = &[
    "href",
    "href",
    "href",
    "HREF",
    "src",
    "src",
    "srcset",
    "cite",
    "action",
    "formaction",
    "poster",
    "background",
    "ping",
    "longdesc",
    "xlink:href",
];

/// Tags the presets keep (or that sit in the parser's odd corners next to
/// them), drawn more often than the rest so outputs have elements and URLs.
const KEPT_TAGS: &[&str] = &[
    "a",
    "a",
    "a",
    "img",
    "img",
    "p",
    "b",
    "i",
    "em",
    "table",
    "tr",
    "td",
    "th",
    "li",
    "ul",
    "dd",
    "dl",
    "ruby",
    "rt",
    "blockquote",
    "q",
    "del",
    "ins",
    "abbr",
    "pre",
    "span",
    "div",
    "area",
    "map",
];

fn quoted(name: &str, value: &str, quoting: u8) -> String {
    match quoting {
        0 | 1 => format!(" {name}=\"{value}\""),
        2 => format!(" {name}='{value}'"),
        3 => format!(" {name}={value}"),
        _ => format!(" {name}"),
    }
}

fn attribute() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (
            prop::sample::select(URL_ATTR_NAMES),
            prop::sample::select(ATTR_VALUES),
            0..5u8,
        ),
        2 => (
            prop::sample::select(ATTR_NAMES),
            prop::sample::select(ATTR_VALUES),
            0..5u8,
        ),
    ]
    .prop_map(|(name, value, quoting)| quoted(name, value, quoting))
}

fn start_tag() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            1 => prop::sample::select(KEPT_TAGS),
            1 => prop::sample::select(TAGS),
        ],
        prop::collection::vec(attribute(), 0..4),
        0..8u8,
    )
        .prop_map(|(tag, attrs, end)| {
            let attrs = attrs.concat();
            match end {
                0 => format!("<{tag}{attrs}/>"),
                1 => format!("<{tag}{attrs}"),
                _ => format!("<{tag}{attrs}>"),
            }
        })
}

fn end_tag() -> impl Strategy<Value = String> {
    prop::sample::select(TAGS).prop_map(|tag| format!("</{tag}>"))
}

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => start_tag(),
        2 => end_tag(),
        4 => prop::sample::select(TEXTS).prop_map(str::to_owned),
        1 => (prop::sample::select(ATTR_VALUES), prop::sample::select(TEXTS))
            .prop_map(|(a, b)| format!("<a href=\"{a}\">{b}</a>")),
        1 => prop::sample::select(MISC).prop_map(str::to_owned),
    ]
}

/// Tags repeated to build deep nesting, up to past the default depth limit
/// (512).
const NESTING_TAGS: &[&str] = &[
    "b",
    "div",
    "span",
    "i",
    "a",
    "p",
    "li",
    "font",
    "table",
    "blockquote",
];

/// Tag soup: up to 40 tokens (start tags with attributes, end tags, text,
/// comments, broken markup, runs of up to 600 nested start tags),
/// sometimes after ~4 KB of filler text so that the interesting part
/// straddles the library's 4096-byte parser chunk boundary.
pub fn tag_soup() -> impl Strategy<Value = String> {
    let nesting = (prop::sample::select(NESTING_TAGS), 1..600usize)
        .prop_map(|(tag, depth)| format!("<{tag}>").repeat(depth));
    let token = prop_oneof![
        30 => token(),
        1 => nesting,
    ];
    let padding = prop_oneof![
        3 => Just(0usize),
        1 => 4070..4100usize,
    ];
    (padding, prop::collection::vec(token, 0..40)).prop_map(|(padding, tokens)| {
        let mut out = "x".repeat(padding);
        out.push_str(&tokens.concat());
        out
    })
}
