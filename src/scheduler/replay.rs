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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ShortKey {
    len: u8,
    bytes: [u8; 31],
}

impl ShortKey {
    fn new(key: &str) -> Option<ShortKey> {
        let b = key.as_bytes();
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
pub fn replay_all(answers: &[Answer], seeds: &[u64], cfg: &SchedulerConfig) -> Vec<CardState> {
    let cards = seeds.len();
    let mut days = DayCache::new(&cfg.clock);
    // Bucket the answers by card, keeping their order (a counting sort).
    let mut starts = vec![0_u32; cards + 1];
    for a in answers {
        starts[a.card as usize + 1] += 1;
    }
    for i in 0..cards {
        starts[i + 1] += starts[i];
    }
    let mut fill = starts.clone();
    let mut by_card: Vec<(DateTime<Utc>, StudyDay, Op)> = vec![
        (
            DateTime::<Utc>::MIN_UTC,
            StudyDay::from_date(chrono::NaiveDate::MIN),
            Op::Bury
        );
        answers.len()
    ];
    for a in answers {
        let slot = &mut fill[a.card as usize];
        by_card[*slot as usize] = (a.time, days.day_of(a.time), a.op);
        *slot += 1;
    }
    let mut states = vec![CardState::default(); cards];
    // Cards are independent: replay halves of them on two threads (or more, where there are
    // more cores), each over its own slice of states.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let chunk = cards.div_ceil(threads).max(1);
    let replay_chunk = |first: usize, states: &mut [CardState]| {
        for (i, state) in states.iter_mut().enumerate() {
            let card = first + i;
            let (from, to) = (starts[card] as usize, starts[card + 1] as usize);
            for &(time, day, op) in &by_card[from..to] {
                apply_op(state, seeds[card], op, time, day, cfg);
            }
        }
    };
    if threads == 1 || answers.len() < 10_000 {
        replay_chunk(0, &mut states);
    } else {
        std::thread::scope(|scope| {
            for (n, part) in states.chunks_mut(chunk).enumerate() {
                let replay_chunk = &replay_chunk;
                scope.spawn(move || replay_chunk(n * chunk, part));
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
}
