//! The deck importers (Anki text, CSV/TSV, Quizlet): any input is either refused with an
//! error located inside the file, or gives a deck whose TOML loads back as exactly that
//! deck, and whose exported table imports again as the same cards.

use crate::authoring::{self, ImportError, ImportOptions, InputFormat, TableFormat};
use crate::deck::{Card, SourceText};

fn without_lines(cards: &[Card]) -> Vec<Card> {
    cards
        .iter()
        .map(|c| Card {
            line: 0,
            ..c.clone()
        })
        .collect()
}

/// The first byte picks the format (told from the file, Anki, CSV or Quizlet); the rest is
/// the file.
pub fn check(data: &[u8]) {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let format = match pick % 4 {
        0 => None,
        1 => Some(InputFormat::Anki),
        2 => Some(InputFormat::Csv),
        _ => Some(InputFormat::Quizlet),
    };
    let options = ImportOptions {
        format,
        separator: (format == Some(InputFormat::Quizlet)).then(|| "tab".to_owned()),
        ..ImportOptions::default()
    };
    match authoring::import("fuzz.txt", bytes, &options) {
        Ok(imported) => {
            let toml = authoring::deck_to_toml(&imported.deck, &["fuzzed".into()]);
            if let Err(e) = authoring::writer::reads_back(&imported.deck, &toml) {
                panic!("the imported deck does not read back: {e}\n{toml}");
            }
            let table = authoring::to_table(&imported.deck, TableFormat::Tsv);
            let again = authoring::import(
                "again.tsv",
                table.as_bytes(),
                &ImportOptions {
                    html: Some(false),
                    ..ImportOptions::default()
                },
            )
            .unwrap_or_else(|e| panic!("the exported table does not import: {e}\n{table}"));
            assert_eq!(
                without_lines(&again.deck.cards),
                without_lines(&imported.deck.cards),
                "export then import changed the cards"
            );
        }
        Err(ImportError::File(d)) => {
            assert_eq!(d.path, "fuzz.txt");
            // Positions are in the text as the importer reads it: without a byte-order mark,
            // every line end (CRLF, or a lone CR as old Macs wrote) a newline.
            if let Ok(text) = std::str::from_utf8(bytes) {
                let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                let text = text.replace("\r\n", "\n").replace('\r', "\n");
                super::assert_located(&d, &SourceText::new("fuzz.txt", &text));
            }
        }
        Err(ImportError::Usage(_)) => {}
    }
}
