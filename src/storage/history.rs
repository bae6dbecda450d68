//! All devices' logs, merged: the history the replay folds.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::log::{Damage, Event, read_log};

/// Every device's events, merged by time (ties: device name, then file order).
#[derive(Debug, Default)]
pub struct History {
    pub events: Vec<Event>,
    pub damage: Vec<Damage>,
    /// Logs whose last line was cut short: the path and where that line begins.
    pub torn: Vec<(PathBuf, usize)>,
    /// The log files read, for the cache key.
    pub files: Vec<PathBuf>,
}

/// The `*.jsonl` files of a reviews folder, sorted by name.
pub fn log_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Reads and merges every log in `dir`. Logs are only read here, never changed.
pub fn read_history(dir: &Path) -> io::Result<History> {
    let mut history = History::default();
    let files = log_files(dir)?;
    let mut per_file = Vec::with_capacity(files.len());
    for path in &files {
        let (_, parsed) = read_log(path)?;
        history.damage.extend(parsed.damage);
        if let Some(at) = parsed.torn_tail {
            history.torn.push((path.clone(), at));
        }
        per_file.push(parsed.events);
    }
    // Stable sort by time: files are in name order and each file in its order, so ties
    // break by device, then by line.
    history.events = per_file.into_iter().flatten().collect();
    history.events.sort_by_key(|e| e.time);
    history.files = files;
    Ok(history)
}
