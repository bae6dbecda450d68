//! A study session: the one place where "the student pressed Good" becomes a durable review
//! and the next card. Opening takes the data dir's lock, sets a torn last line of this
//! device's log aside, reads every log and replays it. Each answer is on disk before it
//! counts; a write that fails leaves the session read-only, with the reason, and nothing
//! already saved is touched.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::DeckSet;
use super::progress::{
    Library, Progress, load_library_and_progress_unsaved, save_cache, save_loaded_caches,
    todays_queue,
};
use crate::scheduler::queue::Queue;
use crate::scheduler::{CardState, Op, Outcome, Rating, SchedulerConfig, apply_op, preview};
use crate::settings::Settings;
use crate::storage::lock::{DataDirLock, LockError};
use crate::storage::log::{Action, AppendError, Appender, Damage, Event, set_aside_torn_tail};

/// Something the student should know about the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A cut-short last line of this device's log, copied to `aside` and cut.
    TornTailSetAside { log: PathBuf, aside: PathBuf },
    /// A cut-short last line of another device's log: left alone, not replayed.
    TornTailElsewhere { log: PathBuf },
    /// Lines that could not be replayed (kept in the file).
    Damaged(Vec<Damage>),
    /// The session cannot write (a read-only data dir, a full disk): why.
    ReadOnly(String),
}

impl Notice {
    pub fn message(&self) -> String {
        match self {
            Notice::TornTailSetAside { log, aside } => format!(
                "the last line of {} was cut short (a crash or power loss while writing); it was copied to {} and removed from the log",
                log.display(),
                aside.display()
            ),
            Notice::TornTailElsewhere { log } => format!(
                "the last line of {} is cut short; it is skipped until that device writes again",
                log.display()
            ),
            Notice::Damaged(d) => {
                let first = &d[0];
                format!(
                    "{} review log line(s) could not be read and were skipped (kept in the file), first {}:{}",
                    d.len(),
                    first.path.display(),
                    first.line
                )
            }
            Notice::ReadOnly(reason) => format!("read-only: {reason}"),
        }
    }
}

/// A data dir that cannot be written at all: the session can still show what is due.
fn is_read_only(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
    )
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error("cannot use the data dir {dir}: {source}")]
    DataDir { dir: String, source: std::io::Error },
    #[error("cannot read the review logs: {0}")]
    Read(std::io::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("read-only: {0}")]
    ReadOnly(String),
    #[error(transparent)]
    Append(#[from] AppendError),
    #[error("nothing to undo")]
    NothingToUndo,
}

/// An answer this session saved, and what it replaced, for undo.
#[derive(Debug, Clone)]
struct Done {
    event_id: String,
    item: u32,
    before: CardState,
}

pub struct Session {
    data_dir: crate::storage::DataDir,
    /// The logs and sizes the states were loaded from.
    opened_files: Vec<(PathBuf, u64)>,
    own_log: PathBuf,
    pub library: Library,
    pub progress: Progress,
    pub cfg: SchedulerConfig,
    pub notices: Vec<Notice>,
    device: String,
    writer: Option<(DataDirLock, Appender)>,
    /// Why the session cannot write, when it cannot.
    read_only: Option<String>,
    undo_stack: Vec<Done>,
    /// The time of this device's last event: later ones are never stamped earlier, so a
    /// clock that jumps back cannot reorder the log's replay.
    last_time: Option<DateTime<Utc>>,
    counter: u64,
    /// The states were replayed at open and their cache is not written yet.
    states_unsaved: bool,
}

