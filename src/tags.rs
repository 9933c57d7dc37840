//! Tag sets from the HTML parsing spec, as matches on interned atoms.
//!
//! The sanitizer keeps an element only where html5ever, reading our output
//! again, would put it in the same place. These sets describe the parser
//! rules that could move or close an element (the "special" category, the
//! scope boundaries, the start tags that close an open `p`), and the
//! elements that can never be kept.

use html5ever::{LocalName, local_name};

/// Elements whose content the parser reads as raw text or RCDATA: text
/// inside them is never escaped on output, so keeping one would let
/// attacker text through as markup.
pub(crate) fn is_raw_text(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("script")
            | local_name!("style")
            | local_name!("xmp")
            | local_name!("iframe")
            | local_name!("noembed")
            | local_name!("noframes")
            | local_name!("plaintext")
            | local_name!("noscript")
            | local_name!("title")
            | local_name!("textarea")
    )
}

/// How an attribute's value holds URLs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum UrlKind {
    /// The whole value is one URL.
    Single,
    /// Whitespace-separated URLs (`ping`, `archive`).
    List,
    /// Image candidates: URL, optional descriptors, comma-separated.
    Srcset,
}

/// Whether an attribute carries URLs. Checked on every kept attribute, not
/// only the usual ones, so allowing e.g. `poster` or `background` can never
/// let a `javascript:` URL through.
pub(crate) fn url_kind(attr: &str) -> Option<UrlKind> {
    match attr {
        "href" | "src" | "cite" | "action" | "formaction" | "poster" | "background"
        | "longdesc" | "data" | "codebase" | "classid" | "manifest" | "icon" | "profile"
        | "dynsrc" | "lowsrc" | "itemid" | "xlink:href" | "xml:base" => Some(UrlKind::Single),
        "ping" | "archive" | "itemtype" => Some(UrlKind::List),
        "srcset" | "imagesrcset" => Some(UrlKind::Srcset),
        _ => None,
    }
}

/// Every name [`url_kind`] knows, for the policy's build checks (an
/// attribute prefix may not reach one).
pub(crate) const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "poster",
    "background",
    "longdesc",
    "data",
    "codebase",
    "classid",
    "manifest",
    "icon",
    "profile",
    "dynsrc",
    "lowsrc",
    "itemid",
    "xlink:href",
    "xml:base",
    "ping",
    "archive",
    "itemtype",
    "srcset",
    "imagesrcset",
];

/// Elements a policy may not keep for reasons other than raw text, with
/// the reason given in the build error.
pub(crate) fn unkeepable_reason(name: &LocalName) -> Option<&'static str> {
    Some(match *name {
        local_name!("template") => "its contents live outside the tree and are never emitted",
        local_name!("object")
        | local_name!("embed")
        | local_name!("applet")
        | local_name!("param") => "it loads active content (plugins, nested documents)",
        local_name!("base") => "it changes how every URL on the page resolves",
        local_name!("meta") | local_name!("link") => "it can refresh, redirect or load resources",
        local_name!("frame") | local_name!("frameset") => "it loads a nested document",
        local_name!("form") => {
            "a form posts what readers type (passwords too) wherever its author says"
        }
        local_name!("html") | local_name!("head") | local_name!("body") => {
            "the fragment parser never creates it"
        }
        local_name!("svg") | local_name!("math") => {
            "foreign content (SVG, MathML) is not supported"
        }
        local_name!("select")
        | local_name!("option")
        | local_name!("optgroup")
        | local_name!("datalist")
        | local_name!("selectedcontent")
        | local_name!("keygen") => "select parsing moves content; not supported",
        _ => match &**name {
            "fencedframe" | "portal" => "it loads a nested document",
            _ => return None,
        },
    })
}

/// Elements dropped with their content by default: their content is not
/// shown by a browser, so unwrapping would reveal text the author hid, or
/// is code.
pub(crate) const DEFAULT_DROP: &[&str] = &[
    "script", "style", "template", "noscript", "noembed", "noframes", "iframe", "title",
    "frameset", "head",
];

/// Elements a browser lays out on lines of their own (or `br`): when one is
/// unwrapped, a newline keeps the words on either side apart.
pub(crate) fn breaks_line(name: &LocalName) -> bool {
    is_heading(name)
        || matches!(
            *name,
            local_name!("address")
                | local_name!("article")
                | local_name!("aside")
                | local_name!("blockquote")
                | local_name!("br")
                | local_name!("caption")
                | local_name!("center")
                | local_name!("dd")
                | local_name!("details")
                | local_name!("dialog")
                | local_name!("dir")
                | local_name!("div")
                | local_name!("dl")
                | local_name!("dt")
                | local_name!("fieldset")
                | local_name!("figcaption")
                | local_name!("figure")
                | local_name!("footer")
                | local_name!("form")
                | local_name!("header")
                | local_name!("hgroup")
                | local_name!("hr")
                | local_name!("legend")
                | local_name!("li")
                | local_name!("listing")
                | local_name!("main")
                | local_name!("menu")
                | local_name!("nav")
                | local_name!("ol")
                | local_name!("p")
                | local_name!("pre")
                | local_name!("search")
                | local_name!("section")
                | local_name!("summary")
                | local_name!("table")
                | local_name!("tbody")
                | local_name!("td")
                | local_name!("tfoot")
                | local_name!("th")
                | local_name!("thead")
                | local_name!("tr")
                | local_name!("ul")
        )
}

