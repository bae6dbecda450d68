//! `medterm stats [--json] [DECK_ID]`: streak, heatmap, today, the forecast, card counts
//! and retention.

use anyhow::Context as _;

use crate::cli::StatsArgs;
use crate::settings::Settings;
use crate::storage::reader;
use crate::study::DeckSet;
use crate::study::progress::Library;
use crate::study::report;

use super::{Exit, Out};

pub fn run(settings: &Settings, args: &StatsArgs) -> anyhow::Result<Exit> {
    let library = Library::new(DeckSet::load(&settings.data_dir, &settings.extra_decks));
    let deck = match &args.deck {
        Some(id) => match library.deck_index(id) {
            Some(d) => Some(d),
            None => {
                eprintln!("medterm: no deck `{id}`; `medterm decks` lists them");
                return Ok(Exit::BadInput);
            }
        },
        None => None,
    };
    let reviews = settings.data_dir.reviews_dir();
    let loaded = reader::load(&reviews, library.items.iter().map(|i| i.key.as_str()))
        .with_context(|| format!("cannot read the review logs in {}", reviews.display()))?;
    let report = report::report(
        &library,
        &loaded,
        &settings.scheduler(),
        settings.now,
        settings.streak_rules(),
        deck,
    );
    // The report owns what it shows: the history and the decks can go before the output
    // is built.
    drop(loaded);
    drop(library);
    let mut out = Out::stdout();
    if args.json {
        out.line(&crate::text::json(&report.to_json()))?;
    } else {
        for line in report.lines() {
            out.line(&line)?;
        }
    }
    out.flush()?;
    Ok(Exit::Ok)
}
