//! The loop: read a key, map it, update, carry out the effects through the study session,
//! draw. Blocking, no async runtime. `ratatui::init` installs a panic hook that restores the
//! terminal first; the terminal is restored on every way out.

use std::io::IsTerminal as _;
use std::time::Instant;

use chrono::{DateTime, Utc};
use crossterm::event::{self, Event, KeyEventKind};

use super::app::{self, App, CardView, Counts, DeckRow, Effect, QuizView, Screen, Typing};
use super::keymap::Keymap;
use super::theme::Theme;
use super::view;
use crate::cli::ColorChoice;
use crate::commands::Exit;
use crate::deck::{Caution, Kind};
use crate::scheduler::{Phase, Rating};
use crate::settings::Settings;
use crate::study::drill::{self, Drill};
use crate::study::progress::{DailyLimits, LiveQueue};
use crate::study::session::{OpenError, Session};
use crate::study::{DeckSet, DeckWatch};

struct Driver<'s> {
    settings: &'s Settings,
    session: Session,
    limits: DailyLimits,
    decks: Option<Vec<u32>>,
    /// Only cards with this tag (`medterm study --tag`).
    tag: Option<String>,
    /// Studying one drill's items instead of the cards.
    drill: Option<Drill>,
    /// Studying these items in order, due or not (the weakest word parts), instead of the
    /// day's queue.
    cram: Option<Vec<u32>>,
    /// The weakest word parts of the last statistics shown.
    weak: Vec<drill::CardRef>,
    queue: Option<LiveQueue>,
    current: Option<u32>,
    shown_at: Instant,
    studied: u32,
    correct: u32,
    started: Instant,
}

