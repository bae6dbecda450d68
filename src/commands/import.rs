//! `medterm import FILE [--deck-id ID] [--name NAME] [-o OUT.toml] ...`: another program's
//! cards as a new deck file, with a report of what was converted and what was skipped.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::authoring::{self, ImportError, ImportOptions, Imported, InputFormat};
use crate::cli::{ImportArgs, ImportFormat, YesNo};
use crate::deck::MAX_DECK_BYTES;
use crate::settings::Settings;
use crate::study::DeckSet;
use crate::text;

use super::new::{check_deck_id, check_name, id_taken, write_new};
use super::{Exit, Out};

/// Skipped cards and notes listed one by one, at most.
const LIST_AT_MOST: usize = 20;

pub fn run(settings: &Settings, args: &ImportArgs) -> anyhow::Result<Exit> {
    let shown = |p: &Path| text::sanitize(&p.display().to_string()).into_owned();
    let file = shown(&args.file);
    let checks = [
        args.deck_id.as_deref().map(check_deck_id),
        args.name.as_deref().map(check_name),
        args.output
            .as_deref()
            .filter(|o| o.extension().is_none_or(|e| e != "toml"))
            .map(|_| {
                Err("the output file must end in .toml: medterm loads only .toml decks".into())
            }),
    ];
    if let Some(message) = checks.into_iter().flatten().find_map(Result::err) {
        eprintln!("medterm: error: {message}");
        return Ok(Exit::BadInput);
    }

    let bytes = match read_bounded(&args.file) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(len)) => {
            eprintln!(
                "{file}: error: the file is {len} bytes, over the limit of {} MiB; nothing was written",
                MAX_DECK_BYTES >> 20
            );
            eprintln!("  = help: split it into several files");
            return Ok(Exit::BadInput);
        }
        Err(e) => {
            eprintln!("medterm: error: cannot read {file}: {e}");
            return Ok(Exit::Failure);
        }
    };
    let options = ImportOptions {
        format: args.format.map(|f| match f {
            ImportFormat::Anki => InputFormat::Anki,
            ImportFormat::Csv => InputFormat::Csv,
            ImportFormat::Quizlet => InputFormat::Quizlet,
        }),
        separator: args.separator.clone(),
        card_separator: args.card_separator.clone(),
        html: args.html.map(|h| h == YesNo::Yes),
        deck_id: args.deck_id.clone(),
        name: args.name.clone(),
    };
    let imported = match authoring::import(&args.file.display().to_string(), &bytes, &options) {
        Ok(imported) => imported,
        Err(ImportError::File(diag)) => {
            eprint!("{}", diag.render());
            eprintln!("medterm: nothing was written");
            return Ok(Exit::BadInput);
        }
        Err(ImportError::Usage(message)) => {
            eprintln!("medterm: error: {message}");
            return Ok(Exit::BadInput);
        }
    };
    let deck = &imported.deck;
    let mut out = Out::stdout();
    if deck.cards.is_empty() {
        report(&mut out, &file, &imported)?;
        let why = if imported.skipped.is_empty() {
            ": the file holds no card (only a header, or nothing)"
        } else {
            ": every card was skipped"
        };
        eprintln!("{file}: error: no cards to import{why}; nothing was written");
        return Ok(Exit::BadInput);
    }
    let set = DeckSet::load(&settings.data_dir, &settings.extra_decks);
    if let Some(taken) = id_taken(&set, &deck.id) {
        eprintln!("medterm: error: {taken}; nothing was written");
        let builtin = set
            .loaded
            .deck(&deck.id)
            .is_some_and(|d| d.origin.is_builtin());
        if builtin {
            eprintln!("  = help: give the new deck another id with --deck-id");
        } else {
            eprintln!(
                "  = help: give the new deck another id with --deck-id; or, to replace that deck, delete its file and import again (progress follows the card ids, and the same fronts give the same ids)"
            );
        }
        return Ok(Exit::BadInput);
    }
    let decks_dir = settings.data_dir.decks_dir();
    let path: PathBuf = args
        .output
        .clone()
        .unwrap_or_else(|| decks_dir.join(format!("{}.toml", deck.id)));
    if path.exists() {
        eprintln!(
            "medterm: error: {} already exists; nothing was written",
            shown(&path)
        );
        eprintln!("  = help: choose another file with -o, or another id with --deck-id");
        return Ok(Exit::BadInput);
    }
    report(&mut out, &file, &imported)?;
    let cards = deck.cards.len();

    let comment = [
        format!(
            "Imported by `medterm import` from {} ({}).",
            text::sanitize(
                &args
                    .file
                    .file_name()
                    .map_or(file.clone(), |n| n.to_string_lossy().into_owned())
            ),
            imported.format.describe()
        ),
        "Edit it in any editor and run `medterm check`. Progress follows each card's id:"
            .to_owned(),
        "keep the ids when you change a card's text.".to_owned(),
    ];
    let mut written = deck.clone();
    written.origin = crate::deck::Origin::File(path.clone());
    let toml = authoring::deck_to_toml(&written, &comment);
    if let Err(why) = authoring::writer::reads_back(&written, &toml) {
        anyhow::bail!(
            "the deck made from {file} does not read back, so nothing was written: {why}"
        );
    }
    if !write_new(&path, &toml)? {
        eprintln!("  = help: choose another file with -o, or another id with --deck-id");
        return Ok(Exit::BadInput);
    }

    let path_shown = shown(&path);
    out.line(&format!(
        "wrote {path_shown}: deck `{}` (\"{}\"), {cards} card{}",
        deck.id,
        text::sanitize(&deck.name),
        if cards == 1 { "" } else { "s" }
    ))?;
    out.line(&format!("next: medterm check {path_shown}"))?;
    let in_decks_dir = path
        .parent()
        .is_some_and(|p| crate::storage::deckfiles::same_file(p, &decks_dir));
    if in_decks_dir {
        out.line(&format!("      medterm study {}", deck.id))?;
    } else {
        out.line(&format!(
            "      medterm --deck {path_shown} study {}   (or move it into {})",
            deck.id,
            shown(&decks_dir)
        ))?;
    }
    out.flush()?;
    Ok(Exit::Ok)
}

