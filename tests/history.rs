//! `medterm history import` and `export`.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn medterm(home: &Path) -> Command {
    let mut c = Command::cargo_bin("medterm").unwrap();
    c.env("MEDTERM_HOME", home)
        .env("MEDTERM_DEVICE", "laptop")
        .env("TZ", "UTC");
    c
}

const EVENTS: &str = "{\"card\":\"prefixes:brady\",\"time\":\"2026-12-01T20:00:00Z\",\"rating\":3}\n\
{\"card\":\"prefixes:brady\",\"time\":\"2026-12-03T20:00:00Z\",\"rating\":4,\"duration_ms\":3100}\n\
{\"card\":\"suffixes:itis\",\"time\":\"2026-12-02T20:00:00Z\",\"rating\":1}\n";

#[test]
fn importing_twice_is_harmless_and_export_gives_the_history_back() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("in.jsonl");
    std::fs::write(&file, EVENTS).unwrap();
    medterm(home.path())
        .args(["history", "import"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("imported 3 answers"));
    medterm(home.path())
        .args(["history", "import"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("imported 0 answers")
                .and(predicate::str::contains("skipped 3 already")),
        );
    let out = medterm(home.path())
        .args(["history", "export"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Merged by time.
    let cards: Vec<&str> = lines.iter().map(|l| l["card"].as_str().unwrap()).collect();
    assert_eq!(cards, ["prefixes:brady", "suffixes:itis", "prefixes:brady"]);
    assert_eq!(lines[2]["duration_ms"], 3100);
    assert_eq!(lines[2]["time"], "2026-12-03T20:00:00.000Z");
    // The exported file imports into another data dir as the same history.
    let other = tempfile::tempdir().unwrap();
    let exported = other.path().join("export.jsonl");
    std::fs::write(
        &exported,
        lines
            .iter()
            .map(|l| l.to_string() + "\n")
            .collect::<String>(),
    )
    .unwrap();
    medterm(other.path())
        .args(["history", "import"])
        .arg(&exported)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("imported 3 answers"));
    let again = medterm(other.path())
        .args(["history", "export"])
        .assert()
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8(again).unwrap().lines().count(), 3);
}

#[test]
fn a_bad_line_imports_nothing_and_says_where() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("in.jsonl");
    std::fs::write(
        &file,
        format!("{EVENTS}{{\"card\":\"prefixes:brady\",\"time\":\"soon\",\"rating\":3}}\n"),
    )
    .unwrap();
    medterm(home.path())
        .args(["history", "import"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "in.jsonl:4: error: time \"soon\" is not RFC 3339",
        ));
    assert!(!home.path().join("reviews/laptop.jsonl").exists());
}

#[test]
fn an_anki_review_log_csv_imports_and_exports_as_optimizer_csv() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("revlog.csv");
    std::fs::write(
        &file,
        "card_id,review_time,review_rating,review_state,review_duration\n1700000000001,1764619200000,3,1,4200\n1700000000001,1764792000000,0,4,0\n",
    )
    .unwrap();
    medterm(home.path())
        .args(["history", "import"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("imported 1 answers")
                .and(predicate::str::contains("1 that are not answers")),
        );
    medterm(home.path())
        .args(["history", "export", "--format", "csv"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "card_id,review_time,review_rating,review_duration\n",
        ))
        .stdout(predicate::str::contains(",1764619200000,3,4200"));
}
