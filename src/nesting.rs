//! The nesting budget ([`Limits::max_nesting_per_byte`]): what a parse may
//! spend, and what parsing an output again would spend.
//!
//! The parser charges each token the depth of the node it last inserted a
//! node into, and an end tag that closes the last start tag not yet closed
//! 1 (`parse::Tokens`). An output can cost more per byte than its input:
//! cleaning drops content (a long `<script>`, say) that paid for nesting
//! it did not use, and writes the end tags the input left out. So an
//! output is charged too, against its own length, as a parse of it would
//! be; past the budget the input is shown as text, as past any limit.
//! Cleaning the output again then stays within the budget and gives the
//! same bytes (invariant 2, stable). The fast path charges its output the
//! same way, from the same bytes.

use html5ever::LocalName;

use crate::limits::{Limit, Limits};
use crate::tags;

/// What one cleaning may spend on nesting.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Nesting {
    /// What the parse of the input may spend.
    pub(crate) input: usize,
    /// For the rest of an input whose start the fast path cleaned: what a
    /// parse of that start's output would spend, at most, and that
    /// output's length.
    pub(crate) output_spent: usize,
    pub(crate) output_before: usize,
}

impl Nesting {
    /// The budget of a whole input of `len` bytes.
    pub(crate) fn whole(limits: &Limits, len: usize) -> Nesting {
        Nesting {
            input: limits.nesting_budget(len),
            output_spent: 0,
            output_before: 0,
        }
    }

    /// Whether `html`, an output (or the rest of one), stays within its
    /// own budget. `levels` is the most elements open at once in it, plus
    /// one: a bound that needs only its count of `<` decides first, as
    /// each token costs at most `levels` and there are at most two for
    /// each `<`, and two more.
    pub(crate) fn check_output(
        &self,
        html: &str,
        limits: &Limits,
        levels: usize,
    ) -> Result<(), Limit> {
        let budget = limits
            .nesting_budget(self.output_before.saturating_add(html.len()))
            .saturating_sub(self.output_spent);
        let tags = count_lt(html.as_bytes());
        let bound = tags
            .saturating_mul(2)
            .saturating_add(2)
            .saturating_mul(levels);
        if bound <= budget || output_charge(html) <= budget {
            Ok(())
        } else {
            Err(Limit::Nesting)
        }
    }
}

/// How many `<` are in `bytes`. Counted in blocks with a byte counter
/// each, which the compiler turns into vector code: a byte a step cost as
/// much as the rest of the check on the diary corpus.
fn count_lt(bytes: &[u8]) -> usize {
    let mut blocks = bytes.chunks_exact(64);
    let mut n = 0;
    for block in &mut blocks {
        let in_block: u8 = block.iter().map(|&b| u8::from(b == b'<')).sum();
        n += usize::from(in_block);
    }
    n + blocks.remainder().iter().filter(|&&b| b == b'<').count()
}

/// What the parser charges for `html`, an output of the serializer: every
/// `<` in it starts a tag or a comment (text and attribute values have
/// theirs escaped, and raw-text elements are never kept), and its tags
/// nest, so the depth is what the tags alone say. Each start tag, comment
/// and run of text costs the depth of the node last inserted into (0 at
/// first: the parser's last insertion then is its `html` root into the
/// document), each end tag 1, and the end of the input what a start tag
/// would.
///
/// Whitespace directly in a table, section or row is inserted only when
/// the next token comes (the parser's pending table text), after that
/// token is charged: so the token pays the depth of the insertion before
/// the whitespace. (Other text there is never in an output: the sanitizer
/// moves it before the table.)
pub(crate) fn output_charge(html: &str) -> usize {
    let bytes = html.as_bytes();
    let mut spent = 0usize;
    // The depth of the current node, and of the node last inserted into.
    let mut depth = 1usize;
    let mut last_insertion = 0usize;
    // Whether each open element takes pending table text, and where
    // pending whitespace is to go.
    let mut table_text: Vec<bool> = Vec::new();
    let mut pending: Option<usize> = None;
    let mut pos = 0;
    while pos < bytes.len() {
        let lt = memchr::memchr(b'<', &bytes[pos..]);
        let text_len = lt.unwrap_or(bytes.len() - pos);
        if text_len > 0 {
            spent = spent.saturating_add(last_insertion);
            let in_table = table_text.last() == Some(&true);
            let text = &bytes[pos..pos + text_len];
            if in_table && text.iter().all(|&b| b.is_ascii_whitespace()) {
                pending = Some(depth);
            } else {
                last_insertion = depth;
            }
        }
        let Some(lt) = lt else {
            break;
        };
        let tag = pos + lt;
        let rest = &bytes[tag..];
        // The token after pending whitespace pays before it goes in.
        let cost = last_insertion;
        if let Some(at) = pending.take() {
            last_insertion = at;
        }
        let end = if rest.starts_with(b"<!--") {
            spent = spent.saturating_add(cost);
            last_insertion = depth;
            memchr::memmem::find(&rest[4..], b"-->").map(|k| tag + 4 + k + 3)
        } else if rest.starts_with(b"</") {
            spent = spent.saturating_add(1);
            depth = depth.saturating_sub(1).max(1);
            table_text.pop();
            memchr::memchr(b'>', rest).map(|k| tag + k + 1)
        } else {
            spent = spent.saturating_add(cost);
            last_insertion = depth;
            let name_end = rest[1..]
                .iter()
                .position(|&b| matches!(b, b' ' | b'>' | b'/'))
                .map_or(rest.len(), |k| k + 1);
            let name = LocalName::from(html.get(tag + 1..tag + name_end).unwrap_or_default());
            if !tags::is_void(&name) {
                depth += 1;
                table_text.push(takes_table_text(&name));
            }
            memchr::memchr(b'>', rest).map(|k| tag + k + 1)
        };
        pos = end.unwrap_or(bytes.len());
    }
    spent.saturating_add(last_insertion)
}

