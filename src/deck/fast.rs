//! A fast path for the common shape of a deck file: one `[deck]` table and `[[card]]` tables
//! whose values are strings, booleans and arrays of strings.
//!
//! The toml crate's document builder is general (dotted keys, nested and inline tables,
//! redefinition rules, a sorted map per table) and took most of a 50 000-card load; this
//! builds the walker's tree with the hand scanner (`deck::scan`), and from toml_parser's
//! events where the scanner declines. Anything outside the shape, and any syntax error,
//! returns `None` and the caller goes through the toml crate, so the diagnostics stay the
//! general parser's. Differential tests hold the three to one tree.

use std::borrow::Cow;
use std::ops::Range;

use toml_parser::decoder::{Encoding, ScalarKind};
use toml_parser::parser::{EventReceiver, ValidateWhitespace};
use toml_parser::{ErrorSink, ParseError, Source, Span};

use toml::de::DeTable;

use super::tree::{Item, Key, Table, Val};

/// Files larger than this are parsed in pieces on two threads.
pub(super) const SPLIT_BYTES: usize = 1 << 20;

/// About how much text one piece holds. Its tokens (`toml_parser` lexes a whole piece into a
/// vector, some 24 bytes a token) then take a few megabytes at a time and reuse the same
/// memory, instead of 50 MB of freshly faulted pages for a 5 MB file in one piece.
const PIECE_BYTES: usize = 128 << 10;

/// The pieces of `text`, each with where it starts: a large file split at `[[card]]` lines.
/// A split is sound only if it falls at top level, not inside a multi-line string or an
/// array: then the piece before it ends in an unclosed string or array and fails, and the
/// whole file falls back.
fn pieces(text: &str) -> Option<Vec<(usize, &str)>> {
    let mut starts = vec![0];
    if text.len() > SPLIT_BYTES {
        let mut at = 0;
        while let Some(from) = (at + PIECE_BYTES..text.len()).find(|&i| text.is_char_boundary(i))
            && let Some(i) = text.get(from..).and_then(|rest| rest.find("\n[[card]]"))
        {
            at = from + i + 1;
            starts.push(at);
        }
    }
    starts
        .iter()
        .zip(starts.iter().skip(1).chain([&text.len()]))
        .map(|(&from, &to)| text.get(from..to).map(|piece| (from, piece)))
        .collect()
}

/// Hands `walk` the pieces of `text` in order as another thread parses them, one or two
/// ahead, so that only those few pieces' trees exist at a time; each goes back to that
/// thread to be freed there (freeing on the thread that allocated is the allocator's fast
/// path, and it takes that work off this thread). `None` (after some pieces may have been
/// handed over) if a piece is outside the common shape or a second piece holds the deck
/// table: the caller then reads the file whole.
pub(super) fn stream<'i>(text: &'i str, mut walk: impl FnMut(&mut Part<'i>)) -> Option<()> {
    let pieces = pieces(text)?;
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Option<Part<'i>>>(2);
        let (done_tx, done_rx) = std::sync::mpsc::channel::<Part<'i>>();
        scope.spawn(move || {
            let mut deck = false;
            for &(offset, piece) in &pieces {
                // The pieces walked so far are freed here.
                while let Ok(done) = done_rx.try_recv() {
                    drop(done);
                }
                let part = parse_part(piece, offset).filter(|p| {
                    let twice = deck && p.deck.is_some();
                    deck |= p.deck.is_some();
                    !twice
                });
                let failed = part.is_none();
                // The walker has stopped listening, or this piece failed: done.
                if tx.send(part).is_err() || failed {
                    break;
                }
            }
            drop(tx);
            // The last pieces, as the walker finishes with them.
            for done in done_rx {
                drop(done);
            }
        });
        for part in rx {
            let mut part = part?;
            walk(&mut part);
            // Freed on the thread that made it; if that thread is gone, here.
            let _ = done_tx.send(part);
        }
        Some(())
    })
}

