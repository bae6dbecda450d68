//! Writing a deck as TOML in the shape of README's deck format, with every string escaped so
//! that the loader reads back exactly the text that was written.

use std::fmt::Write as _;

use crate::deck::{AnswerMode, Card, Deck, Kind};

/// A TOML basic string: `"..."` with quotes, backslashes and control characters escaped.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    escape_into(&mut out, s, false);
    out.push('"');
    out
}

/// A string that may hold line breaks: a multi-line basic string (`"""`) when it does, so
/// the file reads as the text does.
pub fn text(s: &str) -> String {
    if !s.contains('\n') {
        return string(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    // The line break after the opening quotes is not part of the string.
    out.push_str("\"\"\"\n");
    escape_into(&mut out, s, true);
    out.push_str("\"\"\"");
    out
}

fn escape_into(out: &mut String, s: &str, keep_newlines: bool) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// `["a", "b"]`.
pub fn array<S: AsRef<str>>(items: &[S]) -> String {
    let parts: Vec<String> = items.iter().map(|s| string(s.as_ref())).collect();
    format!("[{}]", parts.join(", "))
}

/// The whole deck file; `comment` lines go first, each as a `#` line.
pub fn deck_to_toml(deck: &Deck, comment: &[String]) -> String {
    let mut out = String::new();
    for line in comment {
        let _ = writeln!(out, "# {line}");
    }
    if !comment.is_empty() {
        out.push('\n');
    }
    out.push_str("[deck]\n");
    let _ = writeln!(out, "id = {}", string(&deck.id));
    let _ = writeln!(out, "name = {}", string(&deck.name));
    if !deck.description.is_empty() {
        let _ = writeln!(out, "description = {}", text(&deck.description));
    }
    if deck.reverse {
        out.push_str("reverse = true\n");
    }
    if deck.answer == AnswerMode::Type {
        out.push_str("answer = \"type\"\n");
    }
    for card in &deck.cards {
        out.push('\n');
        card_into(&mut out, card);
    }
    out
}

fn card_into(out: &mut String, card: &Card) {
    out.push_str("[[card]]\n");
    let _ = writeln!(out, "id = {}", string(&card.id));
    let _ = writeln!(out, "front = {}", string(&card.front));
    let _ = writeln!(out, "back = {}", text(&card.back));
    if card.kind != Kind::Other {
        let _ = writeln!(out, "kind = {}", string(card.kind.as_str()));
    }
    let lists = [("answers", &card.answers), ("variants", &card.variants)];
    for (name, list) in lists {
        if !list.is_empty() {
            let _ = writeln!(out, "{name} = {}", array(list));
        }
    }
    if let Some(example) = &card.example {
        let _ = writeln!(out, "example = {}", text(example));
    }
    let lists = [
        ("parts", &card.parts),
        ("tags", &card.tags),
        ("confused_with", &card.confused_with),
    ];
    for (name, list) in lists {
        if !list.is_empty() {
            let _ = writeln!(out, "{name} = {}", array(list));
        }
    }
    if let Some(note) = &card.note {
        let _ = writeln!(out, "note = {}", text(note));
    }
    if let Some(reverse) = card.reverse {
        let _ = writeln!(out, "reverse = {reverse}");
    }
    if let Some(caution) = card.caution {
        let _ = writeln!(out, "caution = {}", string(caution.as_str()));
    }
    if let Some(instead) = &card.instead {
        let _ = writeln!(out, "instead = {}", string(instead));
    }
}

/// Loads `toml` on its own and checks that it holds `deck` exactly: what an import checks
/// before it writes anything. The error says what differs.
pub fn reads_back(deck: &Deck, toml: &str) -> Result<(), String> {
    let loaded = crate::deck::load(&[crate::deck::DeckSource {
        origin: deck.origin.clone(),
        bytes: toml.as_bytes().to_vec().into(),
    }]);
    if let Some(d) = loaded.diagnostics.iter().find(|d| d.is_error()) {
        return Err(d.render());
    }
    let Some(back) = loaded.decks.first() else {
        return Err("no deck loaded".into());
    };
    if (
        &back.id,
        &back.name,
        &back.description,
        back.reverse,
        back.answer,
    ) != (
        &deck.id,
        &deck.name,
        &deck.description,
        deck.reverse,
        deck.answer,
    ) {
        return Err("the [deck] table differs".into());
    }
    if back.cards.len() != deck.cards.len() {
        return Err(format!(
            "{} cards read back, {} written",
            back.cards.len(),
            deck.cards.len()
        ));
    }
    for (a, b) in deck.cards.iter().zip(&back.cards) {
        if (Card {
            line: 0,
            ..a.clone()
        }) != (Card {
            line: 0,
            ..b.clone()
        }) {
            return Err(format!("card `{}` reads back as `{}`", a.id, b.id));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::{Caution, DeckSource, Origin, load};

    fn card(id: &str, front: &str, back: &str) -> Card {
        Card {
            id: id.into(),
            front: front.into(),
            back: back.into(),
            ..Card::default()
        }
    }

    fn reload(text: &str) -> Deck {
        let loaded = load(&[DeckSource {
            origin: Origin::File("t.toml".into()),
            bytes: text.as_bytes().to_vec().into(),
        }]);
        // Warnings are for `parts` and `confused_with` naming cards not loaded here.
        assert_eq!(loaded.error_count(), 0, "{:?}\n{text}", loaded.diagnostics);
        loaded.decks.into_iter().next().unwrap()
    }

    #[test]
    fn strings_escape_what_toml_needs() {
        assert_eq!(string(r#"say "hi" \ there"#), r#""say \"hi\" \\ there""#);
        assert_eq!(string("a\tb\u{7f}\u{1b}"), "\"a\\tb\\u007F\\u001B\"");
        assert_eq!(
            text("one\n\"two\"\"\"\\"),
            "\"\"\"\none\n\\\"two\\\"\\\"\\\"\\\\\"\"\""
        );
    }

    #[test]
    fn every_field_reads_back_exactly() {
        let mut a = card("u", "U", "unit;\nunits \"\"\" end\\");
        a.kind = Kind::Abbreviation;
        a.answers = crate::deck::List::from(vec!["one \"unit\"".into(), "back\\slash".into()]);
        a.variants = crate::deck::List::from(vec!["u.".into()]);
        a.example = Some("4U read as 40\n\n(a tenfold overdose)".into());
        a.tags = crate::deck::List::from(vec!["do-not-use".into(), "dosing::insulin".into()]);
        a.confused_with = crate::deck::List::from(vec!["cc".into()]);
        a.note = Some("ends with a quote\"".into());
        a.reverse = Some(false);
        a.caution = Some(Caution::DoNotUse);
        a.instead = Some("Write \"unit\"".into());
        let mut b = card("hepatomegaly", "hepatomegaly", "enlargement of the liver");
        b.kind = Kind::Term;
        b.parts = crate::deck::List::from(vec!["hepat/o".into(), "-megaly".into()]);
        let c = card("mu", "µg — Ünïcödé ✓", "microgram");
        let deck = Deck {
            id: "mine".into(),
            name: "My \"deck\"".into(),
            description: "two\nlines".into(),
            reverse: true,
            answer: AnswerMode::Type,
            cards: vec![a, b, c],
            origin: Origin::File("t.toml".into()),
        };
        let toml = deck_to_toml(&deck, &["made by a test".into()]);
        assert_eq!(reads_back(&deck, &toml), Ok(()));
        let back = reload(&toml);
        assert_eq!(
            (
                &back.id,
                &back.name,
                &back.description,
                back.reverse,
                back.answer
            ),
            (
                &deck.id,
                &deck.name,
                &deck.description,
                true,
                AnswerMode::Type
            )
        );
        let strip = |cards: &[Card]| {
            cards
                .iter()
                .map(|c| Card {
                    line: 0,
                    ..c.clone()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&back.cards), strip(&deck.cards));
    }
}
