//! Decks and cards: the model, the TOML format with located diagnostics, the checks across
//! decks, and the built-in decks. No I/O: callers hand in the text of each file.

mod builtin;
pub use crate::diag;
#[doc(hidden)]
pub mod fast;
mod parse;
mod scan;
mod shared;
#[doc(hidden)]
pub mod tree;
mod validate;

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

pub use builtin::{BUILTIN_DECKS, builtin_sources};
pub use diag::{Diagnostic, Severity, SourceText};
pub use parse::{MAX_CARDS_PER_DECK, MAX_DECK_BYTES, MAX_FIELD_BYTES, parse_deck};
pub use shared::{List, Text};
pub use validate::{LoadedDecks, load};

/// Where a deck's text came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// Embedded in the binary; the name is the file's name under `decks/`.
    BuiltIn(&'static str),
    File(PathBuf),
}

impl Origin {
    pub fn is_builtin(&self) -> bool {
        matches!(self, Origin::BuiltIn(_))
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::BuiltIn(name) => write!(f, "built-in:{name}"),
            Origin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// The text of one deck file, as read by the caller.
#[derive(Debug, Clone)]
pub struct DeckSource {
    pub origin: Origin,
    pub bytes: Cow<'static, [u8]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Prefix,
    Suffix,
    CombiningForm,
    Term,
    Abbreviation,
    /// What a card without a `kind` is.
    #[default]
    Other,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Prefix,
        Kind::Suffix,
        Kind::CombiningForm,
        Kind::Term,
        Kind::Abbreviation,
        Kind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Prefix => "prefix",
            Kind::Suffix => "suffix",
            Kind::CombiningForm => "combining-form",
            Kind::Term => "term",
            Kind::Abbreviation => "abbreviation",
            Kind::Other => "other",
        }
    }

    /// Human label, as shown on a card.
    pub fn label(self) -> &'static str {
        match self {
            Kind::CombiningForm => "combining form",
            other => other.as_str(),
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Prefixes, suffixes and combining forms: what a term's `parts` may name.
    pub fn is_word_part(self) -> bool {
        matches!(self, Kind::Prefix | Kind::Suffix | Kind::CombiningForm)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AnswerMode {
    #[default]
    Reveal,
    Type,
}

/// Abbreviations that must not be written: The Joint Commission's "Do Not Use" list and
/// ISMP's list of error-prone abbreviations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Caution {
    DoNotUse,
    ErrorProne,
}

impl Caution {
    pub fn as_str(self) -> &'static str {
        match self {
            Caution::DoNotUse => "do-not-use",
            Caution::ErrorProne => "error-prone",
        }
    }

    pub fn parse(s: &str) -> Option<Caution> {
        match s {
            "do-not-use" => Some(Caution::DoNotUse),
            "error-prone" => Some(Caution::ErrorProne),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Card {
    pub id: Text,
    pub front: Text,
    pub back: Text,
    pub kind: Kind,
    /// Accepted typed answers besides `back`.
    pub answers: List,
    /// Other spellings of the front (British, alternate forms).
    pub variants: List,
    pub example: Option<Text>,
    /// A term's word parts, each the front (or a variant) of a word-part card.
    pub parts: List,
    pub tags: List,
    pub confused_with: List,
    pub note: Option<Text>,
    /// Overrides the deck's `reverse` for this card.
    pub reverse: Option<bool>,
    pub caution: Option<Caution>,
    pub instead: Option<Text>,
    /// 1-based line of the card's `[[card]]` header, for "edit this card".
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Deck {
    pub id: String,
    pub name: String,
    pub description: String,
    pub reverse: bool,
    pub answer: AnswerMode,
    pub cards: Vec<Card>,
    pub origin: Origin,
}

impl Card {
    /// Its five lists, to fill or attach.
    pub(crate) fn lists_mut(&mut self) -> [&mut List; 5] {
        [
            &mut self.answers,
            &mut self.variants,
            &mut self.parts,
            &mut self.tags,
            &mut self.confused_with,
        ]
    }
}

impl Deck {
    pub fn card_key(&self, card: &Card) -> CardKey {
        CardKey::new(&self.id, &card.id)
    }

    /// Whether the card is also studied meaning -> term.
    pub fn is_reversed(&self, card: &Card) -> bool {
        card.reverse.unwrap_or(self.reverse)
    }
}

/// The suffix of a reversed direction's key: `prefixes:brady:reverse` is meaning -> term.
pub const REVERSE_SUFFIX: &str = ":reverse";

/// `DECK_ID:CARD_ID`, the identity that progress follows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CardKey(String);

impl CardKey {
    pub fn new(deck: &str, card: &str) -> Self {
        CardKey(format!("{deck}:{card}"))
    }

    /// Parses `deck:card` where both halves are valid ids.
    pub fn parse(s: &str) -> Option<Self> {
        let (deck, card) = s.split_once(':')?;
        (is_valid_id(deck) && is_valid_id(card)).then(|| CardKey(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn deck(&self) -> &str {
        self.0.split_once(':').map_or("", |(d, _)| d)
    }

    pub fn card(&self) -> &str {
        self.0.split_once(':').map_or("", |(_, c)| c)
    }
}

impl fmt::Display for CardKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Ids of decks and cards: `[a-z0-9-]+`.
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An id derived from a card's front: lower-case ASCII letters and digits, everything else
/// one `-`, none at the ends. Empty when the front has no ASCII letter or digit.
pub fn derive_id(front: &str) -> String {
    let mut id = String::with_capacity(front.len());
    for c in front.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    while id.ends_with('-') {
        id.pop();
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_derive_from_fronts() {
        assert_eq!(derive_id("gastr/o"), "gastr-o");
        assert_eq!(derive_id("-itis"), "itis");
        assert_eq!(derive_id("brady-"), "brady");
        assert_eq!(derive_id("q.d."), "q-d");
        assert_eq!(derive_id("µg"), "g");
        assert_eq!(derive_id("µ"), "");
    }

    #[test]
    fn card_keys_split_into_deck_and_card() {
        let key = CardKey::parse("prefixes:brady").expect("valid key");
        assert_eq!((key.deck(), key.card()), ("prefixes", "brady"));
        assert!(CardKey::parse("Prefixes:brady").is_none());
        assert!(CardKey::parse("prefixes").is_none());
    }
}
