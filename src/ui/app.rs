//! The app's state and its update step: `update(&mut App, Action) -> Vec<Effect>`. Pure: the
//! effects (save an answer, undo, quit) are carried out by the loop through the study
//! session, whose results come back as new view data.

/// What a key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Reveal,
    Again,
    Hard,
    Good,
    Easy,
    Undo,
    Skip,
    Suspend,
    Edit,
    Help,
    Up,
    Down,
    Quit,
    /// Switch between revealing and typing the answer.
    ToggleTyping,
    /// Search every card.
    Browse,
    /// The statistics screen.
    Stats,
    /// While typing: a character, erase one, check the answer.
    Type(char),
    Erase,
    Submit,
    /// Ctrl-C: leave from anywhere.
    ForceQuit,
}

impl Action {
    /// The name used in config.toml's `[keys]`.
    pub fn name(self) -> &'static str {
        match self {
            Action::Reveal => "reveal",
            Action::Again => "again",
            Action::Hard => "hard",
            Action::Good => "good",
            Action::Easy => "easy",
            Action::Undo => "undo",
            Action::Skip => "skip",
            Action::Suspend => "suspend",
            Action::Edit => "edit",
            Action::Help => "help",
            Action::Up => "up",
            Action::Down => "down",
            Action::Quit | Action::ForceQuit => "quit",
            Action::ToggleTyping => "toggle_typing",
            Action::Browse => "browse",
            Action::Stats => "stats",
            Action::Type(_) | Action::Erase | Action::Submit => "typing",
        }
    }

    fn grade(self) -> Option<u8> {
        match self {
            Action::Again => Some(1),
            Action::Hard => Some(2),
            Action::Good => Some(3),
            Action::Easy => Some(4),
            _ => None,
        }
    }
}

/// What the loop must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Start a session on this deck (by index), or all decks.
    Study(Option<u32>),
    /// Save a grade (1-4) for the card on screen, `ms` after it was shown.
    Grade(u8),
    Undo,
    Skip,
    Suspend,
    /// Back to the home screen (refresh its counts).
    Home,
    /// Search again for the browse screen's query.
    Search,
    /// Suspend the selected browse result, or unsuspend it.
    ToggleSuspend,
    /// Show the selected browse result's review history.
    History,
    /// Open the statistics screen (its lines come from the loop).
    Stats,
    Quit,
}

/// One line of the home screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckRow {
    pub id: String,
    pub name: String,
    pub new: u32,
    pub learning: u32,
    pub review: u32,
}

/// A card, ready to show (all text still untrusted: the view sanitizes it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CardView {
    pub deck: String,
    pub kind: String,
    /// Meaning -> term.
    pub reversed: bool,
    pub prompt: String,
    pub answer: String,
    pub example: Option<String>,
    /// A term's parts: (part, meaning).
    pub parts: Vec<(String, String)>,
    /// Look-alikes: (front, meaning).
    pub confusables: Vec<(String, String)>,
    pub note: Option<String>,
    /// "Do Not Use (The Joint Commission)" or "error-prone (ISMP)", and what to write instead.
    pub caution: Option<(String, String)>,
    /// `path:line`.
    pub location: String,
    /// The four buttons' waits: `1m`, `6m`, `10m`, `8d`.
    pub waits: [String; 4],
    /// The answers a typed answer is checked against.
    pub accepted: Vec<String>,
    /// The deck asks for typed answers.
    pub type_by_default: bool,
}

/// A typed answer in progress, then checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Typing {
    pub input: String,
    pub checked: Option<crate::study::answer::Checked>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Counts {
    pub new: u32,
    pub learning: u32,
    pub review: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Home,
    Study {
        card: Option<Box<CardView>>,
        revealed: bool,
        counts: Counts,
        /// Typing the answer rather than revealing it.
        typing: Option<Typing>,
    },
    Summary {
        studied: u32,
        correct: u32,
        seconds: u64,
        next: String,
    },
    /// The statistics report, as lines; `scroll` lines are scrolled off the top.
    Stats {
        lines: Vec<String>,
        scroll: usize,
    },
    Browse {
        query: String,
        /// Typing the query; otherwise moving in the results.
        editing: bool,
        results: Vec<BrowseRow>,
        selected: usize,
    },
}

