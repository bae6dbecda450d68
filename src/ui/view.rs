//! Drawing: `render(&App, &Theme, &mut Frame)`. Every piece of deck text goes through
//! `text::sanitize`, so no control character or escape sequence reaches the terminal; widths
//! are display widths.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::{App, CardView, Screen, Typing};
use super::keymap::Keymap;
use super::theme::Theme;
use crate::study::answer::{Diff, Verdict};
use crate::text::{one_line, sanitize};

pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

/// Deck text on one line: line breaks become spaces, nothing unsafe is left.
fn s(t: &str) -> String {
    one_line(t).into_owned()
}

/// Each line of a multi-line field (a back, an example, a note), sanitized.
fn lines_of(t: &str) -> impl Iterator<Item = String> + '_ {
    t.split('\n')
        .map(|l| sanitize(l.strip_suffix('\r').unwrap_or(l)).into_owned())
}

/// A labelled multi-line field: the label, then the lines under one another.
fn labelled<'a>(label: &'a str, field: &str, theme: &Theme, text: &mut Text<'a>) {
    let indent = " ".repeat(crate::text::width(label));
    for (i, line) in lines_of(field).enumerate() {
        let head = if i == 0 {
            Span::styled(label, theme.muted)
        } else {
            Span::raw(indent.clone())
        };
        text.push_line(Line::from(vec![head, Span::raw(line)]));
    }
}

