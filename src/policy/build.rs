//! [`PolicyBuilder::build`]: the whole configuration checked, and the
//! tables the sanitizer looks things up in made once.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use html5ever::LocalName;

use super::checks::{
    check_attr_name, check_attr_prefix, check_class, check_rel_token, check_scheme, check_tag_name,
};
use super::{
    AttrNames, AttrRule, Classes, Policy, PolicyBuilder, Relative, RelativeUrls, TagAction,
};
use crate::error::{PolicyError, PolicyErrorKind};
use crate::limits::Limit;
use crate::tags::{self, UrlKind, url_kind};

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
    let mut attr_prefixes = Vec::new();
    for prefix in &b.attr_prefixes {
        check_attr_prefix(prefix)?;
        attr_prefixes.push(prefix.clone());
    }
    let settings = Settings {
        b,
        style_ok,
        style_properties: &style_properties,
        relative: &relative,
    };
    let (attr_rules, forced) = settings.attr_rules(&keep)?;
    let restricted = attr_rules.values().flat_map(|rules| {
        rules
            .iter()
            .filter(|(_, rule)| !matches!(rule, AttrRule::Forced))
            .map(|(name, _)| name)
    });
    let attr_names = AttrNames::new(
        generic_attrs
            .iter()
            .chain(keep.values().flatten())
            .chain(restricted),
        &attr_prefixes,
    );
    Ok(Policy {
        attr_prefixes,
        attr_rules,
        forced,
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

/// Per tag: each attribute's own rule, and the forced attributes in order.
type AttrTables = (
    HashMap<LocalName, HashMap<LocalName, AttrRule>>,
    HashMap<LocalName, Vec<(LocalName, String)>>,
);

/// What the checks of the per-tag attribute settings read.
struct Settings<'a> {
    b: &'a PolicyBuilder,
    style_ok: bool,
    style_properties: &'a BTreeSet<String>,
    relative: &'a Relative,
}

impl Settings<'_> {
    /// The value lists, class lists and forced values, checked: names,
    /// no attribute of a tag given two settings, forced values that pass
    /// the policy's own checks. Only kept tags get entries.
    fn attr_rules(
        &self,
        keep: &HashMap<LocalName, HashSet<LocalName>>,
    ) -> Result<AttrTables, PolicyError> {
        let b = self.b;
        let mut rules: HashMap<LocalName, HashMap<LocalName, AttrRule>> = HashMap::default();
        let mut forced: HashMap<LocalName, Vec<(LocalName, String)>> = HashMap::default();
        let mut add = |tag: &str, attr: &str, rule: AttrRule| {
            let tag = LocalName::from(tag);
            if keep.contains_key(&tag) {
                rules
                    .entry(tag)
                    .or_default()
                    .insert(LocalName::from(attr), rule);
            }
        };
        for (tag, attrs) in &b.attr_values {
            check_tag_name(tag)?;
            for (attr, values) in attrs {
                check_attr_name(attr, self.style_ok)?;
                self.check_conflict(tag, attr)?;
                add(
                    tag,
                    attr,
                    AttrRule::Values(values.iter().cloned().collect()),
                );
            }
        }
        for (tag, classes) in &b.classes {
            check_tag_name(tag)?;
            for class in classes {
                check_class(class)?;
            }
            self.check_conflict(tag, "class")?;
            add(tag, "class", AttrRule::Classes(Classes::new(classes)));
        }
        for (tag, attrs) in &b.forced {
            check_tag_name(tag)?;
            let tag_atom = LocalName::from(tag.as_str());
            let mut list = Vec::new();
            for (attr, value) in attrs {
                check_attr_name(attr, self.style_ok)?;
                self.check_conflict(tag, attr)?;
                if matches!(tag.as_str(), "a" | "area") && matches!(attr.as_str(), "rel" | "target")
                {
                    return Err(PolicyError::new(PolicyErrorKind::AttributeConflict {
                        tag: tag.clone(),
                        attr: attr.clone(),
                        reason: "links get `rel` and `target` from link_rel, external_link_rel and external_links_new_tab, which add noopener",
                    }));
                }
                let attr_atom = LocalName::from(attr.as_str());
                let value = self
                    .forced_value(&tag_atom, &attr_atom, value)
                    .ok_or_else(|| {
                        PolicyError::new(PolicyErrorKind::ForcedValue {
                            tag: tag.clone(),
                            attr: attr.clone(),
                            value: value.clone(),
                        })
                    })?;
                add(tag, attr, AttrRule::Forced);
                list.push((attr_atom, value));
            }
            if keep.contains_key(&tag_atom) && !list.is_empty() {
                forced.insert(tag_atom, list);
            }
        }
        Ok((rules, forced))
    }

    /// An attribute of a tag takes one setting: allowed outright, a value
    /// list, classes (for `class`), or a forced value.
    fn check_conflict(&self, tag: &str, attr: &str) -> Result<(), PolicyError> {
        let b = self.b;
        let outright = b.tag_attrs.get(tag).is_some_and(|set| set.contains(attr));
        let values = b.attr_values.get(tag).is_some_and(|m| m.contains_key(attr));
        let classes = attr == "class" && b.classes.contains_key(tag);
        let forced = b.forced.get(tag).is_some_and(|m| m.contains_key(attr));
        let reason = match (outright, values, classes, forced) {
            (true, true, _, _) => {
                "allowed outright (allow_attrs) and only with some values (attr_values)"
            }
            (true, _, true, _) => {
                "allowed outright (allow_attrs) and only with some classes (allowed_classes)"
            }
            (true, _, _, true) => "allowed (allow_attrs) and forced (force_attr)",
            (_, true, true, _) => {
                "restricted both to values (attr_values) and to classes (allowed_classes)"
            }
            (_, true, _, true) | (_, _, true, true) => "both restricted and forced (force_attr)",
            _ => return Ok(()),
        };
        Err(PolicyError::new(PolicyErrorKind::AttributeConflict {
            tag: tag.to_owned(),
            attr: attr.to_owned(),
            reason,
        }))
    }

    /// A forced value as it will be written, if the policy's checks keep
    /// it whole: the id prefix applied, the URL checked (and resolved when
    /// relative URLs are rewritten), a `style` through the CSS filter.
    /// The same checks run on the author's values while cleaning; the
    /// sanitizer checks forced URLs again there.
    fn forced_value(&self, tag: &LocalName, attr: &LocalName, value: &str) -> Option<String> {
        let mut value = value.to_owned();
        if let Some(prefix) = &self.b.id_prefix
            && let Some(v) = crate::ids::prefixed(prefix, tag, attr, &value)
        {
            value = v;
        }
        if *attr == *"style" {
            let filtered = crate::css::filter(self.style_properties, &value);
            return filtered
                .dropped
                .is_empty()
                .then_some(filtered.value)
                .flatten();
        }
        match url_kind(attr) {
            None => Some(value),
            Some(UrlKind::Single) => self.forced_url(value),
            Some(UrlKind::List | UrlKind::Srcset) => None,
        }
    }

    /// The WHATWG parse of a forced URL, judged as the sanitizer judges
    /// an author's (the `url` module, which the policy layer sits below).
    fn forced_url(&self, value: String) -> Option<String> {
        let schemes = &self.b.schemes;
        match url::Url::parse(&value) {
            Ok(parsed) => schemes.contains(parsed.scheme()).then_some(value),
            Err(url::ParseError::RelativeUrlWithoutBase) => match self.relative {
                Relative::Deny => None,
                Relative::Pass => Some(value),
                Relative::Rewrite(base) => base
                    .join(&value)
                    .ok()
                    .filter(|joined| schemes.contains(joined.scheme()))
                    .map(String::from),
            },
            Err(_) => None,
        }
    }
}
