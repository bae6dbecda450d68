//! Keys to actions: the defaults, overridden per action from `[keys]` in config.toml. The
//! help overlay is generated from this table, so it always tells the keys as they are.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::Action;

/// The actions in help order, with their default keys and what they do.
pub const DEFAULTS: &[(Action, &[&str], &str)] = &[
    (Action::Reveal, &["space", "enter"], "show the answer"),
    (Action::Again, &["1"], "grade: Again (forgot)"),
    (Action::Hard, &["2"], "grade: Hard"),
    (Action::Good, &["3"], "grade: Good"),
    (Action::Easy, &["4"], "grade: Easy"),
    (Action::Undo, &["u"], "undo the last grade"),
    (Action::Skip, &["s"], "skip the card until tomorrow"),
    (Action::Suspend, &["!"], "suspend the card"),
    (Action::Edit, &["e"], "show where the card is defined"),
    (
        Action::ToggleTyping,
        &["t"],
        "type the answer instead of revealing it",
    ),
    (
        Action::Stats,
        &["S"],
        "statistics: streak, heatmap, forecast, retention",
    ),
    (
        Action::Browse,
        &["/"],
        "search every card (tag:, deck:, is:new|due|suspended|leech)",
    ),
    (Action::Help, &["?"], "this help"),
    (Action::Up, &["up", "k"], "move up"),
    (Action::Down, &["down", "j"], "move down"),
    (
        Action::Quit,
        &["q", "esc"],
        "leave (everything is already saved)",
    ),
    // Last: on a short terminal the help keeps the keys of studying.
    (
        Action::Build,
        &["b"],
        "drill: build terms from their definitions",
    ),
    (
        Action::Dissect,
        &["d"],
        "drill: take terms apart into their parts",
    ),
    (Action::Confusables, &["c"], "drill: tell look-alikes apart"),
    (
        Action::StudyWeak,
        &["w"],
        "on the statistics: study the weakest word parts now",
    ),
];

/// A key as written in the config: a character, or a name.
pub fn parse_key(name: &str) -> Option<KeyCode> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "space" => KeyCode::Char(' '),
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backspace" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        _ => {
            let mut chars = name.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => KeyCode::Char(c),
                _ => return None,
            }
        }
    })
}

fn key_label(code: KeyCode) -> String {
    match code {
        KeyCode::Char(' ') => "space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::Backspace => "backspace".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        other => format!("{other:?}"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<(Action, Vec<KeyCode>, &'static str)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            bindings: DEFAULTS
                .iter()
                .map(|(a, keys, desc)| {
                    (
                        *a,
                        keys.iter().filter_map(|k| parse_key(k)).collect(),
                        *desc,
                    )
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The defaults with the config's overrides (`[keys]`: action name -> keys). Returns
    /// the problems (unknown key names) to show in the banner.
    pub fn with_overrides(overrides: &[(String, Vec<String>, usize)]) -> (Keymap, Vec<String>) {
        let mut map = Keymap::default();
        let mut problems = Vec::new();
        for (action, keys, line) in overrides {
            let Some(entry) = map.bindings.iter_mut().find(|(a, _, _)| a.name() == action) else {
                continue;
            };
            let mut codes = Vec::new();
            for k in keys {
                match parse_key(k) {
                    Some(c) => codes.push(c),
                    None => problems.push(format!(
                        "config.toml:{line}: key \"{k}\" for `{action}` is not a key name"
                    )),
                }
            }
            if !codes.is_empty() {
                entry.1 = codes;
            }
        }
        (map, problems)
    }

    /// The action of a key press while an answer is being typed: characters are text,
    /// and only Enter, Backspace, Esc and Ctrl-C do something else.
    pub fn typing_action(key: KeyEvent) -> Option<Action> {
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return (key.code == KeyCode::Char('c')).then_some(Action::ForceQuit);
        }
        match key.code {
            KeyCode::Char(c) => Some(Action::Type(c)),
            KeyCode::Backspace => Some(Action::Erase),
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Esc => Some(Action::Quit),
            _ => None,
        }
    }

    /// The action of a key press. Ctrl-C always quits.
    pub fn action(&self, key: KeyEvent) -> Option<Action> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Some(Action::ForceQuit);
        }
        self.bindings
            .iter()
            .find(|(_, codes, _)| codes.contains(&key.code))
            .map(|(a, _, _)| *a)
    }

    /// The keys of an action, for labels: `1`, `space/enter`.
    pub fn keys_of(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|(a, _, _)| *a == action)
            .map(|(_, codes, _)| {
                codes
                    .iter()
                    .map(|c| key_label(*c))
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default()
    }

    /// (keys, description) for the help overlay, in help order.
    pub fn help(&self) -> Vec<(String, &'static str)> {
        self.bindings
            .iter()
            .map(|(a, _, desc)| (self.keys_of(*a), *desc))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn defaults_and_overrides() {
        let map = Keymap::default();
        assert_eq!(map.action(press(KeyCode::Char(' '))), Some(Action::Reveal));
        assert_eq!(map.action(press(KeyCode::Char('3'))), Some(Action::Good));
        assert_eq!(map.action(press(KeyCode::Char('j'))), Some(Action::Down));
        assert_eq!(map.action(press(KeyCode::Esc)), Some(Action::Quit));
        assert_eq!(map.action(press(KeyCode::Char('/'))), Some(Action::Browse));
        assert_eq!(map.action(press(KeyCode::Char('b'))), Some(Action::Build));
        assert_eq!(map.action(press(KeyCode::Char('d'))), Some(Action::Dissect));
        assert_eq!(
            map.action(press(KeyCode::Char('c'))),
            Some(Action::Confusables)
        );
        assert_eq!(
            map.action(press(KeyCode::Char('t'))),
            Some(Action::ToggleTyping)
        );
        assert_eq!(
            map.action(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::ForceQuit)
        );
        let (map, problems) = Keymap::with_overrides(&[
            ("undo".into(), vec!["z".into()], 3),
            ("quit".into(), vec!["x".into(), "not-a-key".into()], 4),
        ]);
        assert_eq!(map.action(press(KeyCode::Char('z'))), Some(Action::Undo));
        assert_eq!(map.action(press(KeyCode::Char('u'))), None);
        assert_eq!(map.keys_of(Action::Quit), "x");
        assert_eq!(problems.len(), 1);
        assert!(
            map.help()
                .iter()
                .any(|(k, d)| k == "z" && d.contains("undo"))
        );
    }
}
