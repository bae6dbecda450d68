//! `cache/states.bin`: the replayed card states, so a start with unchanged logs skips the
//! replay. Derived data only: deleting `cache/` loses nothing.
//!
//! The cache is keyed so that it can never be stale: the code's cache format version, a hash
//! of every scheduler setting, and for every log its name, size and a hash of its last 4 KiB.
//! Logs only grow by appends, so an unchanged size and tail mean unchanged contents; any
//! mismatch means a full replay, whose result then becomes the new cache.

use std::fs::File;
use std::hash::{BuildHasher as _, Hasher as _};
use std::io::{self, Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::atomic;
use super::binary::{Reader, Writer};
use crate::scheduler::{CardState, Due, Memory, Phase, SchedulerConfig, StudyDay, Zone};

/// Bump when the encoding or the meaning of a state changes.
const FORMAT: u32 = 3;
const MAGIC: &[u8; 8] = b"MDTMSTAT";

/// What the cache is valid for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey(pub u64);

fn hasher() -> foldhash::quality::FixedState {
    foldhash::quality::FixedState::with_seed(0x6d65_6474_6572_6d31)
}

/// The part of the key that says which logs, exactly, the states are a replay of.
pub fn log_stamp(path: &Path, size: u64) -> io::Result<u64> {
    let mut h = hasher().build_hasher();
    h.write(
        path.file_name()
            .map(std::ffi::OsStr::as_encoded_bytes)
            .unwrap_or_default(),
    );
    h.write_u64(size);
    let mut f = File::open(path)?;
    let from = size.saturating_sub(4096);
    f.seek(SeekFrom::Start(from))?;
    let mut tail = Vec::with_capacity(4096);
    f.take(size - from).read_to_end(&mut tail)?;
    if u64::try_from(tail.len()).ok() != Some(size - from) {
        return Err(io::Error::other("log shrank while being stamped"));
    }
    h.write(&tail);
    Ok(h.finish())
}

/// The key for states replayed from `logs` (path and size each) under `cfg`.
pub fn key(logs: &[(PathBuf, u64)], cfg: &SchedulerConfig) -> io::Result<CacheKey> {
    let mut h = hasher().build_hasher();
    h.write_u32(FORMAT);
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    for w in cfg.params().weights() {
        h.write_u64(w.to_bits());
    }
    h.write_u64(cfg.desired_retention().to_bits());
    for s in cfg
        .learning_steps
        .iter()
        .chain([&u32::MAX])
        .chain(&cfg.relearning_steps)
    {
        h.write_u32(*s);
    }
    h.write_u32(cfg.maximum_interval);
    h.write_u8(u8::from(cfg.fuzz));
    h.write_u32(cfg.leech_threshold);
    h.write_u32(cfg.clock.rollover_hour);
    match cfg.clock.zone {
        Zone::Named(tz) => h.write(tz.name().as_bytes()),
        Zone::Local => h.write(b"local"),
    }
    let mut sorted: Vec<&(PathBuf, u64)> = logs.iter().collect();
    sorted.sort();
    for (path, size) in sorted {
        h.write_u64(log_stamp(path, *size)?);
    }
    Ok(CacheKey(h.finish()))
}

impl Writer {
    fn time(&mut self, t: Option<DateTime<Utc>>) {
        match t {
            Some(t) => {
                self.u8(1);
                self.i64(t.timestamp());
                self.u32(t.timestamp_subsec_nanos());
            }
            None => self.u8(0),
        }
    }
    fn day(&mut self, d: Option<StudyDay>) {
        self.i32(d.map_or(i32::MIN, StudyDay::number));
    }
}

/// Bytes that do not decode: the cache is ignored and rebuilt.
#[derive(Debug)]
struct Unusable;

impl Reader<'_> {
    /// `Err` when the bytes are not a time: the cache is unusable.
    fn time(&mut self) -> Result<Option<DateTime<Utc>>, Unusable> {
        match self.u8().ok_or(Unusable)? {
            0 => Ok(None),
            1 => {
                let (s, n) = (self.i64().ok_or(Unusable)?, self.u32().ok_or(Unusable)?);
                DateTime::from_timestamp(s, n).map(Some).ok_or(Unusable)
            }
            _ => Err(Unusable),
        }
    }
    fn day(&mut self) -> Result<Option<StudyDay>, Unusable> {
        let d = self.i32().ok_or(Unusable)?;
        Ok((d != i32::MIN).then(|| StudyDay::from_number(d)))
    }
}

