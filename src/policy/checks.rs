//! The checks a configuration passes at build time: names HTML can carry,
//! URL schemes that cannot run script, `rel` tokens that fit an attribute.

use crate::error::{PolicyError, PolicyErrorKind};

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

pub(super) fn check_attr_name(name: &str, style_ok: bool) -> Result<(), PolicyError> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | ':')
        });
    if !ok {
        return Err(PolicyError::new(PolicyErrorKind::InvalidName {
            name: name.to_owned(),
        }));
    }
    let reason = if name.starts_with("on") {
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
        return Ok(());
    };
    Err(PolicyError::new(PolicyErrorKind::UnsafeAttribute {
        attr: name.to_owned(),
        reason,
    }))
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
