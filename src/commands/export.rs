//! `medterm export DECK_ID [--format tsv|csv] [-o FILE]`: a deck as a table that
//! `medterm import` reads back.

use crate::authoring::{self, TableFormat};
use crate::cli::{ExportArgs, TableFormatArg};
use crate::settings::Settings;
use crate::study::DeckSet;
use crate::text;

use super::new::write_new;
use super::{Exit, Out};

pub fn run(settings: &Settings, args: &ExportArgs) -> anyhow::Result<Exit> {
    let set = DeckSet::load(&settings.data_dir, &settings.extra_decks);
    let Some(deck) = set.loaded.deck(&args.deck_id) else {
        eprintln!(
            "medterm: error: no deck `{}`; `medterm decks` lists the loaded ones",
            text::sanitize(&args.deck_id)
        );
        return Ok(Exit::BadInput);
    };
    let format = match args.format {
        TableFormatArg::Tsv => TableFormat::Tsv,
        TableFormatArg::Csv => TableFormat::Csv,
    };
    let table = authoring::to_table(deck, format);

    let origin = deck.origin.to_string();
    let errors = set
        .loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && d.path == origin)
        .count();
    if errors > 0 {
        eprintln!(
            "medterm: note: {errors} error(s) in {} leave cards out of the export; `medterm check` shows them",
            text::sanitize(&origin)
        );
    }
    let html_like = authoring::export::html_like(deck);
    if let Some(first) = html_like.first() {
        eprintln!(
            "medterm: note: {} card(s) hold text that reads as HTML (the first is `{first}`): import the table back with --html no",
            html_like.len()
        );
    }

    match &args.output {
        Some(path) => {
            if !write_new(path, &table)? {
                eprintln!("  = help: choose another file, or remove that one first");
                return Ok(Exit::BadInput);
            }
            let mut out = Out::stdout();
            out.line(&format!(
                "wrote {} cards of `{}` to {}",
                deck.cards.len(),
                deck.id,
                text::sanitize(&path.display().to_string())
            ))?;
            out.flush()?;
        }
        None => {
            let mut out = Out::stdout();
            out.write_str(&table)?;
            out.flush()?;
        }
    }
    Ok(Exit::Ok)
}
