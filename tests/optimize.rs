//! `medterm optimize` and `medterm due` over simulated histories in a real data dir.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::Path;

use assert_cmd::Command;
use chrono::NaiveDate;
use predicates::prelude::*;

fn data_dir_with_history(cards: usize, reviews: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("decks")).unwrap();
    std::fs::create_dir_all(dir.path().join("reviews")).unwrap();
    std::fs::write(
        dir.path().join("decks/bench.toml"),
        medterm::workload::deck_toml(cards),
    )
    .unwrap();
    let end = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    let log: String = medterm::workload::history(cards, reviews, end, 7)
        .iter()
        .map(|e| e.to_line() + "\n")
        .collect();
    std::fs::write(dir.path().join("reviews/gen.jsonl"), log).unwrap();
    dir
}

fn medterm(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("medterm").unwrap();
    c.env("MEDTERM_HOME", dir)
        .env("TZ", "UTC")
        .env("MEDTERM_NOW", "2026-12-04T20:00:00Z")
        .env("MEDTERM_DEVICE", "test");
    c
}

#[test]
fn optimize_fits_reports_and_saves_only_when_asked_and_better() {
    let dir = data_dir_with_history(150, 3000);
    medterm(dir.path())
        .args(["optimize", "--dry-run"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("default parameters: log loss"))
        .stdout(predicate::str::contains("fitted parameters:  log loss"))
        .stdout(predicate::str::contains("dry run: nothing saved"));
    assert!(!dir.path().join("config.toml").exists());

    let out = medterm(dir.path())
        .arg("optimize")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    if out.contains("saved to") {
        let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
        let line = config
            .lines()
            .find(|l| l.starts_with("fsrs_parameters"))
            .unwrap();
        assert_eq!(line.matches(',').count(), 20, "{line}");
        medterm(dir.path())
            .arg("config")
            .assert()
            .stdout(predicate::str::contains("config.toml:1"));
        // With the fitted parameters in use, the next run compares against them.
        medterm(dir.path())
            .args(["optimize", "--dry-run"])
            .assert()
            .stdout(predicate::str::contains("current parameters: log loss"));
    } else {
        assert!(
            out.contains("not saved: the fitted parameters do not predict"),
            "{out}"
        );
    }
}

#[test]
fn a_short_history_is_not_saved() {
    let dir = data_dir_with_history(40, 300);
    medterm(dir.path())
        .arg("optimize")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("fewer than the 400 needed"));
    assert!(!dir.path().join("config.toml").exists());
}

#[test]
fn due_counts_the_simulated_backlog_within_the_limits() {
    let dir = data_dir_with_history(300, 3000);
    let out = medterm(dir.path())
        .args(["due", "--json", "bench"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["study_day"], "2026-12-04");
    let deck = &v["decks"][0];
    assert_eq!(deck["id"], "bench");
    assert!(deck["review"].as_u64().unwrap() > 0);
    assert!(deck["review"].as_u64().unwrap() <= 200);
    assert_eq!(deck["new"], 0, "every simulated card has been studied");
    assert!(v["first"].as_str().unwrap().starts_with("bench:c"));
    medterm(dir.path())
        .args(["due", "nosuchdeck"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no deck `nosuchdeck`"));
}

#[test]
fn stats_json_has_the_documented_shape_and_counts_the_history() {
    let dir = data_dir_with_history(100, 1500);
    let out = medterm(dir.path())
        .args(["stats", "--json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    for key in [
        "streak",
        "today",
        "due",
        "cards",
        "retention",
        "forecast",
        "heatmap",
    ] {
        assert!(v.get(key).is_some(), "no {key}");
    }
    assert!(v["streak"]["longest"].as_u64().unwrap() >= v["streak"]["current"].as_u64().unwrap());
    assert_eq!(v["forecast"].as_array().unwrap().len(), 30);
    let heatmap = v["heatmap"].as_array().unwrap();
    assert_eq!(heatmap.last().unwrap()["date"], "2026-12-04");
    let total: u64 = heatmap.iter().map(|d| d["reviews"].as_u64().unwrap()).sum();
    assert!(total > 0 && total <= 1500);
    let r = v["retention"]["30d"].as_f64().unwrap();
    assert!((0.5..=1.0).contains(&r), "{r}");
    assert!(v["cards"]["total"].as_u64().unwrap() >= 100);
    medterm(dir.path())
        .args(["stats", "bench"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("streak:").and(predicate::str::contains("last 52 weeks")));
}