pub fn render(app: &App, keys: &Keymap, theme: &Theme, frame: &mut Frame<'_>) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!("make it at least {MIN_WIDTH}x{MIN_HEIGHT}");
        frame.render_widget(
            Paragraph::new(msg).style(theme.warning),
            Rect { height: 1, ..area },
        );
        return;
    }
    let banner_height = u16::try_from(app.banner.len().min(3)).unwrap_or(3);
    let [banner, body, footer] = Layout::vertical([
        Constraint::Length(banner_height),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let lines: Vec<Line<'_>> = app
        .banner
        .iter()
        .take(3)
        .map(|b| Line::styled(format!("⚠ {}", s(b)), theme.warning))
        .collect();
    frame.render_widget(Paragraph::new(lines), banner);
    match &app.screen {
        Screen::Home => home(app, keys, theme, frame, body),
        Screen::Study {
            card,
            revealed,
            counts,
            typing,
        } => {
            let title = format!(
                " new {} · learning {} · review {} ",
                counts.new, counts.learning, counts.review
            );
            study(
                card.as_deref(),
                *revealed,
                typing.as_ref(),
                &title,
                keys,
                theme,
                frame,
                body,
            );
        }
        Screen::Summary {
            studied,
            correct,
            seconds,
            next,
        } => {
            let pct = if *studied == 0 {
                0
            } else {
                correct * 100 / studied
            };
            let text = vec![
                Line::styled("Session done", theme.title),
                Line::raw(""),
                Line::raw(format!("cards studied: {studied}")),
                Line::raw(format!("correct: {pct}% ({correct} of {studied})")),
                Line::raw(format!("time: {}m {:02}s", seconds / 60, seconds % 60)),
                Line::raw(format!("next: {}", s(next))),
                Line::raw(""),
                Line::styled("press enter to go back", theme.muted),
            ];
            frame.render_widget(
                Paragraph::new(text).block(Block::bordered().title(" medterm ")),
                body,
            );
        }
        Screen::Quiz { quiz, counts } => {
            let title = format!(
                " new {} · learning {} · review {} ",
                counts.new, counts.learning, counts.review
            );
            quiz_screen(quiz.as_deref(), &title, keys, theme, frame, body);
        }
        Screen::Browse { .. } => {}
        Screen::Stats { lines, scroll } => {
            let text: Vec<Line<'_>> = lines
                .iter()
                .skip(*scroll)
                .map(|l| Line::raw(s(l)))
                .collect();
            frame.render_widget(
                Paragraph::new(text)
                    .block(Block::bordered().title(Line::styled(" statistics ", theme.title))),
                body,
            );
        }
    }
    if let Screen::Browse {
        query,
        editing,
        results,
        selected,
    } = &app.screen
    {
        browse(query, *editing, results, *selected, theme, frame, body);
    }
    let help_line = match &app.message {
        Some(m) => Line::styled(s(m), theme.accent),
        // Key names come from config.toml: a bound character is shown as safely as deck text.
        None => Line::styled(s(&footer_hint(app, keys)), theme.muted),
    };
    frame.render_widget(Paragraph::new(help_line), footer);
    if app.help {
        help(keys, theme, frame, area);
    }
}

fn footer_hint(app: &App, keys: &Keymap) -> String {
    use super::app::Action as A;
    let k = |a| keys.keys_of(a);
    match app.screen {
        Screen::Home => format!(
            "{} study · {}/{}/{} drills · {} browse · {} stats · {} help · {} quit",
            k(A::Reveal),
            k(A::Build),
            k(A::Dissect),
            k(A::Confusables),
            k(A::Browse),
            k(A::Stats),
            k(A::Help),
            k(A::Quit)
        ),
        Screen::Quiz {
            quiz: Some(ref q), ..
        } if !q.quiz.finished() => "1-9 pick · backspace take back · esc home".to_owned(),
        Screen::Quiz { .. } => format!(
            "{} take the suggested grade · {}-{} grade · {} undo · {} skip · {} home",
            k(A::Reveal),
            k(A::Again),
            k(A::Easy),
            k(A::Undo),
            k(A::Skip),
            k(A::Quit)
        ),
        Screen::Study {
            revealed: false, ..
        } => format!(
            "{} reveal · {} undo · {} skip · {} help · {} home",
            k(A::Reveal),
            k(A::Undo),
            k(A::Skip),
            k(A::Help),
            k(A::Quit)
        ),
        Screen::Study { revealed: true, .. } => format!(
            "{}-{} grade · {} undo · {} suspend · {} edit · {} help",
            k(A::Again),
            k(A::Easy),
            k(A::Undo),
            k(A::Suspend),
            k(A::Edit),
            k(A::Help)
        ),
        Screen::Summary { .. } => format!("{} home", k(A::Reveal)),
        Screen::Stats { .. } => format!(
            "{}/{} scroll · {} study the weakest word parts · {} home",
            k(A::Up),
            k(A::Down),
            k(A::StudyWeak),
            k(A::Quit)
        ),
        Screen::Browse { editing: true, .. } => {
            "type to search · enter or ↓ to the results · esc home".to_owned()
        }
        Screen::Browse { editing: false, .. } => format!(
            "{}/{} move · enter answers · {} suspend or unsuspend · {} search · {} home",
            k(A::Up),
            k(A::Down),
            k(A::Suspend),
            k(A::Browse),
            k(A::Quit)
        ),
    }
}

fn home(app: &App, keys: &Keymap, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    // The counts keep their columns; the deck names take what is left (borders, the
    // marker and 22 columns of counts).
    let name_w = usize::from(area.width)
        .saturating_sub(2 + 3 + 1 + 22)
        .clamp(6, 28);
    let mut lines = vec![
        Line::styled(
            match app.streak {
                Some((through_yesterday, longest)) => {
                    let current = through_yesterday + u32::from(app.today_met());
                    format!(
                        "streak: {current} days (longest {}) · today: {} reviews",
                        longest.max(current),
                        app.today_reviews
                    )
                }
                None => format!("today: {} reviews", app.today_reviews),
            },
            theme.title,
        ),
        Line::raw(""),
        Line::styled(
            format!(
                "   {:<name_w$} {:>5} {:>8} {:>6}",
                "deck", "new", "learning", "due"
            ),
            theme.muted,
        ),
    ];
    // "All decks" has no counts of its own: the daily limits apply across decks.
    let rows = app
        .decks
        .iter()
        .map(|d| (s(&d.name), Some((d.new, d.learning, d.review))))
        .chain([("All decks".to_owned(), None)]);
    for (i, (name, counts)) in rows.enumerate() {
        let selected = i == app.selected;
        let marker = if selected { "▸ " } else { "  " };
        let name: String = truncate(&name, name_w);
        let pad = " ".repeat(name_w.saturating_sub(crate::text::width(&name)));
        let style = if selected {
            theme.selection
        } else {
            theme.base
        };
        let Some((new, learning, review)) = counts else {
            lines.push(Line::styled(format!("{marker} {name}{pad}"), style));
            continue;
        };
        let due_style = if review > 0 { theme.due } else { theme.base };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{marker} {name}{pad} {new:>5} {learning:>8} "),
                style,
            ),
            Span::styled(
                format!("{review:>6}"),
                if selected { style } else { due_style },
            ),
        ]));
    }
    // The drills of the selected deck (or of all).
    let (drills, of) = match app.decks.get(app.selected) {
        Some(d) => (d.drills, s(&d.name)),
        None => (app.drills, "all decks".to_owned()),
    };
    if app.drills.iter().any(Option::is_some) {
        use super::app::Action as A;
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            truncate(
                &format!("   drills in {of}"),
                usize::from(area.width.saturating_sub(2)),
            ),
            theme.muted,
        ));
        let actions = [A::Build, A::Dissect, A::Confusables];
        for ((d, counts), action) in crate::study::drill::Drill::ALL
            .iter()
            .zip(drills)
            .zip(actions)
        {
            let text = match counts {
                Some((new, due)) => format!(
                    "   {} {:<22} {new:>5} new {due:>5} due",
                    keys.keys_of(action),
                    d.label()
                ),
                None => format!("   {} {:<22} none here", keys.keys_of(action), d.label()),
            };
            lines.push(Line::styled(
                truncate(&text, usize::from(area.width.saturating_sub(2))),
                if counts.is_some() {
                    theme.base
                } else {
                    theme.muted
                },
            ));
        }
    }
    // Keep the selection in view on small terminals.
    let visible = usize::from(area.height.saturating_sub(2));
    let skip = (app.selected + 3 + 1).saturating_sub(visible);
    let lines: Vec<Line<'_>> = lines.into_iter().skip(skip).collect();
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" medterm ")),
        area,
    );
}

