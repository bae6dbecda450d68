//! Semantic styles: widgets ask for a role, never a colour. Every state also shows without
//! colour (bold, reversed, marks), so `NO_COLOR` and `--color never` lose nothing.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub base: Style,
    pub muted: Style,
    pub title: Style,
    pub accent: Style,
    pub correct: Style,
    pub wrong: Style,
    pub due: Style,
    pub warning: Style,
    pub selection: Style,
}

impl Theme {
    /// `dark`, `light` or `mono`; `color` false gives `mono` whatever the name.
    pub fn named(name: &str, color: bool) -> Theme {
        let b = Modifier::BOLD;
        if !color || name == "mono" {
            return Theme {
                base: Style::new(),
                muted: Style::new().add_modifier(Modifier::DIM),
                title: Style::new().add_modifier(b),
                accent: Style::new().add_modifier(b),
                correct: Style::new().add_modifier(b),
                wrong: Style::new().add_modifier(b | Modifier::UNDERLINED),
                due: Style::new().add_modifier(b),
                warning: Style::new().add_modifier(b | Modifier::REVERSED),
                selection: Style::new().add_modifier(Modifier::REVERSED),
            };
        }
        let (fg, muted, accent) = if name == "light" {
            (Color::Black, Color::DarkGray, Color::Blue)
        } else {
            (Color::Reset, Color::Gray, Color::Cyan)
        };
        Theme {
            base: Style::new().fg(fg),
            muted: Style::new().fg(muted),
            title: Style::new().fg(accent).add_modifier(b),
            accent: Style::new().fg(accent),
            correct: Style::new().fg(Color::Green).add_modifier(b),
            wrong: Style::new().fg(Color::Red).add_modifier(b),
            due: Style::new().fg(Color::Yellow),
            warning: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(b),
            selection: Style::new().add_modifier(Modifier::REVERSED),
        }
    }
}
