//! The review log's promises, on a real process: nothing reported saved is ever lost, a torn
//! tail is set aside, one writer at a time, damage is reported.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command as Std, Stdio};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin;
use predicates::prelude::*;

fn medterm(home: &Path) -> Command {
    let mut c = Command::cargo_bin("medterm").unwrap();
    c.env("MEDTERM_HOME", home)
        .env("MEDTERM_DEVICE", "laptop")
        .env("TZ", "UTC");
    c
}

fn spawn_script(home: &Path) -> Child {
    Std::new(cargo_bin("medterm"))
        .env("MEDTERM_HOME", home)
        .env("MEDTERM_DEVICE", "laptop")
        .env("TZ", "UTC")
        .arg("script")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn log_reviews(home: &Path) -> usize {
    let text = std::fs::read_to_string(home.join("reviews/laptop.jsonl")).unwrap_or_default();
    text.lines()
        .filter(|l| l.ends_with('}') && l.contains("\"kind\":\"review\""))
        .count()
}

#[test]
fn sigkill_while_answering_never_loses_an_answer_reported_saved() {
    let home = tempfile::tempdir().unwrap();
    // Enough new cards that the queue never runs dry.
    std::fs::write(home.path().join("config.toml"), "new_per_day = 99999\n").unwrap();
    let mut reported = 0;
    // A fixed sequence of kill points: after 1..=7 confirmations, in a pattern.
    for round in 0..24_usize {
        let mut child = spawn_script(home.path());
        let mut stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        // Queue up more answers than we wait for, so a write is in flight when we kill.
        let answers: String = (0..12).fold(String::new(), |mut s, i| {
            s.push(char::from(b'1' + u8::try_from((round + i) % 4).unwrap()));
            s.push('\n');
            s
        });
        stdin.write_all(answers.as_bytes()).unwrap();
        stdin.flush().unwrap();
        let wait_for = 1 + (round * 5) % 7;
        let mut line = String::new();
        let mut seen = 0;
        while seen < wait_for {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                break;
            }
            if line.starts_with("saved ") {
                seen += 1;
            } else {
                panic!("round {round}: unexpected {line:?}");
            }
        }
        assert_eq!(seen, wait_for, "round {round}: the session ended early");
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reported += seen;
        assert!(
            log_reviews(home.path()) >= reported,
            "round {round}: {} in the log, {reported} reported",
            log_reviews(home.path())
        );
    }
    // The log is whole: every line but perhaps a torn last one parses, and the next session
    // sets a torn tail aside and goes on.
    medterm(home.path()).arg("check").assert().code(0);
    medterm(home.path())
        .arg("script")
        .write_stdin("3\n")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("saved "));
    assert!(log_reviews(home.path()) > reported);
}

#[test]
fn a_torn_last_line_is_copied_aside_and_cut_and_earlier_reviews_stay() {
    let home = tempfile::tempdir().unwrap();
    medterm(home.path())
        .arg("script")
        .write_stdin("3\n3\n")
        .assert()
        .code(0);
    let log = home.path().join("reviews/laptop.jsonl");
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    f.write_all(br#"{"v":1,"id":"laptop-x","kind":"review","card":"pre"#)
        .unwrap();
    drop(f);
    medterm(home.path())
        .arg("check")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "laptop.jsonl: warning: the last line",
        ));
    medterm(home.path())
        .arg("script")
        .write_stdin("3\n")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("was cut short"));
    let aside: Vec<_> = std::fs::read_dir(home.path().join("reviews"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("laptop.jsonl.torn-"))
        .collect();
    assert_eq!(aside.len(), 1);
    let kept = std::fs::read(home.path().join("reviews").join(&aside[0])).unwrap();
    assert_eq!(
        kept,
        br#"{"v":1,"id":"laptop-x","kind":"review","card":"pre"#
    );
    assert_eq!(log_reviews(home.path()), 3);
    medterm(home.path())
        .arg("check")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 warnings"));
}

#[test]
fn garbage_in_the_middle_is_reported_with_its_line_and_never_deleted() {
    let home = tempfile::tempdir().unwrap();
    medterm(home.path())
        .arg("script")
        .write_stdin("3\n")
        .assert()
        .code(0);
    let log = home.path().join("reviews/laptop.jsonl");
    let mut text = std::fs::read_to_string(&log).unwrap();
    text.push_str("this is not an event\n");
    std::fs::write(&log, &text).unwrap();
    medterm(home.path())
        .arg("script")
        .write_stdin("3\n")
        .assert()
        .code(0);
    medterm(home.path())
        .arg("check")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "laptop.jsonl:2:1: warning: review log line skipped",
        ));
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("this is not an event")
    );
    assert_eq!(log_reviews(home.path()), 2);
}

