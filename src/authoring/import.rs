//! Other programs' card files turned into a medterm deck: Anki's "Notes in Plain Text"
//! export, a CSV or TSV table with a header row, a Quizlet export. The format is told from
//! the file (Anki's `#` headers, a header row naming `front` and `back`, else Quizlet's
//! term-separator-definition lines); each format has its reader, and every card then goes
//! one way: HTML to text, cleaning, checks against the loader's limits, duplicates, ids.
//!
//! No I/O: the caller hands in the bytes and writes the result.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use super::delimited::{Record, Records, Unclosed};
use super::html::{self, Dropped};
use crate::deck::{
    AnswerMode, Card, Caution, Deck, Diagnostic, Kind, MAX_CARDS_PER_DECK, MAX_FIELD_BYTES, Origin,
    Severity, SourceText, Text, derive_id, is_valid_id,
};
use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Anki's "Notes in Plain Text" export, with its `#separator:`, `#html:` ... headers.
    Anki,
    /// A table whose first row names the columns: `front`, `back`, `tags`, ...
    Csv,
    /// One card a line: the term, a separator, the definition.
    Quizlet,
}

impl InputFormat {
    pub fn describe(self) -> &'static str {
        match self {
            InputFormat::Anki => "an Anki text export",
            InputFormat::Csv => "a table with a header row",
            InputFormat::Quizlet => "a Quizlet export",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `None`: told from the file.
    pub format: Option<InputFormat>,
    /// Between fields: a name (`tab`, `comma`, `semicolon`, `pipe`, `space`, `colon`) or
    /// the text itself (`\t` is a tab).
    pub separator: Option<String>,
    /// Between cards, for Quizlet exports: a name as above or `newline`, or the text itself.
    pub card_separator: Option<String>,
    /// Whether fields are HTML; `None`: the file's `#html:` header, else judged from the text.
    pub html: Option<bool>,
    pub deck_id: Option<String>,
    pub name: Option<String>,
}

/// A card left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub line: usize,
    pub reason: String,
}

/// Something the import changed or left out without skipping a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug)]
pub struct Imported {
    pub deck: Deck,
    pub format: InputFormat,
    /// The separator between fields, by name: "tab", "comma", "\" - \"".
    pub separator: String,
    pub html: bool,
    pub skipped: Vec<Skipped>,
    pub notes: Vec<Note>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read in its format: nothing is imported.
    #[error("{}", .0.message)]
    File(Box<Diagnostic>),
    /// An option that cannot work (a separator of two characters for a CSV).
    #[error("{0}")]
    Usage(String),
}

impl From<Box<Diagnostic>> for ImportError {
    fn from(d: Box<Diagnostic>) -> Self {
        ImportError::File(d)
    }
}

/// The columns of a table: the card fields of a deck file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Id,
    Front,
    Back,
    Kind,
    Answers,
    Variants,
    Example,
    Parts,
    Tags,
    ConfusedWith,
    Note,
    Reverse,
    Caution,
    Instead,
}

impl Column {
    pub const ALL: [Column; 14] = [
        Column::Front,
        Column::Back,
        Column::Tags,
        Column::Id,
        Column::Kind,
        Column::Answers,
        Column::Variants,
        Column::Example,
        Column::Parts,
        Column::ConfusedWith,
        Column::Note,
        Column::Reverse,
        Column::Caution,
        Column::Instead,
    ];

    /// The deck file's name for the field, which is also the header that names the column.
    pub fn name(self) -> &'static str {
        match self {
            Column::Id => "id",
            Column::Front => "front",
            Column::Back => "back",
            Column::Kind => "kind",
            Column::Answers => "answers",
            Column::Variants => "variants",
            Column::Example => "example",
            Column::Parts => "parts",
            Column::Tags => "tags",
            Column::ConfusedWith => "confused_with",
            Column::Note => "note",
            Column::Reverse => "reverse",
            Column::Caution => "caution",
            Column::Instead => "instead",
        }
    }

    /// Lists in one cell: entries separated by `|` (`\|` and `\\` for the characters).
    pub fn is_list(self) -> bool {
        matches!(
            self,
            Column::Answers | Column::Variants | Column::Parts | Column::ConfusedWith
        )
    }

    /// The column a header names: the field's name, in any case, with spaces or `-` for
    /// `_`, or a common other name (Anki's and spreadsheets' `Term`, `Definition`, `Extra`).
    pub fn from_header(header: &str) -> Option<Column> {
        let normal: String = header
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        let col = match normal.as_str() {
            "front" | "term" | "question" => Column::Front,
            "back" | "definition" | "answer" | "meaning" => Column::Back,
            "tag" => Column::Tags,
            "notes" | "extra" | "back_extra" => Column::Note,
            "examples" => Column::Example,
            "confused" | "confusedwith" => Column::ConfusedWith,
            other => return Column::ALL.into_iter().find(|c| c.name() == other),
        };
        Some(col)
    }
}

/// Separator names, as Anki's `#separator:` header spells them.
const SEPARATOR_NAMES: &[(&str, &str)] = &[
    ("tab", "\t"),
    ("comma", ","),
    ("semicolon", ";"),
    ("space", " "),
    ("pipe", "|"),
    ("colon", ":"),
    ("newline", "\n"),
];

/// A separator option or header: a name, or the text itself with `\t` and `\n` escapes.
fn parse_separator(value: &str) -> String {
    let lower = value.trim().to_ascii_lowercase();
    if let Some((_, s)) = SEPARATOR_NAMES.iter().find(|(n, _)| *n == lower) {
        return (*s).to_owned();
    }
    value.replace("\\t", "\t").replace("\\n", "\n")
}

/// How a separator is shown in the report.
pub fn separator_name(sep: &str) -> String {
    match SEPARATOR_NAMES.iter().find(|(_, s)| *s == sep) {
        Some((name, _)) => (*name).to_owned(),
        None => format!("\"{}\"", text::sanitize(sep)),
    }
}

/// A separator that must be one character (for quoted tables).
fn one_char(sep: &str, what: &str) -> Result<char, ImportError> {
    let mut chars = sep.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c != '"' && c != '\n' => Ok(c),
        _ => Err(ImportError::Usage(format!(
            "the separator of {what} must be one character other than a quote or a line break, not \"{}\"",
            text::sanitize(sep)
        ))),
    }
}

