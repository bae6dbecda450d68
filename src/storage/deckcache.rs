//! `cache/decks.bin`: the loaded decks, so a start with unchanged deck files skips parsing
//! them (50 000 cards parse in about 140 ms; they decode from here in a fraction of that).
//! Derived data only: deleting `cache/` loses nothing.
//!
//! The key is a hash of the code's version and cache format and of every deck source, its
//! origin and all its bytes: the files are read anyway, and hashing them costs well under a
//! millisecond, so an edit that keeps a file's size and time still misses. Only loads without
//! any diagnostic are cached: a deck with problems is parsed again, and reported again.

use std::hash::{BuildHasher as _, Hasher as _};
use std::path::{Path, PathBuf};

use super::atomic;
use super::binary::{Reader, Writer};
use crate::deck::{
    AnswerMode, BUILTIN_DECKS, Card, Caution, Deck, DeckSource, Kind, LoadedDecks, Origin,
};

/// Bump when the encoding or the meaning of a deck changes.
const FORMAT: u32 = 2;
const MAGIC: &[u8; 8] = b"MDTMDECK";

/// The key for decks loaded from `sources`.
pub fn key(sources: &[DeckSource]) -> u64 {
    let mut h = foldhash::quality::FixedState::with_seed(0x6d65_6474_6572_6d32).build_hasher();
    h.write_u32(FORMAT);
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    for s in sources {
        match &s.origin {
            Origin::BuiltIn(name) => {
                h.write_u8(0);
                h.write(name.as_bytes());
            }
            Origin::File(path) => {
                h.write_u8(1);
                h.write(path.as_os_str().as_encoded_bytes());
            }
        }
        h.write_usize(s.bytes.len());
        h.write(&s.bytes);
    }
    h.finish()
}

impl Writer {
    fn str(&mut self, s: &str) {
        self.prefixed(s.as_bytes());
    }
    fn opt(&mut self, s: Option<&String>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    fn list(&mut self, v: &[String]) {
        self.u32(u32::try_from(v.len()).unwrap_or(u32::MAX));
        for s in v {
            self.str(s);
        }
    }
}

impl Reader<'_> {
    fn str(&mut self) -> Option<String> {
        std::str::from_utf8(self.prefixed()?)
            .ok()
            .map(str::to_owned)
    }
    /// An optional string: `Err` where the bytes do not decode.
    fn opt(&mut self) -> Result<Option<String>, ()> {
        match self.u8() {
            Some(0) => Ok(None),
            Some(1) => self.str().map(Some).ok_or(()),
            _ => Err(()),
        }
    }
    fn list(&mut self) -> Option<Vec<String>> {
        let n = self.u32()?;
        // Never trust a count for an allocation: each entry takes at least 4 bytes.
        let mut v = Vec::with_capacity(usize::try_from(n).ok()?.min(self.0.len() / 4));
        for _ in 0..n {
            v.push(self.str()?);
        }
        Some(v)
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

fn encode(key: u64, decks: &[Deck]) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(1 << 20));
    w.0.extend_from_slice(MAGIC);
    w.u32(FORMAT);
    w.u64(key);
    w.u32(u32::try_from(decks.len()).unwrap_or(u32::MAX));
    for d in decks {
        w.str(&d.id);
        w.str(&d.name);
        w.str(&d.description);
        w.u8(u8::from(d.reverse));
        w.u8(u8::from(d.answer == AnswerMode::Type));
        match &d.origin {
            Origin::BuiltIn(name) => {
                w.u8(0);
                w.str(name);
            }
            Origin::File(path) => {
                w.u8(1);
                w.prefixed(path.as_os_str().as_encoded_bytes());
            }
        }
        w.u32(u32::try_from(d.cards.len()).unwrap_or(u32::MAX));
        for c in &d.cards {
            w.str(&c.id);
            w.str(&c.front);
            w.str(&c.back);
            w.u8(kind_code(c.kind));
            w.list(&c.answers);
            w.list(&c.variants);
            w.opt(c.example.as_ref());
            w.list(&c.parts);
            w.list(&c.tags);
            w.list(&c.confused_with);
            w.opt(c.note.as_ref());
            w.u8(match c.reverse {
                None => 0,
                Some(false) => 1,
                Some(true) => 2,
            });
            w.u8(match c.caution {
                None => 0,
                Some(Caution::DoNotUse) => 1,
                Some(Caution::ErrorProne) => 2,
            });
            w.opt(c.instead.as_ref());
            w.u32(u32::try_from(c.line).unwrap_or(u32::MAX));
        }
    }
    w.seal()
}

fn decode(bytes: &[u8], key: u64) -> Option<Vec<Deck>> {
    let mut r = Reader(super::binary::unseal(bytes)?.strip_prefix(MAGIC)?);
    if r.u32()? != FORMAT || r.u64()? != key {
        return None;
    }
    let n = r.u32()?;
    let mut decks = Vec::new();
    for _ in 0..n {
        let id = r.str()?;
        let name = r.str()?;
        let description = r.str()?;
        let reverse = r.u8()? == 1;
        let answer = if r.u8()? == 1 {
            AnswerMode::Type
        } else {
            AnswerMode::Reveal
        };
        let origin = match r.u8()? {
            0 => {
                let name = r.str()?;
                // The embedded decks' names are `'static`: the cached one names one of them.
                Origin::BuiltIn(BUILTIN_DECKS.iter().find(|(n, _)| *n == name)?.0)
            }
            1 => Origin::File(PathBuf::from(
                String::from_utf8(r.prefixed()?.to_vec()).ok()?,
            )),
            _ => return None,
        };
        let count = r.u32()?;
        let mut cards = Vec::with_capacity(usize::try_from(count).ok()?.min(r.0.len() / 16));
        for _ in 0..count {
            cards.push(Card {
                id: r.str()?,
                front: r.str()?,
                back: r.str()?,
                kind: *Kind::ALL.get(usize::from(r.u8()?))?,
                answers: r.list()?,
                variants: r.list()?,
                example: r.opt().ok()?,
                parts: r.list()?,
                tags: r.list()?,
                confused_with: r.list()?,
                note: r.opt().ok()?,
                reverse: match r.u8()? {
                    0 => None,
                    1 => Some(false),
                    2 => Some(true),
                    _ => return None,
                },
                caution: match r.u8()? {
                    0 => None,
                    1 => Some(Caution::DoNotUse),
                    2 => Some(Caution::ErrorProne),
                    _ => return None,
                },
                instead: r.opt().ok()?,
                line: usize::try_from(r.u32()?).ok()?,
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
    r.0.is_empty().then_some(decks)
}

/// The cached decks for `key`, if the cache holds them (anything else reads as a miss).
pub fn load(path: &Path, key: u64) -> Option<LoadedDecks> {
    let bytes = std::fs::read(path).ok()?;
    decode(&bytes, key).map(|decks| LoadedDecks {
        decks,
        diagnostics: Vec::new(),
    })
}

/// Writes the cache for decks loaded without a diagnostic; best effort (a cache that cannot
/// be written is only a slower next start).
pub fn save(path: &Path, key: u64, loaded: &LoadedDecks) {
    if !loaded.diagnostics.is_empty() {
        return;
    }
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = atomic::write_cache(path, &encode(key, &loaded.decks));
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
