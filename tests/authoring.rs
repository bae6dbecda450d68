//! Writing decks as a student does: `medterm new`, `medterm import` of each format's
//! fixture under tests/fixtures/import, `medterm export`, and the round trip between them.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use medterm::authoring::{self, ImportOptions, TableFormat};
use medterm::deck::{self, Card, Deck, DeckSource, Kind, Origin};
use predicates::prelude::*;

fn medterm(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("medterm").unwrap();
    cmd.env("MEDTERM_HOME", home).env_remove("MEDTERM_NOW");
    cmd
}

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn stdout(cmd: &mut Command, code: i32) -> String {
    String::from_utf8(cmd.assert().code(code).get_output().stdout.clone()).unwrap()
}

/// Loads one deck file on its own, asserting it has no error.
fn load_file(path: &Path) -> Deck {
    let loaded = deck::load(&[DeckSource {
        origin: Origin::File(path.to_path_buf()),
        bytes: std::fs::read(path).unwrap().into(),
    }]);
    assert_eq!(loaded.error_count(), 0, "{:?}", loaded.diagnostics);
    loaded.decks.into_iter().next().unwrap()
}

fn user_deck(home: &Path, id: &str) -> PathBuf {
    home.join("decks").join(format!("{id}.toml"))
}

/// `medterm check PATH` passes with nothing to report.
fn check_clean(home: &Path, path: &Path) {
    medterm(home)
        .args(["check", path.to_str().unwrap()])
        .assert()
        .code(0)
        .stdout(predicate::str::ends_with(
            "1 deck, ".to_owned()
                + &format!(
                    "{} cards: 0 errors, 0 warnings\n",
                    load_file(path).cards.len()
                ),
        ));
}

fn cards_without_lines(deck: &Deck) -> Vec<Card> {
    deck.cards
        .iter()
        .map(|c| Card {
            line: 0,
            ..c.clone()
        })
        .collect()
}

fn summary(deck: &Deck) -> Vec<(&str, &str, &str, Vec<&str>)> {
    deck.cards
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                c.front.as_str(),
                c.back.as_str(),
                c.tags.iter().map(medterm::deck::Text::as_str).collect(),
            )
        })
        .collect()
}

#[test]
fn new_writes_a_starter_deck_that_checks_clean_and_never_overwrites_it() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(
        medterm(home.path()).args(["new", "cardio-basics", "--name", "Cardio \"basics\""]),
        0,
    );
    let path = user_deck(home.path(), "cardio-basics");
    assert!(out.contains(&format!("wrote a starter deck to {}", path.display())));
    assert!(out.contains("medterm study cardio-basics"));
    check_clean(home.path(), &path);
    let deck = load_file(&path);
    assert_eq!(
        (deck.id.as_str(), deck.name.as_str()),
        ("cardio-basics", "Cardio \"basics\"")
    );
    assert_eq!(deck.cards.len(), 2);
    // The whole set loads clean too: the examples' parts and look-alikes resolve.
    medterm(home.path())
        .arg("check")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(": 0 errors, 0 warnings"));

    std::fs::write(&path, "# my edits\n").unwrap();
    medterm(home.path())
        .args(["new", "cardio-basics"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "already exists; nothing was written",
        ));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# my edits\n");
}

#[test]
fn new_refuses_a_bad_or_taken_deck_id() {
    let home = tempfile::tempdir().unwrap();
    medterm(home.path())
        .args(["new", "Cardio Basics"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "\"Cardio Basics\" is not a deck id: use lower-case letters a-z, digits and `-`, for example cardio-basics",
        ));
    medterm(home.path())
        .args(["new", "prefixes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the deck id `prefixes` is already used by built-in:prefixes.toml",
        ));
    assert!(!home.path().join("decks").exists());
}