/// At most `width` display columns, with `…` when cut.
fn truncate(text: &str, width: usize) -> String {
    if crate::text::width(text) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        if crate::text::width(&out) + crate::text::width(&c.to_string()) + 1 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// A study or drill screen with nothing left for today.
fn nothing_left(what: &str, counts: &str, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let text = vec![
        Line::raw(""),
        Line::styled(what.to_owned(), theme.title),
        Line::raw(""),
        Line::styled("q goes back home", theme.muted),
    ];
    frame.render_widget(
        Paragraph::new(text)
            .centered()
            .block(Block::bordered().title(counts.to_owned())),
        area,
    );
}

#[allow(clippy::too_many_arguments)] // the parts of one screen
fn study(
    card: Option<&CardView>,
    revealed: bool,
    typing: Option<&Typing>,
    counts: &str,
    keys: &Keymap,
    theme: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    let Some(card) = card else {
        nothing_left("Nothing left to study today.", counts, theme, frame, area);
        return;
    };
    let direction = if card.reversed {
        " · meaning → term"
    } else {
        ""
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .title(Line::styled(
            format!(" {} · {}{direction} ", s(&card.deck), s(&card.kind)),
            theme.title,
        ))
        .title(Line::styled(counts.to_owned(), theme.muted).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [body, buttons] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let mut text = Text::default();
    text.push_line(Line::raw(""));
    for line in lines_of(&card.prompt) {
        text.push_line(Line::styled(line, theme.title).centered());
    }
    text.push_line(Line::raw(""));
    if let Some(t) = typing {
        typed_lines(t, theme, &mut text);
    }
    if revealed {
        text.push_line(Line::styled("─── answer ───", theme.muted).centered());
        for line in lines_of(&card.answer) {
            text.push_line(
                Line::styled(
                    line,
                    theme.accent.add_modifier(ratatui::style::Modifier::BOLD),
                )
                .centered(),
            );
        }
        text.push_line(Line::raw(""));
        if let Some((list, instead)) = &card.caution {
            text.push_line(Line::styled(
                format!("⚠ {}: write {} instead", s(list), s(instead)),
                theme.warning,
            ));
        }
        if !card.parts.is_empty() {
            let parts: Vec<String> = card
                .parts
                .iter()
                .map(|(p, m)| format!("{} ({})", s(p), s(m)))
                .collect();
            text.push_line(Line::from(vec![
                Span::styled("parts: ", theme.muted),
                Span::raw(parts.join(" + ")),
            ]));
        }
        if let Some(e) = &card.example {
            labelled("example: ", e, theme, &mut text);
        }
        for (front, meaning) in &card.confusables {
            text.push_line(Line::from(vec![
                Span::styled("not to confuse with: ", theme.muted),
                Span::raw(format!("{} = {}", s(front), s(meaning))),
            ]));
        }
        if let Some(n) = &card.note {
            labelled("note: ", n, theme, &mut text);
        }
    }
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), body);
    if revealed {
        // A checked typed answer preselects its suggested rating: Enter confirms it.
        let suggested = typing
            .and_then(|t| t.checked.as_ref())
            .map(|c| c.verdict.suggested().number());
        grade_buttons(&card.waits, suggested, keys, theme, frame, buttons);
    } else if typing.is_some() {
        frame.render_widget(
            Paragraph::new(Line::styled("type the answer, then enter", theme.muted)).centered(),
            buttons,
        );
    } else {
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(
                    "[{}] show the answer",
                    keys.keys_of(super::app::Action::Reveal)
                ),
                theme.muted,
            ))
            .centered(),
            buttons,
        );
    }
}

