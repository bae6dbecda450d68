//! The app's state and its update step: `update(&mut App, Action) -> Vec<Effect>`. Pure: the
//! effects (save an answer, undo, quit) are carried out by the loop through the study
//! session, whose results come back as new view data.

use crate::study::drill::{Drill, Quiz};

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
    /// Word-part drills, from the home screen.
    Build,
    Dissect,
    Confusables,
    /// From the statistics screen: study the weakest word parts now.
    StudyWeak,
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
            Action::Build => "build",
            Action::Dissect => "dissect",
            Action::Confusables => "confusables",
            Action::StudyWeak => "study_weak",
            Action::Type(_) | Action::Erase | Action::Submit => "typing",
        }
    }

    fn drill(self) -> Option<Drill> {
        match self {
            Action::Build => Some(Drill::Build),
            Action::Dissect => Some(Drill::Dissect),
            Action::Confusables => Some(Drill::Confusables),
            _ => None,
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
    /// Start a drill on this deck, or all decks.
    Drill(Drill, Option<u32>),
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
    /// Study the weakest word parts the statistics found, due or not.
    StudyWeak,
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
    /// Build, dissect, confusables: new and due items, `None` where the deck has none.
    pub drills: [Option<(u32, u32)>; 3],
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
    /// The build drill: the term is typed (always), and these spellings are its right parts
    /// joined wrongly, with what is wrong.
    pub build: Option<Vec<(String, String)>>,
}

/// A typed answer in progress, then checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Typing {
    pub input: String,
    pub checked: Option<crate::study::answer::Checked>,
    /// What was wrong with how the right parts were joined, when that is the mistake.
    pub joined: Option<String>,
}

