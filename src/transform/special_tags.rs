//! The legacy diary's special tags, `<person>`, `<proj>`/`<project>` and
//! `<wiki>`, expanded into links. The lexer lets one through only as
//! `<name>plain text</name>` with a body its rules accept; this pass, run
//! on the parsed tree before the sanitizer, checks again and turns each
//! into an `a` with an `href`, which the sanitizer then checks like any
//! link.

use std::collections::BTreeMap;

use html5ever::tendril::StrTendril;
use html5ever::{Attribute, QualName, local_name, ns};

use crate::dom::{Dom, Name, NodeData, NodeId};
use crate::error::{PolicyError, PolicyErrorKind};
use crate::lexer::Special;

/// The configuration of the special tags: the site prefix their links go
/// under and the InterMap table for `<wiki>`.
///
/// - `<person>NAME</person>` links to `{prefix}/person/NAME/`; NAME is
///   ASCII letters and digits only.
/// - `<proj>NAME</proj>` and `<project>NAME</project>` link to
///   `{prefix}/proj/NAME/` with NAME percent-encoded; NAME has no `/`, does
///   not start with `.`, and is at most 30 bytes as typed.
/// - `<wiki>Prefix:Page</wiki>` links to the InterMap URL for Prefix
///   followed by Page, with the text as typed; without a colon the prefix
///   is `Wiki`; the body is only `A-Z a-z 0-9 : / . ? =`; an unknown
///   prefix is shown as text.
///
/// ```
/// use safe_markup::{Policy, SpecialTags};
///
/// let tags = SpecialTags::new().intermap("Rust", "https://doc.rust-lang.org/std/");
/// let policy = Policy::diary().to_builder().special_tags(tags).build()?;
/// assert_eq!(
///     policy.clean("<wiki>Rust:vec</wiki> <proj>My Game</proj>"),
///     r#"<a href="https://doc.rust-lang.org/std/vec">Rust:vec</a> <a href="/proj/My%20Game/">My Game</a>"#
/// );
/// # Ok::<(), safe_markup::PolicyError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecialTags {
    site_prefix: String,
    intermap: BTreeMap<String, String>,
}

impl Default for SpecialTags {
    fn default() -> SpecialTags {
        SpecialTags::new()
    }
}

impl SpecialTags {
    /// The legacy defaults: site prefix `""` (links are site-relative,
    /// `/person/NAME/`), InterMap `WikiPedia` →
    /// `http://www.wikipedia.com/wiki/` and `Wiki` →
    /// `http://c2.com/cgi/wiki?`.
    ///
    /// ```
    /// use safe_markup::{Policy, SpecialTags};
    ///
    /// let policy = Policy::diary().to_builder().special_tags(SpecialTags::new()).build()?;
    /// assert_eq!(
    ///     policy.clean("<wiki>WikiWikiWeb</wiki>"),
    ///     r#"<a href="http://c2.com/cgi/wiki?WikiWikiWeb">WikiWikiWeb</a>"#
    /// );
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn new() -> SpecialTags {
        SpecialTags {
            site_prefix: String::new(),
            intermap: BTreeMap::from([
                (
                    "WikiPedia".to_owned(),
                    "http://www.wikipedia.com/wiki/".to_owned(),
                ),
                ("Wiki".to_owned(), "http://c2.com/cgi/wiki?".to_owned()),
            ]),
        }
    }

    /// Puts the generated person and project links under this prefix: a
    /// path (`/community`) or an absolute URL (`https://diary.example`);
    /// a trailing `/` is ignored.
    ///
    /// ```
    /// use safe_markup::{Policy, SpecialTags};
    ///
    /// let tags = SpecialTags::new().site_prefix("https://diary.example/");
    /// let policy = Policy::diary().to_builder().special_tags(tags).build()?;
    /// assert_eq!(
    ///     policy.clean("<proj>gzip</proj>"),
    ///     r#"<a href="https://diary.example/proj/gzip/">gzip</a>"#
    /// );
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn site_prefix(mut self, prefix: impl AsRef<str>) -> SpecialTags {
        self.site_prefix = prefix.as_ref().trim().trim_end_matches('/').to_owned();
        self
    }

    /// Adds (or replaces) an InterMap entry: `<wiki>PREFIX:Page</wiki>`
    /// links to `url` followed by `Page`. Prefixes match case-sensitively.
    ///
    /// ```
    /// use safe_markup::{Policy, SpecialTags};
    ///
    /// let tags = SpecialTags::new().intermap("MDN", "https://developer.mozilla.org/");
    /// let policy = Policy::diary().to_builder().special_tags(tags).build()?;
    /// assert!(policy.clean("<wiki>MDN:en-US</wiki>").contains("&lt;wiki&gt;"));
    /// assert!(policy.clean("<wiki>MDN:docs</wiki>").starts_with("<a href"));
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn intermap(mut self, prefix: impl AsRef<str>, url: impl AsRef<str>) -> SpecialTags {
        self.intermap.insert(
            prefix.as_ref().trim().to_owned(),
            url.as_ref().trim().to_owned(),
        );
        self
    }

    /// Replaces the whole InterMap table.
    pub(crate) fn with_intermap(mut self, intermap: BTreeMap<String, String>) -> SpecialTags {
        self.intermap = intermap;
        self
    }

    /// Checks that every link these settings can make is a valid URL or
    /// path, so a bad setting fails at build time, not as silently
    /// dropped links.
    pub(crate) fn check(&self) -> Result<(), PolicyError> {
        let err = |message: String| {
            Err(PolicyError::new(PolicyErrorKind::InvalidSpecialTags {
                message,
            }))
        };
        let bad_char = |s: &str| {
            s.chars()
                .any(|c| c.is_whitespace() || c.is_control() || "\"'<>`\\".contains(c))
        };
        if bad_char(&self.site_prefix)
            || !(self.site_prefix.is_empty()
                || self.site_prefix.starts_with('/') && !self.site_prefix.starts_with("//")
                || url::Url::parse(&self.site_prefix).is_ok_and(|u| !u.cannot_be_a_base()))
        {
            return err(format!(
                "site prefix `{}` is not a path starting with `/` or an absolute URL",
                self.site_prefix
            ));
        }
        for (prefix, url) in &self.intermap {
            if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return err(format!(
                    "InterMap prefix `{prefix}` is not letters and digits"
                ));
            }
            if bad_char(url) || url::Url::parse(url).is_err() {
                return err(format!(
                    "InterMap URL `{url}` for `{prefix}` is not an absolute URL"
                ));
            }
        }
        Ok(())
    }

    /// The href for a special tag with this (decoded) text, if valid.
    fn href(&self, special: Special, text: &str) -> Option<String> {
        if !valid_body(self, special, text) {
            return None;
        }
        Some(match special {
            Special::Person => format!("{}/person/{text}/", self.site_prefix),
            Special::Project => format!("{}/proj/{}/", self.site_prefix, path_escape(text)),
            Special::Wiki => {
                let (prefix, page) = text.split_once(':').unwrap_or(("Wiki", text));
                format!("{}{page}", self.intermap.get(prefix)?)
            }
        })
    }
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
        let href = text.and_then(|t| tags.href(special, &t));
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
