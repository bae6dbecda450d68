//! Text that came from a deck file or a log is untrusted: this module owns the rules for
//! turning it into something safe to put on a terminal, and for measuring it.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

/// What a character that must never reach the terminal is shown as.
pub const REPLACEMENT: char = '\u{FFFD}';

/// A C0/C1 control character or DEL: these can start escape sequences or move the cursor.
pub fn is_control(c: char) -> bool {
    c.is_control()
}

/// Invisible formatting characters that can reorder or hide text on screen: bidi overrides,
/// isolates and marks, zero-width spaces and joiners, the byte-order mark.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Replaces every control and invisible formatting character with U+FFFD. Newlines are
/// replaced too: callers that want lines split them first.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if s.chars().any(|c| is_control(c) || is_invisible_format(c)) {
        Cow::Owned(
            s.chars()
                .map(|c| {
                    if is_control(c) || is_invisible_format(c) {
                        REPLACEMENT
                    } else {
                        c
                    }
                })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// Display width in terminal columns, after sanitizing.
pub fn width(s: &str) -> usize {
    sanitize(s).width()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_bidi_are_replaced() {
        assert_eq!(sanitize("a\u{1b}[31mb"), "a\u{FFFD}[31mb");
        assert_eq!(sanitize("x\u{202E}y\u{200B}z"), "x\u{FFFD}y\u{FFFD}z");
        assert_eq!(sanitize("bell\u{7}\u{9b}"), "bell\u{FFFD}\u{FFFD}");
    }

    #[test]
    fn clean_text_is_borrowed_and_measured_by_display_width() {
        assert!(matches!(sanitize("µg haem/o"), Cow::Borrowed(_)));
        assert_eq!(width("é"), 1);
        assert_eq!(width("腎"), 2);
    }
}

/// Edit distance over characters, where swapping two neighbours counts as one edit (the
/// commonest typo: "singel"), giving up (returning `limit + 1`) once the distance must
/// exceed `limit`.
pub fn edit_distance_within(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut v = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && ca == b[j - 1] && a[i - 1] == cb {
                v = v.min(before[j - 1] + 1);
            }
            cur[j + 1] = v;
            row_min = row_min.min(v);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()].min(limit + 1)
}

/// The candidate closest to `word` within two edits, for "did you mean".
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance_within(word, c, 2), *c))
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod distance_tests {
    use super::*;

    #[test]
    fn edit_distance_counts_and_gives_up() {
        assert_eq!(edit_distance_within("fornt", "front", 3), 1);
        assert_eq!(edit_distance_within("ileum", "ilium", 3), 1);
        assert_eq!(edit_distance_within("abc", "abc", 0), 0);
        assert_eq!(edit_distance_within("a", "abcdef", 2), 3);
        assert_eq!(edit_distance_within("singel", "single", 3), 1);
        assert_eq!(edit_distance_within("ab", "ba", 3), 1);
        assert_eq!(
            closest("confused-with", &["confused_with", "id"]),
            Some("confused_with")
        );
        assert_eq!(closest("zzzzzz", &["front", "back"]), None);
    }
}
