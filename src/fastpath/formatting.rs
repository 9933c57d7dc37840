//! An `a` start tag while another `a` is open: the tree builder runs the
//! adoption agency algorithm for the open one before inserting the new
//! one. When nothing above the open `a` is a special element (no
//! "furthest block") or a formatting element (which the list of active
//! formatting elements would bring back at the next text), that amounts
//! to closing the open `a` and everything above it, as if their end tags
//! had come. Lists of links written without `</a>` do this.

use html5ever::{LocalName, local_name};

use super::{Fast, Kind, kind};
use crate::sanitize::A_OPEN;
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
}
