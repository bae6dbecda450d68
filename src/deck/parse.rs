//! One deck file: TOML text -> `Deck`, with every problem reported at its line and column.
//!
//! The file is parsed into toml's spanned document tree and walked by hand rather than
//! deserialized with serde: serde stops at the first error, and a student fixing a deck
//! wants every problem in one run.

use foldhash::HashMap;
use std::ops::Range;

use toml::de::DeTable;

use super::diag::{Diagnostic, Severity, SourceText};
use super::tree::{Item, Key, Table, Val};
use super::{AnswerMode, Card, Caution, Deck, Kind, List, Origin, Text, derive_id, is_valid_id};
use crate::text;

/// A deck file larger than this is refused before parsing (the 50 000-card benchmark deck
/// is about 6 MB).
pub const MAX_DECK_BYTES: usize = 64 * 1024 * 1024;
/// Any one text field longer than this is an error.
pub const MAX_FIELD_BYTES: usize = 16 * 1024;
pub const MAX_CARDS_PER_DECK: usize = 200_000;

const DECK_FIELDS: &[&str] = &["id", "name", "description", "reverse", "answer"];
const CARD_FIELDS: &[&str] = &[
    "id",
    "front",
    "back",
    "kind",
    "answers",
    "variants",
    "example",
    "parts",
    "tags",
    "confused_with",
    "note",
    "reverse",
    "caution",
    "instead",
];

