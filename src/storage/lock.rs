//! One writer per data dir: an exclusive lock on `<data dir>/lock`, held while the app can
//! write. The file says who holds it (pid and host) so a second instance can tell the
//! student.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct DataDirLock {
    file: File,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another medterm is writing to {dir} ({holder}); close it first, or use read-only commands such as `medterm due`"
    )]
    Held { dir: String, holder: String },
    #[error("cannot lock {path}: {source}")]
    Io { path: String, source: io::Error },
}

impl DataDirLock {
    /// Takes the lock, or says who holds it.
    pub fn acquire(dir: &Path, host: &str) -> Result<DataDirLock, LockError> {
        let path = dir.join("lock");
        let io_err = |source| LockError::Io {
            path: path.display().to_string(),
            source,
        };
        fs::create_dir_all(dir).map_err(io_err)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_err)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                // The holder writes its note just after it takes the lock: a second
                // instance started at the same moment may find it empty for a moment.
                let mut holder = String::new();
                for _ in 0..20 {
                    holder.clear();
                    let _ = file.seek(SeekFrom::Start(0));
                    let _ = file.read_to_string(&mut holder);
                    if !holder.trim().is_empty() {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                let holder = holder.trim();
                return Err(LockError::Held {
                    dir: dir.display().to_string(),
                    holder: if holder.is_empty() {
                        "holder unknown".to_owned()
                    } else {
                        holder.to_owned()
                    },
                });
            }
            Err(TryLockError::Error(e)) => return Err(io_err(e)),
        }
        let who = format!("pid {} on {host}\n", std::process::id());
        // The note only helps a second instance name the holder; the lock is the flock. On
        // a full disk it cannot be written, and the session must still open (read-only
        // once an answer fails) rather than refuse to start.
        let _ = (|| {
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            file.write_all(who.as_bytes())?;
            file.sync_data()
        })();
        Ok(DataDirLock { file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DataDirLock {
    fn drop(&mut self) {
        // The lock goes with the file handle; clear the note so a stale name never shows.
        let _ = self.file.set_len(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_told_who_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataDirLock::acquire(dir.path(), "laptop").unwrap();
        let err = DataDirLock::acquire(dir.path(), "laptop").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("pid {} on laptop", std::process::id())),
            "{msg}"
        );
        drop(first);
        assert!(DataDirLock::acquire(dir.path(), "laptop").is_ok());
    }
}
