//! Fitting FSRS parameters to the student's own history with the `fsrs` crate's optimizer
//! (the one inside Anki), and comparing them with the defaults on that history.

use std::sync::{Arc, Mutex};

use foldhash::HashMap;
use fsrs::{CombinedProgressState, ComputeParametersInput, FSRS, FSRSItem, FSRSReview};

use crate::scheduler::{DEFAULT_PARAMETERS, DayClock, Params, StudyDay};
use crate::storage::log::{Action, Event};

/// Fewer reviews than this and fitted parameters are not trusted enough to save.
pub const MIN_REVIEWS: usize = 400;

/// Training items: for every card, each review a day or more after the one before, with the
/// history before it; elapsed time in study days. Undone answers are left out.
pub fn training_items(events: &[Event], clock: &DayClock) -> (Vec<FSRSItem>, Vec<i64>, usize) {
    let undone = crate::storage::log::undone_ids(events);
    let mut per_card: HashMap<&str, Vec<(StudyDay, u8)>> = HashMap::default();
    let mut reviews = 0;
    for e in events {
        if let Action::Review { card, rating, .. } = &e.action
            && !undone.contains(e.id.as_str())
        {
            per_card
                .entry(card)
                .or_default()
                .push((clock.day_of(e.time), *rating));
            reviews += 1;
        }
    }
    let mut cards: Vec<(&str, Vec<(StudyDay, u8)>)> = per_card.into_iter().collect();
    cards.sort_unstable_by_key(|(k, _)| *k);
    let mut items = Vec::new();
    let mut ids = Vec::new();
    for (n, (_, history)) in cards.iter().enumerate() {
        let mut seq = Vec::with_capacity(history.len());
        let mut prev: Option<StudyDay> = None;
        for &(day, rating) in history {
            let delta = prev.map_or(0, |p| {
                u32::try_from(day.days_since(p).max(0)).unwrap_or(u32::MAX)
            });
            seq.push(FSRSReview {
                rating: u32::from(rating),
                delta_t: delta,
            });
            prev = Some(day);
            // What the model predicts is recall after at least a day; same-day steps are
            // history, not targets.
            if seq.len() >= 2 && delta > 0 {
                items.push(FSRSItem {
                    reviews: seq.clone(),
                });
                ids.push(i64::try_from(n).unwrap_or(i64::MAX));
            }
        }
    }
    (items, ids, reviews)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub log_loss: f64,
    pub rmse: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub reviews: usize,
    pub items: usize,
    /// The FSRS-6 defaults on this history.
    pub default: Evaluation,
    /// The parameters in use (the defaults, or fitted ones from config), on this history.
    pub current: Evaluation,
    pub fitted: Vec<f64>,
    pub fitted_eval: Evaluation,
}

impl Fit {
    /// Worth saving: enough history, and better than the parameters in use on it.
    pub fn worth_saving(&self) -> bool {
        self.reviews >= MIN_REVIEWS && self.fitted_eval.log_loss < self.current.log_loss
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OptimizeError {
    #[error("not enough reviews to fit parameters: {0} cards have more than one review")]
    NotEnoughData(usize),
    #[error("the optimizer failed: {0}")]
    Fsrs(String),
}

fn evaluate(params: &[f32], items: &[FSRSItem], ids: &[i64]) -> Result<Evaluation, OptimizeError> {
    let model = FSRS::new(params).map_err(|e| OptimizeError::Fsrs(e.to_string()))?;
    let e = model
        .evaluate_with_card_ids(items.to_vec(), ids.to_vec(), |_| true)
        .map_err(|e| OptimizeError::Fsrs(e.to_string()))?;
    Ok(Evaluation {
        log_loss: f64::from(e.log_loss),
        rmse: f64::from(e.rmse_bins),
    })
}

/// Fits parameters; `progress` is polled by the caller for a progress bar.
pub fn fit(
    events: &[Event],
    clock: &DayClock,
    relearning_steps: usize,
    current: &[f64],
    progress: Option<Arc<Mutex<CombinedProgressState>>>,
) -> Result<Fit, OptimizeError> {
    let (items, ids, reviews) = training_items(events, clock);
    if items.is_empty() {
        return Err(OptimizeError::NotEnoughData(0));
    }
    #[allow(clippy::cast_possible_truncation)]
    let defaults: Vec<f32> = DEFAULT_PARAMETERS.iter().map(|&w| w as f32).collect();
    let default = evaluate(&defaults, &items, &ids)?;
    #[allow(clippy::cast_possible_truncation)]
    let current_f32: Vec<f32> = current.iter().map(|&w| w as f32).collect();
    let current = if current_f32 == defaults {
        default.clone()
    } else {
        evaluate(&current_f32, &items, &ids)?
    };
    let fitted = fsrs::compute_parameters(ComputeParametersInput {
        train_set: items.clone(),
        card_ids: Some(ids.clone()),
        progress,
        enable_short_term: true,
        num_relearning_steps: Some(relearning_steps),
        training_config: None,
    })
    .map_err(|e| match e {
        fsrs::FSRSError::NotEnoughData => OptimizeError::NotEnoughData(items.len()),
        other => OptimizeError::Fsrs(other.to_string()),
    })?;
    // Four decimals, as saved and shown; evaluated as saved. Kept inside our bounds.
    let rounded: Vec<f64> = fitted
        .iter()
        .map(|&w| (f64::from(w) * 10_000.0).round() / 10_000.0)
        .collect();
    let rounded = match Params::new(&rounded) {
        Ok(p) => p.weights().to_vec(),
        Err(e) => {
            return Err(OptimizeError::Fsrs(format!(
                "fitted parameters out of range: {e}"
            )));
        }
    };
    #[allow(clippy::cast_possible_truncation)]
    let as_f32: Vec<f32> = rounded.iter().map(|&w| w as f32).collect();
    let fitted_eval = evaluate(&as_f32, &items, &ids)?;
    Ok(Fit {
        reviews,
        items: items.len(),
        default,
        current,
        fitted: rounded,
        fitted_eval,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::Zone;

    #[test]
    fn items_are_each_review_after_the_first_with_study_day_gaps() {
        let clock = DayClock::new(Zone::Named(chrono_tz::UTC), 4);
        let ev = |id: &str, card: &str, time: &str, rating: u8| Event {
            id: id.into(),
            time: time.parse().unwrap(),
            device: "d".into(),
            action: Action::Review {
                card: card.into(),
                rating,
                ms: 0,
            },
        };
        let events = vec![
            ev("1", "d:a", "2026-01-01T10:00:00Z", 3),
            ev("2", "d:a", "2026-01-01T10:10:00Z", 3),
            ev("3", "d:a", "2026-01-04T03:00:00Z", 1), // before 4 am: still 3 January
            ev("4", "d:b", "2026-01-01T10:00:00Z", 4),
            Event {
                id: "5".into(),
                time: "2026-01-05T10:00:00Z".parse().unwrap(),
                device: "d".into(),
                action: Action::Undo { target: "4".into() },
            },
        ];
        let (items, ids, reviews) = training_items(&events, &clock);
        assert_eq!(reviews, 3);
        assert_eq!(ids, [0]);
        let deltas: Vec<Vec<u32>> = items
            .iter()
            .map(|i| i.reviews.iter().map(|r| r.delta_t).collect())
            .collect();
        assert_eq!(deltas, [vec![0, 0, 2]]);
    }
}
