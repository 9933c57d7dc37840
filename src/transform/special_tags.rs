//! The legacy diary's special tags, `<person>`, `<proj>`/`<project>` and
//! `<wiki>`, expanded into links. The lexer lets one through only as
//! `<name>plain text</name>` with a body its rules accept; this pass, run
//! on the parsed tree before the sanitizer, checks again and turns each
//! into an `a` with an `href`, which the sanitizer then checks like any
//! link.

use html5ever::tendril::StrTendril;
use html5ever::{Attribute, QualName, local_name, ns};

use crate::dom::{Dom, Name, NodeData, NodeId};
use crate::lexer::Special;
use crate::policy::SpecialTags;

/// The href for a special tag with this (decoded) text, if valid.
fn href(tags: &SpecialTags, special: Special, text: &str) -> Option<String> {
    if !valid_body(tags, special, text) {
        return None;
    }
    Some(match special {
        Special::Person => format!("{}/person/{text}/", tags.site_prefix),
        Special::Project => format!("{}/proj/{}/", tags.site_prefix, path_escape(text)),
        Special::Wiki => {
            let (prefix, page) = text.split_once(':').unwrap_or(("Wiki", text));
            format!("{}{page}", tags.intermap.get(prefix)?)
        }
    })
}

/// The special tag a name stands for.
pub(crate) fn special_kind(name: &str) -> Option<Special> {
    match name {
        "person" => Some(Special::Person),
        "proj" | "project" => Some(Special::Project),
        "wiki" => Some(Special::Wiki),
        _ => None,
    }
}

/// The legacy validation rules for a special tag's body.
pub(crate) fn valid_body(tags: &SpecialTags, special: Special, body: &str) -> bool {
    match special {
        Special::Person => !body.is_empty() && body.bytes().all(|b| b.is_ascii_alphanumeric()),
        Special::Project => {
            !body.is_empty() && body.len() <= 30 && !body.contains('/') && !body.starts_with('.')
        }
        Special::Wiki => {
            !body.is_empty()
                && body
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b":/.?=".contains(&b))
                && tags
                    .intermap
                    .contains_key(body.split_once(':').map_or("Wiki", |(p, _)| p))
        }
    }
}

/// Percent-encodes everything but the URL path's unreserved characters.
fn path_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Turns every special-tag element under `root` into a link, or, if its
/// content is not a single valid text (the lexer makes sure it is), into
/// its bare content.
pub(crate) fn expand(dom: &mut Dom, root: NodeId, tags: &SpecialTags) {
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if let Some(e) = dom.element(id)
            && e.name.is_html()
            && let Some(special) = special_kind(&e.name.local)
        {
            found.push((id, special));
        }
        let mut child = dom.first_child(id);
        while let Some(c) = child {
            stack.push(c);
            child = dom.next_sibling(c);
        }
    }
    for (id, special) in found {
        let text = match dom.first_child(id) {
            Some(only) if dom.next_sibling(only).is_none() => match &dom.node(only).data {
                NodeData::Text(t) => Some(t.to_string()),
                _ => None,
            },
            _ => None,
        };
        let href = text.and_then(|t| href(tags, special, &t));
        match (href, dom.element_mut(id)) {
            (Some(href), Some(e)) => {
                e.name = Name::html(local_name!("a"));
                e.attrs = Box::new([Attribute {
                    name: QualName::new(None, ns!(), local_name!("href")),
                    value: StrTendril::from(href),
                }]);
            }
            _ => {
                dom.hoist_children(id);
                dom.detach(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_follow_the_legacy_rules() {
        let tags = SpecialTags::new();
        let cases = [
            (Special::Person, "raph", true),
            (Special::Person, "foo bar", false),
            (Special::Person, "", false),
            (Special::Person, "zoë", false),
            (Special::Project, "My Game", true),
            (Special::Project, "a/b", false),
            (Special::Project, ".hidden", false),
            (Special::Project, &"x".repeat(30), true),
            (Special::Project, &"x".repeat(31), false),
            (Special::Wiki, "WikiPedia:Rust", true),
            (Special::Wiki, "FrontPage", true),
            (Special::Wiki, "Nowhere:Page", false),
            (Special::Wiki, "WikiPedia:A B", false),
        ];
        for (special, body, want) in cases {
            assert_eq!(
                valid_body(&tags, special, body),
                want,
                "{special:?} {body:?}"
            );
        }
    }

    #[test]
    fn project_names_are_path_escaped() {
        assert_eq!(path_escape("AT&T ü"), "AT%26T%20%C3%BC");
    }

    #[test]
    fn bad_settings_fail_the_check() {
        assert!(
            SpecialTags::new()
                .site_prefix("//evil.example")
                .check()
                .is_err()
        );
        assert!(
            SpecialTags::new()
                .site_prefix("javascript:x")
                .check()
                .is_err()
        );
        assert!(SpecialTags::new().site_prefix("a b").check().is_err());
        assert!(
            SpecialTags::new()
                .intermap("X", "not a url")
                .check()
                .is_err()
        );
        assert!(
            SpecialTags::new()
                .intermap("X Y", "https://x.test/")
                .check()
                .is_err()
        );
        assert!(SpecialTags::new().site_prefix("/c").check().is_ok());
        assert!(
            SpecialTags::new()
                .site_prefix("https://d.example")
                .check()
                .is_ok()
        );
    }
}
