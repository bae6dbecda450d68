//! The config loader: never panics; a rejected file has at least one error, each located
//! inside the file and sorted; an accepted one holds only values in their documented
//! ranges, each from a real line; a config inside the data dir differs only by refusing
//! `device`; and saving fitted FSRS parameters into an accepted file (what `medterm
//! optimize` does) keeps every other value and yields a file that is accepted again.

use super::{assert_located, assert_printable};
use crate::diag::SourceText;
use crate::scheduler::{DEFAULT_PARAMETERS, Params};
use crate::storage::config::{
    ACTIONS, Config, Source, THEMES, is_device_name, parse, with_fsrs_parameters,
};

const PATH: &str = "config.toml";

pub fn check(data: &[u8]) {
    // The app reads config.toml as UTF-8 and stops on anything else.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let src = SourceText::new(PATH, text);
    let lines = text.split('\n').count();
    let outside = parse(PATH, text, false);
    let inside = parse(PATH, text, true);
    for result in [&outside, &inside] {
        match result {
            Ok(c) => sound(c, lines),
            Err(diags) => {
                assert!(!diags.is_empty(), "rejected without a reason");
                for d in diags {
                    assert!(d.is_error(), "a warning rejects the config: {d:?}");
                    assert_eq!(d.path, PATH);
                    assert_located(d, &src);
                }
                let positions: Vec<_> = diags.iter().map(|d| (d.line, d.column)).collect();
                assert!(positions.is_sorted(), "errors out of order: {positions:?}");
            }
        }
    }
    match (&outside, &inside) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the data dir changes more than `device`"),
        (Ok(a), Err(_)) => assert!(a.device.value.is_some(), "refused inside the data dir"),
        (Err(_), Ok(_)) => panic!("accepted inside the data dir only"),
        (Err(_), Err(_)) => {}
    }
    if let Ok(before) = &outside {
        saved_parameters(text, before);
    }
}

fn sound(c: &Config, lines: usize) {
    let in_file = |s: &Source| match s {
        Source::File(line) => assert!((1..=lines).contains(line), "a value from line {line}"),
        Source::Default | Source::Env(_) => {}
    };
    in_file(&c.new_per_day.source);
    in_file(&c.rollover_hour.source);
    in_file(&c.theme.source);
    assert!(c.new_per_day.value < 100_000 && c.reviews_per_day.value < 100_000);
    assert!((0.70..=0.99).contains(&c.desired_retention.value));
    assert!(c.rollover_hour.value < 24);
    assert!((1..=36_500).contains(&c.maximum_interval.value));
    assert!(c.leech_threshold.value < 1000);
    assert!(match c.daily_goal.value {
        crate::stats::Goal::Answers(n) => (1..1000).contains(&n),
        crate::stats::Goal::AllDue => true,
    });
    assert!(c.streak_freezes.value < 32);
    for steps in [&c.learning_steps.value, &c.relearning_steps.value] {
        assert!(steps.iter().all(|&s| s > 0), "a zero step: {steps:?}");
    }
    assert!(THEMES.contains(&c.theme.value.as_str()));
    if let Some(d) = &c.device.value {
        assert!(is_device_name(d), "device {d:?}");
    }
    if let Some(p) = &c.fsrs_parameters.value {
        assert!(
            Params::new(p).is_ok(),
            "parameters {p:?} accepted but invalid"
        );
    }
    for d in &c.decks {
        assert!((1..=lines).contains(&d.line));
    }
    for (action, keys, line) in &c.keys {
        assert!(ACTIONS.contains(&action.as_str()), "action {action:?}");
        assert!(!keys.is_empty() && keys.iter().all(|k| !k.trim().is_empty()));
        assert!((1..=lines).contains(line));
    }
    assert_printable("the described config", &c.describe(PATH), true);
}

/// Writing fitted parameters into an accepted config keeps everything else.
fn saved_parameters(text: &str, before: &Config) {
    let saved = with_fsrs_parameters(text, &DEFAULT_PARAMETERS)
        .unwrap_or_else(|e| panic!("an accepted config cannot take parameters: {e}"));
    let after = parse(PATH, &saved, false).unwrap_or_else(|e| {
        let why: Vec<String> = e.iter().map(crate::diag::Diagnostic::render).collect();
        panic!(
            "saved parameters make the config invalid:\n{saved}\n{}",
            why.concat()
        )
    });
    let rounded: Vec<f64> = DEFAULT_PARAMETERS
        .iter()
        .map(|p| (p * 10_000.0).round() / 10_000.0)
        .collect();
    assert_eq!(
        after.fsrs_parameters.value.as_deref(),
        Some(rounded.as_slice())
    );
    let values = |c: &Config| {
        (
            (
                c.new_per_day.value,
                c.reviews_per_day.value,
                c.rollover_hour.value,
            ),
            (
                c.learning_steps.value.clone(),
                c.relearning_steps.value.clone(),
            ),
            (
                c.maximum_interval.value,
                c.leech_threshold.value,
                c.daily_goal.value,
            ),
            (c.streak_freezes.value, c.streak_keeps_idle_days.value),
            (c.theme.value.clone(), c.device.value.clone()),
            c.desired_retention.value.to_bits(),
            c.decks
                .iter()
                .map(|d| (d.deck.clone(), d.new_per_day, d.reviews_per_day))
                .collect::<Vec<_>>(),
            c.keys
                .iter()
                .map(|(a, k, _)| (a.clone(), k.clone()))
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        values(&after),
        values(before),
        "saving parameters changed other values"
    );
}
