//! [`PolicyBuilder::build`]: the whole configuration checked, and the
//! tables the sanitizer looks things up in made once.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use html5ever::LocalName;

use super::checks::{check_attr_name, check_rel_token, check_scheme, check_tag_name};
use super::{AttrNames, Policy, PolicyBuilder, Relative, RelativeUrls, TagAction};
use crate::error::{PolicyError, PolicyErrorKind};
use crate::limits::Limit;
use crate::tags;

pub(super) fn build(b: &PolicyBuilder) -> Result<Policy, PolicyError> {
    let err = |kind| Err(PolicyError::new(kind));
    let mut style_properties = BTreeSet::new();
    for property in &b.style_properties {
        style_properties.insert(crate::css::check_property(property)?);
    }
    // `style` is checked CSS only with a list of properties to keep.
    let style_ok = !style_properties.is_empty();
    if let Some(prefix) = &b.id_prefix
        && !crate::ids::valid_prefix(prefix)
    {
        return err(PolicyErrorKind::InvalidIdPrefix {
            prefix: prefix.clone(),
        });
    }
    let mut keep: HashMap<LocalName, HashSet<LocalName>> = HashMap::default();
    let mut actions = HashMap::default();
    for (name, action) in &b.actions {
        check_tag_name(name)?;
        let atom = LocalName::from(name.as_str());
        // Special tags become `a` before the sanitizer and bare URLs
        // are linked only where `a` is kept: unwrapping `a` unwraps
        // those too.
        let action = &match (b.unwrap_links, name.as_str()) {
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
        if keep.contains_key(&LocalName::from(tag)) && !keep.contains_key(&LocalName::from(needs)) {
            return err(PolicyErrorKind::MissingTag {
                tag: tag.to_owned(),
                needs,
            });
        }
    }
    for (tag, attrs) in &b.tag_attrs {
        check_tag_name(tag)?;
        for attr in attrs {
            check_attr_name(attr, style_ok)?;
        }
        if let Some(set) = keep.get_mut(&LocalName::from(tag.as_str())) {
            set.extend(attrs.iter().map(|a| LocalName::from(a.as_str())));
        }
    }
    let mut generic_attrs = HashSet::default();
    for attr in &b.generic_attrs {
        check_attr_name(attr, style_ok)?;
        generic_attrs.insert(LocalName::from(attr.as_str()));
    }
    if b.other == TagAction::Keep {
        return err(PolicyErrorKind::KeepUnknownTags);
    }
    for scheme in &b.schemes {
        check_scheme(scheme)?;
    }
    let relative = match &b.relative {
        RelativeUrls::Deny => Relative::Deny,
        RelativeUrls::Pass => Relative::Pass,
        RelativeUrls::Rewrite(base) => match url::Url::parse(base) {
            Ok(u) if !u.cannot_be_a_base() && b.schemes.contains(u.scheme()) => {
                Relative::Rewrite(u)
            }
            _ => return err(PolicyErrorKind::InvalidBaseUrl { base: base.clone() }),
        },
    };
    let mut link_rel: Vec<String> = Vec::new();
    for token in b.link_rel.split_ascii_whitespace() {
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
        if limit.max(&b.limits) == 0 {
            return err(PolicyErrorKind::InvalidLimit { limit });
        }
    }
    let links = b.links.build()?;
    if let Some(special) = &b.transforms.special_tags {
        special.check()?;
    }
    let escape_mode =
        b.other == TagAction::Escape || b.actions.values().any(|a| *a == TagAction::Escape);
    let attr_names = AttrNames::new(generic_attrs.iter().chain(keep.values().flatten()));
    Ok(Policy {
        attr_names,
        escape_mode,
        links,
        transforms: b.transforms.clone(),
        keep,
        actions,
        other: b.other,
        generic_attrs,
        schemes: b.schemes.iter().cloned().collect(),
        relative,
        link_rel,
        comments: b.comments,
        limits: b.limits,
        text_only: b.text_only,
        report_spans: b.report_spans,
        style_properties,
        id_prefix: b.id_prefix.clone(),
        source: b.clone(),
    })
}
