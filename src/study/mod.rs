//! The study layer: decks + storage + (later) scheduler. The TUI and the CLI both come
//! through here, so there is one code path to test.

pub mod answer;
pub mod drill;
pub mod optimize;
pub mod progress;
pub mod report;
pub mod session;

use std::path::PathBuf;

use crate::deck::{self, Diagnostic, LoadedDecks};
use crate::storage::{DataDir, deckfiles};

/// Every deck a session sees: the built-in ones, the data dir's `decks/` folder and the
/// `--deck` paths, in that order (so a built-in id cannot be taken over).
#[derive(Debug)]
pub struct DeckSet {
    pub loaded: LoadedDecks,
    /// Paths that could not be read at all.
    pub unreadable: Vec<Diagnostic>,
}

impl DeckSet {
    pub fn load(data_dir: &DataDir, extra: &[PathBuf]) -> DeckSet {
        let mut sources = deck::builtin_sources();
        let user = deckfiles::read_paths(&[data_dir.decks_dir()], true);
        let extra = deckfiles::read_paths(extra, false);
        let mut rejected = Vec::new();
        let mut unreadable = Vec::new();
        for read in [user, extra] {
            for source in read.sources {
                let already = sources.iter().any(|s| match (&s.origin, &source.origin) {
                    (deck::Origin::File(a), deck::Origin::File(b)) => deckfiles::same_file(a, b),
                    _ => false,
                });
                if !already {
                    sources.push(source);
                }
            }
            rejected.extend(read.rejected);
            unreadable.extend(read.unreadable);
        }
        let mut loaded = deck::load(&sources);
        loaded.diagnostics.extend(rejected);
        DeckSet { loaded, unreadable }
    }
}
