//! Text that came from a deck file or a log is untrusted: this module owns the rules for
//! turning it into something safe to put on a terminal, and for measuring it.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

/// What a character that must never reach the terminal is shown as.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Combining marks kept on one character: enough for any script's accents, not for a
/// "Zalgo" pile that spills over the lines above and below.
pub const MAX_COMBINING_MARKS: usize = 4;

/// A C0/C1 control character or DEL: these can start escape sequences or move the cursor.
pub fn is_control(c: char) -> bool {
    c.is_control()
}

/// Invisible formatting characters that can reorder or hide text on screen: bidi overrides,
/// isolates and marks, zero-width spaces and joiners, the byte-order mark, the soft hyphen,
/// line and paragraph separators, invisible operators and annotation marks, and the tag
/// characters (invisible copies of ASCII, used to smuggle text past a reader).
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// A character that is never written to the terminal as such.
pub fn is_unsafe(c: char) -> bool {
    is_control(c) || is_invisible_format(c)
}

/// A combining mark (general category M): drawn on the character before it.
pub fn is_combining_mark(c: char) -> bool {
    !c.is_ascii() && unicode_normalization::char::is_combining_mark(c)
}

/// The longest run of combining marks in `s`.
pub fn longest_mark_run(s: &str) -> usize {
    let (mut run, mut longest) = (0, 0);
    for c in s.chars() {
        if is_combining_mark(c) {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// Replaces every control and invisible formatting character with U+FFFD, and drops the
/// combining marks past [`MAX_COMBINING_MARKS`] on one character. Newlines are replaced
/// too: callers that want lines split them first (see [`one_line`]).
pub fn sanitize(s: &str) -> Cow<'_, str> {
    let mut marks = 0;
    let clean = s.chars().all(|c| {
        if c.is_ascii() {
            marks = 0;
            return !c.is_ascii_control();
        }
        if is_unsafe(c) {
            return false;
        }
        if is_combining_mark(c) {
            marks += 1;
            return marks <= MAX_COMBINING_MARKS;
        }
        marks = 0;
        true
    });
    if clean {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut marks = 0;
    for c in s.chars() {
        if is_unsafe(c) {
            marks = 0;
            out.push(REPLACEMENT);
        } else if is_combining_mark(c) {
            marks += 1;
            if marks <= MAX_COMBINING_MARKS {
                out.push(c);
            }
        } else {
            marks = 0;
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text of a multi-line field shown on one line: line breaks become spaces, then
/// [`sanitize`].
pub fn one_line(s: &str) -> Cow<'_, str> {
    if s.contains('\n') {
        let joined = s.replace("\r\n", " ").replace('\n', " ");
        Cow::Owned(sanitize(&joined).into_owned())
    } else {
        sanitize(s)
    }
}

/// A value as one line of JSON in which every character [`is_unsafe`] is a `\u` escape:
/// the same data for a program reading it, nothing for a terminal showing it to act on.
/// (`serde_json` escapes only C0 controls; DEL, C1 and bidi controls it writes raw.)
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    // Plain data (no map with keys that are not strings) always serializes.
    let out = serde_json::to_string(value).unwrap_or_default();
    // Below DEL, only controls are unsafe, and JSON escapes those.
    if out.bytes().all(|b| b < 0x7f) || !out.chars().any(is_unsafe) {
        return out;
    }
    let mut safe = String::with_capacity(out.len() + 16);
    for c in out.chars() {
        if is_unsafe(c) {
            // Outside strings JSON is ASCII without controls: `c` is inside a string.
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(safe, "\\u{u:04x}");
            }
        } else {
            safe.push(c);
        }
    }
    safe
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
    fn tag_characters_separators_and_soft_hyphens_are_replaced() {
        assert_eq!(sanitize("ok\u{E0041}\u{E0042}"), "ok\u{FFFD}\u{FFFD}");
        assert_eq!(sanitize("a\u{2028}b\u{AD}"), "a\u{FFFD}b\u{FFFD}");
        assert_eq!(sanitize("del\u{7f}"), "del\u{FFFD}");
    }

    #[test]
    fn a_pile_of_combining_marks_is_cut_to_a_few() {
        // Decomposed accents are text: kept.
        assert!(matches!(sanitize("nai\u{308}ve"), Cow::Borrowed(_)));
        let zalgo = format!("z{}a", "\u{301}".repeat(40));
        let shown = sanitize(&zalgo);
        assert_eq!(
            shown,
            format!("z{}a", "\u{301}".repeat(MAX_COMBINING_MARKS))
        );
        assert_eq!(width(&zalgo), 2);
        assert_eq!(longest_mark_run(&zalgo), 40);
        assert_eq!(one_line("two\nlines\r\nhere"), "two lines here");
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw_and_keeps_the_data() {
        let v = serde_json::json!({"name": "a\u{7f}b\u{9b}c\u{202e}d\u{E0041}\u{1b}é"});
        let line = json(&v);
        assert_eq!(
            line,
            r#"{"name":"a\u007fb\u009bc\u202ed\udb40\udc41\u001bé"}"#
        );
        assert_eq!(serde_json::from_str::<serde_json::Value>(&line).unwrap(), v);
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
