//! Input bytes to text: the encoding (chosen, from a byte order mark, or
//! sniffed from `<meta charset>`), decoding with `encoding_rs`, and the
//! binary-file test. The library only ever sees `&str`. Bytes that do not
//! decode become U+FFFD where the cleaned text is only shown (stdout), and
//! are an [`Undecodable`] input where it would be written back.

use std::borrow::Cow;
use std::fmt;

use encoding_rs::{DecoderResult, Encoding, UTF_8, WINDOWS_1252};

/// How far a binary file is looked for NUL bytes.
pub const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// How far `--encoding auto` looks for a `<meta charset>`: the first 1024
/// bytes, as the HTML standard's prescan does.
const META_SNIFF_LEN: usize = 1024;

/// The `--encoding` choice.
#[derive(Clone, Copy, Debug)]
pub enum EncodingChoice {
    /// A byte order mark, else UTF-8.
    Default,
    /// This encoding (a byte order mark still wins, as in browsers).
    Fixed(&'static Encoding),
    /// A byte order mark, else `<meta charset>`, else UTF-8 if the input is
    /// valid UTF-8, else windows-1252.
    Auto,
}

/// Decoded input.
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static Encoding,
    /// Length of the byte order mark the input started with (0: none).
    pub bom_len: usize,
    /// Malformed byte sequences, replaced with U+FFFD.
    pub malformed: Option<Malformed>,
}

/// Where the first malformed byte sequence is, and how many there are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Malformed {
    /// Byte offset of the first one, from the start of the input.
    pub offset: u64,
    pub count: u64,
}

impl Decoded<'_> {
    /// The warning for malformed input, if any.
    pub fn warning(&self) -> Option<String> {
        self.malformed.map(|m| {
            let more = match m.count {
                1 => String::new(),
                n => format!(" ({n} invalid sequences)"),
            };
            format!(
                "invalid {} at byte offset {}{more}; invalid bytes replaced with U+FFFD",
                self.encoding.name(),
                m.offset
            )
        })
    }
}

/// The offset of the first NUL byte in the first [`BINARY_SNIFF_LEN`]
/// bytes, which makes the input binary; `None` for UTF-16 input, where NUL
/// bytes are half of every ASCII character.
pub fn binary_offset(bytes: &[u8], choice: EncodingChoice) -> Option<usize> {
    let encoding = match Encoding::for_bom(bytes) {
        Some((encoding, _)) => Some(encoding),
        None => match choice {
            EncodingChoice::Fixed(encoding) => Some(encoding),
            EncodingChoice::Default | EncodingChoice::Auto => None,
        },
    };
    if encoding.is_some_and(|e| e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE) {
        return None;
    }
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    head.iter().position(|&b| b == 0)
}

/// Decodes a whole input as `choice` says.
pub fn decode(bytes: &[u8], choice: EncodingChoice) -> Decoded<'_> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_as(bytes, bom_len, encoding);
    }
    let encoding = match choice {
        EncodingChoice::Default => UTF_8,
        EncodingChoice::Fixed(encoding) => encoding,
        EncodingChoice::Auto => {
            let head = &bytes[..bytes.len().min(META_SNIFF_LEN)];
            match prescan(head) {
                Some(encoding) => encoding,
                // A valid UTF-8 file that is not ASCII is almost never
                // meant as windows-1252; an invalid one is a legacy file.
                None if std::str::from_utf8(bytes).is_ok() => UTF_8,
                None => WINDOWS_1252,
            }
        }
    };
    decode_as(bytes, 0, encoding)
}

/// Decodes one line of a `--jsonl` input that starts `offset` bytes into
/// it. The first line may start with a UTF-8 byte order mark, which JSON
/// parsers reject and which is dropped here.
pub fn decode_line(bytes: &[u8], offset: u64, choice: EncodingChoice) -> Decoded<'_> {
    let skip = if offset == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let encoding = match choice {
        EncodingChoice::Fixed(encoding) if skip == 0 => encoding,
        _ => UTF_8,
    };
    let mut decoded = decode_as(bytes, skip, encoding);
    if let Some(m) = &mut decoded.malformed {
        m.offset += offset;
    }
    decoded
}