/// Parses `text` if it has the common shape and no error; `None` otherwise.
pub fn parse(text: &str) -> Option<Table<'_>> {
    let pieces = pieces(text)?;
    let (mut first, second) = if pieces.len() > 1 {
        let (a, b) = pieces.split_at(pieces.len() / 2);
        let (first, second) = std::thread::scope(|scope| {
            let second = scope.spawn(|| parse_pieces(b));
            (parse_pieces(a), second.join().ok().flatten())
        });
        match first.zip(second) {
            Some(halves) => halves,
            // A split that fell inside a string or array: parse the file in one piece.
            None => (parse_part(text, 0)?, Part::default()),
        }
    } else {
        (parse_part(text, 0)?, Part::default())
    };
    if first.deck.is_some() && second.deck.is_some() {
        return None;
    }
    let mut root = Table::default();
    if let Some(deck) = first.deck.take().or(second.deck) {
        root.entries.push(deck);
    }
    if let Some(key) = first.card_key.take().or(second.card_key) {
        let mut cards = first.cards;
        cards.extend(second.cards);
        let start = cards.first().map_or(0, |c| c.span.start);
        root.entries.push((
            key,
            Item {
                val: Val::Array(cards),
                span: start..text.len(),
            },
        ));
    }
    root.entries.sort_by_key(|(k, _)| k.span.start);
    Some(root)
}

/// Parses pieces in order into one part; `None` if any fails or two hold the deck table.
fn parse_pieces<'i>(pieces: &[(usize, &'i str)]) -> Option<Part<'i>> {
    let mut whole = Part::default();
    for &(offset, piece) in pieces {
        let part = parse_part(piece, offset)?;
        if part.deck.is_some() {
            if whole.deck.is_some() {
                return None;
            }
            whole.deck = part.deck;
        }
        whole.card_key = whole.card_key.or(part.card_key);
        whole.cards.extend(part.cards);
    }
    Some(whole)
}

/// What one piece of a file held.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Part<'i> {
    pub(super) deck: Option<(Key<'i>, Item<'i>)>,
    pub(super) cards: Vec<Item<'i>>,
    pub(super) card_key: Option<Key<'i>>,
}

/// Parses a piece of a file that starts at byte `offset` of it; spans come back relative to
/// the whole file. The hand scanner reads the common shape; what it declines goes through
/// `toml_parser`'s events.
fn parse_part(text: &str, offset: usize) -> Option<Part<'_>> {
    super::scan::scan_part(text, offset).or_else(|| event_part(text, offset))
}

/// [`parse_part`] through `toml_parser`'s lexer and events.
fn event_part(text: &str, offset: usize) -> Option<Part<'_>> {
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let mut builder = Builder {
        source,
        state: State::Root,
        deck: None,
        cards: Vec::new(),
        card_key: None,
        table: Table::default(),
        table_span: 0..0,
        header_key: None,
        key: None,
        array: None,
        failed: false,
    };
    let mut error: Option<ParseError> = None;
    {
        let mut validate = ValidateWhitespace::new(&mut builder, source);
        toml_parser::parser::parse_document(&tokens, &mut validate, &mut error);
    }
    drop(tokens);
    if error.is_some() || builder.failed || builder.key.is_some() || builder.array.is_some() {
        return None;
    }
    builder.finish_table();
    let mut part = Part {
        deck: builder.deck,
        cards: builder.cards,
        card_key: builder.card_key,
    };
    if offset > 0 {
        fn shift(item: &mut Item<'_>, by: usize) {
            item.span = item.span.start + by..item.span.end + by;
            match &mut item.val {
                Val::Table(t) => {
                    for (k, v) in &mut t.entries {
                        k.span = k.span.start + by..k.span.end + by;
                        shift(v, by);
                    }
                }
                Val::Array(items) => items.iter_mut().for_each(|i| shift(i, by)),
                _ => {}
            }
        }
        if let Some((key, item)) = &mut part.deck {
            key.span = key.span.start + offset..key.span.end + offset;
            shift(item, offset);
        }
        if let Some(key) = &mut part.card_key {
            key.span = key.span.start + offset..key.span.end + offset;
        }
        part.cards.iter_mut().for_each(|c| shift(c, offset));
    }
    Some(part)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before any table header: a key here is outside the shape.
    Root,
    /// Between `[` and `]` (or `[[` and `]]`).
    Header,
    Deck,
    Card,
}

