//! Study days: the calendar date of an instant minus the rollover hour, in the student's
//! time zone. This is the one place that computes it. Days are counted by the calendar, never
//! by adding 86 400 seconds: a DST day has 23 or 25 hours.

use std::fmt;

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc,
};

/// A study day: a calendar date, kept as its day number so that day arithmetic (the replay
/// does it for every answer) is integer arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StudyDay(i32);

impl StudyDay {
    pub fn from_date(date: NaiveDate) -> StudyDay {
        StudyDay(date.num_days_from_ce())
    }

    pub fn date(self) -> NaiveDate {
        NaiveDate::from_num_days_from_ce_opt(self.0).unwrap_or(if self.0 < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
    }

    /// Days since 1 January of year 1 (day 1).
    pub fn number(self) -> i32 {
        self.0
    }

    /// The inverse of [`StudyDay::number`].
    pub fn from_number(n: i32) -> StudyDay {
        StudyDay(n)
    }

    /// Whole days from `earlier` to `self` (negative if `earlier` is later).
    pub fn days_since(self, earlier: StudyDay) -> i64 {
        i64::from(self.0) - i64::from(earlier.0)
    }

    #[must_use]
    pub fn plus_days(self, n: u32) -> StudyDay {
        let n = i32::try_from(n).unwrap_or(i32::MAX);
        StudyDay(
            self.0
                .saturating_add(n)
                .min(NaiveDate::MAX.num_days_from_ce()),
        )
    }

    #[must_use]
    pub fn minus_days(self, n: u32) -> StudyDay {
        let n = i32::try_from(n).unwrap_or(i32::MAX);
        StudyDay(
            self.0
                .saturating_sub(n)
                .max(NaiveDate::MIN.num_days_from_ce()),
        )
    }
}

impl std::str::FromStr for StudyDay {
    type Err = chrono::ParseError;

    /// `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map(StudyDay::from_date)
    }
}

impl fmt::Display for StudyDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.date().format("%Y-%m-%d"))
    }
}

/// The student's time zone: a named IANA zone, or whatever the system says is local.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Named(chrono_tz::Tz),
    Local,
}

impl Zone {
    /// From a `TZ` value: an IANA name (optionally with a leading `:`), else the system's.
    pub fn from_tz_var(value: Option<&str>) -> Zone {
        value
            .map(|v| v.trim_start_matches(':'))
            .and_then(|v| v.parse::<chrono_tz::Tz>().ok())
            .map_or(Zone::Local, Zone::Named)
    }

    fn local_wall_time(self, t: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Named(tz) => t.with_timezone(&tz).naive_local(),
            Zone::Local => t.with_timezone(&chrono::Local).naive_local(),
        }
    }

    fn resolve(self, wall: NaiveDateTime) -> LocalResult<DateTime<Utc>> {
        match self {
            Zone::Named(tz) => tz.from_local_datetime(&wall).map(|t| t.with_timezone(&Utc)),
            Zone::Local => chrono::Local
                .from_local_datetime(&wall)
                .map(|t| t.with_timezone(&Utc)),
        }
    }
}

/// When study days begin and where: the rollover hour in a time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayClock {
    pub zone: Zone,
    /// 0..=23: a review before this hour counts for the day before.
    pub rollover_hour: u32,
}

impl DayClock {
    pub fn new(zone: Zone, rollover_hour: u32) -> DayClock {
        DayClock {
            zone,
            rollover_hour: rollover_hour.min(23),
        }
    }

    /// The study day an instant belongs to, where it happened.
    pub fn day_of(&self, t: DateTime<Utc>) -> StudyDay {
        let wall = self.zone.local_wall_time(t);
        let shifted = wall - TimeDelta::hours(i64::from(self.rollover_hour));
        StudyDay::from_date(shifted.date())
    }