impl Session {
    /// Opens the session. With `write`, takes the lock (a second writer gets `Lock`); a
    /// data dir that cannot be written, or a torn tail that cannot be set aside, opens it
    /// read-only with a `Notice::ReadOnly` saying why.
    pub fn open(settings: &Settings, write: bool) -> Result<Session, OpenError> {
        let dir = &settings.data_dir;
        let reviews = dir.reviews_dir();
        let own_log = reviews.join(format!("{}.jsonl", settings.device));
        let mut notices = Vec::new();
        let mut writer = None;
        let mut read_only = (!write).then(|| "opened read-only".to_owned());
        let cannot_save = "; nothing is saved in this session";
        if write {
            std::fs::create_dir_all(&reviews).map_err(|source| OpenError::DataDir {
                dir: dir.root.display().to_string(),
                source,
            })?;
            match DataDirLock::acquire(&dir.root, &settings.device) {
                Ok(lock) => match Appender::open(&own_log) {
                    Ok(appender) => writer = Some((lock, appender)),
                    Err(e) if is_read_only(&e) => {
                        read_only = Some(format!(
                            "cannot write {}: {e}{cannot_save}",
                            own_log.display()
                        ));
                    }
                    Err(source) => {
                        return Err(OpenError::DataDir {
                            dir: reviews.display().to_string(),
                            source,
                        });
                    }
                },
                Err(LockError::Io { source, path }) if is_read_only(&source) => {
                    read_only = Some(format!("cannot write {path}: {source}{cannot_save}"));
                }
                Err(e) => return Err(e.into()),
            }
        }
        let cfg = settings.scheduler();
        let (mut library, progress, mut loaded) =
            load_library_and_progress_unsaved(dir, &settings.extra_decks, &cfg)
                .map_err(OpenError::Read)?;
        // A cold start's caches are written once the first card is shown
        // (`save_loaded_caches`), or when the session ends; a session that cannot write
        // at the end writes them now.
        if !write {
            save_loaded_caches(&mut library, &progress, &mut loaded, dir, &cfg);
        }
        // A torn tail of our own log is set aside before we append after it; it held no
        // complete event, so what was loaded stands.
        for (log, offset) in std::mem::take(&mut loaded.torn) {
            if writer.is_some() && log == own_log {
                match set_aside_torn_tail(&log, offset, settings.now.timestamp()) {
                    Ok(aside) => notices.push(Notice::TornTailSetAside { log, aside }),
                    // A full disk: an answer appended after the torn line would be glued
                    // to it, so nothing is appended.
                    Err(e) => {
                        writer = None;
                        read_only = Some(format!(
                            "the last line of {} was cut short and cannot be set aside ({e}){cannot_save}",
                            log.display()
                        ));
                    }
                }
            } else {
                notices.push(Notice::TornTailElsewhere { log });
            }
        }
        if !loaded.damage.is_empty() {
            notices.push(Notice::Damaged(std::mem::take(&mut loaded.damage)));
        }
        if let Some(reason) = read_only.as_ref().filter(|_| write) {
            notices.push(Notice::ReadOnly(reason.clone()));
        }
        let last_time = progress
            .states
            .iter()
            .chain(progress.unknown.iter().map(|(_, s)| s))
            .filter_map(|s| s.last_review)
            .max();
        Ok(Session {
            data_dir: dir.clone(),
            opened_files: loaded.files,
            own_log,
            library,
            progress,
            cfg,
            notices,
            device: settings.device.clone(),
            writer,
            read_only,
            undo_stack: Vec::new(),
            last_time,
            counter: 0,
            states_unsaved: loaded.states_unsaved,
        })
    }

    /// Writes the caches a cold open left unwritten (the decks', the replayed states'): the
    /// study screen calls this once the first card is on screen, and the end of the session
    /// does if nothing did.
    pub fn save_opened_caches(&mut self) {
        self.library.save_deck_caches(&self.data_dir);
        if std::mem::take(&mut self.states_unsaved) {
            self.save_cache();
        }
    }

