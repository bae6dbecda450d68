//! The built-in decks: every `decks/*.toml`, embedded at build time by `build.rs`.

use std::borrow::Cow;

use super::{DeckSource, Origin};

/// `(file name, text)` of each built-in deck, sorted by file name.
pub const BUILTIN_DECKS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_decks.rs"));

/// The built-in decks as sources for [`super::load`].
pub fn builtin_sources() -> Vec<DeckSource> {
    BUILTIN_DECKS
        .iter()
        .map(|(name, text)| DeckSource {
            origin: Origin::BuiltIn(name),
            bytes: Cow::Borrowed(text.as_bytes()),
        })
        .collect()
}