/// What was read as what, converted, skipped (and why) and changed.
fn report(out: &mut Out, file: &str, imported: &Imported) -> std::io::Result<()> {
    out.line(&format!(
        "read {file} as {} ({}-separated{})",
        imported.format.describe(),
        imported.separator,
        if imported.html { ", HTML" } else { "" }
    ))?;
    let skipped = &imported.skipped;
    let cards = imported.deck.cards.len();
    out.line(&format!(
        "converted {cards} card{}, skipped {}{}",
        if cards == 1 { "" } else { "s" },
        skipped.len(),
        if skipped.is_empty() { "" } else { ":" }
    ))?;
    for s in skipped.iter().take(LIST_AT_MOST) {
        out.line(&format!(
            "  {file}:{}: {}",
            s.line,
            text::sanitize(&s.reason)
        ))?;
    }
    if skipped.len() > LIST_AT_MOST {
        out.line(&format!("  ... and {} more", skipped.len() - LIST_AT_MOST))?;
    }
    for n in imported.notes.iter().take(LIST_AT_MOST) {
        let at = n.line.map_or(String::new(), |l| format!("{file}:{l}: "));
        out.line(&format!("note: {at}{}", text::sanitize(&n.message)))?;
    }
    if imported.notes.len() > LIST_AT_MOST {
        out.line(&format!(
            "note: ... and {} more",
            imported.notes.len() - LIST_AT_MOST
        ))?;
    }
    out.flush()
}

/// The file's bytes, or its length when it is over the deck size limit.
fn read_bounded(path: &Path) -> std::io::Result<Result<Vec<u8>, u64>> {
    let file = std::fs::File::open(path)?;
    let limit = MAX_DECK_BYTES as u64;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        let len = std::fs::metadata(path).map_or(limit + 1, |m| m.len());
        return Ok(Err(len));
    }
    Ok(Ok(bytes))
}
