//! `medterm new DECK_ID [--name NAME]`: a starter deck in the user decks folder.

use std::io;
use std::path::Path;

use anyhow::Context as _;

use crate::authoring;
use crate::cli::NewArgs;
use crate::deck;
use crate::settings::Settings;
use crate::storage::atomic;
use crate::study::DeckSet;
use crate::text;

use super::{Exit, Out};

pub fn run(settings: &Settings, args: &NewArgs) -> anyhow::Result<Exit> {
    let id = args.deck_id.as_str();
    if let Err(message) = check_deck_id(id) {
        eprintln!("medterm: error: {message}");
        return Ok(Exit::BadInput);
    }
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| authoring::name_from_id(id));
    if let Err(message) = check_name(&name) {
        eprintln!("medterm: error: {message}");
        return Ok(Exit::BadInput);
    }
    let path = settings.data_dir.decks_dir().join(format!("{id}.toml"));
    if path.exists() {
        eprintln!(
            "medterm: error: {} already exists; nothing was written",
            text::sanitize(&path.display().to_string())
        );
        eprintln!("  = help: open it in your editor, or choose another id");
        return Ok(Exit::BadInput);
    }
    let set = DeckSet::load(&settings.data_dir, &settings.extra_decks);
    if let Some(taken) = id_taken(&set, id) {
        eprintln!("medterm: error: {taken}; nothing was written");
        eprintln!("  = help: choose another id, such as my-{id}");
        return Ok(Exit::BadInput);
    }
    let text = authoring::starter_deck(id, &name);
    if !write_new(&path, &text)? {
        return Ok(Exit::BadInput);
    }
    let shown = text::sanitize(&path.display().to_string()).into_owned();
    let mut out = Out::stdout();
    out.line(&format!("wrote a starter deck to {shown}"))?;
    out.line("next: open it in any editor and replace the two example cards with yours;")?;
    out.line(&format!("      medterm check {shown}"))?;
    out.line(&format!("      medterm study {id}"))?;
    out.flush()?;
    Ok(Exit::Ok)
}

/// A deck id given on the command line: `Err` says what is wrong with it.
pub(super) fn check_deck_id(id: &str) -> Result<(), String> {
    if deck::is_valid_id(id) {
        return Ok(());
    }
    let suggestion = deck::derive_id(id);
    Err(format!(
        "\"{}\" is not a deck id: use lower-case letters a-z, digits and `-`{}",
        text::sanitize(id),
        if suggestion.is_empty() {
            String::new()
        } else {
            format!(", for example {suggestion}")
        }
    ))
}

/// A deck name given on the command line.
pub(super) fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the deck name is empty".into());
    }
    if name.chars().any(text::is_control) {
        return Err("the deck name holds a control character or a line break".into());
    }
    Ok(())
}

/// "the deck id `x` is already used by ..." when a loaded deck has the id.
pub(super) fn id_taken(set: &DeckSet, id: &str) -> Option<String> {
    set.loaded.deck(id).map(|d| {
        format!(
            "the deck id `{id}` is already used by {}",
            text::sanitize(&d.origin.to_string())
        )
    })
}

/// Writes a file that must not exist yet; `false` (reported) if it does.
pub(super) fn write_new(path: &Path, contents: &str) -> anyhow::Result<bool> {
    match atomic::write_new_file(path, contents.as_bytes()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            eprintln!(
                "medterm: error: {} already exists; nothing was written",
                text::sanitize(&path.display().to_string())
            );
            Ok(false)
        }
        Err(e) => Err(e).with_context(|| format!("cannot write {}", path.display())),
    }
}