struct Builder<'i> {
    source: Source<'i>,
    state: State,
    deck: Option<(Key<'i>, Item<'i>)>,
    cards: Vec<Item<'i>>,
    /// The key of the first `[[card]]` header.
    card_key: Option<Key<'i>>,
    /// The table being filled.
    table: Table<'i>,
    table_span: Range<usize>,
    header_key: Option<Key<'i>>,
    /// A key waiting for its value.
    key: Option<Key<'i>>,
    /// An array value being filled: its items and where it opened.
    array: Option<(Vec<Item<'i>>, usize)>,
    failed: bool,
}

impl<'i> Builder<'i> {
    fn fail(&mut self) {
        self.failed = true;
    }

    fn decode(
        &self,
        span: Span,
        encoding: Option<Encoding>,
        key: bool,
    ) -> Option<(Cow<'i, str>, ScalarKind)> {
        let text = self.source.input().get(span.start()..span.end())?;
        let raw = toml_parser::Raw::new_unchecked(text, encoding, span);
        let mut out: Cow<'i, str> = Cow::Borrowed("");
        let mut error: Option<ParseError> = None;
        let kind = if key {
            raw.decode_key(&mut out, &mut error);
            ScalarKind::String
        } else {
            raw.decode_scalar(&mut out, &mut error)
        };
        error.is_none().then_some((out, kind))
    }

    /// Moves the finished table into the deck or the cards.
    fn finish_table(&mut self) {
        let table = std::mem::take(&mut self.table);
        let item = Item {
            val: Val::Table(table),
            span: self.table_span.clone(),
        };
        match self.state {
            State::Deck => {
                if let Some(key) = self.header_key.take() {
                    self.deck = Some((key, item));
                }
            }
            State::Card => {
                if let Some(key) = self.header_key.take() {
                    self.card_key.get_or_insert(key);
                }
                self.cards.push(item);
            }
            State::Root | State::Header => {}
        }
    }

    fn insert(&mut self, value: Item<'i>) {
        let Some(key) = self.key.take() else {
            return self.fail();
        };
        if !matches!(self.state, State::Deck | State::Card) || self.table.contains_key(&key.name) {
            return self.fail();
        }
        self.table.entries.push((key, value));
    }

    fn open_header(&mut self, span: Span) {
        if self.key.is_some() || self.array.is_some() {
            return self.fail();
        }
        self.finish_table();
        self.state = State::Header;
        self.header_key = None;
        self.table_span = span.start()..span.end();
    }

    fn close_header(&mut self, span: Span, array: bool) {
        let Some(key) = &self.header_key else {
            return self.fail();
        };
        self.table_span.end = span.end();
        self.state = match (key.name.as_ref(), array) {
            ("deck", false) if self.deck.is_none() => State::Deck,
            ("card", true) => State::Card,
            _ => return self.fail(),
        };
    }
}

