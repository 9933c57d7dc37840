//! [`Policy`]: what to keep, built once, shared by every request.

use std::collections::{BTreeMap, BTreeSet};

// The policy's tables are looked up for every element and attribute. Their
// keys are interned names (which carry a hash of their own) and the
// policy's scheme names: input never adds a key, so a fast unkeyed hash is
// safe here, and SipHash cost 300 instructions per element.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use html5ever::LocalName;
use serde::Deserialize;

use crate::dom::Name;
use crate::error::{PolicyError, PolicyErrorKind};
use crate::limits::{Limit, Limits};
use crate::links::{LinkOptions, Links};
use crate::tags;
use crate::transform::{SpecialTags, Transforms};

/// What the sanitizer does with one element.
///
/// ```
/// use safe_markup::{Policy, TagAction};
///
/// let policy = Policy::ugc();
/// assert_eq!(policy.tag_action("b"), TagAction::Keep);
/// assert_eq!(policy.tag_action("script"), TagAction::Drop);
/// assert_eq!(policy.tag_action("font"), TagAction::Unwrap);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TagAction {
    /// Keep the element, with its allowed attributes.
    Keep,
    /// Remove the tag, keep its content.
    Unwrap,
    /// Remove the element and everything in it.
    Drop,
    /// Show the tag as text, as if the author had typed `&lt;tag&gt;`.
    Escape,
}

/// What to do with a URL that has no scheme (`/path`, `page.html`,
/// `//host/x`).
///
/// ```
/// use safe_markup::{Policy, RelativeUrls};
///
/// let policy = Policy::strict()
///     .to_builder()
///     .relative_urls(RelativeUrls::Rewrite("https://example.org/diary/".into()))
///     .build()
///     .unwrap();
/// assert_eq!(
///     policy.clean(r#"<a href="entry/7">x</a>"#),
///     r#"<a href="https://example.org/diary/entry/7" rel="nofollow ugc noopener noreferrer">x</a>"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum RelativeUrls {
    /// Remove the attribute.
    Deny,
    /// Keep it as written; the browser resolves it against the page.
    #[default]
    Pass,
    /// Resolve it against this absolute base URL and write the result.
    Rewrite(String),
}

/// An immutable sanitizing policy. Build one at start-up and share it: it
/// owns its data and is `Send + Sync`. Cleaning never fails and never
/// panics, whatever the input.
///
/// ```
/// use safe_markup::Policy;
///
/// let policy = Policy::ugc();
/// assert_eq!(
///     policy.clean(r#"<p onclick="steal()">Hi <script>x()</script><b>there</p>"#),
///     "<p>Hi <b>there</b></p>"
/// );
/// ```
#[derive(Clone, Debug)]
pub struct Policy {
    pub(crate) keep: HashMap<LocalName, HashSet<LocalName>>,
    pub(crate) actions: HashMap<LocalName, TagAction>,
    pub(crate) other: TagAction,
    pub(crate) generic_attrs: HashSet<LocalName>,
    pub(crate) schemes: HashSet<String>,
    pub(crate) relative: Relative,
    pub(crate) link_rel: Vec<String>,
    pub(crate) comments: bool,
    pub(crate) limits: Limits,
    pub(crate) text_only: bool,
    /// Some tag is escaped: the lexical step shows such tags as typed.
    pub(crate) escape_mode: bool,
    pub(crate) report_spans: bool,
    pub(crate) links: Links,
    pub(crate) transforms: Transforms,
    /// CSS properties kept in `style` attributes (lower case).
    pub(crate) style_properties: BTreeSet<String>,
    /// Prefix for kept ids, names and references to them.
    pub(crate) id_prefix: Option<String>,
    /// The attribute names allowed anywhere, for the fast path's quick
    /// refusal of the rest.
    pub(crate) attr_names: crate::fastpath::AttrNames,
    source: PolicyBuilder,
}

