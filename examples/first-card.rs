//! Time to the first card on screen: starts a program in a pseudo-terminal of a fixed size
//! and measures from the spawn until `--marker` has appeared in what it drew, then quits it
//! with Ctrl-C and waits for it to exit.
//!
//! ```text
//! cargo run --release --example first-card -- --marker 'part123/o' [--runs 5] \
//!     [--prepare 'rm -rf DIR/cache'] [--rows 30 --cols 100] -- medterm --data-dir DIR study
//! ```
//!
//! ratatui draws by cell differences, with cursor moves and styles between runs of text,
//! so the output is matched with escape sequences and spaces removed (from the marker
//! too). The size is set by `sh -c 'stty rows R cols C; exec ...'` (rexpect cannot set it),
//! whose start, about 1 ms, is inside the figure. Prints each run, then
//! `median_s SECONDS`.

#![allow(clippy::print_stdout)] // a command-line tool

use std::io::{Read as _, Write as _};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rexpect::process::{PtyProcess, Signal};

fn usage() -> ! {
    eprintln!(
        "usage: first-card --marker TEXT [--runs N] [--prepare SHELL] [--rows R] [--cols C] -- PROGRAM [ARGS...]"
    );
    std::process::exit(2)
}

/// What reaches the screen as text: escape sequences, control characters and spaces
/// dropped.
#[derive(Default)]
struct Visible {
    text: Vec<u8>,
    state: Seq,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Seq {
    #[default]
    None,
    /// After ESC.
    Esc,
    /// After ESC ( or ESC ): one more byte names the character set.
    Charset,
    /// ESC [ ... up to a final byte.
    Csi,
    /// ESC ] ... (and DCS, APC, PM) up to BEL or ESC \.
    Text,
    /// ESC inside such a string.
    TextEsc,
}

impl Visible {
    fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.state = match (self.state, b) {
                (Seq::None, 0x1b) => Seq::Esc,
                (Seq::None, b) => {
                    if b > b' ' && b != 0x7f {
                        self.text.push(b);
                    }
                    Seq::None
                }
                (Seq::Esc, b'[') => Seq::Csi,
                (Seq::Esc, b']' | b'P' | b'_' | b'^') => Seq::Text,
                (Seq::Esc, b'(' | b')') => Seq::Charset,
                (Seq::Csi, b) if !(0x40..=0x7e).contains(&b) => Seq::Csi,
                (Seq::Text | Seq::TextEsc, 0x1b) => Seq::TextEsc,
                (Seq::Text, b) if b != 0x07 => Seq::Text,
                (Seq::TextEsc, b) if b != b'\\' => Seq::Text,
                // The end of a sequence.
                (Seq::Esc | Seq::Charset | Seq::Csi | Seq::Text | Seq::TextEsc, _) => Seq::None,
            };
        }
    }
}

fn squeeze(s: &str) -> Vec<u8> {
    s.bytes().filter(|&b| b > b' ' && b != 0x7f).collect()
}

/// One run: seconds from the spawn to the marker on screen.
fn run_once(program: &[String], rows: u16, cols: u16, marker: &[u8]) -> Result<f64, String> {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("stty rows {rows} cols {cols}; exec \"$0\" \"$@\""))
        .args(program)
        .env("TERM", "xterm-256color");
    let started = Instant::now();
    let mut process = PtyProcess::new(cmd).map_err(|e| format!("cannot start: {e}"))?;
    let mut reader = process.get_file_handle().map_err(|e| e.to_string())?;
    let mut writer = process.get_file_handle().map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::channel::<(Instant, Vec<u8>)>();
    // Reads until the program is gone, so it never blocks on a full terminal.
    std::thread::spawn(move || {
        let mut buf = vec![0_u8; 1 << 16];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let mut seen = Visible::default();
    let deadline = started + Duration::from_secs(60);
    let found = loop {
        let wait = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(wait) {
            Ok((at, bytes)) => {
                let from = seen.text.len().saturating_sub(marker.len());
                seen.push(&bytes);
                if seen
                    .text
                    .get(from..)
                    .is_some_and(|t| memchr::memmem::find(t, marker).is_some())
                {
                    break Ok(at.duration_since(started).as_secs_f64());
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                break Err("the marker did not appear within 60 s".to_owned());
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let tail = String::from_utf8_lossy(&seen.text);
                let tail: String = tail.chars().rev().take(300).collect();
                let tail: String = tail.chars().rev().collect();
                break Err(format!(
                    "the program ended before the marker appeared; last text: {tail}"
                ));
            }
        }
    };
    // Ctrl-C quits the app from anywhere; wait so the next run finds the lock free.
    let _ = writer.write_all(b"\x03");
    let _ = writer.flush();
    let quit_by = Instant::now() + Duration::from_secs(20);
    while matches!(
        process.status(),
        Some(rexpect::process::WaitStatus::StillAlive)
    ) {
        if Instant::now() > quit_by {
            let _ = process.signal(Signal::SIGKILL);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    found
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut marker, mut runs, mut prepare, mut rows, mut cols) = (None, 5_usize, None, 30, 100);
    let mut program = Vec::new();
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--marker" => marker = Some(value()),
            "--runs" => runs = value().parse().unwrap_or_else(|_| usage()),
            "--prepare" => prepare = Some(value()),
            "--rows" => rows = value().parse().unwrap_or_else(|_| usage()),
            "--cols" => cols = value().parse().unwrap_or_else(|_| usage()),
            "--" => {
                program.extend(args.by_ref());
                break;
            }
            _ => usage(),
        }
    }
    let Some(marker) = marker else { usage() };
    let marker = squeeze(&marker);
    if program.is_empty() || marker.is_empty() || runs == 0 {
        usage()
    }
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        if let Some(p) = &prepare {
            let ok = Command::new("sh")
                .arg("-c")
                .arg(p)
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                eprintln!("first-card: --prepare failed: {p}");
                std::process::exit(1);
            }
        }
        match run_once(&program, rows, cols, &marker) {
            Ok(t) => {
                println!("run {}: {:.4} s", i + 1, t);
                times.push(t);
            }
            Err(e) => {
                eprintln!("first-card: run {}: {e}", i + 1);
                std::process::exit(1);
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let n = times.len();
    let median = if n % 2 == 1 {
        times[n / 2]
    } else {
        f64::midpoint(times[n / 2 - 1], times[n / 2])
    };
    println!("median_s {median:.4}");
}
