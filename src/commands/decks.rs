//! `medterm decks [--json]`: the loaded decks, their sizes and where they came from.

use crate::cli::DecksArgs;
use crate::settings::Settings;
use crate::study::DeckSet;
use crate::text;

use super::{Exit, Out};

pub fn run(settings: &Settings, args: &DecksArgs) -> anyhow::Result<Exit> {
    let set = DeckSet::load(&settings.data_dir, &settings.extra_decks);
    let mut out = Out::stdout();
    if args.json {
        let list: Vec<serde_json::Value> = set
            .loaded
            .decks
            .iter()
            .map(|d| {
                serde_json::json!({
                    "id": d.id,
                    "name": d.name,
                    "cards": d.cards.len(),
                    "source": if d.origin.is_builtin() { "built-in".to_owned() } else { d.origin.to_string() },
                })
            })
            .collect();
        out.line(&text::json(&serde_json::Value::Array(list)))?;
    } else {
        let id_w = set
            .loaded
            .decks
            .iter()
            .map(|d| text::width(&d.id))
            .max()
            .unwrap_or(2)
            .max(2);
        let name_w = set
            .loaded
            .decks
            .iter()
            .map(|d| text::width(&d.name))
            .max()
            .unwrap_or(4)
            .max(4);
        out.line(&format!(
            "{:id_w$}  {:name_w$}  {:>6}  SOURCE",
            "ID", "NAME", "CARDS"
        ))?;
        for d in &set.loaded.decks {
            let source = if d.origin.is_builtin() {
                "built-in".to_owned()
            } else {
                d.origin.to_string()
            };
            let pad = |s: &str, w: usize| {
                format!(
                    "{}{}",
                    text::sanitize(s),
                    " ".repeat(w.saturating_sub(text::width(s)))
                )
            };
            out.line(&format!(
                "{}  {}  {:>6}  {}",
                pad(&d.id, id_w),
                pad(&d.name, name_w),
                d.cards.len(),
                text::sanitize(&source)
            ))?;
        }
        let problems = set
            .loaded
            .diagnostics
            .iter()
            .chain(&set.unreadable)
            .filter(|d| d.is_error())
            .count();
        if problems > 0 {
            out.line(&format!(
                "{problems} deck error(s): run `medterm check` to see them"
            ))?;
        }
    }
    out.flush()?;
    Ok(Exit::Ok)
}