impl<'s> Driver<'s> {
    /// On the home screen, nothing chosen yet.
    fn new(settings: &'s Settings, session: Session) -> Driver<'s> {
        Driver {
            settings,
            session,
            limits: settings.limits(),
            decks: None,
            tag: None,
            drill: None,
            cram: None,
            weak: Vec::new(),
            queue: None,
            current: None,
            shown_at: Instant::now(),
            studied: 0,
            correct: 0,
            started: Instant::now(),
        }
    }

    fn now(&self) -> DateTime<Utc> {
        if self.settings.now_fixed {
            self.settings.now
        } else {
            Utc::now()
        }
    }

    fn card_view(&self, item: u32) -> CardView {
        let lib = &self.session.library;
        let it = &lib.items[item as usize];
        let deck = lib.deck_of(it);
        let card = lib.card_of(it);
        let (prompt, answer) = if it.reversed {
            let mut front = card.front.to_string();
            if !card.variants.is_empty() {
                front = format!("{front} (also {})", card.variants.join(", "));
            }
            (card.back.to_string(), front)
        } else {
            (card.front.to_string(), card.back.to_string())
        };
        let decks = &lib.decks.loaded;
        let parts = card
            .parts
            .iter()
            .map(|p| {
                let meaning = lib
                    .index
                    .part(decks, p)
                    .map_or_else(String::new, |r| drill::card_at(decks, r).back.to_string());
                (p.to_string(), meaning)
            })
            .collect();
        let confusables = card
            .confused_with
            .iter()
            .map(|c| match lib.index.card(decks, c) {
                Some(r) => {
                    let other = drill::card_at(decks, r);
                    (other.front.to_string(), other.back.to_string())
                }
                None => (c.to_string(), String::new()),
            })
            .collect();
        let caution = card.caution.map(|c| {
            let list = match c {
                Caution::DoNotUse => "on The Joint Commission's Do Not Use list",
                Caution::ErrorProne => "on ISMP's list of error-prone abbreviations",
            };
            (
                list.to_owned(),
                card.instead.as_deref().unwrap_or_default().to_owned(),
            )
        });
        let now = self.now();
        let waits = self.session.preview(item, now).map(|o| o.wait.short());
        if it.drill == Some(Drill::Build) {
            // The definition shown, the term typed; its parts come with the answer.
            let mut answer = card.front.to_string();
            if !card.variants.is_empty() {
                answer = format!("{answer} (also {})", card.variants.join(", "));
            }
            let mut accepted = vec![card.front.to_string()];
            accepted.extend(card.variants.iter().map(ToString::to_string));
            return CardView {
                deck: deck.name.clone(),
                kind: "build the term".into(),
                prompt: card.back.to_string(),
                answer,
                example: card.example.as_deref().map(str::to_owned),
                parts,
                note: card.note.as_deref().map(str::to_owned),
                location: format!("{}:{}", deck.origin, card.line),
                waits,
                accepted,
                type_by_default: true,
                build: Some(drill::wrong_joins(&lib.decks.loaded, &lib.index, card)),
                ..CardView::default()
            };
        }
        CardView {
            deck: deck.name.clone(),
            kind: if card.kind == Kind::Other {
                "card".into()
            } else {
                card.kind.label().into()
            },
            reversed: it.reversed,
            prompt,
            answer,
            example: card.example.as_deref().map(str::to_owned),
            parts,
            confusables,
            note: card.note.as_deref().map(str::to_owned),
            caution,
            location: format!("{}:{}", deck.origin, card.line),
            waits,
            accepted: crate::study::answer::accepted(card, it.reversed),
            // Meaning -> term is best typed: recognising a term is easier than producing it.
            type_by_default: crate::study::answer::types_by_default(deck),
            build: None,
        }
    }

    /// A picking drill's questions, drawn afresh for each review of the item (the seed is
    /// its key and review count).
    fn quiz_view(&self, item: u32) -> Option<QuizView> {
        let lib = &self.session.library;
        let it = &lib.items[item as usize];
        let deck = lib.deck_of(it);
        let card = lib.card_of(it);
        let decks = &lib.decks.loaded;
        let reps = self.session.progress.states[item as usize].reps;
        let seed = crate::scheduler::key_seed(&it.key)
            ^ u64::from(reps).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let (quiz, explained) = match it.drill? {
            Drill::Dissect => {
                let quiz = drill::dissect(decks, &lib.index, card, seed)?;
                let parts = lib.index.parts_of(decks, card)?;
                let explained = parts
                    .iter()
                    .map(|&r| {
                        let p = drill::card_at(decks, r);
                        (p.front.to_string(), p.back.to_string())
                    })
                    .chain(std::iter::once((
                        card.front.to_string(),
                        card.back.to_string(),
                    )))
                    .collect();
                (quiz, explained)
            }
            Drill::Confusables => {
                let group = lib.index.confusables_of(decks, (it.deck, it.card), card);
                let quiz = drill::confusables(decks, &group, seed)?;
                let explained = group
                    .iter()
                    .map(|&r| {
                        let c = drill::card_at(decks, r);
                        let mut meaning = c.back.to_string();
                        if let Some(n) = &c.note {
                            meaning = format!("{meaning} — {n}");
                        }
                        (c.front.to_string(), meaning)
                    })
                    .collect();
                (quiz, explained)
            }
            Drill::Build => return None,
        };
        Some(QuizView {
            deck: deck.name.clone(),
            drill: it.drill?,
            quiz,
            explained,
            location: format!("{}:{}", deck.origin, card.line),
            waits: self
                .session
                .preview(item, self.now())
                .map(|o| o.wait.short()),
        })
    }

    /// The next card and the session's counts.
    fn next(&mut self, app: &mut App) {
        let now = self.now();
        if let Some(cram) = &self.cram {
            self.current = cram.first().copied();
            let counts = Counts {
                new: 0,
                learning: 0,
                review: u32::try_from(cram.len()).unwrap_or(u32::MAX),
            };
            if self.current.is_none() {
                self.cram = None;
                app.screen = Screen::Summary {
                    studied: self.studied,
                    correct: self.correct,
                    seconds: self.started.elapsed().as_secs(),
                    next: "the weakest word parts are done; their next reviews are scheduled"
                        .into(),
                };
                return;
            }
            self.shown_at = Instant::now();
            let card = self.current.map(|i| Box::new(self.card_view(i)));
            let typing = card
                .as_ref()
                .filter(|c| c.type_by_default)
                .map(|_| Typing::default());
            app.screen = Screen::Study {
                card,
                revealed: false,
                counts,
                typing,
            };
            return;
        }
        if self.queue.as_ref().is_none_or(|q| q.is_stale(now)) {
            let (items, queue) = self.session.queue(
                self.drill,
                self.decks.as_deref(),
                self.tag.as_deref(),
                &self.limits,
                now,
            );
            self.queue = Some(LiveQueue::new(items, queue, now));
        }
        let Some(live) = self.queue.as_mut() else {
            return;
        };
        self.current = live.first(&self.session.progress.states, now);
        let (new, learning, review) = live.counts(&self.session.progress.states);
        let counts = Counts {
            new,
            learning,
            review,
        };
        if self.current.is_none() && self.studied > 0 {
            app.screen = Screen::Summary {
                studied: self.studied,
                correct: self.correct,
                seconds: self.started.elapsed().as_secs(),
                next: "come back tomorrow: everything due today is done".into(),
            };
            return;
        }
        self.shown_at = Instant::now();
        if matches!(self.drill, Some(Drill::Dissect | Drill::Confusables)) {
            app.screen = Screen::Quiz {
                quiz: self.current.and_then(|i| self.quiz_view(i)).map(Box::new),
                counts,
            };
            return;
        }
        let card = self.current.map(|i| Box::new(self.card_view(i)));
        let typing = card
            .as_ref()
            .filter(|c| c.type_by_default)
            .map(|_| Typing::default());
        app.screen = Screen::Study {
            card,
            revealed: false,
            counts,
            typing,
        };
    }

    /// Fills the browse screen's results for its query: words match the front, back, deck
    /// and tags; `tag:X`, `deck:X` and `is:new|learning|review|due|suspended|leech` filter.
    fn search(&self, app: &mut App) {
        let Screen::Browse {
            query,
            results,
            selected,
            ..
        } = &mut app.screen
        else {
            return;
        };
        let now = self.now();
        let today = self.session.cfg.clock.day_of(now);
        let lib = &self.session.library;
        let mut words = Vec::new();
        let (mut tag, mut deck_id, mut is) = (None, None, None);
        for w in query.split_whitespace() {
            if let Some(t) = w.strip_prefix("tag:") {
                tag = Some(t.to_lowercase());
            } else if let Some(d) = w.strip_prefix("deck:") {
                deck_id = Some(d.to_lowercase());
            } else if let Some(i) = w.strip_prefix("is:") {
                is = Some(i.to_lowercase());
            } else {
                words.push(crate::study::answer::normalize(w));
            }
        }
        results.clear();
        for (i, item) in lib.items.iter().enumerate() {
            let deck = lib.deck_of(item);
            let card = lib.card_of(item);
            let state = &self.session.progress.states[i];
            if tag
                .as_ref()
                .is_some_and(|t| !card.tags.iter().any(|x| x == t))
                || deck_id.as_ref().is_some_and(|d| *d != deck.id)
            {
                continue;
            }
            let due_today = match state.due {
                crate::scheduler::Due::Day(d) => d <= today,
                crate::scheduler::Due::At(t) => t <= now,
                crate::scheduler::Due::Unseen => false,
            };
            let keep = match is.as_deref() {
                None => true,
                Some("new") => state.phase == Phase::New,
                Some("learning") => matches!(state.phase, Phase::Learning | Phase::Relearning),
                Some("review") => state.phase == Phase::Review,
                Some("due") => due_today && !state.suspended,
                Some("suspended") => state.suspended,
                Some("leech") => state.leech,
                Some(_) => false,
            };
            if !keep {
                continue;
            }
            let hay = crate::study::answer::normalize(&format!(
                "{} {} {} {}",
                card.front,
                card.back,
                deck.id,
                card.tags.join(" ")
            ));
            if !words.iter().all(|w| hay.contains(w.as_str())) {
                continue;
            }
            let label = if state.leech {
                "leech (suspended)".to_owned()
            } else if state.suspended {
                "suspended".to_owned()
            } else {
                match (state.phase, state.due) {
                    (Phase::New, _) => "new".to_owned(),
                    (Phase::Review, crate::scheduler::Due::Day(d)) => format!("review, due {d}"),
                    (_, crate::scheduler::Due::At(t)) => {
                        format!("learning, due {}", t.format("%Y-%m-%d %H:%M UTC"))
                    }
                    (p, _) => p.as_str().to_owned(),
                }
            };
            let mut detail = vec![format!(
                "{} · defined at {}:{}",
                item.key, deck.origin, card.line
            )];
            if let Some(m) = state.memory {
                detail.push(format!(
                    "stability {:.1} d · difficulty {:.1} · interval {} · {} answers · {} lapses",
                    m.stability,
                    m.difficulty,
                    state
                        .interval_days
                        .map_or_else(|| "-".to_owned(), |d| format!("{d} d")),
                    state.reps,
                    state.lapses
                ));
            }
            if let Some(t) = state.last_review {
                detail.push(format!("last answered {}", t.format("%Y-%m-%d %H:%M UTC")));
            }
            let (front, back) = if item.reversed {
                (format!("{} (reverse)", card.back), card.front.to_string())
            } else if let Some(d) = item.drill {
                (
                    format!("{} ({} drill)", card.front, d.as_str()),
                    card.back.to_string(),
                )
            } else {
                (card.front.to_string(), card.back.to_string())
            };
            results.push(app::BrowseRow {
                item: u32::try_from(i).unwrap_or(u32::MAX),
                deck: deck.name.clone(),
                front,
                back,
                state: label,
                detail,
            });
            if results.len() >= 500 {
                break;
            }
        }
        *selected = (*selected).min(results.len().saturating_sub(1));
    }

    /// Adds the selected browse result's answers, oldest first, to its details. Reading the
    /// logs is the storage layer's job; the screen only gets the lines.
    fn history(&self, app: &mut App) {
        let Screen::Browse {
            results, selected, ..
        } = &mut app.screen
        else {
            return;
        };
        let Some(row) = results.get_mut(*selected) else {
            return;
        };
        let lines = match self.session.answers_of(row.item) {
            Ok(answers) if answers.is_empty() => vec!["no answers yet".to_owned()],
            Ok(answers) => answers
                .iter()
                .map(|(t, r, ms)| {
                    format!(
                        "{} {} ({:.1} s)",
                        t.format("%Y-%m-%d %H:%M"),
                        r.label(),
                        f64::from(*ms) / 1000.0
                    )
                })
                .collect(),
            Err(e) => vec![format!("cannot read the review logs: {e}")],
        };
        row.detail.truncate(3);
        row.detail
            .push(format!("answers (UTC): {}", lines.join(" · ")));
    }

    /// The queue after the card on screen changed state.
    fn moved(&mut self, item: u32) {
        if let Some(cram) = self.cram.as_mut() {
            cram.retain(|&i| i != item);
            return;
        }
        let now = self.now();
        let today = self.session.cfg.clock.day_of(now);
        if let Some(live) = self.queue.as_mut() {
            live.answered(
                item,
                &self.session.progress.states[item as usize],
                now,
                today,
            );
        }
    }

    fn show(&mut self, app: &mut App, item: u32) {
        self.current = Some(item);
        self.shown_at = Instant::now();
        if let Screen::Quiz { quiz, .. } = &mut app.screen {
            *quiz = self.quiz_view(item).map(Box::new);
            return;
        }
        if let Screen::Study {
            card,
            revealed,
            typing,
            ..
        } = &mut app.screen
        {
            let view = self.card_view(item);
            *typing = view.type_by_default.then(Typing::default);
            *card = Some(Box::new(view));
            *revealed = false;
        }
    }

    /// Each drill's new and due items in a deck (or all), `None` where it has none.
    fn drill_counts(&self, deck: Option<u32>, now: DateTime<Utc>) -> [Option<(u32, u32)>; 3] {
        let decks = deck.map(|x| [x]);
        crate::study::progress::drill_counts(
            &self.session.library,
            &self.session.progress,
            decks.as_ref().map(<[u32; 1]>::as_slice),
            &self.limits,
            now,
            self.session.cfg.clock.day_of(now),
        )
    }

    fn refresh_home(&mut self, app: &mut App) {
        let now = self.now();
        let lib = &self.session.library;
        // Each deck's counts are what studying it alone would give today.
        let mut rows = Vec::with_capacity(lib.decks.loaded.decks.len());
        for (d, deck) in lib.decks.loaded.decks.iter().enumerate() {
            let d = u32::try_from(d).unwrap_or(u32::MAX);
            let (items, queue) = self
                .session
                .queue(None, Some(&[d]), None, &self.limits, now);
            let learning = queue
                .learning
                .iter()
                .chain(&queue.ahead)
                .filter(|&&q| {
                    self.session.progress.states[items[q as usize] as usize].phase != Phase::New
                })
                .count();
            rows.push(DeckRow {
                id: deck.id.clone(),
                name: deck.name.clone(),
                new: queue.new_count,
                learning: u32::try_from(learning).unwrap_or(u32::MAX),
                review: queue.review_count,
                drills: self.drill_counts(Some(d), now),
            });
        }
        app.drills = self.drill_counts(None, now);
        let today = self.session.cfg.clock.day_of(now);
        app.today_reviews = self
            .session
            .progress
            .states
            .iter()
            .map(|s| {
                let (new, reviews) = s.done_on(today);
                new + reviews
            })
            .sum();
        app.decks = rows;
        app.selected = app.selected.min(app.decks.len());
        app.screen = Screen::Home;
    }

    /// Takes in edited deck files: progress stays with each card's key, the session goes on,
    /// and the banner shows the decks' errors.
    fn reload(&mut self, app: &mut App) {
        let decks = DeckSet::load(&self.settings.data_dir, &self.settings.extra_decks);
        let error_line = decks.error_line();
        let lib = &self.session.library;
        let current = self.current.map(|i| lib.items[i as usize].key.clone());
        let chosen: Option<Vec<String>> = self.decks.as_ref().map(|ds| {
            ds.iter()
                .map(|&d| lib.decks.loaded.decks[d as usize].id.clone())
                .collect()
        });
        let selected = lib
            .decks
            .loaded
            .decks
            .get(app.selected)
            .map(|d| d.id.clone());
        self.session.reload(decks);
        self.queue = None;
        // Item numbers changed: a cram list of them ends; the day's queue takes over.
        self.cram = None;
        self.weak.clear();
        self.current = current.and_then(|k| self.session.item_of(&k));
        let lib = &self.session.library;
        self.decks = chosen.map(|ids| ids.iter().filter_map(|id| lib.deck_index(id)).collect());
        app.banner.retain(|l| !l.contains("deck error(s)"));
        app.message = Some(match &error_line {
            Some(_) => {
                "deck files reloaded, with errors: `medterm check` shows them all".to_owned()
            }
            None => "deck files reloaded".to_owned(),
        });
        if let Some(line) = error_line {
            app.banner.insert(0, line);
        }
        match app.screen {
            Screen::Home => {
                if let Some(d) = selected.and_then(|id| lib.deck_index(&id)) {
                    app.selected = d as usize;
                }
                self.refresh_home(app);
            }
            // The card on screen stays while it exists: the student may be mid-answer.
            Screen::Study { .. } | Screen::Quiz { .. } if self.current.is_some() => {}
            Screen::Study { .. } | Screen::Quiz { .. } => self.next(app),
            Screen::Browse { .. } => self.search(app),
            Screen::Summary { .. } | Screen::Stats { .. } => {}
        }
    }

    fn perform(&mut self, app: &mut App, effect: Effect) {
        let now = self.now();
        let result = match effect {
            Effect::Quit => return,
            Effect::Search => {
                self.search(app);
                return;
            }
            Effect::History => {
                self.history(app);
                return;
            }
            Effect::Stats => {
                let lines = match self.session.report(now, self.settings.streak_rules()) {
                    Ok(report) => {
                        self.weak = report.weakest_parts(10);
                        report.lines()
                    }
                    Err(e) => vec![format!("cannot read the review logs: {e}")],
                };
                app.screen = Screen::Stats { lines, scroll: 0 };
                return;
            }
            Effect::StudyWeak => {
                let lib = &self.session.library;
                let items: Vec<u32> = self
                    .weak
                    .iter()
                    .flat_map(|&(d, c)| {
                        lib.items
                            .iter()
                            .enumerate()
                            .filter(move |(_, it)| {
                                it.deck == d && it.card == c && it.drill.is_none()
                            })
                            .filter_map(|(n, _)| u32::try_from(n).ok())
                    })
                    .filter(|&i| !self.session.progress.states[i as usize].suspended)
                    .collect();
                if items.is_empty() {
                    app.message = Some(format!(
                        "no weak word parts yet: a part needs {} answers and under 90% recalled",
                        crate::study::report::PART_MIN_ANSWERS
                    ));
                    return;
                }
                self.queue = None;
                self.drill = None;
                self.cram = Some(items);
                self.studied = 0;
                self.correct = 0;
                self.started = Instant::now();
                self.next(app);
                return;
            }
            Effect::ToggleSuspend => {
                let Screen::Browse {
                    results, selected, ..
                } = &app.screen
                else {
                    return;
                };
                let Some(row) = results.get(*selected) else {
                    return;
                };
                let item = row.item;
                let suspended = self.session.progress.states[item as usize].suspended;
                let r = self.session.set_suspended(item, !suspended, now);
                if r.is_ok() {
                    self.search(app);
                    app.message = Some(
                        if suspended {
                            "unsuspended"
                        } else {
                            "suspended"
                        }
                        .into(),
                    );
                    return;
                }
                r
            }
            Effect::Home => {
                self.queue = None;
                self.cram = None;
                self.refresh_home(app);
                return;
            }
            Effect::Drill(drill, deck) => {
                self.queue = None;
                self.cram = None;
                self.drill = Some(drill);
                self.decks = deck.map(|d| vec![d]);
                self.studied = 0;
                self.correct = 0;
                self.started = Instant::now();
                self.next(app);
                return;
            }
            Effect::Study(deck) => {
                self.queue = None;
                self.cram = None;
                self.drill = None;
                self.decks = deck.map(|d| vec![d]);
                self.studied = 0;
                self.correct = 0;
                self.started = Instant::now();
                app.screen = Screen::Study {
                    card: None,
                    revealed: false,
                    counts: Counts::default(),
                    typing: None,
                };
                self.next(app);
                return;
            }
            Effect::Grade(g) => {
                let Some(item) = self.current else { return };
                let rating = Rating::from_number(u64::from(g)).unwrap_or(Rating::Good);
                let ms = u64::try_from(self.shown_at.elapsed().as_millis()).unwrap_or(u64::MAX);
                self.session.answer(item, rating, ms, now).map(|()| {
                    self.studied += 1;
                    self.correct += u32::from(rating != Rating::Again);
                })
            }
            Effect::Undo => match self.session.undo(now) {
                Ok(item) => {
                    self.queue = None;
                    if let Some(cram) = self.cram.as_mut() {
                        cram.insert(0, item);
                    }
                    self.studied = self.studied.saturating_sub(1);
                    self.show(app, item);
                    app.message = Some("undone".into());
                    return;
                }
                Err(e) => Err(e),
            },
            Effect::Skip => match self.current {
                Some(item) => self.session.bury(item, now),
                None => return,
            },
            Effect::Suspend => match self.current {
                Some(item) => self.session.set_suspended(item, true, now),
                None => return,
            },
        };
        match result {
            Ok(()) => {
                if let Some(item) = self.current {
                    self.moved(item);
                }
                self.next(app);
            }
            Err(e) => {
                app.message = Some(e.to_string());
                if let Some(reason) = self.session.read_only_reason() {
                    let line = format!("read-only: {reason}");
                    if !app.banner.contains(&line) {
                        app.banner.push(line);
                    }
                }
            }
        }
    }
}

fn theme_for(settings: &Settings) -> Theme {
    let color = match settings.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    Theme::named(&settings.config.theme.value, color)
}

/// Opens the app: on the home screen, or studying `decks` straight away (their cards, or
/// one drill's items).
pub fn run(
    settings: &Settings,
    study: Option<(&[String], Option<&str>)>,
    drill: Option<Drill>,
) -> anyhow::Result<Exit> {
    let session = match Session::open(settings, true) {
        Ok(s) => s,
        Err(OpenError::Lock(e)) => {
            eprintln!("medterm: {e}");
            return Ok(Exit::Failure);
        }
        Err(e) => return Err(e.into()),
    };
    let (keys, key_problems) = Keymap::with_overrides(&settings.config.keys);
    let mut banner: Vec<String> = Vec::new();
    banner.extend(session.library.decks.error_line());
    let mut watch = DeckWatch::new(DeckSet::stamp(&settings.data_dir, &settings.extra_decks));
    banner.extend(
        session
            .notices
            .iter()
            .map(crate::study::session::Notice::message),
    );
    banner.extend(key_problems);
    let mut decks = None;
    let tag = study.and_then(|(_, t)| t).map(str::to_owned);
    if let Some((ids, _)) = study {
        let mut chosen = Vec::new();
        for id in ids {
            match session.library.deck_index(id) {
                Some(d) => chosen.push(d),
                None => {
                    eprintln!("medterm: no deck `{id}`; `medterm decks` lists them");
                    return Ok(Exit::BadInput);
                }
            }
        }
        decks = Some(chosen).filter(|c| !c.is_empty());
    }
    let theme = theme_for(settings);
    let mut driver = Driver::new(settings, session);
    let mut app = App::new(Vec::new(), banner);
    // Straight into studying, the home screen's counts wait until it is shown.
    if study.is_none() {
        driver.refresh_home(&mut app);
    }
    if study.is_some() {
        driver.decks = decks;
        driver.tag = tag;
        driver.drill = drill;
        driver.started = Instant::now();
        app.screen = Screen::Study {
            card: None,
            revealed: false,
            counts: Counts::default(),
            typing: None,
        };
        driver.next(&mut app);
    }

    // The streak needs every answer's day: read the logs beside the app, not before it.
    app.daily_goal = settings.config.daily_goal.value;
    let (streak_tx, streak_rx) = std::sync::mpsc::channel();
    // Started once the first screen is drawn: reading every log takes both cores, which the
    // first screen needs more.
    let mut streak_tx = Some(streak_tx);

    let mut terminal = ratatui::init();
    let mut waiting_for_streak = true;
    let result = (|| -> anyhow::Result<()> {
        loop {
            match streak_rx.try_recv() {
                Ok(streak) => {
                    app.streak = Some(streak);
                    waiting_for_streak = false;
                }
                Err(std::sync::mpsc::TryRecvError::Disconnected) => waiting_for_streak = false,
                Err(std::sync::mpsc::TryRecvError::Empty) => {}
            }
            terminal.draw(|f| view::render(&app, &keys, &theme, f))?;
            if let Some(tx) = streak_tx.take() {
                // The first screen is up: now the caches a cold start made are written.
                driver.session.save_opened_caches();
                let job = driver
                    .session
                    .streak_job(driver.now(), settings.streak_rules());
                std::thread::spawn(move || {
                    if let Some(streak) = job() {
                        let _ = tx.send(streak);
                    }
                });
            }
            // Wake for the streak while it is being computed, and now and then to look at
            // the deck files; otherwise wait for a key.
            let wait = if waiting_for_streak { 50 } else { 250 };
            if !event::poll(std::time::Duration::from_millis(wait))? {
                let stamp = DeckSet::stamp(&settings.data_dir, &settings.extra_decks);
                if watch.changed(stamp, Instant::now()) {
                    driver.reload(&mut app);
                }
                continue;
            }
            // One key at a time, then whatever is already queued, then one draw.
            let mut pending = vec![event::read()?];
            while event::poll(std::time::Duration::ZERO)? {
                pending.push(event::read()?);
            }
            for ev in pending {
                let Event::Key(key) = ev else { continue };
                if key.kind != KeyEventKind::Press {
                    continue;
                }
                let action = if app::is_typing(&app) {
                    Keymap::typing_action(key)
                } else {
                    keys.action(key)
                };
                match action {
                    Some(action) => {
                        for effect in app::update(&mut app, action) {
                            driver.perform(&mut app, effect);
                        }
                    }
                    // Any key closes the help, bound or not.
                    None => app.help = false,
                }
                if app.quit {
                    return Ok(());
                }
            }
        }
    })();
    ratatui::restore();
    result?;
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    //! Hostile deck text, end to end: TOML text through the real loader and the study
    //! session into every screen, drawn into a test buffer whose cells are then searched.

    use std::fmt::Write as _;

    use super::*;
    use crate::cli::GlobalArgs;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    /// Invisible characters, as TOML escapes: bidi embeddings, overrides and isolates, zero
    /// widths and joiners, the byte-order mark, the word joiner, a soft hyphen, two tag
    /// characters, then a letter under a pile of twelve combining accents. The loader
    /// warns about these and loads the card.
    const P: &str = r"\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200B\u200C\u200D\uFEFF\u2060\u00AD\U000E0041\U000E007Fe\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301";
    /// Line and paragraph separators: whitespace, so not in tags.
    const SEP: &str = r"\u2028\u2029";

    /// Escape sequences and control characters, as TOML escapes: CSI clear screen, an OSC 8
    /// link, an OSC 52 clipboard write, C1 CSI, DEL, NUL, backspace, carriage return. The
    /// loader refuses any field that holds one.
    const CONTROLS: &[&str] = &[
        r"\u001B[2J\u001B[H",
        r"\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007",
        r"\u001B]52;c;aGVsbG8=\u0007",
        r"\u009B31m",
        r"\u007F",
        r"\u0000",
        r"\u0008",
        r"\r",
    ];

    /// What no cell may hold, listed here rather than taken from `text`.
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

    fn hostile_deck() -> String {
        format!(
            r#"[deck]
id = "hostile"
name = "Deckbeg{P}Deckend"
description = "descbeg{P}{SEP}descend"
reverse = true

[[card]]
id = "part"
front = "partbeg{P}partend/o"
back = "pmeanbeg{P}{SEP}pmeanend"
kind = "combining-form"
tags = ["tagbeg{P}tagend"]

[[card]]
id = "term"
front = "termbeg{P}{SEP}termend"
back = "backbeg{P}backend\nbacktwo{SEP}backlast"
kind = "term"
answers = ["ansbeg{P}ansend"]
variants = ["varbeg{P}varend"]
example = "exbeg{P}exend"
parts = ["partbeg{P}partend/o"]
confused_with = ["lookbeg{P}lookend"]
note = "notebeg{P}noteend\nnotelast{SEP}"
tags = ["tagbeg{P}tagend", "two"]

[[card]]
id = "look"
front = "lookbeg{P}lookend"
back = "lmeanbeg{P}lmeanend"

[[card]]
id = "abbr"
front = "abbrbeg{P}abbrend"
back = "abackbeg{P}abackend"
kind = "abbreviation"
caution = "do-not-use"
instead = "insbeg{P}insend"
"#
        )
    }

    /// A deck whose every card carries an escape sequence or a control character in one
    /// of its fields.
    fn control_deck() -> String {
        let mut text = String::from("[deck]\nid = \"controls\"\nname = \"Controls\"\n");
        let fields = [
            "front", "back", "example", "note", "answers", "variants", "tags", "instead",
        ];
        for (i, c) in CONTROLS.iter().enumerate() {
            for (j, field) in fields.iter().enumerate() {
                let value = format!("\"ctl{i}{c}ctl\"");
                let value = if matches!(*field, "answers" | "variants" | "tags") {
                    format!("[{value}]")
                } else {
                    value
                };
                let front = if *field == "front" {
                    String::new()
                } else {
                    format!("front = \"ctl{i}-{j}\"\n")
                };
                let back = if *field == "back" {
                    ""
                } else {
                    "back = \"b\"\n"
                };
                let caution = if *field == "instead" {
                    "caution = \"error-prone\"\n"
                } else {
                    ""
                };
                let _ = write!(
                    text,
                    "\n[[card]]\nid = \"c{i}-{j}\"\n{front}{back}{caution}{field} = {value}\n"
                );
            }
        }
        text
    }

    fn draw(app: &App, keys: &Keymap, w: u16, h: u16) -> Vec<String> {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| view::render(app, keys, &Theme::named("dark", false), f))
            .unwrap();
        let buf = t.backend().buffer();
        let mut rows = Vec::new();
        for y in 0..h {
            let mut row = String::new();
            for x in 0..w {
                let symbol = buf[(x, y)].symbol();
                if let Some(c) = symbol.chars().find(|&c| forbidden(c)) {
                    panic!("cell ({x}, {y}) holds U+{:04X}: {symbol:?}", u32::from(c));
                }
                let marks = symbol
                    .chars()
                    .filter(|&c| unicode_normalization::char::is_combining_mark(c))
                    .count();
                assert!(
                    marks <= crate::text::MAX_COMBINING_MARKS,
                    "cell ({x}, {y}) stacks {marks} marks"
                );
                row.push_str(symbol);
            }
            rows.push(row);
        }
        rows
    }

