//! Folding a history of answers into card states: the same events always give the same
//! states, fuzz included.

use chrono::{DateTime, Utc};
use foldhash::HashMap;
use foldhash::fast::RandomState;

use super::fsrs::Rating;
use super::state::{CardState, SchedulerConfig, review};

#[derive(Debug, Clone)]
pub struct Replayer<'c> {
    cfg: &'c SchedulerConfig,
    states: HashMap<String, CardState>,
}

impl<'c> Replayer<'c> {
    pub fn new(cfg: &'c SchedulerConfig) -> Self {
        Replayer {
            cfg,
            states: HashMap::with_hasher(RandomState::default()),
        }
    }

    pub fn with_capacity(cfg: &'c SchedulerConfig, cards: usize) -> Self {
        Replayer {
            cfg,
            states: HashMap::with_capacity_and_hasher(cards, RandomState::default()),
        }
    }

    /// Applies one answer and returns the card's state after it.
    pub fn apply(&mut self, key: &str, rating: Rating, time: DateTime<Utc>) -> &CardState {
        let cfg = self.cfg;
        if !self.states.contains_key(key) {
            self.states.insert(key.to_owned(), CardState::default());
        }
        let state = self.states.get_mut(key).expect("just inserted");
        *state = review(state, key, rating, time, cfg).state;
        state
    }

    pub fn state(&self, key: &str) -> Option<&CardState> {
        self.states.get(key)
    }

    pub fn into_states(self) -> HashMap<String, CardState> {
        self.states
    }

    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }
}
