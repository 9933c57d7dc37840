//! The named policies: `ugc`, `strict`, `diary`, `diary-untrusted` and
//! `text`.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{
    AttrNames, Links, Policy, PolicyBuilder, Relative, RelativeUrls, SpecialTags, TagAction,
    Transforms,
};
use crate::limits::Limits;
use crate::tags;

impl Policy {
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
            attr_names: AttrNames::default(),
            attr_prefixes: Vec::new(),
            attr_rules: HashMap::default(),
            forced: HashMap::default(),
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
}
