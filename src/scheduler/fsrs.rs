//! The FSRS-6 memory model: stability and difficulty after a review, retrievability, and the
//! interval for a desired retention.
//!
//! The formulas are FSRS-6's as the reference scheduler (py-fsrs 6.3.2) evaluates them, in
//! f64 and in the same order, so a replay agrees with it to the last bit. The `fsrs` crate (the
//! engine inside Anki) computes the same model in f32 through tensors, about a microsecond or
//! more per call; a 1 000 000-review replay has 100 ms, so the per-review path is plain
//! arithmetic here, and a test holds it to the crate's `next_states`. The crate's optimizer
//! fits the parameters (see `optimize`).

use std::f64::consts::E;

/// FSRS-6's 21 default parameters.
pub const DEFAULT_PARAMETERS: [f64; 21] = [
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
    0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
];

const LOWER: [f64; 21] = [
    0.001, 0.001, 0.001, 0.001, 1.0, 0.001, 0.001, 0.001, 0.0, 0.0, 0.001, 0.001, 0.001, 0.001,
    0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.1,
];
const UPPER: [f64; 21] = [
    100.0, 100.0, 100.0, 100.0, 10.0, 4.0, 4.0, 0.75, 4.5, 0.8, 3.5, 5.0, 0.25, 0.9, 4.0, 1.0, 6.0,
    2.0, 2.0, 0.8, 0.8,
];

pub const STABILITY_MIN: f64 = 0.001;
pub const MIN_DIFFICULTY: f64 = 1.0;
pub const MAX_DIFFICULTY: f64 = 10.0;

/// A grade: Again = 1, Hard = 2, Good = 3, Easy = 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rating {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    pub fn from_number(n: u64) -> Option<Rating> {
        match n {
            1 => Some(Rating::Again),
            2 => Some(Rating::Hard),
            3 => Some(Rating::Good),
            4 => Some(Rating::Easy),
            _ => None,
        }
    }

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn label(self) -> &'static str {
        match self {
            Rating::Again => "Again",
            Rating::Hard => "Hard",
            Rating::Good => "Good",
            Rating::Easy => "Easy",
        }
    }

    fn g(self) -> f64 {
        f64::from(self.number())
    }
}

/// A card's memory: stability in days, difficulty in [1, 10].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Memory {
    pub stability: f64,
    pub difficulty: f64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ParamsError {
    #[error("FSRS needs 21 parameters, got {0}")]
    Count(usize),
    #[error("FSRS parameter w{index} = {value} is outside [{lower}, {upper}]")]
    OutOfRange {
        index: usize,
        value: f64,
        lower: f64,
        upper: f64,
    },
}

/// Validated FSRS-6 parameters with the constants derived from them.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    w: [f64; 21],
    decay: f64,
    factor: f64,
    /// Powers that depend on the parameters alone, computed once; the same `E.powf` calls,
    /// so results stay bit-identical to evaluating them per review.
    e_w8: f64,
    e_w17_w18: f64,
    /// `e^(w17 * (G - 3 + w18))` for G = 1..=4.
    short_term: [f64; 4],
    d0_easy_unclamped: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params::new(&DEFAULT_PARAMETERS).expect("the defaults are in range")
    }
}

impl Params {
    pub fn new(w: &[f64]) -> Result<Params, ParamsError> {
        let w: [f64; 21] = w.try_into().map_err(|_| ParamsError::Count(w.len()))?;
        for (index, &value) in w.iter().enumerate() {
            let (lower, upper) = (LOWER[index], UPPER[index]);
            if !(lower..=upper).contains(&value) {
                return Err(ParamsError::OutOfRange {
                    index,
                    value,
                    lower,
                    upper,
                });
            }
        }
        let decay = -w[20];
        let factor = 0.9_f64.powf(1.0 / decay) - 1.0;
        let short_term = [1.0, 2.0, 3.0, 4.0].map(|g: f64| E.powf(w[17] * (g - 3.0 + w[18])));
        Ok(Params {
            w,
            decay,
            factor,
            e_w8: E.powf(w[8]),
            e_w17_w18: E.powf(w[17] * w[18]),
            short_term,
            d0_easy_unclamped: w[4] - E.powf(w[5] * 3.0) + 1.0,
        })
    }

    pub fn weights(&self) -> &[f64; 21] {
        &self.w
    }

    /// Retrievability after `t` days at stability `s`.
    pub fn retrievability(&self, t: f64, s: f64) -> f64 {
        (1.0 + self.factor * t / s).powf(self.decay)
    }

    fn initial_difficulty_unclamped(&self, g: f64) -> f64 {
        self.w[4] - E.powf(self.w[5] * (g - 1.0)) + 1.0
    }

    /// The memory after a card's first review.
    pub fn initial(&self, rating: Rating) -> Memory {
        Memory {
            stability: self.w[rating as usize - 1].max(STABILITY_MIN),
            difficulty: self
                .initial_difficulty_unclamped(rating.g())
                .clamp(MIN_DIFFICULTY, MAX_DIFFICULTY),
        }
    }

