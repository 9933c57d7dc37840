//! The diary features, applied to the tree, never to raw text: special
//! tags expanded into links (before the sanitizer, so the links it makes
//! go through the same URL and `rel` checks as the author's) and
//! paragraphs from blank lines (after it, on the clean tree).

mod line_breaks;
mod linkify;
mod paragraphs;
mod special_tags;
mod walk;

pub use special_tags::SpecialTags;

pub(crate) use paragraphs::{has_blank_line, is_container_name, split_blank_lines};
pub(crate) use special_tags::{expand, special_kind, valid_body};

use html5ever::local_name;

use crate::dom::{Dom, NodeId};
use crate::policy::{Policy, PolicyBuilder};
use crate::report::Report;

/// The diary features a policy turns on.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct Transforms {
    pub(crate) special_tags: Option<SpecialTags>,
    pub(crate) paragraphs: bool,
    pub(crate) line_breaks: bool,
    pub(crate) linkify: bool,
}

/// The transforms that work on the clean tree, in order: paragraphs
/// first (they consume blank lines), then line breaks for the single
/// newlines left, then links. Each makes only elements the policy keeps.
pub(crate) fn after_sanitize(dom: &mut Dom, root: NodeId, policy: &Policy, report: &mut Report) {
    let t = &policy.transforms;
    let max_depth = policy.limits.max_depth;
    // Unwrapped elements, escaped tags and removed empty paragraphs leave
    // text beside text; a re-parse of the output joins them, so the
    // transforms must see them joined too, or a second clean would find
    // blank lines, line breaks and URLs the first did not.
    if t.paragraphs && policy.is_kept(&local_name!("p")) {
        dom.merge_adjacent_text(root);
        paragraphs::paragraphs(dom, root, max_depth, report);
    }
    if t.line_breaks || t.linkify {
        dom.merge_adjacent_text(root);
    }
    if t.line_breaks && policy.is_kept(&local_name!("br")) {
        line_breaks::line_breaks(dom, root, max_depth);
    }
    if t.linkify
        && policy.is_kept(&local_name!("a"))
        && policy.attr_allowed(&local_name!("a"), &local_name!("href"))
    {
        linkify::linkify(dom, root, policy);
    }
}

impl PolicyBuilder {
    /// Expands the legacy diary's special tags into links:
    /// `<person>NAME</person>`, `<proj>NAME</proj>` (or `<project>`) and
    /// `<wiki>Prefix:Page</wiki>` (see [`SpecialTags`] for the rules). One
    /// with markup inside, without its end tag, or with a name its rules
    /// refuse is shown as text. The links go through the policy's URL and
    /// link checks like any other, so the policy must keep `a` with `href`.
    /// Default: off (the `diary` preset: on).
    ///
    /// ```
    /// use safe_markup::{Policy, SpecialTags};
    ///
    /// let policy = Policy::diary()
    ///     .to_builder()
    ///     .special_tags(SpecialTags::new().site_prefix("/community"))
    ///     .build()?;
    /// assert_eq!(
    ///     policy.clean("<person>raph</person>"),
    ///     r#"<a href="/community/person/raph/">raph</a>"#
    /// );
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn special_tags(mut self, special_tags: SpecialTags) -> PolicyBuilder {
        self.transforms.special_tags = Some(special_tags);
        self
    }

    /// Turns the special tags off again: `<person>` is then an unknown tag
    /// like any other.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::diary().to_builder().no_special_tags().build()?;
    /// assert_eq!(policy.clean("<person>raph</person>"), "&lt;person&gt;raph&lt;/person&gt;");
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn no_special_tags(mut self) -> PolicyBuilder {
        self.transforms.special_tags = None;
        self
    }

    /// Makes paragraphs from blank lines: where a container (the post
    /// itself, `div`, `blockquote`, `li`, a table cell, …) has a blank line
    /// in its text, each run of inline content between blank lines and
    /// blocks becomes a `<p>`. A blank line is any run of whitespace
    /// holding two line breaks (LF, CRLF, or lines of spaces alike). Never
    /// inside `pre`; never an empty paragraph; a `p` holding blank lines is
    /// split; a `p` holding only whitespace (the `<p> ` markers of archived
    /// posts) is removed, so markers never stack up. Needs `p` kept.
    /// Default: off (the `diary` preset: on).
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::diary();
    /// assert_eq!(policy.clean("one\r\n\r\ntwo\n \nthree"), "<p>one</p><p>two</p><p>three</p>");
    /// assert_eq!(policy.clean("<pre>a\n\nb</pre>"), "<pre>a\n\nb</pre>");
    /// ```
    pub fn paragraphs(mut self, on: bool) -> PolicyBuilder {
        self.transforms.paragraphs = on;
        self
    }

    /// Turns each single line break in text into a `<br>` (blank lines
    /// stay paragraph breaks when [`paragraphs`](PolicyBuilder::paragraphs)
    /// is on). Never inside `pre`, `code`, `a` or `textarea`; a line break
    /// beside a block or at the edge of its parent is layout and stays.
    /// Needs `br` kept. Default: off.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::diary().to_builder().line_breaks(true).build()?;
    /// assert_eq!(policy.clean("roses\nviolets\n\nsugar"), "<p>roses<br>violets</p><p>sugar</p>");
    /// assert_eq!(policy.clean("<pre>a\nb</pre>"), "<pre>a\nb</pre>");
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn line_breaks(mut self, on: bool) -> PolicyBuilder {
        self.transforms.line_breaks = on;
        self
    }

    /// Links bare `http://` and `https://` URLs in text, with the policy's
    /// URL schemes and link rules (`rel`, new tab). Never inside `a`,
    /// `pre`, `code`, `textarea` or `button`; sentence punctuation after a
    /// URL (`.`, `,`, `)` without its `(`) is left out of it. Needs `a`
    /// kept with `href`. Default: off.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::diary_untrusted().to_builder().linkify(true).build()?;
    /// assert_eq!(
    ///     policy.clean("see https://x.example/a_(b)."),
    ///     r#"see <a href="https://x.example/a_(b)" rel="nofollow ugc">https://x.example/a_(b)</a>."#
    /// );
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn linkify(mut self, on: bool) -> PolicyBuilder {
        self.transforms.linkify = on;
        self
    }
}
