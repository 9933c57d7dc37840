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
}
