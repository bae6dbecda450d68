//! Reading every device's log fast, for the replay at start-up: lines parsed without copying
//! their strings, card keys numbered on the way, files read in pieces (memory stays flat
//! however long the history) and split over two threads.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use foldhash::HashSet;
use serde::Deserialize;
use std::borrow::Cow;

use super::history::log_files;
use super::log::{Damage, FORMAT_VERSION, LineProblem, parse_line};
use crate::scheduler::{Answer, Interner, Merged, Op, Rating};

/// What start-up needs from the logs.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Card keys by number; keys given up front keep their numbers.
    pub cards: Interner,
    /// The answers in runs, each in time order, undone answers left out. Together, in
    /// order, they are stretches of the files in file order: [`Loaded::answers`] merges
    /// them (ties: device, then line). Kept apart, they need no merged copy: a million
    /// answers are 24 MB, and fresh memory costs a page fault every 4 KB.
    runs: Vec<Vec<Answer>>,
    pub damage: Vec<Damage>,
    /// Logs whose last line was cut short: the path and the byte offset where it begins.
    pub torn: Vec<(PathBuf, u64)>,
    /// The files read and their sizes.
    pub files: Vec<(PathBuf, u64)>,
}

impl Loaded {
    /// Every answer in time order (ties: device, then line).
    pub fn answers(&self) -> Merged<'_> {
        Merged::new(&self.runs())
    }

    /// The answers' runs, for a caller that merges them itself (see [`Merged`]).
    pub fn runs(&self) -> Vec<&[Answer]> {
        self.runs.iter().map(Vec::as_slice).collect()
    }

    pub fn answer_count(&self) -> usize {
        self.runs.iter().map(Vec::len).sum()
    }
}

#[derive(Deserialize)]
struct Raw<'a> {
    v: u32,
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    card: Option<Cow<'a, str>>,
    #[serde(borrow)]
    time: Cow<'a, str>,
    #[serde(default)]
    rating: Option<u8>,
    #[serde(default)]
    ms: Option<u64>,
    #[serde(borrow, default)]
    target: Option<Cow<'a, str>>,
    /// Not used here, but a line without it is no event (as for `log::parse_line`).
    #[serde(borrow, rename = "device")]
    _device: Cow<'a, str>,
}

/// The last date seen, as its text and its date: lines in time order mostly share it.
#[derive(Default)]
struct DateCache {
    text: [u8; 10],
    date: Option<NaiveDate>,
}

