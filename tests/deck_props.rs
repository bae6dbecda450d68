//! The loader never panics, whatever the bytes.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::borrow::Cow;

use medterm::deck::{self, DeckSource, Origin};
use proptest::prelude::*;

fn load(bytes: Vec<u8>) -> deck::LoadedDecks {
    deck::load(&[DeckSource {
        origin: Origin::File("fuzz.toml".into()),
        bytes: Cow::Owned(bytes),
    }])
}

const VALID: &str = include_str!("fixtures/valid/complete.toml");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let loaded = load(bytes);
        // Whatever loads is well-formed: every diagnostic is located in the file.
        for d in &loaded.diagnostics {
            prop_assert_eq!(d.path.as_str(), "fuzz.toml");
            let _ = d.render();
        }
    }

    #[test]
    fn mangled_decks_never_panic(
        cut in 0..VALID.len(),
        insert in "[\\[\\]\"=\\n a-z#\\\\\u{1b}\u{202e}é]{0,12}",
    ) {
        let mut text = VALID.as_bytes()[..cut].to_vec();
        text.extend_from_slice(insert.as_bytes());
        text.extend_from_slice(&VALID.as_bytes()[cut..]);
        let loaded = load(text);
        for d in &loaded.diagnostics {
            prop_assert!(d.line.is_none() || d.line >= Some(1));
            let rendered = d.render();
            prop_assert!(!rendered.contains('\u{1b}'), "escape reached the output: {}", rendered);
        }
        for deck in &loaded.decks {
            for card in &deck.cards {
                prop_assert!(deck::is_valid_id(&card.id));
                prop_assert!(!card.front.trim().is_empty() && !card.back.trim().is_empty());
            }
        }
    }
}
