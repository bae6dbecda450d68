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

/// A large deck of the common shape, with problems here and there; card `noted` has a note
/// written as `note`. Also the line of each card.
fn large_deck(noted: usize, note: &str) -> (String, Vec<usize>) {
    let n = 6000;
    let mut text = String::from("[deck]\nid = \"big\"\nname = \"Big\"\n\n");
    let mut line_of = vec![0; n];
    let mut lines = text.matches('\n').count();
    for (i, line) in line_of.iter_mut().enumerate() {
        *line = lines + 1;
        let id = match i {
            4000 => "id = \"c10\"\n".to_owned(),
            4500 => String::new(),
            _ => format!("id = \"c{i}\"\n"),
        };
        let extra = match i {
            2600 => "colour = \"red\"\n".to_owned(),
            i if i == noted => format!("note = {note}\n"),
            5999 => "kind = \"prefx\"\n".to_owned(),
            _ => String::new(),
        };
        let example = "an example long enough that the file is over a mebibyte, in many pieces: \
                       the words of a term, its parts, what it means and where it is used";
        let card = format!(
            "[[card]]\n{id}front = \"front {i}\"\nback = \"back {i}\"\n{extra}example = \"{example} {i}\"\n\n"
        );
        lines += card.matches('\n').count();
        text.push_str(&card);
    }
    assert!(text.len() > 1 << 20, "{} bytes", text.len());
    (text, line_of)
}

#[test]
fn a_large_decks_problems_are_reported_at_their_lines_in_order() {
    let (text, line_of) = large_deck(4200, "\"a note\"");
    let n = line_of.len();
    let loaded = load(text.into_bytes());
    let found: Vec<(usize, String)> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.line.unwrap(), d.message.clone()))
        .collect();
    let at = |i: usize, field_line: usize| line_of[i] + field_line;
    assert_eq!(found.len(), 4, "{found:#?}");
    assert_eq!(found[0].0, at(2600, 4));
    assert!(found[0].1.contains("unknown field `colour`"), "{found:?}");
    assert_eq!(found[1].0, at(4000, 1));
    assert!(found[1].1.contains("duplicate card id `c10`"), "{found:?}");
    assert_eq!(found[2].0, line_of[4500]);
    assert!(found[2].1.contains("using `front-4500`"), "{found:?}");
    assert_eq!(found[3].0, at(5999, 4));
    assert!(found[3].1.contains("unknown kind"), "{found:?}");
    let cards = &loaded.decks[0].cards;
    // The duplicate, the unknown field and the unknown kind each drop their card.
    assert_eq!(cards.len(), n - 3);
    let ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids[..3], ["c0", "c1", "c2"]);
    assert!(ids.contains(&"front-4500"));
    assert!(!ids.contains(&"c2600"));
    let lines: Vec<usize> = cards.iter().map(|c| c.line).collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "cards in file order");
    // Each card's line is its `[[card]]` header's, counted on from card to card.
    for i in [0, 1, 2599, 2601, 4499, 4501, 5998] {
        let card = cards
            .iter()
            .find(|c| c.id == format!("c{i}").as_str())
            .unwrap();
        assert_eq!(card.line, line_of[i], "card {i}");
    }
}

/// A split that falls inside a multi-line string (one that holds `[[card]]` lines, longer
/// than a piece): the pieces read before it are dropped and the file is read whole, to the
/// cards and problems of the same deck with that string on one line.
#[test]
fn a_large_deck_read_whole_after_all_loads_as_read_a_piece_at_a_time() {
    // The file is split at the first `[[card]]` line after every 128 KiB: the noted card is
    // the one that starts just before the first split.
    let (text, _) = large_deck(usize::MAX, "");
    let noted = text
        .match_indices("[[card]]")
        .take_while(|(at, _)| *at < (128 << 10) - 200)
        .count()
        - 1;
    let lines = "x\n[[card]]\n".repeat(1_400);
    let (plain, _) = large_deck(noted, &format!("\"{}\"", lines.replace('\n', "\\n")));
    let (multi, _) = large_deck(noted, &format!("\"\"\"{lines}\"\"\""));
    let (a, b) = (load(plain.into_bytes()), load(multi.into_bytes()));
    let problems = |l: &deck::LoadedDecks| -> Vec<String> {
        l.diagnostics.iter().map(|d| d.message.clone()).collect()
    };
    assert_eq!(problems(&a), problems(&b));
    assert_eq!(problems(&a).len(), 4, "{:#?}", problems(&a));
    let cards = |l: &deck::LoadedDecks| -> Vec<deck::Card> {
        let mut cards = l.decks[0].cards.clone();
        for c in &mut cards {
            c.line = 0;
        }
        cards
    };
    assert_eq!(cards(&a), cards(&b));
    assert_eq!(cards(&a).len(), 5997);
    let id = format!("c{noted}");
    let note = |l: &deck::LoadedDecks| {
        let card = l.decks[0].cards.iter().find(|c| c.id == id.as_str());
        card.and_then(|c| c.note.clone())
    };
    assert!(
        note(&b).is_some_and(|n| n == lines.as_str()),
        "the note of {id}"
    );
}