#[test]
fn an_anki_export_is_converted_with_html_tags_and_a_report() {
    let home = tempfile::tempdir().unwrap();
    let file = fixture("anki-notes.txt");
    let out = stdout(medterm(home.path()).args(["import", &file]), 0);
    assert!(
        out.contains("as an Anki text export (tab-separated, HTML)"),
        "{out}"
    );
    assert!(out.contains("converted 6 cards, skipped 3:"), "{out}");
    assert!(out.contains(&format!("{file}:12: empty back")), "{out}");
    assert!(out.contains(&format!("{file}:13: empty front")), "{out}");
    assert!(out.contains(&format!(
        "{file}:14: duplicate of line 4 (same front and back)"
    )));
    assert!(out.contains(&format!("note: {file}:8: left out 1 sound reference(s)")));
    assert!(out.contains(&format!("note: {file}:13: left out 1 image(s)")));
    let path = user_deck(home.path(), "anki-notes");
    assert!(out.contains(&format!("wrote {}", path.display())));
    assert!(out.contains(&format!("next: medterm check {}", path.display())));
    check_clean(home.path(), &path);
    let deck = load_file(&path);
    assert_eq!(
        summary(&deck),
        [
            (
                "cardi-o",
                "cardi/o",
                "heart\nas in cardiology",
                vec!["cardiovascular", "word-part"]
            ),
            (
                "gastr-o",
                "gastr/o",
                "stomach\n(gastritis)",
                vec!["digestive"]
            ),
            // A quoted field holding a tab, a line break and doubled quotes.
            (
                "tachy",
                "tachy-",
                "fast; rapid (not \"slow\")",
                vec!["cardiovascular"]
            ),
            ("itis", "-itis", "inflammation", vec!["general", "suffix"]),
            ("i-o", "I&O", "intake & output", vec!["abbreviation"]),
            ("10", "< 10", "less than 10", vec!["abbreviation"]),
        ]
    );
}

#[test]
fn anki_guid_notetype_and_deck_columns_are_not_card_fields() {
    let home = tempfile::tempdir().unwrap();
    let file = fixture("anki-columns.txt");
    let out = stdout(
        medterm(home.path()).args(["import", &file, "--deck-id", "prefix-review"]),
        0,
    );
    assert!(out.contains(&format!("{file}:9: a cloze note")), "{out}");
    let deck = load_file(&user_deck(home.path(), "prefix-review"));
    // The name is the last part of Anki's deck name.
    assert_eq!(deck.name, "Prefixes");
    assert_eq!(
        summary(&deck),
        [
            (
                "hypo",
                "hypo-",
                "below; deficient",
                vec!["prefix", "position"]
            ),
            ("hyper", "hyper-", "above; excessive", vec!["prefix"]),
        ]
    );
    // Anki's "Basic (and reversed card)" is studied both ways.
    assert_eq!(
        deck.cards.iter().map(|c| c.reverse).collect::<Vec<_>>(),
        [None, Some(true)]
    );
}

#[test]
fn a_csv_with_a_bom_crlf_and_quoted_fields_keeps_every_column() {
    let home = tempfile::tempdir().unwrap();
    let file = fixture("cards.csv");
    let out = stdout(
        medterm(home.path()).args(["import", &file, "--name", "Heart words"]),
        0,
    );
    assert!(
        out.contains("as a table with a header row (comma-separated)"),
        "{out}"
    );
    assert!(out.contains(&format!("{file}:7: empty front")), "{out}");
    let path = user_deck(home.path(), "cards");
    check_clean(home.path(), &path);
    let deck = load_file(&path);
    assert_eq!(deck.name, "Heart words");
    let [cardio, megaly, term] = deck.cards.as_slice() else {
        panic!("{:?}", deck.cards)
    };
    assert_eq!(cardio.front, "cardi/o");
    assert_eq!(cardio.kind, Kind::CombiningForm);
    assert_eq!(
        cardio.example.as_deref(),
        Some("cardiology: the study of the heart")
    );
    assert_eq!(megaly.back, "enlargement, abnormal");
    assert_eq!(megaly.answers, ["enlarged", "large"]);
    assert_eq!(megaly.tags, ["general", "suffix"]);
    assert_eq!(
        megaly.note.as_deref(),
        Some("Seen on X-ray as a \"wide\" heart")
    );
    // The CRLF inside the quoted field is a line break of the back.
    assert_eq!(term.back, "enlargement\nof the heart");
    assert_eq!(term.kind, Kind::Term);
}

#[test]
fn a_tsv_with_ids_keeps_them_and_derives_the_missing_ones() {
    let home = tempfile::tempdir().unwrap();
    let out_path = home.path().join("elsewhere/prefixes-2.toml");
    let out = stdout(
        medterm(home.path()).args([
            "import",
            &fixture("cards.tsv"),
            "-o",
            out_path.to_str().unwrap(),
        ]),
        0,
    );
    // Outside the decks folder: how to study it says so.
    assert!(out.contains("medterm --deck "), "{out}");
    let deck = load_file(&out_path);
    assert_eq!(deck.id, "cards");
    let ids: Vec<&str> = deck.cards.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["brady", "tachy", "dys"]);
}

#[test]
fn a_quizlet_export_splits_each_line_at_its_separator() {
    let home = tempfile::tempdir().unwrap();
    let file = fixture("quizlet.txt");
    let out = stdout(medterm(home.path()).args(["import", &file]), 0);
    assert!(out.contains("as a Quizlet export (tab-separated)"), "{out}");
    assert!(out.contains(&format!("{file}:5: no tab between term and definition")));
    let deck = load_file(&user_deck(home.path(), "quizlet"));
    assert_eq!(
        summary(&deck),
        [
            ("brady", "brady-", "slow", vec![]),
            ("tachy", "tachy-", "fast, rapid", vec![]),
            ("hyper", "hyper-", "above; excessive", vec![]),
        ]
    );
}

