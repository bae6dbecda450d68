//! `medterm optimize [--dry-run]`: fit FSRS parameters to the history, report the fit, and
//! save the parameters to config.toml when there is enough history and they are better.

use std::io::{IsTerminal as _, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use fsrs::CombinedProgressState;

use crate::cli::OptimizeArgs;
use crate::settings::Settings;
use crate::storage::history::read_history;
use crate::storage::{atomic, config};
use crate::study::optimize::{self, MIN_REVIEWS, OptimizeError};

use super::{Exit, Out};

/// Draws `[#####.....]  45%` on stderr while the optimizer runs, if stderr is a terminal.
fn progress_bar(
    state: Arc<Mutex<CombinedProgressState>>,
    done: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let tty = std::io::stderr().is_terminal();
        while !done.load(Ordering::Relaxed) {
            if tty {
                let (cur, total) = state.lock().map_or((0, 0), |s| (s.current(), s.total()));
                let pct = (cur * 100).checked_div(total).unwrap_or(0).min(100);
                let filled = pct * 30 / 100;
                eprint!(
                    "\roptimizing [{}{}] {pct:3}%",
                    "#".repeat(filled),
                    ".".repeat(30 - filled)
                );
                let _ = std::io::stderr().flush();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if tty {
            eprint!("\r{}\r", " ".repeat(50));
        }
    })
}

pub fn run(settings: &Settings, args: &OptimizeArgs) -> anyhow::Result<Exit> {
    let dir = settings.data_dir.reviews_dir();
    let history = read_history(&dir)
        .with_context(|| format!("cannot read the review logs in {}", dir.display()))?;
    let state = CombinedProgressState::new_shared();
    let done = Arc::new(AtomicBool::new(false));
    let bar = progress_bar(Arc::clone(&state), Arc::clone(&done));
    let result = optimize::fit(
        &history.events,
        &settings.clock,
        settings.config.relearning_steps.value.len(),
        settings.scheduler().params().weights(),
        Some(state),
    );
    done.store(true, Ordering::Relaxed);
    let _ = bar.join();
    let fit = match result {
        Ok(fit) => fit,
        Err(OptimizeError::NotEnoughData(n)) => {
            eprintln!(
                "medterm: not enough history to optimize ({n} reviews with an earlier one); study for a while and try again"
            );
            return Ok(Exit::Ok);
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = Out::stdout();
    out.line(&format!(
        "history: {} reviews, {} training items",
        fit.reviews, fit.items
    ))?;
    out.line(&format!(
        "default parameters: log loss {:.4}, RMSE {:.4}",
        fit.default.log_loss, fit.default.rmse
    ))?;
    if fit.current != fit.default {
        out.line(&format!(
            "current parameters: log loss {:.4}, RMSE {:.4}",
            fit.current.log_loss, fit.current.rmse
        ))?;
    }
    out.line(&format!(
        "fitted parameters:  log loss {:.4}, RMSE {:.4}",
        fit.fitted_eval.log_loss, fit.fitted_eval.rmse
    ))?;
    let list: Vec<String> = fit.fitted.iter().map(|w| format!("{w}")).collect();
    out.line(&format!("fitted: [{}]", list.join(", ")))?;
    if args.dry_run {
        out.line("dry run: nothing saved")?;
    } else if fit.reviews < MIN_REVIEWS {
        out.line(&format!(
            "not saved: {} reviews, fewer than the {MIN_REVIEWS} needed to trust a fit",
            fit.reviews
        ))?;
    } else if !fit.worth_saving() {
        out.line("not saved: the fitted parameters do not predict your history better than the current ones")?;
    } else {
        let path = settings.data_dir.config_file();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let updated = config::with_fsrs_parameters(&text, &fit.fitted)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        atomic::write_file(&path, updated.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        out.line(&format!("saved to {}", path.display()))?;
    }
    out.flush()?;
    Ok(Exit::Ok)
}
