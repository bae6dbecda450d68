//! The statistics report: one replay of the history, every figure of `medterm stats` and the
//! stats screen, as JSON or as lines of text.

use std::fmt::Write as _;

use serde_json::json;

use crate::scheduler::{CardState, Op, SchedulerConfig, StudyDay, apply_op};
use crate::stats::{self, Answered, Retention, Streak, StreakRules};
use crate::storage::reader::Loaded;

use super::progress::Library;

#[derive(Debug, Clone)]
pub struct Report {
    pub today: StudyDay,
    pub streak: Streak,
    pub today_reviews: u32,
    pub today_ms: u64,
    pub forecast: Vec<u32>,
    pub cards: stats::CardCounts,
    /// Today, 7 days, 30 days, a year: [all, young, mature] each.
    pub retention: [[Retention; 3]; 4],
    pub average: f64,
    /// Weakest first.
    pub by_tag: Vec<(String, Retention)>,
    pub heatmap: Vec<(StudyDay, u32)>,
}

/// One replay of the history for statistics: every answer with its card's phase and
/// interval before it, the idle days (nothing due at the day's start, no new card left),
/// and every card's final state. Cards numbered below `n_items` are the library's items.
pub struct Replayed {
    pub answered: Vec<Answered>,
    pub idle: std::collections::BTreeSet<StudyDay>,
    pub states: Vec<CardState>,
    pub today: StudyDay,
}

pub fn replay_answers(
    loaded: &Loaded,
    n_items: usize,
    item_tag: &[Option<u32>],
    item_deck: &[u32],
    cfg: &SchedulerConfig,
    now: chrono::DateTime<chrono::Utc>,
) -> Replayed {
    let clock = cfg.clock;
    let mut states = vec![CardState::default(); loaded.cards.len()];
    let mut answered: Vec<Answered> = Vec::with_capacity(loaded.answers.len());
    // Idle days, for the streak: nothing due (by the states at the day's start) and no new
    // card left. Tracked with the due days of every scheduled card and the unseen count.
    let mut due_days: std::collections::BTreeMap<StudyDay, u32> = std::collections::BTreeMap::new();
    let mut unseen = n_items;
    let mut idle = std::collections::BTreeSet::new();
    let mut last_day: Option<StudyDay> = None;
    let due_day = |s: &CardState| match s.due {
        crate::scheduler::Due::Day(d) if !s.suspended => Some(d),
        crate::scheduler::Due::At(t) if !s.suspended => Some(clock.day_of(t)),
        _ => None,
    };
    let mut note_idle = |from: StudyDay,
                         to: StudyDay,
                         due_days: &std::collections::BTreeMap<StudyDay, u32>,
                         unseen: usize| {
        let mut d = from;
        while d < to {
            let nothing_due = due_days.keys().next().is_none_or(|first| *first > d);
            if nothing_due && unseen == 0 {
                idle.insert(d);
            }
            d = d.plus_days(1);
        }
    };
    for (a, ms) in loaded.answers.iter().zip(&loaded.ms) {
        let i = a.card as usize;
        let day = clock.day_of(a.time);
        if let Some(prev) = last_day
            && day > prev
        {
            note_idle(prev.plus_days(1), day, &due_days, unseen);
        }
        last_day = Some(last_day.map_or(day, |p| p.max(day)));
        let state = &mut states[i];
        if let Some(d) = due_day(state)
            && let Some(n) = due_days.get_mut(&d)
        {
            *n -= 1;
            if *n == 0 {
                due_days.remove(&d);
            }
        }
        if state.reps == 0 && matches!(a.op, Op::Grade(_)) && i < n_items {
            unseen = unseen.saturating_sub(1);
        }
        if let Op::Grade(rating) = a.op {
            answered.push(Answered {
                time: a.time,
                rating,
                ms: *ms,
                phase_before: state.phase,
                interval_before: state.interval_days,
                tag: item_tag.get(i).copied().flatten(),
                deck: item_deck.get(i).copied(),
            });
        }
        apply_op(state, loaded.cards.seed(a.card), a.op, a.time, day, cfg);
        if let Some(d) = due_day(state) {
            *due_days.entry(d).or_default() += 1;
        }
    }
    let today = clock.day_of(now);
    if let Some(prev) = last_day {
        note_idle(prev.plus_days(1), today, &due_days, unseen);
    }
    Replayed {
        answered,
        idle,
        states,
        today,
    }
}

