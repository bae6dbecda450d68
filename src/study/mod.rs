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
use crate::storage::{DataDir, deckcache, deckfiles};

/// Every deck a session sees: the built-in ones, the data dir's `decks/` folder and the
/// `--deck` paths, in that order (so a built-in id cannot be taken over).
#[derive(Debug)]
pub struct DeckSet {
    pub loaded: LoadedDecks,
    /// Paths that could not be read at all.
    pub unreadable: Vec<Diagnostic>,
    /// The decks cache to write and its key, when the decks were parsed and the writing
    /// was left for later ([`DeckSet::load_unsaved`]).
    unsaved: Option<(PathBuf, u64)>,
    /// The decks cache's key for these decks (a hash of every byte of every deck file),
    /// when they loaded without a problem: what is derived from the decks alone (the
    /// study library's layout) is cached under it too.
    pub key: Option<u64>,
}

/// The deck files a load reads, listed, and their key when every one could be listed.
pub struct DeckFiles {
    user: Vec<PathBuf>,
    user_unlisted: Vec<Diagnostic>,
    extra: Vec<PathBuf>,
    extra_unlisted: Vec<Diagnostic>,
    /// The decks cache's key for these files, hashed as they were read; `None` when one
    /// could not be listed or read.
    pub key: Option<u64>,
}

impl DeckSet {
    /// The stamp of the deck files `load` reads (the built-in ones never change).
    pub fn stamp(data_dir: &DataDir, extra: &[PathBuf]) -> deckfiles::Stamp {
        let mut paths = vec![data_dir.decks_dir()];
        paths.extend(extra.iter().cloned());
        deckfiles::stamp(&paths)
    }

    /// One line for the banner when some deck has errors: how many, and the first.
    pub fn error_line(&self) -> Option<String> {
        let errors = self.loaded.error_count() + self.unreadable.len();
        let first = self
            .unreadable
            .iter()
            .chain(self.loaded.diagnostics.iter().filter(|d| d.is_error()))
            .next()?;
        let place = match (first.line, first.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", first.path),
            (Some(l), None) => format!("{}:{l}", first.path),
            _ => first.path.clone(),
        };
        Some(format!(
            "{errors} deck error(s), first {place}: {} (`medterm check` lists them)",
            first.message
        ))
    }

    pub fn load(data_dir: &DataDir, extra: &[PathBuf]) -> DeckSet {
        let mut set = DeckSet::load_unsaved(data_dir, extra);
        set.save_cache();
        set
    }

    /// [`DeckSet::load`], leaving the writing of the decks cache to [`DeckSet::save_cache`]
    /// (the study screen writes it once the first card is shown).
    pub fn load_unsaved(data_dir: &DataDir, extra: &[PathBuf]) -> DeckSet {
        DeckSet::load_listed(data_dir, DeckSet::list(data_dir, extra))
    }

    /// The files [`DeckSet::load_unsaved`] reads, each once: the data dir's, then the
    /// `--deck` ones not among them; and their key, hashed as they are read (they are read
    /// whole only to be parsed).
    pub fn list(data_dir: &DataDir, extra: &[PathBuf]) -> DeckFiles {
        let (user, user_unlisted) = deckfiles::list_paths(&[data_dir.decks_dir()], true);
        let (extra, extra_unlisted) = deckfiles::list_paths(extra, false);
        let extra: Vec<PathBuf> = extra
            .into_iter()
            .filter(|f| !user.iter().any(|u| deckfiles::same_file(u, f)))
            .collect();
        let key = if user_unlisted.is_empty() && extra_unlisted.is_empty() {
            let files: Vec<PathBuf> = user.iter().chain(&extra).cloned().collect();
            deckcache::key_of_files(&deck::builtin_sources(), &files)
        } else {
            None
        };
        DeckFiles {
            user,
            user_unlisted,
            extra,
            extra_unlisted,
            key,
        }
    }

    /// The decks of listed files: unchanged deck files (every byte) come from the cache
    /// instead of the parser.
    pub fn load_listed(data_dir: &DataDir, files: DeckFiles) -> DeckSet {
        let read = deckcache::read(&DeckSet::cache_path(data_dir));
        DeckSet::load_listed_from(data_dir, files, read)
    }

