//! Folding a history of answers into card states: the same events always give the same
//! states, fuzz included.
//!
//! Cards are numbered as they are first seen, so the per-answer work touches a vector, not a
//! map of strings; and a whole history is replayed card by card (each card's answers in
//! their order), which reads each card's state once instead of jumping between 50 000 of
//! them for every answer. Study days are computed in time order with a cache of the current
//! day's bounds, since most answers fall on the same day as the one before.

use chrono::{DateTime, Utc};
use foldhash::HashMap;
use foldhash::fast::RandomState;

use super::day::{DayCache, StudyDay};
use super::fsrs::Rating;
use super::state::{CardState, SchedulerConfig, key_seed, review_on};

/// One event for a card, the card given by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub card: u32,
    pub time: DateTime<Utc>,
    pub op: Op,
    /// The time the answer took, in milliseconds (0 for events that are not answers).
    pub ms: u32,
}

/// Runs of answers, each in time order, merged by time; ties go to the earlier run. Runs
/// that are stretches of the logs in file order give time order, ties by device and line.
/// Consecutive runs that follow on in time (two stretches of one log) are walked as one, so
/// two logs read in three stretches still merge two ways.
#[derive(Debug, Clone)]
pub struct Merged<'a> {
    /// Each merged run: its current slice and the slices that follow it, in order.
    runs: Vec<(&'a [Answer], std::vec::IntoIter<&'a [Answer]>)>,
}

impl<'a> Merged<'a> {
    pub fn new(runs: &[&'a [Answer]]) -> Merged<'a> {
        let mut chains: Vec<Vec<&'a [Answer]>> = Vec::new();
        for &run in runs.iter().filter(|r| !r.is_empty()) {
            let follows = chains
                .last()
                .and_then(|c| c.last())
                .and_then(|prev| prev.last())
                .is_some_and(|last| last.time <= run[0].time);
            match chains.last_mut() {
                Some(chain) if follows => chain.push(run),
                _ => chains.push(vec![run]),
            }
        }
        Merged {
            runs: chains
                .into_iter()
                .map(|chain| {
                    let mut rest = chain.into_iter();
                    (rest.next().unwrap_or_default(), rest)
                })
                .collect(),
        }
    }
}

impl<'a> Iterator for Merged<'a> {
    type Item = &'a Answer;

    fn next(&mut self) -> Option<&'a Answer> {
        // Two runs (two logs) is the common case: one comparison.
        let k = match self.runs.as_slice() {
            [] => return None,
            [_] => 0,
            [(a, _), (b, _)] => usize::from(b[0].time < a[0].time),
            runs => {
                let mut k = 0;
                for (i, (r, _)) in runs.iter().enumerate().skip(1) {
                    if r[0].time < runs[k].0[0].time {
                        k = i;
                    }
                }
                k
            }
        };
        let (current, rest) = &mut self.runs[k];
        let (first, after) = current.split_first()?;
        *current = after;
        if current.is_empty() {
            match rest.next() {
                Some(next) => *current = next,
                None => {
                    self.runs.remove(k);
                }
            }
        }
        Some(first)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self
            .runs
            .iter()
            .map(|(r, rest)| r.len() + rest.as_slice().iter().map(|s| s.len()).sum::<usize>())
            .sum();
        (n, Some(n))
    }
}

impl ExactSizeIterator for Merged<'_> {}

/// What happened to the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Grade(Rating),
    Suspend,
    Unsuspend,
    /// Skipped until the next study day.
    Bury,
}

/// Applies one event to a card on the study day `day`.
pub fn apply_op(
    state: &mut CardState,
    seed: u64,
    op: Op,
    time: DateTime<Utc>,
    day: StudyDay,
    cfg: &SchedulerConfig,
) {
    match op {
        Op::Grade(rating) => *state = review_on(state, seed, rating, time, day, cfg).state,
        Op::Suspend => state.suspended = true,
        Op::Unsuspend => {
            state.suspended = false;
            state.leech = false;
        }
        Op::Bury => state.buried_on = Some(day),
    }
}

/// Card keys and their numbers.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    /// Keys up to [`SHORT`] bytes (nearly all) are stored in the table itself, with their
    /// number, two to a cache line: a lookup reads one line where a map of keys read its
    /// control bytes and then its entry, two cache misses a log line in a million.
    short: ShortTable,
    long: HashMap<String, u32>,
    /// Every key by number, one after the other in one text (a string a key was 50 000
    /// allocations a cold start), and where each ends.
    key_text: String,
    key_ends: Vec<u32>,
    seeds: Vec<u64>,
}

