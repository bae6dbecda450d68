//! A card's scheduling state and what one graded answer does to it: FSRS memory, learning and
//! relearning steps (the reference scheduler's rules), intervals in study days, a fuzz that a
//! replay reproduces, lapses and leeches.

use chrono::{DateTime, TimeDelta, Utc};

use super::day::{DayClock, StudyDay};
use super::fsrs::{Memory, Params, Rating};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    New,
    Learning,
    Review,
    Relearning,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::New => "new",
            Phase::Learning => "learning",
            Phase::Review => "review",
            Phase::Relearning => "relearning",
        }
    }
}

/// When a card is next due: a step is due at an instant, a review on a study day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// A new card: whenever the daily limit lets it in.
    Unseen,
    At(DateTime<Utc>),
    Day(StudyDay),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CardState {
    pub phase: Phase,
    /// Index into the learning or relearning steps while in those phases.
    pub step: Option<u16>,
    pub memory: Option<Memory>,
    pub due: Due,
    /// The last review interval, in days (review phase only).
    pub interval_days: Option<u32>,
    pub last_review: Option<DateTime<Utc>>,
    pub last_day: Option<StudyDay>,
    /// Graded answers so far.
    pub reps: u32,
    /// Again on a review card.
    pub lapses: u32,
    pub suspended: bool,
    pub leech: bool,
    /// Skipped ("until tomorrow") on this study day.
    pub buried_on: Option<StudyDay>,
    /// The study day of the first answer: new cards introduced today count against the
    /// daily new-card limit.
    pub first_day: Option<StudyDay>,
    /// Answers given to this card in the review phase on `last_day`, for the review limit.
    pub reviews_on_last_day: u16,
}

impl CardState {
    /// What this card used of `day`'s limits: introduced as new (0 or 1), answers given to it
    /// in the review phase.
    pub fn done_on(&self, day: StudyDay) -> (u32, u32) {
        let new = u32::from(self.first_day == Some(day));
        let reviews = if self.last_day == Some(day) {
            u32::from(self.reviews_on_last_day)
        } else {
            0
        };
        (new, reviews)
    }
}

impl Default for CardState {
    fn default() -> Self {
        CardState {
            phase: Phase::New,
            step: None,
            memory: None,
            due: Due::Unseen,
            interval_days: None,
            last_review: None,
            last_day: None,
            reps: 0,
            lapses: 0,
            suspended: false,
            leech: false,
            buried_on: None,
            first_day: None,
            reviews_on_last_day: 0,
        }
    }
}

/// Everything a review depends on besides the card.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulerConfig {
    params: Params,
    desired_retention: f64,
    /// `desired_retention^(1/decay) - 1`: the interval is stability times this over FACTOR.
    /// Kept with the two it derives from, which are set only through the setters.
    interval_factor: f64,
    /// Seconds; may be empty.
    pub learning_steps: Vec<u32>,
    pub relearning_steps: Vec<u32>,
    pub maximum_interval: u32,
    pub fuzz: bool,
    /// The lapse that suspends a card as a leech; 0 turns leeches off.
    pub leech_threshold: u32,
    pub clock: DayClock,
}

impl SchedulerConfig {
    pub fn new(clock: DayClock) -> SchedulerConfig {
        let params = Params::default();
        SchedulerConfig {
            interval_factor: params.interval_factor(0.9),
            params,
            desired_retention: 0.9,
            learning_steps: vec![60, 600],
            relearning_steps: vec![600],
            maximum_interval: 36_500,
            fuzz: true,
            leech_threshold: 8,
            clock,
        }
    }
}

impl SchedulerConfig {
    pub fn params(&self) -> &Params {
        &self.params
    }

    pub fn set_params(&mut self, params: Params) {
        self.interval_factor = params.interval_factor(self.desired_retention);
        self.params = params;
    }

    pub fn desired_retention(&self) -> f64 {
        self.desired_retention
    }

    /// Sets the desired retention, clamped to the supported 0.70 to 0.99.
    pub fn set_desired_retention(&mut self, retention: f64) {
        self.desired_retention = retention.clamp(0.70, 0.99);
        self.interval_factor = self.params.interval_factor(self.desired_retention);
    }
}