/// [`parse_time`] of a field's bytes (UTF-8), remembering the last date.
fn parse_time_cached(b: &[u8], cache: &mut DateCache) -> Option<DateTime<Utc>> {
    let slow = || parse_time(std::str::from_utf8(b).ok()?);
    if b.len() == 24
        && b[10] == b'T'
        && b[19] == b'.'
        && b[23] == b'Z'
        && b[13] == b':'
        && b[16] == b':'
    {
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let mut n = 0u32;
            for &c in b.get(r)? {
                if !c.is_ascii_digit() {
                    return None;
                }
                n = n * 10 + u32::from(c - b'0');
            }
            Some(n)
        };
        if cache.date.is_none() || b[..10] != cache.text {
            let mut midnight = [0u8; 20];
            midnight[..10].copy_from_slice(&b[..10]);
            midnight[10..].copy_from_slice(b"T00:00:00Z");
            cache.date = Some(parse_time(std::str::from_utf8(&midnight).ok()?)?.date_naive());
            cache.text.copy_from_slice(&b[..10]);
        }
        let (h, m, sec, ms) = (
            digits(11..13)?,
            digits(14..16)?,
            digits(17..19)?,
            digits(20..23)?,
        );
        if h > 23 || m > 59 || sec > 59 {
            // Out of range, or a leap second (`23:59:60`, which RFC 3339 allows): chrono
            // decides, as it does for `log::parse_line`.
            return slow();
        }
        let time = chrono::NaiveTime::from_hms_milli_opt(h, m, sec, ms)?;
        return Some(chrono::NaiveDateTime::new(cache.date?, time).and_utc());
    }
    slow()
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z`, as medterm writes it; anything else goes through chrono.
fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let mut n = 0u32;
        for &c in b.get(r)? {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u32::from(c - b'0');
        }
        Some(n)
    };
    let fast = (|| {
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let millis = match (b.len(), b.get(19)) {
            (20, Some(b'Z')) => 0,
            (24, Some(b'.')) if b[23] == b'Z' => num(20..23)?,
            _ => return None,
        };
        let date =
            NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?;
        let t = date.and_hms_milli_opt(num(11..13)?, num(14..16)?, num(17..19)?, millis)?;
        Some(t.and_utc())
    })();
    fast.or_else(|| {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// One piece of work: a byte range of a file.
struct Chunk {
    file: usize,
    start: u64,
    end: u64,
    /// The file's last chunk: a last line without its newline is a torn tail.
    last: bool,
}

/// Byte offsets up to 1 TiB; the file number goes above.
const OFFSET_BITS: u32 = 40;

#[derive(Default)]
struct Part {
    dates: DateCache,
    cards: Interner,
    answers: Vec<Answer>,
    /// Parallel to the run until the undone answers are found: a hash of each answer's event
    /// id (to find the answers an undo names without keeping every id), and where its line
    /// is (file number above [`OFFSET_BITS`], byte offset below), to confirm them.
    id_hash: Vec<u32>,
    pos: Vec<u64>,
    /// The ids `undo` events name.
    undo_targets: Vec<String>,
    damage: Vec<(usize, u64, LineProblem)>,
    torn: Vec<(usize, u64)>,
}

impl Part {
    /// Puts the run in time order (stable: file order among equal times), if it is not
    /// already, as a log written as the student answered is.
    fn sort(&mut self) {
        fn permute<T: Copy>(v: &mut Vec<T>, order: &[u32]) {
            *v = order.iter().map(|&i| v[i as usize]).collect();
        }
        if self.answers.is_sorted_by_key(|a| a.time) {
            return;
        }
        let mut order: Vec<u32> =
            (0..u32::try_from(self.answers.len()).unwrap_or(u32::MAX)).collect();
        order.sort_by_key(|&i| self.answers[i as usize].time);
        permute(&mut self.answers, &order);
        permute(&mut self.id_hash, &order);
        permute(&mut self.pos, &order);
    }

    /// Leaves out the answers at `undone` (ascending indices).
    fn remove(&mut self, undone: &[usize]) {
        let mut next = undone.iter().peekable();
        let mut i = 0;
        self.answers.retain(|_| {
            let keep = next.peek() != Some(&&i);
            if !keep {
                next.next();
            }
            i += 1;
            keep
        });
    }
}

/// Marks a card number from a reader thread's own table, renumbered when the parts merge.
const LOCAL: u32 = 1 << 31;

/// A hash of an event id, eight bytes at a time. It only has to agree within one load and
/// candidates are confirmed by reading their line again, so 32 bits of a multiply-rotate
/// hash are plenty (and a tenth of a general hasher's cost, on every line).
fn id_hash(id: &[u8]) -> u32 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = 0x6d65_6474_6572_6d00 ^ id.len() as u64;
    let mut words = id.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
    }
    let rest = words.remainder();
    let mut w = [0u8; 8];
    w[..rest.len()].copy_from_slice(rest);
    h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K);
    (h >> 32) as u32
}

const PIECE: usize = 256 << 10;

fn parse_chunk(path: &Path, chunk: &Chunk, known: &Interner, part: &mut Part) -> io::Result<()> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(chunk.start))?;
    let len = chunk.end - chunk.start;
    let mut reader = file.take(len);
    // One buffer, zeroed once: the file is read into it piece by piece, and a line cut at
    // the end of a piece moves to the front. A line longer than the buffer doubles it.
    let mut buf: Vec<u8> = vec![0; usize::try_from(len).unwrap_or(PIECE).clamp(1, PIECE)];
    let mut filled = 0;
    let mut offset = chunk.start; // file offset of buf[0]
    loop {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        let n = read_full(&mut reader, &mut buf[filled..])?;
        let eof = filled + n < buf.len();
        filled += n;
        let mut pos = 0;
        while let Some(i) = memchr::memchr(b'\n', &buf[pos..filled]) {
            let line = &buf[pos..pos + i];
            handle_line(
                line,
                chunk.file,
                offset + pos as u64,
                true,
                false,
                known,
                part,
            );
            pos += i + 1;
        }
        if eof {
            let rest = &buf[pos..filled];
            if !rest.is_empty() {
                handle_line(
                    rest,
                    chunk.file,
                    offset + pos as u64,
                    false,
                    chunk.last,
                    known,
                    part,
                );
            }
            return Ok(());
        }
        buf.copy_within(pos..filled, 0);
        filled -= pos;
        offset += pos as u64;
    }
}

fn read_full(r: &mut impl Read, mut buf: &mut [u8]) -> io::Result<usize> {
    let mut total = 0;
    while !buf.is_empty() {
        match r.read(buf) {
            Ok(0) => break,
            Ok(n) => {
                total += n;
                buf = &mut buf[n..];
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(total)
}

/// The fields of an event, as byte strings of a line already checked to be UTF-8.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Fields<'a> {
    id: &'a [u8],
    kind: &'a [u8],
    /// Empty when absent.
    card: &'a [u8],
    time: &'a [u8],
    rating: Option<u8>,
    ms: Option<u64>,
    /// Empty when absent.
    target: &'a [u8],
}

impl<'a> Fields<'a> {
    fn of(raw: &'a Raw<'a>) -> Fields<'a> {
        Fields {
            id: raw.id.as_bytes(),
            kind: raw.kind.as_bytes(),
            card: raw.card.as_deref().map_or(&[], str::as_bytes),
            time: raw.time.as_bytes(),
            rating: raw.rating,
            ms: raw.ms,
            target: raw.target.as_deref().map_or(&[], str::as_bytes),
        }
    }
}

/// The first `"` in `b`: eight bytes at a time in a word (a call to memchr costs more than
/// the search on strings this short).
fn find_quote(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const QUOTES: u64 = 0x2222_2222_2222_2222;
    let mut i = 0;
    while let Some(word) = b.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        // A byte that is a quote becomes zero; the lowest byte flagged is the first zero
        // (bytes above it may be flagged wrongly by the borrow, never below).
        let x = u64::from_le_bytes(w) ^ QUOTES;
        let zero = x.wrapping_sub(ONES) & !x & HIGHS;
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?.iter().position(|&c| c == b'"').map(|p| i + p)
}

