//! Resolved settings: flags, environment and defaults turned once into the values the
//! commands use. The clock is read here and nowhere below.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::cli::{ColorChoice, GlobalArgs};
use crate::scheduler::{DayClock, Zone};
use crate::storage::DataDir;

/// A review before this local hour counts for the day before.
pub const DEFAULT_ROLLOVER_HOUR: u32 = 4;

#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: DataDir,
    /// Extra deck files or folders from `--deck`.
    pub extra_decks: Vec<PathBuf>,
    pub color: ColorChoice,
    pub now: DateTime<Utc>,
    /// Study days: the `TZ` time zone (else the system's) and the rollover hour.
    pub clock: DayClock,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "--now / MEDTERM_NOW: \"{value}\" is not an RFC 3339 time ({source}); write it like 2026-12-04T21:30:00+01:00"
    )]
    Now {
        value: String,
        source: chrono::ParseError,
    },
    #[error(transparent)]
    Path(#[from] crate::storage::paths::PathError),
}

impl Settings {
    pub fn resolve(args: &GlobalArgs) -> Result<Settings, SettingsError> {
        let now = match &args.now {
            Some(value) => DateTime::parse_from_rfc3339(value)
                .map_err(|source| SettingsError::Now {
                    value: value.clone(),
                    source,
                })?
                .with_timezone(&Utc),
            None => Utc::now(),
        };
        let data_dir = DataDir::resolve(args.data_dir.as_deref(), |name| std::env::var_os(name))?;
        Ok(Settings {
            data_dir,
            extra_decks: args.decks.clone(),
            color: args.color,
            now,
            clock: DayClock::new(
                Zone::from_tz_var(std::env::var("TZ").ok().as_deref()),
                DEFAULT_ROLLOVER_HOUR,
            ),
        })
    }
}
