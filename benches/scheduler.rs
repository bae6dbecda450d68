//! Scheduler budgets (issue 4): replaying 1 000 000 reviews over 50 000 cards in at most
//! 100 ms; building the day's queue for 50 000 cards in at most 10 ms.

#![allow(clippy::unwrap_used)] // benches may unwrap
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::type_complexity
)] // a generator of fixed-size data

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use medterm::scheduler::queue::{self, DoneToday, Limits, QueueCard, QueueInput};
use medterm::scheduler::{
    Answer, CardState, DayClock, Interner, Op, Rating, SchedulerConfig, Zone, replay_all,
};

/// A small deterministic generator: the bench needs the same workload every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// 1 000 000 answers over 50 000 cards and three years, in time order.
fn workload() -> (Vec<String>, Vec<(u32, DateTime<Utc>, Rating)>) {
    let cards = 50_000_u32;
    let keys: Vec<String> = (0..cards).map(|i| format!("bench:card-{i}")).collect();
    let start: DateTime<Utc> = "2023-12-01T18:00:00Z".parse().unwrap();
    let mut rng = Lcg(42);
    let mut events = Vec::with_capacity(1_000_000);
    for card in 0..cards {
        let mut t = start + TimeDelta::minutes((rng.next() % (60 * 24 * 900)) as i64);
        let mut gap_days = 1_i64;
        for _ in 0..20 {
            let rating = match rng.next() % 100 {
                0..=9 => Rating::Again,
                10..=19 => Rating::Hard,
                20..=89 => Rating::Good,
                _ => Rating::Easy,
            };
            events.push((card, t, rating));
            gap_days = if rating == Rating::Again {
                1
            } else {
                (gap_days * 2).min(60)
            };
            t += TimeDelta::days(gap_days) + TimeDelta::minutes((rng.next() % 600) as i64);
        }
    }
    events.sort_unstable_by_key(|e| (e.1, e.0));
    (keys, events)
}

fn bench(c: &mut Criterion) {
    let (keys, events) = workload();
    let clock = DayClock::new(Zone::Named(chrono_tz::Europe::Madrid), 4);
    let cfg = SchedulerConfig::new(clock);
    let mut group = c.benchmark_group("scheduler");
    group.sample_size(10);
    // The log reader numbers the cards as it parses; the replay starts from that.
    let mut interner = Interner::with_capacity(keys.len());
    for k in &keys {
        interner.intern(k);
    }
    let seeds: Vec<u64> = (0..keys.len() as u32).map(|i| interner.seed(i)).collect();
    let answers: Vec<Answer> = events
        .iter()
        .map(|&(card, time, rating)| Answer {
            card,
            time,
            op: Op::Grade(rating),
            ms: 0,
        })
        .collect();
    group.bench_function("replay 1M reviews, 50k cards (budget 100 ms)", |b| {
        b.iter_with_large_drop(|| replay_all(&[&answers], &seeds, &cfg));
    });

    let states: Vec<CardState> = replay_all(&[&answers], &seeds, &cfg);
    let now = events.last().unwrap().1 + TimeDelta::hours(12);
    let today = clock.day_of(now);
    let cards: Vec<QueueCard> = (0..keys.len() as u32)
        .map(|i| QueueCard {
            deck: i % 20,
            group: i,
            key_hash: u64::from(i) * 0x9e37_79b9,
        })
        .collect();
    let done = DoneToday::default();
    group.bench_function("queue for 50k cards (budget 10 ms)", |b| {
        b.iter(|| {
            queue::build(&QueueInput {
                cards: &cards,
                states: &states,
                select: None,
                overall: Limits::default(),
                per_deck: &[],
                done: &done,
                now,
                today,
            })
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
