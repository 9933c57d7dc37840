//! The settings of the legacy diary's special tags (`<person>`,
//! `<proj>`, `<wiki>`): where their links go. The rules for their bodies
//! and the expansion into links are the transform's
//! (the transform's `special_tags`).

use std::collections::BTreeMap;

use crate::error::{PolicyError, PolicyErrorKind};

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
    pub(crate) site_prefix: String,
    pub(crate) intermap: BTreeMap<String, String>,
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
}
