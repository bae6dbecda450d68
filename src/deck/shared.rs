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
use std::sync::Arc;

/// A string shared with its deck; it reads as a `str`.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    /// `buf[start..end]`, both on character boundaries.
    Shared {
        buf: Arc<String>,
        start: u32,
        end: u32,
    },
}

impl Text {
    pub const EMPTY: Text = Text(Repr::Static(""));

    pub const fn from_static(s: &'static str) -> Text {
        Text(Repr::Static(s))
    }

    /// `buf[range]`; `None` when the range is not on character boundaries inside `buf`.
    pub fn shared(buf: &Arc<String>, range: Range<usize>) -> Option<Text> {
        buf.get(range.clone())?;
        if range.is_empty() {
            return Some(Text::EMPTY);
        }
        Some(Text(Repr::Shared {
            buf: Arc::clone(buf),
            start: u32::try_from(range.start).ok()?,
            end: u32::try_from(range.end).ok()?,
        }))
    }

    /// Strings made elsewhere, each its own text.
    pub fn list(v: Vec<String>) -> Vec<Text> {
        v.into_iter().map(Text::from).collect()
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared { buf, start, end } => {
                buf.get(*start as usize..*end as usize).unwrap_or("")
            }
        }
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::EMPTY
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
            return Text::EMPTY;
        }
        let end = s.len();
        Text::shared(&Arc::new(s), 0..end).unwrap_or_default()
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
        let buf = Arc::new("cardi/o heart caf\u{e9}".to_owned());
        let front = Text::shared(&buf, 0..7).unwrap();
        assert_eq!(front, "cardi/o");
        assert_eq!(Text::shared(&buf, 8..13).unwrap().as_str(), "heart");
        // Inside the two bytes of `é`, or past the end: no text.
        assert!(Text::shared(&buf, 14..18).is_none());
        assert!(Text::shared(&buf, 8..99).is_none());
        assert_eq!(Text::shared(&buf, 3..3).unwrap(), Text::EMPTY);
        // A clone shares the buffer; equal text is equal however it is held.
        assert_eq!(front.clone(), Text::from("cardi/o"));
        assert_eq!(Text::from_static("cardi/o"), front);
        let mut sorted = vec![Text::from("b"), Text::from_static("a")];
        sorted.sort();
        assert_eq!(sorted, ["a", "b"]);
        assert_eq!(format!("{front} {front:?}"), "cardi/o \"cardi/o\"");
    }
}
