//! [`PolicyBuilder`]: every setter, with its default and an example.

use std::collections::{BTreeMap, BTreeSet};

use super::{LinkOptions, Policy, RelativeUrls, SpecialTags, TagAction, Transforms};
use crate::error::PolicyError;
use crate::limits::Limits;
use crate::tags;

/// Builds a [`Policy`]. Every setter takes owned or borrowed strings and
/// copies them, so the builder has no lifetime. [`PolicyBuilder::build`]
/// checks the whole configuration and is the only fallible step.
///
/// A new builder keeps nothing: no tags, no attributes, no URL schemes;
/// unknown tags are unwrapped, `script`, `style` and other hidden or
/// active content is dropped, comments are removed, relative URLs pass.
///
/// ```
/// use safe_markup::Policy;
///
/// let policy = Policy::builder()
///     .allow_tags(["p", "a", "b"])
///     .allow_attrs("a", ["href", "title"])
///     .url_schemes(["http", "https", "mailto"])
///     .link_rel("nofollow ugc noopener")
///     .build()?;
/// assert_eq!(
///     policy.clean(r#"<a href="javascript:alert(1)" title=t>x</a>"#),
///     r#"<a title="t">x</a>"#
/// );
/// # Ok::<(), safe_markup::PolicyError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyBuilder {
    pub(super) actions: BTreeMap<String, TagAction>,
    pub(super) tag_attrs: BTreeMap<String, BTreeSet<String>>,
    pub(super) generic_attrs: BTreeSet<String>,
    pub(super) other: TagAction,
    pub(super) schemes: BTreeSet<String>,
    pub(super) relative: RelativeUrls,
    pub(super) link_rel: String,
    pub(super) comments: bool,
    pub(super) limits: Limits,
    pub(super) text_only: bool,
    pub(crate) links: LinkOptions,
    pub(crate) transforms: Transforms,
    pub(super) report_spans: bool,
    pub(super) style_properties: BTreeSet<String>,
    pub(super) id_prefix: Option<String>,
    pub(super) unwrap_links: bool,
    pub(super) attr_values: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    pub(super) classes: BTreeMap<String, BTreeSet<String>>,
    pub(super) attr_prefixes: BTreeSet<String>,
    pub(super) forced: BTreeMap<String, BTreeMap<String, String>>,
}

impl Default for PolicyBuilder {
    fn default() -> PolicyBuilder {
        let mut b = PolicyBuilder {
            actions: BTreeMap::new(),
            tag_attrs: BTreeMap::new(),
            generic_attrs: BTreeSet::new(),
            other: TagAction::Unwrap,
            schemes: BTreeSet::new(),
            relative: RelativeUrls::Pass,
            link_rel: String::new(),
            comments: false,
            limits: Limits::default(),
            text_only: false,
            links: LinkOptions::default(),
            transforms: Transforms::default(),
            report_spans: false,
            style_properties: BTreeSet::new(),
            id_prefix: None,
            unwrap_links: false,
            attr_values: BTreeMap::new(),
            classes: BTreeMap::new(),
            attr_prefixes: BTreeSet::new(),
            forced: BTreeMap::new(),
        };
        b = b.drop_tags(tags::DEFAULT_DROP.iter().copied());
        b
    }
}

pub(super) fn lower(s: impl AsRef<str>) -> String {
    s.as_ref().trim().to_ascii_lowercase()
}

