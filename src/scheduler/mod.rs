//! Scheduling, with no I/O: the time, the time zone and every seed are arguments.
//!
//! `fsrs` is the memory model, `day` the study-day calendar, `state` what one answer does to
//! a card, `queue` what to study next today.

pub mod day;
pub mod fsrs;
pub mod queue;
pub mod replay;
pub mod state;

pub use day::{DayCache, DayClock, StudyDay, Zone};
pub use fsrs::{DEFAULT_PARAMETERS, Memory, Params, ParamsError, Rating};
pub use replay::{
    Answer, Interner, Merged, Op, Replayer, apply_op, card_ranges, on_card_ranges, replay_all,
    replay_threads,
};
pub use state::{
    CardState, Due, Outcome, Phase, SchedulerConfig, Wait, key_seed, preview, preview_line, review,
    review_on,
};
