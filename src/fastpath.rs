//! The validated fast path: one pass over the input that writes the output
//! directly, for the common well-formed case, or gives up.
//!
//! The full pipeline (lexical step, html5ever, sanitizer, serializer) costs
//! about 160 instructions per input byte, most of it building a tree that
//! is then written out unchanged. Most posts are properly nested markup
//! where the tree is just the tags in order. This module reads such input
//! the way the tokenizer does, keeps a stack of open elements, asks the
//! same policy, sanitizer, URL and link functions the full path asks, and
//! writes what the serializer would write.
//!
//! It is only an optimisation, so its rule is: never guess. The moment it
//! meets anything whose effect on the tree it does not model exactly, it
//! returns `None` and the caller runs the full pipeline on the whole
//! input. That covers every place where the tree builder would do more
//! than append the element to the current node (implied end tags, `p`
//! closed by a block, misnested or stray end tags, most of tables, foreign
//! content, raw text and RCDATA elements, `select`, `template`, forms,
//! scope boundaries such as `object` and `button`), every tokenizer state
//! it does not follow (comments, declarations, unusual character
//! references, NUL, CR and other control characters, duplicate or oddly
//! written attributes, a tag open at the end of the input), every place
//! where the sanitizer looks beyond the element in hand (an unwrapped block
//! that would need a separating newline), anything near the node limit or
//! the nesting budget that it cannot settle, and every policy feature it
//! does not model (line breaks and links from text, paragraphs beyond
//! what `paragraphs.rs` follows, special tags, report spans, text-only). Where a policy escapes tags, it
//! reads the text the lexical step gives the parser.
//!
//! Where the full pipeline surely crosses a limit, the fast path answers
//! what that gives, the whole input as text, at once: an element or a
//! comment past the depth limit (the depth of every node is known here),
//! or a nesting charge past the budget by a bound the parser's own charge
//! cannot be under. Deep nesting thus costs the fast path's pass over its
//! first kilobytes, not a parse.
//!
//! `tests/fastpath.rs` and the `fastpath` fuzz target check that whenever
//! it answers, the answer is byte for byte the full pipeline's.
//!
//! A few constructs of that kind are common enough in posts to follow
//! exactly, each in a file of its own: end tags that make an element
//! (`</br>`, a stray `</p>`: `end_tags.rs`), `svg` and `math` content
//! (`foreign.rs`), an `a` that closes another and the end tag of a
//! formatting element that is not the current node (`formatting.rs`), and
//! tables of rows and cells, kept or unwrapped, with the text and void
//! elements they foster-parent (`tables.rs`). The paragraph transform it
//! applies to its output, where that is plain (`paragraphs.rs`).

use std::collections::VecDeque;

use html5ever::tendril::StrTendril;
use html5ever::{Attribute, LocalName, QualName, local_name, ns};

use crate::lexer::{self, Lexed};
use crate::nesting;
use crate::policy::{Policy, TagAction};
use crate::report::Report;
use crate::rules::{child_bits, comment_is_safe, kept_attributes, misnested, uncontained};
use crate::serialize::{escape_attr, escape_text, find_stop};
use crate::tags;

mod end_tags;
mod foreign;
mod formatting;
mod names;
mod paragraphs;
mod tables;

use names::{Names, Tag};

/// Whether the fast path can serve this policy at all: it models
/// neither the line-break and link transforms nor report spans, nor
/// forced attributes (it writes a tag without attributes as typed, where
/// the policy would add its own). (Escape mode and special tags it meets
/// on the lexical step's text, and paragraphs it applies to its output
/// where `paragraphs.rs` models them: see [`answer`].) Value lists, class
/// lists and attribute prefixes it follows: it keeps the attributes
/// `attr_allowed` keeps, and `kept_attributes` decides their values on
/// both paths.
pub(crate) fn eligible(policy: &Policy) -> bool {
    let t = &policy.transforms;
    !policy.text_only
        && !policy.report_spans
        && !t.line_breaks
        && !t.linkify
        && policy.forced.is_empty()
}

/// How much of an input the fast path cleans.
pub(crate) enum Answer<'a> {
    /// All of it: `policy.clean(input)`.
    Whole(String),
    /// The full pipeline surely crosses a limit on this input: then
    /// `policy.clean(input)` is the input shown as text.
    OverLimit,
    /// `html` is the output for `input[..rest]`; the full pipeline is to
    /// clean `input[rest..]` with what that start left of the limits (see
    /// [`Restart`]).
    Prefix {
        html: String,
        rest: usize,
        spent: Spent,
    },
    /// None of it. Where the fast path ran the lexical step, its result,
    /// for the full pipeline to read rather than make again.
    None(Option<Lexed<'a>>),
}

/// A point where the full pipeline can take over from the fast path: at
/// the top level (no element open), after text that ends in whitespace,
/// before a start tag.
///
/// There the tree builder is as at the start of a fragment: no open
/// element, so no active formatting element either (the fast path never
/// leaves one off the stack), no pending table text, the form pointer
/// null, and the tokenizer in its data state, since the byte before is
/// text. So the parse of the rest on its own makes the same nodes as the
/// parse of the whole would make there. The sanitizer sees the same too:
/// its context at the top level is empty, and the only thing it looks at
/// across the point, the sibling before an unwrapped block, is text ending
/// in whitespace, which needs no separator, as no sibling at all needs
/// none. The output written so far is final, because the node before the
/// point is that text. Joining the two outputs is the output of the whole,
/// unless the whole crosses a limit: the node count and the nesting
/// budget are the limits that add up across the point (depth is counted
/// from the top level), so the rest gets what the prefix left of them, and
/// crossing one sends the whole input to the full pipeline. The nesting
/// the rest is charged is the same either way: each token costs the depth
/// of the node last inserted into, which at the point is the top level,
/// where the full pipeline starts.
#[derive(Clone, Copy)]
struct Restart {
    at: usize,
    written: usize,
    nodes: usize,
    /// `Fast::nesting` at the point.
    nesting: usize,
}

/// What a start of an input, cleaned by the fast path, used up of the
/// limits that add up across a [`Restart`].
pub(crate) struct Spent {
    /// Nodes, at most.
    pub(crate) nodes: usize,
    /// At least what the full pipeline charges the nesting budget for the
    /// start (see `Fast::nesting`), and what a parse of its output would
    /// charge (`nesting::output_charge`).
    pub(crate) input_nesting: usize,
    pub(crate) output_nesting: usize,
}

/// How much of `input` the fast path cleans: all, a prefix, or none.
///
/// Where the lexical step may show markup as text (escape mode) or pass
/// special tags, the fast path reads the text the parser reads, the
/// lexical step's, and answers for all of it or none: a [`Restart`]'s
/// offset would be into that text, not the input. A special tag passed
/// on is for the full pipeline, which expands it.
///
/// Paragraphs from blank lines are applied to the output, where they are
/// modelled (`paragraphs.rs`). Whether the top level is paragraphed
/// depends on all of its text, so there is no answer for a prefix then.
pub(crate) fn answer<'a>(policy: &Policy, input: &'a str) -> Answer<'a> {
    if !eligible(policy) || input.len() > policy.limits.max_input_bytes {
        return Answer::None(None);
    }
    let paragraphs = policy.transforms.paragraphs && policy.is_kept(&local_name!("p"));
    let lexed = (policy.escape_mode || policy.transforms.special_tags.is_some())
        .then(|| lexer::lex(input, policy));
    if lexed.as_ref().is_some_and(|l| l.specials > 0) {
        return Answer::None(lexed);
    }
    let text = lexed.as_ref().map(Lexed::text);
    let mut fast = Fast::new(
        policy,
        text.as_deref().unwrap_or(input),
        input.len(),
        paragraphs,
    );
    if let Some(html) = fast.finish(input.len()) {
        return Answer::Whole(html);
    }
    // Past a limit the parse of the whole input fails, with a start
    // cleaned here or not.
    if fast.over_limit {
        return Answer::OverLimit;
    }
    match fast.restart {
        Some(r) if !paragraphs && lexed.is_none() => {
            let mut html = fast.out;
            html.truncate(r.written);
            Answer::Prefix {
                spent: Spent {
                    nodes: r.nodes,
                    input_nesting: r.nesting,
                    output_nesting: nesting::output_charge(&html),
                },
                html,
                rest: r.at,
            }
        }
        _ => Answer::None(lexed),
    }
}