fn encode_state(w: &mut Writer, s: &CardState) {
    w.u8(match s.phase {
        Phase::New => 0,
        Phase::Learning => 1,
        Phase::Review => 2,
        Phase::Relearning => 3,
    });
    w.u16(s.step.unwrap_or(u16::MAX));
    match s.memory {
        Some(m) => {
            w.u8(1);
            w.u64(m.stability.to_bits());
            w.u64(m.difficulty.to_bits());
        }
        None => w.u8(0),
    }
    match s.due {
        Due::Unseen => w.u8(0),
        Due::At(t) => {
            w.u8(1);
            w.time(Some(t));
        }
        Due::Day(d) => {
            w.u8(2);
            w.day(Some(d));
        }
    }
    w.u32(s.interval_days.unwrap_or(u32::MAX));
    w.time(s.last_review);
    w.day(s.last_day);
    w.u32(s.reps);
    w.u32(s.lapses);
    w.u8(u8::from(s.suspended) | (u8::from(s.leech) << 1));
    w.day(s.buried_on);
    w.day(s.first_day);
    w.u16(s.reviews_on_last_day);
}

fn decode_state(r: &mut Reader<'_>) -> Option<CardState> {
    let phase = match r.u8()? {
        0 => Phase::New,
        1 => Phase::Learning,
        2 => Phase::Review,
        3 => Phase::Relearning,
        _ => return None,
    };
    let step = Some(r.u16()?).filter(|&s| s != u16::MAX);
    let memory = match r.u8()? {
        0 => None,
        1 => Some(Memory {
            stability: f64::from_bits(r.u64()?),
            difficulty: f64::from_bits(r.u64()?),
        }),
        _ => return None,
    };
    let due = match r.u8()? {
        0 => Due::Unseen,
        1 => Due::At(r.time().ok()??),
        2 => Due::Day(r.day().ok()??),
        _ => return None,
    };
    let interval_days = Some(r.u32()?).filter(|&d| d != u32::MAX);
    let last_review = r.time().ok()?;
    let last_day = r.day().ok()?;
    let reps = r.u32()?;
    let lapses = r.u32()?;
    let flags = r.u8()?;
    Some(CardState {
        phase,
        step,
        memory,
        due,
        interval_days,
        last_review,
        last_day,
        reps,
        lapses,
        suspended: flags & 1 != 0,
        leech: flags & 2 != 0,
        buried_on: r.day().ok()?,
        first_day: r.day().ok()?,
        reviews_on_last_day: r.u16()?,
    })
}

/// Cached states and their card keys, in the order they were saved. The keys are one text
/// (no string a card): a start matches them against the library's in place.
#[derive(Debug)]
pub struct CachedStates {
    /// Every key, one after the other (checked UTF-8).
    key_text: Vec<u8>,
    /// Where each key ends in `key_text`.
    key_ends: Vec<u32>,
    pub states: Vec<CardState>,
}

impl CachedStates {
    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// The card key of state `i`.
    pub fn key(&self, i: usize) -> &str {
        std::str::from_utf8(self.key_bytes(i)).unwrap_or("")
    }

