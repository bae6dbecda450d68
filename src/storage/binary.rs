//! Little-endian numbers and byte strings for the caches' own file formats (`cache::`,
//! `deckcache::` and `layoutcache::`). Reading is checked: a short or odd file reads as
//! `None`, never a panic.
//!
//! A cache file ends in a checksum of everything before it ([`Writer::seal`]), taken over
//! 64 KB pieces so that [`Pieces`] can read a file into one small buffer and check it as it
//! goes. That is what lets a cache be replaced without syncing it to disk: after a crash its
//! file may hold anything (old bytes, zeros, half the new ones), and anything but a whole
//! file reads as a miss, which only costs a replay.

use std::hash::{BuildHasher as _, Hasher as _};
use std::io::Read as _;

/// The checksum of a file written in parts (each hashed as one piece).
pub(super) fn checksum_of(parts: &[&[u8]]) -> u64 {
    let mut h = foldhash::quality::FixedState::with_seed(0x6d65_6474_6572_6d33).build_hasher();
    for p in parts {
        h.write(p);
    }
    h.finish()
}

/// A sealed file's checksum is of its bytes in pieces of this size, so that a reader can
/// check a file it reads a piece at a time into one small buffer ([`Sum`]).
pub(super) const SEAL_PIECE: usize = 64 << 10;

fn checksum(bytes: &[u8]) -> u64 {
    let mut sum = Sum::new();
    for piece in bytes.chunks(SEAL_PIECE) {
        sum.add(piece);
    }
    sum.finish()
}

/// A sealed file's checksum, worked out a piece at a time: each piece [`SEAL_PIECE`] bytes
/// long but the last.
pub(super) struct Sum(foldhash::quality::FoldHasher<'static>);

impl Sum {
    pub fn new() -> Sum {
        static SEED: foldhash::quality::FixedState =
            foldhash::quality::FixedState::with_seed(0x6d65_6474_6572_6d34);
        Sum(SEED.build_hasher())
    }
    pub fn add(&mut self, piece: &[u8]) {
        self.0.write(piece);
    }
    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// The bytes of a sealed file without its checksum, if the checksum holds.
#[cfg(test)]
pub(super) fn unseal(bytes: &[u8]) -> Option<&[u8]> {
    let (body, sum) = bytes.split_last_chunk::<8>()?;
    (u64::from_le_bytes(*sum) == checksum(body)).then_some(body)
}

/// A sealed file read a piece at a time (see `binary::Sum`): what has been read and not
/// used yet is in `window[at..]`.
pub(super) struct Pieces {
    file: std::fs::File,
    body_len: usize,
    read: usize,
    window: Vec<u8>,
    at: usize,
    sum: Sum,
}

impl Pieces {
    pub fn open(path: &std::path::Path) -> Option<Pieces> {
        let file = std::fs::File::open(path).ok()?;
        let size = usize::try_from(file.metadata().ok()?.len()).ok()?;
        Some(Pieces {
            file,
            body_len: size.checked_sub(8)?,
            read: 0,
            window: Vec::with_capacity(2 * SEAL_PIECE),
            at: 0,
            sum: Sum::new(),
        })
    }

    /// A reader over what is left, with at least `n` bytes unless the body ends first.
    /// The length of the file without its checksum.
    pub fn body_len(&self) -> usize {
        self.body_len
    }

    pub fn at_least(&mut self, n: usize) -> Option<Reader<'_>> {
        while self.window.len() - self.at < n && self.read < self.body_len {
            if self.at > 0 {
                self.window.drain(..self.at);
                self.at = 0;
            }
            let piece = SEAL_PIECE.min(self.body_len - self.read);
            let start = self.window.len();
            self.window.resize(start + piece, 0);
            self.file.read_exact(&mut self.window[start..]).ok()?;
            self.sum.add(&self.window[start..]);
            self.read += piece;
        }
        Some(Reader(&self.window[self.at..]))
    }

    pub fn consume(&mut self, n: usize) {
        self.at = (self.at + n).min(self.window.len());
    }

    /// Whether the whole body was used and the checksum after it holds.
    pub fn finish(mut self) -> bool {
        let mut sum = [0u8; 8];
        self.at == self.window.len()
            && self.read == self.body_len
            && self.file.read_exact(&mut sum).is_ok()
            && u64::from_le_bytes(sum) == self.sum.finish()
    }
}

pub(super) struct Writer(pub Vec<u8>);

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i32(&mut self, v: i32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    /// Bytes after their length (a `u32`).
    pub fn prefixed(&mut self, b: &[u8]) {
        self.u32(u32::try_from(b.len()).unwrap_or(u32::MAX));
        self.0.extend_from_slice(b);
    }
    /// The finished file: the bytes and their checksum.
    pub fn seal(mut self) -> Vec<u8> {
        let sum = checksum(&self.0);
        self.u64(sum);
        self.0
    }
}

pub(super) struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    pub fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
    pub fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|b| b[0])
    }
    pub fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_le_bytes)
    }
    pub fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
    pub fn i32(&mut self) -> Option<i32> {
        self.take().map(i32::from_le_bytes)
    }
    pub fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }
    pub fn i64(&mut self) -> Option<i64> {
        self.take().map(i64::from_le_bytes)
    }
    /// The next `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }
    /// Bytes after their length, as [`Writer::prefixed`] wrote them.
    pub fn prefixed(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u32()?).ok()?;
        self.bytes(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back_and_a_short_file_reads_as_none() {
        let mut w = Writer(Vec::new());
        w.u8(7);
        w.u16(513);
        w.u32(70_000);
        w.i32(-5);
        w.u64(1 << 40);
        w.i64(-(1 << 40));
        w.prefixed(b"abc");
        let mut r = Reader(&w.0);
        assert_eq!(r.u8(), Some(7));
        assert_eq!(r.u16(), Some(513));
        assert_eq!(r.u32(), Some(70_000));
        assert_eq!(r.i32(), Some(-5));
        assert_eq!(r.u64(), Some(1 << 40));
        assert_eq!(r.i64(), Some(-(1 << 40)));
        assert_eq!(r.prefixed(), Some(&b"abc"[..]));
        assert!(r.0.is_empty());
        assert_eq!(r.u8(), None);
        // A length that runs past the end.
        let mut r = Reader(&[9, 0, 0, 0, b'x']);
        assert_eq!(r.prefixed(), None);
    }

    #[test]
    fn a_sealed_file_reads_back_only_whole_and_unchanged() {
        let mut w = Writer(Vec::new());
        w.prefixed(b"the states of fifty thousand cards");
        w.u64(42);
        let body = w.0.clone();
        let sealed = w.seal();
        assert_eq!(unseal(&sealed), Some(&body[..]));
        // What a crash can leave of an unsynced file: a part of it, zeros, or one bit off.
        for cut in 0..sealed.len() {
            assert_eq!(unseal(&sealed[..cut]), None, "cut at {cut}");
        }
        assert_eq!(unseal(&vec![0; sealed.len()]), None);
        for i in 0..sealed.len() {
            let mut flipped = sealed.clone();
            flipped[i] ^= 0x10;
            assert_eq!(unseal(&flipped), None, "byte {i} changed");
        }
    }
}
