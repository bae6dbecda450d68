//! The statistics report: one replay of the history, every figure of `medterm stats` and the
//! stats screen, as JSON or as lines of text.

use std::fmt::Write as _;

use crate::scheduler::{CardState, DayCache, Op, SchedulerConfig, StudyDay, apply_op};
use crate::stats::{self, Answered, CardCounts, DayMarks, Retention, Streak, StreakRules};
use crate::storage::reader::Loaded;

use super::progress::Library;

#[derive(Debug, Clone)]
pub struct Report {
    pub today: StudyDay,
    pub streak: Streak,
    pub today_reviews: u32,
    pub today_ms: u64,
    pub forecast: Vec<u32>,
    pub cards: CardCounts,
    /// Card counts of each deck (every deck, or the one asked for): id, name, counts.
    pub by_deck: Vec<(String, String, CardCounts)>,
    /// Today, 7 days, 30 days, a year: [all, young, mature] each.
    pub retention: [[Retention; 3]; 4],
    pub average: f64,
    /// Weakest first.
    pub by_tag: Vec<(String, Retention)>,
    /// Each word part's answers over a year, across every card and drill that uses it (the
    /// part's own card, the terms built with it, their drills): weakest first.
    pub by_part: Vec<PartScore>,
    pub heatmap: Vec<(StudyDay, u32)>,
}

/// One replay of the history for statistics: every answer with its card's phase and
/// interval before it, the idle days (nothing due at the day's start, no new card left)
/// and the cleared ones (nothing due left at the day's end, or `reviews_per_day` review
/// answers), and every card's final state. Cards numbered below `n_items` are the
/// library's items.
pub struct Replayed {
    /// The answers of the last [`KEPT_DAYS`] study days (every figure by answer looks back a
    /// year at most); of the deck asked for, if one was. In one list a replay thread, not
    /// in time order: putting 330 000 of them into one list took 14 % of the statistics'
    /// page faults.
    pub answered: Vec<Vec<Answered>>,
    /// Answers and time spent by study day, over the whole history (for the streak and the
    /// heatmap); of the deck asked for, if one was.
    pub days: std::collections::BTreeMap<StudyDay, (u32, u64)>,
    /// Answers over the whole history (of the deck asked for, if one was).
    pub total: usize,
    pub marks: DayMarks,
    pub states: Vec<CardState>,
    pub today: StudyDay,
}

/// How many study days back, today included, [`Replayed::answered`] keeps answers: a year,
/// as far back as the retention figures and the word parts' scores look.
pub const KEPT_DAYS: u32 = 365;

pub fn replay_answers(
    loaded: &Loaded,
    n_items: usize,
    item_deck: &[u32],
    deck: Option<u32>,
    cfg: &SchedulerConfig,
    reviews_per_day: u32,
    now: chrono::DateTime<chrono::Utc>,
) -> Replayed {
    let runs = loaded.runs();
    let threads = crate::scheduler::replay_threads(&runs);
    replay_answers_on(
        loaded,
        &runs,
        threads,
        &Scope {
            n_items,
            item_deck,
            deck,
            cfg,
            reviews_per_day,
            now,
        },
    )
}

/// What a replay for statistics counts, and of what.
struct Scope<'a> {
    n_items: usize,
    item_deck: &'a [u32],
    deck: Option<u32>,
    cfg: &'a SchedulerConfig,
    reviews_per_day: u32,
    now: chrono::DateTime<chrono::Utc>,
}

/// One thread's share of a replay: the answers, days and day marks of its range of cards.
#[derive(Default)]
struct Share {
    answered: Vec<Answered>,
    days: std::collections::BTreeMap<StudyDay, (u32, u64)>,
    total: usize,
    /// Each study day closed, in order (the same days on every thread): whether none of this
    /// range's cards was left due by its end, and its review-phase answers in this range.
    closed: Vec<(StudyDay, bool, u32)>,
    /// Days after a closed one on which none of this range's cards was due at the start and
    /// none was new, in order.
    idle: Vec<StudyDay>,
}

