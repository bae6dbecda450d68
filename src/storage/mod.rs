//! Files: where data lives, reading deck files. Knows the file system, nothing of the
//! terminal.

pub mod deckfiles;
pub mod paths;

pub use paths::DataDir;