impl<'a> Fast<'a> {
    /// Ready to read `text`, the parser's input for an input of
    /// `input_len` bytes (from which the nesting budget is reckoned).
    fn new(policy: &'a Policy, text: &'a str, input_len: usize, paragraphs: bool) -> Fast<'a> {
        Fast {
            policy,
            input: text,
            bytes: text.as_bytes(),
            pos: 0,
            ends: lexer::Ends::new(),
            out: String::with_capacity(text.len()),
            open: Vec::new(),
            levels: vec![Sibling::None],
            nodes: 0,
            // The count is an upper bound on the parser's (one per
            // element, comment and text run, whether or not the parser
            // merges the run); the margin leaves the last stretch before
            // the limit to the full pipeline all the same. A margin of
            // half the limit made a post of 100 000 elements scan to its
            // end and then go through the full pipeline anyway.
            max_nodes: policy.limits.max_nodes - policy.limits.max_nodes / 64,
            max_depth: policy.limits.max_depth,
            over_limit: false,
            fostering: false,
            pre_first: false,
            restart: None,
            attrs: Vec::new(),
            nesting: 0,
            last_insertion: 1,
            over_budget: false,
            least_nesting: 0,
            // The first token pays the depth of the fragment's root
            // (a fuzz finding: not 1).
            least_insertion: 0,
            unclosed: None,
            unclosed_from: UNCLOSED_DEPTH,
            max_levels: 1,
            max_nesting: policy.limits.nesting_budget(input_len),
            fosters: Vec::new(),
            names: Names::new(),
            pending: Vec::new(),
            paragraphs,
            table_action: tables::structure_action(policy),
        }
    }

    /// Reads it all: the output, if the full pipeline's is the same.
    fn finish(&mut self, input_len: usize) -> Option<String> {
        self.run()?;
        if self.over_limit || self.over_budget {
            return None;
        }
        // `run` keeps to the input's nesting budget; the output must keep
        // to its own (see `nesting`), as in the full pipeline.
        if self.paragraphs {
            let out = std::mem::take(&mut self.out);
            self.out = paragraphs::apply(out, self.max_levels, self.max_depth)?;
            // A run of inline content may now be in a `p`.
            self.max_levels += 1;
        }
        nesting::Nesting::whole(&self.policy.limits, input_len)
            .check_output(&self.out, &self.policy.limits, self.max_levels)
            .ok()?;
        Some(std::mem::take(&mut self.out))
    }
}

/// The depth of nesting from which the fast path keeps the parser's list
/// of start tags not yet closed (`Fast::unclosed`): deep enough that
/// posts never pay for it, shallow enough that a run of stray end tags in
/// deep nesting is found past the nesting budget well before its end.
const UNCLOSED_DEPTH: usize = 32;

/// How the tree builder ("in body") treats a start tag, for the tags the
/// fast path handles.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Closes an open `p` first (`div`, `ul`, `blockquote`, …).
    Block,
    /// `h1`–`h6`: also closes a heading that is the current node.
    Heading,
    /// `pre`: also drops a newline right after the start tag.
    Pre,
    /// `li`, `dd`, `dt`: also close an open item of their kind.
    Item,
    /// Goes on the list of active formatting elements (`a`, `b`, …).
    Formatting,
    /// Inserted and popped at once (`br`, `img`, …).
    Void,
    /// "Any other start tag": inserted, nothing else.
    Other,
    /// Raw text or RCDATA (`script`, `style`, `textarea`, …): read to
    /// its end tag.
    RawText,
    /// `svg` and `math`: foreign content, handled only where it is
    /// removed whole (`foreign.rs`).
    Foreign,
    /// `table` (`tables.rs`).
    Table,
    /// `tbody`, `thead`, `tfoot`, `tr`, `td`, `th`: table structure,
    /// handled by the table insertion modes (`tables.rs`).
    TablePart,
}

/// The kind of a start tag, or `None` for tags the fast path leaves to
/// the full pipeline: every tag with a rule of its own in the "in body"
/// insertion mode that is not modelled here (table captions and columns, forms,
/// `select`, scope boundaries and markers, ruby parts,
/// `template`, head elements), and the two tags on which html5ever 0.40's
/// special set and the standard's differ (see `tags::is_special`): `search`,
/// special only in the standard, and `isindex`, special only in html5ever
/// (it stops an `li`'s search for an open `li`, an adoption agency run and
/// any other end tag): not worth modelling here.
fn kind(name: &LocalName) -> Option<Kind> {
    Some(match *name {
        local_name!("h1")
        | local_name!("h2")
        | local_name!("h3")
        | local_name!("h4")
        | local_name!("h5")
        | local_name!("h6") => Kind::Heading,
        local_name!("pre") => Kind::Pre,
        local_name!("li") | local_name!("dd") | local_name!("dt") => Kind::Item,
        local_name!("a")
        | local_name!("b")
        | local_name!("big")
        | local_name!("code")
        | local_name!("em")
        | local_name!("font")
        | local_name!("i")
        | local_name!("s")
        | local_name!("small")
        | local_name!("strike")
        | local_name!("strong")
        | local_name!("tt")
        | local_name!("u")
        // Closed first if one is in scope, which `misnested` sends to the
        // full pipeline.
        | local_name!("nobr") => Kind::Formatting,
        local_name!("script")
        | local_name!("style")
        | local_name!("xmp")
        | local_name!("iframe")
        | local_name!("noembed")
        | local_name!("noframes")
        | local_name!("noscript")
        | local_name!("textarea")
        | local_name!("title") => Kind::RawText,
        local_name!("svg") | local_name!("math") => Kind::Foreign,
        local_name!("table") => Kind::Table,
        local_name!("tbody")
        | local_name!("thead")
        | local_name!("tfoot")
        | local_name!("tr")
        | local_name!("td")
        | local_name!("th") => Kind::TablePart,
        // `base`, `basefont`, `bgsound`, `link` and `meta` by the "in
        // head" rules, which insert and pop them just the same.
        local_name!("area")
        | local_name!("base")
        | local_name!("basefont")
        | local_name!("bgsound")
        | local_name!("link")
        | local_name!("meta")
        | local_name!("br")
        | local_name!("embed")
        | local_name!("hr")
        | local_name!("img")
        | local_name!("input")
        | local_name!("param")
        | local_name!("source")
        | local_name!("track")
        | local_name!("wbr") => Kind::Void,
        local_name!("applet")
        | local_name!("body")
        | local_name!("caption")
        | local_name!("col")
        | local_name!("colgroup")
        | local_name!("frame")
        | local_name!("frameset")
        | local_name!("head")
        | local_name!("html")
        | local_name!("image")
        | local_name!("isindex")
        | local_name!("keygen")
        | local_name!("listing")
        | local_name!("marquee")
        | local_name!("object")
        | local_name!("optgroup")
        | local_name!("option")
        | local_name!("plaintext")
        | local_name!("rb")
        | local_name!("rp")
        | local_name!("rt")
        | local_name!("rtc")
        | local_name!("search")
        | local_name!("select")
        | local_name!("template") => return None,
        // Every other tag that closes an open `p` (`div`, `ul`, `form`, …;
        // those with rules of their own are matched above). A `form`
        // is ignored while another is open (the form element pointer),
        // which `misnested` sends to the full pipeline.
        _ if tags::closes_p(name) => Kind::Block,
        // The serializer writes no end tag for these; the tree builder
        // must agree, and it does only for the ones listed above.
        _ if tags::is_void(name) => return None,
        // Also "any other" here: an open button, which it would close,
        // is caught by `misnested`.
        _ => Kind::Other,
    })
}

/// Whether start tag `name`, with `current` as the current node, makes the
/// tree builder close `current` and only it: a `p` before anything that
/// closes a `p`, an `li` before an `li`, a `dd` or `dt` before either, a
/// heading before a heading. (`li`, `dd` and `dt` also close a `p` as
/// current node, and an item below it next; one at a time, that is the
/// same.)
fn closes_current(current: &LocalName, name: &LocalName) -> bool {
    match *current {
        local_name!("p") => tags::closes_p(name),
        local_name!("li") => *name == local_name!("li"),
        local_name!("dd") | local_name!("dt") => {
            matches!(*name, local_name!("dd") | local_name!("dt"))
        }
        _ => tags::is_heading(current) && tags::is_heading(name),
    }
}

/// What the sanitizer does with element `name`, with `parent` as the
/// current node (`None`: nothing open): the policy's `action`, but a kept
/// element that the sanitizer finds misnested among the kept ones is
/// unwrapped, and anything in a removed element goes with it.
fn fate(parent: Option<&Open>, name: &LocalName, action: TagAction) -> Option<Fate> {
    let (kept_bits, kept_name) = match parent {
        Some(o) if o.fate == Fate::Hidden => return Some(Fate::Hidden),
        Some(o) => (o.kept_bits, &o.kept_name),
        None => (0, &HTML),
    };
    match action {
        TagAction::Keep
            if !misnested(kept_bits, kept_name, name) && !uncontained(kept_bits, name) =>
        {
            Some(Fate::Kept)
        }
        TagAction::Keep | TagAction::Unwrap => Some(Fate::Unwrapped),
        TagAction::Drop => Some(Fate::Hidden),
        TagAction::Escape => None,
    }
}

/// How a start tag was written, where that matters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Written {
    /// `<name>` with the name in lower case: what the output writes for
    /// it when it is kept.
    Bare,
    /// Ending in `/>`.
    SelfClosing,
    /// Anything else, or made by the tree builder.
    Other,
}

/// The name of the fragment's context element, the parent of the root's
/// children.
const HTML: LocalName = local_name!("html");

/// What becomes of an open element in the output.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Written with its allowed attributes.
    Kept,
    /// Tag removed, content kept.
    Unwrapped,
    /// Removed with its content (or inside such an element).
    Hidden,
}

/// An element on the stack of open elements.
struct Open {
    name: LocalName,
    /// The parser's state bits inside it (see `rules::child_bits`),
    /// over every open element.
    parse_bits: u16,
    fate: Fate,
    /// The sanitizer's view: the bits and name of the nearest kept
    /// element at or above this one, which is the parent its kept
    /// children will have in the cleaned tree.
    kept_bits: u16,
    kept_name: LocalName,
    /// Its last child in the parsed tree, which the sanitizer looks at
    /// when it unwraps a block.
    last_child: Sibling,
}

