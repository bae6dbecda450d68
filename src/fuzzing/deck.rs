//! The deck loader: never panics; every diagnostic is located inside the file and prints
//! safely; whatever loads is well-formed (valid, unique ids; non-empty front and back; no
//! control characters but line breaks in multi-line fields; fields within their limits);
//! and the fast path, when it takes a file, builds the toml crate's tree.

use std::borrow::Cow;
use std::collections::HashSet;

use super::{assert_located, assert_printable};
use crate::deck::{self, DeckSource, MAX_FIELD_BYTES, Origin, SourceText, is_valid_id};

const PATH: &str = "fuzz.toml";

pub fn check(data: &[u8]) {
    let loaded = deck::load(&[DeckSource {
        origin: Origin::File(PATH.into()),
        bytes: Cow::Owned(data.to_vec()),
    }]);
    let bytes = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            assert!(loaded.decks.is_empty(), "a deck loaded from invalid UTF-8");
            assert_eq!(loaded.diagnostics.len(), 1, "{:?}", loaded.diagnostics);
            // Located in the valid prefix.
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
            assert_located(&loaded.diagnostics[0], &SourceText::new(PATH, valid));
            return;
        }
    };
    let src = SourceText::new(PATH, text);
    for d in &loaded.diagnostics {
        assert_eq!(d.path, PATH);
        assert_located(d, &src);
    }
    assert!(loaded.decks.len() <= 1);
    let lines = text.split('\n').count();
    for deck in &loaded.decks {
        assert!(is_valid_id(&deck.id), "deck id {:?}", deck.id);
        assert!(!deck.name.trim().is_empty(), "a deck without a name");
        field("name", &deck.name, false);
        field("description", &deck.description, true);
        let mut ids = HashSet::new();
        for card in &deck.cards {
            assert!(is_valid_id(&card.id), "card id {:?}", card.id);
            assert!(ids.insert(card.id.as_str()), "card id {:?} twice", card.id);
            assert!(
                (1..=lines).contains(&card.line),
                "card at line {}",
                card.line
            );
            assert!(!card.front.trim().is_empty() && !card.back.trim().is_empty());
            field("front", &card.front, false);
            field("back", &card.back, true);
            for (name, list) in [
                ("answers", &card.answers),
                ("variants", &card.variants),
                ("parts", &card.parts),
                ("tags", &card.tags),
                ("confused_with", &card.confused_with),
            ] {
                for s in list {
                    assert!(!s.trim().is_empty(), "an empty entry in {name}");
                    field(name, s, false);
                }
            }
            assert!(!card.tags.iter().any(|t| t.contains(char::is_whitespace)));
            for (name, s) in [
                ("example", &card.example),
                ("note", &card.note),
                ("instead", &card.instead),
            ] {
                if let Some(s) = s {
                    field(name, s, name != "instead");
                }
            }
        }
    }
    if let Err(e) = deck::fast::scanner_agrees(text) {
        panic!("{e}");
    }
    if let Err(e) = deck::fast::agrees_with_toml(text) {
        panic!("the fast path and the toml crate disagree: {e}");
    }
}

/// A loaded field: within the length limit, no control character but allowed line breaks.
/// Invisible formatting characters load (with a warning); they are the view's to replace.
fn field(name: &str, s: &str, multiline: bool) {
    assert!(s.len() <= MAX_FIELD_BYTES, "`{name}` is {} bytes", s.len());
    let shown = crate::text::sanitize(s);
    assert_printable(name, &shown, false);
    if let Some(c) = s
        .chars()
        .find(|&c| crate::text::is_control(c) && !(multiline && c == '\n'))
    {
        panic!("`{name}` loaded with U+{:04X}: {s:?}", u32::from(c));
    }
}
