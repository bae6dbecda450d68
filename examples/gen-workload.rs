//! Writes a deterministic workload: a deck and a review history.
//!
//! ```text
//! cargo run --release --example gen-workload -- --cards 50000 --reviews 1000000 \
//!     --end-date 2026-12-04 [--seed 1] [--devices 2] OUT
//! ```
//!
//! - `OUT/decks/bench.toml`: the deck `bench`, cards `c0`, `c1`, ...
//! - `OUT/history.jsonl`: every answer, in time order, in the format `medterm history
//!   import` reads (`{"card", "time", "rating", "duration_ms"}`).
//! - `OUT/history/<device>.jsonl`: the same answers split by device, for importing each
//!   under its own `MEDTERM_DEVICE` (only with `--devices` over 1).
//! - `OUT/reviews/<device>.jsonl`: the same answers as review logs, so `OUT` is a data dir
//!   as it is: `medterm --data-dir OUT due`.
//!
//! Devices are `gen` alone, or `gen1` ... `genN`; each study day is on one of them. See
//! `medterm::workload` for how the history is simulated.

#![allow(clippy::print_stdout)] // a command-line tool

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use medterm::storage::interchange;
use medterm::storage::log::Action;

fn usage() -> ! {
    eprintln!(
        "usage: gen-workload --cards N --reviews N --end-date YYYY-MM-DD [--seed S] [--devices N] OUT"
    );
    std::process::exit(2)
}

fn create(path: &Path) -> std::io::Result<BufWriter<File>> {
    Ok(BufWriter::with_capacity(1 << 20, File::create(path)?))
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut cards, mut reviews, mut end, mut seed, mut devices, mut out) =
        (50_000_usize, 1_000_000_usize, None, 1_u64, 1_usize, None);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--cards" => cards = value().parse().unwrap_or_else(|_| usage()),
            "--reviews" => reviews = value().parse().unwrap_or_else(|_| usage()),
            "--end-date" => end = NaiveDate::parse_from_str(&value(), "%Y-%m-%d").ok(),
            "--seed" => seed = value().parse().unwrap_or_else(|_| usage()),
            "--devices" => devices = value().parse().unwrap_or_else(|_| usage()),
            _ if out.is_none() && !a.starts_with("--") => out = Some(PathBuf::from(a)),
            _ => usage(),
        }
    }
    let (Some(end), Some(out)) = (end, out) else {
        usage()
    };
    if devices == 0 {
        usage()
    }
    std::fs::create_dir_all(out.join("decks"))?;
    std::fs::create_dir_all(out.join("reviews"))?;
    std::fs::write(
        out.join("decks/bench.toml"),
        medterm::workload::deck_toml(cards),
    )?;
    let names: Vec<String> = if devices == 1 {
        vec!["gen".into()]
    } else {
        (1..=devices).map(|d| format!("gen{d}")).collect()
    };
    let mut events = medterm::workload::history(cards, reviews, end, seed);
    let mut logs = Vec::new();
    let mut imports = Vec::new();
    if devices > 1 {
        std::fs::create_dir_all(out.join("history"))?;
    }
    for name in &names {
        logs.push(create(&out.join(format!("reviews/{name}.jsonl")))?);
        if devices > 1 {
            imports.push(create(&out.join(format!("history/{name}.jsonl")))?);
        }
    }
    let mut all = create(&out.join("history.jsonl"))?;
    let mut per_device = vec![0_usize; devices];
    for (n, e) in events.iter_mut().enumerate() {
        let d = medterm::workload::device_of(e.time, devices, seed);
        per_device[d] += 1;
        e.device.clone_from(&names[d]);
        e.id = format!("{}-{n}", names[d]);
        writeln!(logs[d], "{}", e.to_line())?;
        if let Action::Review { card, rating, ms } = &e.action {
            let line = interchange::to_jsonl(card, e.time, *rating, *ms);
            writeln!(all, "{line}")?;
            if let Some(w) = imports.get_mut(d) {
                writeln!(w, "{line}")?;
            }
        }
    }
    for w in logs.iter_mut().chain(imports.iter_mut()).chain([&mut all]) {
        w.flush()?;
    }
    let split: Vec<String> = names
        .iter()
        .zip(&per_device)
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    println!(
        "{}: {cards} cards, {} reviews ({}) from {} to {}",
        out.display(),
        events.len(),
        split.join(", "),
        events
            .first()
            .map_or(String::new(), |e| e.time.to_rfc3339()),
        events.last().map_or(String::new(), |e| e.time.to_rfc3339())
    );
    Ok(())
}