/// A card found by browsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowseRow {
    pub item: u32,
    pub deck: String,
    pub front: String,
    pub back: String,
    /// `new`, `learning`, `review due 2026-12-10`, `suspended`, `leech`.
    pub state: String,
    /// Its schedule and where it is defined.
    pub detail: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub screen: Screen,
    pub help: bool,
    /// Shown in place of the help line until the next key: where a card is defined, a
    /// save error.
    pub message: Option<String>,
    /// Deck errors, a damaged log, a read-only session.
    pub banner: Vec<String>,
    pub decks: Vec<DeckRow>,
    /// Index into `decks`, or `decks.len()` for "all decks".
    pub selected: usize,
    pub today_reviews: u32,
    /// The streak through yesterday and the longest, once the history has been read.
    pub streak: Option<(u32, u32)>,
    /// What a study day needs for the streak.
    pub daily_goal: crate::stats::Goal,
    pub quit: bool,
}

impl App {
    /// Whether today already counts for the streak: its goal met by the answers so far
    /// (for "every due card", nothing left due in any deck).
    pub fn today_met(&self) -> bool {
        let cleared = self.decks.iter().all(|d| d.review == 0 && d.learning == 0);
        self.daily_goal.met(self.today_reviews, cleared)
    }

    pub fn new(decks: Vec<DeckRow>, banner: Vec<String>) -> App {
        App {
            screen: Screen::Home,
            help: false,
            message: None,
            banner,
            decks,
            selected: 0,
            today_reviews: 0,
            streak: None,
            daily_goal: crate::stats::Goal::Answers(1),
            quit: false,
        }
    }
}

/// Applies one action.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    if action == Action::ForceQuit {
        app.quit = true;
        return vec![Effect::Quit];
    }
    app.message = None;
    if app.help {
        // Any key closes the help; quit and help do only that.
        app.help = false;
        return Vec::new();
    }
    if action == Action::Help {
        app.help = true;
        return Vec::new();
    }
    if action == Action::Stats
        && !matches!(app.screen, Screen::Stats { .. } | Screen::Browse { .. })
    {
        app.screen = Screen::Stats {
            lines: Vec::new(),
            scroll: 0,
        };
        return vec![Effect::Stats];
    }
    if action == Action::Browse && !matches!(app.screen, Screen::Browse { .. }) {
        app.screen = Screen::Browse {
            query: String::new(),
            editing: true,
            results: Vec::new(),
            selected: 0,
        };
        return vec![Effect::Search];
    }
    match &mut app.screen {
        Screen::Home => match action {
            Action::Up => {
                app.selected = app.selected.saturating_sub(1);
                Vec::new()
            }
            Action::Down => {
                app.selected = (app.selected + 1).min(app.decks.len());
                Vec::new()
            }
            Action::Reveal => {
                let deck = (app.selected < app.decks.len())
                    .then(|| u32::try_from(app.selected).unwrap_or(0));
                vec![Effect::Study(deck)]
            }
            Action::Quit => {
                app.quit = true;
                vec![Effect::Quit]
            }
            _ => Vec::new(),
        },
        Screen::Study {
            card,
            revealed,
            typing,
            ..
        } => match action {
            Action::Quit => vec![Effect::Home],
            Action::Undo if typing.as_ref().is_none_or(|t| t.input.is_empty()) => {
                vec![Effect::Undo]
            }
            _ if card.is_none() => Vec::new(),
            Action::ToggleTyping if !*revealed => {
                *typing = match typing {
                    Some(_) => None,
                    None => Some(Typing::default()),
                };
                Vec::new()
            }
            Action::Type(c) => {
                if let Some(t) = typing
                    && t.checked.is_none()
                {
                    t.input.push(c);
                }
                Vec::new()
            }
            Action::Erase => {
                if let Some(t) = typing
                    && t.checked.is_none()
                {
                    t.input.pop();
                }
                Vec::new()
            }
            // Enter (reveal's key) confirms a checked answer's suggested rating.
            Action::Reveal if typing.as_ref().is_some_and(|t| t.checked.is_some()) => typing
                .as_ref()
                .and_then(|t| t.checked.as_ref())
                .map(|c| vec![Effect::Grade(c.verdict.suggested().number())])
                .unwrap_or_default(),
            Action::Submit => match typing {
                Some(Typing {
                    checked: Some(c), ..
                }) => vec![Effect::Grade(c.verdict.suggested().number())],
                Some(t) => {
                    let accepted = card
                        .as_ref()
                        .map(|c| c.accepted.clone())
                        .unwrap_or_default();
                    t.checked = Some(crate::study::answer::check(&t.input, &accepted));
                    *revealed = true;
                    Vec::new()
                }
                None => Vec::new(),
            },
            Action::Reveal if !*revealed => {
                *revealed = true;
                Vec::new()
            }
            a if a.grade().is_some() && *revealed => vec![Effect::Grade(a.grade().unwrap_or(3))],
            // Grading before the answer is shown would be guessing: reveal first.
            a if a.grade().is_some() => {
                *revealed = true;
                Vec::new()
            }
            Action::Skip => vec![Effect::Skip],
            Action::Suspend => vec![Effect::Suspend],
            Action::Edit => {
                app.message = card.as_ref().map(|c| format!("defined at {}", c.location));
                Vec::new()
            }
            _ => Vec::new(),
        },
        Screen::Summary { .. } => match action {
            Action::Quit | Action::Reveal => vec![Effect::Home],
            _ => Vec::new(),
        },
        Screen::Stats { lines, scroll } => match action {
            Action::Quit | Action::Reveal => vec![Effect::Home],
            Action::Down => {
                *scroll = (*scroll + 1).min(lines.len().saturating_sub(1));
                Vec::new()
            }
            Action::Up => {
                *scroll = scroll.saturating_sub(1);
                Vec::new()
            }
            _ => Vec::new(),
        },
        Screen::Browse {
            query,
            editing,
            results,
            selected,
        } => match action {
            Action::Quit => vec![Effect::Home],
            Action::Type(c) if *editing => {
                query.push(c);
                *selected = 0;
                vec![Effect::Search]
            }
            Action::Erase if *editing => {
                query.pop();
                *selected = 0;
                vec![Effect::Search]
            }
            Action::Submit | Action::Down if *editing => {
                *editing = false;
                Vec::new()
            }
            Action::Browse => {
                *editing = true;
                Vec::new()
            }
            Action::Up => {
                *selected = selected.saturating_sub(1);
                Vec::new()
            }
            Action::Down => {
                *selected = (*selected + 1).min(results.len().saturating_sub(1));
                Vec::new()
            }
            Action::Suspend if !results.is_empty() => vec![Effect::ToggleSuspend],
            Action::Reveal | Action::Submit if !results.is_empty() => vec![Effect::History],
            _ => Vec::new(),
        },
    }
}

