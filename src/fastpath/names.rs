//! Start tag names as read from the input, each with what the fast path
//! asks of it. Interning a name (a SipHash against the static atom set),
//! finding its kind and asking the policy cost more than the rest of a
//! plain tag, and tag-dense input repeats a few names: so each input keeps
//! the short names it has met in a small cache keyed by their bytes.

use html5ever::LocalName;

use super::{Kind, kind};
use crate::policy::{Policy, TagAction};

/// A start tag's name, its kind (`None`: the fast path leaves it to the
/// full pipeline) and the policy's action for it.
#[derive(Clone)]
pub(super) struct Tag {
    pub(super) name: LocalName,
    pub(super) kind: Option<Kind>,
    pub(super) action: TagAction,
    /// Whether the input spells the name as the output does (in lower
    /// case).
    pub(super) as_written: bool,
}

impl Tag {
    /// The tag `name`, made by the tree builder rather than read.
    pub(super) fn new(policy: &Policy, name: LocalName) -> Tag {
        Tag {
            kind: kind(&name),
            action: policy.action_for(&name),
            name,
            as_written: false,
        }
    }

    fn read(policy: &Policy, raw: &str) -> Tag {
        let lower = !raw.bytes().any(|b| b.is_ascii_uppercase());
        let name = if lower {
            LocalName::from(raw)
        } else {
            LocalName::from(raw.to_ascii_lowercase())
        };
        Tag {
            as_written: lower,
            ..Tag::new(policy, name)
        }
    }
}

const SLOTS: usize = 16;

/// Names of up to 8 bytes met so far, direct-mapped by their bytes.
pub(super) struct Names {
    slots: [Option<(u64, Tag)>; SLOTS],
}

impl Names {
    pub(super) fn new() -> Names {
        Names {
            slots: Default::default(),
        }
    }

    /// The tag named `raw` as written (letters in any case, digits, `-`).
    #[inline]
    pub(super) fn get(&mut self, policy: &Policy, raw: &str) -> Tag {
        let Some(key) = key(raw.as_bytes()) else {
            return Tag::read(policy, raw);
        };
        // A multiplicative hash: the top bits depend on every byte.
        let slot = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 60) as usize % SLOTS;
        if let Some((k, tag)) = &self.slots[slot]
            && *k == key
        {
            return tag.clone();
        }
        let tag = Tag::read(policy, raw);
        self.slots[slot] = Some((key, tag.clone()));
        tag
    }
}

/// The bytes of a name of 1 to 8 bytes packed into a word: no name byte
/// is 0, so different names give different words.
fn key(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() || bytes.len() > 8 {
        return None;
    }
    Some(
        bytes
            .iter()
            .rev()
            .fold(0, |key, &b| (key << 8) | u64::from(b)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use html5ever::local_name;

    #[test]
    fn names_are_told_apart_and_lower_cased() {
        let policy = Policy::ugc();
        let mut names = Names::new();
        // More names than slots, twice over, so slots are shared and
        // overwritten; each answer must still be its own name's.
        let raw = [
            "a",
            "A",
            "b",
            "i",
            "em",
            "EM",
            "p",
            "div",
            "span",
            "h1",
            "h2",
            "li",
            "ul",
            "ol",
            "table",
            "td",
            "tr",
            "th",
            "tbody",
            "br",
            "img",
            "script",
            "x-y",
            "custom-element",
            "a1",
            "b1",
            "strong",
            "blockquote",
        ];
        for round in 0..2 {
            for r in raw {
                let tag = names.get(&policy, r);
                let want = LocalName::from(r.to_ascii_lowercase());
                assert_eq!(tag.name, want, "{r} (round {round})");
                assert_eq!(tag.action, policy.action_for(&want), "{r}");
                assert!(tag.kind == kind(&want), "{r}");
                assert_eq!(tag.as_written, *r == *want, "{r}");
            }
        }
        assert_eq!(names.get(&policy, "A").name, local_name!("a"));
    }

    #[test]
    fn keys_differ_for_prefixes() {
        assert_ne!(key(b"a"), key(b"a-"));
        assert_ne!(key(b"ab"), key(b"ba"));
        assert_eq!(key(b""), None);
        assert_eq!(key(b"abcdefghi"), None);
        assert!(key(b"abcdefgh").is_some());
    }
}
