//! Tables whose structure the policy keeps or unwraps whole: the "in
//! table", "in table body", "in row" and "in cell" insertion modes, for
//! the tags posts and pages use (`table`, `thead`, `tbody`, `tfoot`, `tr`,
//! `td`, `th`), with the parser's implied structure (`<table><tr>` gains a
//! `tbody`, an open cell or row closes before the next) and its
//! foster-parenting of text and void elements (`br`, `img`, …) written
//! directly in a table, which go just before it.
//!
//! Outside any table the structure's tags are ignored, as the tree
//! builder ignores them. Everything else in a table context (captions,
//! columns, forms, any other element there, a table in a table, an end
//! tag that is not the structure's own, text with character references)
//! is for the full pipeline, and so is any table whose structure the
//! policy neither keeps nor unwraps whole: the sanitizer would then move
//! or wrap what it keeps.
//!
//! An unwrapped table is an unwrapped block like any other, with one
//! difference: what it foster-parents becomes its previous sibling, so
//! the newline the sanitizer may put before it is known only once the
//! table closes (`close_table`). Its rows and cells are unwrapped blocks
//! too, and the next sibling of one just closed is read by the table's
//! rules (`next_in_table_needs_separator`).
//!
//! Table and cell are scope boundaries and cell a marker, which the
//! "in body" rules elsewhere in the fast path never meet otherwise. The
//! state bits (`rules::child_bits`) clear at them as the parser's
//! scopes do, and `close_implied` never pops through them. Closing a cell
//! pops what is open in it and clears the list of active formatting
//! elements back to the cell's marker, so no formatting element popped
//! there comes back later.

use html5ever::{LocalName, local_name};

use super::{Fast, Fate, Kind, RawAttr, Sibling, Tag, Written};
use crate::policy::TagAction;

/// What the parser foster-parents out of an open table, written into the
/// output just before the table's start tag once the table closes.
pub(super) struct Foster {
    /// Where the table's start tag begins in the output (for an unwrapped
    /// table, where its newline does).
    at: usize,
    html: String,
    /// The newline written before an unwrapped table's content, from the
    /// node before it: with content foster-parented, the last of that
    /// decides instead.
    separator: bool,
    /// The output level after the last node foster-parented.
    last: Sibling,
}

/// The structure's levels: `table` 0, sections 1, `tr` 2, cells 3.
fn rank(name: &LocalName) -> Option<u8> {
    Some(match *name {
        local_name!("table") => 0,
        local_name!("tbody") | local_name!("thead") | local_name!("tfoot") => 1,
        local_name!("tr") => 2,
        local_name!("td") | local_name!("th") => 3,
        _ => return None,
    })
}

/// The table tags with rules of their own, whose start tags may close
/// what is open or be foster-parented, with their [`rank`] if they are
/// structure.
const TABLE_TAGS: [(&str, Option<u8>); 10] = [
    ("table", Some(0)),
    ("tbody", Some(1)),
    ("thead", Some(1)),
    ("tfoot", Some(1)),
    ("tr", Some(2)),
    ("td", Some(3)),
    ("th", Some(3)),
    ("caption", None),
    ("col", None),
    ("colgroup", None),
];

/// A table tag's entry in [`TABLE_TAGS`], by its name as written.
fn table_tag(name: &str) -> Option<Option<u8>> {
    TABLE_TAGS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, r)| r)
}

/// What `policy` does with the whole of a table's structure (the table,
/// the elements the parser implies in it and both kinds of cell): keep it
/// or unwrap it; `None` if it does anything else, or not the same to all.
pub(super) fn structure_action(policy: &crate::policy::Policy) -> Option<TagAction> {
    let action = policy.action_for(&local_name!("table"));
    let whole = [
        local_name!("tbody"),
        local_name!("tr"),
        local_name!("td"),
        local_name!("th"),
    ]
    .iter()
    .all(|n| policy.action_for(n) == action);
    (whole && matches!(action, TagAction::Keep | TagAction::Unwrap)).then_some(action)
}

/// Whether `name`, as written, is a table tag.
pub(super) fn is_table_tag(name: &str) -> bool {
    table_tag(name).is_some()
}

/// Void elements that a table foster-parents by the "in body" rules:
/// inserted before the table and popped. (`input` has a rule of its own
/// in a table, and `meta`, `link` and the like go by the "in head" rules.)
fn fosterable(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("area")
            | local_name!("br")
            | local_name!("embed")
            | local_name!("hr")
            | local_name!("img")
            | local_name!("param")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
    )
}