/// A node beside an unwrapped block, as the sanitizer sees it when it
/// decides whether to put a newline there (`needs_separator`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sibling {
    /// No node.
    None,
    /// Text; whether it ends (or, after the block, starts) with
    /// whitespace.
    Text(bool),
    /// An element or a comment.
    Node,
}

impl Sibling {
    /// Whether an unwrapped block beside this node needs a newline to keep
    /// its words apart from it (`sanitize::Sanitizer::needs_separator`).
    fn needs_separator(self) -> bool {
        match self {
            Sibling::None => false,
            Sibling::Text(space) => !space,
            Sibling::Node => true,
        }
    }

    fn text(edge: u8) -> Sibling {
        Sibling::Text(edge.is_ascii_whitespace())
    }
}

struct Fast<'a> {
    policy: &'a Policy,
    input: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The scans for comment and declaration ends so far.
    ends: lexer::Ends,
    out: String,
    open: Vec<Open>,
    /// For the root and each open kept element, the last node written
    /// into it: the previous sibling of what comes next in the cleaned
    /// tree.
    levels: Vec<Sibling>,
    /// An upper bound on the nodes the parser would make so far.
    nodes: usize,
    /// Well inside the policy's limits: near one, the full pipeline
    /// decides.
    max_nodes: usize,
    /// The policy's depth limit, which the fast path follows exactly: the
    /// depth of each element in the parser's tree is known here.
    max_depth: usize,
    /// Set where the full pipeline surely crosses a limit, and so shows
    /// the whole input as text: the parser would insert an element past
    /// `max_depth`, or `least_nesting` is past the nesting budget.
    over_limit: bool,
    /// While writing what a table foster-parents, which the parser puts
    /// beside the table, not as deep as the open elements.
    fostering: bool,
    /// Just after a kept `<pre>`, at a start tag: the serializer's extra
    /// newline is not needed if that element is kept (it is `pre`'s first
    /// child), and not known otherwise.
    pre_first: bool,
    /// The last point where the full pipeline could take over.
    restart: Option<Restart>,
    /// The attributes of the start tag being read (see `start_tag`).
    attrs: Vec<RawAttr>,
    /// At least what the full pipeline charges the nesting budget for the
    /// tokens read so far (see `charge`), and the budget.
    nesting: usize,
    max_nesting: usize,
    /// At least the depth of the node the parser last inserted into: what
    /// the next token costs, unless more are open now.
    last_insertion: usize,
    /// Set once `nesting` is past the budget: there is no answer then,
    /// but the reading goes on while `least_nesting` may yet cross it.
    over_budget: bool,
    /// At most what the full pipeline charges the nesting budget for the
    /// tokens read so far (an end tag 1, any other token at most the
    /// depth of the node the parser last inserted into), and at most that
    /// depth now (see `charge_token`).
    least_nesting: usize,
    least_insertion: usize,
    /// The last start tags not yet closed, as the parser's charge keeps
    /// them (`parse::Tokens::unclosed`): an end tag that closes the last
    /// costs 1, any other its insertion depth. Only where the nesting is
    /// deep, where that matters (see `note_unclosed`); `None` elsewhere.
    unclosed: Option<VecDeque<LocalName>>,
    /// [`UNCLOSED_DEPTH`] until the list is kept, 0 from then on.
    unclosed_from: usize,
    /// The most `levels` so far: the deepest the output nests, plus one.
    max_levels: usize,
    /// For each open table, what the parser foster-parents out of it.
    fosters: Vec<tables::Foster>,
    /// The start tag names met so far.
    names: Names,
    /// Formatting elements that the adoption agency closed but left on
    /// the list of active formatting elements (`formatting.rs`).
    pending: Vec<LocalName>,
    /// Whether the policy makes paragraphs from blank lines, which the
    /// fast path applies to its output where it models them
    /// (`paragraphs.rs`).
    paragraphs: bool,
    /// What the policy does with the whole of a table's structure (see
    /// `tables.rs`): keep or unwrap it; `None` for anything else.
    table_action: Option<TagAction>,
}

/// Bytes that end a run of plain text: markup, character references, and
/// every byte the fast path leaves to the full pipeline or must look at
/// more closely (`0xC2` may start a C1 control, `0xEF` a noncharacter).
const fn text_stops() -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = !matches!(b, 0x09 | 0x0A | 0x0C);
        b += 1;
    }
    // CR stops a run to be read as LF.
    t[b'<' as usize] = true;
    t[b'&' as usize] = true;
    t[0x7F] = true;
    t[0xC2] = true;
    t[0xEF] = true;
    t
}

static TEXT_STOPS: [bool; 256] = text_stops();

/// `TEXT_STOPS` and `>`, the one other byte `escape_text` rewrites: where
/// a run of text to copy to the output ends.
const fn text_out_stops() -> [bool; 256] {
    let mut t = text_stops();
    t[b'>' as usize] = true;
    t
}

static TEXT_OUT_STOPS: [bool; 256] = text_out_stops();

/// The first byte of `bytes` in `TEXT_OUT_STOPS`.
fn find_text_stop(bytes: &[u8]) -> Option<usize> {
    find_stop::<false>(bytes, &TEXT_OUT_STOPS)
}

/// The tokenizer's whitespace (CR is LF to it).
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// The length of the line break at `bytes[0]`, a CR: the tokenizer reads
/// CR LF, and a CR alone, as one LF.
fn cr_len(bytes: &[u8]) -> usize {
    if bytes.get(1) == Some(&b'\n') { 2 } else { 1 }
}

/// Whether the character starting at `bytes[0]` (one of the stops other
/// than `<` and `&`) is ordinary text: U+00A0 and the like pass, C1
/// controls and noncharacters do not.
fn ordinary_stop(bytes: &[u8]) -> bool {
    match bytes {
        [0xC2, next, ..] => !(0x80..=0x9F).contains(next),
        [0xEF, 0xB7, next, ..] => !(0x90..=0xAF).contains(next),
        [0xEF, 0xBF, next, ..] => !matches!(next, 0xBE | 0xBF),
        [0xEF, ..] => true,
        _ => false,
    }
}

/// A numeric character reference's value, if the tokenizer would take it
/// as that character without replacing it (no NUL, CR, surrogate, C1 or
/// other control, noncharacter).
fn plain_char(n: u32) -> Option<char> {
    let ok = matches!(n, 0x09 | 0x0A | 0x0C | 0x20..=0x7E | 0xA0..=0xFDCF | 0xFDF0..=0x10_FFFF)
        && n & 0xFFFE != 0xFFFE;
    if ok { char::from_u32(n) } else { None }
}

