//! `cache/decks.bin`: the loaded decks, so a start with unchanged deck files skips parsing
//! them (50 000 cards parse in about 70 ms; they decode from here in about 20). Derived data
//! only: deleting `cache/` loses nothing.
//!
//! The key is a hash of the code's version and cache format and of every deck source, its
//! origin and all its bytes, hashed a chunk at a time as the files are read (a couple of
//! milliseconds), so an edit that keeps a file's size and time still misses. Only loads
//! without any diagnostic are cached: a deck with problems is parsed again, and reported
//! again. The card texts are one blob that the decoded cards point into (`deck::Text`).

use std::hash::{BuildHasher as _, Hasher as _};
use std::path::{Path, PathBuf};

use super::atomic;
use std::sync::Arc;

use super::binary::{Reader, Writer, checksum_of};
use crate::deck::{
    AnswerMode, BUILTIN_DECKS, Card, Caution, Deck, DeckSource, Kind, List, LoadedDecks, Origin,
    Text,
};

/// Bump when the encoding or the meaning of a deck changes.
const FORMAT: u32 = 6;
const MAGIC: &[u8; 8] = b"MDTMDECK";

/// Bytes are hashed this many at a time, so that a file can be hashed as it is read (a
/// start from the cache then never holds a deck file in memory) to the same key.
const CHUNK: usize = 256 << 10;

fn key_hasher() -> impl std::hash::Hasher {
    let mut h = foldhash::quality::FixedState::with_seed(0x6d65_6474_6572_6d32).build_hasher();
    h.write_u32(FORMAT);
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    h
}

fn hash_origin(h: &mut impl std::hash::Hasher, origin: &Origin) {
    match origin {
        Origin::BuiltIn(name) => {
            h.write_u8(0);
            h.write(name.as_bytes());
        }
        Origin::File(path) => {
            h.write_u8(1);
            h.write(path.as_os_str().as_encoded_bytes());
        }
    }
}

/// One source in memory, as [`key_of_files`] hashes a file as it reads it.
fn hash_source(h: &mut impl std::hash::Hasher, s: &DeckSource) {
    hash_origin(h, &s.origin);
    for chunk in s.bytes.chunks(CHUNK) {
        h.write(chunk);
    }
    h.write_usize(s.bytes.len());
}

/// The key for decks loaded from `sources`.
pub fn key(sources: &[DeckSource]) -> u64 {
    let mut h = key_hasher();
    for s in sources {
        hash_source(&mut h, s);
    }
    h.finish()
}

/// [`key`] of `builtin` and then the deck files at `files`, reading each file a chunk at a
/// time into one small buffer; `None` if a file cannot be read whole or is over the size
/// limit (the full load then says why).
pub fn key_of_files(builtin: &[DeckSource], files: &[PathBuf]) -> Option<u64> {
    use std::io::Read as _;
    let mut h = key_hasher();
    for s in builtin {
        hash_source(&mut h, s);
    }
    let mut buf = vec![0u8; CHUNK];
    for path in files {
        hash_origin(&mut h, &Origin::File(path.clone()));
        let mut f = std::fs::File::open(path).ok()?;
        let mut total = 0usize;
        loop {
            // A full chunk unless the file ends: the chunks are those of the file in memory.
            let mut filled = 0;
            while filled < CHUNK {
                match f.read(&mut buf[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return None,
                }
            }
            if filled > 0 {
                h.write(&buf[..filled]);
            }
            total += filled;
            if total > crate::deck::MAX_DECK_BYTES {
                return None;
            }
            if filled < CHUNK {
                break;
            }
        }
        h.write_usize(total);
    }
    Some(h.finish())
}

/// The card texts go into one blob, each a length here; decoded, the cards point into the
/// blob (`deck::Text`) instead of each field being its own allocation.
struct Encoder {
    w: Writer,
    blob: String,
}

impl Encoder {
    /// A length, seven bits a byte (nearly every field takes one).
    fn len(&mut self, mut n: usize) {
        while n >= 0x80 {
            self.w.u8(u8::try_from(n & 0x7f).unwrap_or(0) | 0x80);
            n >>= 7;
        }
        self.w.u8(u8::try_from(n).unwrap_or(0));
    }
    fn text(&mut self, s: &str) {
        self.blob.push_str(s);
        self.len(s.len());
    }
    fn list(&mut self, v: &[Text]) {
        self.len(v.len());
        for s in v {
            self.text(s);
        }
    }
}

struct Decoder<'a> {
    r: Reader<'a>,
    blob: Text,
    /// Where the next text starts in the blob.
    at: usize,
    /// Every list's entries, in order: one vector the lists share once all are in.
    pool: Vec<Text>,
}

