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
}

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
    /// Keys up to 31 bytes (nearly all) are stored in the table itself: a lookup then
    /// compares bytes in the slot it probes instead of following a pointer to the heap,
    /// which halves the cache misses of interning a million log lines.
    short: HashMap<ShortKey, u32>,
    long: HashMap<String, u32>,
    keys: Vec<String>,
    seeds: Vec<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ShortKey {
    len: u8,
    bytes: [u8; 31],
}

/// Only the key's own bytes are hashed (the padding is zeros): a short key then takes the
/// hasher's short path.
impl std::hash::Hash for ShortKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write(&self.bytes[..usize::from(self.len)]);
    }
}

impl ShortKey {
    fn new(key: &str) -> Option<ShortKey> {
        ShortKey::from_bytes(key.as_bytes())
    }

    /// Only ever compared with keys made from text, so bytes that are not UTF-8 match none.
    fn from_bytes(b: &[u8]) -> Option<ShortKey> {
        let mut bytes = [0u8; 31];
        bytes.get_mut(..b.len())?.copy_from_slice(b);
        Some(ShortKey {
            len: u8::try_from(b.len()).ok()?,
            bytes,
        })
    }
}

impl Interner {
    pub fn with_capacity(n: usize) -> Self {
        Interner {
            short: HashMap::with_capacity_and_hasher(n, RandomState::default()),
            long: HashMap::with_hasher(RandomState::default()),
            keys: Vec::with_capacity(n),
            seeds: Vec::with_capacity(n),
        }
    }

    pub fn intern(&mut self, key: &str) -> u32 {
        let next = u32::try_from(self.keys.len()).expect("fewer than 4 billion cards");
        let id = match ShortKey::new(key) {
            Some(short) => *self.short.entry(short).or_insert(next),
            None => match self.long.get(key) {
                Some(&id) => id,
                None => {
                    self.long.insert(key.to_owned(), next);
                    next
                }
            },
        };
        if id == next {
            self.keys.push(key.to_owned());
            self.seeds.push(key_seed(key));
        }
        id
    }

    pub fn get(&self, key: &str) -> Option<u32> {
        match ShortKey::new(key) {
            Some(short) => self.short.get(&short).copied(),
            None => self.long.get(key).copied(),
        }
    }

    /// [`Interner::get`] of a key's bytes; bytes that are not UTF-8 are no key.
    pub fn get_bytes(&self, key: &[u8]) -> Option<u32> {
        match ShortKey::from_bytes(key) {
            Some(short) => self.short.get(&short).copied(),
            None => self.long.get(std::str::from_utf8(key).ok()?).copied(),
        }
    }

    pub fn key(&self, id: u32) -> &str {
        &self.keys[id as usize]
    }

    pub fn seed(&self, id: u32) -> u64 {
        self.seeds[id as usize]
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Replays `answers` (in time order) for cards numbered below `cards`, whose fuzz seeds are
/// `seeds`; returns each card's final state.
///
/// Cards are independent: they are split into ranges with about as many answers each, one
/// per thread (two here, up to four), and each thread buckets its own cards' answers by card
/// (a counting sort that keeps their order, with their study days) and replays them.
pub fn replay_all(answers: &[Answer], seeds: &[u64], cfg: &SchedulerConfig) -> Vec<CardState> {
    let cards = seeds.len();
    let mut starts = vec![0_u32; cards + 1];
    for a in answers {
        starts[a.card as usize + 1] += 1;
    }
    for i in 0..cards {
        starts[i + 1] += starts[i];
    }
    let threads = if answers.len() < 10_000 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    };
    // Range ends: the first card at which each thread's share of the answers is reached.
    let mut ends: Vec<usize> = (1..threads)
        .map(|t| {
            let share = (answers.len() * t / threads) as u64;
            starts.partition_point(|&s| u64::from(s) < share).min(cards)
        })
        .collect();
    ends.push(cards);
    let mut states = vec![CardState::default(); cards];
    let replay_range = |first: usize, states: &mut [CardState]| {
        let end = first + states.len();
        let base = starts[first];
        let mut fill: Vec<u32> = starts[first..end].iter().map(|s| s - base).collect();
        let mut by_card: Vec<(DateTime<Utc>, StudyDay, Op)> = vec![
            (
                DateTime::<Utc>::MIN_UTC,
                StudyDay::from_date(chrono::NaiveDate::MIN),
                Op::Bury
            );
            (starts[end] - base) as usize
        ];
        let mut days = DayCache::new(&cfg.clock);
        for a in answers {
            let card = a.card as usize;
            if card < first || card >= end {
                continue;
            }
            let slot = &mut fill[card - first];
            by_card[*slot as usize] = (a.time, days.day_of(a.time), a.op);
            *slot += 1;
        }
        for (i, state) in states.iter_mut().enumerate() {
            let card = first + i;
            let (from, to) = (
                (starts[card] - base) as usize,
                (starts[card + 1] - base) as usize,
            );
            for &(time, day, op) in &by_card[from..to] {
                apply_op(state, seeds[card], op, time, day, cfg);
            }
        }
    };
    if threads == 1 {
        replay_range(0, &mut states);
    } else {
        std::thread::scope(|scope| {
            let mut rest: &mut [CardState] = &mut states;
            let mut first = 0;
            for &end in &ends {
                let (mine, after) = rest.split_at_mut(end - first);
                rest = after;
                let replay_range = &replay_range;
                let from = first;
                scope.spawn(move || replay_range(from, mine));
                first = end;
            }
        });
    }
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
        self.cards.keys.into_iter().zip(self.states).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::day::{DayClock, Zone};
    use chrono::TimeDelta;

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
            });
            one_by_one.apply(&key, rating, t);
        }
        let states = replay_all(&answers, &interner.seeds, &cfg);
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
            });
            one_by_one.apply(&key, rating, t);
        }
        let states = replay_all(&answers, &interner.seeds, &cfg);
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