/// Whether every byte of `b` is printable ASCII (0x20 to 0x7e, or DEL), and whether one is a
/// backslash, in one pass.
fn printable_ascii(b: &[u8]) -> (bool, bool) {
    let (top, slash) = b.iter().fold((0u8, 0u8), |(top, slash), &c| {
        (top.max(c.wrapping_sub(0x20)), slash | u8::from(c == b'\\'))
    });
    (top < 0x60, slash != 0)
}

/// The fields of a line exactly as medterm writes it: `{"v":1,"id":"…","kind":"…","card":"…",
/// "time":"…","rating":N,"ms":N,"device":"…"}` with no escapes. Anything else returns `None`
/// and goes through serde.
fn fast_fields(line: &[u8]) -> Option<Fields<'_>> {
    struct Cursor<'a> {
        b: &'a [u8],
        pos: usize,
    }
    impl<'a> Cursor<'a> {
        fn lit(&mut self, l: &[u8]) -> Option<()> {
            let end = self.pos + l.len();
            (self.b.get(self.pos..end)? == l).then(|| self.pos = end)
        }
        /// A string's contents up to its closing quote (the line has no escapes).
        fn string(&mut self) -> Option<&'a [u8]> {
            let rest = self.b.get(self.pos..)?;
            let end = find_quote(rest)?;
            self.pos += end + 1;
            rest.get(..end)
        }
        fn number(&mut self) -> Option<u64> {
            let rest = self.b.get(self.pos..)?;
            let mut n = 0u64;
            let mut len = 0;
            for &d in rest.iter().take(19) {
                if !d.is_ascii_digit() {
                    break;
                }
                n = n * 10 + u64::from(d - b'0');
                len += 1;
            }
            // JSON numbers have no leading zero: `0420` is serde's to refuse.
            if len == 0 || len > 18 || (len > 1 && rest[0] == b'0') {
                return None;
            }
            self.pos += len;
            Some(n)
        }
    }
    // JSON strings hold no raw control character: such a line is serde's to refuse, as is
    // any escape. Text beyond ASCII must be UTF-8; ASCII is.
    let body = line.strip_suffix(b"\r").unwrap_or(line);
    let (ascii, slash) = printable_ascii(body);
    if slash || (!ascii && (body.iter().any(|&c| c < 0x20) || std::str::from_utf8(line).is_err())) {
        return None;
    }
    let mut c = Cursor { b: line, pos: 0 };
    c.lit(br#"{"v":1,"id":""#)?;
    let id = c.string()?;
    c.lit(br#","kind":""#)?;
    let kind = c.string()?;
    let card = if c.lit(br#","card":""#).is_some() {
        c.string()?
    } else {
        &[]
    };
    c.lit(br#","time":""#)?;
    let time = c.string()?;
    let rating = if c.lit(br#","rating":"#).is_some() {
        Some(u8::try_from(c.number()?).ok()?)
    } else {
        None
    };
    let ms = if c.lit(br#","ms":"#).is_some() {
        Some(c.number()?)
    } else {
        None
    };
    let target = if c.lit(br#","target":""#).is_some() {
        c.string()?
    } else {
        &[]
    };
    c.lit(br#","device":""#)?;
    c.string()?;
    let tail = line.get(c.pos..)?;
    (tail == b"}" || tail == b"}\r").then_some(Fields {
        id,
        kind,
        card,
        time,
        rating,
        ms,
        target,
    })
}

fn handle_line(
    line: &[u8],
    file: usize,
    offset: u64,
    complete: bool,
    last_of_file: bool,
    known: &Interner,
    part: &mut Part,
) {
    if line.iter().all(|&b| b == 0 || b.is_ascii_whitespace()) {
        if !complete && last_of_file {
            part.torn.push((file, offset));
        }
        return;
    }
    let fast = fast_fields(line);
    // From checked text, not bytes: serde_json skips an unknown field's string without
    // checking its UTF-8, where `parse_line` (text first) refuses the line.
    let slow = match fast {
        Some(_) => None,
        None => match std::str::from_utf8(line).map(serde_json::from_str::<Raw<'_>>) {
            Ok(Ok(raw)) if raw.v <= FORMAT_VERSION => Some(raw),
            _ => None,
        },
    };
    let fields = fast.or_else(|| slow.as_ref().map(Fields::of));
    let event = fields.map_or(Err(()), |f| to_answer(&f, part));
    match (event, fields) {
        (Ok(Some((time, op, ms, id_hash))), Some(fields)) if complete => {
            let card = card_number(fields.card, known, part);
            part.answers.push(Answer { card, time, op, ms });
            part.id_hash.push(id_hash);
            part.pos.push(((file as u64) << OFFSET_BITS) | offset);
        }
        (Ok(_), _) if complete => {}
        // A last line cut short, or unparsable at the very end of a file: a torn write.
        // A last line without its newline is a write cut short, whatever it holds (as for
        // `log::parse_log`); a complete line that is no event is damage, wherever it is.
        _ if last_of_file && !complete => part.torn.push((file, offset)),
        _ => {
            // Say exactly why, with the slow parser.
            let problem = match std::str::from_utf8(line) {
                Ok(text) => match parse_line(text.trim_end_matches('\r')) {
                    Err(p) => p,
                    Ok(_) => LineProblem::Unparsable("unreadable event".into()),
                },
                Err(e) => LineProblem::Unparsable(e.to_string()),
            };
            part.damage.push((file, offset, problem));
        }
    }
}

/// A card key's number: the library's (`known`, shared and only read) or, for other cards,
/// one from the thread's own table, marked [`LOCAL`]. The key comes from a line checked to
/// be UTF-8, so it is.
fn card_number(key: &[u8], known: &Interner, part: &mut Part) -> u32 {
    known
        .get_bytes(key)
        .unwrap_or_else(|| LOCAL | part.cards.intern(&String::from_utf8_lossy(key)))
}

/// The answer of a line but its card (time, op, time taken, id hash): `Ok(None)` for events that
/// carry none (an undo, whose target is noted), `Err` when the line is not a valid event.
/// The fields come from a line checked to be UTF-8 and end at quotes, so each is UTF-8.
#[allow(clippy::type_complexity)]
fn to_answer(
    raw: &Fields<'_>,
    part: &mut Part,
) -> Result<Option<(DateTime<Utc>, Op, u32, u32)>, ()> {
    let text = |b| std::str::from_utf8(b).map_err(|_| ());
    let time = parse_time_cached(raw.time, &mut part.dates).ok_or(())?;
    let op = match raw.kind {
        b"review" => Op::Grade(Rating::from_number(u64::from(raw.rating.ok_or(())?)).ok_or(())?),
        b"suspend" => Op::Suspend,
        b"unsuspend" => Op::Unsuspend,
        b"bury" => Op::Bury,
        b"undo" => {
            if raw.target.is_empty() {
                return Err(());
            }
            part.undo_targets.push(text(raw.target)?.to_owned());
            return Ok(None);
        }
        _ => return Err(()),
    };
    if raw.card.is_empty() {
        return Err(());
    }
    // Time taken belongs to answers only, as in `log::Action`: a suspend's `ms` is ignored.
    let ms = match op {
        Op::Grade(_) => u32::try_from(raw.ms.unwrap_or(0)).unwrap_or(u32::MAX),
        Op::Suspend | Op::Unsuspend | Op::Bury => 0,
    };
    Ok(Some((time, op, ms, id_hash(raw.id))))
}

/// Reads every log in `dir`. `known` keys are numbered first, in order (the library's items),
/// so that an answer's card number is its item's index.
pub fn load(dir: &Path, known: impl IntoIterator<Item = impl AsRef<str>>) -> io::Result<Loaded> {
    let files = log_files(dir)?;
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| f.metadata().map(|m| m.len()))
        .collect::<io::Result<_>>()?;
    let known = known.into_iter();
    let mut out = Loaded {
        files: files.iter().cloned().zip(sizes.iter().copied()).collect(),
        cards: Interner::with_capacity(known.size_hint().0),
        ..Loaded::default()
    };
    for k in known {
        out.cards.intern(k.as_ref());
    }
    if files.is_empty() {
        return Ok(out);
    }

    // Two chunks of about equal size per thread, split at line starts.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4));
    let total: u64 = sizes.iter().sum();
    let target = (total / threads as u64).max(1 << 20);
    let mut chunks: Vec<Chunk> = Vec::new();
    for (i, (path, &size)) in files.iter().zip(&sizes).enumerate() {
        let mut start = 0;
        while start < size {
            let mut end = (start + target).min(size);
            if end < size {
                end = next_line_start(path, end)?.min(size);
            }
            chunks.push(Chunk {
                file: i,
                start,
                end,
                last: end >= size,
            });
            start = end;
        }
    }
    // Consecutive chunks to each thread, about as many bytes each.
    let mut groups: Vec<&[Chunk]> = Vec::with_capacity(threads);
    let (mut from, mut bytes) = (0, 0);
    for (i, c) in chunks.iter().enumerate() {
        bytes += c.end - c.start;
        if bytes >= target && groups.len() + 1 < threads {
            groups.push(&chunks[from..=i]);
            (from, bytes) = (i + 1, 0);
        }
    }
    if from < chunks.len() {
        groups.push(&chunks[from..]);
    }
    let parts: Vec<io::Result<Vec<Part>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = groups
            .iter()
            .map(|group| {
                let files = &files;
                let known = &out.cards;
                scope.spawn(move || {
                    // One part (one run) per chunk: a stretch of one file, which is in time
                    // order unless the log was written out of order (an imported history).
                    let mut parts = Vec::with_capacity(group.len());
                    for chunk in *group {
                        // Lines are about 150 bytes: room for them all, so the vectors do
                        // not grow by copying.
                        let lines = usize::try_from((chunk.end - chunk.start) / 140)
                            .unwrap_or(0)
                            .min(1 << 26);
                        let mut part = Part {
                            answers: Vec::with_capacity(lines),
                            id_hash: Vec::with_capacity(lines),
                            pos: Vec::with_capacity(lines),
                            ..Part::default()
                        };
                        parse_chunk(&files[chunk.file], chunk, known, &mut part)?;
                        part.sort();
                        parts.push(part);
                    }
                    Ok(parts)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("a log reader thread panicked")))
            })
            .collect()
    });
    let mut parts: Vec<Part> = parts
        .into_iter()
        .collect::<io::Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();

    // Renumber each part's own cards into the shared numbering, in place.
    let mut targets: Vec<String> = Vec::new();
    for part in &mut parts {
        if !part.cards.is_empty() {
            let map: Vec<u32> = (0..part.cards.len())
                .map(|i| {
                    out.cards
                        .intern(part.cards.key(u32::try_from(i).unwrap_or(u32::MAX)))
                })
                .collect();
            for a in &mut part.answers {
                if a.card & LOCAL != 0 {
                    a.card = map[(a.card & !LOCAL) as usize];
                }
            }
        }
        targets.append(&mut part.undo_targets);
        for (file, offset, problem) in std::mem::take(&mut part.damage) {
            out.damage.push(Damage {
                path: files[file].clone(),
                line: line_number(&files[file], offset)?,
                problem,
            });
        }
        out.torn
            .extend(part.torn.drain(..).map(|(f, o)| (files[f].clone(), o)));
    }
    // Undone answers: candidates by id hash, confirmed by reading their line again.
    let target_hashes: HashSet<u32> = targets.iter().map(|t| id_hash(t.as_bytes())).collect();
    let target_ids: HashSet<&str> = targets.iter().map(String::as_str).collect();
    for part in &mut parts {
        let mut undone = Vec::new();
        if !targets.is_empty() {
            for (i, (hash, &pos)) in part.id_hash.iter().zip(&part.pos).enumerate() {
                let file = usize::try_from(pos >> OFFSET_BITS).unwrap_or(usize::MAX);
                let offset = pos & ((1 << OFFSET_BITS) - 1);
                if target_hashes.contains(hash) && is_undone(&files[file], offset, &target_ids)? {
                    undone.push(i);
                }
            }
        }
        if !undone.is_empty() {
            part.remove(&undone);
        }
    }
    out.runs = parts.into_iter().map(|p| p.answers).collect();
    out.damage
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(out)
}

