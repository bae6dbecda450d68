//! `medterm check [PATH...]`: every problem in the given decks, or in all loaded decks.

use crate::cli::{CheckArgs, Format};
use crate::deck::{self, Diagnostic, Severity};
use crate::settings::Settings;
use crate::storage::deckfiles;
use crate::storage::log::LineProblem;
use crate::storage::reader::{self, Loaded};
use crate::study::DeckSet;

use crate::text;

use super::{Exit, Out};

pub fn run(settings: &Settings, args: &CheckArgs) -> anyhow::Result<Exit> {
    let (diagnostics, unreadable, decks, cards) = if args.paths.is_empty() {
        let set = DeckSet::load(&settings.data_dir, &settings.extra_decks);
        let (decks, cards) = (set.loaded.decks.len(), set.loaded.card_count());
        let mut diagnostics = set.loaded.diagnostics;
        // The review logs too: damage is reported, never repaired here.
        match reader::load(&settings.data_dir.reviews_dir(), Vec::<String>::new()) {
            Ok(loaded) => diagnostics.extend(log_warnings(&loaded)),
            Err(e) => diagnostics.push(Diagnostic::file(
                settings.data_dir.reviews_dir().display().to_string(),
                Severity::Warning,
                format!("cannot read the review logs: {e}"),
            )),
        }
        (diagnostics, set.unreadable, decks, cards)
    } else {
        check_paths(settings, args)
    };

    let errors = diagnostics
        .iter()
        .chain(&unreadable)
        .filter(|d| d.is_error())
        .count();
    let warnings = diagnostics.len() + unreadable.len() - errors;
    let mut out = Out::stdout();
    for d in unreadable.iter().chain(&diagnostics) {
        match args.format {
            Format::Human => out.write_str(&d.render())?,
            Format::Json => out.line(&text::json(&d.to_json()))?,
        }
    }
    if args.format == Format::Human {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        out.line(&format!(
            "checked {}, {}: {}, {}",
            plural(decks, "deck", "decks"),
            plural(cards, "card", "cards"),
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings"),
        ))?;
    }
    out.flush()?;
    Ok(if !unreadable.is_empty() {
        Exit::Failure
    } else if errors > 0 {
        Exit::BadInput
    } else {
        Exit::Ok
    })
}

/// Warnings for damaged review logs, located by line.
fn log_warnings(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in &loaded.damage {
        let message = match &d.problem {
            LineProblem::Unparsable(why) => format!("review log line skipped: {why}"),
            LineProblem::NewerVersion(v) => {
                format!("review log line from a newer medterm (format {v}) kept but not replayed")
            }
        };
        let help = match d.problem {
            LineProblem::Unparsable(_) => {
                "the line is kept in the file; no other review is affected"
            }
            LineProblem::NewerVersion(_) => "update medterm on this machine",
        };
        out.push(Diagnostic {
            path: d.path.display().to_string(),
            line: Some(d.line),
            column: Some(1),
            severity: Severity::Warning,
            message,
            help: Some(help.to_owned()),
            snippet: None,
        });
    }
    for (path, offset) in &loaded.torn {
        out.push(
            Diagnostic::file(
                path.display().to_string(),
                Severity::Warning,
                format!("the last line (from byte {offset}) was cut short by a crash or power loss and is not replayed"),
            )
            .with_help("the next study session on that device sets it aside in a .torn- file and cuts it"),
        );
    }
    out
}

/// Checks the given files against everything else that loads (for `parts` and deck ids),
/// reporting only their own problems.
fn check_paths(
    settings: &Settings,
    args: &CheckArgs,
) -> (Vec<Diagnostic>, Vec<Diagnostic>, usize, usize) {
    let checked = deckfiles::read_paths(&args.paths, false);
    let mut sources = if args.no_builtin {
        Vec::new()
    } else {
        deck::builtin_sources()
    };
    // Context decks: user and --deck files other than the ones being checked.
    let mut context_files = deckfiles::read_paths(&[settings.data_dir.decks_dir()], true).sources;
    context_files.extend(deckfiles::read_paths(&settings.extra_decks, true).sources);
    let is_checked = |origin: &deck::Origin| {
        checked.sources.iter().any(|c| match (&c.origin, origin) {
            (deck::Origin::File(a), deck::Origin::File(b)) => deckfiles::same_file(a, b),
            _ => false,
        })
    };
    sources.extend(context_files.into_iter().filter(|s| !is_checked(&s.origin)));
    let checked_paths: Vec<String> = checked
        .sources
        .iter()
        .map(|s| s.origin.to_string())
        .collect();
    sources.extend(checked.sources);
    let loaded = deck::load(&sources);
    let mine: Vec<&deck::Deck> = loaded
        .decks
        .iter()
        .filter(|d| checked_paths.contains(&d.origin.to_string()))
        .collect();
    let (decks, cards) = (mine.len(), mine.iter().map(|d| d.cards.len()).sum());
    let mut diagnostics: Vec<Diagnostic> = loaded
        .diagnostics
        .into_iter()
        .filter(|d| checked_paths.contains(&d.path))
        .collect();
    diagnostics.extend(checked.rejected);
    (diagnostics, checked.unreadable, decks, cards)
}
