//! `cache/library.bin`: what the study library derives from the decks alone (its items and
//! their keys, the queue's view of them, the word index), so that a start from the decks
//! cache does not work it out again (6 to 10 ms for 50 000 cards). It is read on the thread
//! that reads the states cache, beside the decks' decoding. Derived data only: deleting
//! `cache/` loses nothing.
//!
//! It is kept under the decks cache's key (every byte of every deck file) and a hash of the
//! source files that derive it (`build.rs`), so a deck edit or a build that derives
//! differently reads it as a miss. Its file ends in a checksum, as the other caches'.

use std::path::Path;

use super::atomic;
use super::binary::{Reader, Writer, unseal};
use crate::scheduler::queue::QueueCard;

/// Bump when the encoding changes.
const FORMAT: u32 = 2;
const MAGIC: &[u8; 8] = b"MDTMLAYT";

/// A card of a deck: deck index, card index.
pub type CardAt = (u32, u32);

/// One study item: its card, what it is (a code the study layer gives meaning to: the
/// direction and the drill) and where its key ends in [`Layout::keys`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutItem {
    pub card: CardAt,
    pub what: u8,
    pub key_end: u32,
}

/// The library's layout as plain data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    pub items: Vec<LayoutItem>,
    /// Parallel to `items`.
    pub queue_cards: Vec<QueueCard>,
    /// Every item's key, one after the other.
    pub keys: String,
    /// The word index: word-part cards by the hash of a name, cards by the hash of a
    /// look-alike's name, and the word-part cards of each kind.
    pub parts: Vec<(u64, CardAt)>,
    pub any: Vec<(u64, CardAt)>,
    pub by_kind: [Vec<CardAt>; 3],
}

/// What the file is keyed by: the decks' key, this format and the code that derives it.
fn file_key(decks_key: u64) -> u64 {
    use std::hash::{BuildHasher as _, Hasher as _};
    let mut h = foldhash::quality::FixedState::with_seed(0x6c61_796f_7574).build_hasher();
    h.write_u64(decks_key);
    h.write_u32(FORMAT);
    h.write(env!("MEDTERM_LAYOUT_SOURCE").as_bytes());
    h.finish()
}

fn card(w: &mut Writer, (d, c): CardAt) {
    w.u32(d);
    w.u32(c);
}

fn read_card(r: &mut Reader<'_>) -> Option<CardAt> {
    Some((r.u32()?, r.u32()?))
}

fn encode(decks_key: u64, layout: &Layout) -> Vec<u8> {
    let n = layout.items.len();
    let mut w = Writer(Vec::with_capacity(64 + n * 33 + layout.keys.len()));
    w.0.extend_from_slice(MAGIC);
    w.u64(file_key(decks_key));
    w.u64(n as u64);
    for (item, q) in layout.items.iter().zip(&layout.queue_cards) {
        card(&mut w, item.card);
        w.u8(item.what);
        w.u32(item.key_end);
        w.u32(q.deck);
        w.u32(q.group);
        w.u64(q.key_hash);
    }
    w.prefixed(layout.keys.as_bytes());
    for map in [&layout.parts, &layout.any] {
        w.u64(map.len() as u64);
        for &(h, at) in map {
            w.u64(h);
            card(&mut w, at);
        }
    }
    for list in &layout.by_kind {
        w.u64(list.len() as u64);
        for &at in list {
            card(&mut w, at);
        }
    }
    w.seal()
}

/// A count read from the file, never trusted for more than the bytes left could hold.
fn count(r: &mut Reader<'_>, each: usize) -> Option<usize> {
    let n = usize::try_from(r.u64()?).ok()?;
    (n <= r.0.len() / each).then_some(n)
}

