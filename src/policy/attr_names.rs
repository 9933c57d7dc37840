//! A quick test of attribute names against the policy's allowlist, for
//! the fast path.

use html5ever::LocalName;

/// Which attribute names some tag of a policy may allow, as a quick test
/// that lets the fast path skip the usual refused ones (`class`, `id`,
/// `style`) without interning them and asking the policy: one bit for
/// each (length, first byte, last byte) that an allowed name has. A set
/// bit proves nothing, the policy decides; a clear one proves that no tag
/// allows the name.
#[derive(Clone, Debug, Default)]
pub(crate) struct AttrNames([u64; 4]);

impl AttrNames {
    /// From every name the policy allows anywhere.
    pub(crate) fn new<'a>(names: impl IntoIterator<Item = &'a LocalName>) -> AttrNames {
        let mut set = AttrNames::default();
        for name in names {
            let slot = AttrNames::slot(name.as_bytes());
            set.0[slot / 64] |= 1 << (slot % 64);
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
        self.0[slot / 64] & (1 << (slot % 64)) != 0
    }
}
