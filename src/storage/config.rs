//! `config.toml`: the student's settings, every key documented in README, every problem
//! reported at its line and column. Values not set keep their defaults; `medterm config`
//! shows each value and where it came from.

use std::fmt::Write as _;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, Severity, SourceText};
use crate::text;

/// Names of the actions keys can be bound to (the TUI's keymap).
pub const ACTIONS: &[&str] = &[
    "reveal",
    "again",
    "hard",
    "good",
    "easy",
    "undo",
    "skip",
    "suspend",
    "edit",
    "help",
    "quit",
    "toggle_typing",
    "browse",
    "stats",
    "build",
    "dissect",
    "confusables",
    "study_weak",
    "up",
    "down",
];

pub const THEMES: &[&str] = &["dark", "light", "mono"];

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    /// `config.toml`, at this line.
    File(usize),
    /// An environment variable or flag.
    Env(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Setting<T> {
    fn default(value: T) -> Self {
        Setting {
            value,
            source: Source::Default,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeckLimits {
    pub deck: String,
    pub new_per_day: Option<u32>,
    pub reviews_per_day: Option<u32>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub new_per_day: Setting<u32>,
    pub reviews_per_day: Setting<u32>,
    pub desired_retention: Setting<f64>,
    pub rollover_hour: Setting<u32>,
    /// Seconds.
    pub learning_steps: Setting<Vec<u32>>,
    pub relearning_steps: Setting<Vec<u32>>,
    pub maximum_interval: Setting<u32>,
    pub leech_threshold: Setting<u32>,
    /// What a day needs to keep the streak going: N answers, or every due card done.
    pub daily_goal: Setting<crate::stats::Goal>,
    /// Missed days a month that a streak freeze covers.
    pub streak_freezes: Setting<u32>,
    /// A day with nothing due and no new card left does not break the streak.
    pub streak_keeps_idle_days: Setting<bool>,
    pub theme: Setting<String>,
    pub device: Setting<Option<String>>,
    pub fsrs_parameters: Setting<Option<Vec<f64>>>,
    pub decks: Vec<DeckLimits>,
    /// Action -> keys.
    pub keys: Vec<(String, Vec<String>, usize)>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            new_per_day: Setting::default(20),
            reviews_per_day: Setting::default(200),
            desired_retention: Setting::default(0.9),
            rollover_hour: Setting::default(4),
            learning_steps: Setting::default(vec![60, 600]),
            relearning_steps: Setting::default(vec![600]),
            maximum_interval: Setting::default(36_500),
            leech_threshold: Setting::default(8),
            daily_goal: Setting::default(crate::stats::Goal::Answers(1)),
            streak_freezes: Setting::default(0),
            streak_keeps_idle_days: Setting::default(true),
            theme: Setting::default("dark".to_owned()),
            device: Setting::default(None),
            fsrs_parameters: Setting::default(None),
            decks: Vec::new(),
            keys: Vec::new(),
        }
    }
}

/// A step such as `30s`, `1m`, `10m`, `1h`, `1d`, in seconds.
pub fn parse_step(s: &str) -> Option<u32> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = s.split_at(split);
    let n: u32 = n.parse().ok()?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    n.checked_mul(mult).filter(|&v| v > 0)
}

/// A step in seconds as it is written in the config.
pub fn format_step(secs: u32) -> String {
    if secs.is_multiple_of(86_400) {
        format!("{}d", secs / 86_400)
    } else if secs.is_multiple_of(3600) {
        format!("{}h", secs / 3600)
    } else if secs.is_multiple_of(60) {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

const KEYS: &[&str] = &[
    "new_per_day",
    "reviews_per_day",
    "desired_retention",
    "rollover_hour",
    "learning_steps",
    "relearning_steps",
    "maximum_interval",
    "leech_threshold",
    "daily_goal",
    "streak_freezes",
    "streak_keeps_idle_days",
    "theme",
    "device",
    "fsrs_parameters",
    "deck",
    "keys",
];

struct Walker<'s, 'a> {
    src: &'s SourceText<'a>,
    diags: Vec<Diagnostic>,
}

impl Walker<'_, '_> {
    fn error(&mut self, span: Range<usize>, message: String, help: Option<String>) {
        let mut d = self.src.diag(span, Severity::Error, message);
        d.help = help;
        self.diags.push(d);
    }

    fn int(&mut self, key: &str, v: &toml::Spanned<DeValue<'_>>, range: Range<u32>) -> Option<u32> {
        let n = match v.get_ref() {
            DeValue::Integer(i) => i.as_str().replace('_', "").parse::<i64>().ok(),
            _ => None,
        };
        match n
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| range.contains(n))
        {
            Some(n) => Some(n),
            None => {
                self.error(
                    v.span(),
                    format!(
                        "`{key}` must be a whole number from {} to {}",
                        range.start,
                        range.end - 1
                    ),
                    None,
                );
                None
            }
        }
    }

    fn steps(&mut self, key: &str, v: &toml::Spanned<DeValue<'_>>) -> Option<Vec<u32>> {
        let words: Vec<(String, Range<usize>)> = match v.get_ref() {
            DeValue::String(s) => s
                .split_whitespace()
                .map(|w| (w.to_owned(), v.span()))
                .collect(),
            DeValue::Array(a) => a
                .iter()
                .map(|i| (i.get_ref().as_str().unwrap_or("?").to_owned(), i.span()))
                .collect(),
            _ => Vec::new(),
        };
        if !matches!(v.get_ref(), DeValue::String(_) | DeValue::Array(_)) {
            self.error(
                v.span(),
                format!("`{key}` must be steps such as \"1m 10m\""),
                None,
            );
            return None;
        }
        let mut out = Vec::new();
        for (w, span) in words {
            match parse_step(&w) {
                Some(s) => out.push(s),
                None => {
                    self.error(
                        span,
                        format!("`{key}`: \"{w}\" is not a step"),
                        Some("write a number and a unit: 30s, 1m, 10m, 1h, 1d".into()),
                    );
                    return None;
                }
            }
        }
        Some(out)
    }
}

/// Parses a config file. `inside_data_dir`: the file sits in the (possibly synced) data
/// dir, where a `device` name would be shared by every machine and so is refused.
pub fn parse(path: &str, text: &str, inside_data_dir: bool) -> Result<Config, Vec<Diagnostic>> {
    let src = SourceText::new(path, text);
    let mut w = Walker {
        src: &src,
        diags: Vec::new(),
    };
    let (root, errors) = DeTable::parse_recoverable(text);
    for e in &errors {
        w.error(
            e.span().unwrap_or(0..0),
            format!("TOML syntax: {}", e.message().trim()),
            None,
        );
    }
    let mut c = Config::default();
    for (key, v) in root.get_ref() {
        let line = src.line_of(key.span().start);
        let name = key.get_ref().as_ref();
        let file = Source::File(line);
        match name {
            "new_per_day" | "reviews_per_day" | "rollover_hour" | "maximum_interval"
            | "leech_threshold" | "streak_freezes" => {
                let range = match name {
                    "rollover_hour" => 0..24,
                    "maximum_interval" => 1..36_501,
                    "leech_threshold" => 0..1000,
                    "streak_freezes" => 0..32,
                    _ => 0..100_000,
                };
                if let Some(n) = w.int(name, v, range) {
                    let setting = Setting { value: n, source: file };
                    match name {
                        "new_per_day" => c.new_per_day = setting,
                        "reviews_per_day" => c.reviews_per_day = setting,
                        "rollover_hour" => c.rollover_hour = setting,
                        "maximum_interval" => c.maximum_interval = setting,
                        "leech_threshold" => c.leech_threshold = setting,
                        _ => c.streak_freezes = setting,
                    }
                }
            }
            "daily_goal" => {
                let goal = match v.get_ref() {
                    DeValue::String(s) if s.as_ref() == "all-due" => {
                        Some(crate::stats::Goal::AllDue)
                    }
                    DeValue::Integer(i) => i
                        .as_str()
                        .replace('_', "")
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (1..1000).contains(n))
                        .map(crate::stats::Goal::Answers),
                    _ => None,
                };
                match goal {
                    Some(value) => c.daily_goal = Setting { value, source: file },
                    None => w.error(
                        v.span(),
                        "`daily_goal` must be a number of answers from 1 to 999, or \"all-due\" \
                         (every due card done)"
                            .to_owned(),
                        Some("for example `daily_goal = 20` or `daily_goal = \"all-due\"`".to_owned()),
                    ),
                }
            }
            "desired_retention" => match v.get_ref() {
                DeValue::Float(f) if f.as_str().parse::<f64>().is_ok_and(|x| (0.70..=0.99).contains(&x)) => {
                    c.desired_retention = Setting {
                        value: f.as_str().parse().unwrap_or(0.9),
                        source: file,
                    };
                }
                _ => w.error(
                    v.span(),
                    "`desired_retention` must be a number from 0.70 to 0.99".into(),
                    Some("0.9 means: schedule each card for when you would still recall it 9 times in 10".into()),
                ),
            },
            "learning_steps" | "relearning_steps" => {
                if let Some(steps) = w.steps(name, v) {
                    let setting = Setting { value: steps, source: file };
                    if name == "learning_steps" {
                        c.learning_steps = setting;
                    } else {
                        c.relearning_steps = setting;
                    }
                }
            }
            "streak_keeps_idle_days" => match v.get_ref() {
                DeValue::Boolean(b) => {
                    c.streak_keeps_idle_days = Setting {
                        value: *b,
                        source: file,
                    };
                }
                _ => w.error(
                    v.span(),
                    "`streak_keeps_idle_days` must be true or false".into(),
                    None,
                ),
            },
            "theme" => match v.get_ref() {
                DeValue::String(s) if THEMES.contains(&s.as_ref()) => {
                    c.theme = Setting { value: s.to_string(), source: file };
                }
                _ => w.error(v.span(), format!("`theme` must be one of: {}", THEMES.join(", ")), None),
            },
            "device" => match v.get_ref() {
                _ if inside_data_dir => w.error(
                    key.span(),
                    "`device` cannot be set in a config inside the data dir".into(),
                    Some("the data dir may be synced to other machines, which must not share a log; set MEDTERM_DEVICE on this machine instead".into()),
                ),
                DeValue::String(s) if is_device_name(s) => {
                    c.device = Setting { value: Some(s.to_string()), source: file };
                }
                _ => w.error(v.span(), "`device` must be a name of letters, digits, `.`, `_` and `-`".into(), None),
            },
            "fsrs_parameters" => {
                let values: Option<Vec<f64>> = match v.get_ref() {
                    DeValue::Array(a) => a
                        .iter()
                        .map(|i| match i.get_ref() {
                            DeValue::Float(f) => f.as_str().parse().ok(),
                            DeValue::Integer(n) => n.as_str().parse::<f64>().ok(),
                            _ => None,
                        })
                        .collect(),
                    _ => None,
                };
                match values.map(|p| (crate::scheduler::Params::new(&p), p)) {
                    Some((Ok(_), p)) => c.fsrs_parameters = Setting { value: Some(p), source: file },
                    Some((Err(e), _)) => w.error(v.span(), format!("`fsrs_parameters`: {e}"), Some("delete the line to use the defaults, or run `medterm optimize`".into())),
                    None => w.error(v.span(), "`fsrs_parameters` must be an array of 21 numbers".into(), None),
                }
            }
            "deck" => match v.get_ref() {
                DeValue::Table(t) => {
                    for (deck, limits) in t {
                        let line = src.line_of(deck.span().start);
                        let DeValue::Table(lt) = limits.get_ref() else {
                            w.error(limits.span(), format!("`deck.{}` must be a table", deck.get_ref()), None);
                            continue;
                        };
                        let mut d = DeckLimits { deck: deck.get_ref().to_string(), new_per_day: None, reviews_per_day: None, line };
                        for (k, val) in lt {
                            match k.get_ref().as_ref() {
                                "new_per_day" => d.new_per_day = w.int("new_per_day", val, 0..100_000),
                                "reviews_per_day" => d.reviews_per_day = w.int("reviews_per_day", val, 0..100_000),
                                other => w.error(k.span(), format!("unknown key `{other}` in `[deck.{}]`", deck.get_ref()), Some("a deck table takes new_per_day and reviews_per_day".into())),
                            }
                        }
                        c.decks.push(d);
                    }
                }
                _ => w.error(v.span(), "`deck` must be tables such as `[deck.cardiovascular]`".into(), None),
            },
            "keys" => match v.get_ref() {
                DeValue::Table(t) => {
                    for (action, keys) in t {
                        let line = src.line_of(action.span().start);
                        let name = action.get_ref().as_ref();
                        if !ACTIONS.contains(&name) {
                            let help = match text::closest(name, ACTIONS) {
                                Some(c) => format!("did you mean `{c}`?"),
                                None => format!("the actions are: {}", ACTIONS.join(", ")),
                            };
                            w.error(action.span(), format!("unknown action `{name}` in `[keys]`"), Some(help));
                            continue;
                        }
                        let list: Option<Vec<String>> = match keys.get_ref() {
                            DeValue::String(s) => Some(vec![s.to_string()]),
                            DeValue::Array(a) => a.iter().map(|i| i.get_ref().as_str().map(str::to_owned)).collect(),
                            _ => None,
                        };
                        match list {
                            Some(l) if !l.is_empty() && l.iter().all(|k| !k.trim().is_empty()) => {
                                c.keys.push((name.to_owned(), l, line));
                            }
                            _ => w.error(keys.span(), format!("`keys.{name}` must be a key or a list of keys, such as \"u\" or [\"q\", \"esc\"]"), None),
                        }
                    }
                }
                _ => w.error(v.span(), "`keys` must be a table `[keys]`".into(), None),
            },
            other => {
                let help = match text::closest(other, KEYS) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => "see README, \"Configuration\", for the keys".to_owned(),
                };
                w.error(key.span(), format!("unknown key `{other}`"), Some(help));
            }
        }
    }
    if w.diags.is_empty() {
        Ok(c)
    } else {
        w.diags.sort_by_key(|d| (d.line, d.column));
        Err(w.diags)
    }
}