/// What an answer would do: the new state, and how long until the card is due again.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub state: CardState,
    pub wait: Wait,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    Seconds(u32),
    Days(u32),
}

impl Wait {
    /// Short form for the buttons: `1m`, `6m`, `3h`, `8d`, `2.1mo`, `1.4y`.
    pub fn short(self) -> String {
        match self {
            Wait::Seconds(s) if s < 60 => format!("{s}s"),
            Wait::Seconds(s) if s < 3600 => format!("{}m", (s + 30) / 60),
            Wait::Seconds(s) if s < 86_400 => format!("{}h", (s + 1800) / 3600),
            Wait::Seconds(s) => format!("{}d", s / 86_400),
            Wait::Days(d) if d < 31 => format!("{d}d"),
            Wait::Days(d) if d < 365 => format!("{:.1}mo", f64::from(d) / 30.44),
            Wait::Days(d) => format!("{:.1}y", f64::from(d) / 365.25),
        }
    }
}

/// The card key's part of the fuzz seed: FNV-1a of the key, stable across versions and
/// machines. Computed once per card.
pub fn key_seed(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A deterministic number in [0, 1) from the card's key seed and its review count, so that a
/// replay of the log gives every fuzzed interval again (splitmix64 of the two).
fn fuzz_fraction(seed: u64, reps: u32) -> f64 {
    let mut h = seed ^ u64::from(reps).wrapping_mul(0x0000_0100_0000_01b3);
    h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    #[allow(clippy::cast_precision_loss)]
    let f = (h >> 11) as f64 / (1u64 << 53) as f64;
    f
}

/// The reference fuzz ranges (2.5-7 days +-15 %, 7-20 days +-10 %, over 20 days +-5 %), with
/// a draw fixed by the key and review count. One draw serves all four buttons of a review,
/// and the fuzzed interval grows with the unfuzzed one, so Hard <= Good <= Easy holds.
pub fn fuzz_interval(days: u32, seed: u64, reps: u32, maximum: u32) -> u32 {
    let ivl = f64::from(days);
    if ivl < 2.5 {
        return days;
    }
    let mut delta = 1.0;
    for (start, end, factor) in [
        (2.5, 7.0, 0.15),
        (7.0, 20.0, 0.10),
        (20.0, f64::INFINITY, 0.05),
    ] {
        delta += factor * (ivl.min(end) - start).max(0.0);
    }
    let max_f = f64::from(maximum);
    let hi = (ivl + delta).round().min(max_f);
    let lo = (ivl - delta).round().max(2.0).min(hi);
    let fuzzed = (lo + fuzz_fraction(seed, reps) * (hi - lo + 1.0))
        .floor()
        .min(hi);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let fuzzed = fuzzed.max(1.0) as u32;
    fuzzed
}

fn secs(s: u32) -> TimeDelta {
    TimeDelta::seconds(i64::from(s))
}

/// The wait after Hard on step `step` of `steps`.
fn hard_wait(steps: &[u32], step: usize) -> u32 {
    match (step, steps) {
        (0, [only]) => only.saturating_mul(3) / 2,
        (0, [a, b, ..]) => a.midpoint(*b),
        (s, _) => steps[s.min(steps.len() - 1)],
    }
}

/// Applies one graded answer at `now` to a card whose key has the seed `seed` (see
/// [`key_seed`]). Pure: the same inputs always give the same state.
pub fn review(
    state: &CardState,
    seed: u64,
    rating: Rating,
    now: DateTime<Utc>,
    cfg: &SchedulerConfig,
) -> Outcome {
    review_on(state, seed, rating, now, cfg.clock.day_of(now), cfg)
}

/// [`review`] with the study day of `now` already known (a replay computes it once for many
/// answers).
pub fn review_on(
    state: &CardState,
    seed: u64,
    rating: Rating,
    now: DateTime<Utc>,
    today: StudyDay,
    cfg: &SchedulerConfig,
) -> Outcome {
    let params = &cfg.params;
    let memory = match state.memory {
        None => initial_memory(params, rating),
        Some(m) => {
            // A clock that went backwards counts as the same day.
            let elapsed = state.last_day.map_or(0, |last| {
                today.days_since(last).clamp(0, i64::from(u32::MAX))
            });
            params.next(m, u32::try_from(elapsed).unwrap_or(u32::MAX), rating)
        }
    };

    let same_day = state.last_day == Some(today);
    let earlier_reviews = if same_day {
        state.reviews_on_last_day
    } else {
        0
    };
    let mut next = CardState {
        memory: Some(memory),
        last_review: Some(now),
        last_day: Some(today),
        reps: state.reps.saturating_add(1),
        first_day: state.first_day.or(Some(today)),
        reviews_on_last_day: earlier_reviews
            .saturating_add(u16::from(state.phase == Phase::Review)),
        ..state.clone()
    };
    let to_review = |next: &mut CardState, s: f64| {
        let mut days = params.interval_days_with(s, cfg.interval_factor, cfg.maximum_interval);
        if cfg.fuzz {
            days = fuzz_interval(days, seed, state.reps, cfg.maximum_interval);
        }
        next.phase = Phase::Review;
        next.step = None;
        next.interval_days = Some(days);
        next.due = Due::Day(today.plus_days(days));
        Wait::Days(days)
    };
    let to_step = |next: &mut CardState, phase: Phase, step: usize, wait: u32| {
        next.phase = phase;
        next.step = Some(u16::try_from(step).unwrap_or(u16::MAX));
        next.interval_days = None;
        next.due = Due::At(now + secs(wait));
        Wait::Seconds(wait)
    };

    let wait = match state.phase {
        Phase::New | Phase::Learning | Phase::Relearning => {
            let (phase, steps) = if state.phase == Phase::Relearning {
                (Phase::Relearning, &cfg.relearning_steps)
            } else {
                (Phase::Learning, &cfg.learning_steps)
            };
            let step = usize::from(state.step.unwrap_or(0));
            if steps.is_empty() || (step >= steps.len() && rating != Rating::Again) {
                to_review(&mut next, memory.stability)
            } else {
                match rating {
                    Rating::Again => to_step(&mut next, phase, 0, steps[0]),
                    Rating::Hard => to_step(&mut next, phase, step, hard_wait(steps, step)),
                    Rating::Good if step + 1 >= steps.len() => {
                        to_review(&mut next, memory.stability)
                    }
                    Rating::Good => to_step(&mut next, phase, step + 1, steps[step + 1]),
                    Rating::Easy => to_review(&mut next, memory.stability),
                }
            }
        }
        Phase::Review => {
            if rating == Rating::Again {
                next.lapses = state.lapses.saturating_add(1);
                if cfg.leech_threshold > 0 && next.lapses >= cfg.leech_threshold && !state.leech {
                    next.leech = true;
                    next.suspended = true;
                }
                if cfg.relearning_steps.is_empty() {
                    to_review(&mut next, memory.stability)
                } else {
                    to_step(&mut next, Phase::Relearning, 0, cfg.relearning_steps[0])
                }
            } else {
                to_review(&mut next, memory.stability)
            }
        }
    };
    Outcome { state: next, wait }
}

/// The first review's memory, with the initial stabilities of Hard, Good and Easy kept in
/// order even for fitted parameters that are not, so the buttons' intervals are too.
fn initial_memory(params: &Params, rating: Rating) -> Memory {
    let mut m = params.initial(rating);
    let w = params.weights();
    if rating > Rating::Hard {
        let floor = w[1..rating as usize - 1]
            .iter()
            .copied()
            .fold(0.0, f64::max);
        m.stability = m.stability.max(floor);
    }
    m
}

/// What each of the four buttons would do now.
pub fn preview(
    state: &CardState,
    seed: u64,
    now: DateTime<Utc>,
    cfg: &SchedulerConfig,
) -> [Outcome; 4] {
    let today = cfg.clock.day_of(now);
    Rating::ALL.map(|r| review_on(state, seed, r, now, today, cfg))
}

/// The buttons' labels: `Again 1m · Hard 6m · Good 10m · Easy 8d`.
pub fn preview_line(outcomes: &[Outcome; 4]) -> String {
    let parts: Vec<String> = Rating::ALL
        .iter()
        .zip(outcomes)
        .map(|(r, o)| format!("{} {}", r.label(), o.wait.short()))
        .collect();
    parts.join(" \u{b7} ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::day::Zone;

    fn cfg() -> SchedulerConfig {
        let mut c = SchedulerConfig::new(DayClock::new(Zone::Named(chrono_tz::UTC), 4));
        c.fuzz = false;
        c
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_new_card_walks_the_learning_steps() {
        let c = cfg();
        let now = t("2026-12-04T10:00:00Z");
        let p = preview(&CardState::default(), key_seed("d:c"), now, &c);
        assert_eq!(
            preview_line(&p),
            "Again 1m \u{b7} Hard 6m \u{b7} Good 10m \u{b7} Easy 8d"
        );
        assert_eq!(p[1].wait, Wait::Seconds(330));
        assert_eq!(p[2].state.phase, Phase::Learning);
        assert_eq!(p[2].state.step, Some(1));
        // Good on the last step graduates.
        let grad = review(
            &p[2].state,
            key_seed("d:c"),
            Rating::Good,
            now + TimeDelta::minutes(10),
            &c,
        );
        assert_eq!(grad.state.phase, Phase::Review);
        assert_eq!(grad.wait, Wait::Days(2));
        assert_eq!(
            grad.state.due,
            Due::Day("2026-12-06".parse::<StudyDay>().unwrap())
        );
    }

    #[test]
    fn again_on_a_review_card_lapses_into_relearning_and_the_eighth_lapse_is_a_leech() {
        let c = cfg();
        let mut s = CardState {
            phase: Phase::Review,
            memory: Some(Memory {
                stability: 20.0,
                difficulty: 5.0,
            }),
            last_day: Some("2026-11-01".parse::<StudyDay>().unwrap()),
            lapses: 7,
            ..CardState::default()
        };
        let out = review(
            &s,
            key_seed("d:c"),
            Rating::Again,
            t("2026-12-04T10:00:00Z"),
            &c,
        );
        assert_eq!(out.state.phase, Phase::Relearning);
        assert_eq!(out.wait, Wait::Seconds(600));
        assert_eq!(out.state.lapses, 8);
        assert!(out.state.leech && out.state.suspended);
        s.lapses = 3;
        let hard = review(
            &s,
            key_seed("d:c"),
            Rating::Hard,
            t("2026-12-04T10:00:00Z"),
            &c,
        );
        assert_eq!(hard.state.phase, Phase::Review);
        assert!(!hard.state.suspended);
    }

    #[test]
    fn hard_on_a_single_step_waits_one_and_a_half_steps() {
        let mut c = cfg();
        c.learning_steps = vec![600];
        let out = review(
            &CardState::default(),
            key_seed("d:c"),
            Rating::Hard,
            t("2026-12-04T10:00:00Z"),
            &c,
        );
        assert_eq!(out.wait, Wait::Seconds(900));
    }

    #[test]
    fn fuzz_is_deterministic_and_within_the_reference_range() {
        for days in [3_u32, 10, 50, 400] {
            let f1 = fuzz_interval(days, key_seed("d:c"), 4, 36_500);
            assert_eq!(f1, fuzz_interval(days, key_seed("d:c"), 4, 36_500));
            let spread = f64::from(days) * 0.15 + 1.5;
            assert!(f64::from(f1.abs_diff(days)) <= spread, "{days} -> {f1}");
        }
        assert_eq!(fuzz_interval(2, key_seed("d:c"), 1, 36_500), 2);
        let spread: std::collections::HashSet<u32> = (0..50)
            .map(|reps| fuzz_interval(100, key_seed("d:c"), reps, 36_500))
            .collect();
        assert!(spread.len() > 3, "the draw varies with the review count");
    }

    #[test]
    fn wait_labels() {
        assert_eq!(Wait::Seconds(60).short(), "1m");
        assert_eq!(Wait::Seconds(2 * 3600).short(), "2h");
        assert_eq!(Wait::Days(8).short(), "8d");
        assert_eq!(Wait::Days(61).short(), "2.0mo");
        assert_eq!(Wait::Days(500).short(), "1.4y");
    }
}
