//! Loading a set of decks: each file parsed on its own, then the checks that need all of
//! them (deck ids unique, `parts` and `confused_with` naming loaded cards). A bad deck never
//! stops the others: the result holds the good decks and every diagnostic.

use std::borrow::Cow;
use std::collections::HashMap;

use foldhash::HashSet;
use foldhash::fast::RandomState;

use super::diag::{Diagnostic, Severity, SourceText};
use super::parse::{Backing, ParsedDeck, RefKind, parse_backed};
use super::{Deck, DeckSource, Text};
use crate::text;

#[derive(Debug, Default)]
pub struct LoadedDecks {
    pub decks: Vec<Deck>,
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadedDecks {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    pub fn deck(&self, id: &str) -> Option<&Deck> {
        self.decks.iter().find(|d| d.id == id)
    }

    pub fn card_count(&self) -> usize {
        self.decks.iter().map(|d| d.cards.len()).sum()
    }
}

/// Decodes a file's bytes: UTF-8, a leading byte-order mark dropped.
fn decode<'a>(path: &str, bytes: &'a [u8]) -> Result<&'a str, Box<Diagnostic>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        // The prefix is valid UTF-8 by construction.
        let valid = std::str::from_utf8(valid).unwrap_or("");
        let line = valid.matches('\n').count() + 1;
        let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Box::new(Diagnostic {
            path: path.to_owned(),
            line: Some(line),
            column: Some(column),
            severity: Severity::Error,
            message: "the file is not valid UTF-8".to_owned(),
            help: Some("save it as UTF-8 in your editor".to_owned()),
            snippet: None,
        })
    })
}

/// Trimmed and lower-cased, borrowed when it already is.
fn normalize(s: &str) -> Cow<'_, str> {
    let t = s.trim();
    if t.chars().any(char::is_uppercase) {
        Cow::Owned(t.to_lowercase())
    } else {
        Cow::Borrowed(t)
    }
}

/// Parses every source and checks them together. Decks come back in the order given; when
/// two share an id, the first one given wins and the other is reported.
pub fn load(sources: &[DeckSource]) -> LoadedDecks {
    struct Parsed<'a> {
        src: Option<SourceText<'a>>,
        parsed: ParsedDeck,
    }
    let paths: Vec<String> = sources.iter().map(|s| s.origin.to_string()).collect();
    let mut all: Vec<Parsed<'_>> = Vec::with_capacity(sources.len());
    for (source, path) in sources.iter().zip(&paths) {
        match decode(path, &source.bytes) {
            Ok(text) => {
                // The cards' text points into the file's: the binary's for a built-in deck,
                // else one shared copy (one allocation, not one a field).
                let backing = match &source.bytes {
                    Cow::Borrowed(b) => decode(path, b)
                        .map_or(Backing::Copied, |t| Backing::Shared(Text::from_static(t))),
                    Cow::Owned(_) => {
                        Text::buffer(text.to_owned()).map_or(Backing::Copied, Backing::Shared)
                    }
                };
                let src = SourceText::new(path, text);
                let parsed = parse_backed(&src, source.origin.clone(), backing);
                all.push(Parsed {
                    src: Some(src),
                    parsed,
                });
            }
            Err(diag) => all.push(Parsed {
                src: None,
                parsed: ParsedDeck {
                    deck: None,
                    diagnostics: vec![*diag],
                    refs: Vec::new(),
                    id_span: 0..0,
                },
            }),
        }
    }

    // Deck ids are unique across everything loaded.
    let mut owners: HashMap<String, usize> = HashMap::new();
    for (i, Parsed { src, parsed }) in all.iter_mut().enumerate() {
        let Some(id) = parsed.deck.as_ref().map(|d| d.id.clone()) else {
            continue;
        };
        if let Some(&first) = owners.get(&id) {
            let first_path = &paths[first];
            if let Some(src) = src {
                parsed.diagnostics.push(
                    src.diag(
                        parsed.id_span.clone(),
                        Severity::Error,
                        format!("deck id `{id}` is already used by {first_path}"),
                    )
                    .with_help("give this deck another id; it was not loaded"),
                );
            }
            parsed.deck = None;
        } else {
            owners.insert(id, i);
        }
    }

    // What `parts` and `confused_with` may name: fronts and variants (of word parts only,
    // for `parts`), or a card key `DECK:CARD`. Borrowed from the decks: no copies.
    let decks: Vec<&Deck> = all.iter().filter_map(|p| p.parsed.deck.as_ref()).collect();
    let total: usize = decks.iter().map(|d| d.cards.len()).sum();
    let mut word_parts: HashSet<Cow<'_, str>> =
        HashSet::with_capacity_and_hasher(total, RandomState::default());
    let mut any_card: HashSet<Cow<'_, str>> =
        HashSet::with_capacity_and_hasher(total, RandomState::default());
    for deck in &decks {
        for card in &deck.cards {
            for name in std::iter::once(&card.front).chain(&card.variants) {
                let n = normalize(name);
                if card.kind.is_word_part() {
                    word_parts.insert(n.clone());
                }
                any_card.insert(n);
            }
        }
    }
    let find_key = |key: &str, word_part_only: bool| {
        let Some((deck_id, card_id)) = key.split_once(':') else {
            return false;
        };
        decks.iter().filter(|d| d.id == deck_id).any(|d| {
            d.cards
                .iter()
                .any(|c| c.id == card_id && (!word_part_only || c.kind.is_word_part()))
        })
    };
    let mut part_names: Option<Vec<&str>> = None;
    // "Did you mean" scans every word part: worth it for the first few unknown parts only.
    let mut suggestions_left = 50_usize;
    let mut unresolved: Vec<(usize, Diagnostic)> = Vec::new();
    for (i, Parsed { src, parsed }) in all.iter().enumerate() {
        let Some(src) = src.as_ref() else {
            continue;
        };
        for r in &parsed.refs {
            let n = normalize(&r.text);
            let (found, message, help) = match r.kind {
                RefKind::Part => (
                    word_parts.contains(&n) || find_key(&n, true),
                    format!("part \"{}\" names no loaded word part", r.text),
                    "parts name the front of a prefix, suffix or combining-form card, as in \"gastr/o\" or \"-itis\"",
                ),
                RefKind::Confusable => (
                    any_card.contains(&n) || find_key(&n, false),
                    format!("`confused_with` entry \"{}\" names no loaded card", r.text),
                    "name the front of another card, or its key DECK:CARD",
                ),
            };
            if found {
                continue;
            }
            let mut help = help.to_owned();
            if r.kind == RefKind::Part && suggestions_left > 0 {
                suggestions_left -= 1;
                let names = part_names.get_or_insert_with(|| {
                    let mut v: Vec<&str> = word_parts.iter().map(AsRef::as_ref).collect();
                    v.sort_unstable();
                    v
                });
                if let Some(c) = text::closest(&n, names) {
                    help = format!("did you mean \"{c}\"?");
                }
            }
            unresolved.push((
                i,
                src.diag(r.span.clone(), Severity::Warning, message)
                    .with_help(help),
            ));
        }
    }
    drop(part_names);
    drop((word_parts, any_card, decks));
    for (i, diag) in unresolved {
        all[i].parsed.diagnostics.push(diag);
    }

    let mut out = LoadedDecks::default();
    for Parsed { parsed, .. } in all {
        let mut diags = parsed.diagnostics;
        diags.sort_by_key(|d| (d.line, d.column));
        out.diagnostics.extend(diags);
        if let Some(deck) = parsed.deck {
            out.decks.push(deck);
        }
    }
    out
}
