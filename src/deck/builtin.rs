//! The built-in decks: every `decks/*.toml`, embedded at build time by `build.rs`.

use std::borrow::Cow;

use super::{DeckSource, Origin};

/// `(file name, text)` of each built-in deck, sorted by file name.
pub const BUILTIN_DECKS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_decks.rs"));

/// The order a course teaches them in: word parts first, then the body systems, then the
/// abbreviations. New cards are introduced in deck order, so this is the order a student
/// meets them. A deck file not named here comes after these, by name.
const COURSE_ORDER: &[&str] = &[
    "prefixes",
    "suffixes",
    "general",
    "integumentary",
    "musculoskeletal",
    "cardiovascular",
    "blood-immune",
    "respiratory",
    "digestive",
    "urinary",
    "male-reproductive",
    "female-reproductive",
    "endocrine",
    "nervous",
    "eye",
    "ear",
    "oncology",
    "abbreviations",
];

fn course_position(file: &str) -> usize {
    let stem = file.strip_suffix(".toml").unwrap_or(file);
    COURSE_ORDER
        .iter()
        .position(|d| *d == stem)
        .unwrap_or(COURSE_ORDER.len())
}

/// The built-in decks as sources for [`super::load`], in course order.
pub fn builtin_sources() -> Vec<DeckSource> {
    let mut decks: Vec<&(&str, &str)> = BUILTIN_DECKS.iter().collect();
    decks.sort_by_key(|(name, _)| (course_position(name), *name));
    decks
        .into_iter()
        .map(|(name, text)| DeckSource {
            origin: Origin::BuiltIn(name),
            bytes: Cow::Borrowed(text.as_bytes()),
        })
        .collect()
}
