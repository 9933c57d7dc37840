//! DOM clobbering defence: with
//! [`PolicyBuilder::id_prefix`](crate::PolicyBuilder::id_prefix), every
//! kept `id` and `name` gets a prefix, and so does every reference to one,
//! so that the author's markup keeps working among itself but can never
//! name, and so shadow, the page's own elements or globals.
//!
//! The attack: `<img name="getElementById">` replaces
//! `document.getElementById` for every script on the page, and
//! `<a id="config" href="https://evil.test/">` makes `window.config` an
//! element whose string value is an attacker's URL, which a script that
//! reads `config.url || config` may then load. Both need the author to
//! choose a name the page's scripts use; a prefix takes that choice away.

use html5ever::{LocalName, local_name};

/// Checks the prefix given to the builder: non-empty ASCII letters,
/// digits, `-` and `_`, so that prefixed ids stay valid in CSS selectors
/// and fragments as well as in HTML.
pub(crate) fn valid_prefix(prefix: &str) -> bool {
    !prefix.is_empty()
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// How an attribute holds ids.
enum Holds {
    /// The value is one id or name (`id`, `name`, `for`, …).
    One,
    /// Whitespace-separated ids (`headers`, `aria-labelledby`, …).
    List,
    /// A `#` and a name or id (`usemap`, and `href` when it is only a
    /// fragment).
    Fragment,
}

/// Which attributes hold ids or refer to them: `id` and `name`, and the
/// ID references of the HTML standard and of WAI-ARIA.
fn holds(tag: &LocalName, attr: &LocalName) -> Option<Holds> {
    // Matched as strings: this runs only under an id prefix, and several
    // of these names have no static atom.
    match &**attr {
        "id"
        | "name"
        | "for"
        | "list"
        | "form"
        | "popovertarget"
        | "commandfor"
        | "anchor"
        | "aria-activedescendant" => Some(Holds::One),
        "headers" | "itemref" | "aria-controls" | "aria-describedby" | "aria-details"
        | "aria-errormessage" | "aria-flowto" | "aria-labelledby" | "aria-owns" => {
            Some(Holds::List)
        }
        "usemap" => Some(Holds::Fragment),
        "href" if matches!(*tag, local_name!("a") | local_name!("area")) => Some(Holds::Fragment),
        _ => None,
    }
}

fn push_prefixed(out: &mut String, prefix: &str, id: &str) {
    if !id.starts_with(prefix) {
        out.push_str(prefix);
    }
    out.push_str(id);
}

/// The value of `attr` on `tag` with `prefix` applied, or `None` when it
/// stays as it is (not an id attribute, empty, or prefixed already, which
/// keeps cleaning idempotent).
pub(crate) fn prefixed(
    prefix: &str,
    tag: &LocalName,
    attr: &LocalName,
    value: &str,
) -> Option<String> {
    let mut out = String::with_capacity(prefix.len() + value.len());
    match holds(tag, attr)? {
        Holds::One => {
            if value.is_empty() || value.starts_with(prefix) {
                return None;
            }
            push_prefixed(&mut out, prefix, value);
        }
        Holds::List => {
            let mut changed = false;
            for id in value.split_ascii_whitespace() {
                changed |= !id.starts_with(prefix);
                if !out.is_empty() {
                    out.push(' ');
                }
                push_prefixed(&mut out, prefix, id);
            }
            if !changed {
                return None;
            }
        }
        Holds::Fragment => {
            // Only a fragment of this page; `page.html#x` and a base
            // rewritten `https://…/#x` point elsewhere.
            let id = value.strip_prefix('#')?;
            if id.is_empty() || id.starts_with(prefix) {
                return None;
            }
            out.push('#');
            push_prefixed(&mut out, prefix, id);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(tag: &str, attr: &str, value: &str) -> Option<String> {
        prefixed(
            "user-content-",
            &LocalName::from(tag),
            &LocalName::from(attr),
            value,
        )
    }

    #[test]
    fn prefixes_ids_and_references_once() {
        assert_eq!(p("div", "id", "x").as_deref(), Some("user-content-x"));
        assert_eq!(
            p("img", "name", "getElementById").as_deref(),
            Some("user-content-getElementById")
        );
        assert_eq!(p("div", "id", "user-content-x"), None);
        assert_eq!(p("div", "id", ""), None);
        assert_eq!(p("label", "for", "f").as_deref(), Some("user-content-f"));
        assert_eq!(
            p("td", "headers", " a  user-content-b\tc ").as_deref(),
            Some("user-content-a user-content-b user-content-c")
        );
        assert_eq!(p("td", "headers", "user-content-a user-content-b"), None);
        assert_eq!(p("a", "href", "#top").as_deref(), Some("#user-content-top"));
        assert_eq!(p("a", "href", "#user-content-top"), None);
        assert_eq!(p("a", "href", "#"), None);
        assert_eq!(p("a", "href", "page.html#top"), None);
        assert_eq!(p("a", "href", "https://x.test/#top"), None);
        assert_eq!(p("img", "usemap", "#m").as_deref(), Some("#user-content-m"));
        assert_eq!(p("link", "href", "#x"), None);
        assert_eq!(p("div", "title", "x"), None);
        assert_eq!(
            p("button", "commandfor", "d").as_deref(),
            Some("user-content-d")
        );
    }

    #[test]
    fn prefix_syntax() {
        assert!(valid_prefix("user-content-"));
        assert!(valid_prefix("u_1"));
        for bad in ["", "a b", "x\"", "é-", "a#", "a."] {
            assert!(!valid_prefix(bad), "{bad:?}");
        }
    }
}