fn decode(bytes: &[u8], decks_key: u64) -> Option<Layout> {
    let mut r = Reader(unseal(bytes)?);
    if r.take::<8>()? != *MAGIC || r.u64()? != file_key(decks_key) {
        return None;
    }
    let n = count(&mut r, 33)?;
    let mut layout = Layout {
        items: Vec::with_capacity(n),
        queue_cards: Vec::with_capacity(n),
        ..Layout::default()
    };
    for _ in 0..n {
        layout.items.push(LayoutItem {
            card: read_card(&mut r)?,
            what: r.u8()?,
            key_end: r.u32()?,
        });
        layout.queue_cards.push(QueueCard {
            deck: r.u32()?,
            group: r.u32()?,
            key_hash: r.u64()?,
        });
    }
    layout.keys = String::from_utf8(r.prefixed()?.to_vec()).ok()?;
    // Keys end in order, inside the buffer.
    let mut start = 0;
    for item in &layout.items {
        let end = item.key_end as usize;
        if end < start || !layout.keys.is_char_boundary(end) {
            return None;
        }
        start = end;
    }
    for map in [&mut layout.parts, &mut layout.any] {
        let n = count(&mut r, 16)?;
        map.reserve_exact(n);
        for _ in 0..n {
            map.push((r.u64()?, read_card(&mut r)?));
        }
    }
    for list in &mut layout.by_kind {
        let n = count(&mut r, 8)?;
        list.reserve_exact(n);
        for _ in 0..n {
            list.push(read_card(&mut r)?);
        }
    }
    r.0.is_empty().then_some(layout)
}

/// The layout cached for decks of key `decks_key`, if the file holds it (anything else
/// reads as a miss).
pub fn load(path: &Path, decks_key: u64) -> Option<Layout> {
    decode(&std::fs::read(path).ok()?, decks_key)
}

/// Writes the layout of decks of key `decks_key`; best effort (a cache that cannot be
/// written is only a slower next start).
pub fn save(path: &Path, decks_key: u64, layout: &Layout) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = atomic::write_cache(path, &encode(decks_key, layout));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Layout {
        Layout {
            items: vec![
                LayoutItem {
                    card: (0, 0),
                    what: 0,
                    key_end: 5,
                },
                LayoutItem {
                    card: (0, 0),
                    what: 1,
                    key_end: 18,
                },
                LayoutItem {
                    card: (1, 2),
                    what: 2,
                    key_end: 28,
                },
            ],
            queue_cards: vec![
                QueueCard {
                    deck: 0,
                    group: 0,
                    key_hash: 11,
                },
                QueueCard {
                    deck: 0,
                    group: 0,
                    key_hash: 12,
                },
                QueueCard {
                    deck: 1,
                    group: 1,
                    key_hash: 13,
                },
            ],
            keys: "p:abcp:abc:reversev:µ:build".to_owned(),
            parts: vec![(7, (0, 0))],
            any: vec![(8, (1, 2)), (9, (0, 0))],
            by_kind: [vec![(0, 0)], vec![], vec![(1, 2)]],
        }
    }

    #[test]
    fn a_layout_comes_back_exactly_and_only_for_its_decks_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache").join("library.bin");
        let layout = sample();
        save(&path, 42, &layout);
        assert_eq!(load(&path, 42), Some(layout));
        assert_eq!(load(&path, 43), None);
        assert_eq!(load(&dir.path().join("nothing.bin"), 42), None);
    }

    #[test]
    fn a_damaged_file_or_keys_out_of_order_read_as_a_miss() {
        let bytes = encode(42, &sample());
        for cut in [0, 8, bytes.len() / 2, bytes.len() - 1] {
            assert_eq!(decode(&bytes[..cut], 42), None, "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        flipped[40] ^= 1;
        assert_eq!(decode(&flipped, 42), None);
        let mut backwards = sample();
        backwards.items[1].key_end = 3;
        assert_eq!(decode(&encode(42, &backwards), 42), None);
        // A key ending inside a character.
        let mut split = sample();
        split.items[2].key_end = 21;
        assert_eq!(decode(&encode(42, &split), 42), None);
    }
}
