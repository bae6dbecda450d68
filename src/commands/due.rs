//! `medterm due [DECK_ID...] [--json]`: the non-interactive twin of opening a session.

use anyhow::Context as _;

use crate::cli::DueArgs;
use crate::scheduler::Phase;
use crate::settings::Settings;
use crate::study::drill::Drill;
use crate::study::progress::{drill_counts, load_library_and_progress, todays_queue};
use crate::text;

use super::{Exit, Out};

pub fn run(settings: &Settings, args: &DueArgs) -> anyhow::Result<Exit> {
    let cfg = settings.scheduler();
    let (library, progress, report) =
        load_library_and_progress(&settings.data_dir, &settings.extra_decks, &cfg).with_context(
            || {
                format!(
                    "cannot read the review logs in {}",
                    settings.data_dir.reviews_dir().display()
                )
            },
        )?;
    let mut chosen = Vec::new();
    for id in &args.deck_ids {
        match library.deck_index(id) {
            Some(i) => chosen.push(i),
            None => {
                let ids: Vec<&str> = library
                    .decks
                    .loaded
                    .decks
                    .iter()
                    .map(|d| d.id.as_str())
                    .collect();
                eprintln!(
                    "medterm: no deck `{id}`; the loaded decks are: {}",
                    ids.join(", ")
                );
                return Ok(Exit::BadInput);
            }
        }
    }
    let today = settings.clock.day_of(settings.now);
    let decks = (!chosen.is_empty()).then_some(chosen.as_slice());
    let (items, queue) = todays_queue(
        &library,
        &progress,
        None,
        decks,
        None,
        &settings.limits(),
        settings.now,
        today,
    );

    // Per deck: new, learning, review in today's queue.
    let deck_count = library.decks.loaded.decks.len();
    let mut counts = vec![[0_u32; 3]; deck_count];
    for &q in queue.learning.iter().chain(&queue.main).chain(&queue.ahead) {
        let item_index = items[q as usize] as usize;
        let item = &library.items[item_index];
        let slot = match progress.states[item_index].phase {
            Phase::New => 0,
            Phase::Learning | Phase::Relearning => 1,
            Phase::Review => 2,
        };
        counts[item.deck as usize][slot] += 1;
    }
    let first = queue
        .first()
        .map(|q| library.items[items[q as usize] as usize].key.clone());
    let shown: Vec<usize> = (0..deck_count)
        .filter(|&d| decks.is_none_or(|c| c.contains(&u32::try_from(d).unwrap_or(u32::MAX))))
        .collect();
    let total = shown.iter().fold([0_u32; 3], |acc, &d| {
        [
            acc[0] + counts[d][0],
            acc[1] + counts[d][1],
            acc[2] + counts[d][2],
        ]
    });

    // Each drill of the chosen decks that has items: new and due (steps and reviews).
    let drills: Vec<(Drill, u32, u32)> = Drill::ALL
        .into_iter()
        .zip(drill_counts(
            &library,
            &progress,
            decks,
            &settings.limits(),
            settings.now,
            today,
        ))
        .filter_map(|(d, c)| c.map(|(new, due)| (d, new, due)))
        .collect();

    let mut out = Out::stdout();
    if args.json {
        let decks: Vec<serde_json::Value> = shown
            .iter()
            .map(|&d| {
                serde_json::json!({
                    "id": library.decks.loaded.decks[d].id,
                    "new": counts[d][0],
                    "learning": counts[d][1],
                    "review": counts[d][2],
                })
            })
            .collect();
        let value = serde_json::json!({
            "study_day": today.to_string(),
            "decks": decks,
            "total": {"new": total[0], "learning": total[1], "review": total[2]},
            "first": first,
            "drills": drills
                .iter()
                .map(|(d, new, due)| (d.as_str().to_owned(), serde_json::json!({"new": new, "due": due})))
                .collect::<serde_json::Map<_, _>>(),
        });
        out.line(&text::json(&value))?;
    } else {
        let w = shown
            .iter()
            .map(|&d| text::width(&library.decks.loaded.decks[d].id))
            .max()
            .unwrap_or(4)
            .max(5);
        out.line(&format!(
            "{:w$}  {:>5}  {:>8}  {:>6}",
            "DECK", "NEW", "LEARNING", "REVIEW"
        ))?;
        for &d in &shown {
            let id = text::sanitize(&library.decks.loaded.decks[d].id).into_owned();
            let pad = " ".repeat(w.saturating_sub(text::width(&id)));
            out.line(&format!(
                "{id}{pad}  {:>5}  {:>8}  {:>6}",
                counts[d][0], counts[d][1], counts[d][2]
            ))?;
        }
        out.line(&format!(
            "{:w$}  {:>5}  {:>8}  {:>6}",
            "total", total[0], total[1], total[2]
        ))?;
        match &first {
            Some(key) => out.line(&format!("first card: {}", text::sanitize(key)))?,
            None => out.line("nothing is due: come back tomorrow")?,
        }
        if !drills.is_empty() {
            let parts: Vec<String> = drills
                .iter()
                .map(|(d, new, due)| format!("{} {new} new, {due} due", d.as_str()))
                .collect();
            out.line(&format!("drills: {}", parts.join(" · ")))?;
        }
        for d in &report.damage {
            eprintln!(
                "medterm: warning: {}:{}: a review log line was skipped",
                text::sanitize(&d.path.display().to_string()),
                d.line
            );
        }
    }
    out.flush()?;
    // The process ends now: the system takes back the cards' few hundred thousand strings
    // at once, where freeing them one by one took a fifth of a start with the caches valid.
    std::mem::forget((library, progress));
    Ok(Exit::Ok)
}
