#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

//! Faults on a real `medterm` process: kill -9 at random points while it answers, a full
//! disk, a read-only data dir, two writers at once, a clock that goes back, a 100 MB deck
//! file and a 1 MB field. Whatever was reported saved is never lost, and the student is
//! told what went wrong.
//!
//! The kills are drawn from a seeded generator (`MEDTERM_FAULT_SEED` picks another seed)
//! and placed relative to what the process reports, never by sleeping and hoping.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Output, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;
use medterm::workload::Rng;

const DECK_ID: &str = "fault";

/// A deck of `n` one-line cards, cheap to load on every start.
fn write_deck(dir: &Path, n: usize) -> PathBuf {
    let mut text = format!("[deck]\nid = \"{DECK_ID}\"\nname = \"Fault deck\"\n\n");
    for i in 0..n {
        let _ = write!(
            text,
            "[[card]]\nid = \"f{i}\"\nfront = \"front {i}\"\nback = \"back {i}\"\n\n"
        );
    }
    let path = dir.join("fault.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// A data dir at `home` where the queue never runs dry.
fn prepare_home(home: &Path) {
    std::fs::create_dir_all(home).unwrap();
    std::fs::write(home.join("config.toml"), "new_per_day = 99999\n").unwrap();
}

fn command(home: &Path, deck: &Path) -> Command {
    let mut c = Command::new(cargo_bin("medterm"));
    c.env("MEDTERM_HOME", home)
        .env("MEDTERM_DEVICE", "laptop")
        .env("TZ", "UTC")
        .env_remove("MEDTERM_NOW")
        .arg("--deck")
        .arg(deck);
    c
}

fn run(home: &Path, deck: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = command(home, deck)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `medterm script` with pipes: answers are sent a line at a time and confirmations read.
struct Script {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Script {
    fn spawn(home: &Path, deck: &Path) -> Script {
        let mut child = command(home, deck)
            .args(["script", DECK_ID])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Script {
            stdin: child.stdin.take(),
            stdout: BufReader::new(child.stdout.take().unwrap()),
            child,
        }
    }

    fn send(&mut self, lines: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(lines.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// The next line of output; empty at the end.
    fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line.trim_end().to_owned()
    }

    /// Sends one command and reads its one line of answer.
    fn ask(&mut self, command: &str) -> String {
        self.send(&format!("{command}\n"));
        self.line()
    }

    /// Closes standard input and waits: (exit code, standard error).
    fn finish(mut self) -> (Option<i32>, String) {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        let mut err = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        (status.code(), err)
    }
}

/// `saved KEY RATING` -> (KEY, RATING).
fn parse_saved(line: &str) -> Option<(String, u8)> {
    let mut w = line.strip_prefix("saved ")?.split(' ');
    let key = w.next()?.to_owned();
    let rating = w.next()?.parse().ok()?;
    Some((key, rating))
}

/// What a log file holds: its complete lines, each parsed (a complete line that does not
/// parse fails the test), and the bytes after the last newline (a torn tail).
struct LogFile {
    events: Vec<serde_json::Value>,
    torn: Vec<u8>,
}

impl LogFile {
    fn read(home: &Path) -> LogFile {
        let bytes = std::fs::read(home.join("reviews/laptop.jsonl")).unwrap_or_default();
        let cut = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let events = std::str::from_utf8(&bytes[..cut])
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str(l).unwrap_or_else(|e| panic!("a whole line is damaged: {e}"))
            })
            .collect();
        LogFile {
            events,
            torn: bytes[cut..].to_vec(),
        }
    }

    fn reviews(&self) -> Vec<(String, u8)> {
        self.events
            .iter()
            .filter(|e| e["kind"] == "review")
            .map(|e| {
                (
                    e["card"].as_str().unwrap().to_owned(),
                    u8::try_from(e["rating"].as_u64().unwrap()).unwrap(),
                )
            })
            .collect()
    }

    fn assert_ids_unique(&self) {
        let mut seen = HashSet::new();
        for e in &self.events {
            let id = e["id"].as_str().unwrap();
            assert!(seen.insert(id.to_owned()), "two events share the id {id}");
        }
    }
}

fn seed() -> u64 {
    std::env::var("MEDTERM_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_204)
}

/// A rating as a hurried student gives them: mostly Again and Hard, so cards stay in
/// learning and the small deck never runs dry.
fn rating(rng: &mut Rng) -> u8 {
    match rng.next_u64() % 20 {
        0..=6 => 1,
        7..=13 => 2,
        14..=18 => 3,
        _ => 4,
    }
}

/// Spins (no sleeping: the point is a few microseconds after an observed event).
fn spin(d: Duration) {
    let until = Instant::now() + d;
    while Instant::now() < until {
        std::hint::spin_loop();
    }
}

#[derive(Debug, Default)]
struct KillCounts {
    kills: usize,
    at_start: usize,
    reported: usize,
    unreported_in_log: usize,
    torn: usize,
}

/// Cycles on one data dir until `kills` processes were killed while answering: start,
/// queue 2-9 answers, wait for some but not all of their confirmations, kill -9 at once or a
/// few microseconds later; every fifth cycle or so is killed during start-up instead (not
/// counted in `kills`). After each kill, prove from the log that every confirmed answer is
/// there, in order, with at most one answer written but not yet confirmed and at most a
/// torn last line.
fn kill_lane(home: &Path, deck: &Path, seed: u64, kills: usize) -> KillCounts {
    let mut rng = Rng(seed);
    let mut counts = KillCounts::default();
    let mut before: Vec<(String, u8)> = Vec::new();
    for cycle in 0.. {
        if counts.kills - counts.at_start == kills {
            break;
        }
        let ctx = format!("seed {seed}, cycle {cycle}");
        let mut s = Script::spawn(home, deck);
        let n = 2 + usize::try_from(rng.next_u64() % 8).unwrap();
        let answers: String = (0..n)
            .map(|_| char::from(b'0' + rating(&mut rng)))
            .flat_map(|c| [c, '\n'])
            .collect();
        s.send(&answers);
        let mut reported = Vec::new();
        if rng.next_u64().is_multiple_of(5) {
            // Somewhere in start-up: reading decks and logs, setting a torn tail aside.
            counts.at_start += 1;
            std::thread::sleep(Duration::from_micros(rng.next_u64() % 300_000));
        } else {
            // At least one answer is still to come when the kill lands.
            let wait_for = 1 + usize::try_from(rng.next_u64() % (n as u64 - 1)).unwrap();
            while reported.len() < wait_for {
                let line = s.line();
                let saved = parse_saved(&line).unwrap_or_else(|| panic!("{ctx}: {line:?}"));
                reported.push(saved);
            }
            if rng.next_u64().is_multiple_of(2) {
                spin(Duration::from_micros(rng.next_u64() % 3_000));
            }
        }
        s.child.kill().unwrap(); // SIGKILL
        s.child.wait().unwrap();
        counts.kills += 1;
        // Confirmations already in the pipe were shown to the student too.
        loop {
            let line = s.line();
            if line.is_empty() {
                break;
            }
            reported.push(parse_saved(&line).unwrap_or_else(|| panic!("{ctx}: {line:?}")));
        }
        let log = LogFile::read(home);
        let now = log.reviews();
        assert!(
            now.len() >= before.len() && now[..before.len()] == before[..],
            "{ctx}: an earlier answer changed or went missing"
        );
        let new = &now[before.len()..];
        assert!(
            new.len() >= reported.len() && new[..reported.len()] == reported[..],
            "{ctx}: reported saved {reported:?}, the log has {new:?}"
        );
        assert!(
            new.len() <= reported.len() + 1,
            "{ctx}: more answers in the log than were sent"
        );
        counts.reported += reported.len();
        counts.unreported_in_log += new.len() - reported.len();
        counts.torn += usize::from(!log.torn.is_empty());
        log.assert_ids_unique();
        before = now;
    }
    // The log stays readable, and the next session sets a torn tail aside and goes on.
    let check = run(home, deck, &["check"], "");
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let after = run(home, deck, &["script", DECK_ID], "3\n");
    assert!(stdout(&after).starts_with("saved "), "{}", stdout(&after));
    assert_eq!(LogFile::read(home).reviews().len(), before.len() + 1);
    counts
}

#[test]
fn two_hundred_kills_while_answering_never_lose_an_answer_reported_saved() {
    let tmp = tempfile::tempdir().unwrap();
    let deck = write_deck(tmp.path(), 400);
    let seed = seed();
    // Two data dirs side by side, one per core: 2 x 100 kills while answering.
    let lanes: Vec<KillCounts> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2_u64)
            .map(|lane| {
                let home = tmp.path().join(format!("home{lane}"));
                let deck = &deck;
                scope.spawn(move || {
                    prepare_home(&home);
                    kill_lane(&home, deck, seed.wrapping_add(lane), 100)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let total = lanes.iter().fold(KillCounts::default(), |a, c| KillCounts {
        kills: a.kills + c.kills,
        at_start: a.at_start + c.at_start,
        reported: a.reported + c.reported,
        unreported_in_log: a.unreported_in_log + c.unreported_in_log,
        torn: a.torn + c.torn,
    });
    eprintln!("seed {seed}: {total:?}");
    assert_eq!(total.kills - total.at_start, 200);
    assert!(
        total.reported > 200,
        "the kills should mostly land mid-session"
    );
}

/// A small file system mounted for one test, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    /// A tmpfs of `size` at `at`, or why one cannot be made here.
    fn tmpfs(at: &Path, size: &str) -> Result<Mount, String> {
        std::fs::create_dir_all(at).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "medterm-test"])
            .arg(at)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if out.status.success() {
            Ok(Mount(at.to_path_buf()))
        } else {
            Err(format!(
                "mount -t tmpfs: {}; a loop file system needs the same privilege",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    fn remount_read_only(&self) -> Result<(), String> {
        let out = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Writes into `path` until the file system says it is full.
fn fill(path: &Path) {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0xa5_u8; 64 * 1024];
    for size in [chunk.len(), 4096, 1] {
        while f.write_all(&chunk[..size]).is_ok() {}
    }
    let _ = f.sync_all();
}

#[test]
fn a_full_disk_stops_saving_says_why_keeps_every_saved_answer_and_goes_on_read_only() {
    let tmp = tempfile::tempdir().unwrap();
    let deck = write_deck(tmp.path(), 50);
    let mount = match Mount::tmpfs(&tmp.path().join("disk"), "1m") {
        Ok(m) => m,
        Err(why) => {
            eprintln!("skipped: cannot make a small file system here ({why})");
            return;
        }
    };
    let home = mount.0.join("home");
    prepare_home(&home);
    let mut s = Script::spawn(&home, &deck);
    let mut reported = Vec::new();
    for _ in 0..3 {
        let line = s.ask("3");
        reported.push(parse_saved(&line).unwrap_or_else(|| panic!("{line:?}")));
    }
    fill(&mount.0.join("filler"));
    // The log's last page may still have room for a few lines; then a write fails.
    let failed = loop {
        let line = s.ask("1");
        match parse_saved(&line) {
            Some(saved) => reported.push(saved),
            None => break line,
        }
        assert!(reported.len() < 200, "the disk never filled");
    };
    assert!(failed.starts_with("error: cannot write "), "{failed}");
    assert!(failed.contains("laptop.jsonl"), "{failed}");
    assert!(failed.contains("No space left on device"), "{failed}");
    let next = s.ask("3");
    assert!(
        next.starts_with("error: read-only: ") && next.contains("nothing more is saved"),
        "{next}"
    );
    let (code, err) = s.finish();
    assert_eq!(code, Some(0), "{err}");
    let log = LogFile::read(&home);
    assert_eq!(
        log.reviews(),
        reported,
        "exactly the answers reported saved"
    );
    // The cache could not be written either, and leaves no half-written file behind.
    if let Ok(entries) = std::fs::read_dir(home.join("cache")) {
        for e in entries {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.contains(".tmp-"), "a temporary file was left: {name}");
        }
    }

    // Started again on the full disk (full to the last page, so not even the lock's note
    // about who holds it fits): it opens, shows what is due, and saves nothing.
    fill(&mount.0.join("filler2"));
    let again = run(&home, &deck, &["script", DECK_ID], "3\n");
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stdout(&again).starts_with("error: "), "{}", stdout(&again));
    if !log.torn.is_empty() {
        assert!(
            stderr(&again).contains("cannot be set aside"),
            "{}",
            stderr(&again)
        );
    }
    let due = run(&home, &deck, &["due", "--json"], "");
    assert_eq!(due.status.code(), Some(0), "{}", stderr(&due));
    assert_eq!(LogFile::read(&home).reviews(), reported);

    // Room again: the torn line (if the last write left one) is set aside, and saving resumes.
    std::fs::remove_file(mount.0.join("filler")).unwrap();
    std::fs::remove_file(mount.0.join("filler2")).unwrap();
    let resumed = run(&home, &deck, &["script", DECK_ID], "3\n");
    assert!(
        stdout(&resumed).starts_with("saved "),
        "{}",
        stdout(&resumed)
    );
    assert_eq!(
        stderr(&resumed).contains("was cut short"),
        !log.torn.is_empty(),
        "{}",
        stderr(&resumed)
    );
    let log = LogFile::read(&home);
    assert!(log.torn.is_empty());
    assert_eq!(log.reviews()[..reported.len()], reported[..]);
    assert_eq!(log.reviews().len(), reported.len() + 1);
    let check = run(&home, &deck, &["check"], "");
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

/// Sets the permission bits of `home`, its folders and their files: read-only or back (on a
/// read-only file system this changes nothing, and says nothing).
fn set_writable(home: &Path, writable: bool) {
    use std::os::unix::fs::PermissionsExt as _;
    let (dir_mode, file_mode) = if writable {
        (0o755, 0o644)
    } else {
        (0o555, 0o444)
    };
    let set = |p: &Path, mode| {
        let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
    };
    for dir in [home.join("reviews"), home.join("cache"), home.to_path_buf()] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        // Write access first, so the files can be changed, and taken away last.
        if writable {
            set(&dir, dir_mode);
        }
        for e in entries.flatten() {
            if e.path().is_file() {
                set(&e.path(), file_mode);
            }
        }
        if !writable {
            set(&dir, dir_mode);
        }
    }
}

/// Gives write access back when dropped, so the temporary folder can be removed.
struct Writable<'p>(&'p Path);

impl Drop for Writable<'_> {
    fn drop(&mut self) {
        set_writable(self.0, true);
    }
}

/// Makes `home` read-only: the permission bits where they bind, else (root) a remount of
/// its tmpfs. `Err` says why neither works.
fn make_read_only(home: &Path, mount: Option<&Mount>) -> Result<(), String> {
    set_writable(home, false);
    let probe = home.join("reviews/.probe");
    if std::fs::write(&probe, b"").is_err() {
        return Ok(());
    }
    // Permission bits do not bind this process (root): undo them, remount instead.
    let _ = std::fs::remove_file(&probe);
    set_writable(home, true);
    match mount {
        Some(m) => m.remount_read_only(),
        None => Err("permission bits do not bind here (root) and no tmpfs to remount".into()),
    }
}

#[test]
fn a_read_only_data_dir_opens_read_only_says_why_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let deck = write_deck(tmp.path(), 50);
    let mount = Mount::tmpfs(&tmp.path().join("disk"), "4m").ok();
    let home = mount
        .as_ref()
        .map_or_else(|| tmp.path().join("home"), |m| m.0.join("home"));
    prepare_home(&home);
    let first = run(&home, &deck, &["script", DECK_ID], "3\n3\n");
    assert_eq!(stdout(&first).lines().count(), 2, "{}", stdout(&first));
    let saved = LogFile::read(&home).reviews();
    assert_eq!(saved.len(), 2);
    let _writable = Writable(&home);
    if let Err(why) = make_read_only(&home, mount.as_ref()) {
        eprintln!("skipped: cannot make a read-only data dir here ({why})");
        return;
    }
    let out = run(&home, &deck, &["script", DECK_ID], "3\n1\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: read-only: cannot write"),
        "{}",
        stderr(&out)
    );
    for line in stdout(&out).lines() {
        assert!(line.starts_with("error: read-only: "), "{line}");
    }
    assert_eq!(stdout(&out).lines().count(), 2);
    assert_eq!(LogFile::read(&home).reviews(), saved);
    // What only reads still works, and sees the two answers.
    let due = run(&home, &deck, &["due", "--json", DECK_ID], "");
    assert_eq!(due.status.code(), Some(0), "{}", stderr(&due));
    let v: serde_json::Value = serde_json::from_slice(&due.stdout).unwrap();
    assert_eq!(v["total"]["learning"], 2, "{v}");
    let stats = run(&home, &deck, &["stats", "--json"], "");
    assert_eq!(stats.status.code(), Some(0), "{}", stderr(&stats));
    let check = run(&home, &deck, &["check"], "");
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

#[test]
fn two_writers_started_together_one_gets_the_lock_the_other_names_it_and_nothing_is_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let deck = write_deck(tmp.path(), 50);
    let home = tmp.path().join("home");
    prepare_home(&home);
    for round in 0..8 {
        let mut pair = [Script::spawn(&home, &deck), Script::spawn(&home, &deck)];
        // The loser may be gone already: its pipe can be closed.
        for s in &mut pair {
            let _ = s.stdin.as_mut().unwrap().write_all(b"3\n");
            let _ = s.stdin.as_mut().unwrap().flush();
        }
        // Both keep their input open, so the holder cannot finish: the first to exit is
        // the one refused.
        let started = Instant::now();
        let loser = loop {
            if let Some(i) = (0..2).find(|&i| pair[i].child.try_wait().unwrap().is_some()) {
                break i;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "round {round}: both are still running: did both take the lock?"
            );
            std::thread::sleep(Duration::from_millis(5));
        };
        let [a, b] = pair;
        let (mut winner, refused) = if loser == 0 { (b, a) } else { (a, b) };
        let winner_pid = winner.child.id();
        let line = winner.line();
        assert!(line.starts_with("saved "), "round {round}: {line}");
        let (code, err) = refused.finish();
        assert_eq!(code, Some(2), "round {round}: {err}");
        assert!(
            err.contains("another medterm is writing")
                && err.contains(&format!("pid {winner_pid} on laptop")),
            "round {round}: {err}"
        );
        let (code, err) = winner.finish();
        assert_eq!(code, Some(0), "round {round}: {err}");
        assert_eq!(LogFile::read(&home).reviews().len(), round + 1);
    }
}

fn times(log: &LogFile) -> Vec<chrono::DateTime<chrono::Utc>> {
    log.events
        .iter()
        .map(|e| e["time"].as_str().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn a_clock_that_goes_back_between_answers_keeps_both_in_order_and_the_state_sane() {
    let tmp = tempfile::tempdir().unwrap();
    let deck = write_deck(tmp.path(), 50);
    let home = tmp.path().join("home");
    prepare_home(&home);
    // Back an hour, then back a day and a half, inside one session.
    let out = run(
        &home,
        &deck,
        &["script", DECK_ID],
        "at 2026-12-04T21:00:00Z\n3\nat 2026-12-04T20:00:00Z\n3\nat 2026-12-03T08:00:00Z\n1\n",
    );
    let text = stdout(&out);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("saved ")).count(),
        3,
        "{text}"
    );
    // Another start with the clock further back still.
    let later = command(&home, &deck)
        .env("MEDTERM_NOW", "2026-12-01T12:00:00Z")
        .args(["script", DECK_ID])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    later.stdin.as_ref().unwrap().write_all(b"3\n").unwrap();
    let later = later.wait_with_output().unwrap();
    assert!(stdout(&later).starts_with("saved "), "{}", stdout(&later));

    let log = LogFile::read(&home);
    assert_eq!(log.reviews().len(), 4);
    log.assert_ids_unique();
    let t = times(&log);
    let first: chrono::DateTime<chrono::Utc> = "2026-12-04T21:00:00Z".parse().unwrap();
    // No answer is stamped before one already saved: the log's order is the replay's order.
    assert!(t.iter().all(|&x| x == first), "{t:?}");

    // The replay and the reports take it: every answer on the study day it was stamped.
    let at = |now: &str, args: &[&str]| {
        let o = command(&home, &deck)
            .env("MEDTERM_NOW", now)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{now} {args:?}: {}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let stats = at("2026-12-04T22:00:00Z", &["stats", "--json", DECK_ID]);
    assert_eq!(stats["today"]["reviews"], 4, "{}", stats["today"]);
    assert_eq!(stats["cards"]["learning"], 4, "{}", stats["cards"]);
    let early = at("2026-12-01T12:00:00Z", &["due", "--json", DECK_ID]);
    assert_eq!(
        early["total"]["learning"], 0,
        "nothing answered is due before it was answered: {early}"
    );
    at("2026-12-01T12:00:00Z", &["stats", "--json"]);
    let next_day = at("2026-12-05T12:00:00Z", &["due", "--json", DECK_ID]);
    assert_eq!(next_day["total"]["learning"], 4, "{next_day}");
    let export = command(&home, &deck)
        .args(["history", "export"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&export.stdout).lines().count(), 4);
}

/// Peak resident memory of a command in KiB, where `/usr/bin/time` can measure it.
fn peak_kib(mut cmd: Command) -> (Output, Option<u64>) {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("note: no /usr/bin/time, peak memory not measured");
        return (cmd.output().unwrap(), None);
    }
    let report = tempfile::NamedTempFile::new().unwrap();
    let mut timed = Command::new(time);
    timed
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(report.path())
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => timed.env(k, v),
            None => timed.env_remove(k),
        };
    }
    let out = timed.output().unwrap();
    let kib = std::fs::read_to_string(report.path())
        .unwrap()
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok());
    (out, kib)
}