/// Replays the history once, noting each answer's phase and interval before it.
pub fn report(
    library: &Library,
    loaded: &Loaded,
    cfg: &SchedulerConfig,
    now: chrono::DateTime<chrono::Utc>,
    rules: StreakRules,
    deck: Option<u32>,
) -> Report {
    let clock = cfg.clock;
    let mut tags: Vec<String> = Vec::new();
    let item_tag: Vec<Option<u32>> = library
        .items
        .iter()
        .map(|i| {
            library.card_of(i).tags.first().map(|t| {
                let n = tags.iter().position(|x| x == t).unwrap_or_else(|| {
                    tags.push(t.clone());
                    tags.len() - 1
                });
                u32::try_from(n).unwrap_or(u32::MAX)
            })
        })
        .collect();
    let item_deck: Vec<u32> = library.items.iter().map(|i| i.deck).collect();
    let Replayed {
        mut answered,
        idle,
        mut states,
        today,
    } = replay_answers(loaded, library.items.len(), &item_tag, &item_deck, cfg, now);
    states.resize(
        loaded.cards.len().max(library.items.len()),
        CardState::default(),
    );
    states.truncate(library.items.len());
    if let Some(d) = deck {
        answered.retain(|a| a.deck == Some(d));
    }
    let in_deck: Vec<CardState> = states
        .into_iter()
        .zip(&library.items)
        .filter(|(_, it)| deck.is_none_or(|d| it.deck == d))
        .map(|(s, _)| s)
        .collect();
    let days = stats::by_day(&answered, &clock);
    let window = |n: u32| {
        stats::retention(
            &answered,
            &clock,
            today.minus_days(n.saturating_sub(1)),
            today,
        )
    };
    let studied_days = u32::try_from(days.len()).unwrap_or(u32::MAX).max(1);
    let mut by_tag: Vec<(String, Retention)> = tags
        .iter()
        .enumerate()
        .map(|(n, t)| {
            let mine: Vec<Answered> = answered
                .iter()
                .filter(|a| a.tag == u32::try_from(n).ok())
                .copied()
                .collect();
            (
                t.clone(),
                stats::retention(&mine, &clock, today.minus_days(364), today)[0],
            )
        })
        .filter(|(_, r)| r.answers > 0)
        .collect();
    by_tag.sort_by(|a, b| {
        a.1.share()
            .partial_cmp(&b.1.share())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let (today_reviews, today_ms) = days.get(&today).copied().unwrap_or((0, 0));
    Report {
        today,
        streak: stats::streak(&days, today, rules, &idle),
        today_reviews,
        today_ms,
        forecast: stats::forecast(&in_deck, today, 30),
        cards: stats::card_counts(&in_deck),
        retention: [window(1), window(7), window(30), window(365)],
        average: f64::from(u32::try_from(answered.len()).unwrap_or(u32::MAX))
            / f64::from(studied_days),
        by_tag,
        heatmap: stats::heatmap(&days, today),
    }
}

fn share(r: Retention) -> Option<f64> {
    r.share().map(|x| (x * 1000.0).round() / 1000.0)
}

fn pct(r: Retention) -> String {
    r.share()
        .map_or_else(|| "-".to_owned(), |x| format!("{:.0}%", x * 100.0))
}

impl Report {
    pub fn to_json(&self) -> serde_json::Value {
        let r = &self.retention;
        json!({
            "study_day": self.today.to_string(),
            "streak": {"current": self.streak.current, "longest": self.streak.longest},
            "today": {"reviews": self.today_reviews, "seconds": self.today_ms / 1000},
            "due": {"today": self.forecast.first().copied().unwrap_or(0), "tomorrow": self.forecast.get(1).copied().unwrap_or(0)},
            "cards": self.cards,
            "retention": {
                "today": share(r[0][0]), "7d": share(r[1][0]), "30d": share(r[2][0]), "365d": share(r[3][0]),
                "young_30d": share(r[2][1]), "mature_30d": share(r[2][2]),
            },
            "average_reviews_per_study_day": (self.average * 10.0).round() / 10.0,
            "retention_by_tag": self.by_tag.iter().map(|(t, r)| json!({"tag": t, "answers": r.answers, "retention": share(*r)})).collect::<Vec<_>>(),
            "forecast": self.forecast,
            "heatmap": self.heatmap.iter().map(|(d, n)| json!({"date": d.to_string(), "reviews": n})).collect::<Vec<_>>(),
        })
    }

    /// The report as text: the figures, the forecast chart and the heatmap.
    pub fn lines(&self) -> Vec<String> {
        let (c, r) = (&self.cards, &self.retention);
        let mut out = vec![
            format!(
                "streak: {} days (longest {})",
                self.streak.current, self.streak.longest
            ),
            format!(
                "today: {} answers, {}m {:02}s",
                self.today_reviews,
                self.today_ms / 60_000,
                self.today_ms / 1000 % 60
            ),
            format!(
                "due: {} today, {} tomorrow",
                self.forecast.first().copied().unwrap_or(0),
                self.forecast.get(1).copied().unwrap_or(0)
            ),
            format!(
                "cards: {} ({} new, {} learning, {} young, {} mature, {} suspended, {} leeches)",
                c.total, c.new, c.learning, c.young, c.mature, c.suspended, c.leech
            ),
            format!(
                "retention: today {}, 7 days {}, 30 days {} (young {}, mature {}), year {}",
                pct(r[0][0]),
                pct(r[1][0]),
                pct(r[2][0]),
                pct(r[2][1]),
                pct(r[2][2]),
                pct(r[3][0])
            ),
            format!("average: {:.1} answers a study day", self.average),
        ];
        if !self.by_tag.is_empty() {
            let weakest: Vec<String> = self
                .by_tag
                .iter()
                .take(5)
                .map(|(t, r)| format!("{} {}", crate::text::sanitize(t), pct(*r)))
                .collect();
            out.push(format!("weakest by tag (a year): {}", weakest.join(", ")));
        }
        let max = self.forecast.iter().copied().max().unwrap_or(0).max(1);
        out.push("forecast, next 30 days:".to_owned());
        let bars: String = self
            .forecast
            .iter()
            .map(|&n| [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'][(n * 8).div_ceil(max) as usize])
            .collect();
        out.push(format!("  |{bars}| max {max}"));
        out.push("last 52 weeks (weeks across, Monday at the top, today @):".to_owned());
        out.extend(heatmap_text(&self.heatmap).lines().map(str::to_owned));
        out
    }
}

/// Weeks across, weekdays down, darker for more answers; today marked `@`.
fn heatmap_text(map: &[(StudyDay, u32)]) -> String {
    let max = map.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let weeks = map.len().div_ceil(7);
    let mut s = String::new();
    for row in 0..7 {
        s.push_str("  ");
        for w in 0..weeks {
            let c = match map.get(w * 7 + row) {
                None => ' ',
                Some(_) if w * 7 + row == map.len() - 1 => '@',
                Some((_, 0)) => '·',
                Some((_, n)) => {
                    ['░', '▒', '▓', '█'][((n * 4).div_ceil(max) as usize).clamp(1, 4) - 1]
                }
            };
            s.push(c);
        }
        let _ = writeln!(s, "  {}", ["Mon", "", "Wed", "", "Fri", "", "Sun"][row]);
    }
    s
}