#[derive(Clone, Debug)]
pub(crate) enum Relative {
    Deny,
    Pass,
    Rewrite(url::Url),
}

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
    actions: BTreeMap<String, TagAction>,
    tag_attrs: BTreeMap<String, BTreeSet<String>>,
    generic_attrs: BTreeSet<String>,
    other: TagAction,
    schemes: BTreeSet<String>,
    relative: RelativeUrls,
    link_rel: String,
    comments: bool,
    limits: Limits,
    text_only: bool,
    pub(crate) links: LinkOptions,
    pub(crate) transforms: Transforms,
    report_spans: bool,
    style_properties: BTreeSet<String>,
    id_prefix: Option<String>,
    unwrap_links: bool,
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
        };
        b = b.drop_tags(tags::DEFAULT_DROP.iter().copied());
        b
    }
}

fn lower(s: impl AsRef<str>) -> String {
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

    fn text_only(mut self) -> PolicyBuilder {
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
        let err = |kind| Err(PolicyError::new(kind));
        let mut style_properties = BTreeSet::new();
        for property in &self.style_properties {
            style_properties.insert(crate::css::check_property(property)?);
        }
        // `style` is checked CSS only with a list of properties to keep.
        let style_ok = !style_properties.is_empty();
        if let Some(prefix) = &self.id_prefix
            && !crate::ids::valid_prefix(prefix)
        {
            return err(PolicyErrorKind::InvalidIdPrefix {
                prefix: prefix.clone(),
            });
        }
        let mut keep: HashMap<LocalName, HashSet<LocalName>> = HashMap::default();
        let mut actions = HashMap::default();
        for (name, action) in &self.actions {
            check_tag_name(name)?;
            let atom = LocalName::from(name.as_str());
            // Special tags become `a` before the sanitizer and bare URLs
            // are linked only where `a` is kept: unwrapping `a` unwraps
            // those too.
            let action = &match (self.unwrap_links, name.as_str()) {
                (true, "a" | "area") if *action == TagAction::Keep => TagAction::Unwrap,
                _ => *action,
            };
            if *action == TagAction::Keep {
                if tags::is_raw_text(&atom) {
                    return err(PolicyErrorKind::RawTextTag { tag: name.clone() });
                }
                if let Some(reason) = tags::unkeepable_reason(&atom) {
                    return err(PolicyErrorKind::UnsupportedTag {
                        tag: name.clone(),
                        reason,
                    });
                }
                keep.insert(atom.clone(), HashSet::default());
            }
            actions.insert(atom, *action);
        }
        for (tag, needs) in [
            ("table", "tbody"),
            ("table", "tr"),
            ("table", "td"),
            ("tbody", "table"),
            ("thead", "table"),
            ("tfoot", "table"),
            ("caption", "table"),
            ("colgroup", "table"),
            ("tr", "tbody"),
            ("td", "tr"),
            ("th", "tr"),
            ("col", "colgroup"),
        ] {
            if keep.contains_key(&LocalName::from(tag))
                && !keep.contains_key(&LocalName::from(needs))
            {
                return err(PolicyErrorKind::MissingTag {
                    tag: tag.to_owned(),
                    needs,
                });
            }
        }
        for (tag, attrs) in &self.tag_attrs {
            check_tag_name(tag)?;
            for attr in attrs {
                check_attr_name(attr, style_ok)?;
            }
            if let Some(set) = keep.get_mut(&LocalName::from(tag.as_str())) {
                set.extend(attrs.iter().map(|a| LocalName::from(a.as_str())));
            }
        }
        let mut generic_attrs = HashSet::default();
        for attr in &self.generic_attrs {
            check_attr_name(attr, style_ok)?;
            generic_attrs.insert(LocalName::from(attr.as_str()));
        }
        if self.other == TagAction::Keep {
            return err(PolicyErrorKind::KeepUnknownTags);
        }
        for scheme in &self.schemes {
            check_scheme(scheme)?;
        }
        let relative = match &self.relative {
            RelativeUrls::Deny => Relative::Deny,
            RelativeUrls::Pass => Relative::Pass,
            RelativeUrls::Rewrite(base) => match url::Url::parse(base) {
                Ok(u) if !u.cannot_be_a_base() && self.schemes.contains(u.scheme()) => {
                    Relative::Rewrite(u)
                }
                _ => return err(PolicyErrorKind::InvalidBaseUrl { base: base.clone() }),
            },
        };
        let mut link_rel: Vec<String> = Vec::new();
        for token in self.link_rel.split_ascii_whitespace() {
            check_rel_token(token)?;
            let token = token.to_ascii_lowercase();
            if !link_rel.contains(&token) {
                link_rel.push(token);
            }
        }
        for limit in [
            Limit::InputBytes,
            Limit::Depth,
            Limit::Nodes,
            Limit::Attributes,
            Limit::Nesting,
        ] {
            if limit.max(&self.limits) == 0 {
                return err(PolicyErrorKind::InvalidLimit { limit });
            }
        }
        let links = self.links.build()?;
        if let Some(special) = &self.transforms.special_tags {
            special.check()?;
        }
        let escape_mode = self.other == TagAction::Escape
            || self.actions.values().any(|a| *a == TagAction::Escape);
        let attr_names =
            crate::fastpath::AttrNames::new(generic_attrs.iter().chain(keep.values().flatten()));
        Ok(Policy {
            attr_names,
            escape_mode,
            links,
            transforms: self.transforms.clone(),
            keep,
            actions,
            other: self.other,
            generic_attrs,
            schemes: self.schemes.iter().cloned().collect(),
            relative,
            link_rel,
            comments: self.comments,
            limits: self.limits,
            text_only: self.text_only,
            report_spans: self.report_spans,
            style_properties,
            id_prefix: self.id_prefix.clone(),
            source: self.clone(),
        })
    }
}

