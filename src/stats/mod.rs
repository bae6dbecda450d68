//! Study statistics, pure: streaks, the heatmap, retention, the forecast. Everything is
//! counted by study day (`scheduler::DayClock`), with the clock and time zone passed in.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
#[cfg(test)]
use chrono::{DateTime, Utc};

use crate::scheduler::{CardState, Due, Phase, Rating, StudyDay};
#[cfg(test)]
use crate::scheduler::{DayCache, DayClock};

/// One answer as statistics see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answered {
    /// The study day it counts for, where it happened (worked out once, by the replay).
    pub day: StudyDay,
    pub rating: Rating,
    /// The card's phase before the answer: retention counts review-phase answers.
    pub phase_before: Phase,
    /// The card's interval before the answer, in days (young under 21, mature from 21).
    pub interval_before: Option<u32>,
    /// The library item answered, if a loaded deck has it (its deck and tags are the
    /// item's: a year of answers is hundreds of thousands of these).
    pub item: Option<u32>,
}

/// Answers (five seconds each) per study day, from the instants they were given: for the
/// tests' hand-written histories (the report counts its days as its replay goes,
/// `report::Replayed::days`).
#[cfg(test)]
pub fn by_day(times: &[DateTime<Utc>], clock: &DayClock) -> BTreeMap<StudyDay, (u32, u64)> {
    let mut days: BTreeMap<StudyDay, (u32, u64)> = BTreeMap::new();
    let mut cache = DayCache::new(clock);
    for &t in times {
        let e = days.entry(cache.day_of(t)).or_default();
        e.0 += 1;
        e.1 += 5000;
    }
    days
}

/// What a study day needs to count for the streak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// At least this many answers (at least 1).
    Answers(u32),
    /// At least one answer, and nothing left due at the day's end (or the day's review
    /// limit reached).
    AllDue,
}

impl Goal {
    /// Whether a day with `answers` answers, `cleared` or not, meets the goal.
    pub fn met(self, answers: u32, cleared: bool) -> bool {
        match self {
            Goal::Answers(n) => answers >= n.max(1),
            Goal::AllDue => answers > 0 && cleared,
        }
    }
}

impl std::fmt::Display for Goal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Goal::Answers(n) => write!(f, "{n}"),
            Goal::AllDue => f.write_str("\"all-due\""),
        }
    }
}

/// Study days the review logs mark, beyond their answers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DayMarks {
    /// Nothing was due at the day's start and no new card was left.
    pub idle: BTreeSet<StudyDay>,
    /// Nothing was left due at the day's end, or the day's review limit was reached.
    pub cleared: BTreeSet<StudyDay>,
}

/// How a streak is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreakRules {
    pub goal: Goal,
    /// Missed days a calendar month may cover.
    pub freezes_per_month: u32,
    /// Idle days (nothing due, no new card left) keep the run instead of breaking it.
    pub keep_idle_days: bool,
    /// Review answers that clear a day for `Goal::AllDue` even with cards left due (the
    /// daily review limit: the queue shows no more).
    pub review_limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Streak {
    pub current: u32,
    pub longest: u32,
    /// Missed days covered by a freeze.
    pub frozen: Vec<StudyDay>,
}

/// The streak: consecutive study days meeting the goal, ending today, or yesterday while
/// today is still open. A missed day inside a run is covered by a freeze if its month has
/// one left; frozen days keep the run going but do not count in it. Idle days (nothing
/// was due and no new card was left) neither count nor break it.
pub fn streak(
    days: &BTreeMap<StudyDay, (u32, u64)>,
    today: StudyDay,
    rules: StreakRules,
    marks: &DayMarks,
) -> Streak {
    let met = |d: StudyDay| {
        days.get(&d)
            .is_some_and(|&(n, _)| rules.goal.met(n, marks.cleared.contains(&d)))
    };
    let Some(first) = days.keys().copied().find(|&d| met(d)) else {
        return Streak::default();
    };
    let mut out = Streak::default();
    let mut run = 0u32;
    let mut used: BTreeMap<(i32, u32), u32> = BTreeMap::new();
    let mut day = first;
    while day <= today {
        if met(day) {
            run += 1;
        } else if day == today || (rules.keep_idle_days && marks.idle.contains(&day)) {
            // Today is still open, and a day with nothing to study asked nothing: neither
            // adds to the run nor breaks it.
        } else {
            let month = (day.date().year(), day.date().month());
            let left = rules
                .freezes_per_month
                .saturating_sub(used.get(&month).copied().unwrap_or(0));
            // A freeze only bridges to a later day that keeps the run going.
            let bridges = (1..=u32::try_from(today.days_since(day)).unwrap_or(0))
                .any(|k| met(day.plus_days(k)));
            if run > 0 && left > 0 && bridges {
                *used.entry(month).or_default() += 1;
                out.frozen.push(day);
            } else {
                run = 0;
            }
        }
        out.longest = out.longest.max(run);
        day = day.plus_days(1);
    }
    out.current = run;
    out
}

