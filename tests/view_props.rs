//! Whatever text a card, a deck row, a search result or a banner holds, no cell of any
//! screen ever holds a control character, an escape, a bidi control, a zero width or tag
//! character, or a pile of combining marks. The loader refuses most of these; this holds
//! the view to it on its own, for text that reaches it some other way (a log, a file name).

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use medterm::study::answer::check;
use medterm::ui::app::{App, BrowseRow, CardView, Counts, DeckRow, Screen, Typing};
use medterm::ui::keymap::Keymap;
use medterm::ui::theme::Theme;
use medterm::ui::view;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn forbidden(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1F}'
            | '\u{7F}'..='\u{9F}'
            | '\u{AD}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Text made mostly of what must not reach the terminal, with letters between.
fn hostile() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        3 => prop::sample::select(vec![
            '\u{1b}', '[', ']', ';', '\u{7}', '\u{9b}', '\u{9d}', '\u{7f}', '\0', '\u{8}', '\r',
            '\n', '\t', '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200b}', '\u{200d}',
            '\u{feff}', '\u{2060}', '\u{ad}', '\u{2028}', '\u{e0041}', '\u{301}', '\u{20dd}',
            '\u{fe0f}',
        ]),
        2 => prop::char::range('a', 'z'),
        1 => any::<char>(),
    ];
    prop::collection::vec(c, 0..24).prop_map(String::from_iter)
}

fn assert_safe(app: &App, w: u16, h: u16) -> Result<(), TestCaseError> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::render(app, &Keymap::default(), &Theme::named("mono", false), f))
        .unwrap();
    let buf = t.backend().buffer();
    for y in 0..h {
        for x in 0..w {
            let symbol = buf[(x, y)].symbol();
            prop_assert!(
                !symbol.chars().any(forbidden),
                "cell ({}, {}) holds {:?}",
                x,
                y,
                symbol
            );
            let marks = symbol
                .chars()
                .filter(|&c| unicode_normalization::char::is_combining_mark(c))
                .count();
            prop_assert!(marks <= medterm::text::MAX_COMBINING_MARKS);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn no_screen_shows_a_hostile_character(
        t in prop::collection::vec(hostile(), 16),
        typed in hostile(),
    ) {
        let card = CardView {
            deck: t[0].clone(),
            kind: t[1].clone(),
            prompt: t[2].clone(),
            answer: t[3].clone(),
            example: Some(t[4].clone()),
            parts: vec![(t[5].clone(), t[6].clone())],
            confusables: vec![(t[7].clone(), t[8].clone())],
            note: Some(t[9].clone()),
            caution: Some((t[10].clone(), t[11].clone())),
            location: t[12].clone(),
            waits: ["1m".into(), "6m".into(), "10m".into(), "8d".into()],
            accepted: vec![t[3].clone(), t[13].clone()],
            ..CardView::default()
        };
        let mut app = App::new(
            vec![DeckRow {
                id: "d".into(),
                name: t[0].clone(),
                new: 1,
                learning: 2,
                review: 3,
                drills: [Some((1, 1)), None, Some((2, 0))],
            }],
            vec![t[14].clone()],
        );
        app.message = Some(t[15].clone());
        for size in [(40, 12), (100, 30)] {
            app.screen = Screen::Home;
            assert_safe(&app, size.0, size.1)?;
            for revealed in [false, true] {
                app.screen = Screen::Study {
                    card: Some(Box::new(card.clone())),
                    revealed,
                    counts: Counts::default(),
                    typing: Some(Typing {
                        input: typed.clone(),
                        checked: revealed.then(|| check(&typed, &card.accepted)),
                        joined: revealed.then(|| t[15].clone()),
                    }),
                };
                assert_safe(&app, size.0, size.1)?;
            }
            app.screen = Screen::Browse {
                query: typed.clone(),
                editing: true,
                results: vec![BrowseRow {
                    item: 0,
                    deck: t[0].clone(),
                    front: t[2].clone(),
                    back: t[3].clone(),
                    state: t[1].clone(),
                    detail: vec![t[12].clone(), t[9].clone()],
                }],
                selected: 0,
            };
            assert_safe(&app, size.0, size.1)?;
            for picks in [0, 1, 2] {
                let question = |k: usize| medterm::study::drill::Question {
                    prompt: t[k].clone(),
                    options: vec![t[k + 1].clone(), t[k + 2].clone()],
                    right: 1,
                };
                app.screen = Screen::Quiz {
                    quiz: Some(Box::new(medterm::ui::app::QuizView {
                        deck: t[0].clone(),
                        drill: medterm::study::drill::Drill::Dissect,
                        quiz: medterm::study::drill::Quiz {
                            title: t[2].clone(),
                            instructions: t[3].clone(),
                            questions: vec![question(4), question(7)],
                            picks: vec![0; picks],
                        },
                        explained: vec![(t[10].clone(), t[11].clone())],
                        location: t[12].clone(),
                        waits: ["1m".into(), "6m".into(), "10m".into(), "8d".into()],
                    })),
                    counts: Counts::default(),
                };
                assert_safe(&app, size.0, size.1)?;
            }
            app.screen = Screen::Stats { lines: t[4..8].to_vec(), scroll: 0 };
            assert_safe(&app, size.0, size.1)?;
            app.screen = Screen::Summary { studied: 1, correct: 1, seconds: 1, next: t[8].clone() };
            assert_safe(&app, size.0, size.1)?;
        }
    }
}
