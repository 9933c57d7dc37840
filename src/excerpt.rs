//! Excerpts: the cleaned tree cut after at most N visible characters, at a
//! word boundary, with an ellipsis, every element still closed.
//!
//! The cut works on the cleaned tree, never on the HTML text, so it can
//! only remove nodes and shorten one text node: whatever the excerpt keeps
//! is a prefix of a tree that already passed the policy, and the ellipsis
//! goes where text already was (never into a table's structure, where the
//! parser would move it).
//!
//! The walk writes the text of the tree, in document order, into one
//! string (the *flow*), with a newline for each `br` and each edge of a
//! block element, so that word boundaries (UAX #29) can be found across
//! inline tags (`foo<b>bar</b>` is one word) but never across blocks.

use html5ever::local_name;
use unicode_segmentation::UnicodeSegmentation;

use crate::dom::{Dom, Edge, NodeData, NodeId};
use crate::policy::Policy;
use crate::serialize;
use crate::tags;

/// Appended where an excerpt was cut; it counts as one visible character.
const ELLIPSIS: &str = "\u{2026}";

impl Policy {
    /// A short version of the cleaned `input`: safe HTML with at most
    /// `max_chars` *visible characters*, cut at a word boundary, every
    /// element closed, and `…` (U+2026) at the end when anything was left
    /// out. When the whole cleaned input fits, the result is exactly
    /// [`Policy::clean`]'s, with nothing appended.
    ///
    /// Visible characters are extended grapheme clusters (what a reader
    /// counts as one character: `é` written as `e` + U+0301, or a flag
    /// emoji, is one) of the text as a browser shows it:
    ///
    /// - outside `pre`, a run of whitespace (space, tab, newline, form
    ///   feed, carriage return) counts as one, however long and across
    ///   tags, even where a browser shows none (between two paragraphs, at
    ///   the start), so the count never falls short of what is shown;
    ///   inside `pre` every character counts;
    /// - each `br` counts as one (it is a line break, like a newline in
    ///   `pre`);
    /// - elements themselves count as nothing: images, rules and the edges
    ///   of paragraphs or list items. An excerpt bounds text, not media:
    ///   for previews without images, use a policy that drops `img`.
    /// - the `…` counts as one, so the excerpt never exceeds `max_chars`
    ///   (`max_chars == 0` gives an empty excerpt unless the cleaned input
    ///   has no visible character at all).
    ///
    /// The cut backs up to the last word boundary (Unicode word
    /// boundaries, UAX #29, so spaces and punctuation, and between CJK
    /// ideographs), dropping the whitespace and line breaks before it; only
    /// a first word longer than the budget is cut inside, between two
    /// grapheme clusters. A link is never cut: if its text does not fit
    /// whole, the whole link is left out and the cut moves before it (a cut
    /// label could misstate where the link goes). Lists and tables are cut
    /// like any other element: the elements around the cut are closed, so
    /// the last list item or table cell simply ends early. The `…` follows
    /// the last text kept (after the link, if that text ends one).
    ///
    /// The excerpt meets the same guarantees as [`Policy::clean`]'s output
    /// (only allowed markup, stable when parsed again, closed); for the
    /// text-only policy ([`Policy::text`]) it is the excerpt of the input
    /// shown as text, and past a limit (see [`Policy::clean_report`]) the
    /// excerpt of the input shown as text, as `clean` shows it then.
    ///
    /// An excerpt shown inside a link of the page (a card that links to
    /// the whole post) must hold no link of its own: cut it with a policy
    /// built with [`unwrap_links(true)`](crate::PolicyBuilder::unwrap_links).
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc();
    /// let post = "<p>Spring <b>has come</b> to the garden at last.</p><p>More…</p>";
    /// assert_eq!(policy.excerpt(post, 23), "<p>Spring <b>has come</b> to the…</p>");
    /// // A link that does not fit whole is left out.
    /// let post = r#"See <a href="https://example.org/">the long story</a>"#;
    /// assert_eq!(policy.excerpt(post, 12), "See…");
    /// // Nothing is appended when everything fits.
    /// assert_eq!(policy.excerpt("<i>short</i>", 80), "<i>short</i>");
    /// // The text-only policy: the excerpt of the input as text.
    /// assert_eq!(Policy::text().excerpt("a <b> c d", 6), "a &lt;b&gt;…");
    /// ```
    pub fn excerpt(&self, input: &str, max_chars: usize) -> String {
        let (mut dom, root) = crate::pipeline::output_dom(self, input);
        cut(&mut dom, root, max_chars);
        let mut html = String::new();
        serialize::serialize(&dom, root, &mut html);
        html
    }
}

