//! The adoption agency algorithm, where it finds no "furthest block" (no
//! special element above the formatting element it closes): it then pops
//! that element and everything above it, as if their end tags had come.
//! Formatting elements among those stay on the list of active formatting
//! elements, to be made again at the next text or start tag, which the
//! fast path leaves to the full pipeline. Two cases are common enough to
//! follow:
//!
//! - an `a` start tag while another `a` is open, with no formatting element
//!   above it (lists of links written without `</a>`);
//! - the end tag of a formatting element with only formatting elements
//!   above it (`<b><i>x</b></i>`), when the next tokens are the end tags
//!   of those: each then only takes its element off the list.

use html5ever::{LocalName, local_name};

use super::{Fast, Kind, kind};
use crate::rules::A_OPEN;
use crate::tags;

impl Fast<'_> {
    /// Before start tag `name`: if it is an `a` and another `a` is open,
    /// closes that one as the adoption agency would, or gives up where
    /// that would do more.
    pub(super) fn close_open_a(&mut self, name: &LocalName) -> Option<()> {
        if *name != local_name!("a") {
            return Some(());
        }
        let Some(current) = self.open.last() else {
            return Some(());
        };
        // For an `a`, `misnested` is this bit.
        if current.parse_bits & A_OPEN == 0 {
            return Some(());
        }
        let at = self.open.iter().rposition(|o| o.name == local_name!("a"))?;
        let plain = self.open[at + 1..]
            .iter()
            .all(|o| kind(&o.name) == Some(Kind::Other) && !tags::is_special(&o.name));
        if !plain {
            return None;
        }
        // Each element closed is its parent's last child (the new `a` goes
        // after the old one), so none needs a newline after it.
        while self.open.len() > at {
            self.pop_current(false);
        }
        Some(())
    }

    /// End tag `name` of a formatting element open below the current
    /// node, with only formatting elements above it: pops them all, as
    /// the adoption agency does, and notes the ones above as `pending`.
    /// `Some(false)` if that is not the case here, `None` for a case the
    /// fast path does not follow.
    pub(super) fn close_formatting_below(&mut self, name: &str) -> Option<bool> {
        let Some(at) = self
            .open
            .iter()
            .rposition(|o| str::eq_ignore_ascii_case(&o.name, name))
        else {
            return Some(false);
        };
        if at + 1 == self.open.len() || kind(&self.open[at].name) != Some(Kind::Formatting) {
            return Some(false);
        }
        let above = &self.open[at + 1..];
        // No special element above: no furthest block. And each above is
        // the only open element of its name, so its entry on the list is
        // the last of its name (none was taken off for three later
        // copies), which its end tag will find.
        let plain = above.iter().all(|o| {
            kind(&o.name) == Some(Kind::Formatting)
                && self.open.iter().filter(|p| p.name == o.name).count() == 1
        });
        if !plain {
            return None;
        }
        self.pending = above.iter().map(|o| o.name.clone()).collect();
        // Each popped is its parent's last child: none needs a newline
        // after it (and no formatting element breaks a line).
        while self.open.len() > at {
            self.pop_current(false);
        }
        Some(true)
    }

    /// The end tag of a `pending` element at `self.pos`: the adoption
    /// agency finds it on the list but not open, takes it off the list,
    /// and does nothing else. `None` for any other token.
    pub(super) fn close_pending(&mut self) -> Option<()> {
        let close = self.plain_end_tag(self.pos)?;
        let name = &self.input[close.name];
        self.charge_end_tag(name)?;
        let k = self
            .pending
            .iter()
            .position(|p| str::eq_ignore_ascii_case(p, name))?;
        self.pending.remove(k);
        self.pos = close.end;
        Some(())
    }
}