/// A reference from a card to another card, resolved once every deck is loaded.
#[derive(Debug, Clone)]
pub(crate) struct Reference {
    pub card: usize,
    pub kind: RefKind,
    pub text: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefKind {
    Part,
    Confusable,
}

/// The result of parsing one file: the deck, if it could be built, and what was wrong.
#[derive(Debug)]
pub struct ParsedDeck {
    pub deck: Option<Deck>,
    pub diagnostics: Vec<Diagnostic>,
    pub(crate) refs: Vec<Reference>,
    pub(crate) id_span: Range<usize>,
}

/// What the cards' text can point into instead of copies: the text being parsed as it is in
/// the binary (a built-in deck), or a shared copy of it.
#[derive(Debug, Clone, Default)]
pub(crate) enum Backing {
    /// Every field is its own copy.
    #[default]
    Copied,
    /// The parsed text, whole.
    Shared(Text),
}

impl Backing {
    /// `s`, a piece of `parsed` or a string made from it, as a card's text: the same piece of
    /// the backing when it lies inside `parsed` (a string without escapes), else a copy.
    fn text(&self, parsed: &str, s: &str) -> Text {
        let whole = match self {
            Backing::Copied => return Text::from(s),
            Backing::Shared(w) => w,
        };
        let base = parsed.as_ptr() as usize;
        let at = s.as_ptr() as usize;
        if whole.len() == parsed.len() && at >= base && at + s.len() <= base + parsed.len() {
            let range = at - base..at - base + s.len();
            if let Some(t) = whole.slice(range) {
                return t;
            }
        }
        Text::from(s)
    }
}

/// Parses one deck. Card-level errors drop that card and keep the others; errors in the
/// TOML syntax or the `[deck]` table drop the whole deck.
pub fn parse_deck(src: &SourceText<'_>, origin: Origin) -> ParsedDeck {
    parse_backed(src, origin, Backing::Copied)
}

/// [`parse_deck`], the cards' text pointing into `backing` (`src`'s text, or a copy).
pub(crate) fn parse_backed(src: &SourceText<'_>, origin: Origin, backing: Backing) -> ParsedDeck {
    let mut p = Parser::new(src, backing);
    let mut out = ParsedDeck {
        deck: None,
        diagnostics: Vec::new(),
        refs: Vec::new(),
        id_span: 0..0,
    };
    if src.text.len() > MAX_DECK_BYTES {
        out.diagnostics.push(
            Diagnostic::file(
                src.path,
                Severity::Error,
                format!(
                    "deck file is {} bytes, over the limit of {} MiB",
                    src.text.len(),
                    MAX_DECK_BYTES >> 20
                ),
            )
            .with_help("split it into several deck files"),
        );
        return out;
    }

    // A large file of the common shape is scanned a piece at a time on another thread while
    // this one walks the cards of the pieces before: its whole tree (some 25 MB for 50 000
    // cards) never exists at once. Anything else, or a piece outside the shape, is read whole.
    if src.text.len() > super::fast::SPLIT_BYTES {
        // Room for a card every 64 bytes (the benchmark deck has one every 103): the vectors
        // never grow by copying, and room not used is never touched.
        let room = src.text.len() / 64;
        let mut walked = Walked {
            cards: Vec::with_capacity(room),
            seen: HashMap::with_capacity_and_hasher(room, foldhash::fast::RandomState::default()),
            ..Walked::default()
        };
        let mut deck = None;
        let mut count = 0;
        let streamed = super::fast::stream(src.text, |part| {
            if let Some((_, item)) = part.deck.take() {
                deck = Some(item);
            }
            count += part.cards.len();
            if count <= MAX_CARDS_PER_DECK {
                for card in &part.cards {
                    if let Val::Table(t) = &card.val {
                        p.walk_card(&mut walked, t, card.span.clone(), true);
                    }
                }
            }
        });
        if streamed.is_some() && count <= MAX_CARDS_PER_DECK {
            let header = deck.as_ref().and_then(|item| match &item.val {
                Val::Table(t) => Some((t, item.span.clone())),
                _ => None,
            });
            return p.finish(header, true, walked, origin);
        }
        // What the pieces walked so far said is dropped with them.
        p = Parser::new(src, p.backing);
    }

    let (root, errors) = if let Some(root) = super::fast::parse(src.text) {
        (root, Vec::new())
    } else {
        let (root, errors) = DeTable::parse_recoverable(src.text);
        (Table::from_toml(root.get_ref()), errors)
    };
    let syntax_ok = errors.is_empty();
    for e in &errors {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().to_owned();
        p.error(span, format!("TOML syntax: {message}"));
    }

    let mut header = None;
    let mut cards = Vec::new();
    for (key, value) in &root.entries {
        match key.name.as_ref() {
            "deck" => match &value.val {
                Val::Table(t) => header = Some((t, value.span.clone())),
                other => p.type_error("deck", "a table `[deck]`", other, value.span.clone()),
            },
            "card" => match &value.val {
                Val::Array(items) => {
                    for item in items {
                        match &item.val {
                            Val::Table(t) => cards.push((t, item.span.clone())),
                            other => {
                                p.type_error(
                                    "card",
                                    "a table `[[card]]`",
                                    other,
                                    item.span.clone(),
                                );
                            }
                        }
                    }
                }
                other => p.type_error(
                    "card",
                    "an array of tables `[[card]]`",
                    other,
                    value.span.clone(),
                ),
            },
            name => {
                let help = match text::closest(name, &["deck", "card"]) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => "a deck file has one `[deck]` table and `[[card]]` tables".to_owned(),
                };
                p.error(key.span.clone(), format!("unknown top-level key `{name}`"))
                    .help = Some(help);
            }
        }
    }
    if cards.len() > MAX_CARDS_PER_DECK {
        p.diags.push(
            Diagnostic::file(
                src.path,
                Severity::Error,
                format!(
                    "{} cards in one deck, over the limit of {MAX_CARDS_PER_DECK}",
                    cards.len()
                ),
            )
            .with_help("split it into several deck files"),
        );
        cards.truncate(0);
    }
    let mut walked = Walked {
        cards: Vec::with_capacity(cards.len()),
        seen: HashMap::with_capacity_and_hasher(
            cards.len(),
            foldhash::fast::RandomState::default(),
        ),
        ..Walked::default()
    };
    for (table, span) in cards {
        p.walk_card(&mut walked, table, span, syntax_ok);
    }
    p.finish(header, syntax_ok, walked, origin)
}

/// What the walk of the card tables keeps: the loadable cards (whether each id was explicit,
/// and the card's span), the references to check, the ids seen, and the cards without an
/// id that did not load (still given an id, so that `check` can say which).
#[derive(Default)]
struct Walked {
    cards: Vec<(Card, bool, Range<usize>)>,
    refs: Vec<Reference>,
    seen: HashMap<Text, usize>,
    underived: Vec<(Card, bool, Range<usize>)>,
}

type DeckHeader = (String, Range<usize>, String, String, bool, AnswerMode);
/// The card, whether its id was explicit, the id's span, its references, and whether it is
/// valid (loadable).
type CardParse = (Card, bool, Range<usize>, Vec<Reference>, bool);

struct Parser<'s, 'a> {
    src: &'s SourceText<'a>,
    diags: Vec<Diagnostic>,
    errors: usize,
    backing: Backing,
    /// The entries of every card's lists, in order (see `List::pending`).
    pool: Vec<Text>,
    /// A byte offset and its 1-based line: cards come in order, so each card's line is
    /// counted on from the one before.
    cursor: (usize, usize),
}