/// The longest key the short table holds.
const SHORT: usize = 27;

/// A slot of [`ShortTable`]: a key's bytes (zeros after them), its length (`EMPTY` for no
/// key) and its number; 32 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, align(32))]
struct Slot {
    bytes: [u8; SHORT],
    len: u8,
    id: u32,
}

const EMPTY: u8 = u8::MAX;

const FREE: Slot = Slot {
    bytes: [0; SHORT],
    len: EMPTY,
    id: 0,
};

/// Short keys by open addressing with linear probing, at most half full.
#[derive(Debug, Clone, Default)]
struct ShortTable {
    slots: Vec<Slot>,
    used: usize,
}

fn short_hash(key: &[u8]) -> u64 {
    use std::hash::{BuildHasher as _, Hasher as _};
    let mut h = foldhash::fast::FixedState::with_seed(0x6b65_7973).build_hasher();
    h.write(key);
    h.finish()
}

impl ShortTable {
    fn with_capacity(n: usize) -> ShortTable {
        ShortTable {
            slots: vec![FREE; (2 * n).max(8).next_power_of_two()],
            used: 0,
        }
    }

    /// The slot that holds `key` or the free one where it would go.
    fn find(&self, key: &[u8]) -> usize {
        let mask = self.slots.len() - 1;
        // The high bits: foldhash's low bits are the weaker ones for short inputs.
        let mut i = usize::try_from(short_hash(key) >> 32).unwrap_or(0) & mask;
        loop {
            let slot = &self.slots[i];
            if slot.len == EMPTY
                || (usize::from(slot.len) == key.len() && slot.bytes.get(..key.len()) == Some(key))
            {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    fn get(&self, key: &[u8]) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let slot = &self.slots[self.find(key)];
        (slot.len != EMPTY).then_some(slot.id)
    }

    /// The number of `key`, given `next` if it is new. `key` is at most [`SHORT`] bytes.
    fn entry(&mut self, key: &[u8], next: u32) -> u32 {
        if 2 * (self.used + 1) > self.slots.len() {
            let old = std::mem::take(&mut self.slots);
            *self = ShortTable::with_capacity(self.used + 1);
            for slot in old.into_iter().filter(|s| s.len != EMPTY) {
                let i = self.find(&slot.bytes[..usize::from(slot.len)]);
                self.slots[i] = slot;
                self.used += 1;
            }
        }
        let i = self.find(key);
        let slot = &mut self.slots[i];
        if slot.len == EMPTY {
            slot.bytes[..key.len()].copy_from_slice(key);
            slot.len = u8::try_from(key.len()).unwrap_or(EMPTY);
            slot.id = next;
            self.used += 1;
        }
        slot.id
    }
}

impl Interner {
    pub fn with_capacity(n: usize) -> Self {
        Interner {
            short: ShortTable::with_capacity(n),
            long: HashMap::with_hasher(RandomState::default()),
            key_text: String::with_capacity(n * 16),
            key_ends: Vec::with_capacity(n),
            seeds: Vec::with_capacity(n),
        }
    }

    pub fn intern(&mut self, key: &str) -> u32 {
        let next = u32::try_from(self.key_ends.len()).expect("fewer than 4 billion cards");
        let id = if key.len() <= SHORT {
            self.short.entry(key.as_bytes(), next)
        } else {
            match self.long.get(key) {
                Some(&id) => id,
                None => {
                    self.long.insert(key.to_owned(), next);
                    next
                }
            }
        };
        if id == next {
            self.key_text.push_str(key);
            self.key_ends
                .push(u32::try_from(self.key_text.len()).expect("card keys under 4 GiB in all"));
            self.seeds.push(key_seed(key));
        }
        id
    }

    pub fn get(&self, key: &str) -> Option<u32> {
        self.get_bytes(key.as_bytes())
    }

    /// [`Interner::get`] of a key's bytes; bytes that are not UTF-8 are no key.
    pub fn get_bytes(&self, key: &[u8]) -> Option<u32> {
        if key.len() <= SHORT {
            // Only keys made from text are in the table, so bytes that are not UTF-8 match
            // none.
            self.short.get(key)
        } else {
            self.long.get(std::str::from_utf8(key).ok()?).copied()
        }
    }

    pub fn key(&self, id: u32) -> &str {
        let i = id as usize;
        let start = i.checked_sub(1).map_or(0, |b| self.key_ends[b] as usize);
        // Keys are pushed whole, so their ends are character boundaries.
        self.key_text
            .get(start..self.key_ends[i] as usize)
            .unwrap_or_default()
    }

    pub fn seed(&self, id: u32) -> u64 {
        self.seeds[id as usize]
    }

    pub fn len(&self) -> usize {
        self.key_ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.key_ends.is_empty()
    }
}

/// How many threads a replay of `runs` is worth: one for a small history, else one a core
/// (two here, up to four).
pub fn replay_threads(runs: &[&[Answer]]) -> usize {
    let total: usize = runs.iter().map(|r| r.len()).sum();
    if total < 10_000 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    }
}

/// Splits cards `0..cards` into `threads` ranges with about as many answers each: the end of
/// each range, the last one `cards`.
pub fn card_ranges(runs: &[&[Answer]], cards: usize, threads: usize) -> Vec<usize> {
    let total: usize = runs.iter().map(|r| r.len()).sum();
    let mut ends = Vec::with_capacity(threads.max(1));
    if threads > 1 {
        let mut counts = vec![0_u32; cards];
        for a in runs.iter().copied().flatten() {
            if let Some(n) = counts.get_mut(a.card as usize) {
                *n += 1;
            }
        }
        // Range ends: the first card at which each thread's share of the answers is reached.
        let mut seen = 0_usize;
        let mut t = 1;
        for (card, &n) in counts.iter().enumerate() {
            while t < threads && seen >= total * t / threads {
                ends.push(card);
                t += 1;
            }
            seen += n as usize;
        }
    }
    ends.push(cards);
    ends
}

/// Runs `work(first, states)` on each range of cards ending at `ends` (see [`card_ranges`]),
/// each on its own thread when there are several, with that range's states; returns what
/// each gave, in range order.
pub fn on_card_ranges<T: Send>(
    states: &mut [CardState],
    ends: &[usize],
    work: impl Fn(usize, &mut [CardState]) -> T + Sync,
) -> Vec<T> {
    if ends.len() <= 1 {
        return vec![work(0, states)];
    }
    std::thread::scope(|scope| {
        let mut rest: &mut [CardState] = states;
        let mut first = 0;
        let mut handles = Vec::with_capacity(ends.len());
        for &end in ends {
            let (mine, after) = rest.split_at_mut(end.saturating_sub(first).min(rest.len()));
            rest = after;
            let work = &work;
            let from = first;
            handles.push(scope.spawn(move || work(from, mine)));
            first = end;
        }
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Replays the answers of `runs` (each in time order, merged as [`Merged`] does) for cards
/// numbered below `seeds.len()`, whose fuzz seeds are `seeds`; returns each card's final
/// state.
///
/// Cards are independent: they are split into ranges with about as many answers each, one
/// per thread (two here, up to four), and each thread walks all the answers in time order
/// and applies its own cards'. Walking in time order keeps the study-day cache warm and
/// needs no copy of the answers by card (20 MB of fresh pages for a million).
pub fn replay_all(runs: &[&[Answer]], seeds: &[u64], cfg: &SchedulerConfig) -> Vec<CardState> {
    let cards = seeds.len();
    let ends = card_ranges(runs, cards, replay_threads(runs));
    let mut states = vec![CardState::default(); cards];
    let replay_range = |first: usize, states: &mut [CardState]| {
        let end = first + states.len();
        let mut days = DayCache::new(&cfg.clock);
        for a in Merged::new(runs) {
            let card = a.card as usize;
            if card < first || card >= end {
                continue;
            }
            let day = days.day_of(a.time);
            apply_op(
                &mut states[card - first],
                seeds[card],
                a.op,
                a.time,
                day,
                cfg,
            );
        }
    };
    on_card_ranges(&mut states, &ends, replay_range);
    states
}

/// Replays answers one at a time, for output after each one.
#[derive(Debug, Clone)]
pub struct Replayer<'c> {
    cfg: &'c SchedulerConfig,
    cards: Interner,
    states: Vec<CardState>,
}

impl<'c> Replayer<'c> {
    pub fn new(cfg: &'c SchedulerConfig) -> Self {
        Replayer {
            cfg,
            cards: Interner::default(),
            states: Vec::new(),
        }
    }

    /// Applies one answer and returns the card's state after it.
    pub fn apply(&mut self, key: &str, rating: Rating, time: DateTime<Utc>) -> &CardState {
        let card = self.cards.intern(key);
        let id = card as usize;
        if id == self.states.len() {
            self.states.push(CardState::default());
        }
        let state = &mut self.states[id];
        let today = self.cfg.clock.day_of(time);
        *state = review_on(state, self.cards.seed(card), rating, time, today, self.cfg).state;
        state
    }

    pub fn state(&self, key: &str) -> Option<&CardState> {
        self.cards.get(key).map(|id| &self.states[id as usize])
    }

    /// Every card's key and final state.
    pub fn into_states(self) -> Vec<(String, CardState)> {
        let cards = &self.cards;
        (0..cards.len())
            .map(|i| cards.key(u32::try_from(i).unwrap_or(u32::MAX)).to_owned())
            .zip(self.states)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::day::{DayClock, Zone};
    use chrono::TimeDelta;

    #[test]
    fn keys_of_every_length_get_their_numbers_back_as_the_table_grows() {
        // Short keys live in the table, longer ones in the map; the table grows from empty
        // past several doublings, and every key keeps the number it was given.
        let keys: Vec<String> = (0..5000)
            .map(|i| match i % 5 {
                0 => format!("d:{i}"),
                1 => format!("deck:{}", "x".repeat(i % 23)),
                2 => format!("µ:{i}:{}", "é".repeat(i % 13)),
                3 => "k".repeat(SHORT - (i % 3)),
                _ => format!("{}:{i}", "long".repeat(8)),
            })
            .collect();
        let mut interner = Interner::default();
        let mut first: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
        for k in &keys {
            let id = interner.intern(k);
            assert_eq!(*first.entry(k.as_str()).or_insert(id), id, "{k}");
        }
        assert_eq!(interner.len(), first.len());
        for (k, &id) in &first {
            assert_eq!(interner.get(k), Some(id));
            assert_eq!(interner.get_bytes(k.as_bytes()), Some(id));
            assert_eq!(interner.key(id), *k);
        }
        for absent in ["", "d:5000", "k", &"k".repeat(SHORT + 1), "\u{ff}"] {
            assert_eq!(interner.get(absent), None, "{absent}");
        }
        assert_eq!(interner.get_bytes(&[0xff, 0xfe]), None);
        // The empty key is a key like any other.
        let empty = interner.intern("");
        assert_eq!(interner.get(""), Some(empty));
    }

    #[test]
    fn replaying_card_by_card_gives_the_same_states_as_one_answer_at_a_time() {
        let clock = DayClock::new(Zone::Named(chrono_tz::America::New_York), 4);
        let cfg = SchedulerConfig::new(clock);
        let mut interner = Interner::default();
        let mut answers = Vec::new();
        let mut one_by_one = Replayer::new(&cfg);
        let mut t: DateTime<Utc> = "2026-03-01T12:00:00Z".parse().unwrap();
        for i in 0..600_u32 {
            let key = format!("d:c{}", i % 7);
            let rating = Rating::ALL[(i as usize * 7 + i as usize / 5) % 4];
            t += TimeDelta::minutes(i64::from(37 + (i * 131) % 2000));
            answers.push(Answer {
                card: interner.intern(&key),
                time: t,
                op: Op::Grade(rating),
                ms: 0,
            });
            one_by_one.apply(&key, rating, t);
        }
        let states = replay_all(&[&answers], &interner.seeds, &cfg);
        for (key, state) in one_by_one.into_states() {
            assert_eq!(
                &states[interner.get(&key).unwrap() as usize],
                &state,
                "{key}"
            );
        }
    }

    /// Enough answers for the threaded replay, most of them on a few cards, so the ranges
    /// split by answers (not by cards) and the first range is only a few cards long.
    #[test]
    fn the_threaded_replay_splits_by_answers_and_agrees_with_one_at_a_time() {
        let clock = DayClock::new(Zone::Named(chrono_tz::Europe::Madrid), 4);
        let cfg = SchedulerConfig::new(clock);
        let mut interner = Interner::default();
        let mut answers = Vec::new();
        let mut one_by_one = Replayer::new(&cfg);
        let mut t: DateTime<Utc> = "2025-10-20T08:00:00Z".parse().unwrap();
        for i in 0..30_000_u32 {
            let card = if i % 3 == 0 { i % 400 } else { i % 5 };
            let key = format!("d:c{card}");
            let rating = Rating::ALL[(i as usize * 5 + i as usize / 7) % 4];
            t += TimeDelta::minutes(i64::from(3 + (i * 37) % 90));
            answers.push(Answer {
                card: interner.intern(&key),
                time: t,
                op: Op::Grade(rating),
                ms: 0,
            });
            one_by_one.apply(&key, rating, t);
        }
        let states = replay_all(&[&answers], &interner.seeds, &cfg);
        assert_eq!(states.len(), 400);
        for (key, state) in one_by_one.into_states() {
            assert_eq!(
                &states[interner.get(&key).unwrap() as usize],
                &state,
                "{key}"
            );
        }
    }
}
