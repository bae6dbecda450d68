//! [`Text`], the string of a card's field: a piece of a buffer its deck shares, or a string
//! in the binary (the built-in decks).
//!
//! Loading 50 000 cards into owned `String`s took a quarter of a million allocations and
//! their freshly faulted pages, most of a start from the decks cache. A card's fields now
//! point into one buffer per load (the decks cache as read, or the deck file's text), and a
//! clone is a reference count.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, Range};
use std::sync::{Arc, LazyLock};

/// A string shared with its deck; it reads as a `str`. 16 bytes, as is an `Option<Text>`.
#[derive(Clone)]
pub struct Text {
    buf: Arc<Buf>,
    /// `buf[start..end]`, both on character boundaries.
    start: u32,
    end: u32,
}

enum Buf {
    Static(&'static str),
    Owned(String),
}

impl Buf {
    fn as_str(&self) -> &str {
        match self {
            Buf::Static(s) => s,
            Buf::Owned(s) => s,
        }
    }
}

static EMPTY: LazyLock<Arc<Buf>> = LazyLock::new(|| Arc::new(Buf::Static("")));

impl Text {
    pub fn empty() -> Text {
        Text {
            buf: Arc::clone(&EMPTY),
            start: 0,
            end: 0,
        }
    }

    fn whole(buf: Buf) -> Option<Text> {
        let end = u32::try_from(buf.as_str().len()).ok()?;
        Some(Text {
            buf: Arc::new(buf),
            start: 0,
            end,
        })
    }

    /// A string in the binary, as one text (to take pieces of with [`Text::slice`]).
    pub fn from_static(s: &'static str) -> Text {
        Text::whole(Buf::Static(s)).unwrap_or_else(Text::empty)
    }

    /// A string as one text, to take pieces of with [`Text::slice`]; `None` over 4 GiB.
    pub fn buffer(s: String) -> Option<Text> {
        Text::whole(Buf::Owned(s))
    }

    /// The piece `range` of this text, sharing its buffer; `None` when the range is not on
    /// character boundaries inside it.
    pub fn slice(&self, range: Range<usize>) -> Option<Text> {
        let start = self.start.checked_add(u32::try_from(range.start).ok()?)?;
        let end = self.start.checked_add(u32::try_from(range.end).ok()?)?;
        // The piece of the whole buffer, checked there: one check of each end instead of
        // one for this text and another for the piece of it.
        let buf = self.buf.as_str();
        if start > end
            || end > self.end
            || !buf.is_char_boundary(start as usize)
            || !buf.is_char_boundary(end as usize)
        {
            return None;
        }
        Some(Text {
            buf: Arc::clone(&self.buf),
            start,
            end,
        })
    }

    /// Strings made elsewhere, each its own text.
    pub fn list(v: Vec<String>) -> List {
        v.into_iter().map(Text::from).collect::<Vec<_>>().into()
    }