/// A safe file name for the device's log.
pub fn is_device_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && !s.starts_with('.')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The device name from a host name: unsafe characters become `-`.
pub fn device_from_host(host: &str) -> String {
    let mut s: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    while s.starts_with('.') {
        s.remove(0);
    }
    if s.is_empty() { "device".to_owned() } else { s }
}

impl Config {
    /// Every value and where it came from, as TOML with comments.
    pub fn describe(&self, path: &str) -> String {
        let from = |s: &Source| match s {
            Source::Default => "default".to_owned(),
            Source::File(line) => format!("{path}:{line}"),
            Source::Env(name) => (*name).to_owned(),
        };
        let steps = |v: &[u32]| {
            let words: Vec<String> = v.iter().map(|s| format_step(*s)).collect();
            format!("\"{}\"", words.join(" "))
        };
        let mut out = String::new();
        let mut line = |k: &str, v: String, s: &Source| {
            let _ = writeln!(out, "{:<40} # {}", format!("{k} = {v}"), from(s));
        };
        line(
            "new_per_day",
            self.new_per_day.value.to_string(),
            &self.new_per_day.source,
        );
        line(
            "reviews_per_day",
            self.reviews_per_day.value.to_string(),
            &self.reviews_per_day.source,
        );
        line(
            "desired_retention",
            self.desired_retention.value.to_string(),
            &self.desired_retention.source,
        );
        line(
            "rollover_hour",
            self.rollover_hour.value.to_string(),
            &self.rollover_hour.source,
        );
        line(
            "learning_steps",
            steps(&self.learning_steps.value),
            &self.learning_steps.source,
        );
        line(
            "relearning_steps",
            steps(&self.relearning_steps.value),
            &self.relearning_steps.source,
        );
        line(
            "maximum_interval",
            self.maximum_interval.value.to_string(),
            &self.maximum_interval.source,
        );
        line(
            "leech_threshold",
            self.leech_threshold.value.to_string(),
            &self.leech_threshold.source,
        );
        line(
            "daily_goal",
            self.daily_goal.value.to_string(),
            &self.daily_goal.source,
        );
        line(
            "streak_freezes",
            self.streak_freezes.value.to_string(),
            &self.streak_freezes.source,
        );
        line(
            "streak_keeps_idle_days",
            self.streak_keeps_idle_days.value.to_string(),
            &self.streak_keeps_idle_days.source,
        );
        line(
            "theme",
            format!("\"{}\"", self.theme.value),
            &self.theme.source,
        );
        line(
            "device",
            format!("\"{}\"", self.device.value.as_deref().unwrap_or("?")),
            &self.device.source,
        );
        let params = match &self.fsrs_parameters.value {
            Some(p) => format!("{p:?}"),
            None => "[] (the FSRS-6 defaults)".to_owned(),
        };
        line("fsrs_parameters", params, &self.fsrs_parameters.source);
        for d in &self.decks {
            let _ = writeln!(out, "\n[deck.{}]  # {path}:{}", d.deck, d.line);
            if let Some(n) = d.new_per_day {
                let _ = writeln!(out, "new_per_day = {n}");
            }
            if let Some(n) = d.reviews_per_day {
                let _ = writeln!(out, "reviews_per_day = {n}");
            }
        }
        if !self.keys.is_empty() {
            let _ = writeln!(out, "\n[keys]");
            for (action, keys, l) in &self.keys {
                let _ = writeln!(out, "{:<40} # {path}:{l}", format!("{action} = {keys:?}"));
            }
        }
        out
    }
}