impl<'s, 'a> Parser<'s, 'a> {
    fn new(src: &'s SourceText<'a>, backing: Backing) -> Self {
        Parser {
            src,
            diags: Vec::new(),
            errors: 0,
            backing,
            pool: Vec::new(),
            cursor: (0, 1),
        }
    }

    fn error(&mut self, span: Range<usize>, message: String) -> &mut Diagnostic {
        self.errors += 1;
        self.diags
            .push(self.src.diag(span, Severity::Error, message));
        self.diags.last_mut().expect("just pushed")
    }

    fn type_error(&mut self, field: &str, expected: &str, found: &Val<'_>, span: Range<usize>) {
        self.error(
            span,
            format!("`{field}` must be {expected}, found {}", found.type_str()),
        );
    }

    /// Reports an unknown field; returns the field it was probably meant to be.
    fn unknown_field(
        &mut self,
        key: &Key<'_>,
        table: &str,
        allowed: &[&'static str],
    ) -> Option<&'static str> {
        let name = key.name.as_ref();
        let meant = text::closest(name, allowed);
        let help = match meant {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("the fields of {table} are: {}", allowed.join(", ")),
        };
        let span = key.span.clone();
        self.error(span, format!("unknown field `{name}` in {table}"))
            .help = Some(help);
        meant
    }