    /// The decks cache file.
    pub fn cache_path(data_dir: &DataDir) -> PathBuf {
        data_dir.cache_dir().join("decks.bin")
    }

    /// [`DeckSet::load_listed`] with the cache file already read (see `deckcache::read`),
    /// while the files were listed and hashed elsewhere.
    pub fn load_listed_from(
        data_dir: &DataDir,
        files: DeckFiles,
        read: Option<deckcache::Raw>,
    ) -> DeckSet {
        let cache = DeckSet::cache_path(data_dir);
        if let Some(key) = files.key
            && let Some(loaded) = read.and_then(|r| r.decode(key))
        {
            return DeckSet {
                loaded,
                unreadable: Vec::new(),
                unsaved: None,
                key: Some(key),
            };
        }
        let mut sources = deck::builtin_sources();
        let mut rejected = Vec::new();
        let mut unreadable = Vec::new();
        for read in [
            deckfiles::read_files(files.user, files.user_unlisted),
            deckfiles::read_files(files.extra, files.extra_unlisted),
        ] {
            sources.extend(read.sources);
            rejected.extend(read.rejected);
            unreadable.extend(read.unreadable);
        }
        let key = deckcache::key(&sources);
        let (mut loaded, unsaved) = match deckcache::load(&cache, key) {
            Some(cached) => (cached, None),
            None => (deck::load(&sources), Some((cache, key))),
        };
        // Only a load without any problem is cached; the rejected files are added after.
        let clean = loaded.diagnostics.is_empty() && rejected.is_empty() && unreadable.is_empty();
        let unsaved = unsaved.filter(|_| loaded.diagnostics.is_empty());
        loaded.diagnostics.extend(rejected);
        DeckSet {
            loaded,
            unreadable,
            unsaved,
            key: clean.then_some(key),
        }
    }

    /// Writes the decks cache if the decks were parsed and it is not written yet.
    pub fn save_cache(&mut self) {
        if let Some((path, key)) = self.unsaved.take() {
            deckcache::save_decks(&path, key, &self.loaded.decks);
        }
    }
}

/// Notices edited deck files, debounced: a change counts once the files have looked the
/// same for `DEBOUNCE` (an editor's save is often a write, a rename and a touch).
#[derive(Debug)]
pub struct DeckWatch {
    loaded: deckfiles::Stamp,
    seen: Option<(deckfiles::Stamp, std::time::Instant)>,
}

impl DeckWatch {
    pub const DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(300);

    /// Watching from the files as they were when the decks were loaded.
    pub fn new(loaded: deckfiles::Stamp) -> DeckWatch {
        DeckWatch { loaded, seen: None }
    }

    /// Given how the files look `now`: whether to reload. Once it says so, the new look is
    /// the loaded one.
    pub fn changed(&mut self, stamp: deckfiles::Stamp, now: std::time::Instant) -> bool {
        if stamp == self.loaded {
            self.seen = None;
            return false;
        }
        match &self.seen {
            Some((s, since)) if *s == stamp && now.duration_since(*since) >= Self::DEBOUNCE => {
                self.loaded = stamp;
                self.seen = None;
                true
            }
            Some((s, _)) if *s == stamp => false,
            _ => {
                self.seen = Some((stamp, now));
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn stamp(len: u64) -> deckfiles::Stamp {
        vec![("d.toml".into(), len, None)]
    }

    #[test]
    fn a_change_is_reloaded_once_the_files_have_settled() {
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        let mut w = DeckWatch::new(stamp(10));
        assert!(!w.changed(stamp(10), at(0)));
        assert!(!w.changed(stamp(11), at(100)), "just changed: wait");
        assert!(!w.changed(stamp(12), at(300)), "still changing");
        assert!(!w.changed(stamp(12), at(500)), "settled for 200 ms only");
        assert!(w.changed(stamp(12), at(650)));
        assert!(!w.changed(stamp(12), at(2000)), "reloaded once");
        // Changed and changed back before it settled: nothing to do.
        assert!(!w.changed(stamp(13), at(2100)));
        assert!(!w.changed(stamp(12), at(2600)));
        assert!(!w.changed(stamp(12), at(3000)));
    }
}