/// A piece of the flow: where its text starts there, and the text node it
/// copies, or `None` for a separator (a `br`, or the start or end of a
/// block element), which is one `\n` in the flow and a word boundary.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    text: Option<NodeId>,
}

/// The flow range of an outermost `a` (links do not nest in cleaned
/// output; should one ever, the outer link is the one that matters).
struct Link {
    start: usize,
    end: Option<usize>,
}

fn is_preformatted(name: &html5ever::LocalName) -> bool {
    matches!(*name, local_name!("pre") | local_name!("listing"))
}

/// The walk's result, up to a little past the cut.
#[derive(Default)]
struct Flow {
    text: String,
    spans: Vec<Span>,
    links: Vec<Link>,
    /// The flow offset of the first unit past the budget, if any.
    over_budget: Option<usize>,
    /// More than `max_chars` visible characters in all: a cut is needed.
    over_max: bool,
}

/// Writes the flow and counts visible characters as it goes.
struct Walk {
    flow: Flow,
    /// Visible characters the text may have: one is kept for the `…`.
    budget: usize,
    max_chars: usize,
    count: usize,
    /// The last unit counted was whitespace outside `pre`.
    in_space: bool,
    /// The flow holds a whitespace character or separator past the point
    /// where a cut became certain.
    lookahead_done: bool,
}

impl Walk {
    /// Counts one visible character that starts at flow offset `at`.
    fn unit(&mut self, at: usize) {
        self.count += 1;
        if self.count > self.budget && self.flow.over_budget.is_none() {
            self.flow.over_budget = Some(at);
        }
        if self.count > self.max_chars {
            self.flow.over_max = true;
        }
    }

    fn text(&mut self, node: NodeId, text: &str, pre: bool) {
        let start = self.flow.text.len();
        self.flow.text.push_str(text);
        self.flow.spans.push(Span {
            start,
            text: Some(node),
        });
        if self.lookahead_done {
            return;
        }
        for (i, g) in text.grapheme_indices(true) {
            let space = !pre && g.bytes().all(|b| b.is_ascii_whitespace());
            if self.flow.over_max {
                // Past the cut: only look for the end of the word.
                if g.bytes().any(|b| b.is_ascii_whitespace()) {
                    self.lookahead_done = true;
                    return;
                }
            } else if !(space && self.in_space) {
                self.in_space = space;
                self.unit(start + i);
            }
        }
    }

    /// A separator; `counts`: a `br`, one visible character.
    fn separator(&mut self, counts: bool) {
        let start = self.flow.text.len();
        self.flow.text.push('\n');
        self.flow.spans.push(Span { start, text: None });
        if self.flow.over_max {
            self.lookahead_done = true;
        } else if counts {
            self.in_space = false;
            self.unit(start);
        }
    }
}

/// Writes the flow of the tree below `root`, counting visible characters.
/// It stops once a cut is certain, every link open at the cut is closed,
/// and the flow holds one whitespace character past the cut (the most that
/// the word-boundary rules look ahead).
fn flow(dom: &Dom, root: NodeId, max_chars: usize) -> Flow {
    let mut walk = Walk {
        flow: Flow::default(),
        budget: max_chars.saturating_sub(1),
        max_chars,
        count: 0,
        in_space: false,
        lookahead_done: false,
    };
    let mut pre = 0usize;
    let mut links_open = 0usize;
    for edge in dom.edges(root) {
        if walk.flow.over_max && walk.lookahead_done && links_open == 0 {
            break;
        }
        let (id, open) = match edge {
            Edge::Open(id) => (id, true),
            Edge::Close(id) => (id, false),
        };
        let name = match &dom.node(id).data {
            NodeData::Text(t) if open && !t.is_empty() => {
                walk.text(id, t, pre > 0);
                continue;
            }
            NodeData::Element(e) => &e.name.local,
            _ => continue,
        };
        if *name == local_name!("br") {
            if open {
                walk.separator(true);
            }
        } else if tags::breaks_line(name) {
            walk.separator(false);
        }
        if is_preformatted(name) {
            pre = if open { pre + 1 } else { pre.saturating_sub(1) };
        }
        if *name == local_name!("a") {
            let at = walk.flow.text.len();
            if open {
                if links_open == 0 {
                    walk.flow.links.push(Link {
                        start: at,
                        end: None,
                    });
                }
                links_open += 1;
            } else {
                links_open = links_open.saturating_sub(1);
                if links_open == 0
                    && let Some(link) = walk.flow.links.last_mut()
                {
                    link.end = Some(at);
                }
            }
        }
    }
    walk.flow
}