/// A picking drill on screen (dissect, confusables): untrusted text, as for a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizView {
    pub deck: String,
    pub drill: Drill,
    pub quiz: Quiz,
    /// Shown once answered: the term's parts, or the look-alikes, with their meanings.
    pub explained: Vec<(String, String)>,
    pub location: String,
    pub waits: [String; 4],
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
    /// A picking drill: `quiz` is `None` when nothing is left.
    Quiz {
        quiz: Option<Box<QuizView>>,
        counts: Counts,
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
    /// Each drill's new and due items over all decks (as in `DeckRow`).
    pub drills: [Option<(u32, u32)>; 3],
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
            drills: [None; 3],
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
            a if a.drill().is_some() => {
                let deck = (app.selected < app.decks.len())
                    .then(|| u32::try_from(app.selected).unwrap_or(0));
                a.drill()
                    .map(|d| vec![Effect::Drill(d, deck)])
                    .unwrap_or_default()
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
            Action::ToggleTyping
                if !*revealed && card.as_ref().is_some_and(|c| c.build.is_none()) =>
            {
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
                    let mut checked = crate::study::answer::check(&t.input, &accepted);
                    // The right parts joined wrongly: named, and worth Hard, not Again.
                    let typed = crate::study::answer::normalize(&t.input).replace(' ', "");
                    if checked.verdict != crate::study::answer::Verdict::Correct
                        && let Some((_, why)) = card
                            .as_ref()
                            .and_then(|c| c.build.as_ref())
                            .and_then(|joins| joins.iter().find(|(w, _)| *w == typed))
                    {
                        t.joined = Some(why.clone());
                        checked.verdict = crate::study::answer::Verdict::Almost;
                    }
                    t.checked = Some(checked);
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
        Screen::Quiz { quiz, .. } => match action {
            Action::Quit => vec![Effect::Home],
            Action::Undo => vec![Effect::Undo],
            _ if quiz.is_none() => Vec::new(),
            // Picking: 1-9 choose an option, backspace takes the last pick back.
            Action::Type(c) => {
                if let (Some(q), Some(k)) = (quiz.as_mut(), c.to_digit(10))
                    && k >= 1
                {
                    q.quiz.pick(k as usize - 1);
                }
                Vec::new()
            }
            Action::Erase => {
                if let Some(q) = quiz.as_mut() {
                    q.quiz.unpick();
                }
                Vec::new()
            }
            Action::Submit => Vec::new(),
            // Answered: Enter takes the suggested rating, a grade key overrides it.
            Action::Reveal => quiz
                .as_ref()
                .map(|q| vec![Effect::Grade(q.quiz.suggested().number())])
                .unwrap_or_default(),
            a if a.grade().is_some() => vec![Effect::Grade(a.grade().unwrap_or(3))],
            Action::Skip => vec![Effect::Skip],
            Action::Suspend => vec![Effect::Suspend],
            Action::Edit => {
                app.message = quiz.as_ref().map(|q| format!("defined at {}", q.location));
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
            Action::StudyWeak => vec![Effect::StudyWeak],
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
            Screen::Quiz { quiz: Some(q), .. } => !q.quiz.finished(),
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
                drills: [None; 3],
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

    fn quizzing() -> App {
        use crate::study::drill::{Drill, Question, Quiz};
        let mut app = studying();
        let q = |right| Question {
            prompt: "?".into(),
            options: vec!["a".into(), "b".into(), "c".into()],
            right,
        };
        app.screen = Screen::Quiz {
            quiz: Some(Box::new(QuizView {
                deck: "D".into(),
                drill: Drill::Confusables,
                quiz: Quiz {
                    title: "ileum / ilium".into(),
                    instructions: String::new(),
                    questions: vec![q(0), q(2)],
                    picks: Vec::new(),
                },
                explained: Vec::new(),
                location: "d.toml:3".into(),
                waits: Default::default(),
            })),
            counts: Counts::default(),
        };
        app
    }

    fn picks(app: &App) -> Vec<usize> {
        match &app.screen {
            Screen::Quiz { quiz: Some(q), .. } => q.quiz.picks.clone(),
            _ => panic!("not a quiz"),
        }
    }

    #[test]
    fn home_starts_a_drill_on_the_selected_deck_or_all() {
        let mut app = studying();
        app.screen = Screen::Home;
        assert_eq!(
            update(&mut app, Action::Dissect),
            [Effect::Drill(Drill::Dissect, Some(0))]
        );
        update(&mut app, Action::Down);
        assert_eq!(
            update(&mut app, Action::Build),
            [Effect::Drill(Drill::Build, None)]
        );
        assert_eq!(
            update(&mut app, Action::Confusables),
            [Effect::Drill(Drill::Confusables, None)]
        );
    }

    #[test]
    fn a_quiz_takes_digits_as_picks_until_answered_then_grades() {
        let mut app = quizzing();
        assert!(is_typing(&app), "digits are picks, not grades");
        assert!(update(&mut app, Action::Type('3')).is_empty());
        update(&mut app, Action::Type('x'));
        update(&mut app, Action::Type('9'));
        assert_eq!(picks(&app), [2], "only the number of an option picks");
        update(&mut app, Action::Erase);
        update(&mut app, Action::Type('1'));
        assert!(update(&mut app, Action::Submit).is_empty());
        update(&mut app, Action::Type('1'));
        assert_eq!(picks(&app), [0, 0]);
        assert!(!is_typing(&app), "answered: keys are keys again");
        // One of two right: Hard, taken with Enter; a grade key overrides it.
        assert_eq!(update(&mut app, Action::Reveal), [Effect::Grade(2)]);
        assert_eq!(update(&mut app, Action::Easy), [Effect::Grade(4)]);
        assert_eq!(update(&mut app, Action::Undo), [Effect::Undo]);
        assert_eq!(update(&mut app, Action::Skip), [Effect::Skip]);
        update(&mut app, Action::Edit);
        assert_eq!(app.message.as_deref(), Some("defined at d.toml:3"));
        assert_eq!(update(&mut app, Action::Quit), [Effect::Home]);
    }

    #[test]
    fn the_build_drill_always_types_and_names_a_wrong_join() {
        let mut app = studying();
        if let Screen::Study {
            card: Some(c),
            typing,
            ..
        } = &mut app.screen
        {
            c.accepted = vec!["gastroenteritis".into()];
            c.build = Some(vec![(
                "gastroenteroitis".into(),
                "the right parts, joined wrongly".into(),
            )]);
            *typing = Some(Typing::default());
        }
        update(&mut app, Action::ToggleTyping);
        assert!(is_typing(&app), "no switching to reveal in the build drill");
        for c in "Gastro enteroitis".chars() {
            update(&mut app, Action::Type(c));
        }
        update(&mut app, Action::Submit);
        let Screen::Study {
            typing: Some(t), ..
        } = &app.screen
        else {
            panic!()
        };
        assert_eq!(t.joined.as_deref(), Some("the right parts, joined wrongly"));
        assert_eq!(
            t.checked.as_ref().unwrap().verdict,
            crate::study::answer::Verdict::Almost
        );
        assert_eq!(update(&mut app, Action::Reveal), [Effect::Grade(2)]);
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
        assert_eq!(update(&mut app, Action::StudyWeak), [Effect::StudyWeak]);
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
