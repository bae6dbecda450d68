//! The hand scanner in front of the fast path: a deck file written the way nearly every deck
//! is (one `key = value` a line; basic or literal strings, booleans and arrays of strings),
//! read in one pass over the bytes into the walker's tree. It accepts a strict subset of
//! TOML and declines (`None`) at the first thing outside it: multi-line strings, escapes
//! other than the common seven, numbers, dates, inline tables, dotted or quoted keys, spaces
//! inside a header, any syntax error. The event parser then reads the piece, so a decline
//! only costs time. What it accepts, it must build exactly as the event parser does, spans
//! included; a differential test and the deck fuzz target hold it to that.

use std::borrow::Cow;
use std::ops::Range;

use super::fast::Part;
use super::tree::{Item, Key, Table, Val};

/// Which table the lines belong to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum In {
    Root,
    Deck,
    Card,
}

struct Scanner<'i> {
    text: &'i str,
    b: &'i [u8],
    at: usize,
    /// Added to every span: where the piece starts in its file.
    offset: usize,
}

/// Scans a piece of a file that starts at byte `offset` of it; spans come back relative to
/// the whole file, as the event parser's do.
pub(super) fn scan_part(text: &str, offset: usize) -> Option<Part<'_>> {
    let mut s = Scanner {
        text,
        b: text.as_bytes(),
        at: 0,
        offset,
    };
    // About a card in every 100 bytes: the cards' vector grows once or twice, not twenty times.
    let mut part = Part {
        cards: Vec::with_capacity(text.len() / 100),
        ..Part::default()
    };
    let mut table = Table::default();
    let mut table_span = 0..0;
    let mut header: Option<Key<'_>> = None;
    let mut state = In::Root;
    loop {
        s.skip_ws();
        let Some(&c) = s.b.get(s.at) else { break };
        match c {
            b'\n' | b'\r' | b'#' => s.end_of_line()?,
            b'[' => {
                finish(&mut part, state, &mut header, &mut table, &table_span);
                let start = s.at;
                let (name, array) = if s.rest().starts_with(b"[[card]]") {
                    ("card", true)
                } else if s.rest().starts_with(b"[deck]") {
                    if part.deck.is_some() {
                        return None;
                    }
                    ("deck", false)
                } else {
                    return None;
                };
                let open = if array { 2 } else { 1 };
                header = Some(Key {
                    name: Cow::Borrowed(name),
                    span: s.span(start + open..start + open + name.len()),
                });
                s.at = start + 2 * open + name.len();
                table_span = s.span(start..s.at);
                state = if array { In::Card } else { In::Deck };
                s.end_of_line()?;
            }
            c if is_bare_key(c) => {
                if state == In::Root {
                    return None;
                }
                let start = s.at;
                while s.b.get(s.at).is_some_and(|&c| is_bare_key(c)) {
                    s.at += 1;
                }
                let name = s.text.get(start..s.at)?;
                let key = Key {
                    name: Cow::Borrowed(name),
                    span: s.span(start..s.at),
                };
                s.skip_ws();
                if s.b.get(s.at) != Some(&b'=') {
                    return None;
                }
                s.at += 1;
                s.skip_ws();
                let value = s.value()?;
                if table.contains_key(name) {
                    return None;
                }
                table.entries.push((key, value));
                s.end_of_line()?;
            }
            _ => return None,
        }
    }
    finish(&mut part, state, &mut header, &mut table, &table_span);
    Some(part)
}

/// Moves the finished table into the deck or the cards.
fn finish<'i>(
    part: &mut Part<'i>,
    state: In,
    header: &mut Option<Key<'i>>,
    table: &mut Table<'i>,
    span: &Range<usize>,
) {
    // A card has a handful of fields: room for eight, so its entries are allocated once.
    let next = Table {
        entries: Vec::with_capacity(8),
    };
    let item = Item {
        val: Val::Table(std::mem::replace(table, next)),
        span: span.clone(),
    };
    match state {
        In::Deck => {
            if let Some(key) = header.take() {
                part.deck = Some((key, item));
            }
        }
        In::Card => {
            if let Some(key) = header.take() {
                part.card_key.get_or_insert(key);
            }
            part.cards.push(item);
        }
        In::Root => {}
    }
}

