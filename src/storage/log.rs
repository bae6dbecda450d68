//! The review log: `reviews/<device>.jsonl`, one JSON object per line, appended and synced
//! one complete line at a time. The logs are the source of truth; everything else is a
//! replay of them.
//!
//! ```text
//! {"v":1,"id":"laptop-19aeb8c1f00-3f2a-0","kind":"review","card":"prefixes:brady","time":"2026-12-04T21:30:00.123Z","rating":3,"ms":4200,"device":"laptop"}
//! {"v":1,"id":"laptop-19aeb8c2a10-3f2a-1","kind":"undo","target":"laptop-19aeb8c1f00-3f2a-0","time":"...","device":"laptop"}
//! ```
//!
//! Kinds: `review` (with `rating` 1-4 and `ms`, the time taken), `undo` (of the event `target`),
//! `suspend` and `unsuspend` (of `card`), `bury` (`card` waits until the next study day).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// The format version this build writes; a line with a higher one is kept and reported.
pub const FORMAT_VERSION: u32 = 1;

/// One event as it sits on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub v: u32,
    pub id: String,
    pub kind: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<String>,
    /// RFC 3339, UTC.
    pub time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    /// Time taken to answer, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub device: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Review,
    Undo,
    Suspend,
    Unsuspend,
    Bury,
}

/// An event ready for the replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    pub time: DateTime<Utc>,
    pub device: String,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Review { card: String, rating: u8, ms: u64 },
    Undo { target: String },
    Suspend { card: String },
    Unsuspend { card: String },
    Bury { card: String },
}

impl Event {
    pub fn card(&self) -> Option<&str> {
        match &self.action {
            Action::Review { card, .. }
            | Action::Suspend { card }
            | Action::Unsuspend { card }
            | Action::Bury { card } => Some(card),
            Action::Undo { .. } => None,
        }
    }

    /// The line this event is written as, without the newline.
    pub fn to_line(&self) -> String {
        let (kind, card, rating, ms, target) = match &self.action {
            Action::Review { card, rating, ms } => (
                Kind::Review,
                Some(card.clone()),
                Some(*rating),
                Some(*ms),
                None,
            ),
            Action::Undo { target } => (Kind::Undo, None, None, None, Some(target.clone())),
            Action::Suspend { card } => (Kind::Suspend, Some(card.clone()), None, None, None),
            Action::Unsuspend { card } => (Kind::Unsuspend, Some(card.clone()), None, None, None),
            Action::Bury { card } => (Kind::Bury, Some(card.clone()), None, None, None),
        };
        let line = LogLine {
            v: FORMAT_VERSION,
            id: self.id.clone(),
            kind,
            card,
            time: self.time.to_rfc3339_opts(SecondsFormat::Millis, true),
            rating,
            ms,
            target,
            device: self.device.clone(),
        };
        serde_json::to_string(&line).expect("a log line always serializes")
    }
}

/// The ids that `undo` events in `events` take back.
pub fn undone_ids(events: &[Event]) -> foldhash::HashSet<&str> {
    events
        .iter()
        .filter_map(|e| match &e.action {
            Action::Undo { target } => Some(target.as_str()),
            _ => None,
        })
        .collect()
}

/// Why a line could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    /// Not JSON, or not an event.
    Unparsable(String),
    /// Written by a newer medterm: kept, not replayed.
    NewerVersion(u32),
}

/// Parses one line.
pub fn parse_line(line: &str) -> Result<Event, LineProblem> {
    let raw: LogLine = serde_json::from_str(line).map_err(|e| {
        // A newer format may add fields this build does not know; say so rather than fail.
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line)
            && let Some(version) = v.get("v").and_then(serde_json::Value::as_u64)
            && version > u64::from(FORMAT_VERSION)
        {
            return LineProblem::NewerVersion(u32::try_from(version).unwrap_or(u32::MAX));
        }
        LineProblem::Unparsable(e.to_string())
    })?;
    if raw.v > FORMAT_VERSION {
        return Err(LineProblem::NewerVersion(raw.v));
    }
    let time = DateTime::parse_from_rfc3339(&raw.time)
        .map_err(|e| LineProblem::Unparsable(format!("time \"{}\": {e}", raw.time)))?
        .with_timezone(&Utc);
    let missing =
        |what: &str| LineProblem::Unparsable(format!("a {:?} event needs `{what}`", raw.kind));
    // An empty key names no card (nor an empty target an event), as for the start-up reader.
    let card = raw.card.clone().filter(|c| !c.is_empty());
    let action = match raw.kind {
        Kind::Review => {
            let rating = raw
                .rating
                .filter(|r| (1..=4).contains(r))
                .ok_or_else(|| missing("rating 1-4"))?;
            Action::Review {
                card: card.clone().ok_or_else(|| missing("card"))?,
                rating,
                ms: raw.ms.unwrap_or(0),
            }
        }
        Kind::Undo => Action::Undo {
            target: raw
                .target
                .clone()
                .filter(|t| !t.is_empty())
                .ok_or_else(|| missing("target"))?,
        },
        Kind::Suspend => Action::Suspend {
            card: card.clone().ok_or_else(|| missing("card"))?,
        },
        Kind::Unsuspend => Action::Unsuspend {
            card: card.clone().ok_or_else(|| missing("card"))?,
        },
        Kind::Bury => Action::Bury {
            card: card.clone().ok_or_else(|| missing("card"))?,
        },
    };
    Ok(Event {
        id: raw.id,
        time,
        device: raw.device,
        action,
    })
}

