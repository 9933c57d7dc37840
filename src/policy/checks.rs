//! The checks a configuration passes at build time: names HTML can carry,
//! URL schemes that cannot run script, `rel` tokens that fit an attribute.

use crate::error::{PolicyError, PolicyErrorKind};
use crate::tags::{URL_ATTRIBUTES, url_kind};

/// A `rel` token must be something HTML can carry in an attribute.
pub(super) fn check_rel_token(token: &str) -> Result<(), PolicyError> {
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

pub(super) fn check_tag_name(name: &str) -> Result<(), PolicyError> {
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

/// The characters the builder accepts in an attribute name: a lower-case
/// ASCII letter, then letters, digits, `-`, `_`, `.` and `:`.
fn valid_attr_chars(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | ':')
        })
}

/// Why an attribute of this (valid) name can never be allowed, if so.
fn unsafe_reason(name: &str, style_ok: bool) -> Option<&'static str> {
    Some(if name.starts_with("on") {
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
        return None;
    })
}

pub(super) fn check_attr_name(name: &str, style_ok: bool) -> Result<(), PolicyError> {
    if !valid_attr_chars(name) {
        return Err(PolicyError::new(PolicyErrorKind::InvalidName {
            name: name.to_owned(),
        }));
    }
    match unsafe_reason(name, style_ok) {
        None => Ok(()),
        Some(reason) => Err(PolicyError::new(PolicyErrorKind::UnsafeAttribute {
            attr: name.to_owned(),
            reason,
        })),
    }
}

/// Whether a name an attribute prefix matched may be kept: one the
/// builder would accept by name, that is not `style` and carries no URL.
/// Checked while cleaning, on top of the build check of the prefix, so
/// that no name the parser can produce slips through a prefix.
pub(super) fn safe_admitted_name(name: &str) -> bool {
    valid_attr_chars(name) && unsafe_reason(name, false).is_none() && url_kind(name).is_none()
}

/// An attribute prefix (`data-`): valid name characters, and no name it
/// admits may be dangerous, so no event handler (`on…`), no `style`, no
/// URL attribute, none of the names [`check_attr_name`] refuses.
pub(super) fn check_attr_prefix(prefix: &str) -> Result<(), PolicyError> {
    if !valid_attr_chars(prefix) {
        return Err(PolicyError::new(PolicyErrorKind::InvalidName {
            name: prefix.to_owned(),
        }));
    }
    let admits = |name: &str| name.starts_with(prefix);
    let reached = [
        "on",
        "style",
        "srcdoc",
        "is",
        "action",
        "form",
        "formaction",
        "formmethod",
        "formtarget",
        "formenctype",
        "formnovalidate",
    ]
    .into_iter()
    .chain(URL_ATTRIBUTES.iter().copied())
    .find(|name| admits(name) || (*name == "on" && prefix.starts_with("on")));
    match reached {
        None => Ok(()),
        Some(name) => Err(PolicyError::new(PolicyErrorKind::UnsafeAttributePrefix {
            prefix: prefix.to_owned(),
            admits: if name == "on" {
                "on… (event handlers)".to_owned()
            } else {
                name.to_owned()
            },
        })),
    }
}

/// A class name for [`allowed_classes`](super::PolicyBuilder::allowed_classes):
/// not empty, no whitespace (a class attribute is a whitespace-separated
/// list), a `*` only at the end (a prefix), and not `*` alone (that
/// would be every class: allow `class` instead).
pub(super) fn check_class(class: &str) -> Result<(), PolicyError> {
    let body = class.strip_suffix('*').unwrap_or(class);
    if body.is_empty()
        || body.contains('*')
        || class
            .chars()
            .any(|c| c.is_ascii_whitespace() || c.is_control())
    {
        return Err(PolicyError::new(PolicyErrorKind::InvalidClass {
            class: class.to_owned(),
        }));
    }
    Ok(())
}

pub(super) fn check_scheme(scheme: &str) -> Result<(), PolicyError> {
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
