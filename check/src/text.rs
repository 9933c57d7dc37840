//! Small text helpers for failure messages.

/// At most `max` characters of `s`, debug-quoted.
///
/// ```
/// assert_eq!(safe_markup_check::snippet("abcdef", 3), "\"abc\"…");
/// assert_eq!(safe_markup_check::snippet("ab", 3), "\"ab\"");
/// ```
pub fn snippet(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{:?}…", &s[..i]),
        None => format!("{s:?}"),
    }
}

/// Where `got` first differs from `want`, with a little context of each.
///
/// ```
/// let d = safe_markup_check::first_difference("abc", "abd");
/// assert!(d.starts_with("differs at byte 2 (lengths 3 vs 3)"), "{d}");
/// ```
pub fn first_difference(want: &str, got: &str) -> String {
    let at = want
        .char_indices()
        .zip(got.chars())
        .find(|((_, a), b)| a != b)
        .map(|((i, _), _)| i)
        .unwrap_or_else(|| want.len().min(got.len()));
    let mut start = at.saturating_sub(40);
    while !want.is_char_boundary(start) {
        start -= 1;
    }
    format!(
        "differs at byte {at} (lengths {} vs {}): expected …{} got …{}",
        want.len(),
        got.len(),
        snippet(&want[start..], 100),
        snippet(got.get(start..).unwrap_or(""), 100)
    )
}