/// [`replay_answers`] on `threads` threads: the cards are split into ranges with about as
/// many answers each (as `replay_all` does), each thread walks every answer in time order
/// and replays its own range's, and the day marks are put together after. A day is cleared
/// when no range had a card left due or the review answers of all ranges reach the limit;
/// idle when it was idle in every range. Gives the same result on any number of threads.
fn replay_answers_on(
    loaded: &Loaded,
    runs: &[&[crate::scheduler::Answer]],
    threads: usize,
    scope: &Scope<'_>,
) -> Replayed {
    let clock = scope.cfg.clock;
    let today = clock.day_of(scope.now);
    let mut states = vec![CardState::default(); loaded.cards.len()];
    let ends = crate::scheduler::card_ranges(runs, states.len(), threads);
    // No card is due before the first answer's day (a day before it, from a change of time
    // zone, counts there).
    let base = crate::scheduler::Merged::new(runs)
        .next()
        .map_or(StudyDay::from_number(0), |a| clock.day_of(a.time));
    let shares = crate::scheduler::on_card_ranges(&mut states, &ends, |first, mine| {
        replay_share(loaded, runs, first, mine, base, today, scope)
    });
    let mut answered = Vec::with_capacity(shares.len());
    let mut days = std::collections::BTreeMap::<StudyDay, (u32, u64)>::new();
    let mut total = 0;
    // The ranges' closed days (the same days on every thread) and idle days, put together.
    let mut closed: Option<Vec<(StudyDay, bool, u32)>> = None;
    let mut idle: Option<std::collections::BTreeSet<StudyDay>> = None;
    for share in shares {
        closed = Some(match closed {
            None => share.closed,
            Some(mut so_far) => {
                for (c, (day, nothing_due, reviews)) in so_far.iter_mut().zip(share.closed) {
                    debug_assert_eq!(c.0, day);
                    c.1 &= nothing_due;
                    c.2 += reviews;
                }
                so_far
            }
        });
        let mine: std::collections::BTreeSet<StudyDay> = share.idle.into_iter().collect();
        idle = Some(match idle {
            None => mine,
            Some(so_far) => so_far.intersection(&mine).copied().collect(),
        });
        answered.push(share.answered);
        for (day, (n, ms)) in share.days {
            add_day(&mut days, (day, n, ms));
        }
        total += share.total;
    }
    let mut marks = DayMarks::default();
    for (day, nothing_due, reviews) in closed.unwrap_or_default() {
        if nothing_due || reviews >= scope.reviews_per_day.max(1) {
            marks.cleared.insert(day);
        }
    }
    marks.idle = idle.unwrap_or_default();
    Replayed {
        answered,
        days,
        total,
        marks,
        states,
        today,
    }
}

