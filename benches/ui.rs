//! The app's budgets (issue 6 and DESIGN.md): from a keypress to the next frame in at most
//! 2 ms, and answer -> durable -> next card in at most 2 ms, with 50 000 cards loaded.

#![allow(clippy::unwrap_used)] // benches may unwrap

use chrono::{NaiveDate, TimeDelta, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use medterm::cli::{ColorChoice, GlobalArgs};
use medterm::scheduler::Rating;
use medterm::scheduler::queue::Limits;
use medterm::settings::Settings;
use medterm::study::progress::LiveQueue;
use medterm::study::session::Session;
use medterm::ui::app::{self, Action, App, CardView, Counts, Screen};
use medterm::ui::keymap::Keymap;
use medterm::ui::theme::Theme;
use medterm::ui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn bench(c: &mut Criterion) {
    // A data dir with the 50 000-card deck and a year of history for part of it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("decks")).unwrap();
    std::fs::create_dir_all(dir.path().join("reviews")).unwrap();
    std::fs::write(
        dir.path().join("decks/bench.toml"),
        medterm::workload::deck_toml(50_000),
    )
    .unwrap();
    let log: String = medterm::workload::history(
        50_000,
        200_000,
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
        5,
    )
    .iter()
    .map(|e| e.to_line() + "\n")
    .collect();
    std::fs::write(dir.path().join("reviews/gen.jsonl"), log).unwrap();
    let args = GlobalArgs {
        data_dir: Some(dir.path().to_path_buf()),
        deck_paths: vec![],
        color: ColorChoice::Never,
        now: Some("2026-12-04T20:00:00Z".into()),
    };
    let settings = Settings::resolve(&args).unwrap();
    let mut session = Session::open(&settings, true).unwrap();
    // No daily limit: the bench answers thousands of cards.
    let mut limits = settings.limits();
    limits.overall = Limits {
        new_per_day: 99_999,
        reviews_per_day: 99_999,
    };
    let deck = session.library.deck_index("bench").unwrap();
    let mut now = Utc::now();

    let mut group = c.benchmark_group("app");
    group.sample_size(50);
    // As the app does: the day's queue built once, then kept up to date per answer.
    let (items, queue) = session.queue(None, Some(&[deck]), None, &limits, now);
    let mut live = LiveQueue::new(items, queue, now);
    let today = settings.clock.day_of(now);
    group.bench_function("answer, durable, next card, 50k cards (budget 2 ms)", |b| {
        b.iter(|| {
            let item = live.first(&session.progress.states, now).unwrap();
            session.answer(item, Rating::Good, 1000, now).unwrap();
            live.answered(item, &session.progress.states[item as usize], now, today);
            now += TimeDelta::milliseconds(1);
            let next = live.first(&session.progress.states, now).unwrap();
            (
                live.counts(&session.progress.states),
                session.preview(next, now),
            )
        });
    });

    let card = CardView {
        deck: "Benchmark deck".into(),
        kind: "term".into(),
        prompt: "gastroenteritis".into(),
        answer: "inflammation of the stomach and intestines".into(),
        parts: vec![
            ("gastr/o".into(), "stomach".into()),
            ("-itis".into(), "inflammation".into()),
        ],
        waits: ["1m".into(), "6m".into(), "10m".into(), "8d".into()],
        ..CardView::default()
    };
    let mut app = App::new(vec![], vec![]);
    let keys = Keymap::default();
    let theme = Theme::named("dark", true);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    group.bench_function("keypress to next frame (budget 2 ms)", |b| {
        b.iter(|| {
            app.screen = Screen::Study {
                card: Some(Box::new(card.clone())),
                revealed: false,
                counts: Counts::default(),
                typing: None,
            };
            let effects = app::update(&mut app, Action::Reveal);
            terminal
                .draw(|f| view::render(&app, &keys, &theme, f))
                .unwrap();
            effects
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
