//! Scheduler invariants over random histories and parameters.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test
#![allow(clippy::cast_possible_truncation)] // small generated sizes

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use medterm::scheduler::queue::{self, DoneToday, Limits, QueueCard, QueueInput};
use medterm::scheduler::{
    CardState, DayClock, Due, Params, Phase, Rating, Replayer, SchedulerConfig, Wait, Zone, preview,
};
use proptest::prelude::*;

fn start() -> DateTime<Utc> {
    "2026-01-01T12:00:00Z".parse().unwrap()
}

fn params() -> impl Strategy<Value = Params> {
    // Within the reference bounds (narrowed where a bound is degenerate for testing).
    let ranges: [(f64, f64); 21] = [
        (0.001, 100.0),
        (0.001, 100.0),
        (0.001, 100.0),
        (0.001, 100.0),
        (1.0, 10.0),
        (0.001, 4.0),
        (0.001, 4.0),
        (0.001, 0.75),
        (0.0, 4.5),
        (0.0, 0.8),
        (0.001, 3.5),
        (0.001, 5.0),
        (0.001, 0.25),
        (0.001, 0.9),
        (0.0, 4.0),
        (0.0, 1.0),
        (1.0, 6.0),
        (0.0, 2.0),
        (0.0, 2.0),
        (0.0, 0.8),
        (0.1, 0.8),
    ];
    ranges
        .map(|(lo, hi)| lo..=hi)
        .into_iter()
        .collect::<Vec<_>>()
        .prop_map(|w| Params::new(&w).unwrap())
}

/// (minutes after the previous answer, rating) pairs.
fn history() -> impl Strategy<Value = Vec<(u32, u8)>> {
    proptest::collection::vec((0u32..(60 * 24 * 60), 1u8..=4), 1..40)
}

fn config(params: Params, fuzz: bool) -> SchedulerConfig {
    let mut cfg = SchedulerConfig::new(DayClock::new(Zone::Named(chrono_tz::Europe::Madrid), 4));
    cfg.set_params(params);
    cfg.fuzz = fuzz;
    cfg
}

