//! One file per subcommand: wiring only, the work is in the library modules.

pub mod check;
pub mod decks;
pub mod due;
pub mod export;
pub mod history;
pub mod import;
pub mod new;
pub mod optimize;
pub mod replay;
pub mod script;
pub mod stats;

use std::io::{self, Write};
use std::process::ExitCode;

/// The exit codes of README: 0 fine, 1 the input is wrong, 2 medterm could not do its job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    BadInput = 1,
    Failure = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// Writes to stdout; a closed pipe (`medterm check | head`) ends the output quietly.
pub struct Out {
    inner: io::StdoutLock<'static>,
    closed: bool,
}

impl Out {
    pub fn stdout() -> Out {
        Out {
            inner: io::stdout().lock(),
            closed: false,
        }
    }

    pub fn write_str(&mut self, s: &str) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.write_all(s.as_bytes()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }

    pub fn line(&mut self, s: &str) -> io::Result<()> {
        self.write_str(s)?;
        self.write_str("\n")
    }

    pub fn flush(&mut self) -> io::Result<()> {
        match self.inner.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}