impl Fast<'_> {
    fn run(&mut self) -> Option<()> {
        // Text right after text joins the same node in the parser's tree
        // (the sink merges adjacent text), so only the first of a run of
        // text and stray `<` counts toward the node limit: a megabyte of
        // `<` is one node, not a million.
        let mut after_text = false;
        while let Some(&b) = self.bytes.get(self.pos) {
            let was_text = std::mem::replace(&mut after_text, false);
            // While the adoption agency has left elements pending, only
            // their end tags are followed: any other token would make
            // them again.
            if !self.pending.is_empty() {
                self.charge(1)?;
                self.close_pending()?;
                self.inserted(false);
                continue;
            }
            // Whether the token surely went into the current node: text
            // and comments do; a tag may have inserted nothing, or deeper
            // (see `charge`).
            let mut surely = false;
            if b == b'<' {
                match self.bytes.get(self.pos + 1) {
                    // A comment or declaration that never ends: the
                    // lexical step makes its `<` text, as a stray one.
                    _ if self.never_ends() => {
                        if self.in_table_context() {
                            return None;
                        }
                        self.stray_lt(was_text)?;
                        after_text = true;
                        surely = true;
                    }
                    Some(c) if c.is_ascii_alphabetic() => {
                        self.note_restart();
                        self.charge_token()?;
                        self.start_tag()?;
                    }
                    // End tags, comments, declarations: `</` before a
                    // letter is handled, the rest is left to the parser.
                    Some(b'/') => {
                        self.charge(1)?;
                        self.end_tag()?;
                    }
                    Some(b'!') if self.input[self.pos..].starts_with("<!--") => {
                        self.charge_token()?;
                        self.comment()?;
                        surely = true;
                    }
                    Some(b'!') if self.is_doctype() => {
                        self.charge_token()?;
                        self.doctype()?;
                    }
                    Some(b'!' | b'?') => {
                        self.charge_token()?;
                        self.bogus_comment()?;
                        surely = true;
                    }
                    // A `<` before anything else is text (which a table
                    // would foster-parent with the text after it).
                    _ if self.in_table_context() => return None,
                    _ => {
                        self.stray_lt(was_text)?;
                        after_text = true;
                        surely = true;
                    }
                }
            } else {
                if !was_text {
                    self.count_node()?;
                    self.charge_token()?;
                }
                // Text in a table context goes in only when the next token
                // comes, which the parser charges first: that token pays
                // the depth of the insertion before the text.
                surely = !self.in_table_context();
                if surely {
                    self.text()?;
                } else {
                    // It may be foster-parented, not as deep.
                    self.table_text()?;
                    self.least_insertion = 1;
                }
                after_text = true;
            }
            self.inserted(surely);
        }
        // The end of the input.
        self.charge(1)?;
        self.close_all();
        Some(())
    }

    /// A `<` that is text at `self.pos`, and any run of `<` after it.
    fn stray_lt(&mut self, was_text: bool) -> Option<()> {
        if !was_text {
            self.count_node()?;
            self.charge_token()?;
        }
        // Each `<` before another is text too: a run of them is written
        // at once, but for the last, which the next round reads with what
        // follows it.
        let run = self.bytes[self.pos..]
            .iter()
            .take_while(|&&b| b == b'<')
            .count();
        let text = run.saturating_sub(1).max(1);
        if !self.hidden() {
            // As `escape_text` writes each.
            self.out.reserve(text * 4);
            for _ in 0..text {
                self.out.push_str("&lt;");
            }
        }
        self.note_text(b'<');
        self.pos += text;
        Some(())
    }

    /// Whether a comment (`<!--`) or declaration (`<!`, `<?`, `</` not
    /// before a letter or `>`) starts at `self.pos` and never ends; the
    /// lexical step shows its `<` as text. (Giving up on it instead sent
    /// `<?` repeated, and the like, to the full pipeline, at many times
    /// the corpus's cost per byte.)
    fn never_ends(&mut self) -> bool {
        let at = self.pos;
        match self.bytes.get(at + 1) {
            Some(b'!') if self.input[at..].starts_with("<!--") => {
                self.ends.comment_len(self.bytes, at + 4).is_none()
            }
            Some(b'!' | b'?') => self.ends.next_gt(self.bytes, at).is_none(),
            Some(b'/') => match self.bytes.get(at + 2) {
                Some(c) if c.is_ascii_alphabetic() || *c == b'>' => false,
                _ => self.ends.next_gt(self.bytes, at).is_none(),
            },
            _ => false,
        }
    }

    /// Charges `tokens` tokens at what each can cost at most: the depth of
    /// the node last inserted into, or, if more are open now, the depth
    /// the next insertion can have. That is also at least what the token
    /// costs the fast path (an end tag's look through the open elements).
    /// Past the budget, which the full pipeline would cross too, or might,
    /// the fast path has no answer (see `past_budget`).
    fn charge(&mut self, tokens: usize) -> Option<()> {
        self.charge_inside(tokens, 0)
    }

    /// [`Fast::charge`] for one token that is not an end tag, which the
    /// parser charges the depth of its last insertion: at least
    /// `least_insertion`, toward `least_nesting` too.
    fn charge_token(&mut self) -> Option<()> {
        self.least_nesting = self.least_nesting.saturating_add(self.least_insertion);
        self.charge_inside(1, 0)
    }

    /// [`Fast::charge`] for tokens inside `inner` more open elements than
    /// the fast path's (foreign ones), which they may go into.
    fn charge_inside(&mut self, tokens: usize, inner: usize) -> Option<()> {
        let deepest = self.open.len() + inner + 2;
        let cost = self.last_insertion.max(deepest);
        self.last_insertion = cost;
        self.nesting = self.nesting.saturating_add(cost.saturating_mul(tokens));
        if self.nesting > self.max_nesting {
            return self.past_budget();
        }
        Some(())
    }

    /// Past the budget at most: no answer, unless `least_nesting` is past
    /// it too, where the full pipeline surely is (`over_limit`). Each
    /// token charges no more there than here, so it is only looked at
    /// here. Where the two bounds part (end tags that close nothing, in
    /// deep nesting), the lower is not going to cross soon: past twice
    /// the budget, reading on would only cost time.
    #[cold]
    fn past_budget(&mut self) -> Option<()> {
        self.over_budget = true;
        if self.least_nesting > self.max_nesting {
            self.over_limit = true;
            return None;
        }
        (self.nesting / 2 <= self.max_nesting).then_some(())
    }

    /// Start tag `name` read, once the nesting is [`UNCLOSED_DEPTH`] deep
    /// or more: on top of the parser's list of start tags not yet closed.
    /// The list here is the top of that one, from the first start tag
    /// noted on: each tag pushed or popped there since then is pushed or
    /// popped here too, and whatever is below is not known. (The oldest
    /// goes first from both, at the same length, once this is all of the
    /// parser's.) Shallow nesting costs little, so most input keeps none.
    fn note_unclosed(&mut self, name: &LocalName) {
        if tags::is_void(name) {
            return;
        }
        let max = 2 * self.policy.limits.max_depth;
        self.unclosed_from = 0;
        let unclosed = self.unclosed.get_or_insert_with(VecDeque::new);
        if unclosed.len() >= max {
            unclosed.pop_front();
        }
        unclosed.push_back(name.clone());
    }

    /// End tag `name` read (`charge` has seen it): charges it toward
    /// `least_nesting`, 1 if it may close the last start tag not yet
    /// closed, else at least `least_insertion`. With no list kept, or
    /// nothing left in it, the last is not known: the lesser of the two.
    fn charge_end_tag(&mut self, name: &str) -> Option<()> {
        let cost = match &mut self.unclosed {
            Some(unclosed) => match unclosed.back() {
                Some(last) if str::eq_ignore_ascii_case(last, name) => {
                    unclosed.pop_back();
                    1
                }
                Some(_) => self.least_insertion,
                None => self.least_insertion.min(1),
            },
            None => self.least_insertion.min(1),
        };
        self.least_nesting = self.least_nesting.saturating_add(cost);
        if self.over_budget && self.least_nesting > self.max_nesting {
            self.over_limit = true;
            return None;
        }
        Some(())
    }

    /// After a token, which `surely` inserted a node into the current
    /// node (text, a comment), or may have inserted one into it or any
    /// element it closed (a tag: `charge` saw those open; raw text and
    /// foreign content charge themselves).
    fn inserted(&mut self, surely: bool) {
        if surely {
            self.least_insertion = self.open.len() + 1;
        }
        let bound = self.open.len() + 2;
        self.last_insertion = if surely {
            bound
        } else {
            self.last_insertion.max(bound)
        };
    }

    /// Before a start tag: notes a [`Restart`] here if this is one.
    fn note_restart(&mut self) {
        if !self.open.is_empty() || self.over_budget {
            return;
        }
        let after_space = self
            .pos
            .checked_sub(1)
            .and_then(|k| self.bytes.get(k))
            .is_some_and(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0c'));
        if after_space && !self.pre_first && self.levels[..] == [Sibling::Text(true)] {
            self.restart = Some(Restart {
                at: self.pos,
                written: self.out.len(),
                nodes: self.nodes,
                nesting: self.nesting,
            });
        }
    }

    /// The open element below the current node.
    fn parent_of_current(&self) -> Option<&Open> {
        self.open
            .len()
            .checked_sub(2)
            .and_then(|k| self.open.get(k))
    }

    fn hidden(&self) -> bool {
        self.open.last().is_some_and(|o| o.fate == Fate::Hidden)
    }

    fn write_text(&mut self, text: &str) {
        if !self.hidden() {
            escape_text(text, &mut self.out);
        }
    }

    /// Text ending in `last` was added to the current node (and, unless
    /// hidden, to the current output level).
    fn note_text(&mut self, last: u8) {
        let hidden = self.hidden();
        if let Some(open) = self.open.last_mut() {
            open.last_child = Sibling::text(last);
        }
        if !hidden && let Some(level) = self.levels.last_mut() {
            *level = Sibling::text(last);
        }
    }

    /// An element or comment was added to the current node; `written`:
    /// and to the output, at the current level.
    fn note_node(&mut self, written: bool) {
        if let Some(open) = self.open.last_mut() {
            open.last_child = Sibling::Node;
        }
        if written && let Some(level) = self.levels.last_mut() {
            *level = Sibling::Node;
        }
    }

    /// Writes the newline the sanitizer puts beside an unwrapped block.
    fn separator(&mut self) {
        self.out.push('\n');
        if let Some(level) = self.levels.last_mut() {
            *level = Sibling::Text(true);
        }
    }

    fn level(&self) -> Sibling {
        self.levels.last().copied().unwrap_or(Sibling::None)
    }

    /// Before an element or a comment is made in the current node (or
    /// beside a table): past the depth limit, where the parser checks
    /// both (not text), the full pipeline shows the input as text. (The
    /// fragment's root is the first level, so the open elements' count is
    /// the new node's depth less one.)
    fn fits_a_node(&mut self) -> Option<()> {
        if self.open.len() >= self.max_depth {
            self.over_limit = !self.fostering;
            return None;
        }
        Some(())
    }

    /// Counts one more node (element or text run) toward the node limit.
    fn count_node(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes < self.max_nodes).then_some(())
    }

    /// A run of text up to the next `<`, with its character references.
    fn text(&mut self) -> Option<()> {
        self.pos = self.text_until(self.pos..self.bytes.len(), true, true)?;
        Some(())
    }

    /// The text in `span` (where `<` is text), with its character
    /// references if `refs` (not in raw text), escaped as `escape_text`
    /// would in the same pass: every byte that function rewrites is a stop
    /// here, so the runs between stops are copied as they are.
    fn text_span(&mut self, span: std::ops::Range<usize>, refs: bool) -> Option<()> {
        self.text_until(span, refs, false).map(|_| ())
    }

    /// `text_span`, but with `lt_ends` the text ends at the first `<` (in
    /// the same scan, rather than a search for it first); where it ended.
    fn text_until(
        &mut self,
        span: std::ops::Range<usize>,
        refs: bool,
        lt_ends: bool,
    ) -> Option<usize> {
        let input = self.input;
        let bytes = self.bytes;
        let write = !self.hidden();
        let mut start = span.start;
        let mut i = span.start;
        let mut last = None;
        let mut end = span.end.min(bytes.len());
        while let Some(k) = find_text_stop(&bytes[i..end]) {
            i += k;
            let (escaped, len) = match bytes[i] {
                b'<' if lt_ends => {
                    end = i;
                    break;
                }
                // Text in raw text and RCDATA.
                b'<' => ("&lt;", 1),
                b'>' => ("&gt;", 1),
                b'&' if !refs => ("&amp;", 1),
                b'&' => {
                    let (decoded, next) = self.char_ref(i, false)?;
                    let text = match &decoded {
                        Some(d) => d.as_str(),
                        None => "&",
                    };
                    if write {
                        self.out.push_str(&input[start..i]);
                        escape_text(text, &mut self.out);
                    }
                    last = text.bytes().last().or(last);
                    i = next;
                    start = i;
                    continue;
                }
                b'\r' => ("\n", cr_len(&bytes[i..])),
                0xC2 if bytes.get(i + 1) == Some(&0xA0) => ("&nbsp;", 2),
                0xEF if bytes.get(i + 1..i + 3) == Some(&[0xBB, 0xBF]) => ("&#xFEFF;", 3),
                _ if ordinary_stop(&bytes[i..]) => {
                    i += 1;
                    continue;
                }
                _ => return None,
            };
            if write {
                self.out.push_str(&input[start..i]);
                self.out.push_str(escaped);
            }
            // What the tree gets: LF for a line break, the character
            // itself otherwise.
            last = Some(if bytes[i] == b'\r' {
                b'\n'
            } else {
                bytes[i + len - 1]
            });
            i += len;
            start = i;
        }
        if write {
            self.out.push_str(&input[start..end]);
        }
        if end > start {
            last = Some(bytes[end - 1]);
        }
        if let Some(last) = last {
            self.note_text(last);
        }
        Some(end)
    }

    /// The character reference at `amp` (an `&`): the text it stands for
    /// (`None`: a literal `&`) and where the text resumes. Named references
    /// are read as the tokenizer reads them; numeric ones only in the form
    /// `&#…;` for a plain character. `in_attr`: inside an attribute value.
    fn char_ref(&self, amp: usize, in_attr: bool) -> Option<(Option<Decoded>, usize)> {
        let rest = &self.bytes[amp + 1..];
        match rest.first() {
            Some(b'#') => {
                let (hex, digits_at) = match rest.get(1) {
                    Some(b'x' | b'X') => (true, 2),
                    _ => (false, 1),
                };
                let digits = rest[digits_at..]
                    .iter()
                    .take_while(|b| {
                        if hex {
                            b.is_ascii_hexdigit()
                        } else {
                            b.is_ascii_digit()
                        }
                    })
                    .count();
                if digits == 0 || digits > 7 || rest.get(digits_at + digits) != Some(&b';') {
                    return None;
                }
                let start = amp + 1 + digits_at;
                let text = self.input.get(start..start + digits)?;
                let n = u32::from_str_radix(text, if hex { 16 } else { 10 }).ok()?;
                let c = plain_char(n)?;
                Some((Some(Decoded::one(c)), start + digits + 1))
            }
            Some(b) if b.is_ascii_alphanumeric() => self.named_ref(amp, in_attr),
            // `&` before anything else is an `&`.
            _ => Some((None, amp + 1)),
        }
    }

    /// A named reference at `amp` (`&` and a letter or digit), as
    /// html5ever's tokenizer reads it: the longest name in the table that
    /// the text starts with, extended one character at a time while the
    /// text so far is still a prefix of some name. No name: a literal
    /// `&`. A name without its `;` in an attribute value, followed by `=`
    /// or a letter or digit, is also literal (`?a=1&copy=2` keeps its
    /// text).
    fn named_ref(&self, amp: usize, in_attr: bool) -> Option<(Option<Decoded>, usize)> {
        let literal = Some((None, amp + 1));
        // The common `&name;` in one lookup: the walk below gets to the
        // same entry, since every prefix of a name is in the table too.
        // (No name is longer than 32 bytes with its `;`.)
        let run = self.bytes[amp + 1..]
            .iter()
            .take(32)
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if self.bytes.get(amp + 1 + run) == Some(&b';')
            && let Some(key) = self.input.get(amp + 1..amp + 2 + run)
            && let Some(&(c1, c2)) = html5ever::data::NAMED_ENTITIES.get(key)
            && c1 != 0
        {
            return Some((Some(Decoded::pair(c1, c2)?), amp + 2 + run));
        }
        let mut best = None;
        let mut len = 0;
        while let Some(&b) = self.bytes.get(amp + 1 + len) {
            if !(b.is_ascii_alphanumeric() || b == b';') {
                break;
            }
            len += 1;
            // ASCII only, so the slice is on character boundaries.
            let key = self.input.get(amp + 1..amp + 1 + len)?;
            match html5ever::data::NAMED_ENTITIES.get(key) {
                None => break,
                Some(&(c1, c2)) if c1 != 0 => best = Some((len, c1, c2)),
                Some(_) => {}
            }
            if b == b';' {
                break;
            }
        }
        let Some((len, c1, c2)) = best else {
            return literal;
        };
        let end = amp + 1 + len;
        if in_attr
            && self.bytes.get(end - 1) != Some(&b';')
            && self
                .bytes
                .get(end)
                .is_some_and(|&b| b == b'=' || b.is_ascii_alphanumeric())
        {
            return literal;
        }
        Some((Some(Decoded::pair(c1, c2)?), end))
    }

    /// A start tag at `self.pos` (`<` and a letter).
    fn start_tag(&mut self) -> Option<()> {
        // One list for every tag's attributes, not one allocation each.
        let mut attrs = std::mem::take(&mut self.attrs);
        attrs.clear();
        let done = self.start_tag_with(&mut attrs);
        self.attrs = attrs;
        done
    }

    fn start_tag_with(&mut self, attrs: &mut Vec<RawAttr>) -> Option<()> {
        let scanned = self.scan_start_tag(attrs)?;
        let tag = self
            .names
            .get(self.policy, &self.input[scanned.name.clone()]);
        if self.open.len() >= self.unclosed_from {
            self.note_unclosed(&tag.name);
        }
        let written = if scanned.self_closing {
            Written::SelfClosing
        } else if tag.as_written && scanned.name.end + 1 == scanned.end {
            Written::Bare
        } else {
            Written::Other
        };
        self.insert_start_tag(tag, attrs, written, scanned.end)
    }

    /// The start tag `name` with `attrs`, ending at `end`: read at
    /// `self.pos`, or made by the tree builder from an end tag (as for
    /// `</br>` and a stray `</p>`).
    fn insert_start_tag(
        &mut self,
        tag: Tag,
        attrs: &[RawAttr],
        written: Written,
        end: usize,
    ) -> Option<()> {
        // (All three have no kind: the test is skipped for the tags that
        // have one.)
        if tag.kind.is_none()
            && matches!(
                tag.name,
                local_name!("html") | local_name!("head") | local_name!("body")
            )
        {
            // In a fragment the tree builder ignores these (`html` adds
            // its attributes to the fragment's root, which is never
            // written). Right after a kept `pre` that leaves its first
            // child, which decides the serializer's extra newline, still to
            // come.
            if self.pre_first {
                return None;
            }
            self.pos = end;
            return Some(());
        }
        // A self-closing flag matters only to void and foreign elements:
        // on any other HTML element it is an error the tree builder
        // ignores (`<a/>` opens an `a`).
        let kind = tag.kind?;
        if (self.in_table() || matches!(kind, Kind::Table | Kind::TablePart))
            && let Some(done) = self.table_start_tag(&tag, kind, attrs, written, end)
        {
            return done;
        }
        self.insert_in_body(tag, attrs, written, end)
    }

    /// [`Fast::insert_start_tag`] by the "in body" rules (which, in a
    /// table, apply to what it foster-parents, and in its cells).
    fn insert_in_body(
        &mut self,
        tag: Tag,
        attrs: &[RawAttr],
        written: Written,
        end: usize,
    ) -> Option<()> {
        let Tag {
            name, kind, action, ..
        } = tag;
        let kind = kind?;
        self.close_open_a(&name)?;
        self.implied_end_tags(&name)?;
        // Whatever its fate, the parser makes the element.
        self.fits_a_node()?;
        self.count_node()?;
        // One look at the current node, for the parser's state and the
        // sanitizer's.
        let (parse_bits, fate, parent_kept_bits, parent_kept_name) = match self.open.last() {
            Some(o) => (
                o.parse_bits,
                fate(Some(o), &name, action)?,
                o.kept_bits,
                o.kept_name.clone(),
            ),
            None => (0, fate(None, &name, action)?, 0, HTML),
        };
        if std::mem::take(&mut self.pre_first) && fate != Fate::Kept {
            return None;
        }
        if matches!(kind, Kind::Table | Kind::TablePart) && !self.follows_structure(fate) {
            return None;
        }
        let separate = fate == Fate::Unwrapped && tags::breaks_line(&name);
        let at = self.out.len();
        if separate && self.level().needs_separator() {
            self.separator();
        }
        if kind == Kind::Table {
            self.open_table(at);
        }
        self.note_node(fate == Fate::Kept);
        if fate == Fate::Kept {
            if written == Written::Bare {
                // `<name>`: no attributes, and written as it is.
                self.out.push_str(&self.input[self.pos..end]);
            } else {
                // Most tags have no attributes: no list to build or drop.
                let attrs = if attrs.is_empty() {
                    None
                } else {
                    Some(self.allowed_attrs(&name, attrs)?)
                };
                self.write_start_tag(&name, attrs);
            }
        }
        self.pos = end;
        // The element goes into the current node (`fostered` lowers this
        // for one foster-parented); what raw text and foreign content
        // insert is not followed.
        self.least_insertion = self.open.len() + 1;
        match kind {
            Kind::Void => return Some(()),
            Kind::RawText => {
                self.least_insertion = 1;
                self.unclosed = None;
                return self.raw_text(&name, fate);
            }
            Kind::Foreign => {
                self.least_insertion = 1;
                self.unclosed = None;
                return self.foreign(&name, fate, written == Written::SelfClosing);
            }
            _ => {}
        }
        let inner_bits = child_bits(parse_bits, &name);
        let (kept_bits, kept_name) = if fate == Fate::Kept {
            self.levels.push(Sibling::None);
            self.max_levels = self.max_levels.max(self.levels.len());
            // Usually the kept ancestors imply the same parser state as
            // all of them.
            let bits = if parent_kept_bits == parse_bits {
                inner_bits
            } else {
                child_bits(parent_kept_bits, &name)
            };
            (bits, name.clone())
        } else {
            (parent_kept_bits, parent_kept_name)
        };
        self.open.push(Open {
            parse_bits: inner_bits,
            name,
            fate,
            kept_bits,
            kept_name,
            last_child: Sibling::None,
        });
        if kind == Kind::Pre {
            self.after_pre()?;
        }
        Some(())
    }

    /// Before start tag `name`: closes the current node as many times as
    /// the tree builder would (a `p` before a block, an `li` before an
    /// `li`, a heading before a heading), as if its end tag had come,
    /// with the new element as its next sibling. Anything else the tree
    /// builder would close first (a `p` or `li` that is not the current
    /// node, an `a`) is for the full pipeline.
    fn implied_end_tags(&mut self, name: &LocalName) -> Option<()> {
        while let Some(open) = self.open.last()
            && misnested(open.parse_bits, &open.name, name)
        {
            if !closes_current(&open.name, name) {
                return None;
            }
            // The new element is the next sibling of the last one
            // closed; each closed before that is its parent's last child.
            // Before a table, what it foster-parents comes between: not
            // known yet.
            let last = !self.closes_parent_too(name);
            if last
                && *name == local_name!("table")
                && open.fate == Fate::Unwrapped
                && open.last_child.needs_separator()
                && tags::breaks_line(&open.name)
            {
                return None;
            }
            self.pop_current(last);
        }
        Some(())
    }

    /// Whether start tag `name` makes the tree builder close the parent of
    /// the current node too (or anything else: then the caller stops).
    fn closes_parent_too(&self, name: &LocalName) -> bool {
        self.parent_of_current()
            .is_some_and(|parent| misnested(parent.parse_bits, &parent.name, name))
    }

    /// A raw-text or RCDATA element, its start tag just read, with its
    /// content and end tag: skipped if dropped; if unwrapped, its content
    /// is text (references decoded only in RCDATA: `textarea`, `title`).
    fn raw_text(&mut self, name: &LocalName, fate: Fate) -> Option<()> {
        // Its text and end tag, inside the element.
        self.charge_inside(2, 1)?;
        let end = crate::lexer::raw_text_content_end(self.input, self.pos, name)?;
        let close = self.plain_end_tag(end)?;
        if !str::eq_ignore_ascii_case(&self.input[close.name.clone()], name) {
            return None;
        }
        // The content is one text node.
        self.count_node()?;
        match fate {
            Fate::Hidden => {}
            Fate::Kept => return None,
            Fate::Unwrapped => {
                let mut from = self.pos;
                // The tree builder drops a newline right after
                // `<textarea>`, as after `<pre>`.
                if *name == local_name!("textarea") {
                    match self.bytes.get(from) {
                        Some(b'\n') => from += 1,
                        Some(b'\r') => from += cr_len(&self.bytes[from..]),
                        // A reference for a newline is dropped too (its
                        // character is the first token), and the text
                        // after it would need to be written from there.
                        Some(b'&') if self.newline_ref(from)? => return None,
                        _ => {}
                    }
                }
                let refs = matches!(*name, local_name!("textarea") | local_name!("title"));
                self.text_span(from..end.max(from), refs)?;
                // The text is the element's child; the element is its
                // parent's.
                if let Some(open) = self.open.last_mut() {
                    open.last_child = Sibling::Node;
                }
            }
        }
        self.pos = close.end;
        Some(())
    }

    fn is_doctype(&self) -> bool {
        self.input
            .get(self.pos + 2..self.pos + 9)
            .is_some_and(|d| d.eq_ignore_ascii_case("doctype"))
    }

    /// `<!DOCTYPE …>` at `self.pos`: every doctype state of the tokenizer
    /// ends it at the first `>`, as the lexical step does, and the tree
    /// builder ignores it in a fragment.
    fn doctype(&mut self) -> Option<()> {
        let len = memchr::memchr(b'>', &self.bytes[self.pos..])?;
        self.pos += len + 1;
        Some(())
    }

    /// A comment at `self.pos` (`<!--`): removed where the policy removes
    /// comments or it is inside a removed element; otherwise, of the plain
    /// form whose text is as written (`plain_comment`), kept if the
    /// sanitizer's test says it is safe.
    fn comment(&mut self) -> Option<()> {
        let body_start = self.pos + 4;
        // (Each branch checks the depth once the comment is known to end:
        // one open at the end of the input is text to the lexical step.)
        if !self.policy.comments || self.hidden() {
            // Removed whatever its text: only where it ends matters, which
            // the tokenizer and the lexical step agree on.
            let len = crate::lexer::comment_len(&self.bytes[body_start..])?;
            self.fits_a_node()?;
            self.count_node()?;
            self.note_node(false);
            self.pos = body_start + len;
            return Some(());
        }
        let len = memchr::memmem::find(&self.bytes[body_start..], b"-->")?;
        let body = &self.input[body_start..body_start + len];
        if !plain_comment(body) {
            return None;
        }
        self.fits_a_node()?;
        self.count_node()?;
        let keep = comment_is_safe(body);
        if keep {
            // The tokenizer rewrites NUL and CR in comments.
            let plain = body.bytes().enumerate().all(|(k, b)| {
                !TEXT_STOPS[b as usize]
                    || b == b'&'
                    || b == b'<'
                    || ordinary_stop(&body.as_bytes()[k..])
            });
            if !plain {
                return None;
            }
            self.out.push_str("<!--");
            self.out.push_str(body);
            self.out.push_str("-->");
        }
        self.note_node(keep);
        self.pos = body_start + len + 3;
        Some(())
    }

    /// The tree builder drops a newline right after `<pre>`, and the
    /// serializer leaves out any that start the content after that.
    fn after_pre(&mut self) -> Option<()> {
        match self.bytes.get(self.pos) {
            Some(b'\n') => self.pos += 1,
            Some(b'\r') => self.pos += cr_len(&self.bytes[self.pos..]),
            _ => {}
        }
        let kept = !self.hidden() && self.open.last().is_some_and(|o| o.fate == Fate::Kept);
        match self.bytes.get(self.pos) {
            // An element first: fine if it is kept (it is the first child
            // then), which `start_tag` checks; whatever else starts with
            // `<` is left to the full pipeline.
            Some(b'<') if kept => {
                let letter = self
                    .bytes
                    .get(self.pos + 1)
                    .is_some_and(u8::is_ascii_alphabetic);
                self.pre_first = letter;
                letter.then_some(())
            }
            Some(b'<') => None,
            // A reference for a newline would be dropped by the tree
            // builder, or need one more written.
            Some(b'&') => (!self.newline_ref(self.pos)?).then_some(()),
            // The serializer leaves out the line feeds that start a kept
            // `pre`'s content (a browser's round trip would drop them one
            // at a time): so does the fast path, where text follows them
            // in the same text node. Where a tag, a reference or the end
            // follows, that node is all newlines or may be, and is left
            // to the full pipeline. An unwrapped `pre` is not written.
            Some(b'\n' | b'\r') if kept => {
                let rest = &self.bytes[self.pos..];
                let newlines = rest
                    .iter()
                    .position(|&b| b != b'\n' && b != b'\r')
                    .unwrap_or(rest.len());
                match rest.get(newlines) {
                    Some(b'<' | b'&') | None => None,
                    Some(_) => {
                        self.pos += newlines;
                        Some(())
                    }
                }
            }
            _ => Some(()),
        }
    }

    /// Whether the character reference at `at` stands for a newline first
    /// (`&#10;`, `&NewLine;`), which the tree builder drops after `<pre>`
    /// and `<textarea>` as it drops a written one; `None` for a reference
    /// the fast path does not decode.
    fn newline_ref(&self, at: usize) -> Option<bool> {
        let (decoded, _) = self.char_ref(at, false)?;
        Some(decoded.is_some_and(|d| d.as_str().starts_with('\n')))
    }

    /// Writes the start tag of kept element `name` with what the policy
    /// makes of `attrs` (`None`: the tag had none).
    fn write_start_tag(&mut self, name: &LocalName, attrs: Option<Vec<Attribute>>) {
        let name_str: &str = name;
        self.out.reserve(name_str.len() + 2);
        self.out.push('<');
        self.out.push_str(name_str);
        let Some(attrs) = attrs else {
            self.out.push('>');
            return;
        };
        let attrs = if attrs.is_empty() {
            attrs
        } else {
            // The changes are the full pipeline's to report; `clean` only
            // needs the attributes.
            kept_attributes(self.policy, name, attrs, &mut Report::default())
        };
        for a in &attrs {
            self.out.push(' ');
            self.out.push_str(&a.name.local);
            self.out.push_str("=\"");
            escape_attr(&a.value, &mut self.out);
            self.out.push('"');
        }
        self.out.push('>');
    }

    /// An end tag at `self.pos` (`</`): only the one that closes the
    /// current node, written plainly (`</name>`, whitespace allowed
    /// before the `>`), is handled.
    fn end_tag(&mut self) -> Option<()> {
        let close = self.plain_end_tag(self.pos)?;
        let name = &self.input[close.name];
        self.charge_end_tag(name)?;
        // The tree builder ignores these: no `head` or `body` element is
        // ever open in a fragment.
        if ["head", "body", "html"]
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name))
        {
            self.pos = close.end;
            return Some(());
        }
        if let Some(done) = self.table_end_tag(name, close.end) {
            return done;
        }
        if let Some(made) = self.end_tag_makes_element(name) {
            return self.element_from_end_tag(made, close.end);
        }
        if self.end_tag_ignored(name) {
            self.pos = close.end;
            return Some(());
        }
        self.close_implied(name)?;
        let open = self.open.last()?;
        if !str::eq_ignore_ascii_case(&open.name, name) {
            if self.close_formatting_below(name)? {
                self.pos = close.end;
                return Some(());
            }
            return None;
        }
        self.pos = close.end;
        let next_needs_separator = if open.fate == Fate::Unwrapped && tags::breaks_line(&open.name)
        {
            self.next_sibling_needs_separator()?
        } else {
            false
        };
        self.pop_current(next_needs_separator);
        Some(())
    }

    /// Before end tag `name` of a block, `li`, `dd` or `dt` that is open
    /// with no formatting element or form above it: pops those above it,
    /// as the tree builder's implied end tags and its "pop until" do.
    /// They are each the last child of the next, so none has a next
    /// sibling that needs a newline. Anything else is left for the caller
    /// to refuse.
    fn close_implied(&mut self, name: &str) -> Option<()> {
        let Some(target) = self
            .open
            .iter()
            .rposition(|o| str::eq_ignore_ascii_case(&o.name, name))
        else {
            return Some(());
        };
        let target_name = &self.open[target].name;
        // A formatting element popped stays on the list of active
        // formatting elements, to be made again at the next text; a form
        // popped leaves the form element pointer set; an `ol` or `ul`
        // puts an `li` out of list item scope (its end tag is ignored).
        let li = *target_name == local_name!("li");
        let implied = |o: &Open| {
            !matches!(
                kind(&o.name),
                Some(Kind::Formatting | Kind::Table | Kind::TablePart)
            ) && o.name != local_name!("form")
                && !(li && matches!(o.name, local_name!("ol") | local_name!("ul")))
        };
        let closes = matches!(
            kind(target_name),
            Some(Kind::Block | Kind::Item | Kind::Pre)
        ) && *target_name != local_name!("form");
        if !closes || !self.open[target + 1..].iter().all(implied) {
            return Some(());
        }
        while self.open.len() > target + 1 {
            self.pop_current(false);
        }
        Some(())
    }

    /// Pops the current node, writing its end tag if it is kept. An
    /// unwrapped block gets a newline after its content if both that
    /// content's last node and the block's next sibling (`next_needs`)
    /// would otherwise run into each other, as the sanitizer does.
    fn pop_current(&mut self, next_needs: bool) {
        let Some(open) = self.open.pop() else {
            return;
        };
        match open.fate {
            Fate::Unwrapped => {
                if next_needs && open.last_child.needs_separator() && tags::breaks_line(&open.name)
                {
                    self.separator();
                }
                if open.name == local_name!("table") {
                    self.close_table(Some(open.last_child == Sibling::None));
                }
            }
            Fate::Kept => {
                self.levels.pop();
                self.write_end_tag(&open.name);
            }
            _ => {}
        }
    }

    /// Writes the end tag of kept element `name`; a table's gets what the
    /// parser put before it.
    fn write_end_tag(&mut self, name: &LocalName) {
        if let Some(end_tag) = common_end_tag(name) {
            self.out.push_str(end_tag);
            return;
        }
        let name: &str = name;
        self.out.reserve(name.len() + 3);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        if *name == local_name!("table") {
            self.close_table(None);
        }
    }

    /// Whether the next sibling of the element just closed (its end tag
    /// ends at `self.pos`; it is not yet popped), as the sanitizer sees it
    /// unprocessed, needs a newline before it. `None` where that is not
    /// clear from the next bytes.
    fn next_sibling_needs_separator(&self) -> Option<bool> {
        let bytes = self.bytes;
        Some(match bytes.get(self.pos) {
            None => false,
            Some(b'&') => return None,
            Some(b'<') if bytes.get(self.pos + 1) == Some(&b'/') => {
                // The parent's end tag: nothing follows inside a kept
                // parent; after the last child of an unwrapped block,
                // its own newline or next sibling, neither of which needs
                // one (it had one put there if it did).
                let len = bytes[self.pos + 2..]
                    .iter()
                    .take_while(|&&b| is_tag_name_byte(b))
                    .count();
                let end_name = self.input.get(self.pos + 2..self.pos + 2 + len)?;
                // Ignored by the tree builder: the next sibling is
                // whatever follows.
                if ["head", "body", "html"]
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(end_name))
                {
                    return None;
                }
                if self.end_tag_makes_element_after_current(end_name) {
                    return Some(true);
                }
                // The next sibling is whatever follows it.
                if self.end_tag_ignored_after_current(end_name) {
                    return None;
                }
                let parent = self.parent_of_current();
                match parent {
                    None => false,
                    Some(p) if p.fate == Fate::Kept => false,
                    Some(p) if tags::breaks_line(&p.name) => false,
                    Some(_) => return None,
                }
            }
            // A start tag: an element, unless the tree builder ignores it
            // or closes the parent first (then the element just closed
            // is the parent's last child, which needs no newline, as
            // above).
            Some(b'<') if bytes.get(self.pos + 1).is_some_and(u8::is_ascii_alphabetic) => {
                let len = bytes[self.pos + 1..]
                    .iter()
                    .take_while(|&&b| is_tag_name_byte(b))
                    .count();
                let name = self.input.get(self.pos + 1..self.pos + 1 + len)?;
                let name = name.to_ascii_lowercase();
                // Whatever a table foster-parents goes before it.
                if matches!(name.as_str(), "html" | "head" | "body") || tables::is_table_tag(&name)
                {
                    return None;
                }
                !self.closes_parent_too(&LocalName::from(name))
            }
            Some(b'<') if self.is_doctype() => return None,
            // A comment, or a `<` as text: neither is text that starts
            // with whitespace.
            Some(b'<') => true,
            Some(&b) => !b.is_ascii_whitespace(),
        })
    }

    /// The end tag at `at` (`</`), if written plainly: a name of letters,
    /// digits and `-`, then optional whitespace and `>`.
    fn plain_end_tag(&self, at: usize) -> Option<EndTag> {
        if self.bytes.get(at..at + 2) != Some(b"</") {
            return None;
        }
        let start = at + 2;
        let len = self.bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        // `</` and anything but a letter starts a bogus comment.
        if len == 0 || !self.bytes[start].is_ascii_alphabetic() {
            return None;
        }
        let mut i = start + len;
        while self.bytes.get(i).is_some_and(|&b| is_space(b)) {
            i += 1;
        }
        if self.bytes.get(i) != Some(&b'>') {
            return None;
        }
        Some(EndTag {
            name: start..start + len,
            end: i + 1,
        })
    }

    /// The end of the input: the serializer closes every kept element
    /// still open.
    fn close_all(&mut self) {
        // Each is its parent's last child: nothing follows to need a
        // newline.
        while !self.open.is_empty() {
            self.pop_current(false);
        }
    }
}

