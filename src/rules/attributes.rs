//! Which attributes a kept element keeps, and in what form.

use std::borrow::Cow;

use html5ever::tendril::StrTendril;
use html5ever::{Attribute, LocalName, QualName, local_name, ns};

use crate::links;
use crate::policy::{AttrRule, Classes, Policy};
use crate::report::{ChangeKind, Report, Rule};
use crate::url::{self, UrlKind};
use crate::{css, ids};

/// The attributes a kept element `local` keeps, in order, with the
/// policy's `rel` and `target` added to links; reports each one removed or
/// changed. Shared by the sanitizer and the fast path (`fastpath`), so the
/// two cannot disagree about an attribute.
pub(crate) fn kept_attributes(
    policy: &Policy,
    local: &LocalName,
    attrs: Vec<Attribute>,
    report: &mut Report,
) -> Vec<Attribute> {
    let is_link = matches!(*local, local_name!("a") | local_name!("area"));
    let mut author_rel: Option<StrTendril> = None;
    let mut author_target: Option<Attribute> = None;
    // In place: the tree keeps the parser's list rather than a copy (the
    // copies were a twentieth of the peak memory).
    let mut kept = attrs;
    kept.retain_mut(|attr| {
        let attr_name = &attr.name.local;
        let rule = policy.attr_rule(local, attr_name);
        // A forced attribute is written by the policy below; the author's
        // value it replaces is not a finding (as with `rel`).
        if attr.name.ns == ns!() && matches!(rule, Some(AttrRule::Forced)) {
            return false;
        }
        if attr.name.ns != ns!() || !policy.attr_allowed(local, attr_name) {
            report.push_attr(
                ChangeKind::Attribute,
                attr_name,
                Rule::AttributeNotAllowed,
                local,
                None,
            );
            return false;
        }
        match rule {
            Some(AttrRule::Values(values)) if !values.contains(&*attr.value) => {
                report.push_attr(
                    ChangeKind::Attribute,
                    attr_name,
                    Rule::AttributeValueNotAllowed,
                    local,
                    None,
                );
                return false;
            }
            Some(AttrRule::Classes(classes)) => {
                match kept_classes(classes, &attr.value, local, report) {
                    Some(value) => attr.value = value,
                    None => return false,
                }
            }
            _ => {}
        }
        // Against DOM clobbering (see `ids`). Before the URL check, so
        // a fragment link rewritten against the base keeps its prefix.
        if let Some(prefix) = &policy.id_prefix
            && let Some(v) = ids::prefixed(prefix, local, attr_name, &attr.value)
        {
            attr.value = StrTendril::from(v);
        }
        if is_link && *attr_name == local_name!("rel") && policy.forces_rel() {
            author_rel = Some(std::mem::take(&mut attr.value));
            return false;
        }
        // A link that leaves the site in a new tab gets our `target`,
        // not the author's.
        if is_link && *attr_name == local_name!("target") && policy.links.new_tab {
            author_target = Some(Attribute {
                name: attr.name.clone(),
                value: std::mem::take(&mut attr.value),
            });
            return false;
        }
        // Inline CSS: allowed only with a list of properties (a build
        // check), and then only listed, inert declarations survive.
        if *attr_name == local_name!("style") {
            return match style(policy, report, local, &attr.value) {
                Some(value) => {
                    attr.value = value;
                    true
                }
                None => false,
            };
        }
        let Some(kind) = url::url_kind(attr_name) else {
            return true;
        };
        let checked = url::check(policy, kind, &attr.value);
        for r in checked.refused {
            report.push_attr(ChangeKind::Url, attr_name, r.rule, local, Some(r.url));
        }
        match checked.value {
            Some(Cow::Borrowed(_)) => true,
            Some(Cow::Owned(v)) => {
                if kind == UrlKind::Single {
                    report.push_attr(
                        ChangeKind::Url,
                        attr_name,
                        Rule::UrlRewritten,
                        local,
                        Some(attr.value.to_string()),
                    );
                }
                attr.value = StrTendril::from(v);
                true
            }
            None => false,
        }
    });
    if let Some(forced) = policy.forced.get(local) {
        for (name, value) in forced {
            // Checked at build time; checked again with the sanitizer's own
            // URL check, so the output's URLs have one judge.
            if let Some(kind) = url::url_kind(name)
                && url::check(policy, kind, value).value.is_none()
            {
                continue;
            }
            kept.push(Attribute {
                name: QualName::new(None, ns!(), name.clone()),
                value: StrTendril::from_slice(value),
            });
        }
    }
    let has_href = kept.iter().any(|a| a.name.local == local_name!("href"));
    if !has_href && let Some(value) = author_rel.take() {
        // Not a link after all: the forced tokens do not apply, and the
        // author's (allowed) rel stays as written.
        kept.push(Attribute {
            name: QualName::new(None, ns!(), local_name!("rel")),
            value,
        });
    }
    if is_link && has_href {
        links::finish_link(policy, &mut kept, author_rel, author_target);
    } else if let Some(target) = author_target {
        kept.push(target);
    }
    kept
}

/// The canonical `style` value to keep on `local`, if any declaration
/// survives; reports each one dropped.
fn style(
    policy: &Policy,
    report: &mut Report,
    local: &LocalName,
    value: &str,
) -> Option<StrTendril> {
    let filtered = css::filter(&policy.style_properties, value);
    for d in filtered.dropped {
        // A value refused with no property is the whole attribute,
        // refused for a backslash escape; the rest name a declaration.
        let (kind, name) = if d.property.is_empty() && d.rule == Rule::StyleValue {
            (ChangeKind::Attribute, "style")
        } else {
            (ChangeKind::Declaration, d.property.as_str())
        };
        report.push_attr(kind, name, d.rule, local, None);
    }
    filtered.value.map(StrTendril::from)
}

/// The class names of `value` that `classes` keeps, joined by single
/// spaces; `None` when none is left (the attribute goes). Reports each
/// name removed, and an attribute left empty.
fn kept_classes(
    classes: &Classes,
    value: &str,
    local: &LocalName,
    report: &mut Report,
) -> Option<StrTendril> {
    let mut out = String::with_capacity(value.len());
    for token in value.split_ascii_whitespace() {
        if classes.allows(token) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(token);
        } else {
            report.push_attr(ChangeKind::Class, token, Rule::ClassNotAllowed, local, None);
        }
    }
    if out.is_empty() {
        report.push_attr(ChangeKind::Attribute, "class", Rule::Empty, local, None);
        return None;
    }
    Some(StrTendril::from(out))
}