/// Whether the parser holds whitespace directly in `name` as pending
/// table text: a table, section or row (not a column group, whose
/// whitespace goes in at once).
fn takes_table_text(name: &LocalName) -> bool {
    tags::is_table_context(name) && *name != html5ever::local_name!("colgroup")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `<b>x<br></b>yz<!--c-->`: the start tag of `b` (charged 0, as
    /// nothing went into the fragment yet), `x` (1: `b` went into the
    /// root), `br` (2: `x` went into `b`), the end tag of `b` (1, as it
    /// closes `b`), `yz` (2: `br` went into `b`), the comment (1: `yz` went
    /// into the root), the end (1).
    #[test]
    fn charges_each_token_the_last_insertion_depth() {
        assert_eq!(
            output_charge("<b>x<br></b>yz<!--c-->"),
            1 + 2 + 1 + 2 + 1 + 1
        );
    }

    #[test]
    fn counts_lt() {
        let text = "a<b>".repeat(100) + "<";
        assert_eq!(count_lt(text.as_bytes()), 101);
        assert_eq!(count_lt(&[b'<'; 64]), 64);
        assert_eq!(count_lt(b""), 0);
    }

    /// Bare nesting costs the square of its depth; text at the top level
    /// costs 1 however long it is.
    #[test]
    fn nesting_costs_more_than_text() {
        let n = 50;
        let deep = "<div>".repeat(n) + &"</div>".repeat(n);
        // Start tag k (from 1) is charged k - 1; the end tags 1 each; the
        // end of the input n (the last start tag went at n).
        assert_eq!(output_charge(&deep), (1..n).sum::<usize>() + n + n);
        assert_eq!(output_charge(&"x".repeat(10_000)), 1);
    }

    /// The two models of one charge agree: a parse of an output spends
    /// what `output_charge` says, so an output that kept to its budget
    /// keeps to it when cleaned again (and so cleans to itself). Over the
    /// outputs of the diary and pages corpora (tables with
    /// whitespace between their rows and cells among them), and of a
    /// table that cleaning mends.
    #[test]
    fn a_parse_of_an_output_spends_its_output_charge() {
        let policy = crate::Policy::ugc();
        let limits = Limits::default();
        let mut outputs = Vec::new();
        for dir in ["corpus/diary", "corpus/pages"] {
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .expect("the corpus is in the repository")
                .map(|e| e.expect("a directory entry").path())
                .collect();
            paths.sort();
            for path in &paths {
                let doc = std::fs::read_to_string(path).expect("a UTF-8 document");
                outputs.push(policy.clean(&doc));
            }
        }
        outputs.push(policy.clean("<table>x<tr><td><b>a<td>b<p>c<tr>d</table><ul><li>e"));
        assert!(outputs.len() > 100);
        let spends = |html: &str, budget: usize| {
            let lexed = crate::lexer::lex(html, &policy);
            crate::parse::parse_fragment(&lexed, &limits, budget).is_ok()
        };
        for html in &outputs {
            let charge = output_charge(html);
            assert!(spends(html, charge), "over its charge: {:.80}", html);
            assert!(
                !spends(html, charge - 1),
                "spent less than its charge: {:.80}",
                html
            );
        }
    }
}