    /// Draws at a roomy and at the smallest size; the roomy rows are returned.
    fn screen(app: &App, keys: &Keymap) -> String {
        draw(app, keys, 40, 12);
        draw(app, keys, 160, 48).join("\n")
    }

    /// Both words around a hostile run are on one row: the text is shown, not swallowed.
    #[allow(clippy::string_slice)] // `i` is where `find` found a match
    fn shows(screen: &str, words: &[(&str, &str)]) {
        for (head, tail) in words {
            assert!(
                screen
                    .lines()
                    .any(|row| row.find(head).is_some_and(|i| row[i..].contains(tail))),
                "{head}…{tail} not on screen:\n{screen}"
            );
        }
    }

    #[test]
    fn hostile_deck_text_never_reaches_a_cell_and_the_words_around_it_do() {
        let home = tempfile::tempdir().unwrap();
        let decks = home.path().join("decks");
        std::fs::create_dir_all(&decks).unwrap();
        // The file name is deck text too: it is shown where a card is defined.
        let hostile_name = "evil\u{1b}]52;c;aGk=\u{7}\u{202e}.toml";
        std::fs::write(decks.join(hostile_name), hostile_deck()).unwrap();
        std::fs::write(decks.join("controls.toml"), control_deck()).unwrap();
        let settings = Settings::resolve(&GlobalArgs {
            data_dir: Some(home.path().to_path_buf()),
            deck_paths: vec![],
            color: ColorChoice::Never,
            now: Some("2026-12-04T20:00:00Z".into()),
        })
        .unwrap();
        let session = Session::open(&settings, true).unwrap();

        let loaded = &session.library.decks.loaded;
        let hostile = loaded
            .deck("hostile")
            .expect("the invisible characters load");
        assert_eq!(hostile.cards.len(), 4);
        let controls = loaded.deck("controls").expect("its header is clean");
        assert!(
            controls.cards.is_empty(),
            "a card with a control character loaded"
        );
        let refused = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error() && d.message.contains("control character"))
            .count();
        assert_eq!(refused, CONTROLS.len() * 8, "{:#?}", loaded.diagnostics);

