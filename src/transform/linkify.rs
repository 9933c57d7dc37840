//! Links for bare `http://` and `https://` URLs in text.

use html5ever::tendril::StrTendril;
use html5ever::{Attribute, QualName, local_name, ns};

use crate::dom::{Dom, NodeData, NodeId};
use crate::links;
use crate::policy::Policy;
use crate::transform::walk::text_nodes;

/// The next bare URL in `text` at or after `from`, as a byte range.
fn next_url(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut search = from;
    loop {
        let rest = text.get(search..)?;
        let lower_at = rest
            .char_indices()
            .find(|&(i, _)| {
                let tail = &rest.as_bytes()[i..];
                starts_with_ignore_case(tail, b"http://")
                    || starts_with_ignore_case(tail, b"https://")
            })
            .map(|(i, _)| search + i)?;
        // Not in the middle of a word or of another URL (`xhttp://`,
        // `a/http://`).
        let glued = lower_at > 0
            && text[..lower_at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || "/@.:-_=&?#%+~".contains(c));
        // Decided before reading the run: `ahttp://` repeated would read
        // the rest of the run once per candidate.
        if glued {
            search = lower_at + 1;
            continue;
        }
        let mut end = lower_at;
        for (i, c) in text[lower_at..].char_indices() {
            if c.is_whitespace() || c.is_control() || "<>\"'`".contains(c) {
                break;
            }
            end = lower_at + i + c.len_utf8();
        }
        end = trim_url_end(&text[lower_at..end]) + lower_at;
        let after_scheme = lower_at + text[lower_at..].find("://").map_or(0, |p| p + 3);
        // A run rejected here is all scheme and trimmed punctuation, which
        // holds no other candidate, so stepping on by one reads it once
        // more at most.
        if end <= after_scheme {
            search = lower_at + 1;
            continue;
        }
        return Some((lower_at, end));
    }
}

fn starts_with_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

/// The length of `url` without the punctuation that ends the sentence
/// around it: `.,;:!?` and closing brackets that have no opening one in
/// the URL (`(see http://x.test/a_(b))` keeps the inner pair).
fn trim_url_end(url: &str) -> usize {
    // The brackets of `url[..end]`, counted once and kept up to date as
    // `end` moves back: counting them again for each trimmed character
    // made `http://x.test/` followed by many `)` quadratic.
    let mut counts = [0usize; 6];
    for c in url.chars() {
        if let Some(k) = bracket(c) {
            counts[k] += 1;
        }
    }
    let mut end = url.len();
    loop {
        let Some(last) = url[..end].chars().next_back() else {
            return end;
        };
        // A closing bracket with fewer opening ones before it.
        let unbalanced = bracket(last).is_some_and(|k| k % 2 == 1 && counts[k - 1] < counts[k]);
        if ".,;:!?*".contains(last) || unbalanced {
            end -= last.len_utf8();
            if let Some(k) = bracket(last) {
                counts[k] -= 1;
            }
        } else {
            return end;
        }
    }
}

/// The slot of a bracket in `trim_url_end`'s counts: an opening one at an
/// even index, its closing one just after.
fn bracket(c: char) -> Option<usize> {
    "()[]{}".find(c)
}