fn is_bare_key(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// A byte no TOML string or comment may hold: a control character other than tab.
fn is_forbidden(c: u8) -> bool {
    (c < 0x20 && c != b'\t') || c == 0x7f
}

impl<'i> Scanner<'i> {
    fn rest(&self) -> &'i [u8] {
        self.b.get(self.at..).unwrap_or_default()
    }

    fn span(&self, r: Range<usize>) -> Range<usize> {
        r.start + self.offset..r.end + self.offset
    }

    fn skip_ws(&mut self) {
        while matches!(self.b.get(self.at), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    /// After a value or header: spaces, a comment, then a line break or the end.
    fn end_of_line(&mut self) -> Option<()> {
        self.skip_ws();
        if self.b.get(self.at) == Some(&b'#') {
            self.comment()?;
        }
        match self.b.get(self.at) {
            None => Some(()),
            Some(b'\n') => {
                self.at += 1;
                Some(())
            }
            Some(b'\r') if self.b.get(self.at + 1) == Some(&b'\n') => {
                self.at += 2;
                Some(())
            }
            Some(_) => None,
        }
    }

    /// A comment, up to its line break.
    fn comment(&mut self) -> Option<()> {
        let end = memchr::memchr(b'\n', self.rest()).map_or(self.b.len(), |i| self.at + i);
        let body = self.b.get(self.at..end)?;
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        if body.iter().any(|&c| is_forbidden(c)) {
            return None;
        }
        self.at += body.len();
        Some(())
    }

    fn value(&mut self) -> Option<Item<'i>> {
        match self.b.get(self.at)? {
            b'"' | b'\'' => self.string(),
            b'[' => self.array(),
            b't' | b'f' => {
                let start = self.at;
                let (word, b) = if self.rest().starts_with(b"true") {
                    (4, true)
                } else if self.rest().starts_with(b"false") {
                    (5, false)
                } else {
                    return None;
                };
                self.at += word;
                // `trueish` is no boolean.
                if self
                    .b
                    .get(self.at)
                    .is_some_and(|&c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'#'))
                {
                    return None;
                }
                Some(Item {
                    val: Val::Bool(b),
                    span: self.span(start..self.at),
                })
            }
            _ => None,
        }
    }

    /// A one-line basic (`"`) or literal (`'`) string.
    fn string(&mut self) -> Option<Item<'i>> {
        let start = self.at;
        let quote = *self.b.get(start)?;
        let body = start + 1;
        // `"""` or `'''` opens a multi-line string.
        if self.b.get(body) == Some(&quote) && self.b.get(body + 1) == Some(&quote) {
            return None;
        }
        let mut i = body;
        let mut escaped = false;
        loop {
            let c = *self.b.get(i)?;
            if c == quote {
                break;
            }
            if c == b'\\' && quote == b'"' {
                escaped = true;
                i += 2;
                continue;
            }
            if is_forbidden(c) {
                return None;
            }
            i += 1;
        }
        let raw = self.text.get(body..i)?;
        let val = if escaped {
            Cow::Owned(unescape(raw)?)
        } else {
            Cow::Borrowed(raw)
        };
        self.at = i + 1;
        Some(Item {
            val: Val::Str(val),
            span: self.span(start..self.at),
        })
    }

    /// An array of strings, on one line or several, with comments between its entries.
    fn array(&mut self) -> Option<Item<'i>> {
        let start = self.at;
        self.at += 1;
        let mut items = Vec::new();
        loop {
            self.blank()?;
            match self.b.get(self.at)? {
                b']' => break,
                b'"' | b'\'' => items.push(self.string()?),
                _ => return None,
            }
            self.blank()?;
            match self.b.get(self.at)? {
                b',' => self.at += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.at += 1;
        Some(Item {
            val: Val::Array(items),
            span: self.span(start..self.at),
        })
    }

    /// Spaces, line breaks and comments, as an array allows between its entries.
    fn blank(&mut self) -> Option<()> {
        loop {
            match self.b.get(self.at) {
                Some(b' ' | b'\t' | b'\n') => self.at += 1,
                Some(b'\r') if self.b.get(self.at + 1) == Some(&b'\n') => self.at += 2,
                Some(b'#') => self.comment()?,
                _ => return Some(()),
            }
        }
    }
}

