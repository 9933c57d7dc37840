//! End tags that the tree builder turns into elements ("in body"):
//! `</br>` is read as `<br>`, and a `</p>` with no `p` in button scope
//! inserts an empty `p` and closes it at once. Users write both (a `</p>`
//! after `<p>a<div>b</div>`, whose `div` already closed the `p`), and
//! either way the full pipeline keeps the element they make.

use html5ever::{LocalName, local_name};

use super::{Fast, StartTag};
use crate::sanitize::misnested;

/// The element an end tag makes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Made {
    /// `</br>`: a `br`, as if its start tag had come, with no attributes.
    Br,
    /// A stray `</p>`: an empty `p`.
    EmptyP,
}

/// What end tag `name` makes inside an element with parser state `bits`
/// (see `sanitize::child_bits`) named `current`.
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
        let parent = self
            .open
            .len()
            .checked_sub(2)
            .and_then(|k| self.open.get(k));
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
            Made::Br => "br",
            Made::EmptyP => "p",
        };
        self.insert_start_tag(StartTag {
            name: name.to_owned(),
            attrs: Vec::new(),
            self_closing: false,
            end,
        })?;
        if made == Made::EmptyP {
            // Closed at once, with no child: no newline after it even if
            // it is unwrapped.
            self.pop_current(false);
        }
        Some(())
    }
}