#[test]
fn quizlet_custom_separators() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(
        medterm(home.path()).args([
            "import",
            &fixture("quizlet-custom.txt"),
            "--separator",
            " - ",
            "--card-separator",
            ";",
        ]),
        0,
    );
    assert!(out.contains("(\" - \"-separated)"), "{out}");
    let deck = load_file(&user_deck(home.path(), "quizlet-custom"));
    assert_eq!(
        summary(&deck),
        [
            ("brady", "brady-", "slow", vec![]),
            ("tachy", "tachy-", "fast", vec![]),
            ("hyper", "hyper-", "above\nexcessive", vec![]),
        ]
    );
}

#[test]
fn unreadable_files_say_where_and_write_nothing() {
    let home = tempfile::tempdir().unwrap();
    let file = fixture("unclosed-quote.csv");
    medterm(home.path())
        .args(["import", &file])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{file}:3:9: error: this quoted field is never closed"
        )))
        .stderr(predicate::str::contains("add the closing `\"`"))
        .stderr(predicate::str::contains("nothing was written"));
    let file = fixture("not-utf8.csv");
    medterm(home.path())
        .args(["import", &file])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{file}:3:4: error: the file is not UTF-8 text"
        )));
    let file = fixture("header-only.csv");
    medterm(home.path())
        .args(["import", &file])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{file}: error: no cards to import: the file holds no card"
        )));
    medterm(home.path())
        .args(["import", "/nonexistent/cards.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read /nonexistent/cards.txt",
        ));
    assert!(!home.path().join("decks").exists());
}