/// A `rel` token must be something HTML can carry in an attribute.
pub(crate) fn check_rel_token(token: &str) -> Result<(), PolicyError> {
    if token
        .chars()
        .any(|c| c.is_control() || c == '"' || c == '<' || c == '>')
    {
        return Err(PolicyError::new(PolicyErrorKind::InvalidRel {
            token: token.to_owned(),
        }));
    }
    Ok(())
}

fn check_tag_name(name: &str) -> Result<(), PolicyError> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(PolicyError::new(PolicyErrorKind::InvalidName {
            name: name.to_owned(),
        }))
    }
}

fn check_attr_name(name: &str, style_ok: bool) -> Result<(), PolicyError> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | ':')
        });
    if !ok {
        return Err(PolicyError::new(PolicyErrorKind::InvalidName {
            name: name.to_owned(),
        }));
    }
    let reason = if name.starts_with("on") {
        "event handler attributes run script"
    } else if name == "style" && !style_ok {
        "inline CSS is only checked against a list of properties (allow_style_properties)"
    } else if name == "srcdoc" {
        "it holds a whole HTML document"
    } else if matches!(
        name,
        "action"
            | "form"
            | "formaction"
            | "formmethod"
            | "formtarget"
            | "formenctype"
            | "formnovalidate"
    ) {
        "it submits, or joins, a form on the page (the site's own login form too)"
    } else if name == "is" {
        "it upgrades elements to custom elements that may run code"
    } else {
        return Ok(());
    };
    Err(PolicyError::new(PolicyErrorKind::UnsafeAttribute {
        attr: name.to_owned(),
        reason,
    }))
}

fn check_scheme(scheme: &str) -> Result<(), PolicyError> {
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '-' | '.'));
    if valid && !matches!(scheme, "javascript" | "vbscript" | "livescript") {
        Ok(())
    } else {
        Err(PolicyError::new(PolicyErrorKind::UnsafeScheme {
            scheme: scheme.to_owned(),
        }))
    }
}

