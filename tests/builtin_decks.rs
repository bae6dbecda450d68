//! The built-in decks are the product: they load clean and hold what a first course teaches.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::collections::{BTreeMap, HashSet};

use medterm::deck::{self, Card, Caution, Deck, Kind, LoadedDecks};

fn loaded() -> LoadedDecks {
    deck::load(&deck::builtin_sources())
}

fn cards(l: &LoadedDecks) -> impl Iterator<Item = (&Deck, &Card)> {
    l.decks
        .iter()
        .flat_map(|d| d.cards.iter().map(move |c| (d, c)))
}

fn find<'a>(l: &'a LoadedDecks, front: &str) -> &'a Card {
    cards(l)
        .map(|(_, c)| c)
        .find(|c| c.front == front)
        .unwrap_or_else(|| panic!("no built-in card {front:?}"))
}

#[test]
fn every_built_in_deck_passes_check_with_no_errors_and_no_warnings() {
    let l = loaded();
    let report: Vec<String> = l
        .diagnostics
        .iter()
        .map(medterm::deck::Diagnostic::render)
        .collect();
    assert!(report.is_empty(), "{}", report.join(""));
    assert_eq!(l.decks.len(), deck::BUILTIN_DECKS.len());
}

#[test]
fn every_file_in_decks_is_embedded() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/decks");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            std::path::Path::new(n)
                .extension()
                .is_some_and(|e| e == "toml")
        })
        .collect();
    on_disk.sort();
    let embedded: Vec<&str> = deck::BUILTIN_DECKS.iter().map(|(n, _)| *n).collect();
    assert_eq!(on_disk, embedded);
}

#[test]
fn minimum_counts_by_kind() {
    let l = loaded();
    let count = |k: Kind| cards(&l).filter(|(_, c)| c.kind == k).count();
    let word_parts = count(Kind::Prefix) + count(Kind::Suffix) + count(Kind::CombiningForm);
    assert!(word_parts >= 600, "{word_parts} word parts");
    assert!(count(Kind::Term) >= 300, "{} terms", count(Kind::Term));
    assert!(count(Kind::Abbreviation) >= 200);
    assert!(count(Kind::Prefix) >= 100);
    assert!(count(Kind::Suffix) >= 100);
}

/// Cards of a kind by their tags: the first tag is the body system, the second a category.
fn by_tag(l: &LoadedDecks, kind: Kind, position: usize) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for (_, c) in cards(l).filter(|(_, c)| c.kind == kind) {
        if let Some(t) = c.tags.get(position) {
            *m.entry(t.to_string()).or_insert(0) += 1;
        }
    }
    m
}

#[test]
fn prefixes_and_suffixes_cover_every_category_a_course_teaches() {
    let l = loaded();
    let prefixes = by_tag(&l, Kind::Prefix, 1);
    for category in [
        "number",
        "position",
        "direction",
        "size",
        "color",
        "negation",
        "time",
    ] {
        let n = prefixes.get(category).copied().unwrap_or(0);
        assert!(n >= 5, "{n} {category} prefixes: {prefixes:?}");
    }
    let suffixes = by_tag(&l, Kind::Suffix, 1);
    for (category, min) in [
        ("diagnostic", 5),
        ("surgical", 8),
        ("procedural", 2),
        ("pathological", 20),
        ("adjectival", 10),
        ("noun-forming", 10),
    ] {
        let n = suffixes.get(category).copied().unwrap_or(0);
        assert!(n >= min, "{n} {category} suffixes: {suffixes:?}");
    }
}

#[test]
fn every_body_system_has_its_combining_forms_and_terms() {
    let l = loaded();
    let forms = by_tag(&l, Kind::CombiningForm, 0);
    let terms = by_tag(&l, Kind::Term, 0);
    for system in [
        "cardiovascular",
        "respiratory",
        "digestive",
        "urinary",
        "male-reproductive",
        "female-reproductive",
        "musculoskeletal",
        "nervous",
        "endocrine",
        "integumentary",
        "eye",
        "ear",
        "blood-immune",
        "oncology",
    ] {
        let min_forms = if system == "oncology" { 8 } else { 20 };
        let f = forms.get(system).copied().unwrap_or(0);
        let t = terms.get(system).copied().unwrap_or(0);
        assert!(f >= min_forms, "{system}: {f} combining forms");
        assert!(t >= 25, "{system}: {t} terms");
        assert!(l.deck(system).is_some(), "no deck for {system}");
    }
    assert!(forms.get("general").copied().unwrap_or(0) >= 60);
}