    /// Checks a text field: length, control and invisible characters.
    fn text(&mut self, field: &str, value: &str, span: Range<usize>, multiline: bool) -> bool {
        if value.len() > MAX_FIELD_BYTES {
            self.error(
                span,
                format!(
                    "`{field}` is {} bytes long, over the limit of {MAX_FIELD_BYTES}",
                    value.len()
                ),
            )
            .help =
                Some("shorten it; long explanations belong in a textbook, not on a card".into());
            return false;
        }
        // Printable ASCII (nearly every field) holds no control, invisible or combining
        // character: one pass over the bytes instead of three over the characters.
        if value.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            return true;
        }
        if let Some(c) = value
            .chars()
            .find(|&c| text::is_control(c) && !(multiline && c == '\n'))
        {
            let what = match c {
                '\t' => "a tab".to_owned(),
                '\n' => "a line break".to_owned(),
                c => format!("the control character U+{:04X}", u32::from(c)),
            };
            self.error(span, format!("`{field}` contains {what}")).help = Some(if c == '\n' {
                "keep this field on one line".into()
            } else {
                "remove it: control characters can garble the terminal".into()
            });
            return false;
        }
        if let Some(c) = value.chars().find(|&c| text::is_invisible_format(c)) {
            self.diags.push(
                self.src
                    .diag(
                        span.clone(),
                        Severity::Warning,
                        format!(
                            "`{field}` contains the invisible character U+{:04X}",
                            u32::from(c)
                        ),
                    )
                    .with_help("remove it: it is shown as \u{FFFD}"),
            );
        }
        let marks = text::longest_mark_run(value);
        if marks > text::MAX_COMBINING_MARKS {
            self.diags.push(
                self.src
                    .diag(
                        span,
                        Severity::Warning,
                        format!("`{field}` has {marks} combining marks on one character"),
                    )
                    .with_help(format!(
                        "only {} are shown; write the accented letter itself",
                        text::MAX_COMBINING_MARKS
                    )),
            );
        }
        true
    }

    fn string(&mut self, field: &str, value: &Item<'_>, multiline: bool) -> Option<Text> {
        match &value.val {
            Val::Str(s) => self
                .text(field, s, value.span.clone(), multiline)
                .then(|| self.backing.text(self.src.text, s)),
            other => {
                self.type_error(field, "a string", other, value.span.clone());
                None
            }
        }
    }

    fn non_empty_string(&mut self, field: &str, value: &Item<'_>) -> Option<Text> {
        let s = self.string(field, value, field == "back")?;
        if s.trim().is_empty() {
            self.error(value.span.clone(), format!("`{field}` is empty"));
            return None;
        }
        Some(s)
    }

    fn bool(&mut self, field: &str, value: &Item<'_>) -> Option<bool> {
        match &value.val {
            Val::Bool(b) => Some(*b),
            other => {
                self.type_error(field, "`true` or `false`", other, value.span.clone());
                None
            }
        }
    }

    /// An array of non-empty one-line strings, each with its span.
    fn strings(&mut self, field: &str, value: &Item<'_>) -> Option<Vec<(Text, Range<usize>)>> {
        let Val::Array(items) = &value.val else {
            self.type_error(field, "an array of strings", &value.val, value.span.clone());
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match &item.val {
                Val::Str(s) if s.trim().is_empty() => {
                    self.error(item.span.clone(), format!("empty entry in `{field}`"));
                    ok = false;
                }
                Val::Str(s) => {
                    if self.text(field, s, item.span.clone(), false) {
                        out.push((self.backing.text(self.src.text, s), item.span.clone()));
                    } else {
                        ok = false;
                    }
                }
                other => {
                    self.type_error(
                        &format!("each entry of `{field}`"),
                        "a string",
                        other,
                        item.span.clone(),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn id(&mut self, what: &str, value: &Item<'_>) -> Option<Text> {
        let id = self.non_empty_string("id", value)?;
        if is_valid_id(&id) {
            return Some(id);
        }
        let suggestion = derive_id(&id);
        let help = if suggestion.is_empty() {
            "use lower-case letters a-z, digits and `-`".to_owned()
        } else {
            format!("use lower-case letters a-z, digits and `-`, for example `{suggestion}`")
        };
        self.error(
            value.span.clone(),
            format!("{what} id `{id}` is not made of [a-z0-9-]"),
        )
        .help = Some(help);
        None
    }

    fn deck_header(
        &mut self,
        table: &Table<'_>,
        span: Range<usize>,
        syntax_ok: bool,
    ) -> Option<DeckHeader> {
        let mut id = None;
        let mut name = None;
        let mut description = String::new();
        let mut reverse = false;
        let mut answer = AnswerMode::Reveal;
        let mut ok = true;
        for (key, value) in &table.entries {
            match key.name.as_ref() {
                "id" => {
                    id = self
                        .id("deck", value)
                        .map(|v| (String::from(v), value.span.clone()));
                }
                "name" => name = self.non_empty_string("name", value).map(String::from),
                "description" => match self.string("description", value, true) {
                    Some(d) => description = d.into(),
                    None => ok = false,
                },
                "reverse" => match self.bool("reverse", value) {
                    Some(b) => reverse = b,
                    None => ok = false,
                },
                "answer" => match &value.val {
                    Val::Str(s) if s == "reveal" => answer = AnswerMode::Reveal,
                    Val::Str(s) if s == "type" => answer = AnswerMode::Type,
                    Val::Str(s) => {
                        self.error(
                            value.span.clone(),
                            format!("`answer` must be \"reveal\" or \"type\", not \"{s}\""),
                        );
                        ok = false;
                    }
                    other => {
                        self.type_error(
                            "answer",
                            "\"reveal\" or \"type\"",
                            other,
                            value.span.clone(),
                        );
                        ok = false;
                    }
                },
                _ => {
                    let _ = self.unknown_field(key, "`[deck]`", DECK_FIELDS);
                    ok = false;
                }
            }
        }
        let header_span = span.start..span.start + 6;
        let missing = |p: &mut Self, field: &str, help: &str| {
            if syntax_ok && !table.contains_key(field) {
                p.error(header_span.clone(), format!("`[deck]` has no `{field}`"))
                    .help = Some(help.to_owned());
            }
        };
        missing(
            self,
            "id",
            "add `id = \"my-deck\"` ([a-z0-9-]): progress is kept by deck and card id",
        );
        missing(
            self,
            "name",
            "add `name = \"...\"`: it is the title shown in lists",
        );
        let ((id, id_span), name) = (id?, name?);
        ok.then_some((id, id_span, name, description, reverse, answer))
    }

    /// One card table: parsed, its id checked against the ones before it.
    fn walk_card(
        &mut self,
        w: &mut Walked,
        table: &Table<'_>,
        span: Range<usize>,
        syntax_ok: bool,
    ) {
        let (card, explicit_id, id_span, card_refs, valid) =
            self.card(table, span.clone(), syntax_ok);
        let mut valid = valid;
        if explicit_id && !card.id.is_empty() {
            if let Some(&first_line) = w.seen.get(card.id.as_str()) {
                self.error(
                    id_span,
                    format!(
                        "duplicate card id `{}`; it is already used on line {first_line}",
                        card.id
                    ),
                )
                .help =
                    Some("every card in a deck needs its own id: progress follows the id".into());
                valid = false;
            } else {
                w.seen.insert(card.id.clone(), card.line);
            }
        }
        // References are checked on every card, loaded or not, so one run shows everything.
        let at = w.cards.len();
        w.refs.extend(card_refs.into_iter().map(|mut r| {
            r.card = at;
            r
        }));
        if valid {
            w.cards.push((card, explicit_id, span));
        } else if !explicit_id && !card.front.is_empty() {
            w.underived.push((card, explicit_id, span));
        }
    }

    /// The deck from its header and walked cards: ids derived for cards without one, and
    /// every diagnostic.
    fn finish(
        mut self,
        header: Option<(&Table<'_>, Range<usize>)>,
        syntax_ok: bool,
        walked: Walked,
        origin: Origin,
    ) -> ParsedDeck {
        let src = self.src;
        let deck_header = if let Some((table, span)) = header {
            self.deck_header(table, span, syntax_ok)
        } else {
            if syntax_ok {
                self.diags.push(
                    Diagnostic::file(src.path, Severity::Error, "missing `[deck]` table")
                        .with_help(
                            "start the file with `[deck]`, `id = \"...\"` and `name = \"...\"`",
                        ),
                );
            }
            None
        };
        let Walked {
            cards: mut parsed_cards,
            refs,
            mut seen,
            mut underived,
        } = walked;
        let pool = std::sync::Arc::new(std::mem::take(&mut self.pool));
        for (card, _, _) in parsed_cards.iter_mut().chain(underived.iter_mut()) {
            for list in card.lists_mut() {
                // Every pending range is in the pool: it was filled for them.
                let _ = list.attach(&pool);
            }
        }
        // Cards without an id get one from their front, unique among the explicit ones.
        for (card, explicit, span) in parsed_cards.iter_mut().chain(underived.iter_mut()) {
            if *explicit {
                continue;
            }
            let base = match derive_id(&card.front) {
                id if id.is_empty() => format!("card-{}", card.line),
                id => id,
            };
            let mut id = base.clone();
            let mut n = 2;
            while seen.contains_key(id.as_str()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            let id = Text::from(id);
            seen.insert(id.clone(), card.line);
            self.diags.push(
                src.diag(
                    span.clone(),
                    Severity::Warning,
                    format!("card has no `id`; using `{id}`, derived from its front"),
                )
                .with_help(format!(
                    "add `id = \"{id}\"`: progress follows the id, so without one, editing the front loses it"
                )),
            );
            card.id = id;
        }

        let mut out = ParsedDeck {
            deck: None,
            diagnostics: self.diags,
            refs,
            id_span: 0..0,
        };
        if let Some((id, id_span, name, description, reverse, answer)) = deck_header {
            out.id_span = id_span;
            if syntax_ok {
                out.deck = Some(Deck {
                    id,
                    name,
                    description,
                    reverse,
                    answer,
                    cards: parsed_cards.into_iter().map(|(c, _, _)| c).collect(),
                    origin,
                });
            }
        }
        out
    }

    /// The 1-based line of `offset`: counted on from the last one asked for when it is
    /// later, else looked up.
    fn line_at(&mut self, offset: usize) -> usize {
        let (from, line) = self.cursor;
        match self.src.text.as_bytes().get(from..offset) {
            Some(gap) => {
                let line = line + memchr::memchr_iter(b'\n', gap).count();
                self.cursor = (offset, line);
                line
            }
            None => self.src.line_of(offset),
        }
    }

    fn card(&mut self, table: &Table<'_>, span: Range<usize>, syntax_ok: bool) -> CardParse {
        let errors_before = self.error_count();
        let line = self.line_at(span.start);
        let mut card = Card {
            line,
            ..Card::default()
        };
        let mut id_span = span.clone();
        let mut explicit_id = false;
        let mut refs = Vec::new();
        let mut has_front = false;
        let mut has_back = false;
        let mut caution_span = None;
        let mut instead_span = None;
        let mut parts_span = None;
        // Fields that a misspelt key probably meant: not also reported as missing.
        let mut meant: Vec<&str> = Vec::new();
        for (key, value) in &table.entries {
            let field = key.name.as_ref();
            match field {
                "id" => {
                    explicit_id = true;
                    id_span = value.span.clone();
                    if let Some(id) = self.id("card", value) {
                        card.id = id;
                    }
                }
                "front" => {
                    has_front = true;
                    if let Some(s) = self.non_empty_string("front", value) {
                        card.front = s;
                    }
                }
                "back" => {
                    has_back = true;
                    if let Some(s) = self.non_empty_string("back", value) {
                        card.back = s;
                    }
                }
                "kind" => match &value.val {
                    Val::Str(s) => {
                        if let Some(k) = Kind::parse(s) {
                            card.kind = k;
                        } else {
                            let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                            let help = match text::closest(s, &names) {
                                Some(c) => format!("did you mean \"{c}\"?"),
                                None => format!("use one of: {}", names.join(", ")),
                            };
                            self.error(value.span.clone(), format!("unknown kind \"{s}\""))
                                .help = Some(help);
                        }
                    }
                    other => self.type_error("kind", "a string", other, value.span.clone()),
                },
                "answers" | "variants" | "parts" | "tags" | "confused_with" => {
                    let Some(list) = self.strings(field, value) else {
                        continue;
                    };
                    if field == "tags" {
                        for (tag, span) in &list {
                            if tag.chars().any(char::is_whitespace) {
                                self.error(
                                    span.clone(),
                                    format!("tag \"{tag}\" contains a space"),
                                )
                                .help =
                                    Some(format!("use `-` instead, as in \"{}\"", derive_id(tag)));
                            }
                        }
                    }
                    let ref_kind = match field {
                        "parts" => {
                            parts_span = Some(key.span.clone());
                            Some(RefKind::Part)
                        }
                        "confused_with" => Some(RefKind::Confusable),
                        _ => None,
                    };
                    if let Some(kind) = ref_kind {
                        refs.extend(list.iter().map(|(text, span)| Reference {
                            card: 0,
                            kind,
                            text: text.to_string(),
                            span: span.clone(),
                        }));
                    }
                    // Into the deck's one vector of list entries, given to the lists at
                    // the end (one allocation a deck, not two a list).
                    let start = self.pool.len();
                    self.pool.extend(list.into_iter().map(|(s, _)| s));
                    let list = List::pending(start..self.pool.len()).unwrap_or_default();
                    match field {
                        "answers" => card.answers = list,
                        "variants" => card.variants = list,
                        "parts" => card.parts = list,
                        "tags" => card.tags = list,
                        _ => card.confused_with = list,
                    }
                }
                "example" => card.example = self.string("example", value, true),
                "note" => card.note = self.string("note", value, true),
                "instead" => {
                    instead_span = Some(key.span.clone());
                    card.instead = self.non_empty_string("instead", value);
                }
                "reverse" => card.reverse = self.bool("reverse", value),
                "caution" => {
                    caution_span = Some(key.span.clone());
                    match &value.val {
                        Val::Str(s) => match Caution::parse(s) {
                            Some(c) => card.caution = Some(c),
                            None => {
                                self.error(
                                    value.span.clone(),
                                    format!("`caution` must be \"do-not-use\" or \"error-prone\", not \"{s}\""),
                                )
                                .help = Some(
                                    "\"do-not-use\": The Joint Commission's list; \"error-prone\": ISMP's list"
                                        .into(),
                                );
                            }
                        },
                        other => self.type_error("caution", "a string", other, value.span.clone()),
                    }
                }
                _ => meant.extend(self.unknown_field(key, "a card", CARD_FIELDS)),
            }
        }
        let header_span = span.start..span.start + 8;
        if syntax_ok {
            if !has_front && !meant.contains(&"front") {
                self.error(header_span.clone(), "card has no `front`".into())
                    .help = Some("add `front = \"...\"`: what the card asks".into());
            }
            if !has_back && !meant.contains(&"back") {
                self.error(header_span.clone(), "card has no `back`".into())
                    .help = Some("add `back = \"...\"`: the answer".into());
            }
        }
        match (caution_span, instead_span) {
            (Some(span), None) => {
                self.error(span, "`caution` without `instead`".into()).help =
                    Some("add `instead = \"...\"`: what to write instead".into());
            }
            (None, Some(span)) => {
                self.error(span, "`instead` without `caution`".into()).help = Some(
                    "add `caution = \"do-not-use\"` or `caution = \"error-prone\"`, or remove `instead`"
                        .into(),
                );
            }
            _ => {}
        }
        if let Some(span) = parts_span
            && !matches!(card.kind, Kind::Term | Kind::Other)
            && !card.parts.is_empty()
        {
            {
                self.diags.push(
                    self.src
                        .diag(
                            span,
                            Severity::Warning,
                            format!("`parts` on a {} card", card.kind.label()),
                        )
                        .with_help(
                            "`parts` breaks down a term; set `kind = \"term\"` or remove it",
                        ),
                );
            }
        }
        let valid = self.error_count() == errors_before && syntax_ok;
        (card, explicit_id, id_span, refs, valid)
    }

    fn error_count(&self) -> usize {
        self.errors
    }
}