impl Decoder<'_> {
    fn len(&mut self) -> Option<usize> {
        // Nearly every length is one byte.
        if let Some((&b, rest)) = self.r.0.split_first()
            && b < 0x80
        {
            self.r.0 = rest;
            return Some(usize::from(b));
        }
        let mut n = 0usize;
        for shift in (0..64).step_by(7) {
            let b = self.r.u8()?;
            n |= usize::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }
    fn text(&mut self) -> Option<Text> {
        let end = self.at.checked_add(self.len()?)?;
        let t = self.blob.slice(self.at..end)?;
        self.at = end;
        Some(t)
    }
    fn string(&mut self) -> Option<String> {
        self.text().map(String::from)
    }
    /// A list's entries into the pool; the list, pending until the pool is whole.
    fn list(&mut self) -> Option<List> {
        let n = self.len()?;
        let start = self.pool.len();
        for _ in 0..n {
            let t = self.text()?;
            self.pool.push(t);
        }
        List::pending(start..self.pool.len())
    }
}

fn kind_code(k: Kind) -> u8 {
    match k {
        Kind::Prefix => 0,
        Kind::Suffix => 1,
        Kind::CombiningForm => 2,
        Kind::Term => 3,
        Kind::Abbreviation => 4,
        Kind::Other => 5,
    }
}