/// A line that was not replayed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    pub problem: LineProblem,
}

/// A log file's events in file order, and the lines that could not be used.
#[derive(Debug, Default)]
pub struct ParsedLog {
    pub events: Vec<Event>,
    pub damage: Vec<Damage>,
    /// Where a last line without its newline begins: a write cut short. The caller sets it
    /// aside before appending.
    pub torn_tail: Option<usize>,
}

/// Parses a whole log file.
pub fn parse_log(path: &Path, bytes: &[u8]) -> ParsedLog {
    let mut out = ParsedLog::default();
    let mut offset = 0;
    let mut line_no = 0;
    while offset < bytes.len() {
        line_no += 1;
        let rest = &bytes[offset..];
        let (line, next, complete) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], offset + i + 1, true),
            None => (rest, bytes.len(), false),
        };
        // NUL padding (a file system's answer to a crash) and blank lines carry nothing.
        let blank = line.iter().all(|&b| b == 0 || b.is_ascii_whitespace());
        if !complete {
            // Only the last line can lack its newline: a write cut short, whatever it holds.
            // A complete line that is no event is damage, even the last one (it is kept).
            out.torn_tail = Some(offset);
        } else if !blank {
            let text = std::str::from_utf8(line).map(|t| t.trim_end_matches('\r'));
            match text
                .map_err(|e| LineProblem::Unparsable(e.to_string()))
                .and_then(parse_line)
            {
                Ok(event) => out.events.push(event),
                Err(problem) => out.damage.push(Damage {
                    path: path.to_path_buf(),
                    line: line_no,
                    problem,
                }),
            }
        }
        offset = next;
    }
    out
}

/// Reads and parses a log file; a missing file is an empty log.
pub fn read_log(path: &Path) -> io::Result<(Vec<u8>, ParsedLog)> {
    match fs::read(path) {
        Ok(bytes) => {
            let parsed = parse_log(path, &bytes);
            Ok((bytes, parsed))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((Vec::new(), ParsedLog::default())),
        Err(e) => Err(e),
    }
}

/// Sets a torn last line aside: copies the bytes from `offset` on to
/// `<log>.torn-<unix time>` (synced), then cuts the log there. Only ever called on this
/// device's own log. Returns where the bytes went.
pub fn set_aside_torn_tail(path: &Path, offset: u64, now_unix: i64) -> io::Result<PathBuf> {
    let mut file = OpenOptions::new().read(true).write(true).open(path)?;
    let len = file.metadata()?.len();
    let mut tail = Vec::new();
    io::Seek::seek(&mut file, io::SeekFrom::Start(offset.min(len)))?;
    io::Read::read_to_end(&mut file, &mut tail)?;
    let name = path
        .file_name()
        .map_or_else(|| "log".into(), |n| n.to_string_lossy().into_owned());
    let aside = path.with_file_name(format!("{name}.torn-{now_unix}"));
    let mut copy = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&aside)?;
    if let Err(e) = copy.write_all(&tail).and_then(|()| copy.sync_all()) {
        // A full disk: the log is untouched, so a partial copy holds nothing of its own.
        drop(copy);
        let _ = fs::remove_file(&aside);
        return Err(e);
    }
    if let Some(dir) = path.parent() {
        File::open(dir)?.sync_all()?;
    }
    file.set_len(offset.min(len))?;
    file.sync_all()?;
    Ok(aside)
}

/// This device's log, open for appending.
#[derive(Debug)]
pub struct Appender {
    file: File,
    path: PathBuf,
    #[cfg(unix)]
    identity: (u64, u64),
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error(
        "{path} was replaced or removed by another program (a sync tool?); nothing more is written to it"
    )]
    Replaced { path: String },
}

#[cfg(unix)]
fn identity(meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt as _;
    (meta.dev(), meta.ino())
}

