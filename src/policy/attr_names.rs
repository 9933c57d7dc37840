//! A quick test of attribute names against the policy's allowlist, for
//! the fast path.

use html5ever::LocalName;

/// Which attribute names some tag of a policy may allow, as a quick test
/// that lets the fast path skip the usual refused ones (`class`, `id`,
/// `style`) without interning them and asking the policy: one bit for
/// each (length, first byte, last byte) that an allowed name has. A set
/// bit proves nothing, the policy decides; a clear one proves that no tag
/// allows the name.
///
/// Names an allowed prefix (`data-`) admits cannot be listed: the prefixes
/// are kept alongside, and a name that starts with one (in any case) may
/// be allowed too.
#[derive(Clone, Debug, Default)]
pub(crate) struct AttrNames {
    bits: [u64; 4],
    prefixes: Vec<Box<[u8]>>,
}

impl AttrNames {
    /// From every name the policy allows anywhere.
    pub(crate) fn new<'a>(
        names: impl IntoIterator<Item = &'a LocalName>,
        prefixes: &[String],
    ) -> AttrNames {
        let mut set = AttrNames {
            bits: [0; 4],
            prefixes: prefixes.iter().map(|p| p.as_bytes().into()).collect(),
        };
        for name in names {
            let slot = AttrNames::slot(name.as_bytes());
            set.bits[slot / 64] |= 1 << (slot % 64);
        }
        set
    }

    fn slot(name: &[u8]) -> usize {
        let first = name.first().map_or(0, u8::to_ascii_lowercase);
        let last = name.last().map_or(0, u8::to_ascii_lowercase);
        let key = (name.len() as u32) ^ (u32::from(first) << 8) ^ (u32::from(last) << 16);
        (key.wrapping_mul(0x9E37_79B1) >> 24) as usize
    }

    /// False only for a name (in any case) that no tag allows.
    pub(crate) fn may_allow(&self, name: &[u8]) -> bool {
        let slot = AttrNames::slot(name);
        self.bits[slot / 64] & (1 << (slot % 64)) != 0
            || self
                .prefixes
                .iter()
                .any(|p| name.len() > p.len() && name[..p.len()].eq_ignore_ascii_case(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick refusal never refuses a name the policy may allow: every
    /// listed name, in any case, and every name an allowed prefix starts
    /// (which no list can hold); and it does refuse names it has no bit
    /// for.
    #[test]
    fn may_allow_listed_names_and_prefixed_ones() {
        let names = [LocalName::from("title"), LocalName::from("href")];
        let set = AttrNames::new(&names, &["data-".to_owned()]);
        for name in [
            "title",
            "TITLE",
            "href",
            "data-id",
            "DATA-X",
            "data-a-very-long-name",
        ] {
            assert!(set.may_allow(name.as_bytes()), "{name}");
        }
        // `data-` alone is not admitted by the prefix (a name must be
        // longer than it); `dat` is no name of the set either.
        let without = AttrNames::new(&names, &[]);
        for name in ["data-id", "onclick", "class"] {
            assert!(!without.may_allow(name.as_bytes()), "{name}");
        }
        assert!(!set.may_allow(b"dat"));
    }
}