/// Decodes `bytes[start..]` (after a byte order mark of `start` bytes) as
/// `encoding`, replacing malformed sequences with U+FFFD and noting where
/// the first one was. Borrows when the input is valid UTF-8 already.
fn decode_as<'a>(bytes: &'a [u8], start: usize, encoding: &'static Encoding) -> Decoded<'a> {
    let body = bytes.get(start..).unwrap_or_default();
    // ASCII reads the same in every ASCII-compatible encoding (which
    // excludes UTF-16 and ISO-2022-JP).
    if (encoding == UTF_8 || (encoding.is_ascii_compatible() && body.is_ascii()))
        && let Ok(text) = std::str::from_utf8(body)
    {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding,
            bom_len: start,
            malformed: None,
        };
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let room = |decoder: &encoding_rs::Decoder, rest: usize| {
        decoder
            .max_utf8_buffer_length_without_replacement(rest)
            .unwrap_or(rest)
    };
    let mut text = String::with_capacity(room(&decoder, body.len()));
    let mut malformed: Option<Malformed> = None;
    let mut pos = 0;
    loop {
        let rest = body.get(pos..).unwrap_or_default();
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut text, true);
        pos += read;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {
                let rest = body.len().saturating_sub(pos);
                text.reserve(room(&decoder, rest).max(16));
            }
            DecoderResult::Malformed(bad, after) => {
                // The malformed bytes end `after` bytes before `pos`.
                let at = pos.saturating_sub(usize::from(after) + usize::from(bad));
                let m = malformed.get_or_insert(Malformed {
                    offset: (start + at) as u64,
                    count: 0,
                });
                m.count += 1;
                text.push('\u{FFFD}');
            }
        }
    }
    Decoded {
        text: Cow::Owned(text),
        encoding,
        bom_len: start,
        malformed,
    }
}

/// An input with bytes its encoding cannot decode, where the cleaned text
/// would be written back (`--in-place`, and `--check` and `--diff`, which
/// say what `--in-place` would do): cleaning it would put U+FFFD where
/// those bytes were and lose them, so it is left as it was.
#[derive(Debug)]
pub struct Undecodable {
    encoding: &'static Encoding,
    malformed: Malformed,
    hint: Hint,
}

/// Which `--encoding` would read the input.
#[derive(Debug)]
enum Hint {
    /// None was given, and `--encoding auto` decodes it, as this.
    Auto(&'static Encoding),
    /// None was given, and `auto` would not decode it (or is not allowed).
    Label,
    /// One was given, or a byte order mark or `<meta>` chose it.
    Other,
}

impl Undecodable {
    /// Why `bytes`, decoded as `decoded` under `choice`, is refused; `None`
    /// if every byte decoded. `auto` says whether `--encoding auto` may be
    /// suggested (not for JSON Lines).
    pub fn check(
        bytes: &[u8],
        decoded: &Decoded<'_>,
        choice: EncodingChoice,
        auto: bool,
    ) -> Option<Undecodable> {
        let malformed = decoded.malformed?;
        let hint = match choice {
            EncodingChoice::Default if decoded.bom_len == 0 => {
                let sniffed = if auto {
                    Some(decode(bytes, EncodingChoice::Auto))
                } else {
                    None
                };
                match sniffed {
                    Some(d) if d.malformed.is_none() => Hint::Auto(d.encoding),
                    _ => Hint::Label,
                }
            }
            _ => Hint::Other,
        };
        Some(Undecodable {
            encoding: decoded.encoding,
            malformed,
            hint,
        })
    }
}

impl fmt::Display for Undecodable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Malformed { offset, count } = self.malformed;
        write!(f, "not {} at byte {offset}", self.encoding.name())?;
        if count > 1 {
            write!(f, " ({count} invalid sequences)")?;
        }
        f.write_str(
            "; left as it was, as cleaning would replace what does not decode with U+FFFD: ",
        )?;
        match self.hint {
            Hint::Auto(e) if e == WINDOWS_1252 => {
                f.write_str("--encoding windows-1252 or --encoding auto would decode it")
            }
            Hint::Auto(e) => write!(f, "--encoding auto would decode it (as {})", e.name()),
            Hint::Label => f.write_str(
                "--encoding LABEL would decode it with its encoding (windows-1252 decodes any bytes)",
            ),
            Hint::Other => f.write_str("is it in another encoding? --encoding LABEL names it"),
        }
    }
}

