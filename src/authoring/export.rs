//! A deck as a CSV or TSV table that `medterm import` reads back: a header row naming the
//! card fields, one card a row, quoted where a field holds the separator, a quote or a line
//! break; lists joined with ` | `, tags with spaces.

use super::html;
use super::import::Column;
use crate::deck::{Card, Deck, Kind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Tsv,
    Csv,
}

impl TableFormat {
    pub fn separator(self) -> char {
        match self {
            TableFormat::Tsv => '\t',
            TableFormat::Csv => ',',
        }
    }
}

/// A cell's text for a column, before quoting.
fn cell(card: &Card, col: Column) -> String {
    let list = |items: &[crate::deck::Text]| {
        items
            .iter()
            .map(|s| s.replace('\\', "\\\\").replace('|', "\\|"))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    match col {
        Column::Id => card.id.to_string(),
        Column::Front => card.front.to_string(),
        Column::Back => card.back.to_string(),
        Column::Kind => match card.kind {
            Kind::Other => String::new(),
            k => k.as_str().to_owned(),
        },
        Column::Answers => list(&card.answers),
        Column::Variants => list(&card.variants),
        Column::Example => card.example.as_deref().unwrap_or_default().to_owned(),
        Column::Parts => list(&card.parts),
        Column::Tags => card.tags.join(" "),
        Column::ConfusedWith => list(&card.confused_with),
        Column::Note => card.note.as_deref().unwrap_or_default().to_owned(),
        Column::Reverse => card.reverse.map(|r| r.to_string()).unwrap_or_default(),
        Column::Caution => card
            .caution
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        Column::Instead => card.instead.as_deref().unwrap_or_default().to_owned(),
    }
}

fn quote_into(out: &mut String, s: &str, sep: char) {
    // A leading `#` would read as a comment to Anki.
    if s.contains([sep, '"', '\n', '\r']) || s.starts_with('#') || s.trim() != s {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// The columns a deck needs: front, back, tags and id always, the others when a card uses them.
pub fn columns(deck: &Deck) -> Vec<Column> {
    Column::ALL
        .into_iter()
        .filter(|&col| {
            matches!(
                col,
                Column::Front | Column::Back | Column::Tags | Column::Id
            ) || deck.cards.iter().any(|c| !cell(c, col).is_empty())
        })
        .collect()
}

/// The whole table, header row first.
pub fn to_table(deck: &Deck, format: TableFormat) -> String {
    let sep = format.separator();
    let cols = columns(deck);
    let mut out = String::new();
    let header: Vec<&str> = cols.iter().map(|c| c.name()).collect();
    out.push_str(&header.join(&sep.to_string()));
    out.push('\n');
    for card in &deck.cards {
        for (i, &col) in cols.iter().enumerate() {
            if i > 0 {
                out.push(sep);
            }
            quote_into(&mut out, &cell(card, col), sep);
        }
        out.push('\n');
    }
    out
}

/// Cards whose text `medterm import` would take for HTML (so `--html no` brings them back
/// as they are), by card id.
pub fn html_like(deck: &Deck) -> Vec<&str> {
    deck.cards
        .iter()
        .filter(|card| {
            Column::ALL
                .into_iter()
                .any(|col| html::html_evidence(&cell(card, col)).is_some())
        })
        .map(|c| c.id.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::{AnswerMode, Caution, Origin};

    fn deck(cards: Vec<Card>) -> Deck {
        Deck {
            id: "d".into(),
            name: "D".into(),
            description: String::new(),
            reverse: false,
            answer: AnswerMode::Reveal,
            cards,
            origin: Origin::File("d.toml".into()),
        }
    }

    fn card(id: &str, front: &str, back: &str) -> Card {
        Card {
            id: id.into(),
            front: front.into(),
            back: back.into(),
            ..Card::default()
        }
    }

    #[test]
    fn only_used_columns_and_quotes_where_needed() {
        let mut a = card("brady", "brady-", "slow");
        a.tags = crate::deck::List::from(vec!["general".into(), "time".into()]);
        let b = card("q", "a, b", "line one\nsaid \"two\"");
        let d = deck(vec![a, b]);
        assert_eq!(
            to_table(&d, TableFormat::Csv),
            "front,back,tags,id\nbrady-,slow,general time,brady\n\"a, b\",\"line one\nsaid \"\"two\"\"\",,q\n"
        );
        assert_eq!(
            to_table(&d, TableFormat::Tsv),
            "front\tback\ttags\tid\nbrady-\tslow\tgeneral time\tbrady\na, b\t\"line one\nsaid \"\"two\"\"\"\t\tq\n"
        );
    }

    #[test]
    fn lists_are_joined_with_bars_and_escaped() {
        let mut u = card("u", "U", "unit");
        u.kind = Kind::Abbreviation;
        u.answers = crate::deck::List::from(vec!["a|b".into(), "c\\d".into()]);
        u.caution = Some(Caution::DoNotUse);
        u.instead = Some("Write \"unit\"".into());
        u.reverse = Some(false);
        let d = deck(vec![u]);
        assert_eq!(
            to_table(&d, TableFormat::Csv),
            "front,back,tags,id,kind,answers,reverse,caution,instead\nU,unit,,u,abbreviation,a\\|b | c\\\\d,false,do-not-use,\"Write \"\"unit\"\"\"\n"
        );
        assert_eq!(
            super::super::import::split_list("a\\|b | c\\\\d"),
            ["a|b", "c\\d"]
        );
    }
}
