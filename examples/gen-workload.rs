//! Writes a deterministic workload as a data dir: `decks/bench.toml` and
//! `reviews/gen.jsonl`, so `MEDTERM_HOME=OUT medterm due` studies it as it is.
//!
//! ```text
//! cargo run --release --example gen-workload -- --cards 50000 --reviews 1000000 \
//!     --end-date 2026-12-04 [--seed 1] OUT
//! ```
//!
//! See `medterm::workload` for how the history is simulated.

#![allow(clippy::print_stdout)] // a command-line tool

use std::io::{BufWriter, Write as _};
use std::path::PathBuf;

use chrono::NaiveDate;

fn usage() -> ! {
    eprintln!("usage: gen-workload --cards N --reviews N --end-date YYYY-MM-DD [--seed S] OUT");
    std::process::exit(2)
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut cards, mut reviews, mut end, mut seed, mut out) =
        (50_000_usize, 1_000_000_usize, None, 1_u64, None);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--cards" => cards = value().parse().unwrap_or_else(|_| usage()),
            "--reviews" => reviews = value().parse().unwrap_or_else(|_| usage()),
            "--end-date" => end = NaiveDate::parse_from_str(&value(), "%Y-%m-%d").ok(),
            "--seed" => seed = value().parse().unwrap_or_else(|_| usage()),
            _ if out.is_none() && !a.starts_with("--") => out = Some(PathBuf::from(a)),
            _ => usage(),
        }
    }
    let (Some(end), Some(out)) = (end, out) else {
        usage()
    };
    std::fs::create_dir_all(out.join("decks"))?;
    std::fs::create_dir_all(out.join("reviews"))?;
    std::fs::write(
        out.join("decks/bench.toml"),
        medterm::workload::deck_toml(cards),
    )?;
    let events = medterm::workload::history(cards, reviews, end, seed);
    let mut w = BufWriter::new(std::fs::File::create(out.join("reviews/gen.jsonl"))?);
    for e in &events {
        writeln!(w, "{}", e.to_line())?;
    }
    w.flush()?;
    println!(
        "{}: {cards} cards, {} reviews from {} to {}",
        out.display(),
        events.len(),
        events
            .first()
            .map_or(String::new(), |e| e.time.to_rfc3339()),
        events.last().map_or(String::new(), |e| e.time.to_rfc3339())
    );
    Ok(())
}
