//! `medterm script`: a study session driven from standard input, for scripts and for the
//! tests that kill a real process while it answers. `saved KEY RATING` is printed only once
//! the answer is on disk. `at RFC3339` sets the clock for the commands after it, so a test
//! can move it backwards between two answers.

use std::io::BufRead as _;

use chrono::{DateTime, Utc};

use crate::cli::ScriptArgs;
use crate::scheduler::Rating;
use crate::settings::Settings;
use crate::study::progress::LiveQueue;
use crate::study::session::{OpenError, Session};

use super::{Exit, Out};

pub fn run(settings: &Settings, args: &ScriptArgs, fixed_now: bool) -> anyhow::Result<Exit> {
    let mut session = match Session::open(settings, true) {
        Ok(s) => s,
        Err(OpenError::Lock(e)) => {
            eprintln!("medterm: {e}");
            return Ok(Exit::Failure);
        }
        Err(e) => return Err(e.into()),
    };
    for n in &session.notices {
        eprintln!("medterm: warning: {}", n.message());
    }
    let mut decks = Vec::new();
    for id in &args.deck_ids {
        match session.library.deck_index(id) {
            Some(d) => decks.push(d),
            None => {
                eprintln!("medterm: no deck `{id}`");
                return Ok(Exit::BadInput);
            }
        }
    }
    let limits = settings.limits();
    let mut out = Out::stdout();
    let mut clock = fixed_now.then_some(settings.now);
    let mut kept: Option<LiveQueue> = None;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let mut words = line.split_whitespace();
        let Some(cmd) = words.next() else { continue };
        if cmd == "at" {
            let msg = match words.next().map(DateTime::parse_from_rfc3339) {
                Some(Ok(t)) => {
                    clock = Some(t.with_timezone(&Utc));
                    format!("clock {}", t.to_rfc3339())
                }
                _ => "error: at needs an RFC 3339 time".to_owned(),
            };
            out.line(&msg)?;
            out.flush()?;
            continue;
        }
        let now = clock.unwrap_or_else(Utc::now);
        if cmd == "q" {
            break;
        }
        // The app's queue, kept and updated per answer as the app does, so the time an
        // answer takes here is the app's.
        if kept.as_ref().is_none_or(|q| q.is_stale(now)) {
            let (items, queue) = session.queue(
                None,
                (!decks.is_empty()).then_some(decks.as_slice()),
                None,
                &limits,
                now,
            );
            kept = Some(LiveQueue::new(items, queue, now));
        }
        let first = kept
            .as_mut()
            .and_then(|l| l.first(&session.progress.states, now));
        let key = |s: &Session, item: u32| s.library.items[item as usize].key.clone();
        let result = match (cmd, first) {
            ("u", _) => {
                kept = None;
                session
                    .undo(now)
                    .map(|item| format!("undone {}", key(&session, item)))
            }
            ("1" | "2" | "3" | "4", Some(item)) => {
                let rating = Rating::from_number(cmd.parse().unwrap_or(3)).unwrap_or(Rating::Good);
                let ms = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
                session
                    .answer(item, rating, ms, now)
                    .map(|()| format!("saved {} {}", key(&session, item), rating.number()))
            }
            ("s", Some(item)) => session
                .bury(item, now)
                .map(|()| format!("skipped {}", key(&session, item))),
            ("!", Some(item)) => session
                .set_suspended(item, true, now)
                .map(|()| format!("suspended {}", key(&session, item))),
            (_, None) => Ok("nothing due".to_owned()),
            (other, _) => Ok(format!(
                "unknown command {other:?}: use 1-4, u, s, !, at TIME or q"
            )),
        };
        if let (Ok(_), Some(item), Some(l)) = (&result, first, kept.as_mut())
            && matches!(cmd, "1" | "2" | "3" | "4" | "s" | "!")
        {
            let today = session.cfg.clock.day_of(now);
            l.answered(item, &session.progress.states[item as usize], now, today);
        }
        match result {
            Ok(msg) => out.line(&msg)?,
            Err(e) => out.line(&format!("error: {e}"))?,
        }
        out.flush()?;
    }
    Ok(Exit::Ok)
}
