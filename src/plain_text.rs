//! Plain text: the cleaned tree written as text for feeds, search indexes
//! and notifications, with line breaks where the blocks were.
//!
//! The writer holds back every separator (a space, a tab between table
//! cells, one or two newlines) until the next text is written, and keeps
//! only the strongest one, so that separators never pile up, and the text
//! never starts or ends with one.

use html5ever::{LocalName, local_name, ns};

use crate::dom::{Dom, Edge, NodeData, NodeId};
use crate::policy::Policy;
use crate::tags;

/// Options for [`Policy::to_text_with`].
///
/// ```
/// use safe_markup::{Policy, TextOptions};
///
/// let options = TextOptions::new().link_urls(true);
/// let text = Policy::ugc().to_text_with(r#"<a href="https://x.test/a">docs</a>"#, &options);
/// assert_eq!(text, "docs (https://x.test/a)");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextOptions {
    link_urls: bool,
}

impl TextOptions {
    /// The default options: links as their text only.
    ///
    /// ```
    /// use safe_markup::TextOptions;
    ///
    /// assert_eq!(TextOptions::new(), TextOptions::default());
    /// ```
    pub fn new() -> TextOptions {
        TextOptions::default()
    }

    /// Shows each link as `text (url)`, with the `href` the policy kept
    /// (after its URL checks and rewrites), or as the URL alone when the
    /// link has no text (an image link). A link whose text already shows
    /// its URL, up to `http://`, `https://`, `mailto:` or `tel:` and a
    /// trailing `/`, is written as its text. Default: off.
    ///
    /// ```
    /// use safe_markup::{Policy, TextOptions};
    ///
    /// let policy = Policy::ugc();
    /// let options = TextOptions::new().link_urls(true);
    /// let post = r#"<a href="mailto:me@x.test">me@x.test</a> or <a href="/faq">the FAQ</a>"#;
    /// assert_eq!(policy.to_text_with(post, &options), "me@x.test or the FAQ (/faq)");
    /// ```
    pub fn link_urls(mut self, show: bool) -> TextOptions {
        self.link_urls = show;
        self
    }
}

impl Policy {
    /// The cleaned `input` as plain text, for feeds, search indexes and
    /// notifications: the text the policy keeps, with entities decoded and
    /// whitespace collapsed as a browser shows it (except inside `pre`),
    /// and line breaks where the blocks were, so that words of adjacent
    /// blocks never run together:
    ///
    /// - a blank line around paragraphs, headings, `blockquote`, `pre`,
    ///   tables, `hr`, and lists (a list inside a list item: a line break);
    /// - a line break around list items, `div`, table rows, `dt`/`dd` and
    ///   the other blocks; a line break for each `br` (two at most in a
    ///   row);
    /// - a tab between table cells;
    /// - no blank line at the start, no whitespace (space, tab, newline) at
    ///   the end.
    ///
    /// Content the policy drops (`script`, comments, …) never appears;
    /// images contribute nothing. Links are shown as their text (see
    /// [`TextOptions::link_urls`] for `text (url)`).
    ///
    /// **The result is text, not HTML**: `<` and `&` in it are literal
    /// (`a &lt; b` in the input comes out as `a < b`). Escape it before
    /// putting it into HTML, or use [`Policy::clean`] or
    /// [`Policy::excerpt`] for that.
    ///
    /// For the text-only policy ([`Policy::text`]), and past a limit, the
    /// input is the text, with whitespace collapsed as in HTML.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc();
    /// assert_eq!(policy.to_text("<p>a</p><p>b &amp; c</p>"), "a\n\nb & c");
    /// assert_eq!(policy.to_text("<ul><li>one<li>two</ul>x<br>y"), "one\ntwo\n\nx\ny");
    /// assert_eq!(policy.to_text("Hi<script>alert(1)</script>   there"), "Hi there");
    /// ```
    pub fn to_text(&self, input: &str) -> String {
        self.to_text_with(input, &TextOptions::default())
    }

