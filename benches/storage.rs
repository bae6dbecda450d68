//! Storage budgets (issue 5): with 1 000 000 events in two device logs, a cold start (read
//! every log and replay, no cache) in at most 200 ms; one durable append in at most 1 ms
//! median.

#![allow(clippy::unwrap_used)] // benches may unwrap
#![allow(clippy::cast_possible_truncation)] // small fixed sizes

use std::io::Write as _;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use medterm::scheduler::{DayClock, SchedulerConfig, Zone, replay_all};
use medterm::storage::log::{Appender, Event};
use medterm::storage::{cache, reader};

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let reviews = dir.path().join("reviews");
    std::fs::create_dir_all(&reviews).unwrap();
    let events = medterm::workload::history(
        50_000,
        1_000_000,
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
        3,
    );
    // Two devices: alternate days' sessions on a laptop and a desktop.
    let mut a =
        std::io::BufWriter::new(std::fs::File::create(reviews.join("laptop.jsonl")).unwrap());
    let mut b =
        std::io::BufWriter::new(std::fs::File::create(reviews.join("desktop.jsonl")).unwrap());
    for e in &events {
        let w = if e.time.timestamp() / 86_400 % 2 == 0 {
            &mut a
        } else {
            &mut b
        };
        writeln!(w, "{}", e.to_line()).unwrap();
    }
    a.flush().unwrap();
    b.flush().unwrap();
    drop((a, b));
    let keys: Vec<String> = (0..50_000).map(|i| format!("bench:c{i}")).collect();
    let cfg = SchedulerConfig::new(DayClock::new(Zone::Named(chrono_tz::Europe::Madrid), 4));
    eprintln!("{} events in two logs", events.len());

    let mut group = c.benchmark_group("storage");
    group.sample_size(10);
    group.bench_function("read two logs, 1M events", |bn| {
        bn.iter_with_large_drop(|| reader::load(&reviews, &keys).unwrap());
    });
    group.bench_function(
        "cold start: read and replay 1M events (budget 200 ms)",
        |bn| {
            bn.iter_with_large_drop(|| {
                let loaded = reader::load(&reviews, &keys).unwrap();
                let seeds: Vec<u64> = (0..loaded.cards.len() as u32)
                    .map(|i| loaded.cards.seed(i))
                    .collect();
                replay_all(&loaded.runs(), &seeds, &cfg)
            });
        },
    );
    // A valid cache: the key (sizes and tails of the logs, settings) and the states.
    let loaded = reader::load(&reviews, &keys).unwrap();
    let seeds: Vec<u64> = (0..loaded.cards.len() as u32)
        .map(|i| loaded.cards.seed(i))
        .collect();
    let states = replay_all(&loaded.runs(), &seeds, &cfg);
    let named: Vec<(&str, &medterm::scheduler::CardState)> = (0..states.len())
        .map(|i| (loaded.cards.key(i as u32), &states[i]))
        .collect();
    let cache_file = dir.path().join("cache/states.bin");
    let key = cache::key(&loaded.files, &cfg).unwrap();
    cache::save(&cache_file, &key, &named).unwrap();
    group.bench_function(
        "warm start: cache key and 50k states (budget 20 ms)",
        |bn| {
            bn.iter_with_large_drop(|| {
                let key = cache::key(&loaded.files, &cfg).unwrap();
                cache::load(&cache_file, &key).unwrap()
            });
        },
    );
    let log = dir.path().join("append.jsonl");
    let mut appender = Appender::open(&log).unwrap();
    let event: Event = events[0].clone();
    group.sample_size(200);
    group.bench_function("one durable append (budget 1 ms median)", |bn| {
        bn.iter(|| appender.append(&event).unwrap());
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