pub(crate) fn is_void(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("area")
            | local_name!("base")
            | local_name!("basefont")
            | local_name!("bgsound")
            | local_name!("br")
            | local_name!("col")
            | local_name!("embed")
            | local_name!("frame")
            | local_name!("hr")
            | local_name!("img")
            | local_name!("input")
            | local_name!("keygen")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("param")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
    )
}

/// The parser drops one newline right after these start tags, so the
/// serializer must write an extra one when the content starts with it.
pub(crate) fn eats_leading_newline(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("pre") | local_name!("listing") | local_name!("textarea")
    )
}

pub(crate) fn is_heading(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
    )
}

/// Start tags that close a `p` open in button scope.
pub(crate) fn closes_p(name: &LocalName) -> bool {
    is_heading(name)
        || matches!(
            *name,
            local_name!("address")
                | local_name!("article")
                | local_name!("aside")
                | local_name!("blockquote")
                | local_name!("center")
                | local_name!("details")
                | local_name!("dialog")
                | local_name!("dir")
                | local_name!("div")
                | local_name!("dl")
                | local_name!("fieldset")
                | local_name!("figcaption")
                | local_name!("figure")
                | local_name!("footer")
                | local_name!("header")
                | local_name!("hgroup")
                | local_name!("main")
                | local_name!("menu")
                | local_name!("nav")
                | local_name!("ol")
                | local_name!("p")
                | local_name!("search")
                | local_name!("section")
                | local_name!("summary")
                | local_name!("ul")
                | local_name!("pre")
                | local_name!("listing")
                | local_name!("form")
                | local_name!("li")
                | local_name!("dd")
                | local_name!("dt")
                | local_name!("plaintext")
                | local_name!("table")
                | local_name!("hr")
                | local_name!("xmp")
        )
}

/// Boundaries of "has an element in scope" (HTML namespace part).
pub(crate) fn is_scope_boundary(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("applet")
            | local_name!("caption")
            | local_name!("html")
            | local_name!("table")
            | local_name!("td")
            | local_name!("th")
            | local_name!("marquee")
            | local_name!("object")
            | local_name!("template")
    )
}

/// Markers in the list of active formatting elements.
pub(crate) fn is_formatting_marker(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("applet")
            | local_name!("object")
            | local_name!("marquee")
            | local_name!("template")
            | local_name!("td")
            | local_name!("th")
            | local_name!("caption")
    )
}

/// The "special" category, HTML namespace, as both html5ever 0.40 and the
/// standard have it. They differ on three tags. `search` is special only
/// in the standard (and browsers): so an `li` that would end up in a
/// `search` inside another `li` (after an unwrapped `applet` between them,
/// say) counts as closing that `li`, as html5ever's re-parse would make
/// it, and is unwrapped: stable under html5ever, and under browsers too,
/// where no such `li` is left. `isindex` is special only in html5ever; it
/// is left out for the same reason (an `li` inside a kept `isindex` inside
/// an `li` is unwrapped, where either parser could nest or close it), and
/// the fast path, which must follow html5ever exactly, leaves `isindex` to
/// the full pipeline. `keygen` (the standard's) is in: it is never kept,
/// and the fast path leaves it to the full pipeline too.
pub(crate) fn is_special(name: &LocalName) -> bool {
    is_heading(name)
        || matches!(
            *name,
            local_name!("address")
                | local_name!("applet")
                | local_name!("area")
                | local_name!("article")
                | local_name!("aside")
                | local_name!("base")
                | local_name!("basefont")
                | local_name!("bgsound")
                | local_name!("blockquote")
                | local_name!("body")
                | local_name!("br")
                | local_name!("button")
                | local_name!("caption")
                | local_name!("center")
                | local_name!("col")
                | local_name!("colgroup")
                | local_name!("dd")
                | local_name!("details")
                | local_name!("dir")
                | local_name!("div")
                | local_name!("dl")
                | local_name!("dt")
                | local_name!("embed")
                | local_name!("fieldset")
                | local_name!("figcaption")
                | local_name!("figure")
                | local_name!("footer")
                | local_name!("form")
                | local_name!("frame")
                | local_name!("frameset")
                | local_name!("head")
                | local_name!("header")
                | local_name!("hgroup")
                | local_name!("hr")
                | local_name!("html")
                | local_name!("iframe")
                | local_name!("img")
                | local_name!("input")
                | local_name!("keygen")
                | local_name!("li")
                | local_name!("link")
                | local_name!("listing")
                | local_name!("main")
                | local_name!("marquee")
                | local_name!("menu")
                | local_name!("meta")
                | local_name!("nav")
                | local_name!("noembed")
                | local_name!("noframes")
                | local_name!("noscript")
                | local_name!("object")
                | local_name!("ol")
                | local_name!("p")
                | local_name!("param")
                | local_name!("plaintext")
                | local_name!("pre")
                | local_name!("script")
                | local_name!("section")
                | local_name!("select")
                | local_name!("source")
                | local_name!("style")
                | local_name!("summary")
                | local_name!("table")
                | local_name!("tbody")
                | local_name!("td")
                | local_name!("template")
                | local_name!("textarea")
                | local_name!("tfoot")
                | local_name!("th")
                | local_name!("thead")
                | local_name!("title")
                | local_name!("tr")
                | local_name!("track")
                | local_name!("ul")
                | local_name!("wbr")
                | local_name!("xmp")
        )
}

