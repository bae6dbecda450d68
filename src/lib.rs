//! medterm: a terminal trainer for medical terminology.
//!
//! `deck` (and later `scheduler`, `stats`) are pure; `storage` owns files; `study` joins
//! them for the CLI in `commands` and the TUI.

pub mod authoring;
pub mod cli;
pub mod commands;
pub mod deck;
pub mod diag;
#[doc(hidden)]
pub mod fuzzing;
pub mod scheduler;
pub mod settings;
pub mod stats;
pub mod storage;
pub mod study;
pub mod text;
pub mod ui;
#[doc(hidden)]
pub mod workload;

use std::process::ExitCode;

use clap::Parser as _;

use crate::commands::Exit;

/// Runs the command line; errors that reach here are medterm failing (exit code 2).
pub fn main_with_args() -> ExitCode {
    let cli = cli::Cli::parse();
    match run(&cli) {
        Ok(exit) => exit.into(),
        Err(err) => {
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return Exit::Ok.into();
            }
            eprintln!("medterm: error: {err:#}");
            Exit::Failure.into()
        }
    }
}

fn run(cli: &cli::Cli) -> anyhow::Result<Exit> {
    let settings = match settings::Settings::resolve(&cli.global) {
        Ok(s) => s,
        // A config with errors is the user's input being wrong, like a deck's.
        Err(settings::SettingsError::Config(diags)) => {
            for d in &diags {
                eprint!("{}", d.render());
            }
            eprintln!("medterm: fix config.toml, or move it aside to use the defaults");
            return Ok(Exit::BadInput);
        }
        Err(e) => return Err(e.into()),
    };
    match &cli.command {
        Some(cli::Command::Check(args)) => commands::check::run(&settings, args),
        Some(cli::Command::Decks(args)) => commands::decks::run(&settings, args),
        Some(cli::Command::Replay(args)) => commands::replay::run(&settings, args),
        Some(cli::Command::Due(args)) => commands::due::run(&settings, args),
        Some(cli::Command::Optimize(args)) => commands::optimize::run(&settings, args),
        Some(cli::Command::Stats(args)) => commands::stats::run(&settings, args),
        Some(cli::Command::History(cmd)) => commands::history::run(&settings, cmd),
        Some(cli::Command::New(args)) => commands::new::run(&settings, args),
        Some(cli::Command::Import(args)) => commands::import::run(&settings, args),
        Some(cli::Command::Export(args)) => commands::export::run(&settings, args),
        Some(cli::Command::Script(args)) => {
            commands::script::run(&settings, args, cli.global.now.is_some())
        }
        Some(cli::Command::Config) => {
            let path = settings.data_dir.config_file().display().to_string();
            let mut out = commands::Out::stdout();
            out.line(&format!("# effective configuration; the file is {path}"))?;
            out.write_str(&settings.config.describe(&path))?;
            out.flush()?;
            Ok(Exit::Ok)
        }
        Some(cli::Command::Study(args)) => {
            ui::run::run(&settings, Some((&args.deck_ids, args.tag.as_deref())), None)
        }
        Some(cli::Command::Drill(args)) => {
            let drill = match args.drill {
                cli::DrillKind::Build => study::drill::Drill::Build,
                cli::DrillKind::Dissect => study::drill::Drill::Dissect,
                cli::DrillKind::Confusables => study::drill::Drill::Confusables,
            };
            ui::run::run(&settings, Some((&args.deck_ids, None)), Some(drill))
        }
        None => ui::run::run(&settings, None, None),
    }
}
