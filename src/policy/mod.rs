//! [`Policy`]: what to keep, built once, shared by every request.
//!
//! One folder, its arrows pointing one way: the sanitizer, the fast path,
//! the links and the transforms read a policy; a policy reads none of
//! them. [`PolicyBuilder`] (`builder`) holds the setters, those that refine
//! an allowlist (values, classes, prefixes, forced attributes, removals)
//! in `refine`; `build` checks
//! the configuration and makes the lookup tables, `presets` the named
//! policies, `file` the TOML format; the link and special-tag settings
//! (`links`, `special_tags`) are plain data the policy owns.

mod attr_names;
mod build;
mod builder;
mod checks;
mod file;
mod links;
mod presets;
mod refine;
mod special_tags;

use std::collections::BTreeSet;

// The policy's tables are looked up for every element and attribute. Their
// keys are interned names (which carry a hash of their own) and the
// policy's scheme names: input never adds a key, so a fast unkeyed hash is
// safe here, and SipHash cost 300 instructions per element.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use html5ever::LocalName;
use serde::Deserialize;

use crate::limits::Limits;

pub(crate) use attr_names::AttrNames;
pub use builder::PolicyBuilder;
pub(crate) use links::{Destination, LinkOptions, Links};
pub use special_tags::SpecialTags;

/// The diary features a policy turns on.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct Transforms {
    pub(crate) special_tags: Option<SpecialTags>,
    pub(crate) paragraphs: bool,
    pub(crate) line_breaks: bool,
    pub(crate) linkify: bool,
}

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
    pub(crate) attr_names: AttrNames,
    /// Attribute name prefixes allowed on every kept element (`data-`).
    pub(crate) attr_prefixes: Vec<String>,
    /// Per tag, the attributes with a setting of their own (a value list,
    /// a class list, a forced value), which wins over the generic
    /// allowlist and the prefixes on that tag.
    pub(crate) attr_rules: HashMap<LocalName, HashMap<LocalName, AttrRule>>,
    /// Per tag, the attributes written on every kept element of it, in
    /// name order, checked and final.
    pub(crate) forced: HashMap<LocalName, Vec<(LocalName, String)>>,
    source: PolicyBuilder,
}

/// A tag's own setting for one attribute.
#[derive(Clone, Debug)]
pub(crate) enum AttrRule {
    /// Kept only with one of these values (compared exactly).
    Values(HashSet<String>),
    /// `class`, keeping only these class names.
    Classes(Classes),
    /// Written by the policy: the author's value is replaced.
    Forced,
}

/// The class names a tag keeps: exact names, and prefixes (written
/// `language-*`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Classes {
    exact: HashSet<String>,
    prefixes: Vec<String>,
}

impl Classes {
    pub(crate) fn new(list: &BTreeSet<String>) -> Classes {
        let mut classes = Classes::default();
        for class in list {
            match class.strip_suffix('*') {
                Some(prefix) => classes.prefixes.push(prefix.to_owned()),
                None => {
                    classes.exact.insert(class.clone());
                }
            }
        }
        classes
    }

    /// Whether the class name `token` is kept (case-sensitive, as class
    /// selectors are in a standards-mode page).
    pub(crate) fn allows(&self, token: &str) -> bool {
        self.exact.contains(token) || self.prefixes.iter().any(|p| token.starts_with(p.as_str()))
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Relative {
    Deny,
    Pass,
    Rewrite(url::Url),
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

    /// Whether `attr` may appear on a kept `tag` in the output: allowed
    /// (outright, by a prefix, or with only some values or classes), or
    /// forced by the policy. URL attributes are also checked for their
    /// scheme, and values against their lists, while cleaning.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// assert!(Policy::ugc().allows_attr("a", "href"));
    /// assert!(Policy::ugc().allows_attr("p", "title"));
    /// assert!(!Policy::ugc().allows_attr("p", "style"));
    /// let lazy = Policy::ugc().to_builder().force_attr("img", "loading", "lazy").build()?;
    /// assert!(lazy.allows_attr("img", "loading"));
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn allows_attr(&self, tag: &str, attr: &str) -> bool {
        let tag = LocalName::from(tag.to_ascii_lowercase());
        let attr = LocalName::from(attr.to_ascii_lowercase());
        self.keep.contains_key(&tag)
            && (self.attr_allowed(&tag, &attr)
                || matches!(self.attr_rule(&tag, &attr), Some(AttrRule::Forced)))
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
    pub(crate) fn action_for_element(&self, local: &LocalName, html: bool) -> TagAction {
        let action = self.action_for(local);
        if html {
            action
        } else if action == TagAction::Drop {
            TagAction::Drop
        } else {
            TagAction::Unwrap
        }
    }

    /// Whether the author's `attr` on a kept `tag` may stay (its value
    /// still to be checked against the tag's own rule, if any). A forced
    /// attribute is not: the policy writes its own.
    pub(crate) fn attr_allowed(&self, tag: &LocalName, attr: &LocalName) -> bool {
        if let Some(rule) = self.attr_rule(tag, attr) {
            return !matches!(rule, AttrRule::Forced);
        }
        self.generic_attrs.contains(attr)
            || self.keep.get(tag).is_some_and(|set| set.contains(attr))
            || self.prefix_allows(attr)
    }

    /// The tag's own setting for `attr`, which wins over the generic
    /// allowlist and the prefixes.
    pub(crate) fn attr_rule(&self, tag: &LocalName, attr: &LocalName) -> Option<&AttrRule> {
        if self.attr_rules.is_empty() {
            return None;
        }
        self.attr_rules.get(tag)?.get(attr)
    }

    /// Whether an allowed prefix admits `attr`: a name longer than the
    /// prefix that the builder would accept for `allow_attrs` and that
    /// carries no URL. The build checks already refuse a prefix that
    /// could reach an event handler, `style` or a URL attribute; this
    /// holds whatever the parser hands over (`data-x"y`, upper case
    /// from elsewhere) to the same rule.
    fn prefix_allows(&self, attr: &str) -> bool {
        !self.attr_prefixes.is_empty()
            && self
                .attr_prefixes
                .iter()
                .any(|p| attr.len() > p.len() && attr.starts_with(p.as_str()))
            && checks::safe_admitted_name(attr)
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
