//! The parser state that the kept ancestors of a node imply, as bits, and
//! the start tags that state would make the parser close something for:
//! a kept element there is unwrapped, so the output re-parses to itself,
//! and in the page around it too.

use html5ever::{LocalName, local_name};

use crate::tags;

const P_IN_BUTTON_SCOPE: u16 = 1 << 0;
pub(crate) const A_OPEN: u16 = 1 << 1;
const LI_OPEN: u16 = 1 << 2;
const DD_DT_OPEN: u16 = 1 << 3;
const RUBY_IN_SCOPE: u16 = 1 << 4;
const NOBR_IN_SCOPE: u16 = 1 << 5;
const BUTTON_IN_SCOPE: u16 = 1 << 6;
const FORM_OPEN: u16 = 1 << 7;
/// A kept `ul`, `ol` or `menu` is an ancestor (never cleared).
const IN_LIST: u16 = 1 << 8;
/// A kept `dl` is an ancestor (never cleared).
const IN_DL: u16 = 1 << 9;

/// The parser state bits inside an element `name` whose parent's bits are
/// `bits` (shared with the fast path, which tracks them on its own stack).
pub(crate) fn child_bits(mut bits: u16, name: &LocalName) -> u16 {
    // Each bit is tested before the name: clearing a clear bit changes
    // nothing, and the name tests are what costs.
    let scoped = P_IN_BUTTON_SCOPE | RUBY_IN_SCOPE | NOBR_IN_SCOPE | BUTTON_IN_SCOPE;
    if bits & scoped != 0 && tags::is_scope_boundary(name) {
        bits &= !scoped;
    }
    if *name == local_name!("button") {
        bits &= !P_IN_BUTTON_SCOPE;
    }
    if bits & A_OPEN != 0 && tags::is_formatting_marker(name) {
        bits &= !A_OPEN;
    }
    if bits & (LI_OPEN | DD_DT_OPEN) != 0
        && tags::is_special(name)
        && !matches!(
            *name,
            local_name!("address") | local_name!("div") | local_name!("p")
        )
    {
        bits &= !(LI_OPEN | DD_DT_OPEN);
    }
    bits |= match *name {
        local_name!("p") => P_IN_BUTTON_SCOPE,
        local_name!("a") => A_OPEN,
        local_name!("li") => LI_OPEN,
        local_name!("dd") | local_name!("dt") => DD_DT_OPEN,
        local_name!("ruby") => RUBY_IN_SCOPE,
        local_name!("nobr") => NOBR_IN_SCOPE,
        local_name!("button") => BUTTON_IN_SCOPE,
        local_name!("form") => FORM_OPEN,
        local_name!("ul") | local_name!("ol") | local_name!("menu") => IN_LIST,
        local_name!("dl") => IN_DL,
        _ => 0,
    };
    bits
}

/// Whether the parser, meeting this start tag with `parent` as the current
/// node, would first close something (so the element would not end up
/// where it is now).
pub(crate) fn misnested(bits: u16, parent_name: &LocalName, name: &LocalName) -> bool {
    let has = |flag: u16| bits & flag != 0;
    // The common case first: nothing open that a start tag can close but
    // a heading.
    if bits == 0 {
        return tags::is_heading(name) && tags::is_heading(parent_name);
    }
    // The bits first: they are cheaper to test than the names.
    (has(P_IN_BUTTON_SCOPE) && tags::closes_p(name))
        || (has(A_OPEN) && *name == local_name!("a"))
        || (has(LI_OPEN) && *name == local_name!("li"))
        || (has(DD_DT_OPEN) && matches!(*name, local_name!("dd") | local_name!("dt")))
        || (tags::is_heading(name) && tags::is_heading(parent_name))
        || (has(RUBY_IN_SCOPE)
            && matches!(*name, local_name!("rb") | local_name!("rtc"))
            && tags::has_implied_end(parent_name))
        || (has(RUBY_IN_SCOPE)
            && matches!(*name, local_name!("rt") | local_name!("rp"))
            && tags::has_implied_end(parent_name)
            && *parent_name != local_name!("rtc"))
        || (has(NOBR_IN_SCOPE) && *name == local_name!("nobr"))
        || (has(BUTTON_IN_SCOPE) && *name == local_name!("button"))
        || (has(FORM_OPEN) && *name == local_name!("form"))
}

/// Whether a kept `li`, `dd` or `dt` would reach out of the output on a
/// page. At an `<li>` start tag the tree builder walks up the open
/// elements past `div`, `p`, `address` and anything not special, and
/// closes the first `li` it meets: in a page that lists comments as
/// `<li><div>{post}</div></li>`, a post's bare `<li>` closes the page's
/// item and becomes one of its own, a spoofed comment. `dd` and `dt` do
/// the same in a page's `<dl>`. Inside a list the output opens itself the
/// walk stops at that list (every `ul`, `ol`, `menu` and `dl` is
/// special), so an item is kept only there.
pub(crate) fn uncontained(bits: u16, name: &LocalName) -> bool {
    match *name {
        local_name!("li") => bits & IN_LIST == 0,
        local_name!("dd") | local_name!("dt") => bits & IN_DL == 0,
        _ => false,
    }
}