/// The text of a basic string with escapes; `None` for an escape outside the common seven.
fn unescape(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            '"' => '"',
            '\\' => '\\',
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'f' => '\u{c}',
            'r' => '\r',
            _ => return None,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::fast::{agrees_with_toml, scanner_agrees};
    use proptest::prelude::*;

    #[test]
    fn the_common_shape_is_scanned_as_the_event_parser_reads_it() {
        let text = "# comment\r\n[deck] # the header\nid = \"d\"\t# trailing\nname = 'literal \\ kept'\n\
                    reverse = true\nanswer=\"type\"\n\n[[card]]\nid = \"a\"\nfront = \"say \\\"q\\\" \\\\ \\t\"\n\
                    back = \"\"\ntags = [\n  \"x\", # why\n  'y',\n]\nparts = []\nreverse = false\n\
                    [[card]]\r\nid = \"b\"\r\nconfused_with = [ \"c\" , \"d\" ]\r\n";
        assert_eq!(scanner_agrees(text), Ok(true));
        assert_eq!(agrees_with_toml(text), Ok(true));
        for (name, deck) in crate::deck::BUILTIN_DECKS {
            assert_eq!(scanner_agrees(deck), Ok(true), "{name}");
        }
    }

    #[test]
    fn what_is_outside_the_shape_is_declined() {
        for text in [
            "[deck]\nback = \"\"\"\nmulti\"\"\"\n",
            "[deck]\nback = '''x'''\n",
            "[deck]\nid = \"caf\\u00e9\"\n",
            "[deck]\nn = 3\n",
            "[deck]\nt = trueish\n",
            "[deck]\nid.x = \"d\"\n",
            "[deck]\n\"id\" = \"d\"\n",
            "[ deck ]\nid = \"d\"\n",
            "[decks]\nid = \"d\"\n",
            "[[card]]]\nid = \"d\"\n",
            "id = \"top\"\n[deck]\n",
            "[deck]\nid = \"d\"\n[deck]\nname = \"x\"\n",
            "[deck]\nid = \"d\"\nid = \"e\"\n",
            "[deck]\nid = \"d\" \"e\"\n",
            "[deck]\nid = \"unclosed\n",
            "[deck]\nid = \"bell \u{7}\"\n",
            "[deck]\nid = \"d\" # bell \u{7}\n",
            "[deck]\nid = \"d\"\rname = \"x\"\n",
            "[[card]]\ntags = [\"a\"\n",
            "[[card]]\ntags = [\"a\" \"b\"]\n",
            "[[card]]\ntags = [true]\n",
            "[[card]]\ntags = [[\"a\"]]\n",
            "[[card]]\nmeta = { a = 1 }\n",
            "\u{feff}[deck]\n",
        ] {
            assert_eq!(scanner_agrees(text), Ok(false), "{text:?}");
        }
    }

    /// Lines of a deck file, right and wrong, in any order.
    fn line() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "[deck]\n",
            "[[card]]\n",
            "[card]\n",
            "[[card]] # c\n",
            "id = \"a\"\n",
            "id = \"b\" # note\n",
            "front = 'lit'\n",
            "back = \"\"\n",
            "back = \"say \\\"hi\\\"\"\n",
            "back = \"bad \\q\"\n",
            "note = \"tab\there\"\n",
            "tags = [\"x\", \"y\",]\n",
            "tags = [\n\"x\", # c\n'y'\n]\n",
            "tags = []\n",
            "tags = [,]\n",
            "reverse = true\n",
            "reverse = false\n",
            "reverse = 1\n",
            "\n",
            "   \t\n",
            "# comment\n",
            "\r\n",
            "key = \"unclosed\n",
            "a.b = \"dotted\"\n",
            "x = \"\"\"\nm\n\"\"\"\n",
            "caf\u{e9} = \"x\"\n",
            "y = \"caf\u{e9}\"\n",
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn whatever_the_scanner_takes_both_parsers_read_the_same(
            lines in prop::collection::vec(line(), 0..24),
            cut in any::<bool>(),
        ) {
            let mut text: String = lines.concat();
            if cut {
                // Without its last line break, too.
                text.pop();
            }
            prop_assert_eq!(scanner_agrees(&text).map(|_| ()), Ok(()));
            prop_assert_eq!(agrees_with_toml(&text).map(|_| ()), Ok(()));
        }
    }
}