        let keys = Keymap::default();
        let mut driver = Driver::new(&settings, session);
        let mut app = App::new(Vec::new(), vec!["a banner".into()]);
        driver.refresh_home(&mut app);
        let home_screen = screen(&app, &keys);
        assert!(home_screen.contains("Deckbeg"), "{home_screen}");

        // Every item of the hostile deck, both directions: front, back, typed, edit.
        let deck = driver.session.library.deck_index("hostile").unwrap();
        let items: Vec<u32> = (0..driver.session.library.items.len())
            .filter(|&i| {
                let it = &driver.session.library.items[i];
                it.deck == deck && it.drill.is_none()
            })
            .map(|i| u32::try_from(i).unwrap())
            .collect();
        assert_eq!(items.len(), 8, "four cards, each both ways");
        // The drills of the hostile cards, picked through to the answer.
        let drills: Vec<u32> = (0..driver.session.library.items.len())
            .filter(|&i| {
                let it = &driver.session.library.items[i];
                it.deck == deck && it.drill.is_some()
            })
            .map(|i| u32::try_from(i).unwrap())
            .collect();
        assert!(!drills.is_empty(), "the look-alikes have a drill");
        let mut drilled = String::new();
        for &item in &drills {
            app.screen = Screen::Quiz {
                quiz: None,
                counts: Counts::default(),
            };
            driver.show(&mut app, item);
            assert!(matches!(app.screen, Screen::Quiz { quiz: Some(_), .. }));
            drilled.push_str(&screen(&app, &keys));
            for _ in 0..6 {
                app::update(&mut app, app::Action::Type('1'));
            }
            drilled.push_str(&screen(&app, &keys));
        }
        shows(&drilled, &[("lookbeg", "lookend")]);
        let mut fronts = String::new();
        let mut backs = String::new();
        for &item in &items {
            app.screen = Screen::Study {
                card: None,
                revealed: false,
                counts: Counts::default(),
                typing: None,
            };
            driver.show(&mut app, item);
            fronts.push_str(&screen(&app, &keys));
            app::update(&mut app, app::Action::Reveal);
            backs.push_str(&screen(&app, &keys));
            let typed = "ans\u{1b}[31mbeg\u{202e}\u{200b}x";
            if let Screen::Study { card, typing, .. } = &mut app.screen {
                let accepted = &card.as_ref().unwrap().accepted;
                *typing = Some(Typing {
                    input: typed.into(),
                    checked: Some(crate::study::answer::check(typed, accepted)),
                    joined: None,
                });
            }
            backs.push_str(&screen(&app, &keys));
            app::update(&mut app, app::Action::Edit);
            backs.push_str(&screen(&app, &keys));
            app.message = None;
        }
        shows(
            &fronts,
            &[
                ("termbeg", "termend"),
                ("partbeg", "partend/o"),
                ("lookbeg", "lookend"),
                ("abbrbeg", "abbrend"),
                ("backbeg", "backend"),
                ("backtwo", "backlast"),
                ("Deckbeg", "Deckend"),
            ],
        );
        shows(
            &backs,
            &[
                ("backbeg", "backend"),
                ("backtwo", "backlast"),
                ("termbeg", "termend"),
                ("varbeg", "varend"),
                ("exbeg", "exend"),
                ("notebeg", "noteend"),
                ("partbeg", "pmeanend"),
                ("lookbeg", "lmeanend"),
                ("abackbeg", "abackend"),
                ("insbeg", "insend"),
                ("evil", ".toml"),
            ],
        );
        assert!(backs.contains("notelast"));

