//! The real binary in a pseudo-terminal: keys typed as a student would, then the data dir
//! read back to prove what was saved.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::Path;

use rexpect::session::spawn_command;

/// The app in a 100x30 pseudo-terminal (the shell sets the size; rexpect cannot).
fn app(home: &Path, args: &[&str]) -> rexpect::session::PtySession {
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg("stty rows 30 cols 100; exec \"$0\" \"$@\"")
        .arg(assert_cmd::cargo::cargo_bin("medterm"))
        .args(args)
        .env("MEDTERM_HOME", home)
        .env("MEDTERM_DEVICE", "laptop")
        .env("TZ", "UTC")
        .env("TERM", "xterm-256color");
    spawn_command(cmd, Some(20_000)).unwrap()
}

/// Waits (at most 20 s) until the log holds `n` events: the screen is redrawn by cell
/// differences, so the log, not the screen, is what proves an answer was saved.
fn wait_for_events(home: &Path, n: usize) {
    for _ in 0..400 {
        if reviews(home).len() >= n {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the log never reached {n} events: {:?}", reviews(home));
}

/// Sends keys and flushes them to the terminal.
fn keys(p: &mut rexpect::session::PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
}

fn reviews(home: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(home.join("reviews/laptop.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn reveal_and_grade_five_cards_then_quit_and_the_log_holds_five_reviews() {
    let home = tempfile::tempdir().unwrap();
    let mut p = app(home.path(), &["study", "prefixes"]);
    p.exp_string("answer").unwrap();
    for i in 1..=5 {
        keys(&mut p, " 3");
        wait_for_events(home.path(), i);
    }
    keys(&mut p, "qq");
    p.exp_eof().unwrap();
    let log = reviews(home.path());
    assert_eq!(log.len(), 5);
    assert!(
        log.iter()
            .all(|e| e["kind"] == "review" && e["rating"] == 3)
    );
    assert!(
        log.iter()
            .all(|e| e["card"].as_str().unwrap().starts_with("prefixes:"))
    );
}

#[test]
fn undo_takes_the_last_grade_back_and_the_log_says_so() {
    let home = tempfile::tempdir().unwrap();
    let mut p = app(home.path(), &["study", "suffixes"]);
    p.exp_string("answer").unwrap();
    keys(&mut p, " 1");
    wait_for_events(home.path(), 1);
    keys(&mut p, "u");
    wait_for_events(home.path(), 2);
    // Ctrl-C quits from anywhere, and the terminal is given back.
    p.send_control('c').unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
    let log = reviews(home.path());
    assert_eq!(log.len(), 2);
    assert_eq!(log[1]["kind"], "undo");
    assert_eq!(log[1]["target"], log[0]["id"]);
}

#[test]
fn a_second_instance_is_told_who_holds_the_data_dir() {
    let home = tempfile::tempdir().unwrap();
    let mut first = app(home.path(), &[]);
    first.exp_string("Prefixes").unwrap();
    let mut second = app(home.path(), &[]);
    second.exp_string("another medterm is writing").unwrap();
    second.exp_eof().unwrap();
    keys(&mut first, "q");
    first.exp_eof().unwrap();
}

#[test]
fn a_typed_answer_with_a_typo_is_almost_and_enter_saves_hard() {
    let home = tempfile::tempdir().unwrap();
    let mut p = app(home.path(), &["study", "prefixes"]);
    p.exp_string("answer").unwrap();
    // The first card is mono- ("one; single"): type "singel", check it, take the suggestion.
    keys(&mut p, "t");
    keys(&mut p, "singel");
    keys(&mut p, "\r");
    p.exp_string("almost").unwrap();
    keys(&mut p, "\r");
    wait_for_events(home.path(), 1);
    // The next card is not typed (the deck reveals by default): q goes home, q quits.
    keys(&mut p, "qq");
    p.exp_eof().unwrap();
    let log = reviews(home.path());
    assert_eq!(log[0]["card"], "prefixes:mono");
    assert_eq!(log[0]["rating"], 2, "almost suggests Hard");
}

#[test]
fn study_with_a_tag_shows_only_that_body_system() {
    let home = tempfile::tempdir().unwrap();
    let mut p = app(home.path(), &["study", "--tag", "cardiovascular"]);
    p.exp_string("Cardiovascular").unwrap();
    keys(&mut p, " 3");
    wait_for_events(home.path(), 1);
    keys(&mut p, "qq");
    p.exp_eof().unwrap();
    let card = reviews(home.path())[0]["card"].as_str().unwrap().to_owned();
    assert!(card.starts_with("cardiovascular:"), "{card}");
}

const DRILL_DECK: &str = r#"
[deck]
id = "t"
name = "Tiny"

[[card]]
id = "cardi-o"
front = "cardi/o"
back = "heart"
kind = "combining-form"

[[card]]
id = "hepat-o"
front = "hepat/o"
back = "liver"
kind = "combining-form"

[[card]]
id = "megaly"
front = "-megaly"
back = "enlargement"
kind = "suffix"

[[card]]
id = "algia"
front = "-algia"
back = "pain"
kind = "suffix"

[[card]]
id = "cardiomegaly"
front = "cardiomegaly"
back = "enlargement of the heart"
kind = "term"
parts = ["cardi/o", "-megaly"]
"#;

#[test]
fn a_dissect_drill_answered_right_saves_good_for_the_drills_own_key() {
    let home = tempfile::tempdir().unwrap();
    let deck = home.path().join("tiny.toml");
    std::fs::write(&deck, DRILL_DECK).unwrap();
    // The questions the app draws: from every loaded deck (distractors come from the
    // built-in ones too), seeded by the item's key (and its review count, 0 here).
    let data_dir = medterm::storage::DataDir {
        root: home.path().to_owned(),
        config_dir: home.path().to_owned(),
    };
    let library = medterm::study::progress::Library::new(medterm::study::DeckSet::load(
        &data_dir,
        std::slice::from_ref(&deck),
    ));
    let key = "t:cardiomegaly:dissect";
    let item = library.items.iter().find(|i| i.key == key).unwrap();
    let quiz = medterm::study::drill::dissect(
        &library.decks.loaded,
        &library.index,
        library.card_of(item),
        medterm::scheduler::key_seed(key),
    )
    .unwrap();
    let mut p = app(
        home.path(),
        &["--deck", deck.to_str().unwrap(), "drill", "dissect", "t"],
    );
    p.exp_string("cardiomegaly").unwrap();
    for q in &quiz.questions {
        keys(&mut p, &(q.right + 1).to_string());
    }
    // All right: Enter takes the suggested Good.
    keys(&mut p, "\r");
    wait_for_events(home.path(), 1);
    // The drill comes back within the learn-ahead, picking again: Ctrl-C leaves from there.
    keys(&mut p, "\x03");
    p.exp_eof().unwrap();
    let log = reviews(home.path());
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["card"], key);
    assert_eq!(log[0]["rating"], 3);
}

#[test]
fn the_build_drill_takes_a_wrongly_joined_term_as_hard() {
    let home = tempfile::tempdir().unwrap();
    let deck = home.path().join("tiny.toml");
    std::fs::write(&deck, DRILL_DECK).unwrap();
    let mut p = app(
        home.path(),
        &["--deck", deck.to_str().unwrap(), "drill", "build", "t"],
    );
    p.exp_string("heart").unwrap();
    // The combining vowel dropped before a consonant: the right parts, joined wrongly.
    keys(&mut p, "cardimegaly\r");
    p.exp_string("joined wrongly").unwrap();
    keys(&mut p, "\r");
    wait_for_events(home.path(), 1);
    keys(&mut p, "\x03");
    p.exp_eof().unwrap();
    let log = reviews(home.path());
    assert_eq!(log[0]["card"], "t:cardiomegaly:build");
    assert_eq!(log[0]["rating"], 2);
}

#[test]
fn an_edited_deck_is_reloaded_while_studying_and_the_session_goes_on() {
    let home = tempfile::tempdir().unwrap();
    let deck = home.path().join("tiny.toml");
    let card = |id: &str, front: &str, back: &str| {
        format!("[[card]]\nid = \"{id}\"\nfront = \"{front}\"\nback = \"{back}\"\n\n")
    };
    let head = "[deck]\nid = \"t\"\nname = \"Tiny\"\n\n";
    let a = card("a", "cardi/o", "heart");
    let z = card("z", "-itis", "inflammation");
    std::fs::write(&deck, format!("{head}{a}{z}")).unwrap();
    let mut p = app(
        home.path(),
        &["--deck", deck.to_str().unwrap(), "study", "t"],
    );
    p.exp_string("cardi/o").unwrap();
    keys(&mut p, " 4");
    wait_for_events(home.path(), 1);
    // Now a new card and a broken one (no back): the banner names the error, the
    // session goes on with the card on screen, and the new card comes up after it.
    let b = card("b", "gastr/o", "stomach");
    std::fs::write(
        &deck,
        format!("{head}{a}{z}{b}[[card]]\nid = \"x\"\nfront = \"nephr/o\"\n"),
    )
    .unwrap();
    p.exp_string("deck error(s)").unwrap();
    keys(&mut p, " 3");
    wait_for_events(home.path(), 2);
    keys(&mut p, " 3");
    wait_for_events(home.path(), 3);
    keys(&mut p, "\x03");
    p.exp_eof().unwrap();
    let cards: Vec<String> = reviews(home.path())
        .iter()
        .map(|e| e["card"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(cards, ["t:a", "t:z", "t:b"]);
}

#[test]
fn the_weakest_word_parts_are_studied_from_the_statistics_screen() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("h.jsonl");
    // brady- forgotten three times: the weakest part, and not due (just answered).
    let line = |h: u32| {
        format!(
            "{{\"card\":\"prefixes:brady\",\"time\":\"2026-12-04T0{h}:00:00Z\",\"rating\":1}}\n"
        )
    };
    std::fs::write(&file, [line(5), line(6), line(7)].concat()).unwrap();
    assert_cmd::Command::cargo_bin("medterm")
        .unwrap()
        .env("MEDTERM_HOME", home.path())
        .env("MEDTERM_DEVICE", "import")
        .args(["history", "import"])
        .arg(&file)
        .assert()
        .code(0);
    let mut p = app(home.path(), &[]);
    p.exp_string("streak").unwrap();
    // Keys are taken in order: the statistics are computed on S, before w is read.
    keys(&mut p, "S");
    keys(&mut p, "w");
    keys(&mut p, " 3");
    wait_for_events(home.path(), 1);
    keys(&mut p, "\x03");
    p.exp_eof().unwrap();
    assert_eq!(reviews(home.path())[0]["card"], "prefixes:brady");
}

#[test]
fn a_confusables_drill_half_right_saves_hard_for_the_groups_key() {
    let home = tempfile::tempdir().unwrap();
    let deck = home.path().join("tiny.toml");
    std::fs::write(
        &deck,
        r#"
[deck]
id = "t"
name = "Tiny"

[[card]]
id = "ileum"
front = "ileum"
back = "last part of the small intestine"
confused_with = ["ilium"]

[[card]]
id = "ilium"
front = "ilium"
back = "upper part of the hip bone"
confused_with = ["ileum"]
"#,
    )
    .unwrap();
    let data_dir = medterm::storage::DataDir {
        root: home.path().to_owned(),
        config_dir: home.path().to_owned(),
    };
    let library = medterm::study::progress::Library::new(medterm::study::DeckSet::load(
        &data_dir,
        std::slice::from_ref(&deck),
    ));
    // One item for the pair, on the card that comes first.
    let key = "t:ileum:confusables";
    assert!(library.items.iter().all(|i| i.key != "t:ilium:confusables"));
    let item = library.items.iter().find(|i| i.key == key).unwrap();
    let group = library.index.confusables_of(
        &library.decks.loaded,
        (item.deck, item.card),
        library.card_of(item),
    );
    let quiz = medterm::study::drill::confusables(
        &library.decks.loaded,
        &group,
        medterm::scheduler::key_seed(key),
    )
    .unwrap();
    let mut p = app(
        home.path(),
        &[
            "--deck",
            deck.to_str().unwrap(),
            "drill",
            "confusables",
            "t",
        ],
    );
    p.exp_string("ileum").unwrap();
    // The first right, the second wrong: partial credit, Hard.
    let first = quiz.questions[0].right + 1;
    let second = (quiz.questions[1].right + 1) % 2 + 1;
    keys(&mut p, &format!("{first}{second}\r"));
    wait_for_events(home.path(), 1);
    keys(&mut p, "\x03");
    p.exp_eof().unwrap();
    let log = reviews(home.path());
    assert_eq!(log[0]["card"], key);
    assert_eq!(log[0]["rating"], 2);
}