#[test]
fn a_100_mb_deck_file_is_refused_by_its_size_in_bounded_time_and_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(home.join("decks")).unwrap();
    let deck = write_deck(tmp.path(), 20);
    let big = home.join("decks/big.toml");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    w.write_all(b"[deck]\nid = \"big\"\nname = \"Big\"\n\n")
        .unwrap();
    let mut written = 0;
    let mut i = 0;
    while written < 100 << 20 {
        let card =
            format!("[[card]]\nid = \"b{i}\"\nfront = \"front {i}\"\nback = \"back {i}\"\n\n");
        w.write_all(card.as_bytes()).unwrap();
        written += card.len();
        i += 1;
    }
    drop(w);
    let len = std::fs::metadata(&big).unwrap().len();

    let started = Instant::now();
    let mut check = command(&home, &deck);
    check.arg("check").arg(&big);
    let (out, peak) = peak_kib(check);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!(
            "{}: error: deck file is {len} bytes, over the limit of 64 MiB; it was not read",
            big.display()
        )),
        "{}",
        stdout(&out)
    );
    if let Some(kib) = peak {
        assert!(kib < 64 * 1024, "check read the file: peak {kib} KiB");
    }
    // The session starts beside it, with every other deck.
    let mut script = command(&home, &deck);
    script.args(["script", DECK_ID]).stdin(Stdio::null());
    let (out, peak) = peak_kib(script);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    if let Some(kib) = peak {
        assert!(kib < 64 * 1024, "the session read the file: peak {kib} KiB");
    }
    let decks = run(&home, &deck, &["decks", "--json"], "");
    let v: serde_json::Value = serde_json::from_slice(&decks.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&DECK_ID) && ids.contains(&"prefixes") && !ids.contains(&"big"),
        "{ids:?}"
    );
}