/// A picking drill: the term or the look-alikes, the questions answered so far with their
/// marks, the current question's numbered options; once answered, the score, what each
/// part means and the buttons.
fn quiz_screen(
    view: Option<&super::app::QuizView>,
    counts: &str,
    keys: &Keymap,
    theme: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    let Some(view) = view else {
        nothing_left("Nothing left to drill today.", counts, theme, frame, area);
        return;
    };
    let quiz = &view.quiz;
    let block = Block::new()
        .borders(Borders::ALL)
        .title(Line::styled(
            format!(" {} · {} ", s(&view.deck), view.drill.short()),
            theme.title,
        ))
        .title(Line::styled(counts.to_owned(), theme.muted).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [body, buttons] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let mut text = Text::default();
    let room = usize::from(body.height);
    // While picking on a short screen, the options come first: the instructions go and the
    // picks so far share one line.
    let options = quiz.current().map_or(0, |q| q.options.len());
    let compact = !quiz.finished() && 4 + quiz.picks.len() + 1 + options > room;
    text.push_line(Line::styled(s(&quiz.title), theme.title).centered());
    if !compact {
        text.push_line(Line::styled(s(&quiz.instructions), theme.muted).centered());
        text.push_line(Line::raw(""));
    } else if !quiz.picks.is_empty() {
        let picked: Vec<String> = quiz
            .questions
            .iter()
            .zip(&quiz.picks)
            .map(|(q, &p)| s(q.options.get(p).map_or("", String::as_str)))
            .collect();
        text.push_line(Line::styled(
            format!("· {}", picked.join(", ")),
            theme.muted,
        ));
    }
    // Marked once all are answered: a mark before then would give the answer away to a
    // pick taken back. Answered, the score comes first; where the screen is short, only the
    // mistakes are listed.
    let finished = quiz.finished();
    let (right, all) = quiz.score();
    if finished {
        text.push_line(Line::styled(format!("{right} of {all} right"), theme.title).centered());
    }
    let needed = 4 + quiz.questions.len() + view.explained.len();
    for (q, &p) in quiz.questions.iter().zip(&quiz.picks) {
        let picked = q.options.get(p).map_or("", String::as_str);
        let line = if compact {
            continue;
        } else if !finished {
            Line::from(vec![
                Span::styled("· ", theme.muted),
                Span::raw(format!("{}: {}", s(&q.prompt), s(picked))),
            ])
        } else if p == q.right {
            if needed > room {
                continue;
            }
            Line::from(vec![
                Span::styled("✓ ", theme.correct),
                Span::raw(format!("{}: {}", s(&q.prompt), s(picked))),
            ])
        } else {
            let right = q.options.get(q.right).map_or("", String::as_str);
            Line::from(vec![
                Span::styled("✗ ", theme.wrong),
                Span::raw(format!("{}: ", s(&q.prompt))),
                Span::styled(
                    s(picked),
                    theme
                        .wrong
                        .add_modifier(ratatui::style::Modifier::CROSSED_OUT),
                ),
                Span::raw(" → "),
                Span::styled(s(right), theme.correct),
            ])
        };
        text.push_line(line);
    }
    if let Some(q) = quiz.current() {
        text.push_line(Line::styled(format!("{}?", s(&q.prompt)), theme.accent));
        let labels: Vec<String> = q
            .options
            .iter()
            .enumerate()
            .map(|(n, o)| format!("{} {}", n + 1, s(o)))
            .collect();
        if compact && labels.len() + 3 > room {
            // Two a line, each in half the width.
            let half = usize::from(body.width / 2).saturating_sub(1);
            for pair in labels.chunks(2) {
                let left = truncate(&pair[0], half);
                let pad = " ".repeat(half.saturating_sub(crate::text::width(&left)));
                let right = pair.get(1).map_or(String::new(), |r| truncate(r, half));
                text.push_line(Line::raw(format!("{left}{pad}  {right}")));
            }
        } else {
            for l in labels {
                text.push_line(Line::raw(format!("  {l}")));
            }
        }
    } else {
        text.push_line(Line::raw(""));
        for (front, meaning) in &view.explained {
            text.push_line(Line::from(vec![
                Span::styled(s(front), theme.accent),
                Span::raw(format!(" = {}", s(meaning))),
            ]));
        }
    }
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), body);
    if quiz.finished() {
        grade_buttons(
            &view.waits,
            Some(quiz.suggested().number()),
            keys,
            theme,
            frame,
            buttons,
        );
    } else {
        frame.render_widget(
            Paragraph::new(Line::styled("press the number of your choice", theme.muted)).centered(),
            buttons,
        );
    }
}

/// The four grade buttons with their waits; the suggested one marked, for Enter.
fn grade_buttons(
    waits: &[String; 4],
    suggested: Option<u8>,
    keys: &Keymap,
    theme: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    use super::app::Action as A;
    let labels = [
        (A::Again, "Again", theme.wrong),
        (A::Hard, "Hard", theme.due),
        (A::Good, "Good", theme.correct),
        (A::Easy, "Easy", theme.accent),
    ];
    // Below 64 columns the buttons keep their key and wait, not their names.
    let narrow = area.width < 64;
    let mut spans = Vec::new();
    for (n, ((action, label, style), wait)) in labels.iter().zip(waits).enumerate() {
        let chosen = suggested == u8::try_from(n + 1).ok();
        let (mark, style) = if chosen {
            ("▸", style.add_modifier(ratatui::style::Modifier::REVERSED))
        } else {
            ("", *style)
        };
        spans.push(Span::styled(
            if narrow {
                format!("{mark}{} {wait}", keys.keys_of(*action))
            } else {
                format!("{mark}[{}] {label} {wait}", keys.keys_of(*action))
            },
            style,
        ));
        spans.push(Span::raw("  "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).centered(), area);
}

fn browse(
    query: &str,
    editing: bool,
    results: &[super::app::BrowseRow],
    selected: usize,
    theme: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    let block = Block::bordered().title(Line::styled(
        format!(" browse · {} found ", results.len()),
        theme.title,
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [search, list, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(5),
    ])
    .areas(inner);
    let cursor = if editing { "▏" } else { "" };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("/ ", theme.accent),
            Span::raw(s(query)),
            Span::styled(cursor, theme.accent),
        ])),
        search,
    );
    let height = usize::from(list.height);
    let skip = (selected + 1).saturating_sub(height);
    let width = usize::from(list.width);
    let lines: Vec<Line<'_>> = results
        .iter()
        .enumerate()
        .skip(skip)
        .take(height)
        .map(|(i, r)| {
            let text = format!(
                "{} [{}] {} — {} · {}",
                if i == selected { "▸" } else { " " },
                s(&r.state),
                s(&r.front),
                s(&r.back),
                s(&r.deck)
            );
            let style = if i == selected && !editing {
                theme.selection
            } else {
                theme.base
            };
            Line::styled(truncate(&text, width), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    if let Some(r) = results.get(selected) {
        let lines: Vec<Line<'_>> = r
            .detail
            .iter()
            .map(|d| Line::styled(s(d), theme.muted))
            .collect();
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), detail);
    }
}

