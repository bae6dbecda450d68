//! The scheduler against the FSRS-6 reference, py-fsrs 6.3.2: the fixtures in
//! `tests/fixtures/fsrs` were written by `scripts/fsrs_oracle.py` from seeded histories (in
//! `America/New_York`, rollover 4 am, across both DST changes). Same study-day elapsed times,
//! fuzz off: stability and difficulty within 1e-3 relative error on every event, state and
//! step exactly, the interval on at least 99.5 % of review-state events and never more than
//! a day off.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use chrono::{DateTime, Utc};
use medterm::scheduler::{DayClock, Rating, Replayer, SchedulerConfig, Zone};
use serde_json::Value;

fn fixture(name: &str) -> Vec<Value> {
    let path = format!(
        "{}/tests/fixtures/fsrs/{name}.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn config(steps: bool) -> SchedulerConfig {
    let clock = DayClock::new(Zone::Named(chrono_tz::America::New_York), 4);
    let mut cfg = SchedulerConfig::new(clock);
    cfg.fuzz = false;
    cfg.leech_threshold = 0;
    if !steps {
        cfg.learning_steps.clear();
        cfg.relearning_steps.clear();
    }
    cfg
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(f64::MIN_POSITIVE)
}

fn compare(name: &str, steps: bool) {
    let events = fixture(name);
    assert!(events.len() > 3000);
    let cfg = config(steps);
    let mut replayer = Replayer::new(&cfg);
    let (mut review_events, mut interval_agree, mut worst) = (0, 0, 0.0_f64);
    for (i, e) in events.iter().enumerate() {
        let time: DateTime<Utc> = e["time"].as_str().unwrap().parse().unwrap();
        let rating = Rating::from_number(e["rating"].as_u64().unwrap()).unwrap();
        let s = replayer.apply(e["card"].as_str().unwrap(), rating, time);
        let m = s.memory.unwrap();
        let at = format!("{name} event {} ({e})", i + 1);
        assert_eq!(s.phase.as_str(), e["state"].as_str().unwrap(), "{at}");
        assert_eq!(s.step.map(u64::from), e["step"].as_u64(), "{at}");
        let (ds, dd) = (
            rel(m.stability, e["stability"].as_f64().unwrap()),
            rel(m.difficulty, e["difficulty"].as_f64().unwrap()),
        );
        worst = worst.max(ds).max(dd);
        assert!(
            ds <= 1e-3 && dd <= 1e-3,
            "{at}: S {} D {}",
            m.stability,
            m.difficulty
        );
        if let Some(want) = e["interval_days"].as_u64() {
            review_events += 1;
            let got = u64::from(s.interval_days.unwrap());
            assert!(got.abs_diff(want) <= 1, "{at}: interval {got}");
            interval_agree += usize::from(got == want);
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let share = interval_agree as f64 / f64::from(review_events);
    assert!(share >= 0.995, "{name}: intervals agree on {share}");
    eprintln!(
        "{name}: {} events, worst relative error {worst:e}, intervals agree {share}",
        events.len()
    );
}

#[test]
fn default_steps_agree_with_py_fsrs() {
    compare("default-steps", true);
}

#[test]
fn no_steps_agree_with_py_fsrs() {
    compare("no-steps", false);
}

#[test]
fn the_replay_command_prints_the_same_states() {
    let events = fixture("no-steps");
    let mut input = String::new();
    for e in events.iter().take(500) {
        let event =
            serde_json::json!({"card": e["card"], "time": e["time"], "rating": e["rating"]});
        input.push_str(&event.to_string());
        input.push('\n');
    }
    let home = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("medterm")
        .unwrap()
        .env("MEDTERM_HOME", home.path())
        .env("TZ", "America/New_York")
        .args(["replay", "--no-steps"])
        .write_stdin(input)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let lines: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 500);
    for (got, want) in lines.iter().zip(&events) {
        assert_eq!(got["card"], want["card"]);
        assert_eq!(got["state"], want["state"]);
        assert_eq!(got["interval_days"], want["interval_days"]);
        assert!(
            rel(
                got["stability"].as_f64().unwrap(),
                want["stability"].as_f64().unwrap()
            ) <= 1e-9
        );
        // A review is due at the start (4 am, New York) of its due study day.
        let due: DateTime<chrono::FixedOffset> =
            DateTime::parse_from_rfc3339(got["due"].as_str().unwrap()).unwrap();
        let local = due.with_timezone(&chrono_tz::America::New_York);
        assert_eq!(local.format("%H:%M").to_string(), "04:00", "{got}");
    }
}