impl Fast<'_> {
    /// Whether the current node is a table, section or row: the parser
    /// handles its children in a table insertion mode.
    pub(super) fn in_table_context(&self) -> bool {
        self.in_table()
            && self
                .open
                .last()
                .is_some_and(|o| rank(&o.name).is_some_and(|r| r <= 2))
    }

    /// Whether a table is open: each open table has its [`Foster`] (a
    /// table that is not kept is for the full pipeline), and structure
    /// elements are open only in one. Asked for every tag and text, so it
    /// costs one comparison outside tables.
    pub(super) fn in_table(&self) -> bool {
        !self.fosters.is_empty()
    }

    /// Whether a structure element of this fate is one the fast path
    /// follows: kept, where the policy keeps the whole structure, or
    /// unwrapped, where it unwraps it whole (a `thead` or `tfoot` of
    /// another fate is for the full pipeline when met).
    pub(super) fn follows_structure(&self, fate: Fate) -> bool {
        match fate {
            Fate::Kept => self.table_action == Some(TagAction::Keep),
            Fate::Unwrapped => self.table_action == Some(TagAction::Unwrap),
            Fate::Hidden => false,
        }
    }

    /// Start tag `name` of `kind`, where the table rules decide:
    /// `Some(done)` if they did, `None` for the "in body" rules.
    pub(super) fn table_start_tag(
        &mut self,
        tag: &Tag,
        kind: Kind,
        attrs: &[RawAttr],
        written: Written,
        end: usize,
    ) -> Option<Option<()>> {
        let name = &tag.name;
        let table_context = self.in_table_context();
        match kind {
            // Right after a kept `pre`: a table's foster-parented content
            // would go before it, and a cell closed would close the `pre`,
            // where its first child decides the serializer's newline.
            Kind::Table | Kind::TablePart if self.pre_first => Some(None),
            Kind::TablePart => Some(self.table_part(tag, attrs, end)),
            Kind::Table if table_context || self.table_action.is_none() => Some(None),
            // An unwrapped `br` or `hr` would want a newline beside it,
            // by siblings the fast path does not track there.
            Kind::Void if table_context && fosterable(name) && tag.action != TagAction::Unwrap => {
                Some(self.fostered(|fast| fast.insert_in_body(tag.clone(), attrs, written, end)))
            }
            _ if table_context => Some(None),
            _ => None,
        }
    }

    /// A structure start tag: closes the cell, row or section it ends,
    /// inserts the section or row it implies, then inserts it.
    fn table_part(&mut self, tag: &Tag, attrs: &[RawAttr], end: usize) -> Option<()> {
        let want = rank(&tag.name)?;
        if !self.in_table() {
            // Outside any table the tree builder ignores it.
            self.pos = end;
            return Some(());
        }
        // A cell closes before a cell, row or section, a row before a row
        // or section, a section before a section.
        self.close_cell_content()?;
        let mut current = rank(&self.open.last()?.name)?;
        while current >= want {
            // The new element (or the one it implies) is the next sibling
            // of the last element closed; each closed before that is its
            // parent's last child.
            let parent = rank(&self.parent_of_current()?.name)?;
            self.pop_current(parent < want);
            current = parent;
        }
        if current == 0 && want >= 2 {
            let tbody = Tag::new(self.policy, local_name!("tbody"));
            self.insert_in_body(tbody, &[], Written::Other, self.pos)?;
            current = 1;
        }
        if current == 1 && want == 3 {
            let tr = Tag::new(self.policy, local_name!("tr"));
            self.insert_in_body(tr, &[], Written::Other, self.pos)?;
        }
        self.insert_in_body(tag.clone(), attrs, Written::Other, end)
    }

    /// End tag `name`, ending at `end`, where the table rules decide:
    /// `Some(done)` if they did, `None` for the "in body" rules.
    pub(super) fn table_end_tag(&mut self, name: &str, end: usize) -> Option<Option<()>> {
        match table_tag(name) {
            // Outside any table the tree builder ignores it ("any other
            // end tag" meets no element of its name).
            Some(Some(_)) if !self.in_table() => {
                self.pos = end;
                Some(Some(()))
            }
            Some(Some(want)) => Some(self.close_structure(name, want, end)),
            // Caption and column tags have rules of their own.
            Some(None) => Some(None),
            // Any other end tag in a table context is processed "in body"
            // with foster-parenting on.
            None => self.in_table_context().then_some(None),
        }
    }

    /// Closes the open structure element `name` (of rank `want`) and all
    /// the structure above it, after what is open in the current cell: a
    /// cell's end tag closes only the current cell; a row's, section's or
    /// table's also closes the cell and row open inside. The element not
    /// open in the table (the parser ignores the tag) is for the full
    /// pipeline.
    fn close_structure(&mut self, name: &str, want: u8, end: usize) -> Option<()> {
        self.close_cell_content()?;
        let mut k = self.open.len();
        loop {
            k = k.checked_sub(1)?;
            let open = &self.open[k];
            let r = rank(&open.name)?;
            if str::eq_ignore_ascii_case(&open.name, name) {
                break;
            }
            if r <= want {
                return None;
            }
        }
        while self.open.len() > k + 1 {
            self.pop_current(false);
        }
        self.pos = end;
        let open = self.open.last()?;
        let next_needs = if open.fate == Fate::Unwrapped && open.last_child.needs_separator() {
            if want == 0 {
                self.next_sibling_needs_separator()?
            } else {
                self.next_in_table_needs_separator()?
            }
        } else {
            false
        };
        self.pop_current(next_needs);
        Some(())
    }

    /// Whether the next sibling of the row, section or cell just closed
    /// (its end tag ends at `self.pos`; it is not yet popped), needs a
    /// newline before it, by the table rules: a structure tag of a lower
    /// level makes its next sibling, one of its own level or higher closes
    /// its parent too, and so does the end tag of an open structure
    /// element; whitespace stays in the table, as text that starts with
    /// it. `None` for anything else: text is foster-parented, and so is
    /// any other element, out of the sibling order.
    fn next_in_table_needs_separator(&self) -> Option<bool> {
        let parent = rank(&self.parent_of_current()?.name)?;
        let rest = &self.bytes[self.pos..];
        match rest {
            [] => Some(false),
            [b'<', b'/', ..] => {
                let close = self.plain_end_tag(self.pos)?;
                let name = &self.input[close.name];
                let r = table_tag(name)??;
                let open = self.open[..self.open.len() - 1]
                    .iter()
                    .any(|o| str::eq_ignore_ascii_case(&o.name, name));
                (r <= parent && open).then_some(false)
            }
            [b'<', b, ..] if b.is_ascii_alphabetic() => {
                let len = rest[1..]
                    .iter()
                    .take_while(|&&b| super::is_tag_name_byte(b))
                    .count();
                let r = table_tag(self.input.get(self.pos + 1..self.pos + 1 + len)?)??;
                Some(r > parent)
            }
            [b'<', b'!', b'-', b'-', ..] => Some(true),
            // A declaration, or a `<` as text (foster-parented).
            [b'<', ..] => None,
            _ => {
                let end = memchr::memchr(b'<', rest).unwrap_or(rest.len());
                rest[..end]
                    .iter()
                    .all(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0c'))
                    .then_some(false)
            }
        }
    }

    /// In a cell, before the tree builder closes it: pops whatever is open
    /// in it, as its "generate implied end tags" and "pop until the cell"
    /// do. The list of active formatting elements is then cleared back to
    /// the cell's marker, so none of them comes back later. Each element
    /// popped is its parent's last child, so none needs a newline after
    /// it. A `form` would leave the form element pointer set, and
    /// anything but a cell below (content foster-parented out of a table
    /// open) is for the full pipeline; with structure as the current node
    /// there is nothing to do.
    fn close_cell_content(&mut self) -> Option<()> {
        let structure = self.open.iter().rposition(|o| rank(&o.name).is_some())?;
        if structure + 1 == self.open.len() {
            return Some(());
        }
        let in_cell = rank(&self.open[structure].name) == Some(3);
        let plain = self.open[structure + 1..]
            .iter()
            .all(|o| o.name != local_name!("form"));
        if !in_cell || !plain {
            return None;
        }
        while self.open.len() > structure + 1 {
            self.pop_current(false);
        }
        Some(())
    }

    /// Text in a table context, up to the next tag: whitespace stays in
    /// the table; any other text is foster-parented whole, as the parser
    /// does with its pending table text.
    pub(super) fn table_text(&mut self) -> Option<()> {
        let rest = &self.bytes[self.pos..];
        // Text in a table is mostly short (whitespace between cells): a
        // look at the first bytes is cheaper than setting up `memchr`.
        let end = match rest.iter().take(16).position(|&b| b == b'<') {
            Some(k) => k,
            None => memchr::memchr(b'<', rest).unwrap_or(rest.len()),
        };
        // The parser decides at the next token that is not text; a `<`
        // that is text would join this run, and so would the text after a
        // doctype, which the tree builder drops before any insertion mode
        // sees it.
        if end < rest.len() {
            let doctype = rest
                .get(end + 2..end + 9)
                .is_some_and(|d| d.eq_ignore_ascii_case(b"doctype"));
            let token = match rest.get(end + 1) {
                Some(b'!') => !doctype,
                Some(b'?') => true,
                Some(b'/') => rest.get(end + 2).is_some_and(u8::is_ascii_alphabetic),
                Some(c) => c.is_ascii_alphabetic(),
                None => false,
            };
            if !token {
                return None;
            }
        }
        let run = &rest[..end];
        // A reference may stand for whitespace or not; CR and NUL are
        // rewritten by the tokenizer.
        if run.iter().any(|&b| matches!(b, b'&' | b'\r' | 0)) {
            return None;
        }
        if run
            .iter()
            .all(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0c'))
        {
            return self.text();
        }
        self.fostered(Self::text)
    }

    /// Runs `f` with its output going where the innermost open table
    /// foster-parents. The node it makes is a sibling before the table,
    /// not a child of the current node: the current node's last child and
    /// output level stay as they were (no unwrapped block is ever a
    /// sibling there for them to matter to, but they would be wrong).
    fn fostered(&mut self, f: impl FnOnce(&mut Self) -> Option<()>) -> Option<()> {
        // `f` makes text or a void element, never a table: the innermost
        // table's entry stays where it is.
        let k = self.fosters.len().checked_sub(1)?;
        let level = self.levels.last().copied();
        let last_child = self.open.last().map(|o| o.last_child);
        std::mem::swap(&mut self.out, &mut self.fosters[k].html);
        self.fostering = true;
        let done = f(self);
        self.fostering = false;
        // What it made went in beside the table, not into the current
        // node.
        self.least_insertion = 1;
        let after = self.level();
        let foster = self.fosters.get_mut(k)?;
        std::mem::swap(&mut self.out, &mut foster.html);
        foster.last = after;
        if let (Some(level), Some(slot)) = (level, self.levels.last_mut()) {
            *slot = level;
        }
        if let (Some(last_child), Some(open)) = (last_child, self.open.last_mut()) {
            open.last_child = last_child;
        }
        done
    }

    /// Just before a kept table's start tag is written, or an unwrapped
    /// table's content, with the newline before it from `at` on.
    pub(super) fn open_table(&mut self, at: usize) {
        self.fosters.push(Foster {
            at,
            html: String::new(),
            separator: self.out.len() > at,
            last: Sibling::None,
        });
    }

    /// Just after a kept table's end tag is written, or an unwrapped
    /// table's content and its newline after: what it foster-parented goes
    /// before it. (Each table's output is moved at most once, when it has
    /// any such content.) Before an unwrapped table's content, the
    /// newline is then the one the last node foster-parented needs; after
    /// an unwrapped table with no content, the next sibling's previous one
    /// is that newline or a node that needs none.
    pub(super) fn close_table(&mut self, unwrapped_empty: Option<bool>) {
        let Some(mut foster) = self.fosters.pop() else {
            return;
        };
        if foster.html.is_empty() {
            return;
        }
        let Some(empty) = unwrapped_empty else {
            self.out.insert_str(foster.at, &foster.html);
            return;
        };
        if foster.last.needs_separator() {
            foster.html.push('\n');
        }
        let end = foster.at + usize::from(foster.separator);
        self.out.replace_range(foster.at..end, &foster.html);
        if empty && let Some(level) = self.levels.last_mut() {
            *level = Sibling::Text(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `rank` (by atom, for the stack) and `TABLE_TAGS` (by the name as
    /// written, for end tags) hold the same ranks.
    #[test]
    fn ranks_agree() {
        for (name, want) in TABLE_TAGS {
            assert_eq!(rank(&LocalName::from(name)), want, "{name}");
            assert_eq!(table_tag(&name.to_ascii_uppercase()), Some(want), "{name}");
        }
        for other in ["div", "p", "td2", "t", "html", "caption2"] {
            assert_eq!(rank(&LocalName::from(other)), None, "{other}");
            assert_eq!(table_tag(other), None, "{other}");
        }
    }
}