/// The text of a file: UTF-8 (a byte-order mark dropped) or UTF-16 with a byte-order mark
/// (a spreadsheet's "Unicode text"), with `\n` line ends.
fn decode(path: &str, bytes: &[u8]) -> Result<String, Box<Diagnostic>> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(Box::new(
            Diagnostic::file(
                path,
                Severity::Error,
                "this is a zip archive (an Anki .apkg package or a spreadsheet .xlsx?), not text",
            )
            .with_help(
                "in Anki, use File > Export > \"Notes in Plain Text\"; in a spreadsheet, save as \"CSV UTF-8\"",
            ),
        ));
    }
    let utf16 = |big: bool, body: &[u8]| {
        let units = body.chunks(2).map(|pair| match pair {
            [a, b] if big => u16::from_be_bytes([*a, *b]),
            [a, b] => u16::from_le_bytes([*a, *b]),
            _ => 0xFFFD,
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    let text = if let Some(body) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(false, body)
    } else if let Some(body) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(true, body)
    } else {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(t) => t.to_owned(),
            Err(e) => {
                let valid =
                    std::str::from_utf8(bytes.get(..e.valid_up_to()).unwrap_or(&[])).unwrap_or("");
                let (line, column) = line_col(valid);
                return Err(Box::new(Diagnostic {
                    path: path.to_owned(),
                    line: Some(line),
                    column: Some(column),
                    severity: Severity::Error,
                    message: "the file is not UTF-8 text".to_owned(),
                    help: Some(
                        "save it as UTF-8 (in a spreadsheet: \"CSV UTF-8\"); Anki and Quizlet exports are UTF-8 already"
                            .to_owned(),
                    ),
                    snippet: None,
                }));
            }
        }
    };
    if let Some(i) = text.find('\0') {
        let (line, column) = line_col(text.get(..i).unwrap_or(""));
        return Err(Box::new(Diagnostic {
            path: path.to_owned(),
            line: Some(line),
            column: Some(column),
            severity: Severity::Error,
            message: "the file holds NUL bytes: it is not a text file".to_owned(),
            help: Some("export the cards as text: UTF-8, tab- or comma-separated".to_owned()),
            snippet: None,
        }));
    }
    // Windows and old Mac line ends.
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    })
}

/// 1-based line and column just after `before`, counting lines as the reader does: CRLF,
/// LF and a lone CR each end one.
fn line_col(before: &str) -> (usize, usize) {
    let before = before.replace("\r\n", "\n").replace('\r', "\n");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The raw text of one card, column by column, as its reader found it.
struct Row {
    line: usize,
    cells: HashMap<Column, String>,
    /// From an Anki cloze note type: no front and back to take.
    cloze: bool,
}

impl Row {
    fn new(line: usize) -> Row {
        Row {
            line,
            cells: HashMap::new(),
            cloze: false,
        }
    }

    fn get(&self, col: Column) -> &str {
        self.cells.get(&col).map_or("", String::as_str)
    }
}

/// What a reader found besides the rows.
struct Read {
    rows: Vec<Row>,
    separator: String,
    /// Whether the file says its fields are HTML (Anki's `#html:`).
    html: Option<bool>,
    /// Tags for every card (Anki's `#tags:`).
    tags: Vec<String>,
    /// A deck name the file gives (Anki's `#deck:` or deck column).
    deck_name: Option<String>,
    notes: Vec<Note>,
    /// Records that are no card at all.
    skipped: Vec<Skipped>,
}

/// Reads `bytes` (the file at `path`) as a deck.
pub fn import(path: &str, bytes: &[u8], options: &ImportOptions) -> Result<Imported, ImportError> {
    let text = decode(path, bytes)?;
    let src = SourceText::new(path, &text);
    let format = options.format.unwrap_or_else(|| detect(&text));
    let read = match format {
        InputFormat::Anki => read_anki(&src, options)?,
        InputFormat::Csv => read_csv(&src, options)?,
        InputFormat::Quizlet => read_quizlet(&src, options)?,
    };
    let (html, html_note) = match options.html.or(read.html) {
        Some(h) => (h, None),
        None => match html::html_evidence(&text) {
            Some((offset, sign)) => (
                true,
                Some(Note {
                    line: Some(src.line_of(offset)),
                    message: format!(
                        "fields read as HTML (found {sign}); pass --html no to keep them as written"
                    ),
                }),
            ),
            None => (false, None),
        },
    };

    let file = Path::new(path);
    let file_name = file
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned());
    let stem = file
        .file_stem()
        .map_or_else(|| file_name.clone(), |n| n.to_string_lossy().into_owned());
    let id = match &options.deck_id {
        Some(id) if !is_valid_id(id) => {
            return Err(ImportError::Usage(format!(
                "\"{}\" is not a deck id: use lower-case letters a-z, digits and `-`",
                text::sanitize(id)
            )));
        }
        Some(id) => id.clone(),
        None => {
            if derive_id(&stem).is_empty() {
                return Err(ImportError::Usage(format!(
                    "cannot make a deck id from the file name \"{}\": pass --deck-id, for example --deck-id my-cards",
                    text::sanitize(&stem)
                )));
            }
            base_id(&stem)
        }
    };
    let name = options
        .name
        .clone()
        .or(read.deck_name.clone())
        .map(|n| clean(&n, false, &mut 0))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| clean(&stem, false, &mut 0));
    let name = if name.is_empty() { id.clone() } else { name };

    let mut builder = Cards {
        html,
        // The file's own tags (Anki's `#tags:`), cleaned as a cell's are.
        tags: clean(&read.tags.join(" "), false, &mut 0)
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        dropped: Dropped::default(),
        invisible: 0,
        first_image: None,
        first_sound: None,
        first_invisible: None,
        skipped: read.skipped,
        notes: read.notes,
    };
    builder.notes.extend(html_note);
    let cards = builder.build(read.rows);
    let mut notes = builder.notes;
    if builder.dropped.sounds > 0 {
        notes.push(Note {
            line: builder.first_sound,
            message: format!(
                "left out {} sound reference(s) ([sound:...]): medterm plays no audio",
                builder.dropped.sounds
            ),
        });
    }
    if builder.dropped.images > 0 {
        notes.push(Note {
            line: builder.first_image,
            message: format!(
                "left out {} image(s): medterm cards are text",
                builder.dropped.images
            ),
        });
    }
    if builder.invisible > 0 {
        notes.push(Note {
            line: builder.first_invisible,
            message: format!(
                "removed {} invisible character(s) (zero-width spaces, direction marks)",
                builder.invisible
            ),
        });
    }
    Ok(Imported {
        deck: Deck {
            id,
            name,
            description: format!("Imported from {}", clean(&file_name, false, &mut 0)),
            reverse: false,
            answer: AnswerMode::Reveal,
            cards,
            origin: Origin::File(file.to_path_buf()),
        },
        format,
        separator: read.separator,
        html,
        skipped: {
            let mut skipped = builder.skipped;
            skipped.sort_by_key(|s| s.line);
            skipped
        },
        notes,
    })
}

/// Anki's header keys; a `#` line with another key is a comment to Anki.
const ANKI_KEYS: &[&str] = &[
    "separator",
    "html",
    "tags",
    "columns",
    "notetype",
    "deck",
    "notetype column",
    "deck column",
    "tags column",
    "guid column",
    "if matches",
];

/// The leading `#` lines of a file, each with its byte offset.
fn header_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map_while(move |line| {
        let at = offset;
        offset += line.len();
        line.starts_with('#')
            .then(|| (at, line.strip_suffix('\n').unwrap_or(line)))
    })
}

fn anki_key(line: &str) -> Option<(String, &str)> {
    let (key, value) = line.strip_prefix('#')?.split_once(':')?;
    let key = key.trim().to_ascii_lowercase();
    ANKI_KEYS.contains(&key.as_str()).then_some((key, value))
}