/// The typed answer, and once checked the verdict and the diff against the nearest answer.
/// Missing characters are underlined, extra ones struck through, wrong ones reversed: the
/// marks show without colour too.
fn typed_lines(t: &Typing, theme: &Theme, text: &mut Text<'_>) {
    use ratatui::style::Modifier;
    text.push_line(
        Line::from(vec![
            Span::styled("> ", theme.muted),
            Span::raw(s(&t.input)),
            Span::styled(if t.checked.is_none() { "▏" } else { "" }, theme.accent),
        ])
        .centered(),
    );
    let Some(c) = &t.checked else { return };
    let (mark, style) = match c.verdict {
        Verdict::Correct => ("✓ correct", theme.correct),
        Verdict::Almost => ("≈ almost", theme.due),
        Verdict::Wrong => ("✗ not quite", theme.wrong),
    };
    text.push_line(Line::styled(mark, style).centered());
    if let Some(why) = &t.joined {
        text.push_line(Line::styled(s(why), theme.due).centered());
    }
    if c.verdict != Verdict::Correct && !c.diff.is_empty() {
        let spans: Vec<Span<'_>> = c
            .diff
            .iter()
            .map(|d| match *d {
                Diff::Same(ch) => Span::styled(ch.to_string(), theme.base),
                Diff::Missing(ch) => Span::styled(
                    ch.to_string(),
                    theme.correct.add_modifier(Modifier::UNDERLINED),
                ),
                Diff::Extra(ch) => Span::styled(
                    ch.to_string(),
                    theme.wrong.add_modifier(Modifier::CROSSED_OUT),
                ),
                Diff::Wrong(_, expected) => Span::styled(
                    expected.to_string(),
                    theme.wrong.add_modifier(Modifier::REVERSED),
                ),
            })
            .map(|span| Span::styled(s(&span.content), span.style))
            .collect();
        text.push_line(Line::from(spans).centered());
        text.push_line(
            Line::styled(
                "underlined: missing · struck through: extra · reversed: wrong",
                theme.muted,
            )
            .centered(),
        );
    }
}

