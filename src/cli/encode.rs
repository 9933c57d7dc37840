//! Cleaned text back to bytes, for `--in-place` and for `--check` and
//! `--diff`, which compare what `--in-place` would write with the file.
//!
//! A file is written back in the encoding it was read in, with the byte
//! order mark it had: an archive served as windows-1252 or Shift_JIS still
//! reads right after the rewrite, and a file that needs no cleaning comes
//! out byte for byte as it was (so `--check` passes it). A character the
//! encoding has no bytes for (one the input wrote as `&#…;`) is written as
//! a decimal numeric character reference, which a browser reads back as the
//! character in text and attribute values.
//!
//! Nothing may be lost on the way, so the bytes are read back before they
//! are used: decoded, they must give the cleaned text again, or, where a
//! character became a reference, cleaning them must give the same cleaned
//! document. A reference in a comment, or an encoder that maps a character
//! to another (ISO-2022-JP turns half-width katakana into full-width),
//! fails that test, and the file is refused rather than changed.

use std::borrow::Cow;
use std::fmt;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use super::decode::Decoded;

/// Why cleaned text cannot be written back in its file's encoding.
#[derive(Debug)]
pub enum EncodeError {
    /// `encoding_rs` cannot write this encoding (it would write another).
    Unsupported(&'static Encoding),
    /// Read back, the bytes would not give the cleaned document.
    NotRoundTrip(&'static Encoding),
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::Unsupported(encoding) => write!(
                f,
                "left as it was: the cleaned file cannot be written in {}",
                encoding.name()
            ),
            EncodeError::NotRoundTrip(encoding) => write!(
                f,
                "left as it was: written back in {}, the cleaned file would not read back the same \
                 (a character the encoding lacks, in a comment, or one its encoder changes)",
                encoding.name()
            ),
        }
    }
}

/// The bytes `--in-place` writes for `cleaned`, the cleaned form of
/// `decoded`, which was read from `bytes`. `clean` is the run's cleaning,
/// used to read back text in which references stand for characters.
pub fn encode_back<'a>(
    bytes: &[u8],
    decoded: &Decoded<'_>,
    cleaned: &'a str,
    clean: impl Fn(&str) -> String,
) -> Result<Cow<'a, [u8]>, EncodeError> {
    let bom = bytes.get(..decoded.bom_len).unwrap_or_default();
    let encoding = decoded.encoding;
    let body: Cow<'a, [u8]> = if encoding == UTF_8 {
        Cow::Borrowed(cleaned.as_bytes())
    } else if encoding == UTF_16LE || encoding == UTF_16BE {
        // encoding_rs writes no UTF-16; every character has UTF-16 units.
        let little = encoding == UTF_16LE;
        let mut out = Vec::with_capacity(cleaned.len() * 2);
        for unit in cleaned.encode_utf16() {
            out.extend_from_slice(&if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        Cow::Owned(out)
    } else {
        let (body, written_as, referenced) = encoding.encode(cleaned);
        if written_as != encoding {
            return Err(EncodeError::Unsupported(encoding));
        }
        let back = encoding
            .decode_without_bom_handling_and_without_replacement(&body)
            .ok_or(EncodeError::NotRoundTrip(encoding))?;
        let same = if referenced {
            clean(&back) == cleaned
        } else {
            back == cleaned
        };
        if !same {
            return Err(EncodeError::NotRoundTrip(encoding));
        }
        body
    };
    Ok(if bom.is_empty() {
        body
    } else {
        let mut out = Vec::with_capacity(bom.len() + body.len());
        out.extend_from_slice(bom);
        out.extend_from_slice(&body);
        Cow::Owned(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::decode::{EncodingChoice, decode};

    /// Stands in for cleaning: these tests clean nothing.
    fn same(text: &str) -> String {
        text.to_owned()
    }

    fn fixed(label: &str) -> EncodingChoice {
        EncodingChoice::Fixed(Encoding::for_label(label.as_bytes()).expect("a known label"))
    }

    #[test]
    fn unchanged_text_gives_the_same_bytes() {
        let cases: &[(&str, &[u8], EncodingChoice)] = &[
            ("utf-8", "<p>café</p>".as_bytes(), EncodingChoice::Default),
            (
                "utf-8 bom",
                b"\xEF\xBB\xBF<p>caf\xC3\xA9</p>",
                EncodingChoice::Default,
            ),
            ("latin-1", b"<p>caf\xE9 \x80</p>", fixed("windows-1252")),
            // 日本 in Shift_JIS.
            ("shift_jis", b"<p>\x93\xFA\x96\x7B</p>", fixed("shift_jis")),
            (
                "utf-16le bom",
                b"\xFF\xFE<\0p\0>\0\xE9\0",
                EncodingChoice::Default,
            ),
            (
                "utf-16be bom",
                b"\xFE\xFF\0<\0p\0>\0\xE9",
                EncodingChoice::Default,
            ),
        ];
        for (case, bytes, choice) in cases {
            let decoded = decode(bytes, *choice);
            assert!(decoded.malformed.is_none(), "{case}");
            let text = decoded.text.to_string();
            let back = encode_back(bytes, &decoded, &text, same).expect(case);
            assert_eq!(back.as_ref(), *bytes, "{case}");
        }
    }

    fn ugc(text: &str) -> String {
        safe_markup::Policy::ugc().clean(text)
    }

    #[test]
    fn characters_the_encoding_lacks_become_references() {
        let bytes = b"<p>caf\xE9</p>";
        let decoded = decode(bytes, fixed("windows-1252"));
        let cleaned = ugc("<p>café 日本 😀</p>");
        let back = encode_back(bytes, &decoded, &cleaned, ugc).expect("encodes");
        assert_eq!(
            back.as_ref(),
            b"<p>caf\xE9 &#26085;&#26412; &#128512;</p>".as_slice()
        );
    }

    #[test]
    fn a_reference_that_would_not_read_back_is_refused() {
        let bytes = b"<p>x</p>";
        let decoded = decode(bytes, fixed("shift_jis"));
        // Shift_JIS has no U+0082, and `&#130;` reads back as U+201A (‚),
        // as HTML maps references to C1 controls to windows-1252.
        let cleaned = ugc("<p>\u{82}</p>");
        assert_eq!(cleaned, "<p>\u{82}</p>");
        let err = encode_back(bytes, &decoded, &cleaned, ugc).expect_err("not written");
        assert!(matches!(err, EncodeError::NotRoundTrip(_)), "{err:?}");
        // In a comment a reference is not read at all.
        let comments = |text: &str| text.to_owned();
        let err =
            encode_back(bytes, &decoded, "<!--日本 😀-->", comments).expect_err("not written");
        assert!(matches!(err, EncodeError::NotRoundTrip(_)), "{err:?}");
    }

    #[test]
    fn an_encoder_that_changes_characters_is_refused() {
        let bytes = b"x";
        let decoded = decode(bytes, fixed("iso-2022-jp"));
        // Half-width katakana are written as full-width ones.
        let err = encode_back(bytes, &decoded, "\u{FF76}", same).expect_err("changed");
        assert!(matches!(err, EncodeError::NotRoundTrip(_)), "{err:?}");
    }
}