/// One range's replay, cards `first..first + states.len()`: see [`replay_answers_on`].
fn replay_share(
    loaded: &Loaded,
    runs: &[&[crate::scheduler::Answer]],
    first: usize,
    states: &mut [CardState],
    base: StudyDay,
    today: StudyDay,
    scope: &Scope<'_>,
) -> Share {
    let (cfg, n_items) = (scope.cfg, scope.n_items);
    let end = first + states.len();
    let mut days_of = DayCache::new(&cfg.clock);
    // Due instants (steps) have a cache of their own: one falling on the next day would
    // throw out the answers' day each time.
    let mut due_days_of = DayCache::new(&cfg.clock);
    // Only the last year's answers are kept, one by one: a million answers over three years
    // were 56 MB here.
    let kept_from = today.minus_days(KEPT_DAYS - 1);
    let mut share = Share::default();
    // Room for every answer of the kept days, whoever's card: a list grown by doubling is
    // copied each time, and room never written costs no memory.
    let kept_start = cfg.clock.start_of(kept_from);
    share.answered.reserve(
        runs.iter()
            .map(|r| r.len() - r.partition_point(|a| a.time < kept_start))
            .sum(),
    );
    // Idle days, for the streak: nothing due (by the states at the day's start) and no new
    // card left. Cleared days: nothing due left at the day's end. Tracked with the due days
    // of every scheduled card and the unseen count, of this range.
    let mut due = DueDays::new(base);
    let mut unseen = n_items.min(end).saturating_sub(first);
    let mut last_day: Option<StudyDay> = None;
    // Review-phase answers on `last_day`.
    let mut day_reviews = 0u32;
    // The answers and time of the day being added up (see below).
    let mut day_sum = (base, 0u32, 0u64);
    // Cards outside the loaded decks are never shown, so never left due.
    let due_day = |i: usize, s: &CardState, days_of: &mut DayCache<'_>| match s.due {
        _ if i >= n_items => None,
        crate::scheduler::Due::Day(d) if !s.suspended => Some(d),
        crate::scheduler::Due::At(t) if !s.suspended => Some(days_of.day_of(t)),
        _ => None,
    };
    // At the end of study day `last` (its last answer given) and up to `to`: whether it
    // was cleared, and which days after it were idle.
    let close_day = |share: &mut Share,
                     last: StudyDay,
                     to: StudyDay,
                     due: &mut DueDays,
                     unseen: usize,
                     day_reviews: u32| {
        share
            .closed
            .push((last, due.nothing_due_by(last), day_reviews));
        let mut d = last.plus_days(1);
        while d < to {
            if unseen == 0 && due.nothing_due_by(d) {
                share.idle.push(d);
            }
            d = d.plus_days(1);
        }
    };
    for a in crate::scheduler::Merged::new(runs) {
        let i = a.card as usize;
        let day = days_of.day_of(a.time);
        if let Some(prev) = last_day
            && day > prev
        {
            close_day(&mut share, prev, day, &mut due, unseen, day_reviews);
            day_reviews = 0;
        }
        last_day = Some(last_day.map_or(day, |p| p.max(day)));
        if i < first || i >= end {
            continue;
        }
        let state = &mut states[i - first];
        if let Some(d) = due_day(i, state, &mut due_days_of) {
            due.remove(d);
        }
        if state.reps == 0 && matches!(a.op, Op::Grade(_)) && i < n_items {
            unseen = unseen.saturating_sub(1);
        }
        if let Op::Grade(rating) = a.op {
            day_reviews += u32::from(state.phase == crate::scheduler::Phase::Review);
            let answer_deck = scope.item_deck.get(i).copied();
            if scope.deck.is_none_or(|d| answer_deck == Some(d)) {
                share.total += 1;
                // Answers come in time order: a day's are added up here and go into the
                // map when the day changes, not one map lookup each.
                if day_sum.0 != day {
                    add_day(&mut share.days, day_sum);
                    day_sum = (day, 0, 0);
                }
                day_sum.1 += 1;
                day_sum.2 += u64::from(a.ms);
                if day >= kept_from {
                    share.answered.push(Answered {
                        day,
                        rating,
                        phase_before: state.phase,
                        interval_before: state.interval_days,
                        item: (i < n_items).then_some(a.card),
                    });
                }
            }
        }
        apply_op(state, loaded.cards.seed(a.card), a.op, a.time, day, cfg);
        if let Some(d) = due_day(i, state, &mut due_days_of) {
            due.add(d);
        }
    }
    add_day(&mut share.days, day_sum);
    if let Some(prev) = last_day {
        // Today's state is the state now: a step due later today is still to be done.
        close_day(&mut share, prev, today, &mut due, unseen, day_reviews);
    }
    share
}

/// Adds a day's answers and time to the days' map (nothing for no answers).
fn add_day(
    days: &mut std::collections::BTreeMap<StudyDay, (u32, u64)>,
    (day, n, ms): (StudyDay, u32, u64),
) {
    if n > 0 {
        let e = days.entry(day).or_default();
        e.0 += n;
        e.1 += ms;
    }
}

/// How many scheduled cards are due on each day, and how many on or before a cursor day
/// that only moves forward (the replay's days do): "is anything due by day d" in O(1)
/// amortized where a sorted map took a lookup per answer.
struct DueDays {
    /// The first answer's day: no card is due before it (a day before it, from a change of
    /// time zone, counts there).
    base: StudyDay,
    counts: Vec<u32>,
    cursor: Option<StudyDay>,
    due_by_cursor: u64,
}

impl DueDays {
    fn new(base: StudyDay) -> DueDays {
        DueDays {
            base,
            counts: Vec::new(),
            cursor: None,
            due_by_cursor: 0,
        }
    }

    fn slot(&mut self, d: StudyDay) -> usize {
        let k = usize::try_from(d.days_since(self.base)).unwrap_or(0);
        if k >= self.counts.len() {
            self.counts.resize(k + 1, 0);
        }
        k
    }

    fn by_cursor(&self, d: StudyDay) -> bool {
        self.cursor.is_some_and(|c| d <= c)
    }

    fn add(&mut self, d: StudyDay) {
        let k = self.slot(d);
        self.counts[k] += 1;
        self.due_by_cursor += u64::from(self.by_cursor(d.max(self.base)));
    }

    fn remove(&mut self, d: StudyDay) {
        let k = self.slot(d);
        if self.counts[k] > 0 {
            self.counts[k] -= 1;
            if self.by_cursor(d.max(self.base)) {
                self.due_by_cursor = self.due_by_cursor.saturating_sub(1);
            }
        }
    }

