//! Writing decks: the starter deck of `medterm new`, importing other programs' card files
//! (Anki, CSV/TSV, Quizlet) and exporting a deck as a table, and the TOML writer they share.
//! No I/O: callers read and write the files.

pub mod delimited;
pub mod export;
pub mod html;
pub mod import;
pub mod starter;
pub mod writer;

pub use export::{TableFormat, to_table};
pub use import::{ImportError, ImportOptions, Imported, InputFormat, import};
pub use starter::{name_from_id, starter_deck};
pub use writer::deck_to_toml;