        // Browse: the list, each card's details and its answers.
        driver.perform(&mut app, Effect::Study(Some(deck)));
        app::update(&mut app, app::Action::Reveal);
        driver.perform(&mut app, Effect::Grade(3));
        app.screen = Screen::Browse {
            query: "deck:hostile".into(),
            editing: false,
            results: Vec::new(),
            selected: 0,
        };
        driver.search(&mut app);
        let Screen::Browse { results, .. } = &app.screen else {
            unreachable!()
        };
        assert_eq!(
            results.len(),
            9,
            "every hostile item is found, the drill too"
        );
        assert!(
            results
                .iter()
                .any(|r| r.front.ends_with("(confusables drill)"))
        );
        let mut browse = String::new();
        for selected in 0..9 {
            if let Screen::Browse { selected: s, .. } = &mut app.screen {
                *s = selected;
            }
            driver.history(&mut app);
            browse.push_str(&screen(&app, &keys));
        }
        shows(
            &browse,
            &[
                ("termbeg", "termend"),
                ("backbeg", "backend"),
                ("evil", ".toml"),
            ],
        );
        assert!(browse.contains("Deckbeg"));

        // Statistics, after an answer.
        driver.perform(&mut app, Effect::Stats);
        let stats = screen(&app, &keys);
        assert!(stats.contains("statistics"), "{stats}");
    }
}
