//! Links the sanitizer keeps get the policy's `rel` and `target` (the
//! settings are the policy's: `policy::Links`).

use html5ever::tendril::StrTendril;
use html5ever::{Attribute, QualName, local_name, ns};

use crate::policy::{Destination, Policy};

/// Adds the policy's `rel` and `target` to a kept link whose attributes
/// (`attrs`, with its checked `href`) are otherwise final. The author's
/// own `rel` (if allowed) is merged with the policy's tokens, never
/// replaced; the author's `target` stays unless the link opens in a new
/// tab by policy.
pub(crate) fn finish_link(
    policy: &Policy,
    attrs: &mut Vec<Attribute>,
    author_rel: Option<StrTendril>,
    author_target: Option<Attribute>,
) {
    let destination = match attrs.iter().find(|a| a.name.local == local_name!("href")) {
        Some(href) if policy.links.is_active() => policy.links.destination(&href.value),
        _ => Destination::Internal,
    };
    let new_tab = destination == Destination::External && policy.links.new_tab;
    if !new_tab && let Some(target) = author_target {
        attrs.push(target);
    }
    if policy.forces_rel() {
        let external: &[String] = if destination == Destination::Internal {
            &[]
        } else {
            &policy.links.external_rel
        };
        let tab: &[&str] = if new_tab {
            &["noopener", "noreferrer"]
        } else {
            &[]
        };
        let forced = (policy.link_rel.iter().chain(external))
            .map(String::as_str)
            .chain(tab.iter().copied());
        // Built as the value itself, in one buffer of the right size:
        // tokens joined by single spaces, so splitting it at spaces gives
        // back the tokens so far.
        let room = author_rel.as_ref().map_or(0, |a| a.len())
            + forced.clone().map(|t| t.len() + 1).sum::<usize>();
        let mut rel = String::with_capacity(room);
        let push = |rel: &mut String, token: &str| {
            if !rel.is_empty() {
                rel.push(' ');
            }
            rel.push_str(token);
        };
        if let Some(author) = &author_rel {
            for token in author.split_ascii_whitespace() {
                push(&mut rel, token);
            }
        }
        for token in forced {
            if !rel.split(' ').any(|t| t.eq_ignore_ascii_case(token)) {
                push(&mut rel, token);
            }
        }
        if !rel.is_empty() {
            attrs.push(Attribute {
                name: QualName::new(None, ns!(), local_name!("rel")),
                value: StrTendril::from_slice(&rel),
            });
        }
    }
    if new_tab {
        attrs.push(Attribute {
            name: QualName::new(None, ns!(), local_name!("target")),
            value: StrTendril::from("_blank"),
        });
    }
}