/// The end tags of the commonest inline elements, written at once: in
/// tag-dense input, writing an end tag from its parts costs as much as the
/// rest of the element. (Never `table`, whose end tag does more.)
fn common_end_tag(name: &LocalName) -> Option<&'static str> {
    Some(match *name {
        local_name!("a") => "</a>",
        local_name!("b") => "</b>",
        local_name!("i") => "</i>",
        local_name!("p") => "</p>",
        local_name!("em") => "</em>",
        local_name!("li") => "</li>",
        local_name!("span") => "</span>",
        local_name!("strong") => "</strong>",
        _ => return None,
    })
}

/// Whether a comment whose text up to the first `-->` is `body` is
/// one the tokenizer ends there too, with `body` as its text: no `--`
/// inside (the tokenizer's end states), no `>` or `->` first (`<!-->`
/// and `<!--->` end at once), no `-` last. `<!---->` is an empty comment.
fn plain_comment(body: &str) -> bool {
    !(body.starts_with('>') || body.starts_with("->") || body.ends_with('-') || body.contains("--"))
}

/// An end tag as read: the range of its name, and where it ends (just
/// past the `>`).
struct EndTag {
    name: std::ops::Range<usize>,
    end: usize,
}

/// A start tag as read: the range of its name (as written) and where it
/// ends; its attributes go to a list of their own (`RawAttr`).
struct StartTag {
    name: std::ops::Range<usize>,
    self_closing: bool,
    /// Just past the `>`.
    end: usize,
}

