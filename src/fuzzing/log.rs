//! The review log: the line parser never panics; every event it accepts writes back as a
//! line that parses to the same event (times kept to the millisecond, as written); the
//! damage and the torn tail it reports are located on real lines; and the fast start-up
//! reader (`storage::reader`), fed the same file, finds exactly the same answers, damage
//! and torn tail as the plain parser.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Timelike as _, Utc};

use crate::scheduler::{Op, Rating};
use crate::storage::log::{Action, Event, parse_line, parse_log, undone_ids};
use crate::storage::reader;

pub fn check(data: &[u8]) {
    let dir = scratch_dir();
    let path = dir.join("device.jsonl");
    let parsed = parse_log(&path, data);

    for e in &parsed.events {
        round_trip(e);
    }
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', data).map(|i| i + 1))
        .filter(|&i| i < data.len())
        .collect();
    let mut last = 0;
    for d in &parsed.damage {
        assert!(
            d.line > last && d.line <= line_starts.len(),
            "damage at line {}",
            d.line
        );
        last = d.line;
    }
    if let Some(at) = parsed.torn_tail {
        assert_eq!(
            line_starts.last(),
            Some(&at),
            "a torn tail not on the last line"
        );
    }
    assert!(parsed.events.len() + parsed.damage.len() <= line_starts.len());

    // The fast reader, on the same bytes in a file.
    std::fs::create_dir_all(&dir).expect("a scratch dir");
    std::fs::write(&path, data).expect("the log written");
    let loaded = reader::load(&dir, Vec::<String>::new()).expect("the log read");
    let _ = std::fs::remove_dir_all(&dir);

    let undone = undone_ids(&parsed.events);
    let mut expected: Vec<(&str, DateTime<Utc>, Op, u32)> = parsed
        .events
        .iter()
        .filter(|e| !undone.contains(e.id.as_str()))
        .filter_map(|e| {
            let (card, op, ms) = match &e.action {
                Action::Review { card, rating, ms } => (
                    card,
                    Op::Grade(Rating::from_number(u64::from(*rating)).expect("rating 1-4")),
                    u32::try_from(*ms).unwrap_or(u32::MAX),
                ),
                Action::Suspend { card } => (card, Op::Suspend, 0),
                Action::Unsuspend { card } => (card, Op::Unsuspend, 0),
                Action::Bury { card } => (card, Op::Bury, 0),
                Action::Undo { .. } => return None,
            };
            Some((card.as_str(), e.time, op, ms))
        })
        .collect();
    expected.sort_by_key(|a| a.1);
    let found: Vec<(&str, DateTime<Utc>, Op, u32)> = loaded
        .answers()
        .map(|a| (loaded.cards.key(a.card), a.time, a.op, a.ms))
        .collect();
    assert_eq!(
        found, expected,
        "the fast reader and parse_log disagree on the answers"
    );
    let damage: Vec<_> = parsed.damage.iter().map(|d| (d.line, &d.problem)).collect();
    let fast_damage: Vec<_> = loaded.damage.iter().map(|d| (d.line, &d.problem)).collect();
    assert_eq!(
        fast_damage, damage,
        "the fast reader and parse_log disagree on damage"
    );
    let torn: Vec<u64> = parsed.torn_tail.iter().map(|&t| t as u64).collect();
    let fast_torn: Vec<u64> = loaded.torn.iter().map(|(_, t)| *t).collect();
    assert_eq!(
        fast_torn, torn,
        "the fast reader and parse_log disagree on the torn tail"
    );
}

/// An accepted event, written as medterm writes it, reads back as itself.
fn round_trip(e: &Event) {
    if let Action::Review { rating, .. } = e.action {
        assert!((1..=4).contains(&rating), "rating {rating}");
    }
    let line = e.to_line();
    assert!(!line.contains('\n'), "a line with a line break: {line:?}");
    let again = parse_line(&line).unwrap_or_else(|p| panic!("{line:?} does not parse: {p:?}"));
    // Kept to the millisecond, a leap second (nanoseconds past 1e9) included.
    let nanos = e.time.nanosecond();
    let millis = e
        .time
        .with_nanosecond(nanos - nanos % 1_000_000)
        .expect("in range");
    assert_eq!(
        again,
        Event {
            time: millis,
            ..e.clone()
        },
        "{line:?}"
    );
    assert_eq!(again.to_line(), line);
}

/// A folder of its own for each check: the corpus test runs them on several threads.
fn scratch_dir() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    Path::new(&std::env::temp_dir()).join(format!("medterm-fuzz-{}-{n}", std::process::id()))
}