#[test]
fn a_second_writer_is_told_who_holds_the_lock_and_read_only_commands_still_work() {
    let home = tempfile::tempdir().unwrap();
    let mut first = spawn_script(home.path());
    let mut stdin = first.stdin.take().unwrap();
    let mut out = BufReader::new(first.stdout.take().unwrap());
    stdin.write_all(b"3\n").unwrap();
    stdin.flush().unwrap();
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert!(line.starts_with("saved "), "{line}");
    medterm(home.path())
        .arg("script")
        .write_stdin("3\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("pid {}", first.id())));
    medterm(home.path()).arg("due").assert().code(0);
    medterm(home.path()).arg("check").assert().code(0);
    drop(stdin);
    first.wait().unwrap();
    assert_eq!(log_reviews(home.path()), 1);
}

#[test]
fn a_data_dir_that_cannot_be_created_is_a_clear_error() {
    medterm(Path::new("/proc/medterm-cannot-be-here"))
        .arg("script")
        .write_stdin("3\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/proc/medterm-cannot-be-here"));
}

#[test]
fn answers_from_two_devices_are_merged() {
    let home = tempfile::tempdir().unwrap();
    medterm(home.path())
        .arg("script")
        .write_stdin("3\n")
        .assert()
        .code(0);
    medterm(home.path())
        .env("MEDTERM_DEVICE", "desktop")
        .arg("script")
        .write_stdin("3\n")
        .assert()
        .code(0);
    let out = medterm(home.path())
        .args(["due", "--json", "prefixes"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    // Two new cards were introduced today, one on each device: 18 of the 20 remain.
    assert_eq!(v["total"]["new"], 18);
    assert!(home.path().join("reviews/desktop.jsonl").exists());
}

#[test]
fn the_cache_gives_what_a_full_replay_gives_and_deleting_it_loses_nothing() {
    let home = tempfile::tempdir().unwrap();
    medterm(home.path())
        .arg("script")
        .write_stdin("3\n1\n4\nu\n2\ns\n3\n")
        .assert()
        .code(0);
    let due = |home: &Path| {
        medterm(home)
            .env("MEDTERM_NOW", "2026-12-04T23:00:00Z")
            .args(["due", "--json"])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone()
    };
    let cache = home.path().join("cache/states.bin");
    assert!(
        cache.exists(),
        "the session writes the cache when it closes"
    );
    let warm = due(home.path());
    std::fs::remove_dir_all(home.path().join("cache")).unwrap();
    let cold = due(home.path());
    assert_eq!(warm, cold);
    assert!(cache.exists(), "a full replay writes the cache again");
    std::fs::write(&cache, b"not a cache").unwrap();
    assert_eq!(due(home.path()), cold);
    // A new answer makes the cache stale: it is never used for other logs than its own.
    medterm(home.path())
        .arg("script")
        .write_stdin("3\n")
        .assert()
        .code(0);
    let after = due(home.path());
    std::fs::remove_dir_all(home.path().join("cache")).unwrap();
    assert_eq!(due(home.path()), after);
    assert_ne!(after, cold);
}

#[test]
fn a_log_replaced_under_the_session_is_not_written_and_the_session_goes_read_only() {
    let home = tempfile::tempdir().unwrap();
    let mut child = spawn_script(home.path());
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdin.write_all(b"3\n").unwrap();
    stdin.flush().unwrap();
    out.read_line(&mut line).unwrap();
    assert!(line.starts_with("saved "), "{line}");
    // A sync tool puts another copy in its place.
    let log = home.path().join("reviews/laptop.jsonl");
    let copy = home.path().join("reviews/copy.tmp");
    std::fs::copy(&log, &copy).unwrap();
    std::fs::rename(&copy, &log).unwrap();
    for _ in 0..2 {
        stdin.write_all(b"3\n").unwrap();
        stdin.flush().unwrap();
        line.clear();
        out.read_line(&mut line).unwrap();
        assert!(line.starts_with("error: "), "{line}");
    }
    assert!(line.contains("read-only"), "{line}");
    drop(stdin);
    child.wait().unwrap();
    assert_eq!(log_reviews(home.path()), 1);
}