/// Elements popped by "generate implied end tags".
pub(crate) fn has_implied_end(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("dd")
            | local_name!("dt")
            | local_name!("li")
            | local_name!("optgroup")
            | local_name!("option")
            | local_name!("p")
            | local_name!("rb")
            | local_name!("rp")
            | local_name!("rt")
            | local_name!("rtc")
    )
}

/// Elements whose children the parser handles in a table insertion mode,
/// where anything but the listed children is foster-parented out.
pub(crate) fn is_table_context(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("table")
            | local_name!("tbody")
            | local_name!("thead")
            | local_name!("tfoot")
            | local_name!("tr")
            | local_name!("colgroup")
    )
}

/// Whether `child` may sit directly inside table-context `parent`.
pub(crate) fn valid_in_table_context(parent: &LocalName, child: &LocalName) -> bool {
    match *parent {
        local_name!("table") => matches!(
            *child,
            local_name!("caption")
                | local_name!("colgroup")
                | local_name!("thead")
                | local_name!("tbody")
                | local_name!("tfoot")
        ),
        local_name!("tbody") | local_name!("thead") | local_name!("tfoot") => {
            *child == local_name!("tr")
        }
        local_name!("tr") => matches!(*child, local_name!("td") | local_name!("th")),
        local_name!("colgroup") => *child == local_name!("col"),
        _ => true,
    }
}

/// For table-internal elements, the parents the parser allows; `None` for
/// elements that may go anywhere.
pub(crate) fn required_parents(name: &LocalName) -> Option<&'static [LocalName]> {
    static TABLE: [LocalName; 1] = [local_name!("table")];
    static SECTION: [LocalName; 3] = [
        local_name!("tbody"),
        local_name!("thead"),
        local_name!("tfoot"),
    ];
    static ROW: [LocalName; 1] = [local_name!("tr")];
    static COLGROUP: [LocalName; 1] = [local_name!("colgroup")];
    match *name {
        local_name!("caption")
        | local_name!("colgroup")
        | local_name!("thead")
        | local_name!("tbody")
        | local_name!("tfoot") => Some(&TABLE),
        local_name!("tr") => Some(&SECTION),
        local_name!("td") | local_name!("th") => Some(&ROW),
        local_name!("col") => Some(&COLGROUP),
        _ => None,
    }
}

/// The wrapper the parser would insert between `parent` and `child`, as in
/// `<table><tr>` gaining a `tbody`.
pub(crate) fn implied_wrapper(parent: &LocalName, child: &LocalName) -> Option<LocalName> {
    match (parent, child) {
        (&local_name!("table"), &local_name!("tr") | &local_name!("td") | &local_name!("th")) => {
            Some(local_name!("tbody"))
        }
        (
            &local_name!("tbody") | &local_name!("thead") | &local_name!("tfoot"),
            &local_name!("td") | &local_name!("th"),
        ) => Some(local_name!("tr")),
        (&local_name!("table"), &local_name!("col")) => Some(local_name!("colgroup")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list the build checks read and the match the sanitizer runs
    /// name the same attributes: a URL attribute missing from the list
    /// would let a prefix admit it unchecked.
    #[test]
    fn url_attribute_list_matches_url_kind() {
        for name in URL_ATTRIBUTES {
            assert!(url_kind(name).is_some(), "{name}");
        }
        let known: usize = [
            "href",
            "src",
            "cite",
            "action",
            "formaction",
            "poster",
            "background",
            "longdesc",
            "data",
            "codebase",
            "classid",
            "manifest",
            "icon",
            "profile",
            "dynsrc",
            "lowsrc",
            "itemid",
            "xlink:href",
            "xml:base",
            "ping",
            "archive",
            "itemtype",
            "srcset",
            "imagesrcset",
            "title",
            "alt",
            "class",
            "hrefx",
            "xsrc",
        ]
        .iter()
        .filter(|n| url_kind(n).is_some())
        .count();
        assert_eq!(known, URL_ATTRIBUTES.len());
    }
}