/// Byte ranges of an attribute's name and (undecoded) value; a value is
/// decoded only if the attribute is kept.
struct RawAttr {
    name: std::ops::Range<usize>,
    /// Empty for an attribute written without a value.
    value: std::ops::Range<usize>,
}

fn is_tag_name_byte(b: u8) -> bool {
    TAG_NAME_BYTES[usize::from(b)]
}

/// The bytes `is_tag_name_byte` takes: ASCII letters, digits and `-`.
static TAG_NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'-';
        b += 1;
    }
    table
};

fn is_attr_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')
}

impl Fast<'_> {
    /// Reads the start tag at `self.pos` through the tokenizer's tag and
    /// attribute states, for the plain forms only: names of letters,
    /// digits and a few punctuation marks, values quoted or unquoted and
    /// followed by whitespace, `/>` or `>`, fewer attributes than the
    /// lexical step lets through. The attributes are added to `attrs`, in
    /// order.
    fn scan_start_tag(&self, attrs: &mut Vec<RawAttr>) -> Option<StartTag> {
        let bytes = self.bytes;
        let name_start = self.pos + 1;
        let mut i = name_start;
        while bytes.get(i).is_some_and(|&b| is_tag_name_byte(b)) {
            i += 1;
        }
        let name = name_start..i;
        // Most tags end right after their name.
        if bytes.get(i) == Some(&b'>') {
            return Some(StartTag {
                name,
                self_closing: false,
                end: i + 1,
            });
        }
        loop {
            let before = i;
            while bytes.get(i).is_some_and(|&b| is_space(b)) {
                i += 1;
            }
            match *bytes.get(i)? {
                b'>' => {
                    return Some(StartTag {
                        name,
                        self_closing: false,
                        end: i + 1,
                    });
                }
                b'/' => {
                    return (bytes.get(i + 1) == Some(&b'>')).then_some(StartTag {
                        name,
                        self_closing: true,
                        end: i + 2,
                    });
                }
                // Attributes are separated by whitespace.
                b if is_attr_name_byte(b) && i > before => {
                    if attrs.len() + 1 >= self.policy.limits.max_attributes.min(64) {
                        return None;
                    }
                    let (attr, next) = self.attribute(i)?;
                    attrs.push(attr);
                    i = next;
                }
                _ => return None,
            }
        }
    }

    /// One attribute at `start` (its name's first byte): its ranges and
    /// the index just past it.
    fn attribute(&self, start: usize) -> Option<(RawAttr, usize)> {
        let bytes = self.bytes;
        let mut i = start;
        while bytes.get(i).is_some_and(|&b| is_attr_name_byte(b)) {
            i += 1;
        }
        let name = start..i;
        let mut j = i;
        while bytes.get(j).is_some_and(|&b| is_space(b)) {
            j += 1;
        }
        if bytes.get(j) != Some(&b'=') {
            // No value: the name ends the attribute (what follows is
            // whitespace, `/` or `>`, checked by the caller).
            return Some((RawAttr { name, value: i..i }, i));
        }
        j += 1;
        while bytes.get(j).is_some_and(|&b| is_space(b)) {
            j += 1;
        }
        let (value, end) = self.value(j)?;
        Some((RawAttr { name, value }, end))
    }

    /// An attribute value at `start`: quoted (then followed by
    /// whitespace, `/` or `>`) or unquoted (then ended by whitespace or
    /// `>`, and free of the bytes the tokenizer complains about, but for
    /// `=`, which query strings are full of and which it keeps as
    /// written). Its range, and the index just past it.
    fn value(&self, start: usize) -> Option<(std::ops::Range<usize>, usize)> {
        let bytes = self.bytes;
        let quote = *bytes.get(start)?;
        if quote == b'"' || quote == b'\'' {
            let len = memchr::memchr(quote, &bytes[start + 1..])?;
            let to = start + 1 + len;
            let after = *bytes.get(to + 1)?;
            if !(is_space(after) || after == b'/' || after == b'>') {
                return None;
            }
            return Some((start + 1..to, to + 1));
        }
        let len = bytes[start..]
            .iter()
            .take_while(|&&b| !is_space(b) && b != b'>')
            .count();
        let raw = &bytes[start..start + len];
        if len == 0 || raw.iter().any(|b| matches!(b, b'"' | b'\'' | b'<' | b'`')) {
            return None;
        }
        Some((start..start + len, start + len))
    }

    /// The attributes of a kept element `name` that the policy allows,
    /// names lower-cased and values decoded, as the parser would give
    /// them to the sanitizer (less those the sanitizer would drop first
    /// for their name alone, which change nothing else, and the repeats of
    /// a name, which the tokenizer drops). `None` for a value the fast
    /// path does not decode.
    fn allowed_attrs(&self, name: &LocalName, raw: &[RawAttr]) -> Option<Vec<Attribute>> {
        let mut out = Vec::new();
        for (k, attr) in raw.iter().enumerate() {
            let attr_name = self.input.get(attr.name.clone())?;
            if raw[..k]
                .iter()
                .any(|p| self.input[p.name.clone()].eq_ignore_ascii_case(attr_name))
            {
                // The tokenizer keeps the first of duplicates.
                continue;
            }
            if !self.policy.attr_names.may_allow(attr_name.as_bytes()) {
                continue;
            }
            let local = if attr_name.bytes().any(|b| b.is_ascii_uppercase()) {
                LocalName::from(attr_name.to_ascii_lowercase())
            } else {
                LocalName::from(attr_name)
            };
            if !self.policy.attr_allowed(name, &local) {
                continue;
            }
            out.push(Attribute {
                name: QualName::new(None, ns!(), local),
                value: self.decode_value(attr.value.start, attr.value.end)?,
            });
        }
        Some(out)
    }

    /// The value between `from` and `to` with its character references
    /// decoded; `None` for anything the fast path leaves alone.
    fn decode_value(&self, from: usize, to: usize) -> Option<StrTendril> {
        let mut decoded: Option<String> = None;
        let mut start = from;
        let mut i = from;
        while let Some(k) = find_text_stop(&self.bytes[i..to]) {
            i += k;
            let b = self.bytes[i];
            if !TEXT_STOPS[b as usize] || b == b'<' {
                i += 1;
                continue;
            }
            if b == b'\r' {
                let d = decoded.get_or_insert_with(String::new);
                d.push_str(self.input.get(start..i)?);
                d.push('\n');
                i += cr_len(&self.bytes[i..to]);
                start = i;
                continue;
            }
            if b != b'&' {
                if !ordinary_stop(&self.bytes[i..to]) {
                    return None;
                }
                i += 1;
                continue;
            }
            let (c, next) = self.char_ref(i, true)?;
            if next > to {
                return None;
            }
            let d = decoded.get_or_insert_with(String::new);
            d.push_str(self.input.get(start..i)?);
            match c {
                Some(c) => d.push_str(c.as_str()),
                None => d.push('&'),
            }
            i = next;
            start = i;
        }
        let rest = self.input.get(start..to)?;
        Some(match decoded {
            Some(mut d) => {
                d.push_str(rest);
                StrTendril::from(d)
            }
            None => StrTendril::from_slice(rest),
        })
    }
}