    /// The instant a study day begins: its date at the rollover hour, local time. When DST
    /// skips that wall time the day begins at the first instant after the gap; when it
    /// repeats, at the first of the two.
    pub fn start_of(&self, day: StudyDay) -> DateTime<Utc> {
        let hour = NaiveTime::from_hms_opt(self.rollover_hour, 0, 0).unwrap_or(NaiveTime::MIN);
        let mut wall = day.date().and_time(hour);
        // A gap is at most a few hours; step through it a quarter hour at a time.
        for _ in 0..(4 * 26) {
            match self.zone.resolve(wall) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return t,
                LocalResult::None => wall += TimeDelta::minutes(15),
            }
        }
        wall.and_utc()
    }
}

/// Study days of instants that mostly come in time order.
pub struct DayCache<'a> {
    clock: &'a DayClock,
    range: Option<(DateTime<Utc>, DateTime<Utc>, StudyDay)>,
}

impl<'a> DayCache<'a> {
    pub fn new(clock: &'a DayClock) -> DayCache<'a> {
        DayCache { clock, range: None }
    }

    /// `DayClock::day_of`, without the time zone lookups while `t` stays in the last
    /// instant's study day.
    pub fn day_of(&mut self, t: DateTime<Utc>) -> StudyDay {
        if let Some((start, end, day)) = self.range
            && start <= t
            && t < end
        {
            return day;
        }
        let day = self.clock.day_of(t);
        let (start, end) = (
            self.clock.start_of(day),
            self.clock.start_of(day.plus_days(1)),
        );
        // A study day whose bounds do not contain `t` (a zone change mid-day) is not cached.
        self.range = (start <= t && t < end).then_some((start, end, day));
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;
    use chrono_tz::Europe::Madrid;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(s: &str) -> StudyDay {
        s.parse().unwrap()
    }

    #[test]
    fn a_review_after_midnight_counts_for_the_day_before() {
        let clock = DayClock::new(Zone::Named(Madrid), 4);
        // 02:30 in Madrid on 5 December (UTC+1).
        assert_eq!(clock.day_of(utc("2026-12-05T01:30:00Z")), day("2026-12-04"));
        assert_eq!(clock.day_of(utc("2026-12-05T03:00:00Z")), day("2026-12-05"));
    }

    #[test]
    fn dst_days_are_whole_days() {
        let clock = DayClock::new(Zone::Named(New_York), 4);
        // Clocks spring forward at 02:00 on 2026-03-08: the study day that began at 04:00 on
        // the 7th ends 23 hours later.
        let start = clock.start_of(day("2026-03-07"));
        let next = clock.start_of(day("2026-03-08"));
        assert_eq!((next - start).num_hours(), 23);
        assert_eq!(
            clock.day_of(next - TimeDelta::seconds(1)),
            day("2026-03-07")
        );
        assert_eq!(clock.day_of(next), day("2026-03-08"));
        // They fall back at 02:00 on 2026-11-01: the study day of 31 October has 25 hours.
        let start = clock.start_of(day("2026-10-31"));
        let next = clock.start_of(day("2026-11-01"));
        assert_eq!((next - start).num_hours(), 25);
        assert_eq!(day("2026-11-02").days_since(day("2026-10-30")), 3);
    }

    #[test]
    fn a_rollover_inside_a_dst_gap_starts_after_it() {
        // 2026-03-08 02:00 does not exist in New York.
        let clock = DayClock::new(Zone::Named(New_York), 2);
        assert_eq!(
            clock.start_of(day("2026-03-08")),
            utc("2026-03-08T07:00:00Z")
        );
    }

    #[test]
    fn tz_var_names_a_zone() {
        assert_eq!(
            Zone::from_tz_var(Some(":Europe/Madrid")),
            Zone::Named(Madrid)
        );
        assert_eq!(Zone::from_tz_var(Some("Nowhere/Else")), Zone::Local);
        assert_eq!(Zone::from_tz_var(None), Zone::Local);
    }
}