/// The last 52 weeks and this one, Monday first, ending today: (day, answers).
pub fn heatmap(days: &BTreeMap<StudyDay, (u32, u64)>, today: StudyDay) -> Vec<(StudyDay, u32)> {
    let weekday = i64::from(today.date().weekday().num_days_from_monday());
    let start = today.minus_days(u32::try_from(52 * 7 + weekday).unwrap_or(0));
    let n = u32::try_from(today.days_since(start)).unwrap_or(0);
    (0..=n)
        .map(|k| {
            let d = start.plus_days(k);
            (d, days.get(&d).map_or(0, |x| x.0))
        })
        .collect()
}

/// Review cards coming due on each of the next `n` study days (today first, overdue ones
/// counted today).
pub fn forecast(states: &[CardState], today: StudyDay, n: u32) -> Vec<u32> {
    let mut out = vec![0; n as usize];
    for s in states.iter().filter(|s| !s.suspended) {
        if let (Phase::Review, Due::Day(d)) = (s.phase, s.due) {
            let k = usize::try_from(d.days_since(today).max(0)).unwrap_or(usize::MAX);
            if let Some(slot) = out.get_mut(k) {
                *slot += 1;
            }
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct CardCounts {
    pub total: u32,
    pub new: u32,
    pub learning: u32,
    /// Review cards with an interval under 21 days.
    pub young: u32,
    pub mature: u32,
    pub suspended: u32,
    pub leech: u32,
}

impl CardCounts {
    /// Counts one more card.
    pub fn add(&mut self, s: &CardState) {
        self.total += 1;
        if s.leech {
            self.leech += 1;
        }
        if s.suspended {
            self.suspended += 1;
            return;
        }
        match s.phase {
            Phase::New => self.new += 1,
            Phase::Learning | Phase::Relearning => self.learning += 1,
            Phase::Review if s.interval_days.unwrap_or(0) < 21 => self.young += 1,
            Phase::Review => self.mature += 1,
        }
    }
}

pub fn card_counts<'a>(states: impl IntoIterator<Item = &'a CardState>) -> CardCounts {
    let mut c = CardCounts::default();
    for s in states {
        c.add(s);
    }
    c
}

/// True retention: the share of review-phase answers that were not Again.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Retention {
    pub answers: u32,
    pub recalled: u32,
}

impl Retention {
    pub fn share(&self) -> Option<f64> {
        (self.answers > 0).then(|| f64::from(self.recalled) / f64::from(self.answers))
    }

    /// Counts one more answer.
    pub fn add(&mut self, a: &Answered) {
        self.answers += 1;
        self.recalled += u32::from(a.rating != Rating::Again);
    }
}

/// Retention over the study days `from..=today`: all, young, mature.
pub fn retention<'a>(
    answers: impl IntoIterator<Item = &'a Answered>,
    from: StudyDay,
    today: StudyDay,
) -> [Retention; 3] {
    let mut r = [Retention::default(); 3];
    for a in answers
        .into_iter()
        .filter(|a| a.phase_before == Phase::Review)
    {
        let d = a.day;
        if d < from || d > today {
            continue;
        }
        r[0].add(a);
        r[if a.interval_before.unwrap_or(0) < 21 {
            1
        } else {
            2
        }]
        .add(a);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::Zone;
    use chrono_tz::America::New_York;
    use chrono_tz::Europe::Madrid;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(s: &str) -> StudyDay {
        s.parse().unwrap()
    }

    /// An answer at `time`, counted for its study day in UTC with the rollover at 4.
    fn answer(time: &str) -> Answered {
        Answered {
            day: DayClock::new(Zone::Named(chrono_tz::UTC), 4).day_of(t(time)),
            rating: Rating::Good,
            phase_before: Phase::Review,
            interval_before: Some(3),
            item: None,
        }
    }

    const RULES: StreakRules = StreakRules {
        goal: Goal::Answers(1),
        freezes_per_month: 0,
        keep_idle_days: true,
        review_limit: 200,
    };

    #[test]
    fn a_review_at_half_past_two_counts_for_the_day_before() {
        let clock = DayClock::new(Zone::Named(Madrid), 4);
        // 02:30 in Madrid on 6 December is the study day of 5 December.
        let days = by_day(
            &[t("2026-12-04T20:00:00Z"), t("2026-12-06T01:30:00Z")],
            &clock,
        );
        assert_eq!(
            days.keys().copied().collect::<Vec<_>>(),
            [day("2026-12-04"), day("2026-12-05")]
        );
        let s = streak(&days, day("2026-12-06"), RULES, &DayMarks::default());
        assert_eq!((s.current, s.longest), (2, 2), "today is still open");
        assert_eq!(
            streak(&days, day("2026-12-07"), RULES, &DayMarks::default()).current,
            0
        );
    }

    #[test]
    fn streaks_run_through_dst_changes_in_new_york_and_madrid() {
        for (zone, spring, fall) in [
            (Zone::Named(New_York), "2026-03-08", "2026-11-01"),
            (Zone::Named(Madrid), "2026-03-29", "2026-10-25"),
        ] {
            let clock = DayClock::new(zone, 4);
            for week_start in [spring, fall] {
                // Every evening at 21:00 local for a week around the change.
                let first = day(week_start).minus_days(3);
                let answers: Vec<DateTime<Utc>> = (0..7)
                    .map(|k| {
                        let d = first.plus_days(k);
                        let local = d.date().and_hms_opt(21, 0, 0).unwrap();
                        match zone {
                            Zone::Named(tz) => {
                                local.and_local_timezone(tz).unwrap().with_timezone(&Utc)
                            }
                            Zone::Local => unreachable!(),
                        }
                    })
                    .collect();
                let days = by_day(&answers, &clock);
                assert_eq!(days.len(), 7, "{week_start}: one study day each evening");
                assert_eq!(
                    streak(&days, first.plus_days(6), RULES, &DayMarks::default()).current,
                    7,
                    "{week_start}"
                );
            }
        }
    }

    #[test]
    fn moving_from_utc_plus_one_to_utc_minus_five_keeps_each_review_on_its_local_day() {
        // Madrid on the 1st and 2nd, then New York from the 3rd: each review belongs to the
        // study day where it happened.
        let madrid = DayClock::new(Zone::Named(Madrid), 4);
        let new_york = DayClock::new(Zone::Named(New_York), 4);
        let mut days = by_day(
            &[t("2026-12-01T20:00:00Z"), t("2026-12-02T20:00:00Z")],
            &madrid,
        );
        days.extend(by_day(
            &[t("2026-12-04T02:00:00Z"), t("2026-12-05T02:00:00Z")],
            &new_york,
        ));
        // 21:00 in New York on the 3rd and 4th.
        assert!(days.contains_key(&day("2026-12-03")) && days.contains_key(&day("2026-12-04")));
        assert_eq!(
            streak(&days, day("2026-12-04"), RULES, &DayMarks::default()).current,
            4
        );
    }

    #[test]
    fn goals_freezes_and_the_longest_run() {
        let clock = DayClock::new(Zone::Named(chrono_tz::UTC), 4);
        let mut answers = Vec::new();
        for d in [
            "2026-11-01",
            "2026-11-02",
            "2026-11-03",
            "2026-11-05",
            "2026-11-06",
        ] {
            answers.push(t(&format!("{d}T12:00:00Z")));
        }
        let days = by_day(&answers, &clock);
        let s = streak(&days, day("2026-11-06"), RULES, &DayMarks::default());
        assert_eq!((s.current, s.longest), (2, 3));
        let s = streak(
            &days,
            day("2026-11-06"),
            StreakRules {
                freezes_per_month: 1,
                ..RULES
            },
            &DayMarks::default(),
        );
        assert_eq!(
            (s.current, s.longest, s.frozen.clone()),
            (5, 5, vec![day("2026-11-04")])
        );
        let s = streak(
            &days,
            day("2026-11-06"),
            StreakRules {
                goal: Goal::Answers(2),
                ..RULES
            },
            &DayMarks::default(),
        );
        assert_eq!(s, Streak::default());
    }

    #[test]
    fn a_day_with_nothing_to_study_does_not_break_the_streak() {
        let clock = DayClock::new(Zone::Named(chrono_tz::UTC), 4);
        let days = by_day(
            &[t("2026-11-01T12:00:00Z"), t("2026-11-03T12:00:00Z")],
            &clock,
        );
        let today = day("2026-11-03");
        assert_eq!(streak(&days, today, RULES, &DayMarks::default()).current, 1);
        let idle = DayMarks {
            idle: [day("2026-11-02")].into(),
            ..DayMarks::default()
        };
        assert_eq!(streak(&days, today, RULES, &idle).current, 2);
        let strict = StreakRules {
            keep_idle_days: false,
            ..RULES
        };
        assert_eq!(streak(&days, today, strict, &idle).current, 1);
    }

    #[test]
    fn the_all_due_goal_needs_the_day_cleared_and_one_answer() {
        let clock = DayClock::new(Zone::Named(chrono_tz::UTC), 4);
        let days = by_day(
            &[
                t("2026-11-01T12:00:00Z"),
                t("2026-11-02T12:00:00Z"),
                t("2026-11-03T12:00:00Z"),
            ],
            &clock,
        );
        let rules = StreakRules {
            goal: Goal::AllDue,
            ..RULES
        };
        // The 2nd was left with cards due: the run starts again on the 3rd.
        let marks = DayMarks {
            cleared: [day("2026-11-01"), day("2026-11-03"), day("2026-11-04")].into(),
            ..DayMarks::default()
        };
        let s = streak(&days, day("2026-11-03"), rules, &marks);
        assert_eq!((s.current, s.longest), (1, 1));
        // A cleared day without an answer (the 4th) is not a study day; today stays open.
        assert_eq!(streak(&days, day("2026-11-04"), rules, &marks).current, 1);
        assert_eq!(streak(&days, day("2026-11-05"), rules, &marks).current, 0);
        let all: DayMarks = DayMarks {
            cleared: days.keys().copied().collect(),
            ..DayMarks::default()
        };
        assert_eq!(streak(&days, day("2026-11-03"), rules, &all).current, 3);
        assert!(Goal::Answers(0).met(1, false) && !Goal::Answers(0).met(0, true));
    }

    #[test]
    fn heatmap_forecast_counts_and_retention() {
        let clock = DayClock::new(Zone::Named(chrono_tz::UTC), 4);
        let today = day("2026-12-04"); // a Friday
        let days = by_day(
            &[t("2026-12-04T12:00:00Z"), t("2026-12-04T13:00:00Z")],
            &clock,
        );
        let map = heatmap(&days, today);
        assert_eq!(map.len(), 52 * 7 + 5);
        assert_eq!(map[0].0.date().weekday(), chrono::Weekday::Mon);
        assert_eq!(map.last(), Some(&(today, 2)));
        let review = |due: &str, ivl| CardState {
            phase: Phase::Review,
            due: Due::Day(day(due)),
            interval_days: Some(ivl),
            ..CardState::default()
        };
        let states = [
            review("2026-12-01", 5),
            review("2026-12-05", 30),
            CardState::default(),
        ];
        assert_eq!(&forecast(&states, today, 30)[..3], [1, 1, 0]);
        let c = card_counts(&states);
        assert_eq!((c.total, c.new, c.young, c.mature), (3, 1, 1, 1));
        let mut forgot = answer("2026-12-04T14:00:00Z");
        forgot.rating = Rating::Again;
        forgot.interval_before = Some(40);
        let r = retention(&[answer("2026-12-04T12:00:00Z"), forgot], today, today);
        assert_eq!(r[0].share(), Some(0.5));
        assert_eq!((r[1].share(), r[2].share()), (Some(1.0), Some(0.0)));
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_streak_never_exceeds_the_days_studied_plus_freezes_and_longest_covers_current(
            offsets in proptest::collection::btree_set(0u32..120, 0..60),
            freezes in 0u32..3,
            goal in 1u32..3,
            all_due in any::<bool>(),
            cleared in proptest::collection::btree_set(0u32..126, 0..80),
            idle in proptest::collection::btree_set(0u32..126, 0..20),
            counts in proptest::collection::vec(1u32..4, 60),
        ) {
            let start: StudyDay = "2026-01-01".parse().unwrap();
            let days: BTreeMap<StudyDay, (u32, u64)> = offsets
                .iter()
                .zip(counts.iter().cycle())
                .map(|(&o, &n)| (start.plus_days(o), (n, 0)))
                .collect();
            let marks = DayMarks {
                idle: idle.iter().map(|&o| start.plus_days(o)).collect(),
                cleared: cleared.iter().map(|&o| start.plus_days(o)).collect(),
            };
            let goal = if all_due { Goal::AllDue } else { Goal::Answers(goal) };
            let today = start.plus_days(125);
            let s = streak(&days, today, StreakRules { goal, freezes_per_month: freezes, keep_idle_days: true, review_limit: 200 }, &marks);
            let met = u32::try_from(
                days.iter().filter(|(d, (n, _))| goal.met(*n, marks.cleared.contains(d))).count(),
            )
            .unwrap();
            prop_assert!(s.longest >= s.current);
            prop_assert!(s.longest <= met);
            prop_assert!(u32::try_from(s.frozen.len()).unwrap() <= freezes * 5);
            prop_assert!(s.frozen.iter().all(|d| !days.contains_key(d) || !goal.met(days[d].0, marks.cleared.contains(d))));
        }
    }
}