    pub fn as_str(&self) -> &str {
        self.buf
            .as_str()
            .get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::empty()
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        if s.is_empty() {
            return Text::empty();
        }
        Text::buffer(s).unwrap_or_default()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::from(s.to_owned())
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text::from(s.clone())
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.as_str().to_owned()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

/// A card's list of texts (answers, variants, parts, tags, look-alikes): a piece of a vector
/// its deck shares, so that 50 000 cards from the cache make one vector, not one a list.
/// 16 bytes; an empty list allocates nothing.
#[derive(Clone, Default)]
pub struct List {
    buf: Option<Arc<Vec<Text>>>,
    start: u32,
    end: u32,
}

impl List {
    /// The lists of many cards in one vector: each card's list is a range of it, given out
    /// by [`List::of`] once all are in.
    pub fn of(pool: &Arc<Vec<Text>>, range: Range<usize>) -> Option<List> {
        pool.get(range.clone())?;
        if range.is_empty() {
            return Some(List::default());
        }
        Some(List {
            buf: Some(Arc::clone(pool)),
            start: u32::try_from(range.start).ok()?,
            end: u32::try_from(range.end).ok()?,
        })
    }

    /// A list of `range` of a pool that is still being filled: it reads as empty until
    /// [`List::attach`] gives it the pool, but its length is the range's. For loaders that
    /// put the lists of many cards into one vector as they go.
    pub(crate) fn pending(range: Range<usize>) -> Option<List> {
        Some(List {
            buf: None,
            start: u32::try_from(range.start).ok()?,
            end: u32::try_from(range.end).ok()?,
        })
    }

    /// A pending list's pool, now filled; `None` if its range is not in it.
    pub(crate) fn attach(&mut self, pool: &Arc<Vec<Text>>) -> Option<()> {
        if self.buf.is_none() && self.start < self.end {
            pool.get(self.start as usize..self.end as usize)?;
            self.buf = Some(Arc::clone(pool));
        }
        Some(())
    }

    /// Its length (a pending list's too).
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn as_slice(&self) -> &[Text] {
        self.buf
            .as_ref()
            .and_then(|b| b.get(self.start as usize..self.end as usize))
            .unwrap_or_default()
    }
}

impl From<Vec<Text>> for List {
    fn from(v: Vec<Text>) -> List {
        let end = v.len();
        if end == 0 {
            return List::default();
        }
        List::of(&Arc::new(v), 0..end).unwrap_or_default()
    }
}

impl Deref for List {
    type Target = [Text];
    fn deref(&self) -> &[Text] {
        self.as_slice()
    }
}

impl<'a> IntoIterator for &'a List {
    type Item = &'a Text;
    type IntoIter = std::slice::Iter<'a, Text>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl FromIterator<Text> for List {
    fn from_iter<I: IntoIterator<Item = Text>>(iter: I) -> List {
        iter.into_iter().collect::<Vec<_>>().into()
    }
}

impl fmt::Debug for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl PartialEq for List {
    fn eq(&self, other: &List) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for List {}

impl<const N: usize> PartialEq<[&str; N]> for List {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_text_reads_its_piece_and_only_on_character_boundaries() {
        let buf = Text::buffer("cardi/o heart caf\u{e9}".to_owned()).unwrap();
        let front = buf.slice(0..7).unwrap();
        assert_eq!(front, "cardi/o");
        let rest = buf.slice(8..buf.len()).unwrap();
        assert_eq!(rest.slice(0..5).unwrap().as_str(), "heart");
        // Inside the two bytes of `é`, or past the end: no text.
        assert!(buf.slice(14..18).is_none());
        assert!(rest.slice(6..10).is_none());
        assert!(buf.slice(8..99).is_none());
        assert_eq!(buf.slice(3..3).unwrap(), Text::empty());
        assert_eq!(std::mem::size_of::<Text>(), 16);
        assert_eq!(std::mem::size_of::<Option<Text>>(), 16);
        // A clone shares the buffer; equal text is equal however it is held.
        assert_eq!(front.clone(), Text::from("cardi/o"));
        assert_eq!(Text::from_static("cardi/o"), front);
        let mut sorted = vec![Text::from("b"), Text::from_static("a")];
        sorted.sort();
        assert_eq!(sorted, ["a", "b"]);
        assert_eq!(format!("{front} {front:?}"), "cardi/o \"cardi/o\"");
    }

    #[test]
    fn lists_share_one_vector_and_read_their_own_range() {
        let pool = Arc::new(vec![Text::from("a"), Text::from("b"), Text::from("c")]);
        let ab = List::of(&pool, 0..2).unwrap();
        let c = List::of(&pool, 2..3).unwrap();
        assert_eq!(ab.as_slice(), ["a", "b"]);
        assert_eq!(c.iter().map(Text::as_str).collect::<Vec<_>>(), ["c"]);
        assert!(List::of(&pool, 2..4).is_none());
        assert!(List::of(&pool, 1..1).unwrap().is_empty());
        assert_eq!(ab, List::from(vec![Text::from("a"), Text::from("b")]));
        assert_eq!(std::mem::size_of::<List>(), 16);
        // Pending: its length before its pool is filled, its entries after.
        let mut later = List::pending(1..3).unwrap();
        assert_eq!((later.len(), later.as_slice().len()), (2, 0));
        assert!(later.attach(&Arc::new(vec![Text::from("a")])).is_none());
        later.attach(&pool).unwrap();
        assert_eq!(later.as_slice(), ["b", "c"]);
    }
}
