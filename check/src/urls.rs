//! Which attributes hold URLs and how to find each URL in a value, written
//! from the HTML standard rather than from the library's `src/url.rs`.

/// How an attribute's value holds URLs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlAttr {
    /// The whole value is one URL (`href`, `src`, `cite`, …).
    Single,
    /// Whitespace-separated URLs (`ping`, `archive`, `itemtype`).
    List,
    /// Image candidates (`srcset`, `imagesrcset`).
    Srcset,
}

/// Whether (and how) attribute `attr` of an HTML element holds URLs: every
/// attribute of the HTML standard (current or obsolete) that a browser
/// fetches or navigates to.
///
/// ```
/// use safe_markup_check::{UrlAttr, url_attr};
///
/// assert_eq!(url_attr("href"), Some(UrlAttr::Single));
/// assert_eq!(url_attr("srcset"), Some(UrlAttr::Srcset));
/// assert_eq!(url_attr("title"), None);
/// ```
pub fn url_attr(attr: &str) -> Option<UrlAttr> {
    match attr {
        "href" | "src" | "cite" | "action" | "formaction" | "poster" | "background"
        | "longdesc" | "data" | "codebase" | "classid" | "manifest" | "icon" | "profile"
        | "dynsrc" | "lowsrc" | "itemid" | "xlink:href" | "xml:base" => Some(UrlAttr::Single),
        "ping" | "archive" | "itemtype" => Some(UrlAttr::List),
        "srcset" | "imagesrcset" => Some(UrlAttr::Srcset),
        _ => None,
    }
}

/// The URLs in one attribute value: the whole value, each entry of a
/// whitespace-separated list, or each `srcset` candidate's URL. Empty for
/// an attribute that holds no URL.
///
/// ```
/// use safe_markup_check::url_values;
///
/// assert_eq!(url_values("ping", " a  b "), ["a", "b"]);
/// assert_eq!(url_values("href", " a b "), [" a b "]);
/// assert!(url_values("title", "x").is_empty());
/// ```
pub fn url_values<'a>(attr: &str, value: &'a str) -> Vec<&'a str> {
    match url_attr(attr) {
        None => Vec::new(),
        Some(UrlAttr::Single) => vec![value],
        Some(UrlAttr::List) => value
            .split([' ', '\t', '\n', '\x0c', '\r'])
            .filter(|s| !s.is_empty())
            .collect(),
        Some(UrlAttr::Srcset) => srcset_urls(value),
    }
}

/// The candidate URLs of a `srcset` value, per the HTML "parse a srcset
/// attribute" steps: skip whitespace and commas, a URL is a run of
/// non-whitespace (trailing commas end the candidate), descriptors run to
/// the next comma outside parentheses.
///
/// ```
/// use safe_markup_check::srcset_urls;
///
/// assert_eq!(srcset_urls("a.png 1x, b.png 2x"), ["a.png", "b.png"]);
/// ```
pub fn srcset_urls(value: &str) -> Vec<&str> {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r');
    let mut urls = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c| is_space(c) || c == ',');
        if rest.is_empty() {
            return urls;
        }
        let end = rest.find(is_space).unwrap_or(rest.len());
        let (url, after) = rest.split_at(end);
        rest = after;
        if url.ends_with(',') {
            urls.push(url.trim_end_matches(','));
            continue;
        }
        urls.push(url);
        // Skip the descriptors, up to a comma outside parentheses.
        let mut in_parens = false;
        let mut stop = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '(' => in_parens = true,
                ')' => in_parens = false,
                ',' if !in_parens => {
                    stop = i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &rest[stop..];
    }
}