#[test]
fn every_term_is_built_from_parts_that_exist() {
    let l = loaded();
    let word_parts: HashSet<String> = cards(&l)
        .filter(|(_, c)| c.kind.is_word_part())
        .flat_map(|(_, c)| std::iter::once(&c.front).chain(&c.variants))
        .map(|f| f.to_lowercase())
        .collect();
    let terms: Vec<&Card> = cards(&l)
        .map(|(_, c)| c)
        .filter(|c| c.kind == Kind::Term)
        .collect();
    let with_parts = terms.iter().filter(|c| !c.parts.is_empty()).count();
    assert!(with_parts >= 300, "{with_parts} terms with parts");
    for t in terms {
        for p in &t.parts {
            assert!(
                word_parts.contains(&p.to_lowercase()),
                "{}: part {p}",
                t.front
            );
        }
    }
    assert_eq!(
        find(&l, "gastroenteritis").parts,
        ["gastr/o", "enter/o", "-itis"]
    );
}

#[test]
fn the_joint_commission_do_not_use_list_is_complete_and_marked() {
    let l = loaded();
    for front in [
        "U", "u", "IU", "Q.D.", "QD", "q.d.", "qd", "Q.O.D.", "QOD", "q.o.d.", "qod", "1.0 mg",
        ".5 mg", "MS", "MSO4", "MgSO4",
    ] {
        let c = find(&l, front);
        assert_eq!(c.caution, Some(Caution::DoNotUse), "{front}");
        assert!(
            c.instead.as_deref().is_some_and(|i| !i.is_empty()),
            "{front}"
        );
    }
    assert!(find(&l, "QD").instead.as_deref().unwrap().contains("daily"));
    assert!(
        find(&l, "MgSO4")
            .instead
            .as_deref()
            .unwrap()
            .contains("magnesium sulfate")
    );
}

#[test]
fn ismp_error_prone_abbreviations_are_marked_and_never_studied_in_reverse() {
    let l = loaded();
    let error_prone = cards(&l)
        .filter(|(_, c)| c.caution == Some(Caution::ErrorProne))
        .count();
    assert!(error_prone >= 40, "{error_prone}");
    for front in ["µg", "cc", "SC", "HS", "D/C", "AU", "TIW"] {
        assert_eq!(
            find(&l, front).caution,
            Some(Caution::ErrorProne),
            "{front}"
        );
    }
    // Studying meaning -> abbreviation would train students to write what must not be written.
    for (d, c) in cards(&l).filter(|(_, c)| c.caution.is_some()) {
        assert!(!d.is_reversed(c), "{} is reversed", c.front);
    }
}

#[test]
fn classic_confusables_are_linked_both_ways() {
    let l = loaded();
    for (a, b) in [
        ("ile/o", "ili/o"),
        ("-ectomy", "-stomy"),
        ("-ectomy", "-tomy"),
        ("-stomy", "-tomy"),
        ("hypo-", "hyper-"),
        ("dys-", "dis-"),
        ("peri-", "para-"),
        ("ureter/o", "urethr/o"),
    ] {
        assert!(
            find(&l, a).confused_with.iter().any(|x| x == b),
            "{a} -> {b}"
        );
        assert!(
            find(&l, b).confused_with.iter().any(|x| x == a),
            "{b} -> {a}"
        );
    }
    let ile = find(&l, "ile/o");
    assert!(ile.note.as_deref().is_some_and(|n| n.contains("ilium")));
}

#[test]
fn british_spellings_are_accepted() {
    let l = loaded();
    assert!(find(&l, "hem/o").variants.iter().any(|v| v == "haem/o"));
    assert!(
        find(&l, "esophag/o")
            .variants
            .iter()
            .any(|v| v == "oesophag/o")
    );
    assert!(find(&l, "-emia").variants.iter().any(|v| v == "-aemia"));
}

#[test]
fn every_card_has_an_example_or_a_definition_and_every_deck_a_description() {
    let l = loaded();
    for d in &l.decks {
        assert!(!d.description.trim().is_empty(), "{}", d.id);
        for c in &d.cards {
            if c.kind.is_word_part() {
                assert!(c.example.is_some(), "{}:{} has no example", d.id, c.id);
            }
            assert!(!c.tags.is_empty(), "{}:{} has no tags", d.id, c.id);
        }
    }
}