/// Which format a file is in, when not told.
fn detect(text: &str) -> InputFormat {
    if header_lines(text).any(|(_, line)| anki_key(line).is_some()) {
        InputFormat::Anki
    } else if sniff_header(text).is_some() {
        InputFormat::Csv
    } else {
        InputFormat::Quizlet
    }
}

/// The separator with which the first non-empty line names a `front` and a `back` column.
fn sniff_header(text: &str) -> Option<char> {
    let line = text.lines().find(|l| !l.trim().is_empty())?;
    ['\t', ',', ';', '|'].into_iter().find(|&sep| {
        let Some(Ok(record)) = Records::new(line, sep, false).next() else {
            return false;
        };
        let cols: Vec<Option<Column>> = record
            .fields
            .iter()
            .map(|f| Column::from_header(&f.text))
            .collect();
        cols.contains(&Some(Column::Front)) && cols.contains(&Some(Column::Back))
    })
}

fn unclosed(src: &SourceText<'_>, e: &Unclosed) -> Box<Diagnostic> {
    Box::new(
        src.diag(
            e.span.clone(),
            Severity::Error,
            "this quoted field is never closed: the rest of the file would be one field",
        )
        .with_help("add the closing `\"`; a quote inside a quoted field is written twice: `\"\"`"),
    )
}

fn records(
    src: &SourceText<'_>,
    sep: char,
    comments: bool,
) -> Result<Vec<Record>, Box<Diagnostic>> {
    Records::new(src.text, sep, comments)
        .filter(|r| r.as_ref().map_or(true, |r| !r.is_blank()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| unclosed(src, &e))
}

#[derive(Default)]
struct AnkiHeader {
    separator: Option<String>,
    html: Option<bool>,
    tags: Vec<String>,
    /// The column names and the offset of the header's value.
    columns: Option<(String, usize)>,
    deck: Option<String>,
    notetype: Option<String>,
    tags_column: Option<usize>,
    deck_column: Option<usize>,
    notetype_column: Option<usize>,
    guid_column: Option<usize>,
}

fn anki_header(src: &SourceText<'_>) -> Result<AnkiHeader, Box<Diagnostic>> {
    let mut h = AnkiHeader::default();
    for (offset, line) in header_lines(src.text) {
        let Some((key, value)) = anki_key(line) else {
            continue;
        };
        let value_at = offset + line.len() - value.len();
        let bad = |message: String, help: &str| {
            Box::new(
                src.diag(value_at..offset + line.len(), Severity::Error, message)
                    .with_help(help),
            )
        };
        let trimmed = value.trim();
        match key.as_str() {
            "separator" => {
                let sep = if value.chars().count() == 1 {
                    value.to_owned()
                } else {
                    parse_separator(trimmed)
                };
                if sep.chars().count() != 1 || sep == "\"" || sep == "\n" {
                    return Err(bad(
                        format!("unknown separator \"{trimmed}\""),
                        "use tab, comma, semicolon, space, pipe, colon or one character",
                    ));
                }
                h.separator = Some(sep);
            }
            "html" => {
                h.html = Some(match trimmed.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(bad(
                            format!("`#html:` must be true or false, not \"{trimmed}\""),
                            "#html:true says the fields are HTML",
                        ));
                    }
                });
            }
            "tags" => h.tags = trimmed.split_whitespace().map(str::to_owned).collect(),
            "columns" => h.columns = Some((value.to_owned(), value_at)),
            "deck" => h.deck = Some(trimmed.to_owned()).filter(|d| !d.is_empty()),
            "notetype" => h.notetype = Some(trimmed.to_owned()),
            "if matches" => {}
            column => {
                let n = match trimmed.parse::<usize>() {
                    Ok(n) if n >= 1 => n - 1,
                    _ => {
                        return Err(bad(
                            format!(
                                "`#{column}:` must be a column number, 1 or more, not \"{trimmed}\""
                            ),
                            "columns are counted from 1",
                        ));
                    }
                };
                let slot = match column {
                    "tags column" => &mut h.tags_column,
                    "deck column" => &mut h.deck_column,
                    "notetype column" => &mut h.notetype_column,
                    _ => &mut h.guid_column,
                };
                *slot = Some(n);
            }
        }
    }
    Ok(h)
}

