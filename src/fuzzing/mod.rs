//! What the fuzz targets in `fuzz/` assert, one function per target, each taking the raw
//! input bytes. They live here, not in the fuzz crate, so that they are built and linted
//! with the library and `tests/fuzz_corpus.rs` replays the committed corpus on stable
//! `cargo test`. Every check panics with a message naming the broken invariant.
//!
//! Adding a target: a function here (or a file beside this one), a three-line
//! `fuzz/fuzz_targets/NAME.rs`, seeds in `fuzz/corpus/NAME/` and the name in
//! `scripts/fuzz.sh`.

pub mod answer;
pub mod config;
pub mod deck;
pub mod import;
pub mod log;

use crate::diag::{Diagnostic, SourceText};
use crate::text;

/// A target's check of one input.
pub type Check = fn(&[u8]);

/// Every target by name, for the corpus replay test.
pub const TARGETS: &[(&str, Check)] = &[
    ("answer", answer::check),
    ("config", config::check),
    ("deck", deck::check),
    ("import", import::check),
    ("log", log::check),
];

/// Text that is safe to print: no control character (but line breaks where allowed), no
/// invisible formatting character.
fn assert_printable(what: &str, s: &str, newlines: bool) {
    if let Some(c) = s
        .chars()
        .find(|&c| text::is_unsafe(c) && !(newlines && c == '\n'))
    {
        panic!("{what} holds U+{:04X}: {s:?}", u32::from(c));
    }
}

/// A diagnostic's position is inside `src` and its rendering is safe to print.
fn assert_located(d: &Diagnostic, src: &SourceText<'_>) {
    let lines: Vec<&str> = src.text.split('\n').collect();
    match (d.line, d.column) {
        (Some(line), Some(col)) => {
            assert!(
                (1..=lines.len()).contains(&line),
                "{:?} at line {line} of a {}-line text",
                d.message,
                lines.len()
            );
            let chars = lines[line - 1].chars().count();
            assert!(
                (1..=chars + 1).contains(&col),
                "{:?} at {line}:{col}, a line of {chars} characters",
                d.message
            );
            if let Some(sn) = &d.snippet {
                let width = text::width(&sn.text);
                assert!(
                    sn.caret_offset + sn.caret_width <= width + 1,
                    "{:?}: caret {}+{} past a snippet {width} wide",
                    d.message,
                    sn.caret_offset,
                    sn.caret_width
                );
            }
        }
        (None, None) => assert!(d.snippet.is_none(), "a snippet without a line"),
        other => panic!("{:?}: half a position {other:?}", d.message),
    }
    assert!(!d.message.trim().is_empty(), "an empty message");
    assert_printable("a rendered diagnostic", &d.render(), true);
}
