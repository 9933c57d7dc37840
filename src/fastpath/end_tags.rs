//! End tags that the tree builder turns into elements ("in body"):
//! `</br>` is read as `<br>`, and a `</p>` with no `p` in button scope
//! inserts an empty `p` and closes it at once. Users write both (a `</p>`
//! after `<p>a<div>b</div>`, whose `div` already closed the `p`), and
//! either way the full pipeline keeps the element they make.

use html5ever::{LocalName, local_name};

use super::{Fast, Tag, Written};
use crate::rules::misnested;

/// The element an end tag makes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Made {
    /// `</br>`: a `br`, as if its start tag had come, with no attributes.
    Br,
    /// A stray `</p>`: an empty `p`.
    EmptyP,
}

/// What end tag `name` makes inside an element with parser state `bits`
/// (see `rules::child_bits`) named `current`.
fn made(bits: u16, current: &LocalName, name: &str) -> Option<Made> {
    if name.eq_ignore_ascii_case("br") {
        return Some(Made::Br);
    }
    // A `p` start tag here would not close a `p`: then none is in button
    // scope (the fast path never has a scope boundary open).
    let p_in_scope = misnested(bits, current, &local_name!("p"));
    (name.eq_ignore_ascii_case("p") && !p_in_scope).then_some(Made::EmptyP)
}

impl Fast<'_> {
    /// What end tag `name` makes in the current node, if anything.
    pub(super) fn end_tag_makes_element(&self, name: &str) -> Option<Made> {
        match self.open.last() {
            Some(o) => made(o.parse_bits, &o.name, name),
            None => made(0, &local_name!("html"), name),
        }
    }

    /// Whether end tag `name` makes an element once the current node is
    /// popped: then that element, not an end tag, is the current node's
    /// next sibling.
    pub(super) fn end_tag_makes_element_after_current(&self, name: &str) -> bool {
        let parent = self.parent_of_current();
        match parent {
            Some(o) => made(o.parse_bits, &o.name, name),
            None => made(0, &local_name!("html"), name),
        }
        .is_some()
    }

    /// Inserts the element `made` for an end tag that ends at `end`, as
    /// the start tag the tree builder processes in its place.
    pub(super) fn element_from_end_tag(&mut self, made: Made, end: usize) -> Option<()> {
        let name = match made {
            Made::Br => local_name!("br"),
            Made::EmptyP => local_name!("p"),
        };
        self.insert_start_tag(Tag::new(self.policy, name), &[], Written::Other, end)?;
        if made == Made::EmptyP {
            // Closed at once, with no child: no newline after it even if
            // it is unwrapped.
            self.pop_current(false);
        }
        Some(())
    }
}

/// End tags that the tree builder may act on even with no element of
/// their name open: a heading's closes any open heading (`<h2>a</h1>`),
/// `form`'s goes by the form element pointer, `template`'s by the "in
/// head" rules, and `p` and `br` make an element (`made`).
fn acts_unopened(name: &str) -> bool {
    [
        "p", "br", "form", "template", "h1", "h2", "h3", "h4", "h5", "h6",
    ]
    .iter()
    .any(|n| n.eq_ignore_ascii_case(name))
}

impl Fast<'_> {
    /// Whether the tree builder ignores end tag `name` because no element
    /// of that name is open among `open` (the fast path's stack holds
    /// every open element, and only HTML ones): every "in body" rule for
    /// an end tag then either finds nothing in scope or, for "any other
    /// end tag" and the adoption agency, walks down to a special element
    /// (at the latest the root) without a match.
    fn ignored_in(open: &[super::Open], name: &str) -> bool {
        !acts_unopened(name)
            && !open
                .iter()
                .any(|o| str::eq_ignore_ascii_case(&o.name, name))
    }

    /// Whether end tag `name` here is ignored (`ignored_in`).
    pub(super) fn end_tag_ignored(&self, name: &str) -> bool {
        Self::ignored_in(&self.open, name)
    }

    /// Whether end tag `name` is ignored once the current node is popped.
    pub(super) fn end_tag_ignored_after_current(&self, name: &str) -> bool {
        let below = self.open.len().saturating_sub(1);
        Self::ignored_in(&self.open[..below], name)
    }
}

impl Fast<'_> {
    /// `<?…>`, or `<!…>` other than a comment or doctype (`<?php … ?>`,
    /// `<![CDATA[…]]>` outside foreign content): a bogus comment up to the
    /// first `>`, where both the tokenizer and the lexical step end it.
    /// Only where it is removed: a kept one would be written as a comment
    /// with the text the tokenizer gives it, which is the full pipeline's
    /// to work out.
    pub(super) fn bogus_comment(&mut self) -> Option<()> {
        if self.policy.comments && !self.hidden() {
            return None;
        }
        // A comment open at the end of the input is text to the lexical
        // step: its depth counts only once it is known to end.
        let len = memchr::memchr(b'>', &self.bytes[self.pos..])?;
        self.fits_a_node()?;
        self.count_node()?;
        self.note_node(false);
        self.pos += len + 1;
        Some(())
    }
}