/// The schema of a policy file; every field is optional and applies on top
/// of `preset` (or of an empty builder).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    preset: Option<String>,
    tags: Option<Vec<String>>,
    drop_tags: Option<Vec<String>>,
    escape_tags: Option<Vec<String>>,
    unwrap_tags: Option<Vec<String>>,
    other_tags: Option<TagAction>,
    generic_attributes: Option<Vec<String>>,
    attributes: Option<BTreeMap<String, Vec<String>>>,
    url_schemes: Option<Vec<String>>,
    relative_urls: Option<String>,
    relative_base: Option<String>,
    link_rel: Option<String>,
    comments: Option<bool>,
    style_properties: Option<Vec<String>>,
    id_prefix: Option<String>,
    unwrap_links: Option<bool>,
    limits: Option<LimitsFile>,
    external_link_rel: Option<String>,
    site_hosts: Option<Vec<String>>,
    external_links_new_tab: Option<bool>,
    paragraphs: Option<bool>,
    line_breaks: Option<bool>,
    linkify: Option<bool>,
    report_spans: Option<bool>,
    special_tags: Option<SpecialTagsFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecialTagsFile {
    enabled: Option<bool>,
    site_prefix: Option<String>,
    /// Replaces the default table when given.
    intermap: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    max_input_bytes: Option<usize>,
    max_depth: Option<usize>,
    max_nodes: Option<usize>,
    max_attributes: Option<usize>,
    max_nesting_per_byte: Option<usize>,
}

fn file_error(message: impl Into<String>) -> PolicyError {
    PolicyError::new(PolicyErrorKind::File {
        message: message.into(),
    })
}