// ---------------------------------------------------------------------------
// <meta charset> prescan, after the HTML standard's "prescan a byte stream
// to determine its encoding" (simplified: no 1024-byte restart rules).

/// The encoding named by the first `<meta charset=…>` or
/// `<meta http-equiv=content-type content="…; charset=…">` in `head`.
fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    let mut i = 0;
    while i < head.len() {
        let rest = &head[i..];
        if rest.starts_with(b"<!--") {
            i = find(head, i + 4, b"-->").map_or(head.len(), |end| end + 3);
        } else if starts_with_ignore_case(rest, b"<meta")
            && rest
                .get(5)
                .is_some_and(|&b| u8::is_ascii_whitespace(&b) || b == b'/')
        {
            i += 5;
            if let Some(encoding) = meta(head, &mut i) {
                return Some(encoding);
            }
        } else if rest.first() == Some(&b'<')
            && (rest.get(1).is_some_and(u8::is_ascii_alphabetic)
                || (rest.get(1) == Some(&b'/') && rest.get(2).is_some_and(u8::is_ascii_alphabetic)))
        {
            // Any other tag: step over its attributes, whose quoted values
            // may hold a `>` or something that looks like a <meta>.
            i += 2;
            while i < head.len() && !u8::is_ascii_whitespace(&head[i]) && head[i] != b'>' {
                i += 1;
            }
            while attribute(head, &mut i).is_some() {}
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            i = find(head, i + 2, b">").map_or(head.len(), |end| end + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// The attributes of one `<meta>` tag, from just after its name.
fn meta(head: &[u8], i: &mut usize) -> Option<&'static Encoding> {
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let mut got_pragma = false;
    let mut need_pragma = None;
    let mut charset = None;
    while let Some((name, value)) = attribute(head, i) {
        if seen.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" => got_pragma |= value == b"content-type",
            b"content" if charset.is_none() => {
                if let Some(label) = charset_in_content(&value) {
                    charset = Encoding::for_label(label);
                    need_pragma = Some(true);
                }
            }
            b"charset" => {
                charset = Encoding::for_label(&value);
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen.push(name);
    }
    match need_pragma {
        None => return None,
        Some(true) if !got_pragma => return None,
        _ => {}
    }
    let encoding = charset?;
    if encoding == encoding_rs::UTF_16BE || encoding == encoding_rs::UTF_16LE {
        // A document that could be read this far as ASCII is not UTF-16.
        Some(UTF_8)
    } else if encoding == encoding_rs::X_USER_DEFINED {
        Some(WINDOWS_1252)
    } else if encoding == encoding_rs::REPLACEMENT {
        // Browsers would show one U+FFFD; for an archive, keep looking.
        None
    } else {
        Some(encoding)
    }
}

/// The standard's "get an attribute": the next attribute's name and value
/// (both lowercased), or `None` at the end of the tag or of the input.
fn attribute(head: &[u8], i: &mut usize) -> Option<(Vec<u8>, Vec<u8>)> {
    while *i < head.len() && (u8::is_ascii_whitespace(&head[*i]) || head[*i] == b'/') {
        *i += 1;
    }
    if *i >= head.len() || head[*i] == b'>' {
        *i += 1;
        return None;
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    // The name, up to `=`, a space, `/` or `>`.
    loop {
        let &b = head.get(*i)?;
        match b {
            b'=' if !name.is_empty() => {
                *i += 1;
                break;
            }
            b'/' | b'>' => return Some((name, value)),
            b if u8::is_ascii_whitespace(&b) => {
                while head.get(*i).is_some_and(|&b| u8::is_ascii_whitespace(&b)) {
                    *i += 1;
                }
                if head.get(*i) != Some(&b'=') {
                    return Some((name, value));
                }
                *i += 1;
                break;
            }
            b => name.push(b.to_ascii_lowercase()),
        }
        *i += 1;
    }
    // The value: quoted, or up to a space or `>`.
    while head.get(*i).is_some_and(|&b| u8::is_ascii_whitespace(&b)) {
        *i += 1;
    }
    match head.get(*i) {
        None => None,
        Some(&quote @ (b'"' | b'\'')) => {
            *i += 1;
            loop {
                let &b = head.get(*i)?;
                *i += 1;
                if b == quote {
                    return Some((name, value));
                }
                value.push(b.to_ascii_lowercase());
            }
        }
        Some(b'>') => Some((name, value)),
        Some(_) => {
            while let Some(&b) = head.get(*i) {
                if u8::is_ascii_whitespace(&b) || b == b'>' {
                    break;
                }
                value.push(b.to_ascii_lowercase());
                *i += 1;
            }
            Some((name, value))
        }
    }
}

/// The label in `text/html; charset=LABEL` (already lowercased).
fn charset_in_content(content: &[u8]) -> Option<&[u8]> {
    let mut from = 0;
    loop {
        let at = find(content, from, b"charset")? + 7;
        let mut j = at;
        while content.get(j).is_some_and(|&b| u8::is_ascii_whitespace(&b)) {
            j += 1;
        }
        if content.get(j) != Some(&b'=') {
            from = at;
            continue;
        }
        j += 1;
        while content.get(j).is_some_and(|&b| u8::is_ascii_whitespace(&b)) {
            j += 1;
        }
        let rest = content.get(j..)?;
        return match rest.first() {
            Some(&quote @ (b'"' | b'\'')) => {
                let inner = &rest[1..];
                let end = inner.iter().position(|&b| b == quote)?;
                Some(&inner[..end])
            }
            Some(_) => {
                let end = rest
                    .iter()
                    .position(|&b| u8::is_ascii_whitespace(&b) || b == b';')
                    .unwrap_or(rest.len());
                Some(&rest[..end])
            }
            None => None,
        };
    }
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prescan_cases() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "charset",
                r#"<meta charset="iso-8859-2">"#,
                Some("ISO-8859-2"),
            ),
            ("unquoted", "<META CHARSET=Shift_JIS>", Some("Shift_JIS")),
            (
                "pragma",
                r#"<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">"#,
                Some("KOI8-R"),
            ),
            (
                "content without pragma",
                r#"<meta content="text/html; charset=koi8-r">"#,
                None,
            ),
            ("in a comment", "<!-- <meta charset=koi8-r> -->", None),
            (
                "in another tag's attribute",
                r#"<a title="<meta charset=koi8-r>">x</a>"#,
                None,
            ),
            (
                "utf-16 means utf-8",
                "<meta charset=utf-16le>",
                Some("UTF-8"),
            ),
            ("unknown label", "<meta charset=nonsense>", None),
            ("replacement", "<meta charset=iso-2022-kr>", None),
            (
                "after other tags",
                "<html><head><title>x</title><meta charset=windows-1250>",
                Some("windows-1250"),
            ),
            ("truncated", "<meta charset=\"koi8", None),
        ];
        for (case, html, expected) in cases {
            let found = prescan(html.as_bytes()).map(Encoding::name);
            assert_eq!(found, *expected, "{case}");
        }
    }

    #[test]
    fn malformed_offsets_count_from_the_start() {
        let decoded = decode(b"ab\xffcd\xfe", EncodingChoice::Default);
        assert_eq!(decoded.text, "ab\u{FFFD}cd\u{FFFD}");
        assert_eq!(
            decoded.malformed,
            Some(Malformed {
                offset: 2,
                count: 2
            })
        );
        let with_bom = decode(b"\xEF\xBB\xBFab\xff", EncodingChoice::Default);
        assert_eq!(with_bom.text, "ab\u{FFFD}");
        assert_eq!(with_bom.malformed.map(|m| m.offset), Some(5));
    }

    #[test]
    fn utf16_bom_and_binary() {
        let utf16: Vec<u8> = b"\xFF\xFE<\0b\0>\0".to_vec();
        assert_eq!(binary_offset(&utf16, EncodingChoice::Default), None);
        assert_eq!(decode(&utf16, EncodingChoice::Default).text, "<b>");
        assert_eq!(binary_offset(b"ab\0c", EncodingChoice::Default), Some(2));
    }
}
