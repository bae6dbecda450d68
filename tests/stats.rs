//! `medterm stats` over hand-written histories: the goals, streak freezes and the per-deck
//! card counts.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::PredicateBooleanExt as _;

const DECK: &str = r#"
[deck]
id = "t"
name = "Tiny"

[[card]]
id = "a"
front = "cardi/o"
back = "heart"

[[card]]
id = "b"
front = "gastr/o"
back = "stomach"

[[card]]
id = "c"
front = "hepat/o"
back = "liver"

[[card]]
id = "d"
front = "nephr/o"
back = "kidney"
"#;

const OTHER: &str = r#"
[deck]
id = "u"
name = "Other"

[[card]]
id = "x"
front = "-itis"
back = "inflammation"
"#;

// 28 Nov: a and b, nothing left due. 29 Nov: nothing. 30 Nov: c, nothing left due.
// 1 Dec: d forgotten and left in learning, due a minute later.
const HISTORY: &str = "\
{\"card\":\"t:a\",\"time\":\"2026-11-28T12:00:00Z\",\"rating\":4}
{\"card\":\"t:b\",\"time\":\"2026-11-28T12:01:00Z\",\"rating\":4}
{\"card\":\"t:c\",\"time\":\"2026-11-30T12:00:00Z\",\"rating\":4}
{\"card\":\"t:d\",\"time\":\"2026-12-01T12:00:00Z\",\"rating\":1}
";

fn home(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("decks")).unwrap();
    std::fs::write(dir.path().join("decks/t.toml"), DECK).unwrap();
    std::fs::write(dir.path().join("decks/u.toml"), OTHER).unwrap();
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    let file = dir.path().join("history.jsonl");
    std::fs::write(&file, HISTORY).unwrap();
    medterm(dir.path())
        .args(["history", "import"])
        .arg(&file)
        .assert()
        .code(0);
    dir
}

fn medterm(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("medterm").unwrap();
    c.env("MEDTERM_HOME", dir)
        .env("TZ", "UTC")
        .env("MEDTERM_NOW", "2026-12-02T20:00:00Z")
        .env("MEDTERM_DEVICE", "test");
    c
}

fn stats_json(dir: &Path) -> serde_json::Value {
    let out = medterm(dir)
        .args(["stats", "--json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn streak(v: &serde_json::Value) -> (u64, u64) {
    (
        v["streak"]["current"].as_u64().unwrap(),
        v["streak"]["longest"].as_u64().unwrap(),
    )
}

fn frozen(v: &serde_json::Value) -> Vec<&str> {
    v["heatmap"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["frozen"] == true)
        .map(|d| d["date"].as_str().unwrap())
        .collect()
}

#[test]
fn a_freeze_covers_the_missed_day_and_the_heatmap_marks_it() {
    let dir = home("streak_freezes = 1\nstreak_keeps_idle_days = false\n");
    let v = stats_json(dir.path());
    // 28, (29 frozen), 30, 1: three days, today still open.
    assert_eq!(streak(&v), (3, 3));
    assert_eq!(frozen(&v), ["2026-11-29"]);
    assert_eq!(v["frozen"], serde_json::json!(["2026-11-29"]));
    let text = medterm(dir.path())
        .arg("stats")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("* a missed day a streak freeze covered"),
        "{text}"
    );
    assert_eq!(
        text.matches('*').count(),
        2,
        "the legend and one day:\n{text}"
    );

    let dir = home("streak_keeps_idle_days = false\n");
    let v = stats_json(dir.path());
    assert_eq!(streak(&v), (2, 2));
    assert!(frozen(&v).is_empty());
}

#[test]
fn every_due_card_done_is_a_goal_a_day_left_with_cards_due_misses() {
    let dir = home("daily_goal = \"all-due\"\nstreak_freezes = 1\n");
    let v = stats_json(dir.path());
    // 1 Dec was left with d due: the run of 28-30 ends there, and no later day met the goal
    // for a freeze to bridge to.
    assert_eq!(
        streak(&v),
        (0, 2),
        "28 and 30 count, the frozen 29th bridges them"
    );
    assert_eq!(frozen(&v), ["2026-11-29"]);
    medterm(dir.path())
        .arg("config")
        .assert()
        .code(0)
        .stdout(predicates::str::contains("daily_goal = \"all-due\""));
}

#[test]
fn a_goal_that_is_not_a_number_or_all_due_is_an_error_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "daily_goal = \"most\"\n").unwrap();
    medterm(dir.path())
        .args(["stats", "--json"])
        .assert()
        .code(1)
        .stderr(
            predicates::str::contains("config.toml:1:14").and(predicates::str::contains("all-due")),
        );
}

#[test]
fn card_counts_are_listed_per_deck() {
    let dir = home("");
    let v = stats_json(dir.path());
    let decks = v["decks"].as_array().unwrap();
    let ids: Vec<&str> = decks.iter().map(|d| d["id"].as_str().unwrap()).collect();
    let t = decks.iter().find(|d| d["id"] == "t").unwrap();
    let u = decks.iter().find(|d| d["id"] == "u").unwrap();
    assert!(ids.contains(&"t") && ids.contains(&"u"));
    assert_eq!(
        (
            t["total"].as_u64(),
            t["new"].as_u64(),
            t["learning"].as_u64(),
            t["young"].as_u64()
        ),
        (Some(4), Some(0), Some(1), Some(3))
    );
    assert_eq!((u["total"].as_u64(), u["new"].as_u64()), (Some(1), Some(1)));
    let text = medterm(dir.path())
        .arg("stats")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("t "))
        .unwrap();
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>(),
        ["t", "4", "0", "1", "3", "0", "0", "0"]
    );
    // One deck asked for: its counts only.
    let out = medterm(dir.path())
        .args(["stats", "--json", "u"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["decks"].as_array().unwrap().len(), 1);
    assert_eq!(v["cards"]["total"], 1);
}

#[test]
fn a_word_part_is_scored_across_its_own_card_the_terms_built_with_it_and_their_drills() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("h.jsonl");
    let line = |card: &str, day: u32, rating: u8| {
        format!(
            "{{\"card\":\"{card}\",\"time\":\"2026-11-{day:02}T12:00:00Z\",\"rating\":{rating}}}\n"
        )
    };
    let history = [
        line("prefixes:brady", 20, 1),
        line("prefixes:brady", 21, 3),
        line("cardiovascular:bradycardia", 22, 1),
        line("cardiovascular:bradycardia:dissect", 23, 2),
        line("prefixes:tachy", 20, 3),
    ]
    .concat();
    std::fs::write(&file, history).unwrap();
    medterm(dir.path())
        .args(["history", "import"])
        .arg(&file)
        .assert()
        .code(0);
    let v = stats_json(dir.path());
    let parts = v["word_parts"].as_array().unwrap();
    let find = |p: &str| parts.iter().find(|x| x["part"] == p).unwrap().clone();
    let brady = find("brady-");
    assert_eq!(
        brady["answers"], 4,
        "its card twice, the term and its dissect drill"
    );
    assert_eq!(brady["retention"], 0.5);
    assert_eq!(
        find("cardi/o")["answers"],
        2,
        "through bradycardia and its drill"
    );
    assert_eq!(find("tachy-")["answers"], 1);
    assert_eq!(
        parts[0]["part"], "brady-",
        "ranked parts (3+ answers) first, weakest first"
    );
    let text = medterm(dir.path())
        .arg("stats")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("weakest word parts"), "{text}");
    assert!(
        text.contains(" 50% of   4 recalled  brady- (slow)"),
        "{text}"
    );
}