impl Policy {
    /// An empty builder: keeps nothing until told.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::builder().build().unwrap();
    /// assert_eq!(policy.clean("<b>bold</b> <script>x</script>"), "bold ");
    /// ```
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::default()
    }

    /// A builder holding this policy's settings, to derive a variant.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let no_images = Policy::ugc().to_builder().unwrap_tags(["img"]).build().unwrap();
    /// assert_eq!(no_images.clean("<img src=x.png alt=x>"), "");
    /// ```
    pub fn to_builder(&self) -> PolicyBuilder {
        self.source.clone()
    }

    /// The same allowlist as ammonia's default (tags, attributes, URL
    /// schemes, `rel="noopener noreferrer"` on links), so the two can be
    /// compared like for like: general user-generated content.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// assert_eq!(
    ///     Policy::ugc().clean(r#"<table><tr><td>1</td></tr></table>"#),
    ///     "<table><tbody><tr><td>1</td></tr></tbody></table>"
    /// );
    /// ```
    pub fn ugc() -> Policy {
        let builder = Policy::builder()
            .allow_tags([
                "a",
                "abbr",
                "acronym",
                "area",
                "article",
                "aside",
                "b",
                "bdi",
                "bdo",
                "blockquote",
                "br",
                "caption",
                "center",
                "cite",
                "code",
                "col",
                "colgroup",
                "data",
                "dd",
                "del",
                "details",
                "dfn",
                "div",
                "dl",
                "dt",
                "em",
                "figcaption",
                "figure",
                "footer",
                "h1",
                "h2",
                "h3",
                "h4",
                "h5",
                "h6",
                "header",
                "hgroup",
                "hr",
                "i",
                "img",
                "ins",
                "kbd",
                "li",
                "map",
                "mark",
                "nav",
                "ol",
                "p",
                "pre",
                "q",
                "rp",
                "rt",
                "rtc",
                "ruby",
                "s",
                "samp",
                "small",
                "span",
                "strike",
                "strong",
                "sub",
                "summary",
                "sup",
                "table",
                "tbody",
                "td",
                "th",
                "thead",
                "time",
                "tr",
                "tt",
                "u",
                "ul",
                "var",
                "wbr",
            ])
            .allow_generic_attrs(["lang", "title"])
            .allow_attrs("a", ["href", "hreflang"])
            .allow_attrs("bdo", ["dir"])
            .allow_attrs("blockquote", ["cite"])
            .allow_attrs("col", ["align", "char", "charoff", "span"])
            .allow_attrs("colgroup", ["align", "char", "charoff", "span"])
            .allow_attrs("del", ["cite", "datetime"])
            .allow_attrs("hr", ["align", "size", "width"])
            .allow_attrs("img", ["align", "alt", "height", "src", "width"])
            .allow_attrs("ins", ["cite", "datetime"])
            .allow_attrs("ol", ["start"])
            .allow_attrs("q", ["cite"])
            .allow_attrs("table", ["align", "char", "charoff", "summary"])
            .allow_attrs("tbody", ["align", "char", "charoff"])
            .allow_attrs(
                "td",
                ["align", "char", "charoff", "colspan", "headers", "rowspan"],
            )
            .allow_attrs("tfoot", ["align", "char", "charoff"])
            .allow_attrs(
                "th",
                [
                    "align", "char", "charoff", "colspan", "headers", "rowspan", "scope",
                ],
            )
            .allow_attrs("thead", ["align", "char", "charoff"])
            .allow_attrs("tr", ["align", "char", "charoff"])
            .url_schemes([
                "bitcoin",
                "ftp",
                "ftps",
                "geo",
                "http",
                "https",
                "im",
                "irc",
                "ircs",
                "magnet",
                "mailto",
                "mms",
                "mx",
                "news",
                "nntp",
                "openpgp4fpr",
                "sip",
                "sms",
                "smsto",
                "ssh",
                "tel",
                "url",
                "webcal",
                "wtai",
                "xmpp",
            ])
            .link_rel("noopener noreferrer");
        builder.build().unwrap_or_else(|_| Policy::fallback())
    }

    /// Inline formatting and links only, for comments and short replies:
    /// `a abbr b br cite code del dfn em i ins kbd mark q s samp small span
    /// strong sub sup u var`; links are http, https or mailto and get
    /// `rel="nofollow ugc noopener noreferrer"`.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// assert_eq!(Policy::strict().clean("<h1>Big <i>news</i></h1>"), "Big <i>news</i>");
    /// ```
    pub fn strict() -> Policy {
        Policy::builder()
            .allow_tags([
                "a", "abbr", "b", "br", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd",
                "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "u", "var",
            ])
            .allow_attrs("a", ["href", "title"])
            .allow_attrs("abbr", ["title"])
            .allow_attrs("dfn", ["title"])
            .url_schemes(["http", "https", "mailto"])
            .link_rel("nofollow ugc noopener noreferrer")
            .build()
            .unwrap_or_else(|_| Policy::fallback())
    }

    /// The legacy diary markup, for a community site's diary entries,
    /// articles and replies: `a b blockquote br cite div em i li ol p pre
    /// strong tt ul`, `href` on `a` (http, https, mailto or relative).
    /// Every other tag is shown as the text the author typed
    /// (`#include <stdio.h>`, `x<y`, `<h1>`), not dropped; `style` and other
    /// attributes are removed and reported. Paragraphs from blank lines and
    /// the special tags `<person>`, `<proj>` and `<wiki>` are on (see
    /// [`PolicyBuilder::paragraphs`] and [`SpecialTags`]). Links are left
    /// as the author wrote them, as the legacy site did for all but its
    /// lowest-trust authors; use [`Policy::diary_untrusted`] for those.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::diary();
    /// assert_eq!(policy.clean("Hello <B>bold</B> and <i>it</I>"), "Hello <b>bold</b> and <i>it</i>");
    /// assert_eq!(policy.clean("#include <stdio.h> is needed"), "#include &lt;stdio.h&gt; is needed");
    /// assert_eq!(policy.clean("<person>raph</person>"), r#"<a href="/person/raph/">raph</a>"#);
    /// assert_eq!(
    ///     policy.clean(r#"<a href="https://x.example/">x</a>"#),
    ///     r#"<a href="https://x.example/">x</a>"#
    /// );
    /// ```
    pub fn diary() -> Policy {
        Policy::diary_builder()
            .build()
            .unwrap_or_else(|_| Policy::fallback())
    }

    /// [`Policy::diary`] for authors the site does not vouch for: links
    /// that leave the site get `rel="nofollow ugc"`, so spam earns no
    /// search ranking. Internal links (relative, or to
    /// [`site_hosts`](PolicyBuilder::site_hosts)) do not.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::diary_untrusted();
    /// assert_eq!(
    ///     policy.clean(r#"<a href="https://x.example/">x</a> <person>raph</person>"#),
    ///     r#"<a href="https://x.example/" rel="nofollow ugc">x</a> <a href="/person/raph/">raph</a>"#
    /// );
    /// ```
    pub fn diary_untrusted() -> Policy {
        Policy::diary_builder()
            .external_link_rel("nofollow ugc")
            .build()
            .unwrap_or_else(|_| Policy::fallback())
    }

    fn diary_builder() -> PolicyBuilder {
        Policy::builder()
            .allow_tags([
                "a",
                "b",
                "blockquote",
                "br",
                "cite",
                "div",
                "em",
                "i",
                "li",
                "ol",
                "p",
                "pre",
                "strong",
                "tt",
                "ul",
            ])
            .allow_attrs("a", ["href"])
            .url_schemes(["http", "https", "mailto"])
            .relative_urls(RelativeUrls::Pass)
            // The legacy site showed `<script>` and friends as text too.
            .escape_tags(tags::DEFAULT_DROP.iter().copied())
            .other_tags(TagAction::Escape)
            .paragraphs(true)
            .special_tags(SpecialTags::new())
    }

    /// No markup at all: the input is shown exactly as typed, as text.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// assert_eq!(Policy::text().clean("a <b>c</b> & d"), "a &lt;b&gt;c&lt;/b&gt; &amp; d");
    /// ```
    pub fn text() -> Policy {
        Policy::fallback()
    }

    /// The text policy; presets fall back to it if their own definition
    /// were ever rejected, so a preset can never panic.
    fn fallback() -> Policy {
        let source = PolicyBuilder::default().text_only();
        Policy {
            keep: HashMap::default(),
            actions: HashMap::default(),
            other: TagAction::Escape,
            generic_attrs: HashSet::default(),
            schemes: HashSet::default(),
            relative: Relative::Deny,
            link_rel: Vec::new(),
            comments: false,
            limits: Limits::default(),
            text_only: true,
            escape_mode: true,
            report_spans: false,
            links: Links::default(),
            transforms: Transforms::default(),
            style_properties: BTreeSet::new(),
            id_prefix: None,
            attr_names: crate::fastpath::AttrNames::default(),
            source,
        }
    }

    /// A preset by name: `ugc`, `strict`, `text`, `diary` or
    /// `diary-untrusted`.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// assert!(Policy::preset("ugc").is_some());
    /// assert!(Policy::preset("diary-untrusted").is_some());
    /// assert!(Policy::preset("nope").is_none());
    /// ```
    pub fn preset(name: &str) -> Option<Policy> {
        match name {
            "ugc" => Some(Policy::ugc()),
            "strict" => Some(Policy::strict()),
            "text" => Some(Policy::text()),
            "diary" => Some(Policy::diary()),
            "diary-untrusted" => Some(Policy::diary_untrusted()),
            _ => None,
        }
    }

    /// Reads a policy file. Every key is optional; `preset` names the
    /// starting point (default: an empty builder).
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::from_toml(r#"
    ///     preset = "strict"
    ///     tags = ["p", "blockquote"]
    ///     url_schemes = ["https"]
    ///     link_rel = "nofollow"
    ///     [attributes]
    ///     blockquote = ["cite"]
    ///     [limits]
    ///     max_depth = 100
    /// "#)?;
    /// assert_eq!(policy.clean("<blockquote cite='https://x.test/'>q</blockquote>"),
    ///            r#"<blockquote cite="https://x.test/">q</blockquote>"#);
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let file: PolicyFile = toml::from_str(text).map_err(|e| file_error(e.to_string()))?;
        let mut b = match file.preset.as_deref() {
            None => Policy::builder(),
            Some("text") => return Ok(Policy::text()),
            Some(name) => match Policy::preset(name) {
                Some(p) => p.to_builder(),
                None => return Err(file_error(format!("unknown preset `{name}`"))),
            },
        };
        if let Some(v) = file.tags {
            b = b.allow_tags(v);
        }
        if let Some(v) = file.drop_tags {
            b = b.drop_tags(v);
        }
        if let Some(v) = file.escape_tags {
            b = b.escape_tags(v);
        }
        if let Some(v) = file.unwrap_tags {
            b = b.unwrap_tags(v);
        }
        if let Some(v) = file.other_tags {
            b = b.other_tags(v);
        }
        if let Some(v) = file.generic_attributes {
            b = b.allow_generic_attrs(v);
        }
        for (tag, attrs) in file.attributes.unwrap_or_default() {
            b = b.allow_attrs(tag, attrs);
        }
        if let Some(v) = file.url_schemes {
            b = b.url_schemes(v);
        }
        match (file.relative_urls.as_deref(), file.relative_base) {
            (None | Some("rewrite"), Some(base)) => {
                b = b.relative_urls(RelativeUrls::Rewrite(base))
            }
            (Some("pass"), None) => b = b.relative_urls(RelativeUrls::Pass),
            (Some("deny"), None) => b = b.relative_urls(RelativeUrls::Deny),
            (None, None) => {}
            (Some("rewrite"), None) => {
                return Err(file_error(
                    "relative_urls = \"rewrite\" needs relative_base",
                ));
            }
            (Some(other), _) => {
                return Err(file_error(format!(
                    "relative_urls must be \"pass\", \"deny\" or \"rewrite\" (with relative_base), not `{other}`"
                )));
            }
        }
        if let Some(v) = file.link_rel {
            b = b.link_rel(v);
        }
        if let Some(v) = file.comments {
            b = b.comments(v);
        }
        if let Some(v) = file.style_properties {
            b = b.allow_style_properties(v);
        }
        if let Some(v) = file.id_prefix {
            b = b.id_prefix(v);
        }
        if let Some(v) = file.unwrap_links {
            b = b.unwrap_links(v);
        }
        if let Some(l) = file.limits {
            let mut limits = b.limits;
            limits.max_input_bytes = l.max_input_bytes.unwrap_or(limits.max_input_bytes);
            limits.max_depth = l.max_depth.unwrap_or(limits.max_depth);
            limits.max_nodes = l.max_nodes.unwrap_or(limits.max_nodes);
            limits.max_attributes = l.max_attributes.unwrap_or(limits.max_attributes);
            limits.max_nesting_per_byte = l
                .max_nesting_per_byte
                .unwrap_or(limits.max_nesting_per_byte);
            b = b.limits(limits);
        }
        if let Some(v) = file.external_link_rel {
            b = b.external_link_rel(v);
        }
        if let Some(v) = file.site_hosts {
            b = b.site_hosts(v);
        }
        if let Some(v) = file.external_links_new_tab {
            b = b.external_links_new_tab(v);
        }
        if let Some(v) = file.paragraphs {
            b = b.paragraphs(v);
        }
        if let Some(v) = file.line_breaks {
            b = b.line_breaks(v);
        }
        if let Some(v) = file.linkify {
            b = b.linkify(v);
        }
        if let Some(v) = file.report_spans {
            b = b.report_spans(v);
        }
        if let Some(t) = file.special_tags {
            if t.enabled == Some(false) {
                b = b.no_special_tags();
            } else {
                let mut special = b.transforms.special_tags.clone().unwrap_or_default();
                if let Some(prefix) = t.site_prefix {
                    special = special.site_prefix(prefix);
                }
                if let Some(map) = t.intermap {
                    special = special.with_intermap(map);
                }
                b = b.special_tags(special);
            }
        }
        b.build()
    }

    /// What this policy does with an HTML element of this name.
    ///
    /// ```
    /// use safe_markup::{Policy, TagAction};
    ///
    /// assert_eq!(Policy::strict().tag_action("DIV"), TagAction::Unwrap);
    /// assert_eq!(Policy::text().tag_action("b"), TagAction::Escape);
    /// ```
    pub fn tag_action(&self, name: &str) -> TagAction {
        self.action_for(&LocalName::from(name.to_ascii_lowercase()))
    }

    /// Whether `attr` may stay on a kept `tag` (URL attributes are also
    /// checked for their scheme).
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// assert!(Policy::ugc().allows_attr("a", "href"));
    /// assert!(Policy::ugc().allows_attr("p", "title"));
    /// assert!(!Policy::ugc().allows_attr("p", "style"));
    /// ```
    pub fn allows_attr(&self, tag: &str, attr: &str) -> bool {
        let tag = LocalName::from(tag.to_ascii_lowercase());
        let attr = LocalName::from(attr.to_ascii_lowercase());
        self.keep.contains_key(&tag) && self.attr_allowed(&tag, &attr)
    }

    /// Whether URLs with this scheme are kept.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// assert!(Policy::ugc().allows_scheme("HTTPS"));
    /// assert!(!Policy::ugc().allows_scheme("javascript"));
    /// ```
    pub fn allows_scheme(&self, scheme: &str) -> bool {
        self.schemes.contains(&scheme.to_ascii_lowercase())
    }

    /// Whether declarations of this CSS property are kept in `style`
    /// attributes (where `style` is allowed).
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::builder().allow_style_properties(["Color"]).build().unwrap();
    /// assert!(policy.allows_style_property("color"));
    /// assert!(!policy.allows_style_property("position"));
    /// assert!(!Policy::ugc().allows_style_property("color"));
    /// ```
    pub fn allows_style_property(&self, property: &str) -> bool {
        self.style_properties
            .contains(&property.to_ascii_lowercase())
    }

    /// The prefix given to kept ids and names, if any
    /// ([`PolicyBuilder::id_prefix`]).
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc().to_builder().id_prefix("uc-").build().unwrap();
    /// assert_eq!(policy.id_prefix(), Some("uc-"));
    /// assert_eq!(Policy::ugc().id_prefix(), None);
    /// ```
    pub fn id_prefix(&self) -> Option<&str> {
        self.id_prefix.as_deref()
    }

    /// The policy's limits.
    ///
    /// ```
    /// use safe_markup::{Limits, Policy};
    ///
    /// assert_eq!(Policy::ugc().limits(), &Limits::default());
    /// ```
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub(crate) fn action_for(&self, local: &LocalName) -> TagAction {
        if self.text_only {
            return TagAction::Escape;
        }
        self.actions.get(local).copied().unwrap_or(self.other)
    }

    /// The action for a parsed element. Only HTML-namespace elements are
    /// ever kept; SVG and MathML elements are dropped when their name says
    /// drop (`<svg><script>`, `<math><style>`) and unwrapped otherwise, so
    /// their text survives as escaped HTML text.
    pub(crate) fn action_for_element(&self, name: &Name) -> TagAction {
        let action = self.action_for(&name.local);
        if name.is_html() {
            action
        } else if action == TagAction::Drop {
            TagAction::Drop
        } else {
            TagAction::Unwrap
        }
    }

    pub(crate) fn attr_allowed(&self, tag: &LocalName, attr: &LocalName) -> bool {
        self.generic_attrs.contains(attr)
            || self.keep.get(tag).is_some_and(|set| set.contains(attr))
    }

    /// Whether links get `rel` tokens from the policy (so the author's
    /// own `rel` is merged with them rather than kept as written).
    pub(crate) fn forces_rel(&self) -> bool {
        !self.link_rel.is_empty() || self.links.is_active()
    }

    pub(crate) fn is_kept(&self, tag: &LocalName) -> bool {
        self.keep.contains_key(tag)
    }
}