/// The file: a header (magic, format, key, the blob's length), the blob of texts, the rest,
/// and a checksum of the three.
fn encode(key: u64, decks: &[Deck]) -> Vec<u8> {
    let mut e = Encoder {
        w: Writer(Vec::with_capacity(1 << 20)),
        blob: String::with_capacity(1 << 20),
    };
    // How many list entries there are: the decoder allocates their vector once.
    let entries = decks
        .iter()
        .flat_map(|d| &d.cards)
        .map(|c| {
            c.answers.len()
                + c.variants.len()
                + c.parts.len()
                + c.tags.len()
                + c.confused_with.len()
        })
        .sum();
    e.len(entries);
    e.len(decks.len());
    for d in decks {
        e.text(&d.id);
        e.text(&d.name);
        e.text(&d.description);
        e.w.u8(u8::from(d.reverse));
        e.w.u8(u8::from(d.answer == AnswerMode::Type));
        match &d.origin {
            Origin::BuiltIn(name) => {
                e.w.u8(0);
                e.text(name);
            }
            Origin::File(path) => {
                e.w.u8(1);
                e.w.prefixed(path.as_os_str().as_encoded_bytes());
            }
        }
        e.len(d.cards.len());
        for c in &d.cards {
            e.text(&c.id);
            e.text(&c.front);
            e.text(&c.back);
            // Which lists and optional texts the card has, its kind, reverse and caution,
            // in one number: most cards have one list or none, and the decoder skips the rest.
            let lists = [&c.answers, &c.variants, &c.parts, &c.tags, &c.confused_with];
            let opts = [&c.example, &c.note, &c.instead];
            let mut shape = 0_u16;
            for (bit, list) in lists.iter().enumerate() {
                shape |= u16::from(!list.is_empty()) << bit;
            }
            for (bit, opt) in opts.iter().enumerate() {
                shape |= u16::from(opt.is_some()) << (5 + bit);
            }
            shape |= match c.reverse {
                None => 0,
                Some(false) => 1,
                Some(true) => 2,
            } << 8;
            shape |= match c.caution {
                None => 0,
                Some(Caution::DoNotUse) => 1,
                Some(Caution::ErrorProne) => 2,
            } << 10;
            shape |= u16::from(kind_code(c.kind)) << 12;
            e.w.u16(shape);
            for list in lists.into_iter().filter(|l| !l.is_empty()) {
                e.list(list);
            }
            for text in opts.into_iter().flatten() {
                e.text(text);
            }
            e.len(c.line);
        }
    }
    let mut header = Writer(Vec::with_capacity(HEADER));
    header.0.extend_from_slice(MAGIC);
    header.u32(FORMAT);
    header.u64(key);
    header.u64(e.blob.len() as u64);
    let sum = checksum_of(&[&header.0, e.blob.as_bytes(), &e.w.0]);
    let mut out = header.0;
    out.reserve(e.blob.len() + e.w.0.len() + 8);
    out.extend_from_slice(e.blob.as_bytes());
    out.extend_from_slice(&e.w.0);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

const HEADER: usize = 8 + 4 + 8 + 8;

/// The header's blob length, if the header is this format's and for `key`.
fn blob_len(header: &[u8; HEADER], key: u64) -> Option<usize> {
    let mut r = Reader(header);
    if r.take::<8>()? != *MAGIC || r.u32()? != FORMAT || r.u64()? != key {
        return None;
    }
    usize::try_from(r.u64()?).ok()
}

/// [`blob_len`] for whatever key the file has.
fn blob_len_any(header: &[u8; HEADER]) -> Option<usize> {
    let key = u64::from_le_bytes(*header.get(12..20)?.first_chunk()?);
    blob_len(header, key)
}

/// The decks from the three parts of a file; `None` unless the checksum holds and every
/// byte decodes.
fn decode(header: &[u8; HEADER], blob: Vec<u8>, rest: &[u8], key: u64) -> Option<Vec<Deck>> {
    let (rest, sum) = rest.split_last_chunk::<8>()?;
    if checksum_of(&[header, &blob, rest]) != u64::from_le_bytes(*sum) {
        return None;
    }
    if blob_len(header, key)? != blob.len() {
        return None;
    }
    let mut d = Decoder {
        r: Reader(rest),
        blob: Text::buffer(String::from_utf8(blob).ok()?)?,
        at: 0,
        pool: Vec::new(),
    };
    // Never trust a count for an allocation: each entry takes at least a byte.
    let entries = d.len()?.min(rest.len());
    d.pool.reserve_exact(entries);
    let n = d.len()?;
    let mut decks = Vec::new();
    for _ in 0..n {
        let id = d.string()?;
        let name = d.string()?;
        let description = d.string()?;
        let reverse = d.r.u8()? == 1;
        let answer = if d.r.u8()? == 1 {
            AnswerMode::Type
        } else {
            AnswerMode::Reveal
        };
        let origin = match d.r.u8()? {
            0 => {
                let name = d.text()?;
                // The embedded decks' names are `'static`: the cached one names one of them.
                Origin::BuiltIn(BUILTIN_DECKS.iter().find(|(n, _)| *n == name.as_str())?.0)
            }
            1 => Origin::File(PathBuf::from(
                String::from_utf8(d.r.prefixed()?.to_vec()).ok()?,
            )),
            _ => return None,
        };
        let count = d.len()?;
        let mut cards = Vec::with_capacity(count.min(d.r.0.len() / 8));
        for _ in 0..count {
            let id = d.text()?;
            let front = d.text()?;
            let back = d.text()?;
            let shape = d.r.u16()?;
            let has = |bit: u16| shape & (1 << bit) != 0;
            let mut lists: [List; 5] = Default::default();
            for (bit, list) in (0..5).zip(&mut lists) {
                if has(bit) {
                    *list = d.list()?;
                }
            }
            let mut opts = [None, None, None];
            for (bit, opt) in (5..8).zip(&mut opts) {
                if has(bit) {
                    *opt = Some(d.text()?);
                }
            }
            let [answers, variants, parts, tags, confused_with] = lists;
            let [example, note, instead] = opts;
            cards.push(Card {
                id,
                front,
                back,
                kind: *Kind::ALL.get(usize::from(shape >> 12))?,
                answers,
                variants,
                example,
                parts,
                tags,
                confused_with,
                note,
                reverse: match (shape >> 8) & 3 {
                    0 => None,
                    1 => Some(false),
                    2 => Some(true),
                    _ => return None,
                },
                caution: match (shape >> 10) & 3 {
                    0 => None,
                    1 => Some(Caution::DoNotUse),
                    2 => Some(Caution::ErrorProne),
                    _ => return None,
                },
                instead,
                line: d.len()?,
            });
        }
        decks.push(Deck {
            id,
            name,
            description,
            reverse,
            answer,
            cards,
            origin,
        });
    }
    if !d.r.0.is_empty() || d.at != d.blob.len() {
        return None;
    }
    let pool = Arc::new(d.pool);
    for card in decks.iter_mut().flat_map(|d| &mut d.cards) {
        for list in card.lists_mut() {
            list.attach(&pool)?;
        }
    }
    Some(decks)
}

/// The cached decks for `key`, if the cache holds them (anything else reads as a miss).
pub fn load(path: &Path, key: u64) -> Option<LoadedDecks> {
    read(path)?.decode(key)
}

/// A decks cache file as read, not yet checked against a key: reading it can go on while
/// the deck files are hashed for their key elsewhere.
pub struct Raw {
    header: [u8; HEADER],
    blob: Vec<u8>,
    rest: Vec<u8>,
}

/// Reads the cache file: the blob into its own buffer, which becomes the cards' text as it
/// is. `None` when there is no whole file of this format.
pub fn read(path: &Path) -> Option<Raw> {
    use std::io::Read as _;
    let mut f = std::fs::File::open(path).ok()?;
    let mut header = [0u8; HEADER];
    f.read_exact(&mut header).ok()?;
    let n = blob_len_any(&header)?;
    let size = usize::try_from(f.metadata().ok()?.len()).ok()?;
    if n > size {
        return None;
    }
    let mut blob = Vec::with_capacity(n);
    (&mut f).take(n as u64).read_to_end(&mut blob).ok()?;
    let mut rest = Vec::with_capacity(size.saturating_sub(HEADER + n));
    f.read_to_end(&mut rest).ok()?;
    Some(Raw { header, blob, rest })
}

impl Raw {
    /// The decks, if the file holds those of `key`.
    pub fn decode(self, key: u64) -> Option<LoadedDecks> {
        decode(&self.header, self.blob, &self.rest, key).map(|decks| LoadedDecks {
            decks,
            diagnostics: Vec::new(),
        })
    }
}

/// Writes the cache for decks loaded without a diagnostic; best effort (a cache that cannot
/// be written is only a slower next start).
pub fn save(path: &Path, key: u64, loaded: &LoadedDecks) {
    if loaded.diagnostics.is_empty() {
        save_decks(path, key, &loaded.decks);
    }
}

/// Writes the cache for `decks`, loaded without a diagnostic (the caller checked).
pub fn save_decks(path: &Path, key: u64, decks: &[Deck]) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = atomic::write_cache(path, &encode(key, decks));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(extra: &str) -> Vec<DeckSource> {
        let mut s = crate::deck::builtin_sources();
        s.push(DeckSource {
            origin: Origin::File("/decks/mine.toml".into()),
            bytes: extra.as_bytes().to_vec().into(),
        });
        s
    }

    const MINE: &str = r#"
[deck]
id = "mine"
name = "Mine"
reverse = true
answer = "type"

[[card]]
id = "a"
front = "cardi/o"
back = "heart"
kind = "combining-form"
answers = ["cardiac"]
variants = ["cardio"]
example = "cardiology"
tags = ["cardiovascular"]
note = "also in electrocardiogram"
reverse = false

[[card]]
id = "b"
front = "cardiomegaly"
back = "enlargement of the heart"
kind = "term"
parts = ["cardi/o", "-megaly"]
confused_with = ["cardiomyopathy"]
"#;

    #[test]
    fn decks_come_back_from_the_cache_exactly_and_only_for_the_same_sources() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache/decks.bin");
        let src = sources(MINE);
        let loaded = crate::deck::load(&src);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let key = key(&src);
        save(&path, key, &loaded);
        let cached = load(&path, key).unwrap();
        assert_eq!(cached.decks.len(), loaded.decks.len());
        for (a, b) in cached.decks.iter().zip(&loaded.decks) {
            assert_eq!(
                (&a.id, &a.name, &a.description),
                (&b.id, &b.name, &b.description)
            );
            assert_eq!(
                (a.reverse, a.answer, &a.origin),
                (b.reverse, b.answer, &b.origin)
            );
            assert_eq!(a.cards, b.cards);
        }
        // One byte of one file changed: another key, a miss.
        let changed = sources(&MINE.replace("heart\"", "heart!\""));
        assert_ne!(super::key(&changed), key);
        assert!(load(&path, super::key(&changed)).is_none());
    }

    #[test]
    fn files_hashed_as_they_are_read_give_the_key_of_their_bytes_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let builtin = crate::deck::builtin_sources();
        let mut files = Vec::new();
        let mut sources = builtin.clone();
        // Empty, short, exactly one chunk, and several chunks with a short last one.
        for (i, len) in [0, 100, CHUNK, 2 * CHUNK + 17].into_iter().enumerate() {
            let path = dir.path().join(format!("d{i}.toml"));
            let bytes: Vec<u8> = (0..len).map(|b| u8::try_from(b % 251).unwrap()).collect();
            std::fs::write(&path, &bytes).unwrap();
            sources.push(DeckSource {
                origin: Origin::File(path.clone()),
                bytes: bytes.into(),
            });
            files.push(path);
        }
        assert_eq!(key_of_files(&builtin, &files), Some(key(&sources)));
        // One byte more in the last file: another key.
        let last = files.last().unwrap();
        let mut longer = std::fs::read(last).unwrap();
        longer.push(b'x');
        std::fs::write(last, &longer).unwrap();
        assert_ne!(key_of_files(&builtin, &files), Some(key(&sources)));
        // A file that cannot be read: no key (the full load reports it).
        files.push(dir.path().join("missing.toml"));
        assert_eq!(key_of_files(&builtin, &files), None);
    }

    #[test]
    fn a_damaged_or_foreign_cache_is_a_miss_and_a_load_with_problems_is_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("decks.bin");
        let src = sources(MINE);
        let loaded = crate::deck::load(&src);
        let key = key(&src);
        let bytes = encode(key, &loaded.decks);
        for cut in [0, 7, 8, 20, bytes.len() / 2, bytes.len() - 1] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert!(load(&path, key).is_none(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        flipped[8] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(load(&path, key).is_none());
        std::fs::remove_file(&path).unwrap();
        let broken = sources("[deck]\nid = \"mine\"\nname = \"Mine\"\n[[card]]\nid = \"x\"\n");
        let loaded = crate::deck::load(&broken);
        assert!(!loaded.diagnostics.is_empty());
        save(&path, super::key(&broken), &loaded);
        assert!(!path.exists());
    }
}