#[test]
fn a_1_mb_field_is_an_error_at_its_line_and_column_and_the_other_cards_load() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let path = tmp.path().join("huge-field.toml");
    let text = format!(
        "[deck]\nid = \"huge\"\nname = \"Huge\"\n\n[[card]]\nid = \"a\"\nfront = \"a\"\nback = \"first\"\n\n[[card]]\nid = \"b\"\nfront = \"b\"\nback = \"{}\"\n\n[[card]]\nid = \"c\"\nfront = \"c\"\nback = \"third\"\n",
        "x".repeat(1 << 20)
    );
    std::fs::write(&path, text).unwrap();
    let started = Instant::now();
    let mut check = command(&home, &path);
    check.arg("check").arg(&path);
    let (out, peak) = peak_kib(check);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(
        report.contains(&format!(
            "{}:13:8: error: `back` is 1048576 bytes long, over the limit of 16384",
            path.display()
        )),
        "{}",
        report.get(..2000).unwrap_or(&report)
    );
    assert!(
        report.len() < 4096,
        "the 1 MB line was printed: {} bytes",
        report.len()
    );
    if let Some(kib) = peak {
        assert!(kib < 64 * 1024, "peak {kib} KiB");
    }
    let decks = run(&home, &path, &["decks", "--json"], "");
    let v: serde_json::Value = serde_json::from_slice(&decks.stdout).unwrap();
    let huge = v
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "huge")
        .unwrap();
    assert_eq!(huge["cards"], 2, "{huge}");
}
