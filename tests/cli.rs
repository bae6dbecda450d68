//! The command line as a student runs it: exit codes, output formats, deck sources.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn medterm(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("medterm").unwrap();
    cmd.env("MEDTERM_HOME", home).env_remove("MEDTERM_NOW");
    cmd
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn check_passes_on_the_built_in_decks() {
    let home = tempfile::tempdir().unwrap();
    medterm(home.path())
        .arg("check")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(": 0 errors"));
}

#[test]
fn check_reports_errors_with_location_source_line_and_caret_and_exits_1() {
    let home = tempfile::tempdir().unwrap();
    let path = fixture("invalid/unknown-card-field.toml");
    medterm(home.path())
        .args(["check", &path])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "{path}:8:1: error: unknown field `fornt` in a card\n  |\n8 | fornt = \"brady-\"\n  | ^^^^^\n  = help: did you mean `front`?"
        )));
}

#[test]
fn check_json_prints_one_object_per_diagnostic() {
    let home = tempfile::tempdir().unwrap();
    let path = fixture("invalid/many-problems.toml");
    let out = medterm(home.path())
        .args(["check", "--format", "json", &path])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["path"], path.as_str());
    assert_eq!(lines[0]["line"], 14);
    assert_eq!(lines[0]["column"], 1);
    assert_eq!(lines[0]["severity"], "error");
    assert_eq!(lines[3]["severity"], "warning");
    assert!(lines[3]["message"].as_str().unwrap().contains("gastr/oo"));
}

#[test]
fn warnings_alone_exit_0() {
    let home = tempfile::tempdir().unwrap();
    medterm(home.path())
        .args(["check", &fixture("invalid/missing-id.toml")])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("warning: card has no `id`"));
}

#[test]
fn an_unreadable_path_exits_2_and_still_checks_the_rest() {
    let home = tempfile::tempdir().unwrap();
    medterm(home.path())
        .args([
            "check",
            "/nonexistent/deck.toml",
            &fixture("invalid/empty-back.toml"),
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "/nonexistent/deck.toml: error: cannot read",
        ))
        .stdout(predicate::str::contains("`back` is empty"));
}

#[test]
fn a_folder_is_checked_file_by_file() {
    let home = tempfile::tempdir().unwrap();
    medterm(home.path())
        .args(["check", &fixture("invalid/duplicate-deck-id")])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "deck id `anatomy` is already used by",
        ));
}

#[test]
fn user_decks_and_deck_flag_are_loaded_beside_the_built_in_ones() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("decks")).unwrap();
    std::fs::write(
        home.path().join("decks/mine.toml"),
        "[deck]\nid = \"mine\"\nname = \"My deck\"\n[[card]]\nid = \"a\"\nfront = \"a\"\nback = \"b\"\n",
    )
    .unwrap();
    let out = medterm(home.path())
        .args(["decks", "--json", "--deck", &fixture("valid/complete.toml")])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let decks: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let decks = decks.as_array().unwrap();
    let find = |id: &str| decks.iter().find(|d| d["id"] == id).cloned().unwrap();
    assert_eq!(find("prefixes")["source"], "built-in");
    let mine = find("mine");
    assert_eq!(mine["cards"], 1);
    assert!(
        mine["source"]
            .as_str()
            .unwrap()
            .ends_with("decks/mine.toml")
    );
    assert_eq!(find("complete")["cards"], 5);
}

#[test]
fn a_bad_user_deck_does_not_stop_the_others() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("decks")).unwrap();
    std::fs::write(home.path().join("decks/broken.toml"), "[deck\nid = ").unwrap();
    medterm(home.path())
        .arg("decks")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("prefixes"))
        .stdout(predicate::str::contains(
            "deck error(s): run `medterm check`",
        ));
    medterm(home.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("broken.toml:1:"));
}

