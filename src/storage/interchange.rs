//! Review histories in and out: JSON Lines in the replay format (with an optional
//! `duration_ms`) and the CSV layout FSRS optimizer tools read (Anki's review log export:
//! `card_id,review_time,review_rating,review_state,review_duration`).

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;

use crate::deck::CardKey;
use crate::scheduler::Interner;

/// One imported answer, its card numbered in [`Parsed::cards`] (a million answers then
/// hold a number each, not a copy of their card's key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub card: u32,
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
    pub cards: Interner,
    pub answers: Vec<Imported>,
    pub skipped: Vec<BadLine>,
    pub bad: Vec<BadLine>,
}

/// Why a history could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("not UTF-8 text (byte {byte})")]
    NotUtf8 { byte: u64 },
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

/// [`parse_reader`] of text (the tests' histories); text is UTF-8 and read from memory, so
/// reading cannot fail.
#[cfg(test)]
fn parse(text: &str) -> Parsed {
    parse_reader(text.as_bytes()).unwrap_or_default()
}

/// Parses a history, JSON Lines or CSV (told apart by the first non-blank character), a line
/// at a time: a history of a million answers is never in memory as text.
pub fn parse_reader(mut input: impl std::io::BufRead) -> Result<Parsed, ReadError> {
    enum Format {
        Jsonl,
        Csv(Option<CsvColumns>),
    }
    let mut out = Parsed::default();
    let mut format = None;
    let mut buf = Vec::new();
    let (mut n, mut offset) = (0_usize, 0_u64);
    loop {
        buf.clear();
        let len = input.read_until(b'\n', &mut buf)?;
        if len == 0 {
            break;
        }
        n += 1;
        let line = std::str::from_utf8(&buf).map_err(|e| ReadError::NotUtf8 {
            byte: offset + e.valid_up_to() as u64,
        })?;
        offset += len as u64;
        let line = if n == 1 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        // Line ends as `str::lines` takes them: `\n` or `\r\n`.
        let line = match line.strip_suffix('\n') {
            Some(l) => l.strip_suffix('\r').unwrap_or(l),
            None => line,
        };
        if line.trim().is_empty() {
            continue;
        }
        match &mut format {
            None if line.trim_start().starts_with('{') => {
                format = Some(Format::Jsonl);
                jsonl_line(n, line, &mut out);
            }
            None => {
                let columns = csv_header(line);
                if columns.is_none() {
                    out.bad.push(BadLine {
                        line: 1,
                        why: "a CSV history needs a header with card_id, review_time and review_rating"
                            .into(),
                    });
                    return Ok(out);
                }
                format = Some(Format::Csv(columns));
            }
            Some(Format::Jsonl) => jsonl_line(n, line, &mut out),
            Some(Format::Csv(columns)) => {
                if let Some(columns) = columns {
                    csv_line(n, line, columns, &mut out);
                }
            }
        }
    }
    Ok(out)
}