/// The one or two characters a reference stands for.
struct Decoded {
    buf: [u8; 8],
    len: usize,
}

impl Decoded {
    fn one(c: char) -> Decoded {
        let mut buf = [0; 8];
        let len = c.encode_utf8(&mut buf).len();
        Decoded { buf, len }
    }

    /// From the entity table's pair (the second is 0 when there is one).
    fn pair(c1: u32, c2: u32) -> Option<Decoded> {
        // Prefixes of names are in the table too, as (0, 0).
        if c1 == 0 {
            return None;
        }
        let mut d = Decoded::one(char::from_u32(c1)?);
        if c2 != 0 {
            let second = char::from_u32(c2)?;
            let len = second.encode_utf8(&mut d.buf[d.len..]).len();
            d.len += len;
        }
        Some(d)
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    /// `named_ref` looks `&name;` up in one go, which finds what the
    /// tokenizer's walk finds only if the walk never stops early: every
    /// prefix of every name must be in the table.
    #[test]
    fn every_prefix_of_an_entity_name_is_in_the_table() {
        for name in html5ever::data::NAMED_ENTITIES.keys() {
            for len in 1..name.len() {
                assert!(
                    html5ever::data::NAMED_ENTITIES.contains_key(&name[..len]),
                    "{name}"
                );
            }
        }
    }
}