/// Anki's "Notes in Plain Text": headers, then one note a record. The note's fields are the
/// columns that are not tags, deck, note type or guid; named by `#columns:`, or the first
/// two are the front and the back.
fn read_anki(src: &SourceText<'_>, options: &ImportOptions) -> Result<Read, ImportError> {
    let h = anki_header(src)?;
    let sep = match &options.separator {
        Some(s) => one_char(&parse_separator(s), "an Anki export")?,
        None => h
            .separator
            .as_deref()
            .and_then(|s| s.chars().next())
            .unwrap_or('\t'),
    };
    let records = records(src, sep, true)?;
    let mut names: Vec<Option<String>> = Vec::new();
    if let Some((value, at)) = &h.columns {
        let header_src = SourceText::new(src.path, value);
        let row = Records::new(value, sep, false)
            .next()
            .transpose()
            .map_err(|e| {
                let mut d = unclosed(&header_src, &e);
                let (line, column) = src.position(at + e.span.start);
                d.line = Some(line);
                d.column = Some(column);
                d.snippet = None;
                d
            })?;
        names = row
            .map(|r| {
                r.fields
                    .into_iter()
                    .map(|f| Some(f.text.trim().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
    }
    let width = records
        .iter()
        .map(|r| r.fields.len())
        .max()
        .unwrap_or(0)
        .max(names.len());
    let special = [
        h.tags_column,
        h.deck_column,
        h.notetype_column,
        h.guid_column,
    ];
    let is_special = |i: usize| special.contains(&Some(i));
    let mut mapping: Vec<Option<Column>> = vec![None; width];
    let name_of = |i: usize| names.get(i).cloned().flatten().filter(|n| !n.is_empty());
    for (i, slot) in mapping.iter_mut().enumerate() {
        if is_special(i) {
            continue;
        }
        *slot = name_of(i).and_then(|n| Column::from_header(&n));
    }
    // A name that comes twice keeps its first column.
    for i in 0..width {
        if let Some(col) = mapping.get(i).copied().flatten()
            && mapping
                .get(..i)
                .is_some_and(|before| before.contains(&Some(col)))
        {
            mapping[i] = None;
        }
    }
    let mut notes = Vec::new();
    for i in 0..width {
        if is_special(i) || mapping[i].is_some() {
            continue;
        }
        let free = [Column::Front, Column::Back]
            .into_iter()
            .find(|c| !mapping.contains(&Some(*c)));
        match free {
            Some(col) => mapping[i] = Some(col),
            None => {
                let used = records
                    .iter()
                    .filter(|r| r.get(i).is_some_and(|f| !f.text.trim().is_empty()))
                    .count();
                if used > 0 {
                    let label = match name_of(i) {
                        Some(n) => format!("column {} (\"{}\")", i + 1, text::sanitize(&n)),
                        None => format!("column {}", i + 1),
                    };
                    notes.push(Note {
                        line: None,
                        message: format!(
                            "{label} left out ({used} card(s) fill it): a medterm card has one front and one back"
                        ),
                    });
                }
            }
        }
    }

    let mut rows = Vec::with_capacity(records.len());
    let mut decks: Vec<String> = Vec::new();
    for record in &records {
        let mut row = Row::new(record.line);
        for (i, field) in record.fields.iter().enumerate() {
            if let Some(Some(col)) = mapping.get(i) {
                row.cells.insert(*col, field.text.clone());
            }
        }
        if let Some(tags) = h.tags_column.and_then(|i| record.get(i)) {
            row.cells.insert(Column::Tags, tags.text.clone());
        }
        // Anki's "Basic (and reversed card)" studies both ways, as `reverse` does; a cloze
        // note type has no front and back.
        let notetype = h
            .notetype_column
            .and_then(|i| record.get(i))
            .map(|f| f.text.as_str())
            .or(h.notetype.as_deref())
            .unwrap_or("")
            .to_ascii_lowercase();
        if notetype.contains("and reversed") && !row.cells.contains_key(&Column::Reverse) {
            row.cells.insert(Column::Reverse, "true".into());
        }
        row.cloze = notetype.contains("cloze");
        if let Some(deck) = h.deck_column.and_then(|i| record.get(i)) {
            let deck = deck.text.trim();
            if !deck.is_empty() && !decks.iter().any(|d| d == deck) && decks.len() < 100 {
                decks.push(deck.to_owned());
            }
        }
        rows.push(row);
    }
    if decks.len() > 1 {
        let shown: Vec<String> = decks
            .iter()
            .take(3)
            .map(|d| format!("\"{}\"", text::sanitize(d)))
            .collect();
        notes.push(Note {
            line: None,
            message: format!(
                "the file holds cards of {} Anki decks ({}{}); they are all in this one deck",
                decks.len(),
                shown.join(", "),
                if decks.len() > 3 { ", ..." } else { "" }
            ),
        });
    }
    let deck_name = h
        .deck
        .clone()
        .or_else(|| decks.first().cloned())
        .map(|d| d.rsplit("::").next().unwrap_or(&d).trim().to_owned());
    Ok(Read {
        rows,
        separator: separator_name(&sep.to_string()),
        html: h.html,
        tags: h.tags,
        deck_name,
        notes,
        skipped: Vec::new(),
    })
}

/// A table whose first record names its columns.
fn read_csv(src: &SourceText<'_>, options: &ImportOptions) -> Result<Read, ImportError> {
    let sep = match &options.separator {
        Some(s) => one_char(&parse_separator(s), "a table")?,
        None => sniff_header(src.text).unwrap_or(','),
    };
    let records = records(src, sep, false)?;
    let Some((header, body)) = records.split_first() else {
        return Ok(Read {
            rows: Vec::new(),
            separator: separator_name(&sep.to_string()),
            html: None,
            tags: Vec::new(),
            deck_name: None,
            notes: Vec::new(),
            skipped: Vec::new(),
        });
    };
    let mut mapping: Vec<Option<Column>> = Vec::with_capacity(header.fields.len());
    let mut notes = Vec::new();
    for (i, field) in header.fields.iter().enumerate() {
        let col = Column::from_header(&field.text);
        if let Some(c) = col
            && let Some(first) = mapping.iter().position(|m| *m == Some(c))
        {
            return Err(ImportError::File(Box::new(
                src.diag(
                    field.offset..field.offset + field.text.len().max(1),
                    Severity::Error,
                    format!(
                        "column {} names `{}` again (column {} does)",
                        i + 1,
                        c.name(),
                        first + 1
                    ),
                )
                .with_help("rename or remove one of the two columns"),
            )));
        }
        if col.is_none() && !field.text.trim().is_empty() {
            notes.push(Note {
                line: Some(header.line),
                message: format!(
                    "column {} (\"{}\") left out: it names no card field",
                    i + 1,
                    text::sanitize(field.text.trim())
                ),
            });
        }
        mapping.push(col);
    }
    for needed in [Column::Front, Column::Back] {
        if !mapping.contains(&Some(needed)) {
            let at = header.fields.first().map_or(0, |f| f.offset);
            return Err(ImportError::File(Box::new(
                src.diag(
                    at..at + 1,
                    Severity::Error,
                    format!("the header row names no `{}` column", needed.name()),
                )
                .with_help(
                    "the first line names the columns, for example: front,back,tags (also id, kind, answers, variants, example, parts, confused_with, note, reverse, caution, instead)",
                ),
            )));
        }
    }
    let rows: Vec<Row> = body
        .iter()
        .map(|record| {
            let mut row = Row::new(record.line);
            for (field, col) in record.fields.iter().zip(&mapping) {
                if let Some(col) = col {
                    row.cells.insert(*col, field.text.clone());
                }
            }
            row
        })
        .collect();
    Ok(Read {
        rows,
        separator: separator_name(&sep.to_string()),
        html: None,
        tags: Vec::new(),
        deck_name: None,
        notes,
        skipped: Vec::new(),
    })
}

/// Quizlet: cards separated by line ends (or `--card-separator`), each a term, a separator,
/// and the definition. Nothing is quoted.
fn read_quizlet(src: &SourceText<'_>, options: &ImportOptions) -> Result<Read, ImportError> {
    let card_sep = options
        .card_separator
        .as_deref()
        .map_or_else(|| "\n".to_owned(), parse_separator);
    if card_sep.is_empty() {
        return Err(ImportError::Usage("the card separator is empty".into()));
    }
    // Each card's text and where it starts; an empty one for an empty line.
    let mut chunks: Vec<(usize, &str)> = Vec::new();
    let mut offset = 0;
    for chunk in src.text.split(card_sep.as_str()) {
        let lead = chunk.len() - chunk.trim_start().len();
        chunks.push((offset + lead, chunk.trim_matches('\n')));
        offset += chunk.len() + card_sep.len();
    }
    let cards = || chunks.iter().filter(|(_, c)| !c.trim().is_empty());
    let sep = match &options.separator {
        Some(s) => parse_separator(s),
        None => {
            let every = |s: &str| cards().all(|(_, c)| c.contains(s));
            if cards().any(|(_, c)| c.contains('\t')) {
                "\t".to_owned()
            } else if let Some(s) = [",", " - ", ";"].into_iter().find(|s| every(s)) {
                s.to_owned()
            } else {
                let at = cards().next().map_or(0, |(o, _)| *o);
                return Err(ImportError::File(Box::new(
                    src.diag(
                        at..at,
                        Severity::Error,
                        "cannot tell what separates each term from its definition",
                    )
                    .with_help(
                        "pass --separator (for example --separator tab, --separator ' - '), or start the file with a header row: front,back",
                    ),
                )));
            }
        }
    };
    if sep.is_empty() {
        return Err(ImportError::Usage("the separator is empty".into()));
    }
    let mut rows: Vec<Row> = Vec::with_capacity(chunks.len());
    let mut skipped = Vec::new();
    let mut extra = (0, None);
    let mut joined = (0, None);
    // The card on the line before, which a line without a separator continues: Quizlet
    // writes a definition's line breaks as they are.
    let mut open: Option<usize> = None;
    for &(at, chunk) in &chunks {
        let line = src.line_of(at);
        if chunk.trim().is_empty() {
            open = None;
            continue;
        }
        let Some((term, definition)) = chunk.split_once(sep.as_str()) else {
            if card_sep == "\n"
                && let Some(row) = open.and_then(|i| rows.get_mut(i))
                && let Some(back) = row.cells.get_mut(&Column::Back)
            {
                back.push('\n');
                back.push_str(chunk);
                joined.0 += 1;
                joined.1.get_or_insert(line);
                continue;
            }
            skipped.push(Skipped {
                line,
                reason: format!(
                    "no {} between term and definition (pass --separator if the file uses another)",
                    separator_name(&sep)
                ),
            });
            continue;
        };
        if sep == "\t" && definition.contains('\t') {
            extra.0 += 1;
            extra.1.get_or_insert(line);
        }
        let mut row = Row::new(line);
        row.cells.insert(Column::Front, term.to_owned());
        row.cells.insert(Column::Back, definition.to_owned());
        open = Some(rows.len());
        rows.push(row);
    }
    let mut notes = Vec::new();
    if joined.0 > 0 {
        notes.push(Note {
            line: joined.1,
            message: format!(
                "{} line(s) without a {} were added to the definition on the line before (Quizlet keeps a definition's line breaks)",
                joined.0,
                separator_name(&sep)
            ),
        });
    }
    if extra.0 > 0 {
        notes.push(Note {
            line: extra.1,
            message: format!(
                "{} line(s) have more than two tab-separated columns; the rest is part of the definition (for an old Anki export, try --format anki)",
                extra.0
            ),
        });
    }
    Ok(Read {
        rows,
        separator: separator_name(&sep),
        html: None,
        tags: Vec::new(),
        deck_name: None,
        notes,
        skipped,
    })
}

/// Removes control and invisible characters, turns tabs into spaces, trims every line,
/// squeezes runs of spaces, and keeps at most one empty line in a row; a one-line field has
/// its lines joined by spaces. `invisible` counts the invisible characters removed.
fn clean(s: &str, multiline: bool, invisible: &mut usize) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = false;
    for line in s.split('\n') {
        let mut l = String::with_capacity(line.len());
        for c in line.chars() {
            if c == '\t' || c == '\u{A0}' || c == ' ' {
                if !l.is_empty() && !l.ends_with(' ') {
                    l.push(' ');
                }
            } else if text::is_invisible_format(c) {
                *invisible += 1;
            } else if !text::is_control(c) {
                l.push(c);
            }
        }
        let l = l.trim_end();
        if l.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            if multiline {
                out.push('\n');
                if blank {
                    out.push('\n');
                }
            } else {
                out.push(' ');
            }
        }
        blank = false;
        out.push_str(l);
    }
    out
}

/// Entries of a list cell: split at `|`, `\|` and `\\` standing for the characters.
pub fn split_list(s: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('|' | '\\')) => {
                cur.extend(chars.next());
            }
            '|' => items.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    items.push(cur);
    items
        .into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Derived ids are at most this long, cut at a `-`.
const MAX_DERIVED_ID: usize = 48;

/// The id a card's front gives, before it is made unique: `derive_id`, shortened, or
/// `card-` and a hash of the front when the front has no ASCII letter or digit.
fn base_id(front: &str) -> String {
    let id = derive_id(front);
    if id.is_empty() {
        // FNV-1a: stable across runs and versions, unlike the std hasher.
        let hash = front.bytes().fold(0x811c_9dc5_u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
        return format!("card-{hash:08x}");
    }
    if id.len() <= MAX_DERIVED_ID {
        return id;
    }
    // ASCII only, so every byte is a character.
    let head: String = id.chars().take(MAX_DERIVED_ID).collect();
    let cut = match head.rfind('-') {
        Some(i) if i >= MAX_DERIVED_ID / 2 => head.chars().take(i).collect(),
        _ => head,
    };
    cut.trim_end_matches('-').to_owned()
}

/// Turns rows into cards: the one path for every format.
struct Cards {
    html: bool,
    tags: Vec<String>,
    dropped: Dropped,
    invisible: usize,
    first_image: Option<usize>,
    first_sound: Option<usize>,
    first_invisible: Option<usize>,
    skipped: Vec<Skipped>,
    notes: Vec<Note>,
}

struct Draft {
    card: Card,
    explicit_id: bool,
}

impl Cards {
    /// A field's text: sounds removed, HTML to text, cleaned.
    fn text(&mut self, raw: &str, multiline: bool) -> String {
        let raw = html::strip_sounds(raw, &mut self.dropped);
        let plain: Cow<'_, str> = if self.html {
            Cow::Owned(html::to_text(&raw, &mut self.dropped))
        } else {
            raw
        };
        let cleaned = clean(&plain, multiline, &mut self.invisible);
        // A sound reference that only the cleaning (or the HTML) put together, such as
        // `[sou<b></b>nd:x.mp3]` or one with a control character inside, goes too: what is
        // imported must import again as itself (found by the import fuzz target).
        if cleaned.contains("[sound:") {
            let again = html::strip_sounds(&cleaned, &mut self.dropped);
            return clean(&again, multiline, &mut self.invisible);
        }
        cleaned
    }

    fn build(&mut self, rows: Vec<Row>) -> Vec<Card> {
        let mut drafts: Vec<Draft> = Vec::with_capacity(rows.len());
        for row in rows {
            if drafts.len() >= MAX_CARDS_PER_DECK {
                self.skipped.push(Skipped {
                    line: row.line,
                    reason: format!(
                        "this card and the ones after it: over the limit of {MAX_CARDS_PER_DECK} cards in one deck; split the file"
                    ),
                });
                break;
            }
            let before = (self.dropped, self.invisible);
            let built = self.card(&row);
            if self.dropped.images > before.0.images {
                self.first_image.get_or_insert(row.line);
            }
            if self.dropped.sounds > before.0.sounds {
                self.first_sound.get_or_insert(row.line);
            }
            if self.invisible > before.1 {
                self.first_invisible.get_or_insert(row.line);
            }
            match built {
                Ok(d) => drafts.push(d),
                Err(reason) => self.skipped.push(Skipped {
                    line: row.line,
                    reason,
                }),
            }
        }

        // Explicit ids first: a derived id never takes one that a later card names.
        let mut ids: HashMap<String, usize> = HashMap::with_capacity(drafts.len());
        let mut pairs: HashMap<(String, String), usize> = HashMap::with_capacity(drafts.len());
        let mut kept = Vec::with_capacity(drafts.len());
        for d in drafts {
            let line = d.card.line;
            if d.explicit_id {
                if let Some(first) = ids.get(d.card.id.as_str()) {
                    self.skipped.push(Skipped {
                        line,
                        reason: format!("id \"{}\" is already used on line {first}", d.card.id),
                    });
                    continue;
                }
                ids.insert(d.card.id.to_string(), line);
            } else if let Some(first) =
                pairs.get(&(d.card.front.to_string(), d.card.back.to_string()))
            {
                self.skipped.push(Skipped {
                    line,
                    reason: format!("duplicate of line {first} (same front and back)"),
                });
                continue;
            }
            pairs
                .entry((d.card.front.to_string(), d.card.back.to_string()))
                .or_insert(line);
            kept.push(d);
        }
        let mut cards = Vec::with_capacity(kept.len());
        for mut d in kept {
            if !d.explicit_id {
                let base = base_id(&d.card.front);
                let mut id = base.clone();
                let mut n = 2;
                while ids.contains_key(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                if let Some(first) = ids.get(&base) {
                    self.notes.push(Note {
                        line: Some(d.card.line),
                        message: format!(
                            "the id \"{base}\" is taken (line {first}), so this card is \"{id}\""
                        ),
                    });
                }
                ids.insert(id.clone(), d.card.line);
                d.card.id = id.into();
            }
            cards.push(d.card);
        }
        cards
    }

    fn card(&mut self, row: &Row) -> Result<Draft, String> {
        let raw_front = row.get(Column::Front);
        let front = self.text(raw_front, false);
        let back = self.text(row.get(Column::Back), true);
        if front.is_empty() {
            return Err("empty front".into());
        }
        if row.cloze || (raw_front.contains("{{c") && raw_front.contains("::")) {
            return Err(
                "a cloze note ({{c1::...}}): medterm cards are a front and a back; write it as a question and its answer"
                    .into(),
            );
        }
        if back.is_empty() {
            return Err("empty back".into());
        }
        let kind = match row
            .get(Column::Kind)
            .trim()
            .to_ascii_lowercase()
            .replace(' ', "-")
        {
            k if k.is_empty() => Kind::Other,
            k => Kind::parse(&k).ok_or_else(|| {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "unknown kind \"{}\"; use one of: {}",
                    text::sanitize(&k),
                    names.join(", ")
                )
            })?,
        };
        let list = |this: &mut Self, col: Column| -> Vec<String> {
            let cell = this.text(row.get(col), false);
            split_list(&cell)
        };
        let answers = list(self, Column::Answers);
        let variants = list(self, Column::Variants);
        let parts = list(self, Column::Parts);
        let confused_with = list(self, Column::ConfusedWith);
        let mut tags: Vec<String> = Vec::new();
        let tag_cell = clean(row.get(Column::Tags), false, &mut self.invisible);
        for tag in tag_cell
            .split_whitespace()
            .chain(self.tags.iter().map(String::as_str))
        {
            if !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_owned());
            }
        }
        let optional = |s: String| Some(s).filter(|s| !s.is_empty());
        let example = optional(self.text(row.get(Column::Example), true));
        let note = optional(self.text(row.get(Column::Note), true));
        let instead = optional(self.text(row.get(Column::Instead), false));
        let reverse = match row
            .get(Column::Reverse)
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "" => None,
            "true" | "yes" | "y" | "1" => Some(true),
            "false" | "no" | "n" | "0" => Some(false),
            other => {
                return Err(format!(
                    "`reverse` is \"{}\"; use true, false, or leave it empty",
                    text::sanitize(other)
                ));
            }
        };
        let caution = match row
            .get(Column::Caution)
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '_'], "-")
            .as_str()
        {
            "" => None,
            c => Some(Caution::parse(c).ok_or_else(|| {
                format!(
                    "`caution` is \"{}\"; use do-not-use, error-prone, or leave it empty",
                    text::sanitize(c)
                )
            })?),
        };
        match (caution.is_some(), instead.is_some()) {
            (true, false) => {
                return Err("`caution` without `instead`: say what to write instead".into());
            }
            (false, true) => return Err("`instead` without `caution`".into()),
            _ => {}
        }
        let raw_id = row.get(Column::Id).trim();
        let explicit_id = !raw_id.is_empty();
        if explicit_id && !is_valid_id(raw_id) {
            let suggestion = derive_id(raw_id);
            return Err(format!(
                "id \"{}\" is not made of a-z, 0-9 and -{}",
                text::sanitize(raw_id),
                if suggestion.is_empty() {
                    String::new()
                } else {
                    format!("; write \"{suggestion}\", or leave it empty to derive one")
                }
            ));
        }
        let card = Card {
            id: raw_id.into(),
            front: front.into(),
            back: back.into(),
            kind,
            answers: Text::list(answers),
            variants: Text::list(variants),
            example: example.map(Text::from),
            parts: Text::list(parts),
            tags: Text::list(tags),
            confused_with: Text::list(confused_with),
            note: note.map(Text::from),
            reverse,
            caution,
            instead: instead.map(Text::from),
            line: row.line,
        };
        if let Some((field, len)) = too_long(&card) {
            return Err(format!(
                "`{field}` is {len} bytes long, over the limit of {MAX_FIELD_BYTES}"
            ));
        }
        Ok(Draft { card, explicit_id })
    }
}