fn jsonl_line(n: usize, line: &str, out: &mut Parsed) {
    let line = line.trim();
    let e: JsonEvent = match serde_json::from_str(line) {
        Ok(e) => e,
        Err(e) => {
            out.bad.push(BadLine {
                line: n,
                why: format!("not a review event ({e})"),
            });
            return;
        }
    };
    if CardKey::parse(&e.card).is_none() && !is_item_key(&e.card) {
        out.bad.push(BadLine {
            line: n,
            why: format!("card \"{}\" is not DECK:CARD", e.card),
        });
        return;
    }
    let Ok(time) = DateTime::parse_from_rfc3339(&e.time) else {
        out.bad.push(BadLine {
            line: n,
            why: format!("time \"{}\" is not RFC 3339", e.time),
        });
        return;
    };
    let Some(rating) = u8::try_from(e.rating).ok().filter(|r| (1..=4).contains(r)) else {
        out.bad.push(BadLine {
            line: n,
            why: format!("rating {} is not 1-4", e.rating),
        });
        return;
    };
    out.answers.push(Imported {
        card: out.cards.intern(&e.card),
        time: time.with_timezone(&Utc),
        rating,
        ms: e.duration_ms.unwrap_or(0),
    });
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

/// Where a CSV history keeps what an answer needs.
struct CsvColumns {
    card: usize,
    time: usize,
    rating: usize,
    duration: Option<usize>,
}

fn csv_header(header: &str) -> Option<CsvColumns> {
    let cols: Vec<String> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let col = |name: &str| cols.iter().position(|c| c == name);
    Some(CsvColumns {
        card: col("card_id")?,
        time: col("review_time")?,
        rating: col("review_rating")?,
        duration: col("review_duration"),
    })
}

fn csv_line(n: usize, line: &str, cols: &CsvColumns, out: &mut Parsed) {
    let fields: Vec<&str> = line
        .split(',')
        .map(|f| f.trim().trim_matches('"'))
        .collect();
    let get = |c: usize| fields.get(c).copied().unwrap_or("");
    let card = get(cols.card);
    if card.is_empty() || !card.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        out.bad.push(BadLine {
            line: n,
            why: format!("card_id \"{card}\" is not a number or id"),
        });
        return;
    }
    let Some(time) = get(cols.time)
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_millis)
    else {
        out.bad.push(BadLine {
            line: n,
            why: format!(
                "review_time \"{}\" is not milliseconds since 1970",
                get(cols.time)
            ),
        });
        return;
    };
    match get(cols.rating).parse::<u8>() {
        Ok(r @ 1..=4) => {
            let card = out
                .cards
                .intern(&format!("anki:{}", card.to_ascii_lowercase()));
            out.answers.push(Imported {
                card,
                time,
                rating: r,
                ms: cols.duration.and_then(|c| get(c).parse().ok()).unwrap_or(0),
            });
        }
        // Anki logs manual reschedules as rating 0: not an answer.
        Ok(0) => out.skipped.push(BadLine {
            line: n,
            why: "rating 0 (a manual reschedule, not an answer)".into(),
        }),
        _ => out.bad.push(BadLine {
            line: n,
            why: format!("review_rating \"{}\" is not 0-4", get(cols.rating)),
        }),
    }
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
        assert_eq!(p.cards.key(p.answers[0].card), "anki:1700000000001");
        assert_eq!(p.answers[0].ms, 4200);
        assert_eq!(p.skipped[0].line, 3);
        assert_eq!(p.bad[0].line, 4);
        assert!(parse("a,b\n1,2\n").bad[0].why.contains("header"));
    }

    /// Read a line at a time: a BOM, CRLF line ends and a last line without its end are taken
    /// as from the whole text; bytes that are not UTF-8 are named by their offset.
    #[test]
    fn a_history_read_a_line_at_a_time() {
        let text = "\u{feff}{\"card\":\"d:a\",\"time\":\"2026-12-04T10:00:00Z\",\"rating\":3}\r\n\
                    \r\n{\"card\":\"d:b\",\"time\":\"2026-12-04T10:01:00Z\",\"rating\":1}\r\n\
                    {\"card\":\"d:a\",\"time\":\"2026-12-04T10:02:00Z\",\"rating\":4}";
        let p = parse_reader(std::io::BufReader::with_capacity(7, text.as_bytes())).unwrap();
        assert!(p.bad.is_empty(), "{:?}", p.bad);
        let cards: Vec<&str> = p.answers.iter().map(|a| p.cards.key(a.card)).collect();
        assert_eq!(cards, ["d:a", "d:b", "d:a"]);
        assert_eq!(p.cards.len(), 2);
        let mut bytes = b"card_id,review_time,review_rating\n1,1733300000000,3\n".to_vec();
        bytes.extend_from_slice(b"2,17333\xff00000000,3\n");
        match parse_reader(&bytes[..]) {
            Err(ReadError::NotUtf8 { byte }) => assert_eq!(byte, 59),
            other => panic!("{other:?}"),
        }
        // A CSV without its columns says so, at line 1, whatever came before it.
        let p = parse("\n\na,b\n1,2\n");
        assert_eq!((p.bad.len(), p.bad[0].line), (1, 1));
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