    fn next_difficulty(&self, d: f64, rating: Rating) -> f64 {
        let delta = -(self.w[6] * (rating.g() - 3.0));
        let damped = d + (10.0 - d) * delta / 9.0;
        let reverted = self.w[7] * self.d0_easy_unclamped + (1.0 - self.w[7]) * damped;
        reverted.clamp(MIN_DIFFICULTY, MAX_DIFFICULTY)
    }

    /// The memory after a later review, `elapsed_days` study days after the previous one;
    /// under one day uses the short-term (same-day) formula.
    #[allow(clippy::many_single_char_names)] // the formulas' own notation: w, s, d, r
    pub fn next(&self, m: Memory, elapsed_days: u32, rating: Rating) -> Memory {
        let w = &self.w;
        let (s, d) = (m.stability, m.difficulty);
        let stability = if elapsed_days < 1 {
            let mut inc = self.short_term[rating as usize - 1] * s.powf(-w[19]);
            if rating != Rating::Again {
                inc = inc.max(1.0);
            }
            s * inc
        } else {
            let r = self.retrievability(f64::from(elapsed_days), s);
            if rating == Rating::Again {
                let long = w[11]
                    * d.powf(-w[12])
                    * ((s + 1.0).powf(w[13]) - 1.0)
                    * E.powf((1.0 - r) * w[14]);
                long.min(s / self.e_w17_w18)
            } else {
                let hard = if rating == Rating::Hard { w[15] } else { 1.0 };
                let easy = if rating == Rating::Easy { w[16] } else { 1.0 };
                s * (1.0
                    + self.e_w8
                        * (11.0 - d)
                        * s.powf(-w[9])
                        * (E.powf((1.0 - r) * w[10]) - 1.0)
                        * hard
                        * easy)
            }
        };
        Memory {
            stability: stability.max(STABILITY_MIN),
            difficulty: self.next_difficulty(d, rating),
        }
    }

    /// The part of the interval that depends on the desired retention alone.
    pub fn interval_factor(&self, desired_retention: f64) -> f64 {
        desired_retention.powf(1.0 / self.decay) - 1.0
    }

    /// The interval in days for stability `s` at the desired retention, before rounding.
    pub fn raw_interval(&self, s: f64, desired_retention: f64) -> f64 {
        (s / self.factor) * self.interval_factor(desired_retention)
    }

    /// Whole days: rounded half to even, at least 1, at most `maximum`.
    pub fn interval_days(&self, s: f64, desired_retention: f64, maximum: u32) -> u32 {
        self.interval_days_with(s, self.interval_factor(desired_retention), maximum)
    }

    /// [`Params::interval_days`] with the retention's [`Params::interval_factor`] given.
    pub fn interval_days_with(&self, s: f64, interval_factor: f64, maximum: u32) -> u32 {
        let days = ((s / self.factor) * interval_factor).round_ties_even();
        // Saturating float-to-int: a huge stability cannot wrap.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let days = days.clamp(1.0, f64::from(u32::MAX)) as u32;
        days.clamp(1, maximum.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-4 * b.abs().max(1.0)
    }

    #[test]
    fn defaults_give_the_reference_initial_states() {
        let p = Params::default();
        let d: Vec<f64> = Rating::ALL
            .iter()
            .map(|&r| p.initial(r).difficulty)
            .collect();
        for (got, want) in d.iter().zip([6.4133, 5.11217, 2.11810, 1.0]) {
            assert!(close(*got, want), "{got} vs {want}");
        }
        assert!((p.factor - 0.980_346_494_413_479_7).abs() < 1e-15);
        assert!(close(p.initial(Rating::Good).stability, 2.3065));
    }

    #[test]
    fn same_day_increase_matches_the_reference_at_stability_one() {
        let p = Params::default();
        let m = Memory {
            stability: 1.0,
            difficulty: 5.0,
        };
        let s: Vec<f64> = Rating::ALL
            .iter()
            .map(|&r| p.next(m, 0, r).stability)
            .collect();
        for (got, want) in s.iter().zip([0.355, 1.0, 1.051, 1.808]) {
            assert!((got - want).abs() < 1e-3, "{got} vs {want}");
        }
    }

    #[test]
    fn interval_equals_stability_at_ninety_percent() {
        let p = Params::default();
        assert!((p.raw_interval(10.0, 0.9) - 10.0).abs() < 1e-9);
        assert_eq!(p.interval_days(0.2, 0.9, 36_500), 1);
        assert_eq!(p.interval_days(1e9, 0.9, 36_500), 36_500);
        assert!((p.raw_interval(10.0, 0.8) / 10.0 - 3.316).abs() < 1e-3);
    }

    #[test]
    fn out_of_range_parameters_are_refused() {
        let mut w = DEFAULT_PARAMETERS;
        w[20] = 0.9;
        assert!(matches!(
            Params::new(&w),
            Err(ParamsError::OutOfRange { index: 20, .. })
        ));
        assert_eq!(Params::new(&w[..19]), Err(ParamsError::Count(19)));
    }
}