    /// [`Policy::to_text`] with options.
    ///
    /// ```
    /// use safe_markup::{Policy, TextOptions};
    ///
    /// let options = TextOptions::new().link_urls(true);
    /// let post = r#"<p>Read <a href="https://x.test/">x.test</a> and <a href="https://x.test/b">this</a>.</p>"#;
    /// assert_eq!(
    ///     Policy::ugc().to_text_with(post, &options),
    ///     "Read x.test and this (https://x.test/b)."
    /// );
    /// ```
    pub fn to_text_with(&self, input: &str, options: &TextOptions) -> String {
        let (dom, root) = crate::pipeline::output_dom(self, input);
        write(&dom, root, options)
    }
}

/// The separator between two pieces of text within a line.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    #[default]
    None,
    Space,
    /// Between table cells.
    Tab,
}

/// How an element separates its content from what is around it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Inline,
    Cell,
    Line,
    Paragraph,
}

fn block(name: &LocalName, in_item: bool) -> Block {
    match *name {
        local_name!("td") | local_name!("th") => Block::Cell,
        local_name!("ul")
        | local_name!("ol")
        | local_name!("dl")
        | local_name!("menu")
        | local_name!("dir") => {
            if in_item {
                Block::Line
            } else {
                Block::Paragraph
            }
        }
        local_name!("p")
        | local_name!("blockquote")
        | local_name!("pre")
        | local_name!("listing")
        | local_name!("table")
        | local_name!("hr")
        | local_name!("figure")
        | local_name!("address")
        | local_name!("article")
        | local_name!("aside")
        | local_name!("section")
        | local_name!("header")
        | local_name!("footer")
        | local_name!("nav")
        | local_name!("main")
        | local_name!("details")
        | local_name!("fieldset") => Block::Paragraph,
        _ if tags::is_heading(name) => Block::Paragraph,
        _ if tags::breaks_line(name) => Block::Line,
        _ => Block::Inline,
    }
}

/// Elements whose items get a line each, and that make a list inside
/// them a nested one.
fn is_item(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("li") | local_name!("dd") | local_name!("dt")
    )
}

/// An open link: where its text starts in the output, and its URL.
struct OpenLink {
    start: usize,
    href: Option<String>,
}

struct Writer {
    out: String,
    /// Newlines held back (0, 1 or 2 from blocks and `br`; more only from
    /// the edges of preformatted text).
    newlines: usize,
    gap: Gap,
}

impl Writer {
    fn at_least(&mut self, newlines: usize) {
        self.newlines = self.newlines.max(newlines);
    }

    fn gap(&mut self, gap: Gap) {
        self.gap = self.gap.max(gap);
    }

    /// Writes the separator held back, unless nothing was written yet.
    fn flush(&mut self) {
        if !self.out.is_empty() {
            if self.newlines > 0 {
                self.out.extend(std::iter::repeat_n('\n', self.newlines));
            } else {
                match self.gap {
                    Gap::None => {}
                    Gap::Space => self.out.push(' '),
                    Gap::Tab => self.out.push('\t'),
                }
            }
        }
        self.newlines = 0;
        self.gap = Gap::None;
    }

    /// Writes `s` after the separator held back. NUL becomes U+FFFD, as
    /// the HTML serializer writes it.
    fn word(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.flush();
        if s.contains('\0') {
            self.out.push_str(&s.replace('\0', "\u{fffd}"));
        } else {
            self.out.push_str(s);
        }
    }

    /// Text outside `pre`: each whitespace run becomes (at most) a space.
    fn text(&mut self, text: &str) {
        let mut rest = text;
        while !rest.is_empty() {
            let word_start = rest
                .find(|c: char| !c.is_ascii_whitespace())
                .unwrap_or(rest.len());
            if word_start > 0 {
                self.gap(Gap::Space);
            }
            rest = &rest[word_start..];
            let word_end = rest
                .find(|c: char| c.is_ascii_whitespace())
                .unwrap_or(rest.len());
            self.word(&rest[..word_end]);
            rest = &rest[word_end..];
        }
    }

