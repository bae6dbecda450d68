//! Resolved settings: flags, environment, `config.toml` and defaults turned once into the
//! values the commands use. The clock is read here and nowhere below.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::cli::{ColorChoice, GlobalArgs};
use crate::diag::Diagnostic;
use crate::scheduler::queue::Limits;
use crate::scheduler::{DayClock, Params, SchedulerConfig, Zone};
use crate::storage::DataDir;
use crate::storage::config::{self, Config, Setting, Source};
use crate::study::progress::DailyLimits;

#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: DataDir,
    /// Extra deck files or folders from `--deck`.
    pub extra_decks: Vec<PathBuf>,
    pub color: ColorChoice,
    pub now: DateTime<Utc>,
    /// `--now` was given: the clock stands still at `now` (tests, demos).
    pub now_fixed: bool,
    /// Study days: the `TZ` time zone (else the system's) and the rollover hour.
    pub clock: DayClock,
    pub config: Config,
    /// This machine's name: its review log is `reviews/<device>.jsonl`.
    pub device: String,
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
    #[error("cannot read {path}: {source}")]
    ReadConfig {
        path: String,
        source: std::io::Error,
    },
    /// The config has errors: the user's input is wrong (exit code 1).
    #[error("{}", .0.iter().map(Diagnostic::render).collect::<String>())]
    Config(Vec<Diagnostic>),
    #[error("MEDTERM_DEVICE: \"{0}\" is not a device name; use letters, digits, `.`, `_` and `-`")]
    Device(String),
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
        let path = data_dir.config_file();
        let config = match std::fs::read_to_string(&path) {
            Ok(text) => {
                let inside = path.starts_with(&data_dir.root);
                config::parse(&path.display().to_string(), &text, inside)
                    .map_err(SettingsError::Config)?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(source) => {
                return Err(SettingsError::ReadConfig {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        let mut config = config;
        let device = match std::env::var("MEDTERM_DEVICE") {
            Ok(d) if config::is_device_name(&d) => {
                config.device = Setting {
                    value: Some(d.clone()),
                    source: Source::Env("MEDTERM_DEVICE"),
                };
                d
            }
            Ok(d) => return Err(SettingsError::Device(d)),
            Err(_) => {
                if let Some(d) = &config.device.value {
                    d.clone()
                } else {
                    let host = gethostname::gethostname().to_string_lossy().into_owned();
                    let d = config::device_from_host(&host);
                    config.device = Setting {
                        value: Some(d.clone()),
                        source: Source::Env("host name"),
                    };
                    d
                }
            }
        };
        let clock = DayClock::new(
            Zone::from_tz_var(std::env::var("TZ").ok().as_deref()),
            config.rollover_hour.value,
        );
        Ok(Settings {
            data_dir,
            extra_decks: args.deck_paths.clone(),
            color: args.color,
            now,
            now_fixed: args.now.is_some(),
            clock,
            config,
            device,
        })
    }

    /// The scheduler as configured.
    pub fn scheduler(&self) -> SchedulerConfig {
        let c = &self.config;
        let mut s = SchedulerConfig::new(self.clock);
        if let Some(p) = c
            .fsrs_parameters
            .value
            .as_deref()
            .and_then(|p| Params::new(p).ok())
        {
            s.set_params(p);
        }
        s.set_desired_retention(c.desired_retention.value);
        s.learning_steps.clone_from(&c.learning_steps.value);
        s.relearning_steps.clone_from(&c.relearning_steps.value);
        s.maximum_interval = c.maximum_interval.value;
        s.leech_threshold = c.leech_threshold.value;
        s
    }

    pub fn streak_rules(&self) -> crate::stats::StreakRules {
        crate::stats::StreakRules {
            goal: self.config.daily_goal.value,
            freezes_per_month: self.config.streak_freezes.value,
            keep_idle_days: self.config.streak_keeps_idle_days.value,
            review_limit: self.config.reviews_per_day.value,
        }
    }

    pub fn limits(&self) -> DailyLimits {
        let c = &self.config;
        let overall = Limits {
            new_per_day: c.new_per_day.value,
            reviews_per_day: c.reviews_per_day.value,
        };
        DailyLimits {
            overall,
            per_deck: c
                .decks
                .iter()
                .map(|d| {
                    (
                        d.deck.clone(),
                        Limits {
                            new_per_day: d.new_per_day.unwrap_or(overall.new_per_day),
                            reviews_per_day: d.reviews_per_day.unwrap_or(overall.reviews_per_day),
                        },
                    )
                })
                .collect(),
        }
    }
}