#[test]
fn import_never_overwrites_and_refuses_a_taken_deck_id() {
    let home = tempfile::tempdir().unwrap();
    let out_path = home.path().join("mine.toml");
    std::fs::write(&out_path, "keep me").unwrap();
    medterm(home.path())
        .args([
            "import",
            &fixture("quizlet.txt"),
            "-o",
            out_path.to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "already exists; nothing was written",
        ))
        .stderr(predicate::str::contains("choose another file with -o"));
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), "keep me");
    medterm(home.path())
        .args(["import", &fixture("quizlet.txt"), "--deck-id", "suffixes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the deck id `suffixes` is already used by built-in:suffixes.toml",
        ));
    medterm(home.path())
        .args(["import", &fixture("quizlet.txt"), "--deck-id", "Bad Id"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is not a deck id"));
    medterm(home.path())
        .args(["import", &fixture("quizlet.txt"), "-o", "deck.txt"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("must end in .toml"));
}

#[test]
fn import_export_import_gives_the_same_deck() {
    for (fixture_name, format) in [
        ("anki-notes.txt", "tsv"),
        ("cards.csv", "csv"),
        ("cards.csv", "tsv"),
        ("anki-columns.txt", "csv"),
    ] {
        let home = tempfile::tempdir().unwrap();
        medterm(home.path())
            .args([
                "import",
                &fixture(fixture_name),
                "--deck-id",
                "first",
                "--name",
                "Same",
            ])
            .assert()
            .code(0);
        let first = load_file(&user_deck(home.path(), "first"));
        let table = home.path().join(format!("first.{format}"));
        medterm(home.path())
            .args([
                "export",
                "first",
                "--format",
                format,
                "-o",
                table.to_str().unwrap(),
            ])
            .assert()
            .code(0)
            .stdout(predicate::str::contains(format!(
                "wrote {} cards of `first`",
                first.cards.len()
            )));
        let out = stdout(
            medterm(home.path()).args([
                "import",
                table.to_str().unwrap(),
                "--deck-id",
                "second",
                "--name",
                "Same",
            ]),
            0,
        );
        assert!(out.contains("skipped 0\n"), "{fixture_name}: {out}");
        let second = load_file(&user_deck(home.path(), "second"));
        assert_eq!(second.name, first.name);
        assert_eq!(
            cards_without_lines(&second),
            cards_without_lines(&first),
            "{fixture_name} as {format}"
        );
    }
}

#[test]
fn export_writes_a_header_row_to_stdout_and_never_overwrites_a_file() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(medterm(home.path()).args(["export", "prefixes"]), 0);
    let mut lines = out.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("front\tback\ttags\tid\tkind")
    );
    assert!(lines.any(|l| l.starts_with("brady-\tslow")), "{out}");
    let csv = stdout(
        medterm(home.path()).args(["export", "prefixes", "--format", "csv"]),
        0,
    );
    assert!(csv.starts_with("front,back,tags,id,kind"));

    let path = home.path().join("p.tsv");
    std::fs::write(&path, "old").unwrap();
    medterm(home.path())
        .args(["export", "prefixes", "-o", path.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
    medterm(home.path())
        .args(["export", "no-such-deck"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no deck `no-such-deck`"));
}

/// Every built-in deck, exported and imported back, is the same deck: the table format
/// carries every card field.
#[test]
fn every_built_in_deck_survives_export_and_import() {
    let loaded = deck::load(&deck::builtin_sources());
    for original in &loaded.decks {
        for format in [TableFormat::Tsv, TableFormat::Csv] {
            let table = authoring::to_table(original, format);
            let options = ImportOptions {
                deck_id: Some(original.id.clone()),
                name: Some(original.name.clone()),
                html: Some(false),
                ..ImportOptions::default()
            };
            let imported = authoring::import("table.txt", table.as_bytes(), &options).unwrap();
            assert_eq!(imported.skipped, [], "{} {format:?}", original.id);
            assert_eq!(
                cards_without_lines(&imported.deck),
                cards_without_lines(original),
                "{} {format:?}",
                original.id
            );
            let toml = authoring::deck_to_toml(&imported.deck, &[]);
            assert_eq!(authoring::writer::reads_back(&imported.deck, &toml), Ok(()));
        }
        // Nothing in the built-in decks reads as HTML, so no flag is needed either.
        assert_eq!(authoring::export::html_like(original), Vec::<&str>::new());
    }
}

#[test]
fn help_names_the_authoring_commands() {
    let home = tempfile::tempdir().unwrap();
    let help = stdout(medterm(home.path()).arg("--help"), 0);
    for command in ["new", "import", "export"] {
        assert!(help.contains(&format!("\n  {command} ")), "{help}");
    }
    let import = stdout(medterm(home.path()).args(["import", "--help"]), 0);
    assert!(import.contains("Notes in Plain Text"));
    assert!(import.contains("--card-separator"));
}

mod props {
    use super::*;
    use medterm::authoring::InputFormat;
    use proptest::prelude::*;

    /// Text made of what makes these formats hard: separators, quotes, line ends, markup.
    fn tricky_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("\t"),
                Just(","),
                Just(";"),
                Just("\""),
                Just("\n"),
                Just("\r\n"),
                Just("#"),
                Just("#separator:tab\n"),
                Just("#html:true\n"),
                Just("#tags column:3\n"),
                Just("front,back,tags\n"),
                Just("<br>"),
                Just("<b>"),
                Just("&amp;"),
                Just("&#x3bc;"),
                Just("[sound:a.mp3]"),
                Just("{{c1::"),
                Just("|"),
                Just("\\"),
                Just("\u{feff}"),
                Just("\u{200b}"),
                Just("\u{1b}"),
                Just("µ"),
                Just("gastr/o"),
                Just("heart"),
                Just(" "),
            ],
            0..60,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(384))]

        /// Any input either is refused with a located error, or gives a deck whose TOML
        /// loads back as exactly that deck.
        #[test]
        fn any_input_imports_to_a_deck_that_reads_back_or_is_refused(
            text in tricky_text(),
            format in prop_oneof![
                Just(None),
                Just(Some(InputFormat::Anki)),
                Just(Some(InputFormat::Csv)),
                Just(Some(InputFormat::Quizlet)),
            ],
        ) {
            let options = ImportOptions {
                format,
                separator: (format == Some(InputFormat::Quizlet)).then(|| "tab".to_owned()),
                ..ImportOptions::default()
            };
            match authoring::import("fuzz.txt", text.as_bytes(), &options) {
                Ok(imported) => {
                    let toml = authoring::deck_to_toml(&imported.deck, &["a comment".into()]);
                    prop_assert_eq!(authoring::writer::reads_back(&imported.deck, &toml), Ok(()));
                    // Export and import again: the same cards.
                    let table = authoring::to_table(&imported.deck, TableFormat::Tsv);
                    let again = authoring::import(
                        "again.tsv",
                        table.as_bytes(),
                        &ImportOptions { html: Some(false), ..ImportOptions::default() },
                    )
                    .unwrap();
                    prop_assert_eq!(cards_without_lines(&again.deck), cards_without_lines(&imported.deck));
                }
                Err(authoring::ImportError::File(d)) => {
                    prop_assert_eq!(d.path.as_str(), "fuzz.txt");
                    let _ = d.render();
                }
                Err(authoring::ImportError::Usage(_)) => {}
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let _ = authoring::import("fuzz.txt", &bytes, &ImportOptions::default());
        }
    }
}