impl EventReceiver for Builder<'_> {
    fn std_table_open(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.open_header(span);
    }

    fn std_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.close_header(span, false);
    }

    fn array_table_open(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.open_header(span);
    }

    fn array_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.close_header(span, true);
    }

    fn inline_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) -> bool {
        self.fail();
        false
    }

    fn array_open(&mut self, span: Span, _error: &mut dyn ErrorSink) -> bool {
        if self.array.is_some() || self.key.is_none() {
            self.fail();
            return false;
        }
        self.array = Some((Vec::new(), span.start()));
        true
    }

    fn array_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        match self.array.take() {
            Some((items, start)) => self.insert(Item {
                val: Val::Array(items),
                span: start..span.end(),
            }),
            None => self.fail(),
        }
    }

    fn simple_key(&mut self, span: Span, encoding: Option<Encoding>, _error: &mut dyn ErrorSink) {
        let Some((name, _)) = self.decode(span, encoding, true) else {
            return self.fail();
        };
        let key = Key {
            name,
            span: span.start()..span.end(),
        };
        match self.state {
            State::Header if self.header_key.is_none() => self.header_key = Some(key),
            State::Deck | State::Card if self.key.is_none() && self.array.is_none() => {
                self.key = Some(key);
            }
            _ => self.fail(),
        }
    }

    fn key_sep(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        // A dotted key: outside the shape.
        self.fail();
    }

    fn scalar(&mut self, span: Span, encoding: Option<Encoding>, _error: &mut dyn ErrorSink) {
        let Some((value, kind)) = self.decode(span, encoding, false) else {
            return self.fail();
        };
        let val = match kind {
            ScalarKind::String => Val::Str(value),
            ScalarKind::Boolean(b) if self.array.is_none() => Val::Bool(b),
            _ => return self.fail(),
        };
        let item = Item {
            val,
            span: span.start()..span.end(),
        };
        if let Some((items, _)) = &mut self.array {
            items.push(item);
        } else {
            self.insert(item);
        }
    }

    fn error(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.fail();
    }
}

