//! `medterm history import FILE` and `medterm history export [--format jsonl|csv]`.

use std::io::{IsTerminal as _, Write as _};

use anyhow::Context as _;
use foldhash::HashSet;

use crate::cli::{HistoryCommand, HistoryFormat};
use crate::scheduler::{Interner, Op};
use crate::settings::Settings;
use crate::storage::interchange;
use crate::storage::lock::DataDirLock;
use crate::storage::log::{Action, Appender, Event};
use crate::storage::reader;

use super::{Exit, Out};

pub fn run(settings: &Settings, cmd: &HistoryCommand) -> anyhow::Result<Exit> {
    match cmd {
        HistoryCommand::Import { file } => import(settings, file),
        HistoryCommand::Export { format } => export(settings, *format),
    }
}

/// Answers written (and synced) at a time by `history import`.
const IMPORT_BATCH: usize = 50_000;

fn import(settings: &Settings, file: &std::path::Path) -> anyhow::Result<Exit> {
    // Read a line at a time: the text of a million answers is never held whole.
    let parsed = match std::fs::File::open(file)
        .map_err(interchange::ReadError::Io)
        .and_then(|f| interchange::parse_reader(std::io::BufReader::with_capacity(1 << 20, f)))
    {
        Ok(parsed) => parsed,
        Err(e @ interchange::ReadError::NotUtf8 { .. }) => {
            eprintln!("medterm: {}: {e}", file.display());
            return Ok(Exit::BadInput);
        }
        Err(interchange::ReadError::Io(e)) => {
            eprintln!("medterm: cannot read {}: {e}", file.display());
            return Ok(Exit::Failure);
        }
    };
    if !parsed.bad.is_empty() {
        for b in parsed.bad.iter().take(20) {
            eprintln!("{}:{}: error: {}", file.display(), b.line, b.why);
        }
        if parsed.bad.len() > 20 {
            eprintln!("... and {} more", parsed.bad.len() - 20);
        }
        eprintln!("medterm: nothing imported: fix the lines above and import again");
        return Ok(Exit::BadInput);
    }

    let dir = &settings.data_dir;
    let _lock = match DataDirLock::acquire(&dir.root, &settings.device) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("medterm: {e}");
            return Ok(Exit::Failure);
        }
    };
    let reviews = dir.reviews_dir();
    let existing = reader::load(&reviews, Vec::<String>::new())
        .with_context(|| format!("cannot read the review logs in {}", reviews.display()))?;
    // Exact duplicates by (card, time, rating), the cards numbered: a million answers hold
    // a number each here, not a copy of their card's key.
    let mut cards = Interner::with_capacity(existing.cards.len());
    let mut seen: HashSet<(u32, i64, u8)> = existing
        .answers()
        .filter_map(|a| match a.op {
            Op::Grade(r) => Some((
                cards.intern(existing.cards.key(a.card)),
                a.time.timestamp_millis(),
                r.number(),
            )),
            _ => None,
        })
        .collect();
    drop(existing);
    // The file's cards in the same numbering.
    let numbers: Vec<u32> = (0..parsed.cards.len())
        .map(|i| cards.intern(parsed.cards.key(u32::try_from(i).unwrap_or(u32::MAX))))
        .collect();
    let fresh: Vec<usize> = parsed
        .answers
        .iter()
        .enumerate()
        .filter(|(_, a)| {
            seen.insert((
                numbers[a.card as usize],
                a.time.timestamp_millis(),
                a.rating,
            ))
        })
        .map(|(n, _)| n)
        .collect();
    drop(seen);
    let duplicates = parsed.answers.len() - fresh.len();
    let log = reviews.join(format!("{}.jsonl", settings.device));
    let mut appender =
        Appender::open(&log).with_context(|| format!("cannot open {}", log.display()))?;
    let total = fresh.len();
    let tty = std::io::stderr().is_terminal() && total > 50_000;
    // Written in batches, each synced: the events of one batch at a time are in memory.
    for (b, batch) in fresh.chunks(IMPORT_BATCH).enumerate() {
        let events: Vec<Event> = batch
            .iter()
            .map(|&n| {
                let a = &parsed.answers[n];
                Event {
                    id: format!(
                        "{}-import-{:x}-{:x}-{n}",
                        settings.device,
                        settings.now.timestamp_millis(),
                        std::process::id()
                    ),
                    time: a.time,
                    device: settings.device.clone(),
                    action: Action::Review {
                        card: parsed.cards.key(a.card).to_owned(),
                        rating: a.rating,
                        ms: a.ms,
                    },
                }
            })
            .collect();
        appender.append_batch(&events, |i| {
            if tty {
                eprint!(
                    "\rimporting {:3}%",
                    (b * IMPORT_BATCH + i) * 100 / total.max(1)
                );
                let _ = std::io::stderr().flush();
            }
        })?;
    }
    if tty {
        eprint!("\r{}\r", " ".repeat(20));
    }
    let mut out = Out::stdout();
    out.line(&format!(
        "imported {total} answers into {}; skipped {duplicates} already in the history and {} that are not answers",
        log.display(),
        parsed.skipped.len()
    ))?;
    for s in parsed.skipped.iter().take(5) {
        out.line(&format!(
            "  skipped {}:{}: {}",
            file.display(),
            s.line,
            crate::text::sanitize(&s.why)
        ))?;
    }
    out.flush()?;
    Ok(Exit::Ok)
}

fn export(settings: &Settings, format: HistoryFormat) -> anyhow::Result<Exit> {
    let reviews = settings.data_dir.reviews_dir();
    let loaded = reader::load(&reviews, Vec::<String>::new())
        .with_context(|| format!("cannot read the review logs in {}", reviews.display()))?;
    let mut out = Out::stdout();
    if format == HistoryFormat::Csv {
        out.line(interchange::CSV_HEADER)?;
    }
    for a in loaded.answers() {
        let Op::Grade(rating) = a.op else { continue };
        let key = loaded.cards.key(a.card);
        let ms = u64::from(a.ms);
        let line = match format {
            HistoryFormat::Jsonl => interchange::to_jsonl(key, a.time, rating.number(), ms),
            HistoryFormat::Csv => interchange::to_csv(key, a.time, rating.number(), ms),
        };
        out.line(&line)?;
    }
    out.flush()?;
    Ok(Exit::Ok)
}