impl PolicyBuilder {
    fn set_action<I, S>(mut self, names: I, action: TagAction) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for name in names {
            self.actions.insert(lower(name), action);
        }
        self
    }

    /// Keeps these elements (with the attributes allowed for them).
    /// Default: none.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::builder().allow_tags(["em"]).build().unwrap();
    /// assert_eq!(policy.clean("<em>a</em><u>b</u>"), "<em>a</em>b");
    /// ```
    pub fn allow_tags<I, S>(self, tags: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.set_action(tags, TagAction::Keep)
    }

    /// Removes these elements with everything inside them. Default:
    /// `script`, `style`, `template`, `noscript`, `noembed`, `noframes`,
    /// `iframe`, `title`, `frameset`, `head` (code, or content a browser
    /// does not show). `object` and `applet` are unwrapped by default, as
    /// browsers show their fallback content.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::builder().drop_tags(["aside"]).build().unwrap();
    /// assert_eq!(policy.clean("a<aside>ad</aside>b"), "ab");
    /// ```
    pub fn drop_tags<I, S>(self, tags: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.set_action(tags, TagAction::Drop)
    }

    /// Shows these tags as text. Default: none.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::builder().escape_tags(["h1"]).build().unwrap();
    /// assert_eq!(policy.clean("<h1>T</h1>"), "&lt;h1&gt;T&lt;/h1&gt;");
    /// ```
    pub fn escape_tags<I, S>(self, tags: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.set_action(tags, TagAction::Escape)
    }

    /// Removes these tags but keeps their content, overriding an earlier
    /// allow, drop or escape (useful on top of a preset).
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc().to_builder().unwrap_tags(["img", "style"]).build().unwrap();
    /// assert_eq!(policy.clean("<img src=a.png><style>p{}</style>"), "p{}");
    /// ```
    pub fn unwrap_tags<I, S>(self, tags: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.set_action(tags, TagAction::Unwrap)
    }

    /// What happens to tags the policy does not name. Default:
    /// [`TagAction::Unwrap`]. [`TagAction::Keep`] is a build error.
    ///
    /// ```
    /// use safe_markup::{Policy, TagAction};
    ///
    /// let policy = Policy::builder().other_tags(TagAction::Escape).build().unwrap();
    /// // Shown as typed: `<y>` opened no element, so nothing closes it.
    /// assert_eq!(policy.clean("x<y>z"), "x&lt;y&gt;z");
    /// ```
    pub fn other_tags(mut self, action: TagAction) -> PolicyBuilder {
        self.other = action;
        self
    }

    /// Allows these attributes on `tag` (when `tag` is kept). Default: none.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_tags(["abbr"])
    ///     .allow_attrs("abbr", ["title"])
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(policy.clean("<abbr title=t id=i>x</abbr>"), r#"<abbr title="t">x</abbr>"#);
    /// ```
    pub fn allow_attrs<I, S>(mut self, tag: impl AsRef<str>, attrs: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.tag_attrs
            .entry(lower(tag))
            .or_default()
            .extend(attrs.into_iter().map(lower));
        self
    }

    /// Allows these attributes on every kept element. Default: none.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_tags(["i"])
    ///     .allow_generic_attrs(["lang"])
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(policy.clean("<i lang=la>sic</i>"), r#"<i lang="la">sic</i>"#);
    /// ```
    pub fn allow_generic_attrs<I, S>(mut self, attrs: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.generic_attrs.extend(attrs.into_iter().map(lower));
        self
    }

    /// The URL schemes allowed in URL attributes (`href`, `src`, each
    /// `srcset` candidate, …), replacing the current set. Default: none.
    /// `javascript`, `vbscript` and `livescript` are build errors.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::strict().to_builder().url_schemes(["https"]).build().unwrap();
    /// assert_eq!(
    ///     policy.clean(r#"<a href="http://x.test/">x</a>"#),
    ///     "<a>x</a>"
    /// );
    /// ```
    pub fn url_schemes<I, S>(mut self, schemes: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.schemes = schemes.into_iter().map(lower).collect();
        self
    }

    /// How URLs without a scheme are treated. Default:
    /// [`RelativeUrls::Pass`].
    ///
    /// ```
    /// use safe_markup::{Policy, RelativeUrls};
    ///
    /// let policy = Policy::ugc().to_builder().relative_urls(RelativeUrls::Deny).build().unwrap();
    /// assert_eq!(policy.clean(r#"<img src="/a.png" alt=a>"#), r#"<img alt="a">"#);
    /// ```
    pub fn relative_urls(mut self, relative: RelativeUrls) -> PolicyBuilder {
        self.relative = relative;
        self
    }

    /// Space-separated `rel` tokens every kept link (`a` or `area` with an
    /// `href`) carries. When `rel` is also an allowed attribute, the
    /// author's tokens are kept and these are added. Default: none (the
    /// empty string).
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_tags(["a"])
    ///     .allow_attrs("a", ["href", "rel"])
    ///     .url_schemes(["https"])
    ///     .link_rel("nofollow")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(
    ///     policy.clean(r#"<a href="https://x.test/" rel="author">x</a>"#),
    ///     r#"<a href="https://x.test/" rel="author nofollow">x</a>"#
    /// );
    /// ```
    pub fn link_rel(mut self, rel: impl AsRef<str>) -> PolicyBuilder {
        self.link_rel = rel.as_ref().to_owned();
        self
    }

    /// Keeps comments: those that re-parse identically and hold no `<`
    /// (one could end a raw-text element such as `noscript` that a page
    /// shows the output in); others are removed and reported. Default:
    /// `false`, comments are removed and reported.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::builder().comments(true).build().unwrap();
    /// assert_eq!(policy.clean("a<!-- note -->b"), "a<!-- note -->b");
    /// assert_eq!(policy.clean("a<!--</noscript>-->b"), "ab");
    /// ```
    pub fn comments(mut self, keep: bool) -> PolicyBuilder {
        self.comments = keep;
        self
    }

    /// CSS properties to keep in `style` attributes, added to the current
    /// list. Default: none, and then allowing `style` on any element is a
    /// build error. With a list, `style` may be allowed like any other
    /// attribute ([`allow_attrs`](PolicyBuilder::allow_attrs),
    /// [`allow_generic_attrs`](PolicyBuilder::allow_generic_attrs)); this
    /// setting alone allows it nowhere.
    ///
    /// Each declaration is read with a CSS tokenizer and kept only if its
    /// property is listed and its value is inert: keywords, numbers,
    /// lengths, percentages, `#` colours, plain strings and the colour
    /// functions `rgb()`, `rgba()`, `hsl()`, `hsla()`. Never kept, whatever
    /// the list: `url(…)` and every other function, `!important`,
    /// comments, blocks, at-keywords; a backslash anywhere removes the
    /// whole attribute. Kept declarations are written back canonically
    /// (`name: value; name: value`), and each dropped one is reported
    /// ([`ChangeKind::Declaration`](crate::ChangeKind::Declaration)).
    /// `behavior` and `-moz-binding` (they run code) and names that are
    /// not CSS property names (custom properties `--x` included) are build
    /// errors. Listing a property is a promise that any value of it is
    /// harmless on your page: `position`, `z-index` or large `margin`s let
    /// a post cover the page around it. In a policy file:
    /// `style_properties = ["color", "text-align"]`.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc()
    ///     .to_builder()
    ///     .allow_style_properties(["color", "text-align"])
    ///     .allow_attrs("p", ["style"])
    ///     .build()?;
    /// assert_eq!(
    ///     policy.clean(r#"<p style="COLOR:red;background:url(//t.test/x);text-align : center !important">x</p>"#),
    ///     r#"<p style="color: red">x</p>"#
    /// );
    /// assert!(Policy::builder().allow_generic_attrs(["style"]).build().is_err());
    /// assert!(Policy::builder().allow_style_properties(["-moz-binding"]).build().is_err());
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn allow_style_properties<I, S>(mut self, properties: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.style_properties
            .extend(properties.into_iter().map(|p| p.as_ref().to_owned()));
        self
    }

    /// Prefixes every kept `id` and `name` value with `prefix` (unless it
    /// starts with it already, so cleaning twice changes nothing), against
    /// DOM clobbering: `<img name="getElementById">` or `<a id="config">`
    /// would otherwise replace `document.getElementById` or
    /// `window.config` for the page's own scripts. References to ids get
    /// the same prefix, so the author's in-page links and tables keep
    /// working: an `href` (on `a` and `area`) that is only a fragment
    /// (`#notes`), `usemap`, `for`, `headers`, `list`, `itemref`,
    /// `popovertarget`, `commandfor`, `anchor` and the ARIA id references
    /// (`aria-labelledby`, …). A site that links to an author's anchors
    /// from its own pages writes the prefix in those links too.
    ///
    /// Only attributes the policy allows are touched, and the change is
    /// not reported: it is applied to every id alike, like
    /// [`link_rel`](PolicyBuilder::link_rel). The prefix must be ASCII
    /// letters, digits, `-` and `_`. Default: none. In a policy file:
    /// `id_prefix = "user-content-"`.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc()
    ///     .to_builder()
    ///     .allow_attrs("h2", ["id"])
    ///     .allow_attrs("img", ["name"])
    ///     .id_prefix("user-content-")
    ///     .build()?;
    /// let html = policy.clean(r##"<h2 id="notes">Notes</h2><a href="#notes">see</a><img name="getElementById" alt="">"##);
    /// assert_eq!(
    ///     html,
    ///     r##"<h2 id="user-content-notes">Notes</h2><a href="#user-content-notes" rel="noopener noreferrer">see</a><img name="user-content-getElementById" alt="">"##
    /// );
    /// assert_eq!(policy.clean(&html), html);
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn id_prefix(mut self, prefix: impl Into<String>) -> PolicyBuilder {
        self.id_prefix = Some(prefix.into());
        self
    }

    /// Resource limits. Default: [`Limits::default`].
    ///
    /// ```
    /// use safe_markup::{Limits, Policy};
    ///
    /// let mut limits = Limits::default();
    /// limits.max_input_bytes = 10;
    /// let policy = Policy::strict().to_builder().limits(limits).build().unwrap();
    /// assert_eq!(policy.clean("<b>0123456789</b>"), "&lt;b&gt;0123456789&lt;/b&gt;");
    /// ```
    pub fn limits(mut self, limits: Limits) -> PolicyBuilder {
        self.limits = limits;
        self
    }

    /// Gives every change in the report that comes from an element (the
    /// element itself, its attributes, its URLs) the byte range of its
    /// start tag in the input, so a moderation page can point at it. The
    /// parser's start tag tokens are paired, in order, with the tags the
    /// lexical step saw; elements the parser makes up (an implied `tbody`,
    /// a reopened formatting element) have none, and so has everything
    /// after the first tag where the two disagree (only inside `svg` or
    /// `math`, where `<![CDATA[` hides tags from the parser). Tags shown as
    /// text by the lexical step always have their span. Costs a list of
    /// the start tags. Default: off.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc().to_builder().report_spans(true).build()?;
    /// let input = r#"<p>Hi <span onclick="x()">there</span></p>"#;
    /// let cleaned = policy.clean_report(input);
    /// let change = &cleaned.report.changes()[0];
    /// assert_eq!(change.name, "onclick");
    /// assert_eq!(change.span.clone().map(|s| &input[s]), Some(r#"<span onclick="x()">"#));
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn report_spans(mut self, on: bool) -> PolicyBuilder {
        self.report_spans = on;
        self
    }

    pub(super) fn text_only(mut self) -> PolicyBuilder {
        self.text_only = true;
        self
    }

    /// Unwraps every link: `a` and `area` elements of the input, and the
    /// links the policy would make (special tags, bare URLs), whatever the
    /// allowlist says. Their text is kept. For output shown inside a link
    /// of the page, such as a card that links to the whole post: a link
    /// inside a link makes the browser end the page's link at it (the
    /// adoption agency), which no policy that keeps links can prevent.
    /// TOML: `unwrap_links = true`. Default: `false`.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let card = Policy::ugc().to_builder().unwrap_links(true).build()?;
    /// assert_eq!(card.clean(r#"<b>See <a href="/x">this</a></b>"#), "<b>See this</b>");
    /// assert_eq!(card.excerpt(r#"<a href="/x">one two three</a>"#, 8), "one two…");
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn unwrap_links(mut self, on: bool) -> PolicyBuilder {
        self.unwrap_links = on;
        self
    }

    /// Adds these `rel` tokens to links that leave the site: for
    /// untrusted authors, `nofollow ugc` tells search engines not to
    /// credit the target. Relative links and links to
    /// [`site_hosts`](PolicyBuilder::site_hosts) are internal and do not
    /// get them. The author's own `rel`, where allowed, is kept and merged.
    /// Default: none (the `diary-untrusted` preset: `nofollow ugc`).
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::builder()
    ///     .allow_tags(["a"])
    ///     .allow_attrs("a", ["href"])
    ///     .url_schemes(["https"])
    ///     .external_link_rel("nofollow ugc")
    ///     .site_hosts(["diary.example"])
    ///     .build()?;
    /// assert_eq!(
    ///     policy.clean(r#"<a href="https://spam.example/">x</a> <a href="https://diary.example/7">y</a>"#),
    ///     r#"<a href="https://spam.example/" rel="nofollow ugc">x</a> <a href="https://diary.example/7">y</a>"#
    /// );
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn external_link_rel(mut self, rel: impl AsRef<str>) -> PolicyBuilder {
        self.links.external_rel = rel.as_ref().to_owned();
        self
    }

    /// The site's own host names: links to them are internal. Default:
    /// none (only relative links are internal).
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::diary_untrusted().to_builder().site_hosts(["diary.example"]).build()?;
    /// assert_eq!(
    ///     policy.clean(r#"<a href="http://DIARY.example/x">ours</a>"#),
    ///     r#"<a href="http://DIARY.example/x">ours</a>"#
    /// );
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn site_hosts<I, S>(mut self, hosts: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.links.site_hosts = hosts
            .into_iter()
            .map(|h| h.as_ref().trim().to_owned())
            .collect();
        self
    }

    /// Opens external web links in a new tab: `target="_blank"`, always
    /// with `rel="noopener noreferrer"` so the new page cannot reach back
    /// into this one. Default: off.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::diary().to_builder().external_links_new_tab(true).build()?;
    /// assert_eq!(
    ///     policy.clean(r#"<a href="https://x.example/">x</a>"#),
    ///     r#"<a href="https://x.example/" rel="noopener noreferrer" target="_blank">x</a>"#
    /// );
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn external_links_new_tab(mut self, new_tab: bool) -> PolicyBuilder {
        self.links.new_tab = new_tab;
        self
    }

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

    /// Checks the configuration and builds the policy.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// assert!(Policy::builder().allow_tags(["textarea"]).build().is_err());
    /// assert!(Policy::builder().url_schemes(["javascript"]).build().is_err());
    /// assert!(Policy::builder().allow_tags(["p"]).build().is_ok());
    /// ```
    pub fn build(&self) -> Result<Policy, PolicyError> {
        super::build::build(self)
    }
}
