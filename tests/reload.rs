//! Deck files edited while a session runs: reloaded, progress kept by card key.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use medterm::cli::{ColorChoice, GlobalArgs};
use medterm::scheduler::{Phase, Rating};
use medterm::settings::Settings;
use medterm::study::DeckSet;
use medterm::study::session::Session;

const BEFORE: &str = r#"
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
"#;

// a's text changed, b gone, c new, d broken (no back).
const AFTER: &str = r#"
[deck]
id = "t"
name = "Tiny"

[[card]]
id = "c"
front = "hepat/o"
back = "liver"

[[card]]
id = "a"
front = "cardi/o"
back = "heart (as in cardiology)"

[[card]]
id = "d"
front = "nephr/o"
"#;

/// A data dir at `home` with `deck` given with `--deck`, the clock at a fixed time.
fn settings(home: &std::path::Path, deck: &std::path::Path) -> Settings {
    Settings::resolve(&GlobalArgs {
        data_dir: Some(home.to_owned()),
        deck_paths: vec![deck.to_owned()],
        color: ColorChoice::Never,
        now: Some("2026-12-04T20:00:00Z".into()),
    })
    .unwrap()
}

#[test]
fn a_reloaded_deck_keeps_each_cards_progress_by_key_and_reports_its_errors() {
    let home = tempfile::tempdir().unwrap();
    let deck = home.path().join("t.toml");
    std::fs::write(&deck, BEFORE).unwrap();
    let settings = settings(home.path(), &deck);
    let mut session = Session::open(&settings, true).unwrap();
    let now = settings.now;
    let a = session.item_of("t:a").unwrap();
    let b = session.item_of("t:b").unwrap();
    session.answer(a, Rating::Easy, 2000, now).unwrap();
    session.answer(b, Rating::Good, 2000, now).unwrap();
    let a_state = session.progress.states[a as usize].clone();
    let b_state = session.progress.states[b as usize].clone();
    assert_eq!(a_state.phase, Phase::Review);

    std::fs::write(&deck, AFTER).unwrap();
    let decks = DeckSet::load(&settings.data_dir, &settings.extra_decks);
    let error = decks.error_line().unwrap();
    assert!(error.starts_with("1 deck error(s), first "), "{error}");
    assert!(error.contains("t.toml:"), "{error}");
    session.reload(decks);

    let a = session.item_of("t:a").unwrap();
    assert_eq!(
        session.progress.states[a as usize], a_state,
        "a keeps its progress"
    );
    let c = session.item_of("t:c").unwrap();
    assert_eq!(session.progress.states[c as usize].phase, Phase::New);
    assert!(session.item_of("t:b").is_none() && session.item_of("t:d").is_none());
    // b's progress waits for b to come back.
    assert_eq!(
        session.progress.unknown,
        [("t:b".to_owned(), b_state.clone())]
    );
    // The undo history follows its cards: b's answer (gone) is dropped, a's stays.
    assert_eq!(session.undo(now).unwrap(), a);
    assert_eq!(session.progress.states[a as usize].phase, Phase::New);
    assert!(session.undo(now).is_err());

    std::fs::write(&deck, BEFORE).unwrap();
    session.reload(DeckSet::load(&settings.data_dir, &settings.extra_decks));
    let b = session.item_of("t:b").unwrap();
    assert_eq!(
        session.progress.states[b as usize], b_state,
        "b is back with its progress"
    );
    drop(session);
    // And a fresh start replays the same: b answered, a's answer undone.
    let session = Session::open(&settings, false).unwrap();
    let b = session.item_of("t:b").unwrap();
    assert_eq!(session.progress.states[b as usize], b_state);
}

/// A cold open leaves its caches for later (the study screen writes them once the first
/// card is shown); written then, or at the end of the session, they make the next open warm
/// with the same states. A read-only open writes them at once.
#[test]
fn a_cold_opens_caches_are_written_once_asked_or_at_the_end() {
    let home = tempfile::tempdir().unwrap();
    let deck = home.path().join("t.toml");
    std::fs::write(&deck, BEFORE).unwrap();
    let settings = settings(home.path(), &deck);
    let cache = home.path().join("cache");
    let now = settings.now;
    {
        let mut session = Session::open(&settings, true).unwrap();
        session.answer(0, Rating::Good, 2000, now).unwrap();
    }
    let all = |cache: &std::path::Path| {
        ["decks.bin", "library.bin", "states.bin"].map(|f| cache.join(f).exists())
    };
    // The session's end wrote them all.
    assert_eq!(all(&cache), [true; 3]);
    std::fs::remove_dir_all(&cache).unwrap();
    let mut session = Session::open(&settings, true).unwrap();
    assert_eq!(all(&cache), [false; 3]);
    session.save_opened_caches();
    assert_eq!(all(&cache), [true; 3]);
    let replayed = session.progress.states.clone();
    drop(session);
    let warm = Session::open(&settings, false).unwrap();
    assert_eq!(warm.progress.states, replayed);
    assert_eq!(warm.progress.states[0].reps, 1);
    drop(warm);
    std::fs::remove_dir_all(&cache).unwrap();
    let read_only = Session::open(&settings, false).unwrap();
    assert_eq!(all(&cache), [true; 3]);
    drop(read_only);
}

/// A deck in the data dir's `decks/` that is also given with `--deck` is one deck, whether
/// it is parsed or comes from the cache.
#[test]
fn a_deck_given_twice_loads_once_parsed_or_cached() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("decks")).unwrap();
    let deck = home.path().join("decks/t.toml");
    std::fs::write(&deck, BEFORE).unwrap();
    let settings = settings(home.path(), &deck);
    for start in ["parsed", "cached"] {
        let set = DeckSet::load(&settings.data_dir, &settings.extra_decks);
        let tiny = set.loaded.decks.iter().filter(|d| d.id == "t").count();
        assert_eq!(tiny, 1, "{start}");
        assert!(
            set.loaded.diagnostics.is_empty(),
            "{start}: {:?}",
            set.loaded.diagnostics
        );
        assert!(set.unreadable.is_empty(), "{start}");
        assert!(home.path().join("cache/decks.bin").exists(), "{start}");
    }
}
