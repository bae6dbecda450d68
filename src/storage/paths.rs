//! Where medterm keeps its files: `--data-dir`, else `$MEDTERM_HOME`, else the XDG data dir
//! (with the config in the XDG config dir).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    pub root: PathBuf,
    /// Folder of `config.toml`: the data dir itself when it was named explicitly.
    pub config_dir: PathBuf,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PathError {
    #[error(
        "cannot tell where to keep data: neither --data-dir, MEDTERM_HOME, XDG_DATA_HOME nor HOME is set"
    )]
    NoHome,
}

impl DataDir {
    /// Resolves the data dir. `explicit` is `--data-dir` or `$MEDTERM_HOME` (clap merges the
    /// two); `env` looks up the XDG variables and `HOME`.
    pub fn resolve(
        explicit: Option<&Path>,
        env: impl Fn(&str) -> Option<OsString>,
    ) -> Result<DataDir, PathError> {
        if let Some(dir) = explicit {
            return Ok(DataDir {
                root: dir.to_path_buf(),
                config_dir: dir.to_path_buf(),
            });
        }
        let non_empty = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let home = non_empty("HOME");
        let data_home = non_empty("XDG_DATA_HOME")
            .filter(|p| p.is_absolute())
            .or_else(|| home.as_ref().map(|h| h.join(".local/share")))
            .ok_or(PathError::NoHome)?;
        let config_home = non_empty("XDG_CONFIG_HOME")
            .filter(|p| p.is_absolute())
            .or_else(|| home.as_ref().map(|h| h.join(".config")))
            .unwrap_or_else(|| data_home.clone());
        Ok(DataDir {
            root: data_home.join("medterm"),
            config_dir: config_home.join("medterm"),
        })
    }

    /// The student's own decks.
    pub fn decks_dir(&self) -> PathBuf {
        self.root.join("decks")
    }

    /// The review logs, one per device.
    pub fn reviews_dir(&self) -> PathBuf {
        self.root.join("reviews")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.root.join("cache")
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn explicit_dir_holds_everything() {
        let d = DataDir::resolve(Some(Path::new("/tmp/m")), env(&[("HOME", "/home/s")])).unwrap();
        assert_eq!(d.root, PathBuf::from("/tmp/m"));
        assert_eq!(d.config_file(), PathBuf::from("/tmp/m/config.toml"));
        assert_eq!(d.decks_dir(), PathBuf::from("/tmp/m/decks"));
    }

    #[test]
    fn xdg_dirs_then_home() {
        let d = DataDir::resolve(
            None,
            env(&[
                ("HOME", "/home/s"),
                ("XDG_DATA_HOME", "/d"),
                ("XDG_CONFIG_HOME", "/c"),
            ]),
        )
        .unwrap();
        assert_eq!(d.root, PathBuf::from("/d/medterm"));
        assert_eq!(d.config_dir, PathBuf::from("/c/medterm"));
        let d =
            DataDir::resolve(None, env(&[("HOME", "/home/s"), ("XDG_DATA_HOME", "rel")])).unwrap();
        assert_eq!(d.root, PathBuf::from("/home/s/.local/share/medterm"));
        assert_eq!(d.config_dir, PathBuf::from("/home/s/.config/medterm"));
        assert_eq!(DataDir::resolve(None, env(&[])), Err(PathError::NoHome));
    }
}
