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
use super::binary::{Pieces, Reader, Writer};
use crate::scheduler::queue::QueueCard;

/// Bump when the encoding changes.
const FORMAT: u32 = 3;
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

/// Bytes an item takes in the file.
const ITEM_BYTES: usize = 4 + 4 + 1 + 4 + 8;

fn encode(decks_key: u64, layout: &Layout) -> Vec<u8> {
    let n = layout.items.len();
    let mut w = Writer(Vec::with_capacity(64 + n * ITEM_BYTES + layout.keys.len()));
    w.0.extend_from_slice(MAGIC);
    w.u64(file_key(decks_key));
    w.u64(n as u64);
    // The keys first: a reader makes their text before the items that point into it.
    w.u64(layout.keys.len() as u64);
    w.0.extend_from_slice(layout.keys.as_bytes());
    for (item, q) in layout.items.iter().zip(&layout.queue_cards) {
        // A queue card's deck is its item's; its group (siblings) is the first item of
        // the card, which a reader works out.
        card(&mut w, item.card);
        w.u8(item.what);
        w.u32(item.key_end);
        w.u64(q.key_hash);
    }
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

/// A layout file being read, a piece at a time into one small buffer (see
/// `binary::Pieces`): its keys first ([`open`]), then its items one by one
/// ([`Items::next_item`]), then its word index ([`Items::finish`]).
pub struct Items {
    file: Pieces,
    total: usize,
    left: usize,
    keys_len: usize,
    last: Option<(CardAt, u32)>,
    key_start: u32,
}

/// The layout file of decks of key `decks_key`, if there is one: its keys, and its items
/// to read. Anything but a whole file of this key reads as a miss, at the end at the latest.
pub fn open(path: &Path, decks_key: u64) -> Option<(String, Items)> {
    let mut file = Pieces::open(path)?;
    let mut r = file.at_least(8 + 8 + 8 + 8)?;
    if r.take::<8>()? != *MAGIC || r.u64()? != file_key(decks_key) {
        return None;
    }
    let n = usize::try_from(r.u64()?).ok()?;
    let keys_len = usize::try_from(r.u64()?).ok()?;
    file.consume(8 + 8 + 8 + 8);
    if n > file.body_len() / ITEM_BYTES || keys_len > file.body_len() {
        return None;
    }
    let keys = String::from_utf8(file.at_least(keys_len)?.bytes(keys_len)?.to_vec()).ok()?;
    file.consume(keys_len);
    Some((
        keys,
        Items {
            file,
            total: n,
            left: n,
            keys_len,
            last: None,
            key_start: 0,
        },
    ))
}

impl Items {
    /// How many items are left to read.
    pub fn len(&self) -> usize {
        self.left
    }

    pub fn is_empty(&self) -> bool {
        self.left == 0
    }

    /// The next item, its key's place in the keys, and its queue card; `None` at the end
    /// or where the bytes do not decode (keys out of order or past the end).
    pub fn next_item(&mut self) -> Option<(LayoutItem, std::ops::Range<usize>, QueueCard)> {
        self.left = self.left.checked_sub(1)?;
        let mut r = self.file.at_least(ITEM_BYTES)?;
        let item = LayoutItem {
            card: read_card(&mut r)?,
            what: r.u8()?,
            key_end: r.u32()?,
        };
        let key_hash = r.u64()?;
        self.file.consume(ITEM_BYTES);
        let (start, end) = (self.key_start as usize, item.key_end as usize);
        if end < start || end > self.keys_len {
            return None;
        }
        self.key_start = item.key_end;
        let group = match self.last {
            Some((card, group)) if card == item.card => group,
            _ => u32::try_from(self.total - self.left - 1).ok()?,
        };
        self.last = Some((item.card, group));
        Some((
            item,
            start..end,
            QueueCard {
                deck: item.card.0,
                group,
                key_hash,
            },
        ))
    }

    /// The number of the item just read.
    /// The word index after the items, if the whole file is read and its checksum holds.
    pub fn finish(mut self) -> Option<Index> {
        if self.left != 0 {
            return None;
        }
        let mut index = Index::default();
        for map in [&mut index.parts, &mut index.any] {
            let n = self.count(16)?;
            map.reserve_exact(n);
            for _ in 0..n {
                let mut r = self.file.at_least(16)?;
                map.push((r.u64()?, read_card(&mut r)?));
                self.file.consume(16);
            }
        }
        for list in &mut index.by_kind {
            let n = self.count(8)?;
            list.reserve_exact(n);
            for _ in 0..n {
                let mut r = self.file.at_least(8)?;
                list.push(read_card(&mut r)?);
                self.file.consume(8);
            }
        }
        self.file.finish().then_some(index)
    }

    /// A count of entries of `each` bytes, never trusted for more than the file holds.
    fn count(&mut self, each: usize) -> Option<usize> {
        let n = usize::try_from(self.file.at_least(8)?.u64()?).ok()?;
        self.file.consume(8);
        (n <= self.file.body_len() / each).then_some(n)
    }
}

/// The word index of a layout: word-part cards by the hash of a name, cards by the hash of
/// a look-alike's name, and the word-part cards of each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    pub parts: Vec<(u64, CardAt)>,
    pub any: Vec<(u64, CardAt)>,
    pub by_kind: [Vec<CardAt>; 3],
}

