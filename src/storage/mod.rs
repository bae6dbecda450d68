//! Files: where data lives, reading deck files. Knows the file system, nothing of the
//! terminal.

pub mod atomic;
mod binary;
pub mod cache;
pub mod config;
pub mod deckcache;
pub mod deckfiles;
pub mod history;
pub mod interchange;
pub mod layoutcache;
pub mod lock;
pub mod log;
pub mod paths;
pub mod reader;

pub use paths::DataDir;
