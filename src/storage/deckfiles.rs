//! Finding and reading deck files: a path is a `.toml` file or a folder searched for them.

use std::borrow::Cow;
use std::fs;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};

use crate::deck::{DeckSource, Diagnostic, MAX_DECK_BYTES, Origin, Severity};

/// What reading a set of paths gave: the sources, and a diagnostic for each path that could
/// not be read (the caller decides whether that is fatal).
#[derive(Debug, Default)]
pub struct ReadDecks {
    pub sources: Vec<DeckSource>,
    /// Paths that could not be read: the program could not do its job (exit code 2).
    pub unreadable: Vec<Diagnostic>,
    /// Files refused for what they are (too large): an error in the input (exit code 1).
    pub rejected: Vec<Diagnostic>,
}

fn io_diag(path: &Path, what: &str, err: &io::Error) -> Diagnostic {
    Diagnostic::file(
        path.display().to_string(),
        Severity::Error,
        format!("cannot {what}: {err}"),
    )
}

/// The `.toml` files under a folder, sorted, hidden files and folders skipped.
fn toml_files(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<Diagnostic>, depth: usize) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(err) => {
            errors.push(io_diag(dir, "read the folder", &err));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.starts_with('.'))
        })
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            // Deep trees are someone's home directory by mistake, not a deck collection.
            if depth < 8 {
                toml_files(&path, out, errors, depth + 1);
            }
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// Reads one file, refusing one over the size limit before reading it.
fn read_bounded(path: &Path) -> io::Result<Result<Vec<u8>, u64>> {
    let file = fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > MAX_DECK_BYTES as u64 {
        return Ok(Err(len));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(MAX_DECK_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_DECK_BYTES {
        return Ok(Err(bytes.len() as u64));
    }
    Ok(Ok(bytes))
}

/// What the deck files at `paths` look like now, without reading them: each file's path,
/// size and modification time. Two equal stamps mean nothing to reload.
pub type Stamp = Vec<(PathBuf, u64, Option<std::time::SystemTime>)>;

pub fn stamp(paths: &[PathBuf]) -> Stamp {
    let mut files = Vec::new();
    let mut ignored = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => toml_files(path, &mut files, &mut ignored, 0),
            Ok(_) => files.push(path.clone()),
            Err(_) => {}
        }
    }
    files
        .into_iter()
        .map(|f| {
            let meta = fs::metadata(&f).ok();
            let len = meta.as_ref().map_or(0, fs::Metadata::len);
            let modified = meta.and_then(|m| m.modified().ok());
            (f, len, modified)
        })
        .collect()
}

/// The deck files at `paths` (files or folders), each once, in the order they are read;
/// and a diagnostic for each path that could not be listed. With `missing_ok`, a path that
/// does not exist is simply empty (the user decks folder before the first deck is written).
pub fn list_paths(paths: &[PathBuf], missing_ok: bool) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut listed: Vec<PathBuf> = Vec::new();
    let mut unreadable = Vec::new();
    for path in paths {
        let mut files = Vec::new();
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => toml_files(path, &mut files, &mut unreadable, 0),
            Ok(_) => files.push(path.clone()),
            Err(err) if err.kind() == io::ErrorKind::NotFound && missing_ok => {}
            Err(err) => {
                unreadable.push(io_diag(path, "read", &err));
                continue;
            }
        }
        for file in files {
            if !listed.iter().any(|p| same_file(p, &file)) {
                listed.push(file);
            }
        }
    }
    (listed, unreadable)
}

/// Reads the deck files at `paths` (files or folders), as [`list_paths`] lists them.
pub fn read_paths(paths: &[PathBuf], missing_ok: bool) -> ReadDecks {
    let (files, unreadable) = list_paths(paths, missing_ok);
    read_files(files, unreadable)
}

/// Reads listed deck files; `unreadable` is what listing them found.
pub fn read_files(files: Vec<PathBuf>, unreadable: Vec<Diagnostic>) -> ReadDecks {
    let mut out = ReadDecks {
        unreadable,
        ..ReadDecks::default()
    };
    for file in files {
        match read_bounded(&file) {
            Ok(Ok(bytes)) => out.sources.push(DeckSource {
                origin: Origin::File(file),
                bytes: Cow::Owned(bytes),
            }),
            Ok(Err(len)) => out.rejected.push(
                Diagnostic::file(
                    file.display().to_string(),
                    Severity::Error,
                    format!(
                        "deck file is {len} bytes, over the limit of {} MiB; it was not read",
                        MAX_DECK_BYTES >> 20
                    ),
                )
                .with_help("split it into several deck files"),
            ),
            Err(err) => out.unreadable.push(io_diag(&file, "read", &err)),
        }
    }
    out
}

/// Whether two paths name one file (so a deck given twice is read once).
pub fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}