    /// Preformatted text, as it is, except that newlines at its edges are
    /// held back like any other line break (so a `pre` neither starts the
    /// output with a blank line nor adds one to the blank line after it).
    fn preformatted(&mut self, text: &str) {
        let body = text.trim_start_matches('\n');
        self.newlines += text.len() - body.len();
        let inner = body.trim_end_matches('\n');
        self.word(inner);
        self.newlines += body.len() - inner.len();
    }
}

fn write(dom: &Dom, root: NodeId, options: &TextOptions) -> String {
    let mut w = Writer {
        out: String::new(),
        newlines: 0,
        gap: Gap::None,
    };
    let mut pre = 0usize;
    let mut items = 0usize;
    let mut links: Vec<OpenLink> = Vec::new();
    for edge in dom.edges(root) {
        match edge {
            Edge::Open(id) => match &dom.node(id).data {
                NodeData::Text(t) if pre > 0 => w.preformatted(t),
                NodeData::Text(t) => w.text(t),
                NodeData::Element(e) => {
                    let name = &e.name.local;
                    if *name == local_name!("br") {
                        // One line break each, two at most in a row: more
                        // would only add blank lines.
                        if w.newlines < 2 {
                            w.newlines += 1;
                        }
                        continue;
                    }
                    separate(&mut w, block(name, items > 0));
                    if matches!(*name, local_name!("pre") | local_name!("listing")) {
                        pre += 1;
                    }
                    if is_item(name) {
                        items += 1;
                    }
                    if *name == local_name!("a") {
                        let href = e
                            .attrs
                            .iter()
                            .find(|a| a.name.ns == ns!() && a.name.local == local_name!("href"))
                            .map(|a| a.value.to_string());
                        links.push(OpenLink {
                            start: w.out.len(),
                            href,
                        });
                    }
                }
                _ => {}
            },
            Edge::Close(id) => {
                let Some(e) = dom.element(id) else {
                    continue;
                };
                let name = &e.name.local;
                if *name == local_name!("br") {
                    continue;
                }
                let kind = block(name, items > usize::from(is_item(name)));
                // A cell's end separates nothing: the next cell or row does.
                if kind != Block::Cell {
                    separate(&mut w, kind);
                }
                if matches!(*name, local_name!("pre") | local_name!("listing")) {
                    pre = pre.saturating_sub(1);
                }
                if is_item(name) {
                    items = items.saturating_sub(1);
                }
                if *name == local_name!("a")
                    && let Some(link) = links.pop()
                    && options.link_urls
                {
                    show_url(&mut w, &link);
                }
            }
        }
    }
    let end = w
        .out
        .trim_end_matches(|c: char| c.is_ascii_whitespace())
        .len();
    w.out.truncate(end);
    w.out
}

fn separate(w: &mut Writer, kind: Block) {
    match kind {
        Block::Inline => {}
        Block::Cell => w.gap(Gap::Tab),
        Block::Line => w.at_least(1),
        Block::Paragraph => w.at_least(2),
    }
}

/// Writes a closed link's URL after its text, unless the text shows it.
fn show_url(w: &mut Writer, link: &OpenLink) {
    let Some(href) = link.href.as_deref().filter(|h| !h.trim().is_empty()) else {
        return;
    };
    let text = w.out.get(link.start..).unwrap_or_default().trim();
    if text.is_empty() {
        w.gap(Gap::Space);
        w.word(href);
    } else if bare(text) != bare(href) {
        w.gap(Gap::Space);
        w.word(&format!("({href})"));
    }
}

/// A URL as people write it in text: without the scheme of web, mail and
/// phone links, and without a trailing `/`.
fn bare(url: &str) -> &str {
    let url = url.trim();
    let rest = ["http://", "https://", "mailto:", "tel:"]
        .iter()
        .find_map(|scheme| {
            url.get(..scheme.len())
                .filter(|head| head.eq_ignore_ascii_case(scheme))
                .map(|_| &url[scheme.len()..])
        })
        .unwrap_or(url);
    rest.strip_suffix('/').unwrap_or(rest)
}