/// `text` (a config file, possibly empty) with `fsrs_parameters` set, every other line and
/// comment kept.
pub fn with_fsrs_parameters(text: &str, params: &[f64]) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    let mut array = toml_edit::Array::new();
    for p in params {
        // Four significant decimals are what the optimizer's precision supports.
        array.push((p * 10_000.0).round() / 10_000.0);
    }
    doc["fsrs_parameters"] = toml_edit::value(array);
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_their_lines() {
        let c = parse(
            "config.toml",
            "new_per_day = 10\nlearning_steps = \"1m 5m 20m\"\ndesired_retention = 0.85\n[deck.cardiovascular]\nnew_per_day = 5\n[keys]\nquit = [\"q\", \"esc\"]\n",
            false,
        )
        .unwrap();
        assert_eq!(
            c.new_per_day,
            Setting {
                value: 10,
                source: Source::File(1)
            }
        );
        assert_eq!(c.learning_steps.value, [60, 300, 1200]);
        assert!((c.desired_retention.value - 0.85).abs() < 1e-12);
        assert_eq!(c.decks[0].new_per_day, Some(5));
        assert_eq!(c.keys[0].1, ["q", "esc"]);
        assert_eq!(c.reviews_per_day.source, Source::Default);
    }

    #[test]
    fn every_problem_is_located() {
        let errs = parse(
            "config.toml",
            "new_per_dya = 10\ndesired_retention = 1.5\nlearning_steps = \"1m 10x\"\n[keys]\nqiut = \"q\"\n",
            false,
        )
        .unwrap_err();
        let got: Vec<(Option<usize>, Option<usize>, &str)> = errs
            .iter()
            .map(|d| (d.line, d.column, d.message.as_str()))
            .collect();
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0], (Some(1), Some(1), "unknown key `new_per_dya`"));
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `new_per_day`?"));
        assert!(got.iter().any(|g| g.0 == Some(2) && g.1 == Some(21)));
        assert!(
            got.iter()
                .any(|g| g.0 == Some(3) && g.2.contains("\"10x\" is not a step"))
        );
        assert!(
            got.iter()
                .any(|g| g.0 == Some(5) && g.2.contains("unknown action `qiut`"))
        );
    }

    #[test]
    fn a_device_name_in_a_synced_data_dir_is_refused() {
        assert!(parse("c", "device = \"laptop\"\n", true).is_err());
        assert_eq!(
            parse("c", "device = \"laptop\"\n", false)
                .unwrap()
                .device
                .value
                .as_deref(),
            Some("laptop")
        );
        assert_eq!(device_from_host("Sam's MacBook"), "Sam-s-MacBook");
    }

    #[test]
    fn steps_parse_and_print() {
        assert_eq!(parse_step("90s"), Some(90));
        assert_eq!(parse_step("2h"), Some(7200));
        assert_eq!(parse_step("0m"), None);
        assert_eq!(parse_step("m"), None);
        assert_eq!(format_step(600), "10m");
        assert_eq!(format_step(86_400), "1d");
    }
}