impl Appender {
    /// Opens (creating) the log at `path` for appending.
    pub fn open(path: &Path) -> io::Result<Appender> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        #[cfg(unix)]
        let identity = identity(&file.metadata()?);
        Ok(Appender {
            file,
            path: path.to_path_buf(),
            #[cfg(unix)]
            identity,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends many events, each a complete line, and syncs once at the end: for imports,
    /// which report nothing saved until it returns. Interrupted, it leaves a prefix of
    /// whole lines (perhaps a torn last one), and importing again skips what is there.
    pub fn append_batch(
        &mut self,
        events: &[Event],
        mut progress: impl FnMut(usize),
    ) -> Result<(), AppendError> {
        let path = || self.path.display().to_string();
        #[cfg(unix)]
        if fs::metadata(&self.path).map(|m| identity(&m)).ok() != Some(self.identity) {
            return Err(AppendError::Replaced { path: path() });
        }
        let mut w = io::BufWriter::with_capacity(1 << 20, &self.file);
        for (i, e) in events.iter().enumerate() {
            let mut line = e.to_line();
            line.push('\n');
            w.write_all(line.as_bytes())
                .map_err(|source| AppendError::Io {
                    path: path(),
                    source,
                })?;
            if i % 10_000 == 0 {
                progress(i);
            }
        }
        w.flush().map_err(|source| AppendError::Io {
            path: path(),
            source,
        })?;
        drop(w);
        self.file.sync_data().map_err(|source| AppendError::Io {
            path: path(),
            source,
        })
    }

    /// Appends one event as one complete line and waits until it is on disk. Only after
    /// this returns Ok may the answer be reported saved.
    pub fn append(&mut self, event: &Event) -> Result<(), AppendError> {
        let path = || self.path.display().to_string();
        // Appending to a file that is no longer the log would lose the answer.
        #[cfg(unix)]
        if fs::metadata(&self.path).map(|m| identity(&m)).ok() != Some(self.identity) {
            return Err(AppendError::Replaced { path: path() });
        }
        let mut line = event.to_line();
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|source| AppendError::Io {
                path: path(),
                source,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(id: &str, card: &str, rating: u8) -> Event {
        Event {
            id: id.into(),
            time: "2026-12-04T21:30:00.123Z".parse().unwrap(),
            device: "laptop".into(),
            action: Action::Review {
                card: card.into(),
                rating,
                ms: 4200,
            },
        }
    }

    #[test]
    fn a_line_round_trips() {
        let e = review("laptop-1", "prefixes:brady", 3);
        let line = e.to_line();
        assert_eq!(
            line,
            r#"{"v":1,"id":"laptop-1","kind":"review","card":"prefixes:brady","time":"2026-12-04T21:30:00.123Z","rating":3,"ms":4200,"device":"laptop"}"#
        );
        assert_eq!(parse_line(&line), Ok(e));
    }

    #[test]
    fn recovery_keeps_exactly_the_complete_records_at_every_cut() {
        let events: Vec<Event> = (0..3).map(|i| review(&format!("e{i}"), "d:c", 3)).collect();
        let text: String = events.iter().map(|e| e.to_line() + "\n").collect();
        let last_start = text.len() - events[2].to_line().len() - 1;
        for cut in last_start..=text.len() {
            let parsed = parse_log(Path::new("r.jsonl"), &text.as_bytes()[..cut]);
            let complete = if cut == text.len() { 3 } else { 2 };
            assert_eq!(parsed.events, events[..complete], "cut at {cut}");
            assert!(parsed.damage.is_empty());
            let torn = cut > last_start && cut < text.len();
            assert_eq!(parsed.torn_tail, torn.then_some(last_start), "cut at {cut}");
        }
    }

    #[test]
    fn an_empty_card_or_target_is_no_event() {
        // Found by the log fuzz target: the start-up reader refused `"card":""`, this parser
        // took it, so the two replayed different histories.
        for line in [
            r#"{"v":1,"id":"a","kind":"review","card":"","time":"2026-12-04T10:00:00Z","rating":3,"device":"d"}"#,
            r#"{"v":1,"id":"a","kind":"undo","target":"","time":"2026-12-04T10:00:00Z","device":"d"}"#,
        ] {
            assert!(
                matches!(parse_line(line), Err(LineProblem::Unparsable(_))),
                "{line}"
            );
        }
    }

    #[test]
    fn garbage_in_the_middle_is_reported_by_line_and_skipped() {
        let text = format!(
            "{}\nnot json\n{}\n\0\0\0",
            review("a", "d:c", 3).to_line(),
            review("b", "d:c", 1).to_line()
        );
        let parsed = parse_log(Path::new("r.jsonl"), text.as_bytes());
        assert_eq!(parsed.events.len(), 2);
        assert_eq!(parsed.damage.len(), 1);
        assert_eq!(parsed.damage[0].line, 2);
        // Trailing NUL padding is a torn tail to set aside, not damage.
        assert!(parsed.torn_tail.is_some());
    }

    #[test]
    fn a_newer_version_is_kept_and_reported() {
        let text = format!(
            "{}\n{}\n",
            r#"{"v":2,"id":"x","kind":"review","card":"d:c","time":"2026-12-04T21:30:00Z","rating":3,"device":"d","new_field":1}"#,
            review("b", "d:c", 3).to_line()
        );
        let parsed = parse_log(Path::new("r.jsonl"), text.as_bytes());
        assert_eq!(parsed.events.len(), 1);
        assert_eq!(parsed.damage[0].problem, LineProblem::NewerVersion(2));
    }
}