#[test]
fn a_bad_now_is_explained_and_exits_2() {
    let home = tempfile::tempdir().unwrap();
    medterm(home.path())
        .args(["--now", "yesterday", "decks"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not an RFC 3339 time"));
}

#[test]
fn help_and_version() {
    let home = tempfile::tempdir().unwrap();
    medterm(home.path())
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("check"))
        .stdout(predicate::str::contains("--data-dir"));
    medterm(home.path())
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

/// What stdout must never carry from deck text: control characters (but the line breaks
/// between lines), bidi controls, zero widths, tag characters.
fn raw_hazard(c: char) -> bool {
    c != '\n'
        && matches!(
            c,
            '\u{0}'..='\u{1F}'
                | '\u{7F}'..='\u{9F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

#[test]
fn escapes_and_invisible_characters_in_deck_text_never_reach_stdout_raw() {
    let home = tempfile::tempdir().unwrap();
    let decks = home.path().join("decks");
    std::fs::create_dir_all(&decks).unwrap();
    // An OSC 52 clipboard write in the file name, and in a field; C1 CSI in a kind and a
    // key; a bidi override, a zero width space and a tag character in the deck's name.
    let deck = r#"[deck]
id = "evil"
name = "Evil\u202Ename\u200B\U000E0041"

[[card]]
id = "ok"
front = "ok"
back = "fine"

[[card]]
id = "osc"
front = "esc\u001B]52;c;aGk=\u0007x"
back = "b"

[[card]]
id = "csi"
front = "c"
back = "b"
kind = "x\u009B31m"
"fr\u009Bont\u001B[2J" = 1
"#;
    std::fs::write(decks.join("evil\u{1b}]52;c;aGk=\u{7}.toml"), deck).unwrap();
    for args in [
        &["check"][..],
        &["check", "--format", "json"],
        &["decks"],
        &["decks", "--json"],
        &["due"],
        &["due", "--json"],
        &["stats"],
        &["stats", "--json"],
    ] {
        let out = medterm(home.path())
            .args(args)
            .env("MEDTERM_NOW", "2026-12-04T20:00:00Z")
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        if let Some(c) = stdout.chars().find(|&c| raw_hazard(c)) {
            panic!(
                "`medterm {args:?}` printed U+{:04X}:\n{stdout}",
                u32::from(c)
            );
        }
        match args {
            ["check"] => {
                assert!(
                    stdout.contains("evil\u{FFFD}]52;c;aGk=\u{FFFD}.toml"),
                    "{stdout}"
                );
                assert!(
                    stdout.contains("unknown field `fr\u{FFFD}ont\u{FFFD}[2J`"),
                    "{stdout}"
                );
                assert!(stdout.contains("unknown kind \"x\u{FFFD}31m\""), "{stdout}");
            }
            ["decks"] => assert!(stdout.contains("Evil\u{FFFD}name\u{FFFD}\u{FFFD}")),
            ["decks", "--json"] => {
                // Escaped, not lost: a program reading the JSON gets the name as written.
                let list: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                let evil = list
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|d| d["id"] == "evil")
                    .unwrap();
                assert_eq!(evil["name"], "Evil\u{202e}name\u{200b}\u{e0041}");
            }
            ["check", "--format", "json"] => {
                for line in stdout.lines() {
                    serde_json::from_str::<serde_json::Value>(line).unwrap();
                }
                assert!(stdout.contains("x\\u009b31m"), "{stdout}");
            }
            _ => {}
        }
    }
}

#[test]
fn due_lists_the_drills_of_the_chosen_decks() {
    let home = tempfile::tempdir().unwrap();
    let out = medterm(home.path())
        .args(["due", "--json"])
        .env("MEDTERM_NOW", "2026-12-04T20:00:00Z")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    for drill in ["build", "dissect", "confusables"] {
        assert_eq!(
            v["drills"][drill]["new"], 20,
            "{drill}: the daily new limit"
        );
        assert_eq!(v["drills"][drill]["due"], 0, "{drill}");
    }
    // Prefixes are no terms: only their look-alikes have a drill.
    medterm(home.path())
        .args(["due", "prefixes"])
        .env("MEDTERM_NOW", "2026-12-04T20:00:00Z")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "drills: confusables 20 new, 0 due\n",
        ));
}