    pub fn read_only_reason(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    /// Today's queue over the chosen decks (all when `None`): their cards, or the items of
    /// one drill.
    pub fn queue(
        &self,
        drill: Option<crate::study::drill::Drill>,
        decks: Option<&[u32]>,
        tag: Option<&str>,
        limits: &super::progress::DailyLimits,
        now: DateTime<Utc>,
    ) -> (Vec<u32>, Queue) {
        todays_queue(
            &self.library,
            &self.progress,
            drill,
            decks,
            tag,
            limits,
            now,
            self.cfg.clock.day_of(now),
        )
    }

    /// What each button would do to `item` now.
    pub fn preview(&self, item: u32, now: DateTime<Utc>) -> [Outcome; 4] {
        let key = &self.library.items[item as usize].key;
        preview(
            &self.progress.states[item as usize],
            crate::scheduler::key_seed(key),
            now,
            &self.cfg,
        )
    }

    fn stamp(&mut self, now: DateTime<Utc>) -> DateTime<Utc> {
        let t = self.last_time.map_or(now, |last| now.max(last));
        self.last_time = Some(t);
        t
    }

    fn next_id(&mut self, at: DateTime<Utc>) -> String {
        self.counter += 1;
        format!(
            "{}-{:x}-{:x}-{}",
            self.device,
            at.timestamp_millis(),
            std::process::id(),
            self.counter
        )
    }

    /// Appends an event, or fails and turns the session read-only.
    fn write(&mut self, action: Action, now: DateTime<Utc>) -> Result<String, SaveError> {
        if let Some(reason) = &self.read_only {
            return Err(SaveError::ReadOnly(reason.clone()));
        }
        let time = self.stamp(now);
        let id = self.next_id(time);
        let event = Event {
            id: id.clone(),
            time,
            device: self.device.clone(),
            action,
        };
        let Some((_, appender)) = &mut self.writer else {
            return Err(SaveError::ReadOnly("opened read-only".into()));
        };
        if let Err(e) = appender.append(&event) {
            self.read_only = Some(format!("{e}; nothing more is saved in this session"));
            return Err(e.into());
        }
        Ok(id)
    }

    /// Grades `item`: on disk first, then in the session's states.
    pub fn answer(
        &mut self,
        item: u32,
        rating: Rating,
        ms: u64,
        now: DateTime<Utc>,
    ) -> Result<(), SaveError> {
        let key = self.library.items[item as usize].key.to_string();
        let id = self.write(
            Action::Review {
                card: key,
                rating: rating.number(),
                ms,
            },
            now,
        )?;
        let time = self.last_time.unwrap_or(now);
        let before = self.apply(item, Op::Grade(rating), time);
        self.undo_stack.push(Done {
            event_id: id,
            item,
            before,
        });
        Ok(())
    }

    fn apply(&mut self, item: u32, op: Op, time: DateTime<Utc>) -> CardState {
        let key = &self.library.items[item as usize].key;
        let seed = crate::scheduler::key_seed(key);
        let day = self.cfg.clock.day_of(time);
        let state = &mut self.progress.states[item as usize];
        let before = state.clone();
        apply_op(state, seed, op, time, day, &self.cfg);
        before
    }

    /// Undoes this session's last answer (repeatable, most recent first): an `undo` event
    /// is appended and the card goes back to its state before. Returns the card.
    pub fn undo(&mut self, now: DateTime<Utc>) -> Result<u32, SaveError> {
        let Some(done) = self.undo_stack.last().cloned() else {
            return Err(SaveError::NothingToUndo);
        };
        self.write(
            Action::Undo {
                target: done.event_id.clone(),
            },
            now,
        )?;
        self.undo_stack.pop();
        self.progress.states[done.item as usize] = done.before;
        Ok(done.item)
    }

    /// Takes in reloaded decks: every card keeps its progress by key (a card changed, moved
    /// or put back keeps it; a new one starts new), and the undo history follows its cards.
    /// Nothing is read from or written to the logs.
    pub fn reload(&mut self, decks: DeckSet) {
        let mut by_key: foldhash::HashMap<String, CardState> = self
            .library
            .items
            .iter()
            .map(|i| i.key.to_string())
            .zip(std::mem::take(&mut self.progress.states))
            .chain(std::mem::take(&mut self.progress.unknown))
            .collect();
        let old_keys = self.library.owned_keys();
        let library = Library::new(decks);
        let states: Vec<CardState> = library
            .items
            .iter()
            .map(|i| by_key.remove(i.key.as_str()).unwrap_or_default())
            .collect();
        let mut unknown: Vec<(String, CardState)> = by_key.into_iter().collect();
        unknown.sort_by(|a, b| a.0.cmp(&b.0));
        self.progress.unknown_cards = unknown.len();
        self.progress.unknown = unknown;
        self.progress.states = states;
        let new_index: foldhash::HashMap<&str, u32> = library
            .items
            .iter()
            .enumerate()
            .map(|(n, i)| (i.key.as_str(), u32::try_from(n).unwrap_or(u32::MAX)))
            .collect();
        self.undo_stack.retain_mut(|d| {
            match old_keys
                .get(d.item as usize)
                .and_then(|k| new_index.get(k.as_str()))
            {
                Some(&n) => {
                    d.item = n;
                    true
                }
                None => false,
            }
        });
        self.library = library;
    }

    /// The item with this key, if the loaded decks have it.
    pub fn item_of(&self, key: &str) -> Option<u32> {
        self.library
            .items
            .iter()
            .position(|i| i.key == key)
            .and_then(|n| u32::try_from(n).ok())
    }

    /// `item`'s answers, oldest first: time, rating, time taken in ms. Read from the logs.
    pub fn answers_of(&self, item: u32) -> std::io::Result<Vec<(DateTime<Utc>, Rating, u32)>> {
        let key = &self.library.items[item as usize].key;
        let loaded = crate::storage::reader::load(&self.data_dir.reviews_dir(), [key.as_str()])?;
        Ok(loaded
            .answers()
            .filter(|a| a.card == 0)
            .filter_map(|a| match a.op {
                Op::Grade(r) => Some((a.time, r, a.ms)),
                _ => None,
            })
            .collect())
    }

    /// The statistics report over every deck, read from the logs.
    pub fn report(
        &self,
        now: DateTime<Utc>,
        rules: crate::stats::StreakRules,
    ) -> std::io::Result<super::report::Report> {
        let loaded = crate::storage::reader::load(
            &self.data_dir.reviews_dir(),
            self.library.items.iter().map(|i| i.key.as_str()),
        )?;
        Ok(super::report::report(
            &self.library,
            &loaded,
            &self.cfg,
            now,
            rules,
            None,
        ))
    }

    /// A job that works out the streak through yesterday and the longest one from the logs,
    /// for running beside the app: it holds copies of what it needs, not the session.
    pub fn streak_job(
        &self,
        now: DateTime<Utc>,
        rules: crate::stats::StreakRules,
    ) -> impl FnOnce() -> Option<(u32, u32)> + Send + 'static {
        let reviews = self.data_dir.reviews_dir();
        let cfg = self.cfg.clone();
        let keys = self.library.owned_keys();
        move || {
            let loaded = crate::storage::reader::load(&reviews, &keys).ok()?;
            let r = super::report::replay_answers(
                &loaded,
                keys.len(),
                &[],
                None,
                &cfg,
                rules.review_limit,
                now,
            );
            let mut days = r.days;
            // Today is counted live, from the session's answers.
            days.remove(&r.today);
            let s = crate::stats::streak(&days, r.today, rules, &r.marks);
            Some((s.current, s.longest))
        }
    }