/// The layout cached for decks of key `decks_key`, if the file holds it, as plain data:
/// for the tests (a start reads the file with [`open`] and makes its items as they come).
#[cfg(test)]
pub fn load(path: &Path, decks_key: u64) -> Option<Layout> {
    let (keys, mut items) = open(path, decks_key)?;
    let mut layout = Layout {
        keys,
        ..Layout::default()
    };
    while !items.is_empty() {
        let (item, key, queue_card) = items.next_item()?;
        if !layout.keys.is_char_boundary(key.start) || !layout.keys.is_char_boundary(key.end) {
            return None;
        }
        layout.items.push(item);
        layout.queue_cards.push(queue_card);
    }
    let index = items.finish()?;
    layout.parts = index.parts;
    layout.any = index.any;
    layout.by_kind = index.by_kind;
    Some(layout)
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
                    group: 2,
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Whatever follows a right header under a right checksum (a file another build
        /// wrote, say) reads as a layout or a miss, never a panic; a layout read back has
        /// its keys' ends in order inside its keys.
        #[test]
        fn any_sealed_body_reads_as_a_layout_or_a_miss(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            n in 0_u64..8,
            keys_len in 0_u64..40,
        ) {
            let mut w = Writer(Vec::new());
            w.0.extend_from_slice(MAGIC);
            w.u64(file_key(42));
            w.u64(n);
            w.u64(keys_len);
            w.0.extend_from_slice(&body);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("library.bin");
            std::fs::write(&path, w.seal()).unwrap();
            if let Some(layout) = load(&path, 42) {
                let mut start = 0;
                for item in &layout.items {
                    proptest::prop_assert!(start <= item.key_end as usize);
                    start = item.key_end as usize;
                }
                proptest::prop_assert!(start <= layout.keys.len());
            }
        }
    }

    #[test]
    fn a_damaged_file_or_keys_out_of_order_read_as_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.bin");
        let load_bytes = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
            load(&path, 42)
        };
        let bytes = encode(42, &sample());
        assert_eq!(load_bytes(&bytes), Some(sample()));
        for cut in [0, 8, bytes.len() / 2, bytes.len() - 1] {
            assert_eq!(load_bytes(&bytes[..cut]), None, "cut at {cut}");
        }
        for at in [40, bytes.len() / 2, bytes.len() - 12] {
            let mut flipped = bytes.clone();
            flipped[at] ^= 1;
            assert_eq!(load_bytes(&flipped), None, "byte {at} changed");
        }
        let mut backwards = sample();
        backwards.items[1].key_end = 3;
        assert_eq!(load_bytes(&encode(42, &backwards)), None);
        // A key ending inside a character.
        let mut split = sample();
        split.items[2].key_end = 21;
        assert_eq!(load_bytes(&encode(42, &split)), None);
    }
}
