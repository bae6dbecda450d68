//! The loop: read a key, map it, update, carry out the effects through the study session,
//! draw. Blocking, no async runtime. `ratatui::init` installs a panic hook that restores the
//! terminal first; the terminal is restored on every way out.

use std::io::IsTerminal as _;
use std::time::Instant;

use chrono::{DateTime, Utc};
use crossterm::event::{self, Event, KeyEventKind};
use foldhash::HashMap;

use super::app::{self, App, CardView, Counts, DeckRow, Effect, Screen, Typing};
use super::keymap::Keymap;
use super::theme::Theme;
use super::view;
use crate::cli::ColorChoice;
use crate::commands::Exit;
use crate::deck::{Caution, Deck, Kind};
use crate::scheduler::{Phase, Rating};
use crate::settings::Settings;
use crate::study::progress::{DailyLimits, LiveQueue};
use crate::study::session::{OpenError, Session};

/// Card fronts (and variants), lowercased, to the card that has them, for parts and
/// look-alikes. It holds (deck, card) indices, not copies of the text: built for every card
/// at start, copying fronts and backs took 30 ms of a 50 000-card start.
struct Lookup {
    word_parts: HashMap<String, (u32, u32)>,
    any: HashMap<String, (u32, u32)>,
}

impl Lookup {
    fn new(decks: &[Deck]) -> Lookup {
        let mut word_parts = HashMap::default();
        let mut any = HashMap::default();
        for (d, deck) in decks.iter().enumerate() {
            for (c, card) in deck.cards.iter().enumerate() {
                let at = (
                    u32::try_from(d).unwrap_or(u32::MAX),
                    u32::try_from(c).unwrap_or(u32::MAX),
                );
                for name in std::iter::once(&card.front).chain(&card.variants) {
                    let name = name.to_lowercase();
                    if card.kind.is_word_part() {
                        word_parts.entry(name.clone()).or_insert(at);
                    }
                    any.entry(name).or_insert(at);
                }
            }
        }
        Lookup { word_parts, any }
    }

    fn text(decks: &[Deck], (d, c): (u32, u32)) -> Option<(&str, &str)> {
        let card = decks.get(d as usize)?.cards.get(c as usize)?;
        Some((card.front.as_str(), card.back.as_str()))
    }

    /// The front and meaning of the word part written `name` (any case, or a variant).
    fn word_part<'d>(&self, decks: &'d [Deck], name: &str) -> Option<(&'d str, &'d str)> {
        let at = *self.word_parts.get(&name.to_lowercase())?;
        Lookup::text(decks, at)
    }

    /// The front and back of any card written `name`.
    fn card<'d>(&self, decks: &'d [Deck], name: &str) -> Option<(&'d str, &'d str)> {
        let at = *self.any.get(&name.to_lowercase())?;
        Lookup::text(decks, at)
    }
}

struct Driver<'s> {
    settings: &'s Settings,
    session: Session,
    lookup: Lookup,
    limits: DailyLimits,
    decks: Option<Vec<u32>>,
    /// Only cards with this tag (`medterm study --tag`).
    tag: Option<String>,
    queue: Option<LiveQueue>,
    current: Option<u32>,
    shown_at: Instant,
    studied: u32,
    correct: u32,
    started: Instant,
}

