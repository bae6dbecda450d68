//! The day's queue: learning steps that are due (with a learn-ahead window), then the review
//! cards due today or earlier (most overdue first, in an order that holds for the whole
//! day), with the new cards in deck order spread evenly among them; within the daily limits,
//! overall and per deck, counted from what was already done today. A card and its reversed
//! direction are siblings: once one has been studied today, the other waits for tomorrow.
//! Suspended cards never appear.

use chrono::{DateTime, TimeDelta, Utc};
use foldhash::HashSet;

use super::day::StudyDay;
use super::state::{CardState, Due, Phase};

/// Learning steps due this soon are shown now rather than leaving the student waiting.
pub const LEARN_AHEAD: TimeDelta = TimeDelta::minutes(20);

/// A card as the queue sees it, in deck order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueCard {
    /// Index of its deck, for the per-deck limits.
    pub deck: u32,
    /// Cards that share a group are siblings (a card and its reversed direction).
    pub group: u32,
    /// A hash of the card key: orders reviews that are equally overdue, the same all day.
    pub key_hash: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub new_per_day: u32,
    pub reviews_per_day: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            new_per_day: 20,
            reviews_per_day: 200,
        }
    }
}

/// What was already done today, per deck: new cards introduced, review cards answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoneToday {
    pub new: Vec<u32>,
    pub reviews: Vec<u32>,
}

impl DoneToday {
    /// Counted from the cards' states: a card first answered today was new today, and each
    /// answer today to a card in the review phase used one review.
    pub fn from_states(cards: &[QueueCard], states: &[CardState], today: StudyDay) -> DoneToday {
        DoneToday::count(cards.iter().zip(states), today)
    }

    /// [`DoneToday::from_states`] over the cards at `select` (indices into both).
    pub fn from_selected(
        cards: &[QueueCard],
        states: &[CardState],
        select: &[u32],
        today: StudyDay,
    ) -> DoneToday {
        let at = |&i: &u32| (&cards[i as usize], &states[i as usize]);
        DoneToday::count(select.iter().map(at), today)
    }

