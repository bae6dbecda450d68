//! `medterm stats [--json] [--deck ID]`: streak, heatmap, today, the forecast, card counts
//! and retention.

use std::fmt::Write as _;

use anyhow::Context as _;

use crate::cli::StatsArgs;
use crate::scheduler::{CardState, Op, apply_op};
use crate::settings::Settings;
use crate::stats::{self, Answered, StreakRules};
use crate::storage::reader;
use crate::study::DeckSet;
use crate::study::progress::Library;

use super::{Exit, Out};

pub fn run(settings: &Settings, args: &StatsArgs) -> anyhow::Result<Exit> {
    let library = Library::new(DeckSet::load(&settings.data_dir, &settings.extra_decks));
    let deck = match &args.deck {
        Some(id) => match library.deck_index(id) {
            Some(d) => Some(d),
            None => {
                eprintln!("medterm: no deck `{id}`; `medterm decks` lists them");
                return Ok(Exit::BadInput);
            }
        },
        None => None,
    };
    let reviews = settings.data_dir.reviews_dir();
    let loaded = reader::load(&reviews, library.items.iter().map(|i| i.key.as_str()))
        .with_context(|| format!("cannot read the review logs in {}", reviews.display()))?;
    let cfg = settings.scheduler();
    let clock = settings.clock;

    // Replay once, noting each answer's phase and interval before it.
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
    let mut states = vec![CardState::default(); loaded.cards.len()];
    let mut answered: Vec<Answered> = Vec::with_capacity(loaded.answers.len());
    for (a, ms) in loaded.answers.iter().zip(&loaded.ms) {
        let i = a.card as usize;
        let state = &mut states[i];
        if let Op::Grade(rating) = a.op {
            let item = library.items.get(i);
            answered.push(Answered {
                time: a.time,
                rating,
                ms: *ms,
                phase_before: state.phase,
                interval_before: state.interval_days,
                tag: item_tag.get(i).copied().flatten(),
                deck: item.map(|it| it.deck),
            });
        }
        apply_op(
            state,
            loaded.cards.seed(a.card),
            a.op,
            a.time,
            clock.day_of(a.time),
            &cfg,
        );
    }
    states.truncate(library.items.len());
    states.resize(library.items.len(), CardState::default());
    if let Some(d) = deck {
        answered.retain(|a| a.deck == Some(d));
    }
    let in_deck: Vec<&CardState> = states
        .iter()
        .zip(&library.items)
        .filter(|(_, it)| deck.is_none_or(|d| it.deck == d))
        .map(|(s, _)| s)
        .collect();

    let today = clock.day_of(settings.now);
    let days = stats::by_day(&answered, &clock);
    let rules = StreakRules {
        daily_goal: settings.config.daily_goal.value,
        freezes_per_month: 0,
    };
    let streak = stats::streak(&days, today, rules);
    let heatmap = stats::heatmap(&days, today);
    let owned: Vec<CardState> = in_deck.iter().map(|s| (*s).clone()).collect();
    let forecast = stats::forecast(&owned, today, 30);
    let cards = stats::card_counts(in_deck.iter().copied());
    let (today_reviews, today_ms) = days.get(&today).copied().unwrap_or((0, 0));
    let window = |n: u32| {
        stats::retention(
            &answered,
            &clock,
            today.minus_days(n.saturating_sub(1)),
            today,
        )
    };
    let (r1, r7, r30, r365) = (window(1), window(7), window(30), window(365));
    let share = |r: stats::Retention| r.share().map(|x| (x * 1000.0).round() / 1000.0);
    let studied_days = u32::try_from(days.len()).unwrap_or(u32::MAX).max(1);
    let average =
        f64::from(u32::try_from(answered.len()).unwrap_or(u32::MAX)) / f64::from(studied_days);
    let mut by_tag: Vec<(String, stats::Retention)> = tags
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

    let mut out = Out::stdout();
    if args.json {
        let v = serde_json::json!({
            "study_day": today.to_string(),
            "streak": {"current": streak.current, "longest": streak.longest},
            "today": {"reviews": today_reviews, "seconds": today_ms / 1000},
            "due": {"today": forecast.first().copied().unwrap_or(0), "tomorrow": forecast.get(1).copied().unwrap_or(0)},
            "cards": cards,
            "retention": {
                "today": share(r1[0]), "7d": share(r7[0]), "30d": share(r30[0]), "365d": share(r365[0]),
                "young_30d": share(r30[1]), "mature_30d": share(r30[2]),
            },
            "average_reviews_per_study_day": (average * 10.0).round() / 10.0,
            "retention_by_tag": by_tag.iter().map(|(t, r)| serde_json::json!({"tag": t, "answers": r.answers, "retention": share(*r)})).collect::<Vec<_>>(),
            "forecast": forecast,
            "heatmap": heatmap.iter().map(|(d, n)| serde_json::json!({"date": d.to_string(), "reviews": n})).collect::<Vec<_>>(),
        });
        out.line(&v.to_string())?;
    } else {
        let pct = |r: stats::Retention| {
            r.share()
                .map_or_else(|| "-".to_owned(), |x| format!("{:.0}%", x * 100.0))
        };
        out.line(&format!(
            "streak: {} days (longest {})",
            streak.current, streak.longest
        ))?;
        out.line(&format!(
            "today: {today_reviews} answers, {}m {:02}s",
            today_ms / 60_000,
            today_ms / 1000 % 60
        ))?;
        out.line(&format!(
            "due: {} today, {} tomorrow",
            forecast.first().copied().unwrap_or(0),
            forecast.get(1).copied().unwrap_or(0)
        ))?;
        out.line(&format!(
            "cards: {} ({} new, {} learning, {} young, {} mature, {} suspended, {} leeches)",
            cards.total,
            cards.new,
            cards.learning,
            cards.young,
            cards.mature,
            cards.suspended,
            cards.leech
        ))?;
        out.line(&format!(
            "retention: today {}, 7 days {}, 30 days {} (young {}, mature {}), year {}",
            pct(r1[0]),
            pct(r7[0]),
            pct(r30[0]),
            pct(r30[1]),
            pct(r30[2]),
            pct(r365[0])
        ))?;
        out.line(&format!("average: {average:.1} answers a study day"))?;
        if !by_tag.is_empty() {
            let weakest: Vec<String> = by_tag
                .iter()
                .take(5)
                .map(|(t, r)| format!("{} {}", crate::text::sanitize(t), pct(*r)))
                .collect();
            out.line(&format!("weakest by tag (a year): {}", weakest.join(", ")))?;
        }
        let max = forecast.iter().copied().max().unwrap_or(0).max(1);
        out.line("forecast, next 30 days:")?;
        let bars: String = forecast
            .iter()
            .map(|&n| [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'][(n * 8).div_ceil(max) as usize])
            .collect();
        out.line(&format!("  |{bars}| max {max}"))?;
        out.line("last 52 weeks (weeks across, Monday at the top):")?;
        out.write_str(&heatmap_text(&heatmap))?;
    }
    out.flush()?;
    Ok(Exit::Ok)
}

/// Weeks across, weekdays down, darker for more answers; today marked `@`.
fn heatmap_text(map: &[(crate::scheduler::StudyDay, u32)]) -> String {
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