    /// Whether no card is due on or before `d`; moves the cursor to `d` if it is later.
    fn nothing_due_by(&mut self, d: StudyDay) -> bool {
        let base = self.base;
        let from = match self.cursor {
            Some(c) if c >= d => return self.due_by_cursor == 0,
            Some(c) => c.plus_days(1),
            None => base,
        };
        let (lo, hi) = (
            usize::try_from(from.days_since(base)).unwrap_or(0),
            usize::try_from(d.days_since(base)).unwrap_or(0),
        );
        if let Some(slots) = self
            .counts
            .get(lo..=hi.min(self.counts.len().saturating_sub(1)))
        {
            self.due_by_cursor += slots.iter().map(|&n| u64::from(n)).sum::<u64>();
        }
        self.cursor = Some(d);
        self.due_by_cursor == 0
    }
}

/// Replays the history once, noting each answer's phase and interval before it.
pub fn report(
    library: &Library,
    loaded: &Loaded,
    cfg: &SchedulerConfig,
    now: chrono::DateTime<chrono::Utc>,
    rules: StreakRules,
    deck: Option<u32>,
) -> Report {
    // Each item's first tag, numbered in order of first use.
    let mut tags: Vec<String> = Vec::new();
    let mut tag_number: foldhash::HashMap<&str, u32> = foldhash::HashMap::default();
    let item_tag: Vec<Option<u32>> = library
        .items
        .iter()
        .map(|i| {
            library.card_of(i).tags.first().map(|t| {
                *tag_number.entry(t.as_str()).or_insert_with(|| {
                    tags.push(t.as_str().to_owned());
                    u32::try_from(tags.len() - 1).unwrap_or(u32::MAX)
                })
            })
        })
        .collect();
    let item_deck: Vec<u32> = library.items.iter().map(|i| i.deck).collect();
    let Replayed {
        answered,
        days,
        total,
        marks,
        mut states,
        today,
    } = replay_answers(
        loaded,
        library.items.len(),
        &item_deck,
        deck,
        cfg,
        rules.review_limit,
        now,
    );
    states.resize(
        loaded.cards.len().max(library.items.len()),
        CardState::default(),
    );
    states.truncate(library.items.len());
    let mut by_deck: Vec<(String, String, CardCounts)> = library
        .decks
        .loaded
        .decks
        .iter()
        .map(|d| (d.id.clone(), d.name.clone(), CardCounts::default()))
        .collect();
    // Cards only: a drill is another way of studying a card, not another card.
    for (s, it) in states.iter().zip(&library.items) {
        if it.drill.is_some() {
            continue;
        }
        if let Some((_, _, c)) = by_deck.get_mut(it.deck as usize) {
            c.add(s);
        }
    }
    if let Some(d) = deck {
        by_deck = by_deck.into_iter().skip(d as usize).take(1).collect();
    }
    let in_deck: Vec<CardState> = states
        .into_iter()
        .zip(&library.items)
        .filter(|(_, it)| deck.is_none_or(|d| it.deck == d))
        .map(|(s, _)| s)
        .collect();
    let window = |n: u32| {
        stats::retention(
            answered.iter().flatten(),
            today.minus_days(n.saturating_sub(1)),
            today,
        )
    };
    let studied_days = u32::try_from(days.len()).unwrap_or(u32::MAX).max(1);
    // Over the last year, in one pass.
    let mut tag_retention = vec![Retention::default(); tags.len()];
    let year = today.minus_days(364);
    for a in answered.iter().flatten() {
        if let Some(r) = a
            .item
            .and_then(|i| item_tag.get(i as usize).copied().flatten())
            .and_then(|t| tag_retention.get_mut(t as usize))
            && a.phase_before == crate::scheduler::Phase::Review
            && (year..=today).contains(&a.day)
        {
            r.add(a);
        }
    }
    let mut by_tag: Vec<(String, Retention)> = tags
        .iter()
        .cloned()
        .zip(tag_retention)
        .filter(|(_, r)| r.answers > 0)
        .collect();
    by_tag.sort_by(|a, b| {
        a.1.share()
            .partial_cmp(&b.1.share())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let by_part = part_scores(library, &answered, today);
    let (today_reviews, today_ms) = days.get(&today).copied().unwrap_or((0, 0));
    Report {
        today,
        streak: stats::streak(&days, today, rules, &marks),
        today_reviews,
        today_ms,
        forecast: stats::forecast(&in_deck, today, 30),
        cards: stats::card_counts(
            in_deck
                .iter()
                .zip(
                    library
                        .items
                        .iter()
                        .filter(|it| deck.is_none_or(|d| it.deck == d)),
                )
                .filter(|(_, it)| it.drill.is_none())
                .map(|(s, _)| s),
        ),
        by_deck,
        retention: [window(1), window(7), window(30), window(365)],
        average: f64::from(u32::try_from(total).unwrap_or(u32::MAX)) / f64::from(studied_days),
        by_tag,
        by_part,
        heatmap: stats::heatmap(&days, today),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartScore {
    pub card: crate::study::drill::CardRef,
    pub front: String,
    pub meaning: String,
    /// Answers not Again, of all answers (any phase) to the items that use the part.
    pub answers: Retention,
}

/// Word parts with at least this many answers are ranked.
pub const PART_MIN_ANSWERS: u32 = 3;

/// Scores every word part by the answers, over the year to `today`, of the items that use
/// it; weakest (lowest share not Again, then most answers) first.
fn part_scores(library: &Library, answered: &[Vec<Answered>], today: StudyDay) -> Vec<PartScore> {
    // Each item's answers first, then each answered item's parts: a year of answers is
    // hundreds of thousands, the items that use a part far fewer.
    let mut by_item = vec![Retention::default(); library.items.len()];
    let year = today.minus_days(364);
    for a in answered.iter().flatten() {
        if let Some(r) = a.item.and_then(|i| by_item.get_mut(i as usize))
            && (year..=today).contains(&a.day)
        {
            r.answers += 1;
            r.recalled += u32::from(a.rating != crate::scheduler::Rating::Again);
        }
    }
    let mut cards: Vec<crate::study::drill::CardRef> = Vec::new();
    let mut scores: Vec<Retention> = Vec::new();
    let mut number: foldhash::HashMap<crate::study::drill::CardRef, usize> =
        foldhash::HashMap::default();
    for (item, r) in library.items.iter().zip(&by_item) {
        if r.answers == 0 {
            continue;
        }
        for part in library.word_parts_of(item) {
            let n = *number.entry(part).or_insert_with(|| {
                cards.push(part);
                scores.push(Retention::default());
                cards.len() - 1
            });
            scores[n].answers += r.answers;
            scores[n].recalled += r.recalled;
        }
    }
    let scores = cards.into_iter().zip(scores).filter(|(_, r)| r.answers > 0);
    let mut out: Vec<PartScore> = scores
        .into_iter()
        .map(|(card, answers)| {
            let c = crate::study::drill::card_at(&library.decks.loaded, card);
            PartScore {
                card,
                front: c.front.as_str().to_owned(),
                meaning: c.back.as_str().to_owned(),
                answers,
            }
        })
        .collect();
    // Ranked parts first, weakest first (a share in [0, 1] orders as its bits do), then
    // the most answered; the card decides ties, so the order is total.
    out.sort_by_cached_key(|p| {
        (
            p.answers.answers < PART_MIN_ANSWERS,
            p.answers.share().unwrap_or(1.0).to_bits(),
            std::cmp::Reverse(p.answers.answers),
            p.card,
        )
    });
    out
}

impl Report {
    /// The weakest word parts worth studying: ranked (enough answers), under 90 % recalled.
    pub fn weakest_parts(&self, n: usize) -> Vec<crate::study::drill::CardRef> {
        self.by_part
            .iter()
            .filter(|p| {
                p.answers.answers >= PART_MIN_ANSWERS && p.answers.share().is_some_and(|s| s < 0.9)
            })
            .take(n)
            .map(|p| p.card)
            .collect()
    }
}

fn share(r: Retention) -> Option<f64> {
    r.share().map(|x| (x * 1000.0).round() / 1000.0)
}

fn pct(r: Retention) -> String {
    r.share()
        .map_or_else(|| "-".to_owned(), |x| format!("{:.0}%", x * 100.0))
}

/// The report as `medterm stats --json` writes it, serialized straight from the report:
/// building a `serde_json::Value` of a large library's word parts (33 000 objects for the
/// benchmark's deck) took 60 ms of an 80 ms output.
#[derive(serde::Serialize)]
pub struct Json<'a> {
    study_day: String,
    streak: JsonStreak,
    today: JsonToday,
    due: JsonDue,
    cards: &'a CardCounts,
    decks: Vec<JsonDeck<'a>>,
    retention: JsonRetention,
    average_reviews_per_study_day: f64,
    word_parts: Vec<JsonPart<'a>>,
    retention_by_tag: Vec<JsonTag<'a>>,
    forecast: &'a [u32],
    heatmap: Vec<JsonDay>,
    frozen: Vec<String>,
}

#[derive(serde::Serialize)]
struct JsonStreak {
    current: u32,
    longest: u32,
}

#[derive(serde::Serialize)]
struct JsonToday {
    reviews: u32,
    seconds: u64,
}

#[derive(serde::Serialize)]
struct JsonDue {
    today: u32,
    tomorrow: u32,
}

#[derive(serde::Serialize)]
struct JsonDeck<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(flatten)]
    counts: &'a CardCounts,
}

#[derive(serde::Serialize)]
struct JsonRetention {
    today: Option<f64>,
    #[serde(rename = "7d")]
    d7: Option<f64>,
    #[serde(rename = "30d")]
    d30: Option<f64>,
    #[serde(rename = "365d")]
    d365: Option<f64>,
    young_30d: Option<f64>,
    mature_30d: Option<f64>,
}

#[derive(serde::Serialize)]
struct JsonPart<'a> {
    part: &'a str,
    meaning: &'a str,
    answers: u32,
    retention: Option<f64>,
}