/// `end` moved back over whitespace, line breaks and block edges (all of
/// them whitespace in the flow), so the excerpt ends on visible text.
fn trim_end(text: &str, end: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = end.min(bytes.len());
    while end > 0 && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// Where the excerpt ends in the flow: 0 if nothing fits.
fn cut_point(f: &Flow, over_budget: usize) -> usize {
    // Word boundaries up to the first unit that does not fit; the flow
    // holds enough past it for the rules that look ahead.
    let bounds: Vec<usize> = f
        .text
        .split_word_bound_indices()
        .map(|(i, _)| i)
        .take_while(|&i| i <= over_budget)
        .collect();
    let mut limit = over_budget;
    loop {
        let before = bounds.partition_point(|&b| b <= limit);
        let at_word = before
            .checked_sub(1)
            .and_then(|i| bounds.get(i))
            .map_or(0, |&b| trim_end(&f.text, b));
        // No boundary after visible text: the first word alone is longer
        // than the budget, so it is cut between grapheme clusters (the
        // limit is always at a cluster boundary).
        let end = if at_word > 0 {
            at_word
        } else {
            trim_end(&f.text, limit)
        };
        if end == 0 {
            return 0;
        }
        // A link that the cut falls inside, with visible text after the
        // cut, is left out whole. Links are disjoint and in order.
        let i = f.links.partition_point(|l| l.start < end);
        if let Some(link) = i.checked_sub(1).and_then(|i| f.links.get(i)) {
            let link_end = link.end.unwrap_or(f.text.len());
            let rest = f.text.as_bytes().get(end..link_end).unwrap_or_default();
            if rest.iter().any(|b| !b.is_ascii_whitespace()) {
                // The next round looks strictly before this link, so the
                // loop ends.
                limit = link.start;
                continue;
            }
        }
        return end;
    }
}

/// Cuts the tree below `root` to at most `max_chars` visible characters
/// (see [`Policy::excerpt`]); leaves it alone if it fits.
fn cut(dom: &mut Dom, root: NodeId, max_chars: usize) {
    let f = flow(dom, root, max_chars);
    if !f.over_max {
        return;
    }
    let end = match f.over_budget {
        Some(over_budget) if max_chars > 0 => cut_point(&f, over_budget),
        _ => 0,
    };
    // The span holding the last byte kept: text, as `end` follows visible
    // text (trim_end moved it off every line break and block edge).
    let last = end
        .checked_sub(1)
        .map(|last| f.spans.partition_point(|s| s.start <= last))
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| f.spans.get(i));
    let Some(&Span {
        start,
        text: Some(node),
    }) = last
    else {
        dom.detach_children(root);
        if max_chars > 0 {
            let ellipsis = dom.push(NodeData::Text(ELLIPSIS.into()));
            dom.append(root, ellipsis);
        }
        return;
    };
    let kept = dom
        .text(node)
        .and_then(|t| t.get(..end - start))
        .unwrap_or_default()
        .to_owned();
    dom.detach_following(node, root);
    match outermost_link(dom, node, root) {
        // After the link, not in its text: the link was kept whole.
        Some(link) => {
            dom.set_text(node, &kept);
            let ellipsis = dom.push(NodeData::Text(ELLIPSIS.into()));
            if let Some(parent) = dom.parent(link) {
                dom.append(parent, ellipsis);
            }
        }
        None => dom.set_text(node, &(kept + ELLIPSIS)),
    }
}

/// The outermost `a` that holds `node`, below `root`.
fn outermost_link(dom: &Dom, node: NodeId, root: NodeId) -> Option<NodeId> {
    let mut found = None;
    let mut cur = dom.parent(node);
    while let Some(id) = cur {
        if id == root {
            break;
        }
        if dom
            .element(id)
            .is_some_and(|e| e.name.local == local_name!("a"))
        {
            found = Some(id);
        }
        cur = dom.parent(id);
    }
    found
}