impl Driver<'_> {
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
            let mut front = card.front.clone();
            if !card.variants.is_empty() {
                front = format!("{front} (also {})", card.variants.join(", "));
            }
            (card.back.clone(), front)
        } else {
            (card.front.clone(), card.back.clone())
        };
        let decks = &lib.decks.loaded.decks;
        let parts = card
            .parts
            .iter()
            .map(|p| {
                let meaning = self
                    .lookup
                    .word_part(decks, p)
                    .map_or_else(String::new, |(_, m)| m.to_owned());
                (p.clone(), meaning)
            })
            .collect();
        let confusables = card
            .confused_with
            .iter()
            .map(|c| {
                self.lookup.card(decks, c).map_or_else(
                    || (c.clone(), String::new()),
                    |(front, back)| (front.to_owned(), back.to_owned()),
                )
            })
            .collect();
        let caution = card.caution.map(|c| {
            let list = match c {
                Caution::DoNotUse => "on The Joint Commission's Do Not Use list",
                Caution::ErrorProne => "on ISMP's list of error-prone abbreviations",
            };
            (list.to_owned(), card.instead.clone().unwrap_or_default())
        });
        let now = self.now();
        let waits = self.session.preview(item, now).map(|o| o.wait.short());
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
            example: card.example.clone(),
            parts,
            confusables,
            note: card.note.clone(),
            caution,
            location: format!("{}:{}", deck.origin, card.line),
            waits,
            accepted: crate::study::answer::accepted(card, it.reversed),
            // Meaning -> term is best typed: recognising a term is easier than producing it.
            type_by_default: crate::study::answer::types_by_default(deck),
        }
    }

    /// The next card and the session's counts.
    fn next(&mut self, app: &mut App) {
        let now = self.now();
        if self.queue.as_ref().is_none_or(|q| q.is_stale(now)) {
            let (items, queue) = self.session.queue(
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
                (format!("{} (reverse)", card.back), card.front.clone())
            } else {
                (card.front.clone(), card.back.clone())
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

    fn refresh_home(&mut self, app: &mut App) {
        let now = self.now();
        let lib = &self.session.library;
        // Each deck's counts are what studying it alone would give today.
        let mut rows = Vec::with_capacity(lib.decks.loaded.decks.len());
        for (d, deck) in lib.decks.loaded.decks.iter().enumerate() {
            let d = u32::try_from(d).unwrap_or(u32::MAX);
            let (items, queue) = self.session.queue(Some(&[d]), None, &self.limits, now);
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
            });
        }
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
                    Ok(report) => report.lines(),
                    Err(e) => vec![format!("cannot read the review logs: {e}")],
                };
                app.screen = Screen::Stats { lines, scroll: 0 };
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
                self.refresh_home(app);
                return;
            }
            Effect::Study(deck) => {
                self.queue = None;
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

/// Opens the app: on the home screen, or studying `decks` straight away.
pub fn run(settings: &Settings, study: Option<(&[String], Option<&str>)>) -> anyhow::Result<Exit> {
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
    let errors =
        session.library.decks.loaded.error_count() + session.library.decks.unreadable.len();
    if errors > 0 {
        banner.push(format!(
            "{errors} deck error(s): run `medterm check` to see where"
        ));
    }
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
    let mut driver = Driver {
        settings,
        lookup: Lookup::new(&session.library.decks.loaded.decks),
        session,
        limits: settings.limits(),
        decks: None,
        tag: None,
        queue: None,
        current: None,
        shown_at: Instant::now(),
        studied: 0,
        correct: 0,
        started: Instant::now(),
    };
    let mut app = App::new(Vec::new(), banner);
    driver.refresh_home(&mut app);
    if study.is_some() {
        driver.decks = decks;
        driver.tag = tag;
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
    let job = driver
        .session
        .streak_job(driver.now(), settings.streak_rules());
    std::thread::spawn(move || {
        if let Some(streak) = job() {
            let _ = streak_tx.send(streak);
        }
    });

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
            // Wake for the streak while it is being computed; otherwise wait for a key.
            if waiting_for_streak && !event::poll(std::time::Duration::from_millis(50))? {
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
    use super::*;

    #[test]
    fn the_lookup_finds_word_parts_and_cards_by_front_or_variant_in_any_case() {
        let loaded = crate::deck::load(&crate::deck::builtin_sources());
        let decks = &loaded.decks;
        let lookup = Lookup::new(decks);
        assert_eq!(
            lookup.word_part(decks, "Gastr/O"),
            Some(("gastr/o", "stomach"))
        );
        // A variant leads to the card's own front.
        assert_eq!(lookup.word_part(decks, "haem/o"), Some(("hem/o", "blood")));
        assert_eq!(lookup.card(decks, "HEM/O"), Some(("hem/o", "blood")));
        // A term is a card, not a word part.
        let term = decks
            .iter()
            .flat_map(|d| &d.cards)
            .find(|c| c.kind == Kind::Term)
            .unwrap();
        assert_eq!(lookup.word_part(decks, &term.front), None);
        assert_eq!(
            lookup.card(decks, &term.front),
            Some((term.front.as_str(), term.back.as_str()))
        );
        assert_eq!(lookup.card(decks, "no such card"), None);
    }
}
