//! The setters that refine an allowlist, ammonia's and DOMPurify's
//! vocabulary for moving sites: the values an attribute may take, the
//! classes a tag keeps, attribute prefixes, attributes the policy writes
//! itself, and taking tags, attributes and schemes out of a preset.

use super::builder::lower;
use super::{PolicyBuilder, TagAction};

impl PolicyBuilder {
    /// Allows `attr` on `tag` with one of these values only, added to any
    /// listed before (ammonia's `tag_attribute_values`): `target` only
    /// `_blank`, `ol type` only `1`, `a` or `i`. Another value removes
    /// the attribute, reported as
    /// [`Rule::AttributeValueNotAllowed`](crate::Rule::AttributeValueNotAllowed).
    ///
    /// Values are compared exactly, after the parser has decoded
    /// character references: case matters (`type="A"` and `type="a"` are
    /// different list styles, so list both cases where the attribute is
    /// case-insensitive) and whitespace is not trimmed. A kept value then
    /// passes every other check (URL schemes, the id prefix, the CSS
    /// filter). A tag's own setting wins over the generic allowlist and
    /// the prefixes on that tag; allowing `attr` on `tag` outright as well
    /// ([`allow_attrs`](PolicyBuilder::allow_attrs)), listing classes for
    /// it, or forcing it, is a build error. Does nothing on a tag that is
    /// not kept. Default: none. In a policy file:
    /// `[attribute_values.ol]` then `type = ["1", "a", "i"]`.
    ///
    /// ```
    /// use safe_markup::{Policy, Rule};
    ///
    /// let policy = Policy::ugc().to_builder().attr_values("ol", "type", ["1", "a", "i"]).build()?;
    /// assert_eq!(policy.clean(r#"<ol type="a"><li>x</li></ol>"#), r#"<ol type="a"><li>x</li></ol>"#);
    /// let cleaned = policy.clean_report(r#"<ol type="disc"><li>x</li></ol>"#);
    /// assert_eq!(cleaned.html, "<ol><li>x</li></ol>");
    /// assert_eq!(cleaned.report.changes()[0].rule, Rule::AttributeValueNotAllowed);
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn attr_values<I, S>(
        mut self,
        tag: impl AsRef<str>,
        attr: impl AsRef<str>,
        values: I,
    ) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.attr_values
            .entry(lower(tag))
            .or_default()
            .entry(lower(attr))
            .or_default()
            .extend(values.into_iter().map(|v| v.as_ref().to_owned()));
        self
    }

    /// Allows `class` on `tag` with these class names only, added to any
    /// listed before (ammonia's `allowed_classes`). A name ending in `*`
    /// is a prefix: `language-*` keeps `language-rust` and
    /// `language-toml`. Class names are compared exactly (case matters, as
    /// in CSS selectors). Names not listed are removed from the attribute
    /// and reported one by one
    /// ([`ChangeKind::Class`](crate::ChangeKind::Class),
    /// [`Rule::ClassNotAllowed`](crate::Rule::ClassNotAllowed)); the kept
    /// ones are written separated by one space; a `class` left empty is
    /// removed ([`Rule::Empty`](crate::Rule::Empty)). Allowing `class` on
    /// `tag` outright as well, a value list for it, or forcing it, is a
    /// build error; on that tag this setting wins over a generic `class`.
    /// Default: none. In a policy file: `[allowed_classes]` then
    /// `code = ["language-*"]`.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc()
    ///     .to_builder()
    ///     .allowed_classes("code", ["language-*", "hljs"])
    ///     .build()?;
    /// assert_eq!(
    ///     policy.clean(r#"<code class="hljs  language-rust evil">fn</code>"#),
    ///     r#"<code class="hljs language-rust">fn</code>"#
    /// );
    /// assert_eq!(policy.clean(r#"<code class="evil">fn</code>"#), "<code>fn</code>");
    /// assert!(Policy::ugc().to_builder().allow_attrs("code", ["class"]).allowed_classes("code", ["x"]).build().is_err());
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn allowed_classes<I, S>(mut self, tag: impl AsRef<str>, classes: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.classes
            .entry(lower(tag))
            .or_default()
            .extend(classes.into_iter().map(|c| c.as_ref().to_owned()));
        self
    }

    /// Allows, on every kept element, the attributes whose names start
    /// with one of these prefixes (ammonia's
    /// `generic_attribute_prefixes`; DOMPurify's `ALLOW_DATA_ATTR` is
    /// `data-`). A prefix that could admit an event handler (`on…`),
    /// `style`, a URL attribute (`h` reaches `href`) or any other name
    /// [`allow_attrs`](PolicyBuilder::allow_attrs) refuses is a build
    /// error; while cleaning, a name is admitted only if it is longer than
    /// the prefix, and the builder would accept it by name and it carries
    /// no URL. A tag's own setting for a name (a value list, classes, a
    /// forced value) wins over a prefix. Default: none. In a policy file:
    /// `attribute_prefixes = ["data-"]`.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc().to_builder().allow_attr_prefixes(["data-"]).build()?;
    /// assert_eq!(
    ///     policy.clean(r#"<p data-id="7" data-="x" data-src="y" onclick="z()">t</p>"#),
    ///     r#"<p data-id="7" data-src="y">t</p>"#
    /// );
    /// assert!(Policy::builder().allow_attr_prefixes(["o"]).build().is_err());
    /// assert!(Policy::builder().allow_attr_prefixes(["sr"]).build().is_err());
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn allow_attr_prefixes<I, S>(mut self, prefixes: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.attr_prefixes.extend(prefixes.into_iter().map(lower));
        self
    }

    /// Writes `attr="value"` on every kept `tag` element, replacing the
    /// author's value (ammonia's `set_tag_attribute_value`):
    /// `img loading=lazy`, `a referrerpolicy=no-referrer`. Forced
    /// attributes come after the author's kept ones, in name order, and
    /// are not reported (like [`link_rel`](PolicyBuilder::link_rel), they
    /// are the same on every element); an author's value they replace is
    /// not reported either. The value passes the policy's own checks at
    /// build time, or the build fails: a URL attribute needs an allowed
    /// scheme (or a relative URL where those pass; with
    /// [`RelativeUrls::Rewrite`](crate::RelativeUrls::Rewrite) it is
    /// written resolved), `style` needs every declaration kept by the CSS
    /// filter, and an `id` or `name` gets the
    /// [`id_prefix`](PolicyBuilder::id_prefix). Also build errors:
    /// allowing the same attribute on the tag (outright, with values or
    /// classes), names [`allow_attrs`](PolicyBuilder::allow_attrs)
    /// refuses, URL lists (`srcset`, `ping`), and `rel` or `target` on `a`
    /// or `area` (the link settings own those, and add `noopener`).
    /// Calling it again for the same tag and attribute replaces the value.
    /// Does nothing on a tag that is not kept. Default: none. In a policy
    /// file: `[forced_attributes.img]` then `loading = "lazy"`.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc().to_builder().force_attr("img", "loading", "lazy").build()?;
    /// assert_eq!(
    ///     policy.clean(r#"<img src="a.png" loading="eager" alt="a"><img>"#),
    ///     r#"<img src="a.png" alt="a" loading="lazy"><img loading="lazy">"#
    /// );
    /// let no_author_href = Policy::ugc().to_builder().rm_attrs("a", ["href"]);
    /// let home = no_author_href.clone().force_attr("a", "href", "https://diary.example/").build()?;
    /// assert_eq!(
    ///     home.clean(r#"<a href="https://evil.example/">x</a>"#),
    ///     r#"<a href="https://diary.example/" rel="noopener noreferrer">x</a>"#
    /// );
    /// assert!(no_author_href.force_attr("a", "href", "javascript:x()").build().is_err());
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn force_attr(
        mut self,
        tag: impl AsRef<str>,
        attr: impl AsRef<str>,
        value: impl Into<String>,
    ) -> PolicyBuilder {
        self.forced
            .entry(lower(tag))
            .or_default()
            .insert(lower(attr), value.into());
        self
    }

    /// Stops keeping these tags (ammonia's `rm_tags`, DOMPurify's
    /// `FORBID_TAGS`), to take tags out of a preset: a kept tag is then
    /// treated as any tag the policy does not name
    /// ([`other_tags`](PolicyBuilder::other_tags)). Tags the policy drops
    /// or escapes stay so (`rm_tags(["script"])` never lets a script's
    /// text through); to unwrap one, use
    /// [`unwrap_tags`](PolicyBuilder::unwrap_tags). Their attribute
    /// settings stay, unused unless the tag is allowed again. In a policy
    /// file: `rm_tags = ["img"]`.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc().to_builder().rm_tags(["img", "script"]).build()?;
    /// assert_eq!(policy.clean("<p>a<img src=x.png>b<script>c</script></p>"), "<p>ab</p>");
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn rm_tags<I, S>(mut self, tags: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for tag in tags {
            let tag = lower(tag);
            if self.actions.get(&tag) == Some(&TagAction::Keep) {
                self.actions.remove(&tag);
            }
        }
        self
    }

    /// Takes these attributes off `tag` (ammonia's `rm_tag_attributes`):
    /// allowed outright, with a value list, its classes (for `class`) or
    /// forced, the tag has no setting of its own for them afterwards. The
    /// generic attributes are untouched (see
    /// [`rm_generic_attrs`](PolicyBuilder::rm_generic_attrs)). In a policy
    /// file: `[rm_attributes]` then `img = ["width", "height"]`.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc().to_builder().rm_attrs("img", ["width", "height"]).build()?;
    /// assert_eq!(policy.clean(r#"<img src="a.png" width="9000" height="1">"#), r#"<img src="a.png">"#);
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn rm_attrs<I, S>(mut self, tag: impl AsRef<str>, attrs: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let tag = lower(tag);
        for attr in attrs {
            let attr = lower(attr);
            if let Some(set) = self.tag_attrs.get_mut(&tag) {
                set.remove(&attr);
            }
            if let Some(map) = self.attr_values.get_mut(&tag) {
                map.remove(&attr);
            }
            if let Some(map) = self.forced.get_mut(&tag) {
                map.remove(&attr);
            }
            if attr == "class" {
                self.classes.remove(&tag);
            }
        }
        self
    }

    /// Takes these attributes out of the generic ones, allowed on every
    /// kept element (ammonia's `rm_generic_attributes`):
    /// `Policy::ugc().to_builder().rm_generic_attrs(["title"])`. An
    /// attribute also allowed on a tag of its own
    /// ([`allow_attrs`](PolicyBuilder::allow_attrs)) stays allowed there.
    /// In a policy file: `rm_generic_attributes = ["title"]`.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc().to_builder().rm_generic_attrs(["title"]).build()?;
    /// assert_eq!(policy.clean(r#"<p title="t" lang="en">x</p>"#), r#"<p lang="en">x</p>"#);
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn rm_generic_attrs<I, S>(mut self, attrs: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for attr in attrs {
            self.generic_attrs.remove(&lower(attr));
        }
        self
    }

    /// Takes these prefixes out of the allowed attribute prefixes
    /// ([`allow_attr_prefixes`](PolicyBuilder::allow_attr_prefixes)). In a
    /// policy file: `rm_attribute_prefixes = ["aria-"]`.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let data = Policy::ugc().to_builder().allow_attr_prefixes(["data-", "aria-"]);
    /// let policy = data.rm_attr_prefixes(["aria-"]).build()?;
    /// assert_eq!(policy.clean(r#"<p data-x="1" aria-label="y">t</p>"#), r#"<p data-x="1">t</p>"#);
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn rm_attr_prefixes<I, S>(mut self, prefixes: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for prefix in prefixes {
            self.attr_prefixes.remove(&lower(prefix));
        }
        self
    }

    /// Takes these schemes out of the allowed URL schemes (ammonia's
    /// `rm_url_schemes`). In a policy file: `rm_url_schemes = ["ftp"]`.
    ///
    /// ```
    /// use safe_markup::Policy;
    ///
    /// let policy = Policy::ugc().to_builder().rm_url_schemes(["ftp", "magnet"]).build()?;
    /// assert!(!policy.allows_scheme("ftp"));
    /// assert_eq!(policy.clean(r#"<a href="ftp://x.test/f">f</a>"#), "<a>f</a>");
    /// # Ok::<(), safe_markup::PolicyError>(())
    /// ```
    pub fn rm_url_schemes<I, S>(mut self, schemes: I) -> PolicyBuilder
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for scheme in schemes {
            self.schemes.remove(&lower(scheme));
        }
        self
    }
}