#[derive(serde::Serialize)]
struct JsonTag<'a> {
    tag: &'a str,
    answers: u32,
    retention: Option<f64>,
}

#[derive(serde::Serialize)]
struct JsonDay {
    date: String,
    reviews: u32,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    frozen: bool,
}

impl Report {
    pub fn to_json(&self) -> Json<'_> {
        let r = &self.retention;
        Json {
            study_day: self.today.to_string(),
            streak: JsonStreak {
                current: self.streak.current,
                longest: self.streak.longest,
            },
            today: JsonToday {
                reviews: self.today_reviews,
                seconds: self.today_ms / 1000,
            },
            due: JsonDue {
                today: self.forecast.first().copied().unwrap_or(0),
                tomorrow: self.forecast.get(1).copied().unwrap_or(0),
            },
            cards: &self.cards,
            decks: self
                .by_deck
                .iter()
                .map(|(id, name, counts)| JsonDeck { id, name, counts })
                .collect(),
            retention: JsonRetention {
                today: share(r[0][0]),
                d7: share(r[1][0]),
                d30: share(r[2][0]),
                d365: share(r[3][0]),
                young_30d: share(r[2][1]),
                mature_30d: share(r[2][2]),
            },
            average_reviews_per_study_day: (self.average * 10.0).round() / 10.0,
            word_parts: self
                .by_part
                .iter()
                .map(|p| JsonPart {
                    part: &p.front,
                    meaning: &p.meaning,
                    answers: p.answers.answers,
                    retention: share(p.answers),
                })
                .collect(),
            retention_by_tag: self
                .by_tag
                .iter()
                .map(|(tag, r)| JsonTag {
                    tag,
                    answers: r.answers,
                    retention: share(*r),
                })
                .collect(),
            forecast: &self.forecast,
            heatmap: self
                .heatmap
                .iter()
                .map(|(d, n)| JsonDay {
                    date: d.to_string(),
                    reviews: *n,
                    frozen: self.streak.frozen.contains(d),
                })
                .collect(),
            frozen: self.streak.frozen.iter().map(ToString::to_string).collect(),
        }
    }

    /// The report as text: the figures, the forecast chart and the heatmap.
    pub fn lines(&self) -> Vec<String> {
        let (c, r) = (&self.cards, &self.retention);
        let mut out = vec![
            format!(
                "streak: {} days (longest {})",
                self.streak.current, self.streak.longest
            ),
            format!(
                "today: {} answers, {}m {:02}s",
                self.today_reviews,
                self.today_ms / 60_000,
                self.today_ms / 1000 % 60
            ),
            format!(
                "due: {} today, {} tomorrow",
                self.forecast.first().copied().unwrap_or(0),
                self.forecast.get(1).copied().unwrap_or(0)
            ),
            format!(
                "cards: {} ({} new, {} learning, {} young, {} mature, {} suspended, {} leeches)",
                c.total, c.new, c.learning, c.young, c.mature, c.suspended, c.leech
            ),
            format!(
                "retention: today {}, 7 days {}, 30 days {} (young {}, mature {}), year {}",
                pct(r[0][0]),
                pct(r[1][0]),
                pct(r[2][0]),
                pct(r[2][1]),
                pct(r[2][2]),
                pct(r[3][0])
            ),
            format!("average: {:.1} answers a study day", self.average),
        ];
        if !self.by_tag.is_empty() {
            let weakest: Vec<String> = self
                .by_tag
                .iter()
                .take(5)
                .map(|(t, r)| format!("{} {}", crate::text::sanitize(t), pct(*r)))
                .collect();
            out.push(format!("weakest by tag (a year): {}", weakest.join(", ")));
        }
        let weak: Vec<&PartScore> = self
            .by_part
            .iter()
            .filter(|p| p.answers.answers >= PART_MIN_ANSWERS)
            .take(8)
            .collect();
        if !weak.is_empty() {
            out.push(
                "weakest word parts (a year, every card and drill that uses them):".to_owned(),
            );
            for p in weak {
                out.push(format!(
                    "  {:>4} of {:>3} recalled  {} ({})",
                    pct(p.answers),
                    p.answers.answers,
                    crate::text::sanitize(&p.front),
                    crate::text::sanitize(&p.meaning)
                ));
            }
        }
        if self.by_deck.len() > 1 || self.by_deck.first().is_some_and(|d| d.2 != *c) {
            let w = self
                .by_deck
                .iter()
                // Deck ids are ASCII (`deck::is_valid_id`).
                .map(|(id, _, _)| id.len())
                .max()
                .unwrap_or(4)
                .clamp(4, 28);
            out.push(format!(
                "  {:<w$} {:>6} {:>6} {:>8} {:>6} {:>6} {:>9} {:>6}",
                "deck", "total", "new", "learning", "young", "mature", "suspended", "leech"
            ));
            for (id, _, d) in &self.by_deck {
                out.push(format!(
                    "  {id:<w$} {:>6} {:>6} {:>8} {:>6} {:>6} {:>9} {:>6}",
                    d.total, d.new, d.learning, d.young, d.mature, d.suspended, d.leech
                ));
            }
        }
        let max = self.forecast.iter().copied().max().unwrap_or(0).max(1);
        out.push("forecast, next 30 days:".to_owned());
        let bars: String = self
            .forecast
            .iter()
            .map(|&n| [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'][(n * 8).div_ceil(max) as usize])
            .collect();
        out.push(format!("  |{bars}| max {max}"));
        out.push(if self.streak.frozen.is_empty() {
            "last 52 weeks (weeks across, Monday at the top, today @):".to_owned()
        } else {
            "last 52 weeks (weeks across, Monday at the top, today @, * a missed day a streak \
             freeze covered):"
                .to_owned()
        });
        out.extend(
            heatmap_text(&self.heatmap, &self.streak.frozen)
                .lines()
                .map(str::to_owned),
        );
        out
    }
}

/// Weeks across, weekdays down, darker for more answers; today marked `@`, frozen days `*`.
fn heatmap_text(map: &[(StudyDay, u32)], frozen: &[StudyDay]) -> String {
    let max = map.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let weeks = map.len().div_ceil(7);
    let mut s = String::new();
    for row in 0..7 {
        s.push_str("  ");
        for w in 0..weeks {
            let c = match map.get(w * 7 + row) {
                None => ' ',
                Some(_) if w * 7 + row == map.len() - 1 => '@',
                Some((d, _)) if frozen.contains(d) => '*',
                Some((_, 0)) => '·',
                Some((_, n)) => {
                    ['░', '▒', '▓', '█'][((n * 4).div_ceil(max) as usize).clamp(1, 4) - 1]
                }
            };
            s.push(c);
        }
        let _ = writeln!(s, "  {}", ["Mon", "", "Wed", "", "Fri", "", "Sun"][row]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A history of `cards` cards (the first `items` of them a library's) over two devices'
    /// logs, with gaps of days, suspensions, burials and undos, written into `dir`.
    fn random_history(dir: &std::path::Path, cards: usize, seed: u64) {
        use crate::storage::log::{Action, Event};
        let mut x = seed;
        let mut next = |n: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % n
        };
        let mut time = chrono::DateTime::parse_from_rfc3339("2026-03-01T18:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut logs = [String::new(), String::new()];
        for n in 0..3000 {
            time += chrono::TimeDelta::minutes(match next(50) {
                0 | 1 => i64::try_from(next(30)).unwrap() * 1440,
                2..=4 => 600,
                _ => i64::try_from(next(20)).unwrap(),
            });
            let card = format!("t:c{}", next(cards as u64));
            let action = match next(40) {
                0 => Action::Suspend { card },
                1 => Action::Unsuspend { card },
                2 => Action::Bury { card },
                3 if n > 0 => Action::Undo {
                    target: format!("e{}", n - 1),
                },
                _ => Action::Review {
                    card,
                    rating: [1, 2, 3, 3, 3, 4, 4, 4, 4, 4][usize::try_from(next(10)).unwrap()],
                    ms: 1000 + next(9000),
                },
            };
            let device = usize::try_from(next(2)).unwrap();
            let event = Event {
                id: format!("e{n}"),
                time,
                device: format!("d{device}"),
                action,
            };
            logs[device].push_str(&event.to_line());
            logs[device].push('\n');
        }
        for (d, log) in logs.iter().enumerate() {
            std::fs::write(dir.join(format!("d{d}.jsonl")), log).unwrap();
        }
    }

    #[test]
    fn the_replay_for_statistics_gives_the_same_on_any_number_of_threads() {
        // The day marks are put together from each range's: a day is cleared or idle on
        // several threads exactly when it is on one.
        for seed in [1, 2, 3] {
            let dir = tempfile::tempdir().unwrap();
            random_history(dir.path(), 40, seed);
            let items: Vec<String> = (0..30).map(|i| format!("t:c{i}")).collect();
            let loaded = crate::storage::reader::load(dir.path(), &items).unwrap();
            let cfg = SchedulerConfig::new(crate::scheduler::DayClock::new(
                crate::scheduler::Zone::Named(chrono_tz::America::New_York),
                4,
            ));
            let item_deck: Vec<u32> = (0..30).map(|i| i % 2).collect();
            let now = chrono::DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z")
                .unwrap()
                .with_timezone(&chrono::Utc);
            let runs = loaded.runs();
            for deck in [None, Some(1)] {
                let scope = Scope {
                    n_items: items.len(),
                    item_deck: &item_deck,
                    deck,
                    cfg: &cfg,
                    reviews_per_day: 6,
                    now,
                };
                let one = replay_answers_on(&loaded, &runs, 1, &scope);
                assert!(!one.marks.cleared.is_empty() && !one.marks.idle.is_empty());
                let key = |a: &Answered| {
                    (
                        a.day,
                        a.item,
                        a.rating as u8,
                        a.phase_before as u8,
                        a.interval_before,
                    )
                };
                let mut one_answered: Vec<_> = one.answered.iter().flatten().map(key).collect();
                one_answered.sort_unstable();
                for threads in [2, 3, 4] {
                    let many = replay_answers_on(&loaded, &runs, threads, &scope);
                    assert_eq!(many.marks, one.marks, "seed {seed}, {threads} threads");
                    assert_eq!(many.states, one.states);
                    assert_eq!(many.days, one.days);
                    assert_eq!(many.total, one.total);
                    let mut answered: Vec<_> = many.answered.iter().flatten().map(key).collect();
                    answered.sort_unstable();
                    assert_eq!(answered, one_answered);
                }
            }
        }
    }

    #[test]
    fn due_days_agree_with_a_sorted_map() {
        // Cards due on days after a forward-moving cursor come and go; the answer to "is
        // anything due by day d" must match a plain map of due days.
        let base = StudyDay::from_number(20_000);
        let mut due = DueDays::new(base);
        let mut reference = std::collections::BTreeMap::<StudyDay, u32>::new();
        let mut x: u64 = 7;
        let mut next = |n: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % n
        };
        let mut cursor = base;
        let mut cards: Vec<Option<StudyDay>> = vec![None; 40];
        for _ in 0..5000 {
            match next(10) {
                0 => cursor = cursor.plus_days(u32::try_from(next(3)).unwrap()),
                _ => {
                    let c = usize::try_from(next(40)).unwrap();
                    if let Some(d) = cards[c].take() {
                        due.remove(d);
                        *reference.get_mut(&d).unwrap() -= 1;
                    }
                    if next(4) > 0 {
                        let d = cursor.plus_days(u32::try_from(next(30)).unwrap());
                        due.add(d);
                        *reference.entry(d).or_default() += 1;
                        cards[c] = Some(d);
                    }
                }
            }
            let expected = reference.range(..=cursor).all(|(_, &n)| n == 0);
            assert_eq!(due.nothing_due_by(cursor), expected, "at {cursor}");
        }
    }
}