fn help(keys: &Keymap, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let rows = keys.help();
    let height = u16::try_from(rows.len() + 4)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let width = 56.min(area.width);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let mut lines: Vec<Line<'_>> = rows
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!("{:>12}  ", s(k)), theme.accent),
                Span::raw(*d),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled("any key closes this help", theme.muted));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" keys ").style(Style::new())),
        popup,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::app::{Counts, DeckRow};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn draw(app: &App, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| render(app, &Keymap::default(), &Theme::named("dark", true), f))
            .unwrap();
        let buf = t.backend().buffer();
        let mut out = String::new();
        for y in 0..h {
            for x in 0..w {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    fn card() -> CardView {
        CardView {
            deck: "Digestive system".into(),
            kind: "term".into(),
            prompt: "gastroenteritis".into(),
            answer: "inflammation of the stomach and intestines".into(),
            parts: vec![
                ("gastr/o".into(), "stomach".into()),
                ("enter/o".into(), "small intestine".into()),
                ("-itis".into(), "inflammation".into()),
            ],
            confusables: vec![("gastrectomy".into(), "removal of the stomach".into())],
            location: "built-in:digestive.toml:40".into(),
            waits: ["1m".into(), "6m".into(), "10m".into(), "8d".into()],
            ..CardView::default()
        }
    }

    fn build_card() -> CardView {
        CardView {
            kind: "build the term".into(),
            prompt: "inflammation of the stomach and intestines".into(),
            answer: "gastroenteritis".into(),
            accepted: vec!["gastroenteritis".into()],
            type_by_default: true,
            build: Some(vec![]),
            ..card()
        }
    }

    /// The dissect drill of "cardiomegaly" with `picks` of its four questions answered:
    /// the first part right, the second wrong, then both meanings right.
    fn quizzing(picks: usize) -> App {
        use crate::study::drill::{Drill, Question, Quiz};
        let parts = vec![
            "-megaly".to_owned(),
            "cardi/o".into(),
            "-algia".into(),
            "hepat/o".into(),
        ];
        let quiz = Quiz {
            title: "cardiomegaly".into(),
            instructions: "pick its parts in order, then what each means".into(),
            questions: vec![
                Question {
                    prompt: "part 1 of 2".into(),
                    options: parts.clone(),
                    right: 1,
                },
                Question {
                    prompt: "part 2 of 2".into(),
                    options: parts,
                    right: 0,
                },
                Question {
                    prompt: "cardi/o means".into(),
                    options: vec!["liver".into(), "heart".into(), "stomach".into()],
                    right: 1,
                },
                Question {
                    prompt: "-megaly means".into(),
                    options: vec!["pain".into(), "enlargement".into(), "inflammation".into()],
                    right: 1,
                },
            ],
            picks: [1, 2, 1, 1].into_iter().take(picks).collect(),
        };
        let mut app = App::new(vec![], vec![]);
        app.screen = Screen::Quiz {
            quiz: Some(Box::new(crate::ui::app::QuizView {
                deck: "Cardiovascular system".into(),
                drill: Drill::Dissect,
                quiz,
                explained: vec![
                    ("cardi/o".into(), "heart".into()),
                    ("-megaly".into(), "enlargement".into()),
                    ("cardiomegaly".into(), "enlargement of the heart".into()),
                ],
                location: "built-in:cardiovascular.toml:88".into(),
                waits: ["1m".into(), "6m".into(), "10m".into(), "8d".into()],
            })),
            counts: Counts {
                new: 12,
                learning: 0,
                review: 3,
            },
        };
        app
    }

    #[test]
    fn a_dissect_drill_marks_picks_only_once_all_are_answered() {
        let picking = draw(&quizzing(2), 80, 24);
        assert!(picking.contains("· part 1 of 2: cardi/o"));
        assert!(
            picking.contains("· part 2 of 2: -algia"),
            "not marked yet:\n{picking}"
        );
        assert!(picking.contains("cardi/o means?"));
        assert!(picking.contains("2 heart"));
        assert!(!picking.contains('✗') && !picking.contains('✓'));
        let done = draw(&quizzing(4), 80, 24);
        assert!(done.contains("✓ part 1 of 2: cardi/o"));
        assert!(done.contains("✗ part 2 of 2: -algia → -megaly"));
        assert!(done.contains("3 of 4 right"));
        assert!(done.contains("cardiomegaly = enlargement of the heart"));
        assert!(
            done.contains("▸[2] Hard 6m"),
            "partial credit suggests Hard:\n{done}"
        );
    }

    #[test]
    fn home_lists_the_drills_of_the_selected_deck() {
        let home = App {
            drills: [Some((20, 2)), Some((18, 0)), Some((3, 1))],
            ..App::new(
                vec![DeckRow {
                    id: "prefixes".into(),
                    name: "Prefixes".into(),
                    new: 20,
                    learning: 0,
                    review: 0,
                    drills: [None, None, Some((3, 1))],
                }],
                vec![],
            )
        };
        let screen = draw(&home, 80, 24);
        assert!(screen.contains("drills in Prefixes"));
        assert!(screen.contains(&format!("b {:<22} none here", "build terms")));
        assert!(screen.contains("c tell look-alikes apart     3 new     1 due"));
        let all = draw(
            &App {
                selected: 1,
                ..home
            },
            80,
            24,
        );
        assert!(all.contains("drills in all decks"));
        assert!(all.contains(&format!("b {:<22}    20 new     2 due", "build terms")));
    }

    fn studying(revealed: bool, card: CardView) -> App {
        let mut app = App::new(vec![], vec![]);
        app.screen = Screen::Study {
            card: Some(Box::new(card)),
            revealed,
            counts: Counts {
                new: 19,
                learning: 1,
                review: 4,
            },
            typing: None,
        };
        app
    }

    #[test]
    fn the_front_then_the_answer_with_its_parts_and_the_buttons() {
        let front = draw(&studying(false, card()), 80, 20);
        assert!(front.contains("gastroenteritis"));
        assert!(front.contains("Digestive system · term"));
        assert!(front.contains("new 19 · learning 1 · review 4"));
        assert!(!front.contains("inflammation of the stomach"));
        let back = draw(&studying(true, card()), 80, 20);
        assert!(back.contains("inflammation of the stomach and intestines"));
        assert!(back.contains(
            "parts: gastr/o (stomach) + enter/o (small intestine) + -itis (inflammation)"
        ));
        assert!(back.contains("not to confuse with: gastrectomy = removal of the stomach"));
        assert!(back.contains("[1] Again 1m  [2] Hard 6m  [3] Good 10m  [4] Easy 8d"));
    }

    #[test]
    fn a_typed_answer_with_a_typo_shows_its_diff_and_preselects_hard() {
        let mut app = studying(true, card());
        let checked =
            crate::study::answer::check("gastrenteritiss", &["gastroenteritis".to_owned()]);
        if let Screen::Study { typing, .. } = &mut app.screen {
            *typing = Some(Typing {
                input: "gastrenteritiss".into(),
                checked: Some(checked),
                joined: None,
            });
        }
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| render(&app, &Keymap::default(), &Theme::named("dark", false), f))
            .unwrap();
        let buf = t.backend().buffer();
        let rows: Vec<String> = (0..24)
            .map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect())
            .collect();
        assert!(rows.iter().any(|r| r.contains("> gastrenteritiss")));
        assert!(rows.iter().any(|r| r.contains("≈ almost")));
        assert!(rows.iter().any(|r| r.contains("▸[2] Hard 6m")));
        let diff_row = rows
            .iter()
            .position(|r| r.contains("gastroenteritiss"))
            .unwrap();
        let y = u16::try_from(diff_row).unwrap();
        let x0 = u16::try_from(rows[diff_row].chars().position(|c| c == 'g').unwrap()).unwrap();
        // "gastr" then the missing "o", underlined; one extra "s" struck through.
        assert!(
            buf[(x0 + 5, y)]
                .modifier
                .contains(ratatui::style::Modifier::UNDERLINED)
        );
        let struck: Vec<&str> = (x0..x0 + 16)
            .filter(|&x| {
                buf[(x, y)]
                    .modifier
                    .contains(ratatui::style::Modifier::CROSSED_OUT)
            })
            .map(|x| buf[(x, y)].symbol())
            .collect();
        assert_eq!(struck, ["s"]);
    }

    #[test]
    fn browse_shows_the_query_the_results_and_the_selected_cards_schedule() {
        let mut app = App::new(vec![], vec![]);
        app.screen = Screen::Browse {
            query: "brady".into(),
            editing: false,
            results: vec![crate::ui::app::BrowseRow {
                item: 0,
                deck: "Prefixes".into(),
                front: "brady-".into(),
                back: "slow".into(),
                state: "review, due 2026-12-10".into(),
                detail: vec!["prefixes:brady · defined at built-in:prefixes.toml:120".into()],
            }],
            selected: 0,
        };
        let screen = draw(&app, 80, 16);
        assert!(screen.contains("browse · 1 found"));
        assert!(screen.contains("/ brady"));
        assert!(screen.contains("▸ [review, due 2026-12-10] brady- — slow · Prefixes"));
        assert!(screen.contains("defined at built-in:prefixes.toml:120"));
        assert!(screen.contains("enter answers · ! suspend or unsuspend"));
    }

    /// Every screen as text, at the smallest supported size and a roomy one: a change to
    /// what the student sees shows up in review as a changed snapshot.
    #[test]
    fn snapshots_of_every_screen() {
        let home = App {
            streak: Some((6, 21)),
            today_reviews: 14,
            drills: [Some((20, 2)), Some((18, 0)), Some((3, 1))],
            ..App::new(
                vec![
                    DeckRow {
                        id: "prefixes".into(),
                        name: "Prefixes".into(),
                        new: 20,
                        learning: 2,
                        review: 31,
                        drills: [None, None, Some((3, 1))],
                    },
                    DeckRow {
                        id: "cardiovascular".into(),
                        name: "Cardiovascular system".into(),
                        new: 20,
                        learning: 0,
                        review: 4,
                        drills: [Some((20, 2)), Some((18, 0)), None],
                    },
                ],
                vec!["1 deck error(s): run `medterm check` to see where".into()],
            )
        };
        let mut typed = studying(true, card());
        if let Screen::Study { typing, .. } = &mut typed.screen {
            let checked =
                crate::study::answer::check("gastrenteritis", &["gastroenteritis".to_owned()]);
            *typing = Some(Typing {
                input: "gastrenteritis".into(),
                checked: Some(checked),
                joined: None,
            });
        }
        let mut long = card();
        long.prompt = "Ösophagogastroduodenoskopie-µ-腎臓-".repeat(4);
        let summary = App {
            screen: Screen::Summary {
                studied: 24,
                correct: 21,
                seconds: 431,
                next: "12 reviews tomorrow".into(),
            },
            ..App::new(vec![], vec![])
        };
        let help = App {
            help: true,
            ..home.clone()
        };
        let browse = App {
            screen: Screen::Browse {
                query: "tag:cardiovascular brady".into(),
                editing: false,
                results: vec![crate::ui::app::BrowseRow {
                    item: 0,
                    deck: "Cardiovascular system".into(),
                    front: "bradycardia".into(),
                    back: "slow heart rate".into(),
                    state: "review, due 2026-12-10".into(),
                    detail: vec![
                        "cardiovascular:bradycardia · defined at built-in:cardiovascular.toml:312"
                            .into(),
                    ],
                }],
                selected: 0,
            },
            ..App::new(vec![], vec![])
        };
        let stats = App {
            screen: Screen::Stats {
                lines: vec![
                    "streak: 6 days (longest 21)".into(),
                    "  ··░▒▓█@  Fri".into(),
                ],
                scroll: 0,
            },
            ..App::new(vec![], vec![])
        };
        let mut build = studying(true, build_card());
        if let Screen::Study { typing, .. } = &mut build.screen {
            *typing = Some(Typing {
                input: "gastroenteroitis".into(),
                checked: Some(crate::study::answer::Checked {
                    verdict: crate::study::answer::Verdict::Almost,
                    ..crate::study::answer::check("gastroenteroitis", &["gastroenteritis".into()])
                }),
                joined: Some("the right parts, joined wrongly: the combining vowel -o- of enter/o is dropped before -itis, which starts with a vowel".into()),
            });
        }
        let home_on_all = App {
            selected: 2,
            ..home.clone()
        };
        let mut confusables = quizzing(0);
        if let Screen::Quiz { quiz: Some(q), .. } = &mut confusables.screen {
            use crate::study::drill::{Drill, Question};
            let options: Vec<String> = vec![
                "making an opening".into(),
                "surgical removal".into(),
                "cutting into".into(),
            ];
            q.drill = Drill::Confusables;
            q.quiz.title = "-ectomy / -ostomy / -otomy".into();
            q.quiz.instructions = "match each look-alike to its meaning".into();
            q.quiz.questions = ["-ectomy", "-ostomy", "-otomy"]
                .iter()
                .zip([1, 0, 2])
                .map(|(p, right)| Question {
                    prompt: format!("{p} means"),
                    options: options.clone(),
                    right,
                })
                .collect();
            q.quiz.picks = vec![1];
        }
        for (name, app) in [
            ("home", &home),
            ("confusables", &confusables),
            ("home-all-decks", &home_on_all),
            ("build", &build),
            ("dissect-first-pick", &quizzing(0)),
            ("dissect-picking", &quizzing(2)),
            ("dissect-answered", &quizzing(4)),
            ("front", &studying(false, card())),
            ("back", &studying(true, card())),
            ("typed-with-typo", &typed),
            ("long-unicode", &studying(false, long)),
            ("summary", &summary),
            ("help", &help),
            ("browse", &browse),
            ("stats", &stats),
        ] {
            insta::assert_snapshot!(format!("{name}-80x24"), draw(app, 80, 24));
            insta::assert_snapshot!(format!("{name}-40x12"), draw(app, 40, 12));
        }
        insta::assert_snapshot!("too-small-30x8", draw(&home, 30, 8));
    }

    #[test]
    fn home_shows_the_streak_counting_today_once_its_goal_is_met() {
        let mut app = App::new(vec![], vec![]);
        app.streak = Some((4, 9));
        assert!(draw(&app, 60, 14).contains("streak: 4 days (longest 9) · today: 0 reviews"));
        app.today_reviews = 3;
        assert!(draw(&app, 60, 14).contains("streak: 5 days (longest 9) · today: 3 reviews"));
        // With "every due card done" as the goal, today counts once no deck has any left.
        app.daily_goal = crate::stats::Goal::AllDue;
        app.decks = vec![DeckRow {
            id: "d".into(),
            name: "D".into(),
            new: 5,
            learning: 0,
            review: 2,
            drills: [None; 3],
        }];
        assert!(draw(&app, 60, 14).contains("streak: 4 days (longest 9) · today: 3 reviews"));
        app.decks[0].review = 0;
        assert!(draw(&app, 60, 14).contains("streak: 5 days (longest 9) · today: 3 reviews"));
    }

    #[test]
    fn the_stats_screen_shows_its_lines() {
        let mut app = App::new(vec![], vec![]);
        app.screen = Screen::Stats {
            lines: vec![
                "streak: 12 days (longest 30)".into(),
                "  ··░▒▓█@  Fri".into(),
            ],
            scroll: 0,
        };
        let screen = draw(&app, 60, 14);
        assert!(screen.contains("statistics"));
        assert!(screen.contains("streak: 12 days (longest 30)"));
        assert!(screen.contains("··░▒▓█@"));
    }

    #[test]
    fn a_caution_is_marked_without_colour_too() {
        let mut c = card();
        c.caution = Some((
            "on The Joint Commission's Do Not Use list".into(),
            "\"unit\"".into(),
        ));
        let mut t = Terminal::new(TestBackend::new(80, 20)).unwrap();
        let app = studying(true, c);
        t.draw(|f| render(&app, &Keymap::default(), &Theme::named("dark", false), f))
            .unwrap();
        let buf = t.backend().buffer();
        let row = (0..20)
            .find(|&y| {
                (0..80)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
                    .contains("Do Not Use")
            })
            .unwrap();
        let x = (0..80).find(|&x| buf[(x, row)].symbol() == "⚠").unwrap();
        assert!(
            buf[(x, row)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED)
        );
    }

    #[test]
    fn hostile_text_never_reaches_the_terminal() {
        let mut c = card();
        c.prompt = "evil\u{1b}[2J\u{202e}txet\u{200b}".into();
        c.answer = "bell\u{7}".into();
        let screen = draw(&studying(true, c), 80, 20);
        assert!(
            !screen.contains('\u{1b}')
                && !screen.contains('\u{202e}')
                && !screen.contains('\u{7}')
                && !screen.contains('\u{200b}')
        );
        assert!(screen.contains("evil\u{FFFD}[2J\u{FFFD}txet\u{FFFD}"));
    }

    #[test]
    fn too_small_asks_for_more_room_and_long_unicode_fits() {
        let screen = draw(&studying(true, card()), 30, 8);
        assert!(screen.starts_with("make it at least 40x12"));
        let mut c = card();
        c.prompt = "Ösophagogastroduodenoskopie-µ-腎臓-".repeat(6);
        let screen = draw(&studying(true, c), 40, 12);
        assert!(screen.contains("Ösophagogastroduodenoskopie"));
    }

    #[test]
    fn home_lists_decks_the_selection_and_the_help_overlay() {
        let mut app = App::new(
            vec![DeckRow {
                id: "prefixes".into(),
                name: "Prefixes".into(),
                new: 20,
                learning: 0,
                review: 3,
                drills: [None; 3],
            }],
            vec!["1 deck error(s): run `medterm check` to see where".into()],
        );
        let screen = draw(&app, 60, 14);
        assert!(screen.contains("⚠ 1 deck error(s)"));
        assert!(screen.contains("▸  Prefixes"));
        assert!(screen.contains("All decks"));
        app.help = true;
        let screen = draw(&app, 60, 20);
        assert!(screen.contains("undo the last grade"));
        assert!(screen.contains("q/esc"), "{screen}");
    }
}
