//! Replacing a whole file so that a crash leaves either the old file or the new one: write a
//! temporary file beside it, sync it, rename it over, sync the folder (a rename is only
//! durable once its directory is).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::Path;

/// The folder `path` is in (created if missing), and a temporary name beside `path` tagged
/// `tag` and this process.
fn beside<'a>(path: &'a Path, tag: &str) -> io::Result<(&'a Path, std::path::PathBuf)> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    Ok((
        dir,
        dir.join(format!(".{name}.{tag}-{}", std::process::id())),
    ))
}

/// Writes `bytes` to the temporary file `tmp`, and syncs it with `sync`.
fn write_temp(tmp: &Path, bytes: &[u8], sync: bool) -> io::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(tmp)?;
    f.write_all(bytes)?;
    if sync { f.sync_all() } else { Ok(()) }
}

/// Replaces a cache file: a temporary file renamed over it, nothing synced. A cache is
/// derived data that ends in a checksum (`binary::Writer::seal`): after a crash it is whole,
/// or it reads as a miss and is rebuilt. The syncs of the two 4 MB caches took about 8 ms
/// of a cold start on this disk (`strace -T`), for nothing a student could lose.
pub fn write_cache(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (_, tmp) = beside(path, "tmp")?;
    let result = (|| {
        write_temp(&tmp, bytes, false)?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (dir, tmp) = beside(path, "tmp")?;
    let result = (|| {
        write_temp(&tmp, bytes, true)?;
        fs::rename(&tmp, path)?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Writes a file that must not exist yet, as whole as `write_file` does: the temporary file is
/// hard-linked to its name, which fails if the name is taken, so an existing file is never
/// replaced, not even by one created a moment ago. On a file system without hard links
/// (FAT, some network shares) it checks for the name and renames instead.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (dir, tmp) = beside(path, "new")?;
    if fs::symlink_metadata(path).is_ok() {
        return Err(io::Error::from(io::ErrorKind::AlreadyExists));
    }
    let result = (|| {
        write_temp(&tmp, bytes, true)?;
        match fs::hard_link(&tmp, path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
            Err(_) => {
                if fs::symlink_metadata(path).is_ok() {
                    return Err(io::Error::from(io::ErrorKind::AlreadyExists));
                }
                fs::rename(&tmp, path)?;
            }
        }
        File::open(dir)?.sync_all()
    })();
    let _ = fs::remove_file(&tmp);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_whole_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        write_file(&path, b"a = 1\n").unwrap();
        write_file(&path, b"b = 2\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"b = 2\n");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["config.toml"]);
    }

    #[test]
    fn a_new_file_never_replaces_an_existing_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deck.toml");
        write_new_file(&path, b"first\n").unwrap();
        let err = write_new_file(&path, b"second\n").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"first\n");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["deck.toml"]);
    }
}