    /// Writes the cache for the states as they are now, when this session's appends are the
    /// only change to the logs since it opened (otherwise the next start replays).
    fn save_cache(&self) {
        let Ok(files) = crate::storage::history::log_files(&self.data_dir.reviews_dir()) else {
            return;
        };
        let mut now = Vec::with_capacity(files.len());
        for path in files {
            let Ok(size) = path.metadata().map(|m| m.len()) else {
                return;
            };
            if path != self.own_log && !self.opened_files.contains(&(path.clone(), size)) {
                return;
            }
            now.push((path, size));
        }
        save_cache(
            &self.library,
            &self.progress,
            &self.data_dir,
            &self.cfg,
            &now,
        );
    }

    /// Skips `item` until the next study day.
    pub fn bury(&mut self, item: u32, now: DateTime<Utc>) -> Result<(), SaveError> {
        let key = self.library.items[item as usize].key.to_string();
        self.write(Action::Bury { card: key }, now)?;
        let time = self.last_time.unwrap_or(now);
        self.apply(item, Op::Bury, time);
        Ok(())
    }

    pub fn set_suspended(
        &mut self,
        item: u32,
        suspended: bool,
        now: DateTime<Utc>,
    ) -> Result<(), SaveError> {
        let card = self.library.items[item as usize].key.to_string();
        let (action, op) = if suspended {
            (Action::Suspend { card }, Op::Suspend)
        } else {
            (Action::Unsuspend { card }, Op::Unsuspend)
        };
        self.write(action, now)?;
        let time = self.last_time.unwrap_or(now);
        self.apply(item, op, time);
        Ok(())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.library.save_deck_caches(&self.data_dir);
        if self.writer.is_some()
            && self.read_only.is_none()
            && !self
                .notices
                .iter()
                .any(|n| matches!(n, Notice::Damaged(_) | Notice::TornTailElsewhere { .. }))
        {
            self.save_cache();
        }
    }
}