/// Tables are compared by where they start (their header), which is all the walker uses;
/// the span of the array of cards is not used at all.
fn normalized(mut t: Table<'_>) -> Table<'_> {
    fn item(i: &mut Item<'_>) {
        match &mut i.val {
            Val::Table(t) => {
                i.span.end = i.span.start;
                t.entries.iter_mut().for_each(|(_, v)| item(v));
            }
            Val::Array(items) => items.iter_mut().for_each(item),
            _ => {}
        }
    }
    for (k, v) in &mut t.entries {
        if k.name == "card" {
            v.span = 0..0;
        }
        item(v);
    }
    t
}

/// `Ok(true)` when the fast path took the text and built what the toml crate builds,
/// `Ok(false)` when it declined; for the differential tests and the fuzz target.
pub fn agrees_with_toml(text: &str) -> Result<bool, String> {
    let Some(fast) = parse(text) else {
        return Ok(false);
    };
    let slow = DeTable::parse(text)
        .map_err(|e| format!("the fast path accepted what toml rejects: {e}"))?;
    let slow = Table::from_toml(slow.get_ref());
    let (fast, slow) = (normalized(fast), normalized(slow));
    if fast == slow {
        Ok(true)
    } else {
        Err(format!("trees differ:\nfast {fast:#?}\nslow {slow:#?}"))
    }
}

/// `Ok(true)` when the hand scanner took the text (as one piece) and built what the event
/// parser builds, `Ok(false)` when it declined; for the differential tests and the fuzz
/// target.
pub fn scanner_agrees(text: &str) -> Result<bool, String> {
    let Some(scanned) = super::scan::scan_part(text, 0) else {
        return Ok(false);
    };
    match event_part(text, 0) {
        Some(events) if events == scanned => Ok(true),
        Some(events) => Err(format!(
            "the scanner and the event parser differ:\nscanner {scanned:#?}\nevents {events:#?}"
        )),
        None => Err(format!(
            "the scanner accepted what the event parser declines: {scanned:#?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_shape_takes_the_fast_path_and_matches_toml() {
        let text = "# comment\n[deck]\nid = \"d\" # trailing\nname = 'literal'\nreverse = true\n\n\
                    [[card]]\nid = \"a\"\nfront = \"caf\\u00e9 \\\"q\\\"\"\nback = \"\"\"\nmulti\nline\"\"\"\n\
                    tags = [\n  \"x\", # why\n  'y',\n]\nparts = []\n\n[[card]]\nid = \"b\"\nfront = \"b\"\nback = \"c\"\n";
        assert_eq!(agrees_with_toml(text), Ok(true));
        for (name, deck) in crate::deck::BUILTIN_DECKS {
            assert_eq!(agrees_with_toml(deck), Ok(true), "{name}");
        }
    }

    fn large_deck(card: impl Fn(usize) -> String) -> (String, usize) {
        let mut text = String::from("[deck]\nid = \"big\"\nname = \"Big\"\n\n");
        let mut i = 0;
        while text.len() <= SPLIT_BYTES + 4096 {
            text.push_str(&card(i));
            i += 1;
        }
        (text, i)
    }

    fn card_count(text: &str) -> usize {
        let tree = parse(text).unwrap();
        match &tree.entries[1].1.val {
            Val::Array(cards) => cards.len(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_large_file_split_in_two_matches_toml() {
        let (text, n) = large_deck(|i| {
            format!(
                "[[card]]\nid = \"c{i}\"\nfront = \"f{i}\"\nback = \"b\"\ntags = [\n  \"t\",\n]\n\n"
            )
        });
        assert_eq!(agrees_with_toml(&text), Ok(true));
        assert_eq!(card_count(&text), n);
    }

    /// A file of several pieces: the deck table last (in the last piece), and one card in
    /// the middle whose string holds a `[[card]]` line, where a split may land.
    #[test]
    fn a_file_in_many_pieces_matches_toml_wherever_its_tables_are() {
        use std::fmt::Write as _;
        let mut text = String::new();
        let mut i = 0;
        while text.len() <= 4 * SPLIT_BYTES {
            let _ = write!(
                text,
                "[[card]]\nid = \"c{i}\"\nfront = \"f{i}\"\nback = \"b\"\n\n"
            );
            i += 1;
        }
        let n = i;
        text.push_str("[deck]\nid = \"big\"\nname = \"Big\"\n");
        assert!(text.len() / PIECE_BYTES > 8);
        assert_eq!(agrees_with_toml(&text), Ok(true));
        match &parse(&text).unwrap().entries[0].1.val {
            Val::Array(cards) => assert_eq!(cards.len(), n),
            other => panic!("{other:?}"),
        }
        // A multi-line string holding `[[card]]` lines, long enough that a split falls in it.
        let middle = text.find(&format!("id = \"c{}\"", n / 2)).unwrap();
        let long = format!(
            "note = \"\"\"\n{}\"\"\"\n",
            "x\n[[card]]\n".repeat(PIECE_BYTES / 8)
        );
        text.insert_str(middle, &long);
        assert_eq!(agrees_with_toml(&text), Ok(true));
        // Two deck tables in two pieces: no fast path, and toml says why.
        let twice = format!("[deck]\nid = \"a\"\n\n{text}");
        assert!(parse(&twice).is_none());
        assert!(toml::de::DeTable::parse(&twice).is_err());
    }

    #[test]
    fn a_split_inside_a_multi_line_string_is_refused() {
        // Every card's back holds a `[[card]]` line, so the split lands inside a string.
        let (text, n) = large_deck(|i| {
            format!(
                "[[card]]\nid = \"c{i}\"\nfront = \"f{i}\"\nback = \"\"\"\nb\n[[card]]\n{i}\"\"\"\n\n"
            )
        });
        assert_eq!(agrees_with_toml(&text), Ok(true));
        assert_eq!(card_count(&text), n);
    }

    #[test]
    fn other_shapes_fall_back() {
        for text in [
            "[deck]\nid.x = \"d\"\n",
            "top = 1\n[deck]\nid = \"d\"\n",
            "[deck]\nid = \"d\"\n[deck]\nname = \"x\"\n",
            "[deck]\nid = \"d\"\nid = \"e\"\n",
            "[[card]]\nmeta = { a = 1 }\n",
            "[[card]]\nn = 3\n",
            "[[card]]\ntags = [[\"a\"]]\n",
            "[[card]]\ntags = [true]\n",
            "[cards]\nid = \"a\"\n",
            "[deck]\nid = \"d\n",
            "[deck]\nid = \"d\" # bell \u{7}\n",
        ] {
            assert_eq!(agrees_with_toml(text), Ok(false), "{text:?}");
        }
    }
}
