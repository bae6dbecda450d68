//! `medterm replay`: what the scheduler does with a history, one JSON line per event.

use std::io::{self, BufRead, BufReader, Read};

use anyhow::Context as _;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;

use crate::cli::ReplayArgs;
use crate::scheduler::{Due, Params, Rating, Replayer};
use crate::settings::Settings;

use super::{Exit, Out};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Event {
    card: String,
    time: String,
    rating: u64,
    #[serde(default)]
    #[allow(dead_code)]
    duration_ms: Option<u64>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ParamsFile {
    List(Vec<f64>),
    Object { parameters: Vec<f64> },
}

fn read_params(path: &std::path::Path) -> anyhow::Result<Params> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (ParamsFile::List(w) | ParamsFile::Object { parameters: w }) = serde_json::from_str(&text)
        .with_context(|| {
            format!(
                "{}: expected a JSON array of 21 FSRS parameters",
                path.display()
            )
        })?;
    Params::new(&w).with_context(|| path.display().to_string())
}

pub fn run(settings: &Settings, args: &ReplayArgs) -> anyhow::Result<Exit> {
    let mut cfg = settings.scheduler();
    cfg.fuzz = args.fuzz;
    if args.no_steps {
        cfg.learning_steps.clear();
        cfg.relearning_steps.clear();
    }
    if let Some(path) = &args.params {
        cfg.set_params(read_params(path)?);
    }
    let (name, input): (String, Box<dyn Read>) = match &args.file {
        Some(p) if p.as_os_str() != "-" => (
            p.display().to_string(),
            Box::new(
                std::fs::File::open(p).with_context(|| format!("cannot read {}", p.display()))?,
            ),
        ),
        _ => ("<stdin>".to_owned(), Box::new(io::stdin())),
    };
    let mut replayer = Replayer::new(&cfg);
    let mut out = Out::stdout();
    for (i, line) in BufReader::new(input).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {name}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |what: String| {
            eprintln!("{name}:{}: {what}", i + 1);
            Ok(Exit::BadInput)
        };
        let event: Event = match serde_json::from_str(&line) {
            Ok(e) => e,
            Err(e) => {
                return bad(format!(
                    "not a review event ({e}); expected {{\"card\": \"DECK:CARD\", \"time\": RFC3339, \"rating\": 1-4}}"
                ));
            }
        };
        let Some(rating) = Rating::from_number(event.rating) else {
            return bad(format!(
                "rating {} is not 1 (Again) to 4 (Easy)",
                event.rating
            ));
        };
        let time = match DateTime::parse_from_rfc3339(&event.time) {
            Ok(t) => t.with_timezone(&Utc),
            Err(e) => return bad(format!("time \"{}\" is not RFC 3339 ({e})", event.time)),
        };
        let state = replayer.apply(&event.card, rating, time);
        let memory = state.memory.expect("a reviewed card has a memory");
        let due = match state.due {
            Due::At(t) => t,
            Due::Day(day) => settings.clock.start_of(day),
            Due::Unseen => time,
        };
        let line = serde_json::json!({
            "card": event.card,
            "time": event.time,
            "rating": event.rating,
            "state": state.phase.as_str(),
            "step": state.step,
            "stability": memory.stability,
            "difficulty": memory.difficulty,
            "due": due.to_rfc3339_opts(SecondsFormat::Secs, true),
            "interval_days": state.interval_days,
        });
        out.line(&crate::text::json(&line))?;
    }
    out.flush()?;
    Ok(Exit::Ok)
}