    /// The card key of state `i` as bytes (UTF-8, checked when the cache was read): for
    /// matching keys without checking them again.
    pub fn key_bytes(&self, i: usize) -> &[u8] {
        let start = match i.checked_sub(1) {
            Some(before) => self.key_ends.get(before).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.key_ends.get(i).copied().unwrap_or(start);
        self.key_text
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// Keys and states.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &CardState)> {
        (0..self.len()).map(|i| (self.key(i), &self.states[i]))
    }
}

/// Writes the states (sealed: after a crash the cache is whole or a miss).
pub fn save(path: &Path, key: &CacheKey, states: &[(&str, &CardState)]) -> io::Result<()> {
    let mut w = Writer(Vec::with_capacity(16 + states.len() * 96));
    w.0.extend_from_slice(MAGIC);
    w.u32(FORMAT);
    w.u64(key.0);
    w.u64(states.len() as u64);
    for (card, state) in states {
        w.u32(u32::try_from(card.len()).unwrap_or(u32::MAX));
        w.0.extend_from_slice(card.as_bytes());
        encode_state(&mut w, state);
    }
    atomic::write_cache(path, &w.seal())
}

/// A state takes at most this many bytes in the file.
const MAX_STATE: usize = 80;

/// The cached states, if the cache exists and is for exactly `key`.
///
/// The file is read a piece at a time into one small buffer and checked as it goes (the
/// states of a whole library are 4 MB: a buffer of the whole file was a thousand fresh
/// pages a start, about 3 ms); anything but a whole file of this key reads as a miss.
pub fn load(path: &Path, key: &CacheKey) -> Option<CachedStates> {
    let mut file = super::binary::Pieces::open(path)?;
    let mut r = file.at_least(8 + 4 + 8 + 8)?;
    if r.take::<8>()? != *MAGIC || r.u32()? != FORMAT || r.u64()? != key.0 {
        return None;
    }
    let n = usize::try_from(r.u64()?).ok()?;
    file.consume(8 + 4 + 8 + 8);
    // Never trust a count for an allocation: each state takes at least 8 bytes.
    let room = n.min(file.body_len() / 8);
    let mut out = CachedStates {
        key_text: Vec::with_capacity(room * 16),
        key_ends: Vec::with_capacity(room),
        states: Vec::with_capacity(room),
    };
    for _ in 0..n {
        let len = usize::try_from(file.at_least(4)?.u32()?).ok()?;
        let mut r = file.at_least(4 + len + MAX_STATE)?;
        let whole = r.0.len();
        r.u32()?;
        let key = r.bytes(len)?;
        // Keys are nearly always ASCII, which is checked a word at a time.
        if !key.is_ascii() {
            std::str::from_utf8(key).ok()?;
        }
        out.key_text.extend_from_slice(key);
        out.key_ends.push(u32::try_from(out.key_text.len()).ok()?);
        out.states.push(decode_state(&mut r)?);
        let used = whole - r.0.len();
        file.consume(used);
    }
    file.finish().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::DayClock;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Whatever follows a right header under a right checksum reads as states or a
        /// miss, never a panic.
        #[test]
        fn any_sealed_body_reads_as_states_or_a_miss(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
            n in 0_u64..6,
        ) {
            let mut w = Writer(Vec::new());
            w.0.extend_from_slice(MAGIC);
            w.u32(FORMAT);
            w.u64(7);
            w.u64(n);
            w.0.extend_from_slice(&body);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("states.bin");
            std::fs::write(&path, w.seal()).unwrap();
            if let Some(states) = load(&path, &CacheKey(7)) {
                proptest::prop_assert_eq!(states.len() as u64, n);
                for (key, _) in states.iter() {
                    proptest::prop_assert!(std::str::from_utf8(key.as_bytes()).is_ok());
                }
            }
        }
    }

