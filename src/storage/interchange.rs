//! Review histories in and out: JSON Lines in the replay format (with an optional
//! `duration_ms`) and the CSV layout FSRS optimizer tools read (Anki's review log export:
//! `card_id,review_time,review_rating,review_state,review_duration`).

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;

use crate::deck::CardKey;

/// One imported answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub card: String,
    pub time: DateTime<Utc>,
    pub rating: u8,
    pub ms: u64,
}

/// A line that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub why: String,
}

/// What a file held: answers, lines skipped on purpose (with why), and bad lines.
#[derive(Debug, Default)]
pub struct Parsed {
    pub answers: Vec<Imported>,
    pub skipped: Vec<BadLine>,
    pub bad: Vec<BadLine>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonEvent {
    card: String,
    time: String,
    rating: u64,
    #[serde(default)]
    duration_ms: Option<u64>,
}

/// Parses a history file, JSON Lines or CSV (told apart by the first non-blank character).
pub fn parse(text: &str) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.trim_start().chars().next();
    if first == Some('{') {
        parse_jsonl(text)
    } else {
        parse_csv(text)
    }
}

fn parse_jsonl(text: &str) -> Parsed {
    let mut out = Parsed::default();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let e: JsonEvent = match serde_json::from_str(line) {
            Ok(e) => e,
            Err(e) => {
                out.bad.push(BadLine {
                    line: n,
                    why: format!("not a review event ({e})"),
                });
                continue;
            }
        };
        if CardKey::parse(&e.card).is_none() && !is_item_key(&e.card) {
            out.bad.push(BadLine {
                line: n,
                why: format!("card \"{}\" is not DECK:CARD", e.card),
            });
            continue;
        }
        let Ok(time) = DateTime::parse_from_rfc3339(&e.time) else {
            out.bad.push(BadLine {
                line: n,
                why: format!("time \"{}\" is not RFC 3339", e.time),
            });
            continue;
        };
        let Some(rating) = u8::try_from(e.rating).ok().filter(|r| (1..=4).contains(r)) else {
            out.bad.push(BadLine {
                line: n,
                why: format!("rating {} is not 1-4", e.rating),
            });
            continue;
        };
        out.answers.push(Imported {
            card: e.card,
            time: time.with_timezone(&Utc),
            rating,
            ms: e.duration_ms.unwrap_or(0),
        });
    }
    out
}

/// A card's other study items: its reversed direction and its drills.
fn is_item_key(key: &str) -> bool {
    std::iter::once(crate::deck::REVERSE_SUFFIX)
        .chain(crate::study::drill::Drill::ALL.map(crate::study::drill::Drill::key_suffix))
        .any(|suffix| {
            key.strip_suffix(suffix)
                .is_some_and(|k| CardKey::parse(k).is_some())
        })
}

fn parse_csv(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut lines = text.lines().enumerate();
    let Some((_, header)) = lines.by_ref().find(|(_, l)| !l.trim().is_empty()) else {
        return out;
    };
    let cols: Vec<String> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let col = |name: &str| cols.iter().position(|c| c == name);
    let (Some(card_col), Some(time_col), Some(rating_col)) =
        (col("card_id"), col("review_time"), col("review_rating"))
    else {
        out.bad.push(BadLine {
            line: 1,
            why: "a CSV history needs a header with card_id, review_time and review_rating".into(),
        });
        return out;
    };
    let duration_col = col("review_duration");
    for (i, line) in lines {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line
            .split(',')
            .map(|f| f.trim().trim_matches('"'))
            .collect();
        let get = |c: usize| fields.get(c).copied().unwrap_or("");
        let card = get(card_col);
        if card.is_empty() || !card.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            out.bad.push(BadLine {
                line: n,
                why: format!("card_id \"{card}\" is not a number or id"),
            });
            continue;
        }
        let Some(time) = get(time_col)
            .parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_millis)
        else {
            out.bad.push(BadLine {
                line: n,
                why: format!(
                    "review_time \"{}\" is not milliseconds since 1970",
                    get(time_col)
                ),
            });
            continue;
        };
        match get(rating_col).parse::<u8>() {
            Ok(r @ 1..=4) => out.answers.push(Imported {
                card: format!("anki:{}", card.to_ascii_lowercase()),
                time,
                rating: r,
                ms: duration_col.and_then(|c| get(c).parse().ok()).unwrap_or(0),
            }),
            // Anki logs manual reschedules as rating 0: not an answer.
            Ok(0) => out.skipped.push(BadLine {
                line: n,
                why: "rating 0 (a manual reschedule, not an answer)".into(),
            }),
            _ => out.bad.push(BadLine {
                line: n,
                why: format!("review_rating \"{}\" is not 0-4", get(rating_col)),
            }),
        }
    }
    out
}

/// One answer as a replay-format line.
pub fn to_jsonl(card: &str, time: DateTime<Utc>, rating: u8, ms: u64) -> String {
    crate::text::json(&serde_json::json!({
        "card": card,
        "time": time.to_rfc3339_opts(SecondsFormat::Millis, true),
        "rating": rating,
        "duration_ms": ms,
    }))
}

/// The CSV header of [`to_csv`].
pub const CSV_HEADER: &str = "card_id,review_time,review_rating,review_duration";

/// One answer in the optimizer tools' layout; the card id is a stable number from its key.
pub fn to_csv(card: &str, time: DateTime<Utc>, rating: u8, ms: u64) -> String {
    let id = crate::scheduler::key_seed(card) & (i64::MAX as u64);
    let mut s = String::new();
    let _ = write!(s, "{id},{},{rating},{ms}", time.timestamp_millis());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_with_optional_duration_and_located_errors() {
        let p = parse(
            "{\"card\":\"d:a\",\"time\":\"2026-12-04T10:00:00Z\",\"rating\":3}\n\n\
             {\"card\":\"d:a\",\"time\":\"2026-12-05T10:00:00+01:00\",\"rating\":4,\"duration_ms\":5000}\n\
             {\"card\":\"D A\",\"time\":\"2026-12-05T10:00:00Z\",\"rating\":4}\n\
             {\"card\":\"d:a\",\"time\":\"yesterday\",\"rating\":4}\n",
        );
        assert_eq!(p.answers.len(), 2);
        assert_eq!(p.answers[1].ms, 5000);
        assert_eq!(p.answers[1].time.to_rfc3339(), "2026-12-05T09:00:00+00:00");
        let lines: Vec<usize> = p.bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [4, 5]);
    }

    #[test]
    fn anki_review_log_csv() {
        let p = parse(
            "card_id,review_time,review_rating,review_state,review_duration\n\
             1700000000001,1733300000000,3,1,4200\n\
             1700000000001,1733400000000,0,4,0\n\
             1700000000002,notatime,3,1,100\n",
        );
        assert_eq!(p.answers.len(), 1);
        assert_eq!(p.answers[0].card, "anki:1700000000001");
        assert_eq!(p.answers[0].ms, 4200);
        assert_eq!(p.skipped[0].line, 3);
        assert_eq!(p.bad[0].line, 4);
        assert!(parse("a,b\n1,2\n").bad[0].why.contains("header"));
    }

    #[test]
    fn export_lines() {
        let t: DateTime<Utc> = "2026-12-04T10:00:00Z".parse().unwrap();
        assert_eq!(
            to_jsonl("d:a", t, 3, 1200),
            r#"{"card":"d:a","time":"2026-12-04T10:00:00.000Z","rating":3,"duration_ms":1200}"#
        );
        let csv = to_csv("d:a", t, 3, 1200);
        assert!(csv.ends_with(",1796378400000,3,1200"), "{csv}");
    }
}