/// The first field over the loader's length limit, and its length.
fn too_long(card: &Card) -> Option<(&'static str, usize)> {
    let single = [
        ("front", Some(&card.front)),
        ("back", Some(&card.back)),
        ("example", card.example.as_ref()),
        ("note", card.note.as_ref()),
        ("instead", card.instead.as_ref()),
    ];
    let lists = [
        ("answers", &card.answers),
        ("variants", &card.variants),
        ("parts", &card.parts),
        ("tags", &card.tags),
        ("confused_with", &card.confused_with),
    ];
    single
        .into_iter()
        .filter_map(|(f, s)| s.map(|s| (f, s.len())))
        .chain(
            lists
                .into_iter()
                .flat_map(|(f, l)| l.iter().map(move |s| (f, s.len()))),
        )
        .find(|&(_, len)| len > MAX_FIELD_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Imported {
        run_with(text, &ImportOptions::default())
    }

    fn run_with(text: &str, options: &ImportOptions) -> Imported {
        match import("cards.txt", text.as_bytes(), options) {
            Ok(i) => i,
            Err(ImportError::File(d)) => panic!("{}", d.render()),
            Err(e) => panic!("{e}"),
        }
    }

    fn fail(bytes: &[u8]) -> Diagnostic {
        match import("cards.txt", bytes, &ImportOptions::default()) {
            Err(ImportError::File(d)) => *d,
            other => panic!("expected a file error, got {other:?}"),
        }
    }

    #[test]
    fn every_kind_of_line_end_counts_in_an_errors_position() {
        // A lone CR (old Mac) ends a line for the reader, so for the position too (found by
        // the import fuzz target: the NUL check counted it as part of the line).
        let d = fail(b"front,back\rbrady-,slow\r\ntachy-,f\0ast\n");
        assert_eq!((d.line, d.column), (Some(3), Some(9)));
        let d = fail(b"front,back\rbrady-,sl\xffow\n");
        assert_eq!((d.line, d.column), (Some(2), Some(10)));
    }

    fn pairs(i: &Imported) -> Vec<(&str, &str, &str)> {
        i.deck
            .cards
            .iter()
            .map(|c| (c.id.as_str(), c.front.as_str(), c.back.as_str()))
            .collect()
    }

    #[test]
    fn anki_headers_name_the_separator_html_tags_and_deck() {
        let i = run(
            "#separator:Semicolon\n#html:true\n#tags:imported\n#deck:Nursing::Terms\n#tags column:3\n\
             gastr/o;stomach<br>(belly);digestive\n\"a;b\";\"x\"\"y\";\n",
        );
        assert_eq!(i.format, InputFormat::Anki);
        assert_eq!(i.separator, "semicolon");
        assert!(i.html);
        assert_eq!(
            pairs(&i),
            [
                ("gastr-o", "gastr/o", "stomach\n(belly)"),
                ("a-b", "a;b", "x\"y")
            ]
        );
        assert_eq!(i.deck.cards[0].tags, ["digestive", "imported"]);
        assert_eq!(i.deck.cards[1].tags, ["imported"]);
        assert_eq!(i.deck.name, "Terms");
        assert_eq!(i.deck.id, "cards");
    }

    #[test]
    fn anki_special_columns_are_not_fields() {
        let i = run(
            "#separator:tab\n#html:false\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n\
             Ab$1\tBasic\tMed::Cardio\tcardi/o\theart\tcardio\n\
             Cd%2\tBasic\tMed::Renal\tren/o\tkidney\trenal urinary\n",
        );
        assert_eq!(
            pairs(&i),
            [
                ("cardi-o", "cardi/o", "heart"),
                ("ren-o", "ren/o", "kidney")
            ]
        );
        assert_eq!(i.deck.cards[1].tags, ["renal", "urinary"]);
        assert_eq!(i.deck.cards[0].reverse, None);
        assert_eq!(i.deck.name, "Cardio");
        assert!(i.notes.iter().any(|n| n.message.contains("2 Anki decks")));
    }

    #[test]
    fn anki_columns_header_maps_fields_by_name() {
        let i = run(
            "#separator:pipe\n#html:false\n#columns:Back|Front|Extra|Source\n\
             heart|cardi/o|as in cardiology|book p. 12\n",
        );
        let c = &i.deck.cards[0];
        assert_eq!((c.front.as_str(), c.back.as_str()), ("cardi/o", "heart"));
        assert_eq!(c.note.as_deref(), Some("as in cardiology"));
        assert!(
            i.notes
                .iter()
                .any(|n| n.message.contains("column 4 (\"Source\") left out")),
            "{:?}",
            i.notes
        );
    }

    #[test]
    fn anki_header_errors_point_at_the_value() {
        let d = fail(b"#separator:foo\na\tb\n");
        assert_eq!((d.line, d.column), (Some(1), Some(12)));
        assert!(d.message.contains("unknown separator \"foo\""));
        let d = fail(b"#separator:tab\n#tags column:0\na\tb\n");
        assert_eq!(d.line, Some(2));
        let d = fail(b"#html:maybe\na\tb\n");
        assert!(d.message.contains("true or false"));
    }

    #[test]
    fn anki_note_types_give_reverse_and_cloze() {
        let i = run("#separator:tab\n#html:false\n#notetype column:1\n\
             Basic (and reversed card)\tcardi/o\theart\n\
             Cloze\tThe heart\tcardio\n");
        assert_eq!(i.deck.cards.len(), 1);
        assert_eq!(i.deck.cards[0].reverse, Some(true));
        assert!(i.skipped[0].reason.starts_with("a cloze note"));
        let all = run("#separator:tab\n#notetype:Basic (and reversed card)\na\tb\n");
        assert_eq!(all.deck.cards[0].reverse, Some(true));
    }

    #[test]
    fn cloze_notes_are_skipped_with_a_reason() {
        let i = run("#separator:tab\n#html:true\nThe {{c1::heart}} pumps\textra\ncardi/o\theart\n");
        assert_eq!(i.deck.cards.len(), 1);
        assert_eq!(i.skipped[0].line, 3);
        assert!(i.skipped[0].reason.contains("cloze"));
    }

    #[test]
    fn csv_header_rows_name_every_card_field() {
        let text = "Front,Back,Tags,ID,Kind,Answers,Confused With,Reverse,Caution,Instead,Example\n\
                    U,unit,do-not-use safety,u,abbreviation,units | one unit,cc,false,do-not-use,\"Write \"\"unit\"\"\",\n\
                    \"-itis\",inflammation,,,suffix,,,,,,\"appendicitis: inflamed appendix\"\n";
        let i = run(text);
        assert_eq!(i.format, InputFormat::Csv);
        assert_eq!(i.separator, "comma");
        assert!(!i.html);
        let u = &i.deck.cards[0];
        assert_eq!(u.id, "u");
        assert_eq!(u.kind, Kind::Abbreviation);
        assert_eq!(u.tags, ["do-not-use", "safety"]);
        assert_eq!(u.answers, ["units", "one unit"]);
        assert_eq!(u.confused_with, ["cc"]);
        assert_eq!(u.reverse, Some(false));
        assert_eq!(u.caution, Some(Caution::DoNotUse));
        assert_eq!(u.instead.as_deref(), Some("Write \"unit\""));
        let itis = &i.deck.cards[1];
        assert_eq!((itis.id.as_str(), itis.kind), ("itis", Kind::Suffix));
        assert_eq!(
            itis.example.as_deref(),
            Some("appendicitis: inflamed appendix")
        );
    }

    #[test]
    fn the_header_row_sets_the_separator() {
        assert_eq!(run("front\tback\na, b\tc; d\n").separator, "tab");
        assert_eq!(run("front;back\na, b;c\n").separator, "semicolon");
        let i = run("term,definition\nbrady-,slow\n");
        assert_eq!((i.format, pairs(&i)[0].1), (InputFormat::Csv, "brady-"));
    }

    #[test]
    fn bad_csv_cells_skip_their_card_with_the_line() {
        let text = "front,back,kind,caution,instead,id,reverse\n\
                    a,b,prefx,,,,\n\
                    c,d,,do-not-use,,,\n\
                    e,f,,,,Bad Id,\n\
                    g,h,,,,,maybe\n\
                    i,j,,,,,\n";
        let i = run(text);
        assert_eq!(pairs(&i), [("i", "i", "j")]);
        let reasons: Vec<(usize, &str)> = i
            .skipped
            .iter()
            .map(|s| (s.line, s.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), 4);
        assert!(reasons[0].1.starts_with("unknown kind \"prefx\""));
        assert_eq!(
            reasons[1],
            (3, "`caution` without `instead`: say what to write instead")
        );
        assert!(reasons[2].1.contains("write \"bad-id\""));
        assert_eq!(reasons[3].0, 5);
    }

    #[test]
    fn a_header_without_front_or_a_repeated_column_is_an_error() {
        let options = ImportOptions {
            format: Some(InputFormat::Csv),
            ..ImportOptions::default()
        };
        let Err(ImportError::File(d)) = import("c.csv", b"word,notes\n", &options) else {
            panic!()
        };
        assert!(d.message.contains("no `front` column") || d.message.contains("no `back`"));
        let Err(ImportError::File(d)) = import("c.csv", b"front,back,Tags,tags\n", &options) else {
            panic!()
        };
        assert_eq!((d.line, d.column), (Some(1), Some(17)));
        assert!(d.message.contains("names `tags` again (column 3 does)"));
    }

    #[test]
    fn quizlet_lines_split_at_the_first_separator() {
        let i = run("brady-\tslow\ntachy-\tfast, rapid\n\nno separator here\n");
        assert_eq!(i.format, InputFormat::Quizlet);
        assert_eq!(
            pairs(&i),
            [
                ("brady", "brady-", "slow"),
                ("tachy", "tachy-", "fast, rapid")
            ]
        );
        assert_eq!(i.skipped[0].line, 4);
        assert!(i.skipped[0].reason.contains("no tab between term"));

        let comma = run("brady-,slow\ntachy-,fast, rapid\n");
        assert_eq!(comma.separator, "comma");
        assert_eq!(comma.deck.cards[1].back, "fast, rapid");

        let custom = run_with(
            "brady- :: slow;\ntachy- :: fast\nor rapid;",
            &ImportOptions {
                separator: Some(" :: ".into()),
                card_separator: Some("semicolon".into()),
                ..ImportOptions::default()
            },
        );
        assert_eq!(
            pairs(&custom),
            [
                ("brady", "brady-", "slow"),
                ("tachy", "tachy-", "fast\nor rapid")
            ]
        );
        assert_eq!(custom.deck.cards[1].line, 2);
    }

    #[test]
    fn a_quizlet_line_without_a_separator_continues_the_definition_above() {
        let i = run("brady-\tslow\nas in bradycardia\ntachy-\tfast\n\nstray line\n");
        assert_eq!(
            pairs(&i),
            [
                ("brady", "brady-", "slow\nas in bradycardia"),
                ("tachy", "tachy-", "fast")
            ]
        );
        assert_eq!(i.skipped.len(), 1);
        assert_eq!(i.skipped[0].line, 5);
        assert!(i.notes.iter().any(|n| n.line == Some(2)));
    }

    #[test]
    fn quizlet_without_a_separator_says_how_to_give_one() {
        let d = fail(b"just some words\nand more words\n");
        assert!(d.message.contains("cannot tell what separates"));
        assert!(d.help.unwrap().contains("--separator"));
    }

    #[test]
    fn bom_crlf_and_utf16_are_read() {
        let i = run("\u{feff}front,back\r\nbrady-,slow\r\n\r\ntachy-,\"fast\r\nrapid\"\r\n");
        assert_eq!(i.format, InputFormat::Csv);
        assert_eq!(
            pairs(&i),
            [
                ("brady", "brady-", "slow"),
                ("tachy", "tachy-", "fast\nrapid")
            ]
        );
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "front\tback\nµg\tmicrogram\n".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        let i = import("c.txt", &utf16, &ImportOptions::default()).unwrap();
        assert_eq!(i.deck.cards[0].front, "µg");
        assert_eq!(i.deck.cards[0].id, "g");
    }

    #[test]
    fn unreadable_files_are_located() {
        let d = fail(b"front,back\nok,fine\nbad,caf\xe9\n");
        assert_eq!((d.line, d.column), (Some(3), Some(8)));
        assert!(d.message.contains("not UTF-8"));
        let d = fail(b"front,back\nok,fine\nx,\"never closed\ny,z\n");
        assert_eq!((d.line, d.column), (Some(3), Some(3)));
        assert!(d.message.contains("never closed"));
        assert!(fail(b"PK\x03\x04rest").message.contains("zip archive"));
        assert!(fail(b"a\tb\0c\n").message.contains("NUL"));
    }

    #[test]
    fn header_only_and_empty_files_give_no_cards() {
        assert!(run("front,back,tags\n").deck.cards.is_empty());
        assert!(run("#separator:tab\n#html:true\n").deck.cards.is_empty());
        let i = run("\n\n");
        assert!(i.deck.cards.is_empty());
        assert!(i.skipped.is_empty());
    }

    #[test]
    fn ids_are_stable_unique_and_never_take_an_explicit_one() {
        let text = "front,back,id\n\
                    gastr/o,stomach,\n\
                    gastr/o,belly,\n\
                    gastr/o,stomach,\n\
                    GASTR-O,stomach again,\n\
                    other,thing,gastr-o-2\n\
                    dup id,x,gastr-o-2\n";
        let i = run(text);
        assert_eq!(
            pairs(&i),
            [
                ("gastr-o", "gastr/o", "stomach"),
                ("gastr-o-3", "gastr/o", "belly"),
                ("gastr-o-4", "GASTR-O", "stomach again"),
                ("gastr-o-2", "other", "thing"),
            ]
        );
        let reasons: Vec<&str> = i.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "duplicate of line 2 (same front and back)",
                "id \"gastr-o-2\" is already used on line 6"
            ]
        );
        // The same file gives the same ids.
        assert_eq!(pairs(&run(text)), pairs(&i));
    }

    #[test]
    fn long_fronts_give_short_ids_and_symbols_a_hash() {
        let long = "inflammation of the stomach and the small intestine, usually from infection";
        let id = base_id(long);
        assert!(id.len() <= MAX_DERIVED_ID && !id.ends_with('-'), "{id}");
        assert!(id.starts_with("inflammation-of-the-stomach"));
        assert_eq!(base_id("µ"), base_id("µ"));
        assert_ne!(base_id("µ"), base_id("α"));
    }

    #[test]
    fn fields_over_the_limit_skip_their_card() {
        let text = format!(
            "front\tback\nok\tfine\nbig\t{}\n",
            "x".repeat(MAX_FIELD_BYTES + 1)
        );
        let i = run(&text);
        assert_eq!(i.deck.cards.len(), 1);
        assert_eq!(i.skipped[0].line, 3);
        assert!(i.skipped[0].reason.contains("over the limit of 16384"));
    }

    #[test]
    fn text_is_cleaned_to_what_the_loader_accepts() {
        let i = run("front\tback\tnote\nbrady\u{200b}-\tslow \u{1b}[31m  pace\tline one\n");
        let c = &i.deck.cards[0];
        assert_eq!(
            (c.front.as_str(), c.back.as_str()),
            ("brady-", "slow [31m pace")
        );
        assert!(i.notes.iter().any(|n| n.message.contains("1 invisible")));
        assert_eq!(clean("  a \n\n\n b  \n", true, &mut 0), "a\n\nb");
        assert_eq!(clean("a\nb", false, &mut 0), "a b");
    }

    #[test]
    fn html_is_detected_when_the_file_does_not_say() {
        let i = run("front\tback\ncardi/o\theart<br>cor\n");
        assert!(i.html);
        assert_eq!(i.deck.cards[0].back, "heart\ncor");
        assert!(
            i.notes
                .iter()
                .any(|n| n.line == Some(2) && n.message.contains("<br>"))
        );
        let plain = run_with(
            "front\tback\ncardi/o\theart<br>cor\n",
            &ImportOptions {
                html: Some(false),
                ..ImportOptions::default()
            },
        );
        assert_eq!(plain.deck.cards[0].back, "heart<br>cor");
        assert!(!run("front\tback\nI&O\tintake & output; < 10\n").html);
    }

    #[test]
    fn the_result_loads_without_errors() {
        let i = run(
            "#separator:comma\n#html:true\n\"q.d.\",\"daily <b>(do not use)</b>\"\n\"\\\\\",\"back\\\\slash \"\"\"\"\"\"\"\n",
        );
        let toml = super::super::writer::deck_to_toml(&i.deck, &[]);
        assert_eq!(super::super::writer::reads_back(&i.deck, &toml), Ok(()));
    }
}
