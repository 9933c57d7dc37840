//! Policy files: [`Policy::from_toml`] and the schema it reads.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Policy, RelativeUrls, TagAction};
use crate::error::{PolicyError, PolicyErrorKind};

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
    attribute_values: Option<BTreeMap<String, BTreeMap<String, Vec<String>>>>,
    allowed_classes: Option<BTreeMap<String, Vec<String>>>,
    attribute_prefixes: Option<Vec<String>>,
    forced_attributes: Option<BTreeMap<String, BTreeMap<String, String>>>,
    rm_tags: Option<Vec<String>>,
    rm_attributes: Option<BTreeMap<String, Vec<String>>>,
    rm_generic_attributes: Option<Vec<String>>,
    rm_attribute_prefixes: Option<Vec<String>>,
    rm_url_schemes: Option<Vec<String>>,
}

impl PolicyFile {
    /// The keys given besides `preset` and `[limits]`: the ones the text
    /// preset, which shows every input as text, would have no use for.
    fn markup_keys(&self) -> Vec<&'static str> {
        let given = [
            ("tags", self.tags.is_some()),
            ("drop_tags", self.drop_tags.is_some()),
            ("escape_tags", self.escape_tags.is_some()),
            ("unwrap_tags", self.unwrap_tags.is_some()),
            ("other_tags", self.other_tags.is_some()),
            ("generic_attributes", self.generic_attributes.is_some()),
            ("attributes", self.attributes.is_some()),
            ("url_schemes", self.url_schemes.is_some()),
            ("relative_urls", self.relative_urls.is_some()),
            ("relative_base", self.relative_base.is_some()),
            ("link_rel", self.link_rel.is_some()),
            ("comments", self.comments.is_some()),
            ("style_properties", self.style_properties.is_some()),
            ("id_prefix", self.id_prefix.is_some()),
            ("unwrap_links", self.unwrap_links.is_some()),
            ("external_link_rel", self.external_link_rel.is_some()),
            ("site_hosts", self.site_hosts.is_some()),
            (
                "external_links_new_tab",
                self.external_links_new_tab.is_some(),
            ),
            ("paragraphs", self.paragraphs.is_some()),
            ("line_breaks", self.line_breaks.is_some()),
            ("linkify", self.linkify.is_some()),
            ("report_spans", self.report_spans.is_some()),
            ("special_tags", self.special_tags.is_some()),
            ("attribute_values", self.attribute_values.is_some()),
            ("allowed_classes", self.allowed_classes.is_some()),
            ("attribute_prefixes", self.attribute_prefixes.is_some()),
            ("forced_attributes", self.forced_attributes.is_some()),
            ("rm_tags", self.rm_tags.is_some()),
            ("rm_attributes", self.rm_attributes.is_some()),
            (
                "rm_generic_attributes",
                self.rm_generic_attributes.is_some(),
            ),
            (
                "rm_attribute_prefixes",
                self.rm_attribute_prefixes.is_some(),
            ),
            ("rm_url_schemes", self.rm_url_schemes.is_some()),
        ];
        given
            .into_iter()
            .filter(|(_, is)| *is)
            .map(|(key, _)| key)
            .collect()
    }
}

/// A name both added and removed by one file: which wins would depend on
/// an order the file does not show.
fn check_not_both(
    key: &str,
    added: Option<&Vec<String>>,
    removed: Option<&Vec<String>>,
) -> Result<(), PolicyError> {
    let (Some(added), Some(removed)) = (added, removed) else {
        return Ok(());
    };
    match added
        .iter()
        .find(|a| removed.iter().any(|r| r.eq_ignore_ascii_case(a)))
    {
        Some(name) => Err(file_error(format!(
            "`{name}` is both in `{key}` and in `rm_{key}`"
        ))),
        None => Ok(()),
    }
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
    /// Reads a policy file. Every key is optional; `preset` names the
    /// starting point (default: an empty builder), and the other keys are
    /// changes to it: first the removals (`rm_*`), then the rest. A name
    /// both added and removed (`tags` and `rm_tags`) is an error, and so
    /// is any key but `[limits]` with `preset = "text"`, which shows every
    /// input as text. Every key, with its type, default and an example,
    /// and a full file for each preset: `docs/POLICY-FILE.md` in the
    /// repository.
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
            Some(name) => match Policy::preset(name) {
                Some(p) => p.to_builder(),
                None => return Err(file_error(format!("unknown preset `{name}`"))),
            },
        };
        if file.preset.as_deref() == Some("text") {
            let keys = file.markup_keys();
            if !keys.is_empty() {
                return Err(file_error(format!(
                    "preset \"text\" shows every input as text: only [limits] applies, not `{}`",
                    keys.join("`, `")
                )));
            }
        }
        check_not_both("tags", file.tags.as_ref(), file.rm_tags.as_ref())?;
        check_not_both(
            "generic_attributes",
            file.generic_attributes.as_ref(),
            file.rm_generic_attributes.as_ref(),
        )?;
        check_not_both(
            "attribute_prefixes",
            file.attribute_prefixes.as_ref(),
            file.rm_attribute_prefixes.as_ref(),
        )?;
        check_not_both(
            "url_schemes",
            file.url_schemes.as_ref(),
            file.rm_url_schemes.as_ref(),
        )?;
        let no_attrs = BTreeMap::new();
        for (tag, removed) in file.rm_attributes.as_ref().unwrap_or(&no_attrs) {
            let added = file.attributes.as_ref().and_then(|a| a.get(tag));
            check_not_both("attributes", added, Some(removed))?;
        }
        if let Some(v) = file.rm_tags {
            b = b.rm_tags(v);
        }
        for (tag, attrs) in file.rm_attributes.unwrap_or_default() {
            b = b.rm_attrs(tag, attrs);
        }
        if let Some(v) = file.rm_generic_attributes {
            b = b.rm_generic_attrs(v);
        }
        if let Some(v) = file.rm_attribute_prefixes {
            b = b.rm_attr_prefixes(v);
        }
        if let Some(v) = file.rm_url_schemes {
            b = b.rm_url_schemes(v);
        }
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
        for (tag, attrs) in file.attribute_values.unwrap_or_default() {
            for (attr, values) in attrs {
                b = b.attr_values(&tag, attr, values);
            }
        }
        for (tag, classes) in file.allowed_classes.unwrap_or_default() {
            b = b.allowed_classes(tag, classes);
        }
        if let Some(v) = file.attribute_prefixes {
            b = b.allow_attr_prefixes(v);
        }
        for (tag, attrs) in file.forced_attributes.unwrap_or_default() {
            for (attr, value) in attrs {
                b = b.force_attr(&tag, attr, value);
            }
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
}