pub(crate) fn linkify(dom: &mut Dom, root: NodeId, policy: &Policy) {
    for text in text_nodes(dom, root) {
        if text.parent_depth + 1 > policy.limits.max_depth {
            continue;
        }
        let value = match &dom.node(text.id).data {
            NodeData::Text(t) if t.contains("://") => t.to_string(),
            _ => continue,
        };
        let mut anchor = text.id;
        let mut from = 0;
        let mut copied = 0;
        let mut first = true;
        while let Some((start, end)) = next_url(&value, from) {
            from = end;
            let url = &value[start..end];
            let allowed = url::Url::parse(url).is_ok_and(|u| {
                policy.schemes.contains(u.scheme()) && u.host_str().is_some_and(|h| !h.is_empty())
            });
            if !allowed {
                continue;
            }
            let before = &value[copied..start];
            if first {
                if let NodeData::Text(t) = &mut dom.node_mut(text.id).data {
                    *t = StrTendril::from(before);
                }
                first = false;
            } else if !before.is_empty() {
                let t = dom.push(NodeData::Text(StrTendril::from(before)));
                dom.insert_after(anchor, t);
                anchor = t;
            }
            let mut attrs = vec![Attribute {
                name: QualName::new(None, ns!(), local_name!("href")),
                value: StrTendril::from(url),
            }];
            links::finish_link(policy, &mut attrs, None, None);
            let a = dom.new_element(local_name!("a"), attrs);
            let link_text = dom.push(NodeData::Text(StrTendril::from(url)));
            dom.append(a, link_text);
            dom.insert_after(anchor, a);
            anchor = a;
            copied = end;
        }
        if first {
            continue;
        }
        if copied < value.len() {
            let t = dom.push(NodeData::Text(StrTendril::from(&value[copied..])));
            dom.insert_after(anchor, t);
        }
        if dom_text_is_empty(dom, text.id) {
            dom.detach(text.id);
        }
    }
}

fn dom_text_is_empty(dom: &Dom, id: NodeId) -> bool {
    matches!(&dom.node(id).data, NodeData::Text(t) if t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some((s, e)) = next_url(text, from) {
            out.push(&text[s..e]);
            from = e;
        }
        out
    }

    #[test]
    fn finds_urls_without_their_punctuation() {
        assert_eq!(urls("see http://x.test/a."), ["http://x.test/a"]);
        assert_eq!(
            urls("(see https://x.test/a_(b))."),
            ["https://x.test/a_(b)"]
        );
        assert_eq!(
            urls("HTTPS://X.test/?q=1&r=2, then"),
            ["HTTPS://X.test/?q=1&r=2"]
        );
        assert_eq!(urls("a<http://x.test/>b"), ["http://x.test/"]);
        assert_eq!(
            urls("xhttp://x.test/ and http:// alone"),
            Vec::<&str>::new()
        );
        assert_eq!(urls("ftp://x.test/ javascript://x"), Vec::<&str>::new());
        assert_eq!(
            urls("two http://a.test http://b.test!"),
            ["http://a.test", "http://b.test"]
        );
        // Closing brackets past the balanced ones are the sentence's,
        // however many there are.
        assert_eq!(
            urls(&format!("(see http://x.test/a_(b]){}.", ")]".repeat(40))),
            ["http://x.test/a_(b])"]
        );
        assert_eq!(urls("http://x.test/[a](b){c}"), ["http://x.test/[a](b){c}"]);
        // A glued candidate is skipped, not the URL after it.
        assert_eq!(
            urls(&format!(
                "{}http://x.test/ ahttp://y.test/",
                "ahttp://".repeat(30)
            )),
            Vec::<&str>::new()
        );
        assert_eq!(urls("http://.... https://x.test/"), ["https://x.test/"]);
    }

    /// `trim_url_end` as it was first written, counting the brackets of
    /// what is left for every character it looks at.
    fn trim_by_recounting(url: &str) -> usize {
        let mut end = url.len();
        while let Some(last) = url[..end].chars().next_back() {
            let unbalanced = |open: char, close: char| {
                last == close
                    && url[..end].matches(open).count() < url[..end].matches(close).count()
            };
            if !(".,;:!?*".contains(last)
                || unbalanced('(', ')')
                || unbalanced('[', ']')
                || unbalanced('{', '}'))
            {
                break;
            }
            end -= last.len_utf8();
        }
        end
    }

    #[test]
    fn trim_agrees_with_recounting() {
        // Every string of up to five of these characters.
        let alphabet = ["(", ")", "[", "]", "{", "}", ".", "x", "é", "!"];
        let mut strings = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = strings
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(longer);
            strings.dedup();
        }
        for s in &strings {
            let url = format!("http://x.test/{s}");
            assert_eq!(trim_url_end(&url), trim_by_recounting(&url), "{url:?}");
        }
    }
}