    #[test]
    fn a_cache_of_many_pieces_reads_back_whole_and_any_cut_or_change_is_a_miss() {
        // Enough states for several of the reader's pieces, records across their bounds,
        // keys of every length and some not ASCII.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("states.bin");
        let k = CacheKey(7);
        let keys: Vec<String> = (0..6000)
            .map(|i| format!("d{}:{}{}", i % 7, "µ".repeat(i % 3), "x".repeat(i % 40)))
            .collect();
        let states: Vec<CardState> = (0..6000_u32)
            .map(|i| CardState {
                reps: i,
                lapses: i % 5,
                step: (i % 2 == 0).then_some(1),
                memory: (i % 3 == 0).then_some(Memory {
                    stability: f64::from(i) / 7.0,
                    difficulty: 5.5,
                }),
                due: if i % 4 == 0 {
                    Due::At("2026-12-04T10:00:00Z".parse().unwrap())
                } else {
                    Due::Unseen
                },
                ..CardState::default()
            })
            .collect();
        let pairs: Vec<(&str, &CardState)> =
            keys.iter().map(String::as_str).zip(states.iter()).collect();
        save(&path, &k, &pairs).unwrap();
        let back = load(&path, &k).unwrap();
        assert_eq!(back.iter().collect::<Vec<_>>(), pairs);
        assert_eq!(back.key_bytes(5999), keys[5999].as_bytes());

        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() > 3 * crate::storage::binary::SEAL_PIECE);
        let piece = crate::storage::binary::SEAL_PIECE;
        for cut in [
            0,
            20,
            piece - 1,
            piece,
            piece + 1,
            2 * piece + 3,
            bytes.len() - 9,
            bytes.len() - 1,
        ] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert!(load(&path, &k).is_none(), "cut at {cut}");
        }
        for at in [30, piece + 5, bytes.len() - 20, bytes.len() - 3] {
            let mut changed = bytes.clone();
            changed[at] ^= 0x20;
            std::fs::write(&path, &changed).unwrap();
            assert!(load(&path, &k).is_none(), "byte {at} changed");
        }
    }

    #[test]
    fn states_round_trip_and_any_change_of_a_log_or_a_setting_changes_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("a.jsonl");
        std::fs::write(&log, b"{}\n").unwrap();
        let cfg = SchedulerConfig::new(DayClock::new(Zone::Named(chrono_tz::UTC), 4));
        let k = key(&[(log.clone(), 3)], &cfg).unwrap();
        let state = CardState {
            phase: Phase::Relearning,
            step: Some(0),
            memory: Some(Memory {
                stability: 1.5,
                difficulty: 7.25,
            }),
            due: Due::At("2026-12-04T10:00:00.123456789Z".parse().unwrap()),
            last_day: Some("2026-12-04".parse().unwrap()),
            reps: 9,
            lapses: 2,
            leech: true,
            reviews_on_last_day: 3,
            ..CardState::default()
        };
        let path = dir.path().join("cache/states.bin");
        save(
            &path,
            &k,
            &[("d:a", &state), ("d:b", &CardState::default())],
        )
        .unwrap();
        let back = load(&path, &k).unwrap();
        assert_eq!(
            back.iter().collect::<Vec<_>>(),
            vec![("d:a", &state), ("d:b", &CardState::default())]
        );

        std::fs::write(&log, b"{}\n{}\n").unwrap();
        assert_ne!(key(&[(log.clone(), 6)], &cfg).unwrap(), k);
        std::fs::write(&log, b"{]\n").unwrap();
        assert_ne!(
            key(&[(log.clone(), 3)], &cfg).unwrap(),
            k,
            "same size, other tail"
        );
        std::fs::write(&log, b"{}\n").unwrap();
        let mut other = cfg.clone();
        other.set_desired_retention(0.85);
        assert_ne!(key(&[(log.clone(), 3)], &other).unwrap(), k);
        assert_eq!(key(&[(log, 3)], &cfg).unwrap(), k);
        assert!(load(&path, &CacheKey(k.0 ^ 1)).is_none());
        std::fs::write(&path, b"MDTMSTAT garbage").unwrap();
        assert!(load(&path, &k).is_none());
    }
}
