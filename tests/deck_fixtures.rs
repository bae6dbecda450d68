//! Every deck error has an invalid fixture under tests/fixtures/invalid whose `# expect:`
//! lines give the diagnostics `check` must report: `LINE:COL: SEVERITY: MESSAGE-PREFIX`
//! (`0:0` for a problem with the whole file).

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use medterm::deck::{self, DeckSource, Diagnostic, Origin, Severity};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn source(path: &Path) -> DeckSource {
    DeckSource {
        origin: Origin::File(path.to_path_buf()),
        bytes: Cow::Owned(std::fs::read(path).unwrap()),
    }
}

/// Loads the files together with the built-in decks (so `parts` can name built-in word
/// parts) and returns the diagnostics of these files only.
fn diagnostics_of(files: &[PathBuf]) -> Vec<Diagnostic> {
    let mut sources = deck::builtin_sources();
    sources.extend(files.iter().map(|f| source(f)));
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    deck::load(&sources)
        .diagnostics
        .into_iter()
        .filter(|d| names.contains(&d.path))
        .collect()
}

fn expectations(text: &str) -> Vec<(usize, usize, Severity, String)> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|e| {
            let mut it = e.splitn(4, ": ");
            let pos = it.next().unwrap();
            let (line, col) = pos.split_once(':').unwrap();
            let severity = match it.next().unwrap() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                other => panic!("bad severity {other}"),
            };
            let message = it.collect::<Vec<_>>().join(": ");
            (
                line.parse().unwrap(),
                col.parse().unwrap(),
                severity,
                message,
            )
        })
        .collect()
}

fn check_case(files: &[PathBuf], expect_from: &Path) {
    let text = std::fs::read_to_string(expect_from).unwrap();
    let expected = expectations(&text);
    assert!(
        !expected.is_empty(),
        "{} has no `# expect:` line",
        expect_from.display()
    );
    let got = diagnostics_of(files);
    let got_view: Vec<String> = got
        .iter()
        .map(|d| {
            format!(
                "{}:{}: {}: {}",
                d.line.unwrap_or(0),
                d.column.unwrap_or(0),
                d.severity,
                d.message
            )
        })
        .collect();
    assert_eq!(
        got.len(),
        expected.len(),
        "{}: expected {expected:?}, got {got_view:#?}",
        expect_from.display()
    );
    for ((line, col, severity, message), d) in expected.iter().zip(&got) {
        assert_eq!(
            (d.line.unwrap_or(0), d.column.unwrap_or(0), d.severity),
            (*line, *col, *severity),
            "{}: {got_view:#?}",
            expect_from.display()
        );
        assert!(
            d.message.starts_with(message.as_str()),
            "{}: message {:?} does not start with {message:?}",
            expect_from.display(),
            d.message
        );
    }
}

#[test]
fn every_invalid_fixture_reports_its_diagnostics_at_the_right_place() {
    let dir = fixtures().join("invalid");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            check_case(std::slice::from_ref(&path), &path);
            count += 1;
        }
    }
    assert!(count >= 15, "only {count} fixtures");
}

#[test]
fn a_deck_id_used_twice_is_reported_on_the_second_file() {
    let dir = fixtures().join("invalid/duplicate-deck-id");
    let (a, b) = (dir.join("a.toml"), dir.join("b.toml"));
    check_case(&[a.clone(), b.clone()], &b);
    let mut sources = deck::builtin_sources();
    sources.extend([source(&a), source(&b)]);
    let loaded = deck::load(&sources);
    let anatomy: Vec<_> = loaded.decks.iter().filter(|d| d.id == "anatomy").collect();
    assert_eq!(anatomy.len(), 1);
    assert_eq!(anatomy[0].name, "Anatomy, first copy");
}

#[test]
fn a_deck_that_uses_every_field_is_clean_and_loads_them_all() {
    let path = fixtures().join("valid/complete.toml");
    assert_eq!(diagnostics_of(std::slice::from_ref(&path)), vec![]);
    let loaded = deck::load(&[source(&path)]);
    let deck = loaded.deck("complete").unwrap();
    assert_eq!(deck.answer, deck::AnswerMode::Type);
    assert!(deck.reverse);
    let term = &deck.cards[2];
    assert_eq!(deck.card_key(term).as_str(), "complete:hepatomegaly");
    assert_eq!(term.kind, deck::Kind::Term);
    assert_eq!(term.parts, ["hepat/o", "-megaly"]);
    assert_eq!(term.line, 25);
    let hem = &deck.cards[3];
    assert_eq!(hem.variants, ["haem/o"]);
    assert_eq!(hem.confused_with, ["hepat/o"]);
    let u = &deck.cards[4];
    assert_eq!(u.caution, Some(deck::Caution::DoNotUse));
    assert_eq!(u.instead.as_deref(), Some("Write \"unit\""));
    assert!(!deck.is_reversed(u));
    assert!(deck.is_reversed(term));
}

#[test]
fn a_bad_card_is_dropped_and_the_rest_of_its_deck_and_other_decks_load() {
    let bad = fixtures().join("invalid/many-problems.toml");
    let good = fixtures().join("valid/complete.toml");
    let loaded = deck::load(&[source(&bad), source(&good)]);
    let many = loaded.deck("many-problems").unwrap();
    let ids: Vec<&str> = many.cards.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["gastritis"]);
    assert_eq!(loaded.deck("complete").unwrap().cards.len(), 5);
}

#[test]
fn invalid_utf8_is_located() {
    let bytes = b"[deck]\nid = \"x\"\nname = \"caf\xE9\"\n".to_vec();
    let loaded = deck::load(&[DeckSource {
        origin: Origin::File("latin1.toml".into()),
        bytes: Cow::Owned(bytes),
    }]);
    assert!(loaded.decks.is_empty());
    let d = &loaded.diagnostics[0];
    assert_eq!((d.line, d.column), (Some(3), Some(12)));
    assert!(d.message.contains("not valid UTF-8"));
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(b"[deck]\nid = \"bom\"\nname = \"BOM\"\n");
    let loaded = deck::load(&[DeckSource {
        origin: Origin::File("bom.toml".into()),
        bytes: Cow::Owned(bytes),
    }]);
    assert_eq!(loaded.diagnostics, vec![]);
    assert_eq!(loaded.decks[0].id, "bom");
}

#[test]
fn a_huge_field_is_an_error_not_a_crash() {
    let text = format!(
        "[deck]\nid = \"big\"\nname = \"Big\"\n[[card]]\nid = \"a\"\nfront = \"a\"\nback = \"{}\"\n",
        "x".repeat(1 << 20)
    );
    let loaded = deck::load(&[DeckSource {
        origin: Origin::File("big.toml".into()),
        bytes: Cow::Owned(text.into_bytes()),
    }]);
    let d = &loaded.diagnostics[0];
    assert_eq!((d.line, d.column), (Some(7), Some(8)));
    assert!(d.message.contains("over the limit"), "{}", d.message);
    assert!(loaded.decks[0].cards.is_empty());
}