fn wait_secs(w: Wait) -> u64 {
    match w {
        Wait::Seconds(s) => u64::from(s),
        Wait::Days(d) => u64::from(d) * 86_400,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn memory_stays_in_range_and_buttons_are_ordered(
        params in params(),
        fuzz in any::<bool>(),
        retention in 0.70f64..=0.99,
        history in history(),
    ) {
        let mut cfg = config(params, fuzz);
        cfg.set_desired_retention(retention);
        let mut state = CardState::default();
        let mut t = start();
        for (minutes, rating) in history {
            t += TimeDelta::minutes(i64::from(minutes));
            let outcomes = preview(&state, medterm::scheduler::key_seed("deck:card"), t, &cfg);
            let waits: Vec<u64> = outcomes.iter().map(|o| wait_secs(o.wait)).collect();
            prop_assert!(waits.windows(2).all(|w| w[0] <= w[1]), "not ordered: {:?}", outcomes.iter().map(|o| o.wait).collect::<Vec<_>>());
            for o in &outcomes {
                let m = o.state.memory.unwrap();
                prop_assert!(m.stability > 0.0 && m.stability.is_finite());
                prop_assert!((1.0..=10.0).contains(&m.difficulty));
                if o.state.phase == Phase::Review {
                    let days = o.state.interval_days.unwrap();
                    prop_assert!((1..=cfg.maximum_interval).contains(&days));
                }
            }
            state = outcomes[usize::from(rating - 1)].state.clone();
        }
    }

    #[test]
    fn replay_is_deterministic_fuzz_included(history in history(), cards in 1usize..6) {
        let cfg = config(Params::default(), true);
        let run = || {
            let mut r = Replayer::new(&cfg);
            let mut t = start();
            for (i, (minutes, rating)) in history.iter().enumerate() {
                t += TimeDelta::minutes(i64::from(*minutes));
                r.apply(&format!("d:c{}", i % cards), Rating::from_number(u64::from(*rating)).unwrap(), t);
            }
            r.into_states()
        };
        prop_assert_eq!(run(), run());
    }

    #[test]
    fn the_queue_never_repeats_a_card_and_respects_every_limit(
        kinds in proptest::collection::vec((0u8..5, 0u32..4, 0u32..40, -3i64..3), 0..300),
        new_limit in 0u32..30,
        review_limit in 0u32..60,
        deck_new in 0u32..10,
        done_new in 0u32..10,
    ) {
        let today = "2026-06-01".parse::<medterm::scheduler::StudyDay>().unwrap();
        let now: DateTime<Utc> = "2026-06-01T15:00:00Z".parse().unwrap();
        let mut cards = Vec::new();
        let mut states = Vec::new();
        for (i, (kind, deck, group, offset)) in kinds.iter().enumerate() {
            cards.push(QueueCard { deck: *deck, group: *group, key_hash: i as u64 * 7919 });
            let mut s = CardState::default();
            match kind {
                0 => {}
                1 => { s.phase = Phase::Review; s.due = Due::Day(if *offset >= 0 { today.plus_days(offset.unsigned_abs() as u32) } else { today.minus_days(offset.unsigned_abs() as u32) }); }
                2 => { s.phase = Phase::Learning; s.step = Some(0); s.due = Due::At(now + TimeDelta::minutes(offset * 10)); }
                3 => { s.phase = Phase::Review; s.due = Due::Day(today); s.suspended = true; }
                _ => { s.phase = Phase::Review; s.due = Due::Day(today); s.last_day = Some(today); }
            }
            states.push(s);
        }
        let overall = Limits { new_per_day: new_limit, reviews_per_day: review_limit };
        let per_deck = [Limits { new_per_day: deck_new, reviews_per_day: review_limit }];
        let done = DoneToday { new: vec![done_new], reviews: vec![] };
        let q = queue::build(&QueueInput { cards: &cards, states: &states, select: None, overall, per_deck: &per_deck, done: &done, now, today });
        let all: Vec<u32> = q.learning.iter().chain(&q.main).copied().collect();
        let unique: HashSet<u32> = all.iter().copied().collect();
        prop_assert_eq!(unique.len(), all.len());
        let new: Vec<u32> = q.main.iter().copied().filter(|&i| states[i as usize].phase == Phase::New).collect();
        let reviews = q.main.len() - new.len();
        prop_assert!(new.len() as u32 <= new_limit.saturating_sub(done_new));
        prop_assert!(reviews as u32 <= review_limit);
        let deck0_new = new.iter().filter(|&&i| cards[i as usize].deck == 0).count() as u32;
        prop_assert!(deck0_new <= deck_new.saturating_sub(done_new));
        let studied_groups: HashSet<u32> = cards.iter().zip(&states).filter(|(_, s)| s.last_day == Some(today)).map(|(c, _)| c.group).collect();
        let mut main_groups = HashSet::new();
        for &i in &q.main {
            let s = &states[i as usize];
            prop_assert!(!s.suspended);
            prop_assert!(!studied_groups.contains(&cards[i as usize].group));
            prop_assert!(main_groups.insert(cards[i as usize].group), "two siblings queued");
        }
        for &i in &q.learning {
            prop_assert!(matches!(states[i as usize].due, Due::At(t) if t <= now));
        }
        for &i in &q.ahead {
            prop_assert!(matches!(states[i as usize].due, Due::At(t) if t > now && t <= now + queue::LEARN_AHEAD));
        }
        let everything: Vec<u32> = q.learning.iter().chain(&q.main).chain(&q.ahead).copied().collect();
        prop_assert_eq!(everything.iter().copied().collect::<HashSet<u32>>().len(), everything.len());
    }
}