/// Whether keys are text right now (an answer or a search being typed).
pub fn is_typing(app: &App) -> bool {
    !app.help
        && match &app.screen {
            Screen::Study {
                typing: Some(t), ..
            } => t.checked.is_none(),
            Screen::Browse { editing, .. } => *editing,
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn studying() -> App {
        let mut app = App::new(
            vec![DeckRow {
                id: "prefixes".into(),
                name: "Prefixes".into(),
                new: 20,
                learning: 0,
                review: 0,
            }],
            Vec::new(),
        );
        app.screen = Screen::Study {
            card: Some(Box::new(CardView {
                prompt: "brady-".into(),
                answer: "slow".into(),
                location: "built-in:prefixes.toml:12".into(),
                ..CardView::default()
            })),
            revealed: false,
            counts: Counts::default(),
            typing: None,
        };
        app
    }

    #[test]
    fn home_selects_a_deck_or_all_and_starts_studying() {
        let mut app = studying();
        app.screen = Screen::Home;
        assert_eq!(update(&mut app, Action::Reveal), [Effect::Study(Some(0))]);
        update(&mut app, Action::Down);
        update(&mut app, Action::Down);
        assert_eq!(app.selected, 1, "the last row is all decks");
        assert_eq!(update(&mut app, Action::Reveal), [Effect::Study(None)]);
        assert_eq!(update(&mut app, Action::Quit), [Effect::Quit]);
        assert!(app.quit);
    }

    #[test]
    fn a_card_is_revealed_before_it_is_graded() {
        let mut app = studying();
        assert!(update(&mut app, Action::Good).is_empty());
        assert!(matches!(app.screen, Screen::Study { revealed: true, .. }));
        assert_eq!(update(&mut app, Action::Good), [Effect::Grade(3)]);
        assert_eq!(update(&mut app, Action::Again), [Effect::Grade(1)]);
    }

    #[test]
    fn a_typed_answer_is_checked_and_its_suggested_rating_confirmed_with_enter() {
        let mut app = studying();
        if let Screen::Study { card: Some(c), .. } = &mut app.screen {
            c.accepted = vec!["slow".into()];
        }
        update(&mut app, Action::ToggleTyping);
        for c in "slwo".chars() {
            update(&mut app, Action::Type(c));
        }
        update(&mut app, Action::Erase);
        update(&mut app, Action::Erase);
        update(&mut app, Action::Type('o'));
        update(&mut app, Action::Type('w'));
        update(&mut app, Action::Type('w'));
        assert!(update(&mut app, Action::Submit).is_empty());
        let Screen::Study {
            typing: Some(t),
            revealed,
            ..
        } = &app.screen
        else {
            panic!()
        };
        assert!(*revealed);
        assert_eq!(t.input, "sloww");
        assert_eq!(
            t.checked.as_ref().unwrap().verdict,
            crate::study::answer::Verdict::Almost
        );
        // Enter takes the suggestion (Hard); a number overrides it.
        assert_eq!(update(&mut app, Action::Submit), [Effect::Grade(2)]);
        assert_eq!(update(&mut app, Action::Reveal), [Effect::Grade(2)]);
        assert_eq!(update(&mut app, Action::Good), [Effect::Grade(3)]);
    }

    #[test]
    fn browse_types_a_query_then_moves_in_the_results_and_toggles_suspension() {
        let mut app = studying();
        assert_eq!(update(&mut app, Action::Browse), [Effect::Search]);
        assert!(is_typing(&app));
        assert_eq!(update(&mut app, Action::Type('b')), [Effect::Search]);
        update(&mut app, Action::Type('r'));
        update(&mut app, Action::Erase);
        let row = |n: u32| BrowseRow {
            item: n,
            deck: "Prefixes".into(),
            front: "brady-".into(),
            back: "slow".into(),
            state: "new".into(),
            detail: vec![],
        };
        if let Screen::Browse { results, query, .. } = &mut app.screen {
            assert_eq!(query, "b");
            *results = vec![row(0), row(1)];
        }
        update(&mut app, Action::Submit);
        assert!(!is_typing(&app));
        update(&mut app, Action::Down);
        update(&mut app, Action::Down);
        assert!(matches!(app.screen, Screen::Browse { selected: 1, .. }));
        assert_eq!(update(&mut app, Action::Suspend), [Effect::ToggleSuspend]);
        assert_eq!(update(&mut app, Action::Reveal), [Effect::History]);
        assert_eq!(update(&mut app, Action::Quit), [Effect::Home]);
    }

    #[test]
    fn the_stats_screen_opens_scrolls_and_closes() {
        let mut app = studying();
        assert_eq!(update(&mut app, Action::Stats), [Effect::Stats]);
        if let Screen::Stats { lines, .. } = &mut app.screen {
            *lines = vec!["a".into(), "b".into()];
        }
        update(&mut app, Action::Down);
        update(&mut app, Action::Down);
        assert!(matches!(app.screen, Screen::Stats { scroll: 1, .. }));
        assert_eq!(update(&mut app, Action::Quit), [Effect::Home]);
    }

    #[test]
    fn help_edit_skip_suspend_undo_and_leaving() {
        let mut app = studying();
        update(&mut app, Action::Help);
        assert!(app.help);
        assert!(
            update(&mut app, Action::Good).is_empty(),
            "a key closes the help"
        );
        assert!(!app.help);
        update(&mut app, Action::Edit);
        assert_eq!(
            app.message.as_deref(),
            Some("defined at built-in:prefixes.toml:12")
        );
        assert_eq!(update(&mut app, Action::Skip), [Effect::Skip]);
        assert_eq!(app.message, None);
        assert_eq!(update(&mut app, Action::Suspend), [Effect::Suspend]);
        assert_eq!(update(&mut app, Action::Undo), [Effect::Undo]);
        assert_eq!(update(&mut app, Action::Quit), [Effect::Home]);
        assert_eq!(update(&mut app, Action::ForceQuit), [Effect::Quit]);
    }
}