/// Whether the event on the line at `offset` has one of the undone ids.
fn is_undone(path: &Path, offset: u64, targets: &HashSet<&str>) -> io::Result<bool> {
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(offset))?;
    let mut line = Vec::new();
    io::BufRead::read_until(&mut io::BufReader::new(f), b'\n', &mut line)?;
    let text = String::from_utf8_lossy(&line);
    Ok(parse_line(text.trim_end()).is_ok_and(|e| targets.contains(e.id.as_str())))
}

fn next_line_start(path: &Path, at: u64) -> io::Result<u64> {
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(at))?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut pos = at;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(pos);
        }
        if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
            return Ok(pos + i as u64 + 1);
        }
        pos += n as u64;
    }
}

/// 1-based line of a byte offset (only computed for damaged lines).
fn line_number(path: &Path, offset: u64) -> io::Result<usize> {
    let mut text = Vec::new();
    File::open(path)?.take(offset).read_to_end(&mut text)?;
    Ok(memchr::memchr_iter(b'\n', &text).count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::log::{Action, Event};

    fn review(id: &str, card: &str, time: &str, rating: u8) -> String {
        Event {
            id: id.into(),
            time: time.parse().unwrap(),
            device: "d".into(),
            action: Action::Review {
                card: card.into(),
                rating,
                ms: 1500,
            },
        }
        .to_line()
    }

    #[test]
    fn the_fast_line_parser_agrees_with_serde_or_declines() {
        let line = review("a1", "d:x", "2026-12-04T10:00:00Z", 3);
        let f = fast_fields(line.as_bytes()).unwrap();
        assert_eq!(
            f,
            Fields {
                id: b"a1",
                kind: b"review",
                card: b"d:x",
                time: b"2026-12-04T10:00:00.000Z",
                rating: Some(3),
                ms: Some(1500),
                target: b"",
            }
        );
        // Text beyond ASCII is fine where it is UTF-8 (a device named in another script),
        // and DEL is a character JSON strings may hold.
        let accented = line.replace("\"device\":\"d\"", "\"device\":\"caf\u{e9}\u{7f}\"");
        assert_eq!(fast_fields(accented.as_bytes()), Some(f));
        let mut bad = accented.into_bytes();
        let at = bad.len() - 4;
        bad[at] = 0xff;
        assert!(fast_fields(&bad).is_none());
        // Found by the `log` fuzz target: a raw control character inside a string is not
        // JSON, and serde (so `parse_line`) refuses the line.
        assert!(
            fast_fields(b"{\"v\":1,\"id\":\"a\",\"kind\":\"bury\",\"card\":\"d:\x00x\",\"time\":\"t\",\"device\":\"d\"}")
                .is_none()
        );
        assert!(fast_fields(b"{\"v\":1,\"id\":\"a\",\"kind\":\"bury\",\"card\":\"d:x\",\"time\":\"t\",\"device\":\"d\tx\"}").is_none());
        // Nor is a number with a leading zero (found by the `log` fuzz target in CI's run).
        assert!(fast_fields(br#"{"v":1,"id":"a","kind":"review","card":"d:x","time":"t","rating":3,"ms":0420,"device":"d"}"#).is_none());
        assert!(fast_fields(br#"{"v":1,"id":"a","kind":"review","card":"d:x","time":"t","rating":03,"device":"d"}"#).is_none());
        assert!(fast_fields(br#"{"v":1,"id":"a","kind":"review","card":"d:x","time":"t","rating":3,"ms":0,"device":"d"}"#).is_some());
        // Escapes, reordered or extra fields: not the fast path's business.
        assert!(fast_fields(br#"{"v":1,"id":"a\"b","kind":"review","card":"d:x","time":"t","rating":3,"ms":1,"device":"d"}"#).is_none());
        assert!(fast_fields(br#"{"id":"a","v":1,"kind":"review","card":"d:x","time":"t","rating":3,"device":"d"}"#).is_none());
        assert!(fast_fields(br#"{"v":1,"id":"a","kind":"review","card":"d:x","time":"t","rating":3,"device":"d","x":1}"#).is_none());
        let undo = r#"{"v":1,"id":"u","kind":"undo","time":"2026-12-04T10:00:00Z","target":"a1","device":"d"}"#;
        let fields = fast_fields(undo.as_bytes()).unwrap();
        assert_eq!((fields.kind, fields.target), (&b"undo"[..], &b"a1"[..]));
    }

    /// Two runs take the one-comparison step, three or more (more cores) the general one:
    /// both give time order with ties to the earlier run.
    #[test]
    fn runs_merge_in_time_order_with_ties_to_the_earlier_run() {
        let at = |minute: i64, card: u32| Answer {
            time: DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap(),
            card,
            op: Op::Grade(Rating::Good),
            ms: 0,
        };
        let runs = [
            vec![at(1, 1), at(5, 2), at(9, 3)],
            vec![at(0, 4), at(5, 5), at(20, 7)],
            vec![at(5, 8), at(7, 9)],
        ];
        let cards = |n: std::ops::Range<usize>| {
            let slices: Vec<&[Answer]> = runs[n].iter().map(Vec::as_slice).collect();
            let merged = Merged::new(&slices);
            assert_eq!(merged.len(), slices.iter().map(|r| r.len()).sum::<usize>());
            let all: Vec<&Answer> = merged.collect();
            assert!(all.windows(2).all(|w| w[0].time <= w[1].time));
            all.iter().map(|a| a.card).collect::<Vec<_>>()
        };
        assert_eq!(cards(0..2), [4, 1, 2, 5, 3, 7]);
        assert_eq!(cards(0..3), [4, 1, 2, 5, 8, 9, 3, 7]);
        assert_eq!(cards(2..3), [8, 9]);
        assert_eq!(cards(0..0), Vec::<u32>::new());
        // A log read in two stretches, then another log: the stretches are one run.
        let one = [at(1, 1), at(5, 2)];
        let on = [at(5, 3), at(9, 4)];
        let other = [at(0, 5), at(5, 6), at(7, 7)];
        let merged: Vec<u32> = Merged::new(&[&one, &on, &[], &other])
            .map(|a| a.card)
            .collect();
        assert_eq!(merged, [5, 1, 2, 3, 6, 7, 4]);
        assert_eq!(Merged::new(&[&one, &on, &other]).len(), 7);
    }

    /// A log out of time order (an imported history can be) is put in order, ties kept in
    /// file order, with each answer's time taken and undo data moved along with it.
    #[test]
    fn a_part_out_of_time_order_is_sorted_stably_and_undone_answers_removed() {
        let mut part = Part::default();
        for (i, minute) in [5_i64, 1, 5, 0, 3].into_iter().enumerate() {
            let i = u32::try_from(i).unwrap();
            part.answers.push(Answer {
                time: DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap(),
                card: i,
                op: Op::Bury,
                ms: i * 10,
            });
            part.id_hash.push(i * 100);
            part.pos.push(u64::from(i) * 1000);
        }
        part.sort();
        let cards: Vec<u32> = part.answers.iter().map(|a| a.card).collect();
        assert_eq!(cards, [3, 1, 4, 0, 2]);
        let ms: Vec<u32> = part.answers.iter().map(|a| a.ms).collect();
        assert_eq!(ms, [30, 10, 40, 0, 20]);
        assert_eq!(part.id_hash, [300, 100, 400, 0, 200]);
        assert_eq!(part.pos, [3000, 1000, 4000, 0, 2000]);
        part.remove(&[0, 3]);
        let cards: Vec<u32> = part.answers.iter().map(|a| a.card).collect();
        assert_eq!(cards, [1, 4, 2]);
    }

    #[test]
    fn the_word_at_a_time_quote_search_finds_the_first_quote() {
        for len in 0..40 {
            for at in 0..=len {
                let mut b = vec![b'a'; len];
                if at < len {
                    b[at] = b'"';
                    // A second quote, and bytes next to 0x22, must not move the answer.
                    if at + 3 < len {
                        b[at + 3] = b'"';
                    }
                    if at > 0 {
                        b[at - 1] = 0x23;
                    }
                }
                let expected = b.iter().position(|&c| c == b'"');
                assert_eq!(find_quote(&b), expected, "len {len} at {at}");
            }
        }
        assert_eq!(find_quote(b"\x21\x22"), Some(1));
        assert_eq!(find_quote(b"\xa2\xa2\xa2\xa2\xa2\xa2\xa2\xa2\""), Some(8));
    }

    #[test]
    fn times_parse_fast_and_otherwise() {
        let t = parse_time("2026-12-04T21:30:00.123Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-04T21:30:00.123+00:00");
        assert_eq!(
            parse_time("2026-12-04T21:30:00Z").unwrap().timestamp(),
            t.timestamp()
        );
        assert_eq!(
            parse_time("2026-12-04T22:30:00+01:00").unwrap().timestamp(),
            t.timestamp()
        );
        assert!(parse_time("2026-13-04T21:30:00Z").is_none());
        let mut cache = DateCache::default();
        for s in [
            "2026-12-04T21:30:00.123Z",
            "2026-12-04T23:59:59.999Z",
            "2026-12-05T00:00:00.000Z",
            "2024-02-29T12:00:00.500Z",
        ] {
            assert_eq!(
                parse_time_cached(s.as_bytes(), &mut cache),
                parse_time(s),
                "{s}"
            );
        }
        assert!(parse_time_cached(b"2026-12-04T24:30:00.123Z", &mut cache).is_none());
        // Found by the `log` fuzz check on a seed: a leap second, which `parse_line` takes, was
        // refused here, so the reader dropped an answer the plain parser keeps.
        let leap = "2026-12-31T23:59:60.000Z";
        assert!(parse_time_cached(leap.as_bytes(), &mut cache).is_some());
        assert_eq!(
            parse_time_cached(leap.as_bytes(), &mut cache),
            crate::storage::log::parse_line(
                &review("l", "d:x", "2026-12-04T10:00:00Z", 3)
                    .replace("2026-12-04T10:00:00.000Z", leap)
            )
            .ok()
            .map(|e| e.time)
        );
    }

    #[test]
    fn two_devices_merge_by_time_with_undone_answers_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let undo = Event {
            id: "b2".into(),
            time: "2026-12-04T10:05:00Z".parse().unwrap(),
            device: "b".into(),
            action: Action::Undo {
                target: "a2".into(),
            },
        }
        .to_line();
        std::fs::write(
            dir.path().join("a.jsonl"),
            format!(
                "{}\n{}\n",
                review("a1", "d:x", "2026-12-04T10:00:00Z", 3),
                review("a2", "d:y", "2026-12-04T10:03:00Z", 1)
            ),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b.jsonl"),
            format!(
                "{}\n{undo}\nnot json\n{}\n",
                review("b1", "d:y", "2026-12-04T10:01:00Z", 4),
                review("b3", "d:z", "2026-12-04T09:00:00Z", 2)
            ),
        )
        .unwrap();
        let loaded = load(dir.path(), ["d:z"]).unwrap();
        let keys: Vec<&str> = loaded.answers().map(|a| loaded.cards.key(a.card)).collect();
        assert_eq!(keys, ["d:z", "d:x", "d:y"]);
        assert_eq!(loaded.cards.get("d:z"), Some(0));
        let ms: Vec<u32> = loaded.answers().map(|a| a.ms).collect();
        assert_eq!(ms, [1500, 1500, 1500]);
        assert_eq!(loaded.damage.len(), 1);
        assert_eq!(loaded.damage[0].line, 3);
        assert!(loaded.torn.is_empty());
    }

    /// Time taken is an answer's: `parse_line` drops it from other events, and so does the
    /// reader (the statistics add it up).
    #[test]
    fn only_answers_carry_the_time_taken() {
        let dir = tempfile::tempdir().unwrap();
        let text = concat!(
            r#"{"v":1,"id":"s1","kind":"suspend","card":"d:x","time":"2026-12-04T10:00:05.000Z","ms":700,"device":"d"}"#,
            "\n"
        );
        std::fs::write(dir.path().join("a.jsonl"), text).unwrap();
        let loaded = load(dir.path(), Vec::<String>::new()).unwrap();
        let ms: Vec<u32> = loaded.answers().map(|a| a.ms).collect();
        assert_eq!(ms, [0]);
    }

    /// Found by the `log` fuzz target: the reader took a line without `device`, which
    /// `parse_line` refuses, so an undo that the plain parser calls damage took an answer
    /// back at start-up.
    #[test]
    fn a_line_without_its_device_is_damage_as_for_parse_line() {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "{}\n{}\n{}\n",
            review("a1", "d:x", "2026-12-04T10:00:00Z", 3),
            r#"{"v":1,"id":"u1","kind":"undo","target":"a1","time":"2026-12-04T10:00:05.000Z","devzce":"d"}"#,
            review("a2", "d:y", "2026-12-04T10:01:00Z", 3),
        );
        std::fs::write(dir.path().join("a.jsonl"), &text).unwrap();
        let loaded = load(dir.path(), Vec::<String>::new()).unwrap();
        assert_eq!(
            loaded.answer_count(),
            2,
            "the undo without a device took the answer back"
        );
        assert_eq!(loaded.damage.len(), 1);
        assert_eq!(loaded.damage[0].line, 2);
    }

    /// Found by the `log` fuzz target: bytes that are not UTF-8 in an unknown field's value
    /// passed `serde_json` (which skips such a value unchecked), so the reader applied an
    /// undo that `parse_line` calls damage.
    #[test]
    fn a_line_that_is_not_utf8_anywhere_is_damage() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes =
            format!("{}\n", review("a1", "d:x", "2026-12-04T10:00:00Z", 3)).into_bytes();
        bytes.extend_from_slice(
            b"{\"v\":1,\"id\":\"u1\",\"kind\":\"undo\",\"target\":\"a1\",\"time\":\"2026-12-04T10:00:05.000Z\",\"x\":\"\xff\",\"device\":\"d\"}\n",
        );
        bytes.extend_from_slice(
            format!("{}\n", review("a2", "d:y", "2026-12-04T10:01:00Z", 3)).as_bytes(),
        );
        std::fs::write(dir.path().join("a.jsonl"), &bytes).unwrap();
        let loaded = load(dir.path(), Vec::<String>::new()).unwrap();
        assert_eq!(
            loaded.answer_count(),
            2,
            "an undo that is no event took an answer back"
        );
        assert_eq!(loaded.damage.len(), 1);
        assert_eq!(loaded.damage[0].line, 2);
    }

    /// The `log` fuzz target found the reader and `parse_log` apart on a complete last line
    /// that is no event: damage (kept in the file, as tests/storage.rs requires) for the
    /// reader, a torn tail (cut off) for `parse_log`. Both say damage now.
    #[test]
    fn an_unparsable_last_line_with_its_newline_is_damage_for_both_parsers() {
        let dir = tempfile::tempdir().unwrap();
        let first = review("a1", "d:x", "2026-12-04T10:00:00Z", 3);
        let mut bytes = format!("{first}\n{{\"v\":1,\"id\":\"le\":\"2026\"}}\n").into_bytes();
        // And a last line that is an event but for bytes that are not UTF-8.
        let second = review("a\u{e9}2", "d:x", "2026-12-04T10:10:00Z", 3);
        let cut = second.find('\u{e9}').unwrap();
        bytes.extend_from_slice(&second.as_bytes()[..cut]);
        bytes.extend_from_slice(b"\xe2");
        bytes.extend_from_slice(&second.as_bytes()[cut + 2..]);
        bytes.push(b'\n');
        std::fs::write(dir.path().join("a.jsonl"), &bytes).unwrap();
        let loaded = load(dir.path(), Vec::<String>::new()).unwrap();
        assert_eq!(loaded.answer_count(), 1);
        let lines: Vec<usize> = loaded.damage.iter().map(|d| d.line).collect();
        assert_eq!(lines, [2, 3]);
        assert!(loaded.torn.is_empty());
        let parsed = crate::storage::log::parse_log(Path::new("a.jsonl"), &bytes);
        let lines: Vec<usize> = parsed.damage.iter().map(|d| d.line).collect();
        assert_eq!(lines, [2, 3]);
        assert_eq!(parsed.torn_tail, None);
    }

    /// A log large enough to be read in more than one chunk (on two cores), with lines out
    /// of time order in one stretch, undos whose targets lie in another chunk, and a damaged
    /// line: the reader agrees with the plain parser on all of it (the fuzz target's check).
    #[test]
    fn a_log_read_in_chunks_agrees_with_the_plain_parser() {
        let base: DateTime<Utc> = "2025-01-01T08:00:00Z".parse().unwrap();
        let mut text = String::new();
        let n: u32 = 24_000;
        for i in 0..n {
            // A stretch written with the clock set back, so a chunk is out of order.
            let minutes = if (12_000..12_050).contains(&i) {
                i64::from(24_000 - i)
            } else {
                i64::from(i) * 3
            };
            let time = (base + chrono::TimeDelta::minutes(minutes)).to_rfc3339();
            text.push_str(&review(
                &format!("id{i}"),
                &format!("d:c{}", i % 700),
                &time,
                3,
            ));
            text.push('\n');
            if i == 9_000 {
                text.push_str("{\"v\":1,\"id\":\"broken\n");
            }
        }
        for target in ["id5", "id23000", "id12010"] {
            text.push_str(
                &Event {
                    id: format!("undo-{target}"),
                    time: base + chrono::TimeDelta::days(100),
                    device: "d".into(),
                    action: Action::Undo {
                        target: target.into(),
                    },
                }
                .to_line(),
            );
            text.push('\n');
        }
        assert!(
            text.len() > 2 << 20,
            "two chunks of over 1 MiB on two cores"
        );
        crate::fuzzing::log::check(text.as_bytes());
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("d.jsonl"), &text).unwrap();
        let loaded = load(dir.path(), Vec::<String>::new()).unwrap();
        assert_eq!(
            loaded.answer_count(),
            n as usize - 3,
            "three answers undone"
        );
        assert_eq!(loaded.damage.len(), 1);
        assert!(
            loaded
                .answers()
                .zip(loaded.answers().skip(1))
                .all(|(a, b)| a.time <= b.time)
        );
    }

    #[test]
    fn a_torn_tail_is_found_at_every_cut_of_the_last_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        let full = format!(
            "{}\n{}\n",
            review("a1", "d:x", "2026-12-04T10:00:00Z", 3),
            review("a2", "d:x", "2026-12-04T10:10:00Z", 3)
        );
        let last_start = full.trim_end_matches('\n').rfind('\n').unwrap() + 1;
        for cut in last_start..=full.len() {
            std::fs::write(&path, &full.as_bytes()[..cut]).unwrap();
            let loaded = load(dir.path(), Vec::<String>::new()).unwrap();
            let complete = if cut == full.len() { 2 } else { 1 };
            assert_eq!(loaded.answer_count(), complete, "cut {cut}");
            let torn = cut > last_start && cut < full.len();
            assert_eq!(loaded.torn.len(), usize::from(torn), "cut {cut}");
            assert!(loaded.damage.is_empty(), "cut {cut}");
        }
    }
}