    fn count<'a>(
        cards: impl Iterator<Item = (&'a QueueCard, &'a CardState)>,
        today: StudyDay,
    ) -> DoneToday {
        let mut done = DoneToday {
            new: Vec::new(),
            reviews: Vec::new(),
        };
        for (card, state) in cards {
            let deck = card.deck as usize;
            if done.new.len() <= deck {
                done.new.resize(deck + 1, 0);
                done.reviews.resize(deck + 1, 0);
            }
            let (new, reviews) = state.done_on(today);
            done.new[deck] += new;
            done.reviews[deck] += reviews;
        }
        done
    }

    pub fn new_in(&self, deck: u32) -> u32 {
        self.new.get(deck as usize).copied().unwrap_or(0)
    }

    pub fn reviews_in(&self, deck: u32) -> u32 {
        self.reviews.get(deck as usize).copied().unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Queue {
    /// Learning and relearning cards whose step is due, soonest first.
    pub learning: Vec<u32>,
    /// Review and new cards, interleaved.
    pub main: Vec<u32>,
    /// Learning cards due within the learn-ahead window: shown early only when nothing
    /// else is left, rather than leaving the student waiting.
    pub ahead: Vec<u32>,
    pub new_count: u32,
    pub review_count: u32,
}

impl Queue {
    /// The first card a session would show.
    pub fn first(&self) -> Option<u32> {
        self.learning
            .first()
            .or(self.main.first())
            .or(self.ahead.first())
            .copied()
    }

    pub fn len(&self) -> usize {
        self.learning.len() + self.main.len() + self.ahead.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub struct QueueInput<'a> {
    pub cards: &'a [QueueCard],
    /// Parallel to `cards`.
    pub states: &'a [CardState],
    /// The cards to queue, by index into `cards` (all when `None`); the queue's positions
    /// are then positions in this list. Saves copying 50 000 states to queue a subset.
    pub select: Option<&'a [u32]>,
    pub overall: Limits,
    /// Per deck, by deck index; a deck without an entry uses `overall`'s numbers.
    pub per_deck: &'a [Limits],
    pub done: &'a DoneToday,
    pub now: DateTime<Utc>,
    pub today: StudyDay,
}

/// The key hash salted with the day: an order that holds all day and changes the next.
fn mix(h: u64, salt: u64) -> u64 {
    let mut x = h ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^ (x >> 33)
}

/// Builds the day's queue.
pub fn build(input: &QueueInput<'_>) -> Queue {
    let QueueInput {
        cards,
        states,
        select,
        overall,
        per_deck,
        done,
        now,
        today,
    } = *input;
    let deck_limit = |deck: u32| per_deck.get(deck as usize).copied().unwrap_or(overall);
    let count = select.map_or(cards.len().min(states.len()), <[u32]>::len);
    // The card and state at a queue position.
    let at = |k: usize| {
        let i = select.map_or(k, |s| s[k] as usize);
        (cards[i], &states[i])
    };

    // Siblings studied today bury the rest of their group.
    let mut buried: HashSet<u32> = HashSet::default();
    for (card, state) in (0..count).map(at) {
        if state.last_day == Some(today) {
            buried.insert(card.group);
        }
    }

    let horizon = now + LEARN_AHEAD;
    let salt = u64::from(today.number().unsigned_abs());
    let mut learning: Vec<(DateTime<Utc>, u32)> = Vec::new();
    let mut ahead: Vec<(DateTime<Utc>, u32)> = Vec::new();
    let mut reviews: Vec<(StudyDay, u64, u32)> = Vec::new();
    let mut new: Vec<u32> = Vec::new();
    for (i, (card, state)) in (0..count).map(at).enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        if state.suspended || state.buried_on == Some(today) {
            continue;
        }
        match (state.phase, state.due) {
            (Phase::Learning | Phase::Relearning, Due::At(t)) if t <= now => {
                learning.push((t, i));
            }
            (Phase::Learning | Phase::Relearning, Due::At(t)) if t <= horizon => {
                ahead.push((t, i));
            }
            (Phase::Review, Due::Day(d)) if d <= today && !buried.contains(&card.group) => {
                reviews.push((d, mix(card.key_hash, salt), i));
            }
            (Phase::New, _) if !buried.contains(&card.group) => new.push(i),
            _ => {}
        }
    }
    learning.sort_unstable();
    ahead.sort_unstable();
    reviews.sort_unstable();

    // Limits: overall and per deck, less what today already used. One sibling per group.
    let decks = (0..count)
        .map(|k| at(k).0.deck as usize + 1)
        .max()
        .unwrap_or(0);
    let mut review_left: Vec<u32> = (0..decks)
        .map(|d| {
            let d = u32::try_from(d).unwrap_or(u32::MAX);
            deck_limit(d)
                .reviews_per_day
                .saturating_sub(done.reviews_in(d))
        })
        .collect();
    let mut new_left: Vec<u32> = (0..decks)
        .map(|d| {
            let d = u32::try_from(d).unwrap_or(u32::MAX);
            deck_limit(d).new_per_day.saturating_sub(done.new_in(d))
        })
        .collect();
    let done_reviews: u32 = done.reviews.iter().sum();
    let done_new: u32 = done.new.iter().sum();
    let mut overall_reviews = overall.reviews_per_day.saturating_sub(done_reviews);
    let mut overall_new = overall.new_per_day.saturating_sub(done_new);
    let mut groups: HashSet<u32> = HashSet::default();

    let mut take = |i: u32, left: &mut Vec<u32>, overall_left: &mut u32| {
        let card = at(i as usize).0;
        let deck_left = &mut left[card.deck as usize];
        if *overall_left == 0 || *deck_left == 0 || groups.contains(&card.group) {
            return false;
        }
        groups.insert(card.group);
        *overall_left -= 1;
        *deck_left -= 1;
        true
    };
    let reviews: Vec<u32> = reviews
        .into_iter()
        .map(|(_, _, i)| i)
        .filter(|&i| take(i, &mut review_left, &mut overall_reviews))
        .collect();
    let new: Vec<u32> = new
        .into_iter()
        .filter(|&i| take(i, &mut new_left, &mut overall_new))
        .collect();

    // Spread the new cards evenly through the reviews.
    let (r, n) = (reviews.len(), new.len());
    let mut main = Vec::with_capacity(r + n);
    let mut reviews = reviews.into_iter().peekable();
    let mut new_iter = new.into_iter();
    for k in 0..n {
        let until = (k + 1) * r / (n + 1);
        while main.len() - k < until {
            match reviews.next() {
                Some(i) => main.push(i),
                None => break,
            }
        }
        main.extend(new_iter.next());
    }
    main.extend(reviews);

    Queue {
        learning: learning.into_iter().map(|(_, i)| i).collect(),
        main,
        ahead: ahead.into_iter().map(|(_, i)| i).collect(),
        new_count: u32::try_from(n).unwrap_or(u32::MAX),
        review_count: u32::try_from(r).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::fsrs::Memory;

    fn day(s: &str) -> StudyDay {
        s.parse().unwrap()
    }

    fn now() -> DateTime<Utc> {
        "2026-12-04T18:00:00Z".parse().unwrap()
    }

    fn review_due(d: &str) -> CardState {
        CardState {
            phase: Phase::Review,
            due: Due::Day(day(d)),
            memory: Some(Memory {
                stability: 5.0,
                difficulty: 5.0,
            }),
            last_day: Some(day("2026-11-01")),
            ..CardState::default()
        }
    }

    fn cards(n: u32, decks: u32) -> Vec<QueueCard> {
        (0..n)
            .map(|i| QueueCard {
                deck: i % decks,
                group: i,
                key_hash: u64::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            })
            .collect()
    }

    fn build_with(cards: &[QueueCard], states: &[CardState], done: &DoneToday) -> Queue {
        build(&QueueInput {
            cards,
            states,
            select: None,
            overall: Limits::default(),
            per_deck: &[],
            done,
            now: now(),
            today: day("2026-12-04"),
        })
    }

    #[test]
    fn a_selection_queues_as_a_copy_of_those_cards_would() {
        let cs = cards(40, 3);
        let today = day("2026-12-04");
        let states: Vec<CardState> = (0..40)
            .map(|i| match i % 4 {
                0 => CardState::default(),
                1 => review_due("2026-11-20"),
                2 => CardState {
                    last_day: Some(today),
                    reviews_on_last_day: 1,
                    ..review_due("2026-12-01")
                },
                _ => review_due("2026-12-09"),
            })
            .collect();
        let select: Vec<u32> = (0..40).filter(|i| i % 3 != 1).collect();
        let copied_cards: Vec<QueueCard> = select.iter().map(|&i| cs[i as usize]).collect();
        let copied_states: Vec<CardState> =
            select.iter().map(|&i| states[i as usize].clone()).collect();
        // Both limits bind: more new and due cards than they allow.
        let limits = Limits {
            new_per_day: 3,
            reviews_per_day: 10,
        };
        let copied_done = DoneToday::from_states(&copied_cards, &copied_states, today);
        let done = DoneToday::from_selected(&cs, &states, &select, today);
        assert_eq!(done, copied_done);
        let input = |cards, states, select| QueueInput {
            cards,
            states,
            select,
            overall: limits,
            per_deck: &[],
            done: &done,
            now: now(),
            today,
        };
        let copied = build(&input(&copied_cards, &copied_states, None));
        assert_eq!(build(&input(&cs, &states, Some(&select))), copied);
        assert_eq!((copied.new_count, copied.review_count), (3, 3));
    }

    #[test]
    fn learning_first_then_most_overdue_reviews_with_new_cards_spread_among_them() {
        let cs = cards(6, 1);
        let learning = CardState {
            phase: Phase::Learning,
            step: Some(1),
            due: Due::At(now() - TimeDelta::minutes(1)),
            ..review_due("2026-12-04")
        };
        let later_step = CardState {
            due: Due::At(now() + TimeDelta::minutes(15)),
            ..learning.clone()
        };
        let states = vec![
            CardState::default(),
            review_due("2026-12-04"),
            learning,
            review_due("2026-11-20"),
            later_step,
            review_due("2026-12-05"),
        ];
        let q = build_with(&cs, &states, &DoneToday::default());
        assert_eq!(q.learning, [2]);
        assert_eq!(q.main, [3, 0, 1]);
        // Due in 15 minutes: only once nothing else is left.
        assert_eq!(q.ahead, [4]);
        assert_eq!((q.new_count, q.review_count), (1, 2));
        assert_eq!(q.first(), Some(2));
    }

    #[test]
    fn limits_count_what_was_done_today_overall_and_per_deck() {
        let cs = cards(100, 2);
        let states = vec![CardState::default(); 100];
        let done = DoneToday {
            new: vec![15, 0],
            reviews: vec![],
        };
        let per_deck = [
            Limits::default(),
            Limits {
                new_per_day: 3,
                reviews_per_day: 200,
            },
        ];
        let q = build(&QueueInput {
            cards: &cs,
            states: &states,
            select: None,
            overall: Limits::default(),
            per_deck: &per_deck,
            done: &done,
            now: now(),
            today: day("2026-12-04"),
        });
        // Deck 0 has 5 left of its 20; deck 1 its own 3; overall 20 - 15 = 5.
        assert_eq!(q.new_count, 5);
        let in_deck1 = q.main.iter().filter(|&&i| cs[i as usize].deck == 1).count();
        assert!(in_deck1 <= 3);
        // New cards come in deck order.
        let mut sorted = q.main.clone();
        sorted.sort_unstable();
        assert_eq!(q.main, sorted);
    }

    #[test]
    fn a_sibling_studied_today_waits_and_only_one_of_a_pair_is_queued() {
        let mut cs = cards(4, 1);
        cs[1].group = 0; // 0 and 1 are a card and its reverse
        cs[3].group = 2; // 2 and 3 too
        let mut studied = review_due("2026-12-10");
        studied.last_day = Some(day("2026-12-04"));
        let states = vec![
            studied,
            review_due("2026-12-01"),
            CardState::default(),
            CardState::default(),
        ];
        let q = build_with(&cs, &states, &DoneToday::default());
        assert_eq!(q.main, [2]);
    }

    #[test]
    fn suspended_cards_never_appear() {
        let cs = cards(2, 1);
        let mut s = review_due("2026-12-01");
        s.suspended = true;
        let q = build_with(
            &cs,
            &[
                s,
                CardState {
                    suspended: true,
                    ..CardState::default()
                },
            ],
            &DoneToday::default(),
        );
        assert!(q.is_empty());
    }
}
