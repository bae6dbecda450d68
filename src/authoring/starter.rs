//! The starter deck `medterm new` writes: every deck and card field, each explained in a
//! comment, and two example cards that pass `medterm check` with nothing to report.

use super::writer;

/// A deck name from an id: `cardio-basics` -> "Cardio basics".
pub fn name_from_id(id: &str) -> String {
    let spaced = id.replace('-', " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The text of a new deck file with this id and name (the id must be valid).
pub fn starter_deck(id: &str, name: &str) -> String {
    TEMPLATE
        .replace("{ID_STRING}", &writer::string(id))
        .replace("{NAME_STRING}", &writer::string(name))
        .replace("{ID}", id)
}

const TEMPLATE: &str = r#"# A medterm deck. One file is one deck: the [deck] table, then one [[card]] table per card.
# Lines starting with # are comments; medterm ignores them.
#
# After each edit, run
#     medterm check
# It lists every problem with its file, line and column. Then study with
#     medterm study {ID}
#
# Text goes between double quotes: "like this". Inside, write \" for a quote and \\ for a
# backslash. A text over several lines goes between triple quotes """like this""" (only
# back, example, note and description may span lines). A list is ["one", "two"].

[deck]
# Required. The deck's id: lower-case letters a-z, digits and -. Your progress is kept
# under it, so keep it once you have started studying.
id = {ID_STRING}
# Required. The title shown in lists.
name = {NAME_STRING}
# Optional. What the deck covers.
description = "My own cards: replace the two examples below with yours"
# Optional, false if left out. true also studies each card the other way round:
# from the meaning to the term.
reverse = false
# Optional, "reveal" if left out: show the answer, then grade yourself.
# "type": type the answer, and medterm checks it.
answer = "reveal"

# ---------------------------------------------------------------------------------------
# A word part. Only front and back are required; every other field is optional.

[[card]]
# The card's id, unique in this deck (a-z, 0-9 and -). Progress follows the id, not the
# text: fix the back, the example or the tags later and you keep your progress. Left out,
# an id is made from the front, and check reminds you to write it down.
id = "hem-o"
# Required: what the card asks.
front = "hem/o"
# Required: the answer. Several meanings go on one line, separated by "; ".
back = "blood"
# What the front is: "prefix", "suffix", "combining-form", "term", "abbreviation",
# or "other" (if left out).
kind = "combining-form"
# Other spellings of the front (British, alternative forms), accepted when you type it.
variants = ["haem/o"]
# A word that uses it, shown with the answer.
example = "hemolysis: destruction of red blood cells"
# Tags, to study a part of your decks: medterm study --tag blood-immune. No spaces.
tags = ["blood-immune"]
# Look-alikes not to mix it up with, shown with the answer: the front of another card
# (here, one of the built-in decks), or its key DECK_ID:CARD_ID.
confused_with = ["hepat/o"]
# Anything else worth knowing, shown after the answer.
note = "hemat/o means blood too. Do not confuse it with hepat/o, the liver."

# ---------------------------------------------------------------------------------------
# A term built from word parts.

[[card]]
id = "hemolysis"
front = "hemolysis"
back = "destruction of red blood cells"
kind = "term"
# Other answers accepted when you type the answer, besides the back.
answers = ["breakdown of red blood cells"]
# The term's word parts, in order: each the front (or a variant) of a prefix, suffix or
# combining-form card in any loaded deck; the answer shows what each part means.
parts = ["hem/o", "-lysis"]
tags = ["blood-immune"]
# Overrides the deck's reverse for this one card: true or false.
reverse = true
# For an abbreviation that must never be written (The Joint Commission's "Do Not Use"
# list, ISMP's list of error-prone abbreviations), add both of these, with what to write
# instead. Remove the # to use them:
# caution = "do-not-use"
# instead = "Write \"unit\""
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_ids() {
        assert_eq!(name_from_id("cardio-basics"), "Cardio basics");
        assert_eq!(name_from_id("a"), "A");
        assert_eq!(name_from_id("2nd-year"), "2nd year");
    }

    #[test]
    fn the_starter_deck_loads_beside_the_built_in_decks_with_nothing_to_report() {
        use crate::deck::{DeckSource, Origin, builtin_sources, load};
        let text = starter_deck("my-deck", "My deck");
        let mut sources = builtin_sources();
        sources.push(DeckSource {
            origin: Origin::File("my-deck.toml".into()),
            bytes: text.into_bytes().into(),
        });
        let loaded = load(&sources);
        let mine: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.path == "my-deck.toml")
            .collect();
        assert!(mine.is_empty(), "{mine:?}");
        let deck = loaded.deck("my-deck").unwrap();
        assert_eq!(deck.name, "My deck");
        assert_eq!(deck.cards.len(), 2);
        // Every deck and card field is shown, live or in a comment.
        let text = starter_deck("my-deck", "My deck");
        for field in [
            "id",
            "name",
            "description",
            "reverse",
            "answer",
            "front",
            "back",
            "kind",
            "answers",
            "variants",
            "example",
            "parts",
            "tags",
            "confused_with",
            "note",
            "caution",
            "instead",
        ] {
            assert!(
                text.lines().any(|l| l
                    .trim_start_matches("# ")
                    .starts_with(&format!("{field} = "))),
                "{field} missing"
            );
        }
    }

    #[test]
    fn the_name_is_escaped() {
        let text = starter_deck("mine", "My \"own\" deck");
        assert!(text.contains("name = \"My \\\"own\\\" deck\"\n"), "{text}");
        assert!(text.contains("medterm study mine\n"));
    }
}
