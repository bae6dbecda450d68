//! What the student knows: the study items of the loaded decks (each card, and its reversed
//! direction where the deck has one) and their states, replayed from the review logs.

use foldhash::HashSet;

use crate::deck::{Card, Deck, Text};
use crate::scheduler::queue::{self, DoneToday, Limits, Queue, QueueCard, QueueInput};
use crate::scheduler::{Answer, CardState, Interner, SchedulerConfig, StudyDay, replay_all};

use super::drill::{Drill, WordIndex};
use super::{DeckFiles, DeckSet};

pub use crate::deck::REVERSE_SUFFIX;

/// One scheduled thing: a card in one direction, or one of its drills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub deck: u32,
    pub card: u32,
    /// Meaning -> term.
    pub reversed: bool,
    /// A word-part drill of the card (its own key and schedule), studied apart.
    pub drill: Option<Drill>,
    pub key: Text,
}

/// The loaded decks and their study items, in deck order.
#[derive(Debug)]
pub struct Library {
    pub decks: DeckSet,
    pub items: Vec<Item>,
    /// Word parts and look-alikes by name, for the drills.
    pub index: WordIndex,
    queue_cards: Vec<QueueCard>,
    /// The decks' key, when the layout was worked out from decks that have one and is not
    /// in the layout cache yet.
    layout_unsaved: Option<u64>,
}

/// What a library derives from its decks alone: its items, the queue's view of them and
/// the word index. Worked out from the decks ([`Layout::build`]), or read from the layout
/// cache ([`Layout::load`]) beside the decks' decoding.
#[derive(Debug)]
pub struct Layout {
    items: Vec<Item>,
    index: WordIndex,
    queue_cards: Vec<QueueCard>,
}

/// An item as made, before the keys' buffer is: deck, card, reversed, drill, and where its
/// key is in the buffer.
type Made = (u32, u32, bool, Option<Drill>, std::ops::Range<usize>);

/// What an item is, in the layout cache: the card (0), its reversed direction (1), or a
/// drill of it (2 and on, in `Drill::ALL`'s order).
fn item_code(reversed: bool, drill: Option<Drill>) -> u8 {
    match drill {
        Some(d) => {
            2 + u8::try_from(Drill::ALL.iter().position(|&x| x == d).unwrap_or(0)).unwrap_or(0)
        }
        None => u8::from(reversed),
    }
}

fn item_of_code(code: u8) -> Option<(bool, Option<Drill>)> {
    match code {
        0 | 1 => Some((code == 1, None)),
        _ => Some((false, Some(*Drill::ALL.get(usize::from(code - 2))?))),
    }
}

impl Layout {
    pub fn build(decks: &crate::deck::LoadedDecks) -> Layout {
        let cards: usize = decks.decks.iter().map(|d| d.cards.len()).sum();
        let index = WordIndex::new(decks);
        // Every key goes into one buffer and each item's key is a piece of it: no string an
        // item (50 000 fewer allocations at start-up). Room for a reversed direction and
        // the drills of every card: pages never written cost nothing, a vector grown
        // twice costs a copy.
        let mut keys = String::with_capacity(cards * 24);
        let mut made: Vec<Made> = Vec::with_capacity(cards * 2);
        let mut queue_cards = Vec::with_capacity(cards * 2);
        for (d, deck) in decks.decks.iter().enumerate() {
            let d = u32::try_from(d).unwrap_or(u32::MAX);
            for (c, card) in deck.cards.iter().enumerate() {
                let c = u32::try_from(c).unwrap_or(u32::MAX);
                let group = u32::try_from(queue_cards.len()).unwrap_or(u32::MAX);
                let drills = index.drills_of(decks, (d, c), card);
                let reversed = deck.is_reversed(card);
                let suffixes = std::iter::once((false, None, ""))
                    .chain(reversed.then_some((true, None, REVERSE_SUFFIX)))
                    .chain(drills.into_iter().map(|x| (false, Some(x), x.key_suffix())));
                for (rev, drill, suffix) in suffixes {
                    let start = keys.len();
                    keys.push_str(&deck.id);
                    keys.push(':');
                    keys.push_str(&card.id);
                    keys.push_str(suffix);
                    let key = keys.get(start..).unwrap_or_default();
                    queue_cards.push(QueueCard {
                        deck: d,
                        group,
                        key_hash: crate::scheduler::key_seed(key),
                    });
                    made.push((d, c, rev, drill, start..keys.len()));
                }
            }
        }
        let keys = Text::buffer(keys).unwrap_or_default();
        let items = made
            .into_iter()
            .map(|(deck, card, reversed, drill, key)| Item {
                deck,
                card,
                reversed,
                drill,
                key: keys.slice(key).unwrap_or_default(),
            })
            .collect();
        Layout {
            items,
            index,
            queue_cards,
        }
    }

    /// The layout cached for decks of key `key` (see `storage::layoutcache`), if any: read
    /// as it is decoded, its items made as they come.
    pub fn load(dir: &crate::storage::DataDir, key: u64) -> Option<Layout> {
        let (keys, mut file) = crate::storage::layoutcache::open(&layout_path(dir), key)?;
        let keys = Text::buffer(keys)?;
        let mut items = Vec::with_capacity(file.len());
        let mut queue_cards = Vec::with_capacity(file.len());
        while !file.is_empty() {
            let (it, key, queue_card) = file.next_item()?;
            let (reversed, drill) = item_of_code(it.what)?;
            items.push(Item {
                deck: it.card.0,
                card: it.card.1,
                reversed,
                drill,
                key: keys.slice(key)?,
            });
            queue_cards.push(queue_card);
        }
        let index = file.finish()?;
        Some(Layout {
            items,
            index: WordIndex::from_plain((index.parts, index.any, index.by_kind)),
            queue_cards,
        })
    }

    /// Whether every card the layout names is one of `decks`'.
    fn fits(&self, decks: &crate::deck::LoadedDecks) -> bool {
        self.items.iter().all(|it| {
            decks
                .decks
                .get(it.deck as usize)
                .is_some_and(|d| (it.card as usize) < d.cards.len())
        }) && self.queue_cards.len() == self.items.len()
            && self.index.fits(decks)
    }
}

/// The layout cache file.
pub fn layout_path(dir: &crate::storage::DataDir) -> std::path::PathBuf {
    dir.cache_dir().join("library.bin")
}

impl Library {
    pub fn new(decks: DeckSet) -> Library {
        let layout = Layout::build(&decks.loaded);
        let layout_unsaved = decks.key;
        Library::with_layout(decks, layout, layout_unsaved)
    }

    /// The library of `decks` with the layout `cached` read for them (under `key`, see
    /// [`Layout::load`]), or worked out when it is not theirs.
    pub fn with_cached(decks: DeckSet, cached: Option<(u64, Layout)>) -> Library {
        match cached {
            Some((key, layout)) if decks.key == Some(key) && layout.fits(&decks.loaded) => {
                Library::with_layout(decks, layout, None)
            }
            _ => Library::new(decks),
        }
    }

    fn with_layout(decks: DeckSet, layout: Layout, layout_unsaved: Option<u64>) -> Library {
        Library {
            decks,
            items: layout.items,
            index: layout.index,
            queue_cards: layout.queue_cards,
            layout_unsaved,
        }
    }

    /// Writes what is cached of the decks and was worked out, not read from a cache: the
    /// decks cache and the layout cache.
    pub fn save_deck_caches(&mut self, dir: &crate::storage::DataDir) {
        self.decks.save_cache();
        self.save_layout(dir);
    }

    /// Writes the layout cache if the layout was worked out and is not written yet.
    fn save_layout(&mut self, dir: &crate::storage::DataDir) {
        if let Some(key) = self.layout_unsaved.take() {
            crate::storage::layoutcache::save(&layout_path(dir), key, &self.plain_layout());
        }
    }

    /// The library's layout as the layout cache writes it.
    fn plain_layout(&self) -> crate::storage::layoutcache::Layout {
        use crate::storage::layoutcache::LayoutItem;
        let mut keys = String::new();
        let items = self
            .items
            .iter()
            .map(|it| {
                keys.push_str(&it.key);
                LayoutItem {
                    card: (it.deck, it.card),
                    what: item_code(it.reversed, it.drill),
                    key_end: u32::try_from(keys.len()).unwrap_or(u32::MAX),
                }
            })
            .collect();
        let (parts, any, by_kind) = self.index.to_plain();
        crate::storage::layoutcache::Layout {
            items,
            queue_cards: self.queue_cards.clone(),
            keys,
            parts,
            any,
            by_kind,
        }
    }

    /// Every item's key, owned (for work that outlives the library's borrow).
    pub fn owned_keys(&self) -> Vec<String> {
        self.items.iter().map(|i| i.key.to_string()).collect()
    }

    pub fn deck_of(&self, item: &Item) -> &Deck {
        &self.decks.loaded.decks[item.deck as usize]
    }

    pub fn card_of(&self, item: &Item) -> &Card {
        &self.deck_of(item).cards[item.card as usize]
    }

    /// The word-part cards an item works on: its card if that is a word part, a term's
    /// parts, and for the confusables drill the word parts among the look-alikes.
    pub fn word_parts_of(&self, item: &Item) -> Vec<super::drill::CardRef> {
        let card = self.card_of(item);
        let me = (item.deck, item.card);
        let mut out = Vec::new();
        if card.kind.is_word_part() {
            out.push(me);
        }
        for p in &card.parts {
            if let Some(r) = self.index.part(&self.decks.loaded, p)
                && !out.contains(&r)
            {
                out.push(r);
            }
        }
        if item.drill == Some(Drill::Confusables) {
            for r in self.index.confusables_of(&self.decks.loaded, me, card) {
                if super::drill::card_at(&self.decks.loaded, r)
                    .kind
                    .is_word_part()
                    && !out.contains(&r)
                {
                    out.push(r);
                }
            }
        }
        out
    }

    pub fn deck_index(&self, id: &str) -> Option<u32> {
        self.decks
            .loaded
            .decks
            .iter()
            .position(|d| d.id == id)
            .and_then(|i| u32::try_from(i).ok())
    }
}

/// The states of a library's items after the whole history.
#[derive(Debug)]
pub struct Progress {
    /// Parallel to `Library::items`.
    pub states: Vec<CardState>,
    /// Cards in the history that no loaded deck has (a deck removed, a card renamed): their
    /// reviews are kept in the log and come back if the card does.
    pub unknown_cards: usize,
    /// Those cards' states, kept for the cache.
    pub unknown: Vec<(String, CardState)>,
}

impl Progress {
    /// From runs of answers (see `scheduler::Merged`) whose card numbers start with the
    /// library's items, in order (as `storage::reader::load` numbers them when given the
    /// items' keys).
    pub fn from_answers(
        library: &Library,
        cards: &Interner,
        answers: &[&[Answer]],
        cfg: &SchedulerConfig,
    ) -> Progress {
        let known = library.items.len();
        debug_assert!(
            library
                .items
                .iter()
                .enumerate()
                .all(|(i, it)| cards.get(&it.key) == u32::try_from(i).ok())
        );
        let seeds: Vec<u64> = (0..cards.len())
            .map(|i| cards.seed(u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let mut states = replay_all(answers, &seeds, cfg);
        states.resize(known.max(states.len()), CardState::default());
        let unknown: Vec<(String, CardState)> = states
            .drain(known..)
            .enumerate()
            .map(|(i, s)| {
                (
                    cards
                        .key(u32::try_from(known + i).unwrap_or(u32::MAX))
                        .to_owned(),
                    s,
                )
            })
            .collect();
        Progress {
            states,
            unknown_cards: unknown.len(),
            unknown,
        }
    }
}

/// What loading the progress found besides the states.
#[derive(Debug, Default)]
pub struct LoadReport {
    pub damage: Vec<crate::storage::log::Damage>,
    pub torn: Vec<(std::path::PathBuf, u64)>,
    /// The logs and their sizes the states are a replay of.
    pub files: Vec<(std::path::PathBuf, u64)>,
    pub from_cache: bool,
    /// The states were replayed and the cache is not written yet (see
    /// [`load_library_and_progress_unsaved`]).
    pub states_unsaved: bool,
}

/// The cache file.
pub fn cache_path(dir: &crate::storage::DataDir) -> std::path::PathBuf {
    dir.cache_dir().join("states.bin")
}

/// The logs as they are, and the cached states if the cache is valid for them.
pub struct Cached {
    files: Vec<(std::path::PathBuf, u64)>,
    states: Option<crate::storage::cache::CachedStates>,
}

/// Looks at the logs and reads the cache, which needs no deck: this runs beside the deck
/// loading (`load_library_and_progress`).
pub fn cached_states(
    dir: &crate::storage::DataDir,
    cfg: &SchedulerConfig,
) -> std::io::Result<Cached> {
    use crate::storage::{cache, history::log_files};
    let files: Vec<(std::path::PathBuf, u64)> = log_files(&dir.reviews_dir())?
        .into_iter()
        .map(|p| {
            let size = p.metadata().map(|m| m.len())?;
            Ok((p, size))
        })
        .collect::<std::io::Result<_>>()?;
    let states = cache::key(&files, cfg)
        .ok()
        .and_then(|k| cache::load(&cache_path(dir), &k));
    Ok(Cached { files, states })
}

/// The decks and the progress, the cache read on a second thread while the decks load.
pub fn load_library_and_progress(
    dir: &crate::storage::DataDir,
    extra: &[std::path::PathBuf],
    cfg: &SchedulerConfig,
) -> std::io::Result<(Library, Progress, LoadReport)> {
    let (mut library, progress, mut report) = load_library_and_progress_unsaved(dir, extra, cfg)?;
    save_loaded_caches(&mut library, &progress, &mut report, dir, cfg);
    Ok((library, progress, report))
}

/// [`load_library_and_progress`], leaving the writing of the caches a cold start makes to
/// [`save_loaded_caches`] (the study screen writes them once the first card is shown: ~10 ms
/// for 50 000 cards).
pub fn load_library_and_progress_unsaved(
    dir: &crate::storage::DataDir,
    extra: &[std::path::PathBuf],
    cfg: &SchedulerConfig,
) -> std::io::Result<(Library, Progress, LoadReport)> {
    let (library, cached) = std::thread::scope(|scope| {
        // Another thread lists and hashes the deck files for their key, then reads the
        // states cache and the library's layout (they need no deck); this one reads the
        // decks cache meanwhile and decodes it once the key says it is theirs.
        let (files_tx, files_rx) = std::sync::mpsc::channel::<DeckFiles>();
        let cached = scope.spawn(move || {
            let files = DeckSet::list(dir, extra);
            let key = files.key;
            let _ = files_tx.send(files);
            let states = cached_states(dir, cfg);
            let layout = key.and_then(|k| Layout::load(dir, k).map(|l| (k, l)));
            (states, layout)
        });
        let read = crate::storage::deckcache::read(&DeckSet::cache_path(dir));
        let files = files_rx
            .recv()
            .unwrap_or_else(|_| DeckSet::list(dir, extra));
        let decks = DeckSet::load_listed_from(dir, files, read);
        match cached.join() {
            Ok((cached, layout)) => (Library::with_cached(decks, layout), cached),
            Err(_) => (
                Library::new(decks),
                Err(std::io::Error::other("the cache reader panicked")),
            ),
        }
    });
    let (progress, report) = progress_from(&library, dir, cfg, cached?)?;
    Ok((library, progress, report))
}

/// The progress from the cached states, or from a full replay of the logs.
fn progress_from(
    library: &Library,
    dir: &crate::storage::DataDir,
    cfg: &SchedulerConfig,
    cached: Cached,
) -> std::io::Result<(Progress, LoadReport)> {
    use crate::storage::reader;
    let reviews = dir.reviews_dir();
    let Cached { files, states } = cached;
    if let Some(cached) = states {
        let (states, unknown) = match_cached(library, cached);
        let progress = Progress {
            states,
            unknown_cards: unknown.len(),
            unknown,
        };
        let report = LoadReport {
            files,
            from_cache: true,
            ..LoadReport::default()
        };
        return Ok((progress, report));
    }
    let loaded = reader::load(&reviews, library.items.iter().map(|i| i.key.as_str()))?;
    let progress = Progress::from_answers(library, &loaded.cards, &loaded.runs(), cfg);
    let mut report = LoadReport {
        damage: loaded.damage,
        torn: loaded.torn,
        files: loaded.files,
        from_cache: false,
        states_unsaved: false,
    };
    // Damage is reported on every start until it is dealt with: no cache then.
    report.states_unsaved = report.damage.is_empty() && report.torn.is_empty();
    Ok((progress, report))
}

/// The cached states matched to the library's items. The cache is written with every item,
/// in order, so unless the decks changed its states are the library's as they are (moved,
/// not copied); otherwise they are matched by key. Also the states of cards no loaded deck
/// has.
fn match_cached(
    library: &Library,
    cached: crate::storage::cache::CachedStates,
) -> (Vec<CardState>, Vec<(String, CardState)>) {
    let items = &library.items;
    let in_order = cached.len() >= items.len()
        && items
            .iter()
            .enumerate()
            .all(|(i, item)| cached.key_bytes(i) == item.key.as_bytes());
    if in_order {
        let unknown: Vec<(String, CardState)> = (items.len()..cached.len())
            .map(|i| (cached.key(i).to_owned(), cached.states[i].clone()))
            .collect();
        let mut states = cached.states;
        states.truncate(items.len());
        return (states, unknown);
    }
    let by_key: foldhash::HashMap<&str, usize> =
        (0..cached.len()).map(|i| (cached.key(i), i)).collect();
    let states: Vec<CardState> = items
        .iter()
        .map(|i| {
            by_key
                .get(i.key.as_str())
                .map_or_else(CardState::default, |&s| cached.states[s].clone())
        })
        .collect();
    let known: HashSet<&str> = items.iter().map(|i| i.key.as_str()).collect();
    let unknown: Vec<(String, CardState)> = cached
        .iter()
        .filter(|(k, _)| !known.contains(k))
        .map(|(k, s)| (k.to_owned(), s.clone()))
        .collect();
    (states, unknown)
}

/// Writes the caches a load left unwritten: the decks' and the replayed states'. The states
/// must be as loaded (before any answer).
pub fn save_loaded_caches(
    library: &mut Library,
    progress: &Progress,
    report: &mut LoadReport,
    dir: &crate::storage::DataDir,
    cfg: &SchedulerConfig,
) {
    library.save_deck_caches(dir);
    if std::mem::take(&mut report.states_unsaved) {
        save_cache(library, progress, dir, cfg, &report.files);
    }
}

/// Writes the cache for these states and logs. A cache is an optimisation: failing to write
/// one (a read-only data dir) only means the next start replays.
pub fn save_cache(
    library: &Library,
    progress: &Progress,
    dir: &crate::storage::DataDir,
    cfg: &SchedulerConfig,
    files: &[(std::path::PathBuf, u64)],
) {
    let Ok(key) = crate::storage::cache::key(files, cfg) else {
        return;
    };
    // Every item, in order, new ones too: the next start then takes the states as they are.
    let states: Vec<(&str, &CardState)> = library
        .items
        .iter()
        .zip(&progress.states)
        .map(|(i, s)| (i.key.as_str(), s))
        .chain(progress.unknown.iter().map(|(k, s)| (k.as_str(), s)))
        .collect();
    let _ = crate::storage::cache::save(&cache_path(dir), &key, &states);
}

/// Daily limits, overall and for each deck.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DailyLimits {
    pub overall: Limits,
    /// By deck id; decks not named use `overall`'s numbers.
    pub per_deck: Vec<(String, Limits)>,
}

/// Today's queue over the items of `decks` (all when `None`) with `tag` (any when `None`):
/// the cards, or the items of one drill.
#[allow(clippy::too_many_arguments)]
pub fn todays_queue(
    library: &Library,
    progress: &Progress,
    drill: Option<Drill>,
    decks: Option<&[u32]>,
    tag: Option<&str>,
    limits: &DailyLimits,
    now: chrono::DateTime<chrono::Utc>,
    today: StudyDay,
) -> (Vec<u32>, Queue) {
    let chosen: Vec<u32> = (0..library.items.len())
        .filter_map(|i| u32::try_from(i).ok())
        .filter(|&i| library.items[i as usize].drill == drill)
        .filter(|&i| decks.is_none_or(|d| d.contains(&library.items[i as usize].deck)))
        .filter(|&i| {
            tag.is_none_or(|t| {
                library
                    .card_of(&library.items[i as usize])
                    .tags
                    .iter()
                    .any(|x| x == t)
            })
        })
        .collect();
    let queue = queue_over(library, progress, &chosen, limits, now, today);
    (chosen, queue)
}

/// Today's queue over the items `chosen`.
fn queue_over(
    library: &Library,
    progress: &Progress,
    chosen: &[u32],
    limits: &DailyLimits,
    now: chrono::DateTime<chrono::Utc>,
    today: StudyDay,
) -> Queue {
    let per_deck: Vec<Limits> = library
        .decks
        .loaded
        .decks
        .iter()
        .map(|d| {
            limits
                .per_deck
                .iter()
                .find(|(id, _)| *id == d.id)
                .map_or(limits.overall, |(_, l)| *l)
        })
        .collect();
    let done = DoneToday::from_selected(&library.queue_cards, &progress.states, chosen, today);
    queue::build(&QueueInput {
        cards: &library.queue_cards,
        states: &progress.states,
        select: Some(chosen),
        overall: limits.overall,
        per_deck: &per_deck,
        done: &done,
        now,
        today,
    })
}

/// Each drill's new and due items today over `decks` (all when `None`), in `Drill::ALL`
/// order: `None` where those decks have no item of it.
pub fn drill_counts(
    library: &Library,
    progress: &Progress,
    decks: Option<&[u32]>,
    limits: &DailyLimits,
    now: chrono::DateTime<chrono::Utc>,
    today: StudyDay,
) -> [Option<(u32, u32)>; 3] {
    // Each drill's items of the chosen decks, in one pass over the items (a drill's are
    // few; `todays_queue` would walk every item once a drill).
    let mut chosen: [Vec<u32>; 3] = Default::default();
    for (it, i) in library.items.iter().zip(0_u32..) {
        if let Some(d) = it.drill
            && decks.is_none_or(|c| c.contains(&it.deck))
        {
            chosen[Drill::ALL.iter().position(|x| *x == d).unwrap_or(0)].push(i);
        }
    }
    let mut out = [None; 3];
    for (slot, items) in out.iter_mut().zip(&chosen) {
        if !items.is_empty() {
            let q = queue_over(library, progress, items, limits, now, today);
            let due = q.review_count + u32::try_from(q.learning.len() + q.ahead.len()).unwrap_or(0);
            *slot = Some((q.new_count, due));
        }
    }
    out
}

/// The day's queue kept through a session: built once, then updated for each answered card
/// instead of rebuilt over every card (rebuilt when it is a minute old, so that steps that
/// came due and a new study day are picked up).
#[derive(Debug, Clone)]
pub struct LiveQueue {
    /// Queue position -> item, ascending.
    items: Vec<u32>,
    queue: Queue,
    built: chrono::DateTime<chrono::Utc>,
}

impl LiveQueue {
    pub fn new(items: Vec<u32>, queue: Queue, now: chrono::DateTime<chrono::Utc>) -> LiveQueue {
        LiveQueue {
            items,
            queue,
            built: now,
        }
    }

    pub fn is_stale(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        now < self.built || now - self.built > chrono::TimeDelta::seconds(60)
    }

    fn due_at(&self, states: &[CardState], q: u32) -> chrono::DateTime<chrono::Utc> {
        match states[self.items[q as usize] as usize].due {
            crate::scheduler::Due::At(t) => t,
            _ => chrono::DateTime::<chrono::Utc>::MAX_UTC,
        }
    }

    /// The card to show now: a learning step that is due, else the next review or new card,
    /// else a step due within the learn-ahead window.
    pub fn first(
        &mut self,
        states: &[CardState],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<u32> {
        let (mut due_now, later): (Vec<u32>, Vec<u32>) = self
            .queue
            .ahead
            .iter()
            .partition(|&&q| self.due_at(states, q) <= now);
        if !due_now.is_empty() {
            self.queue.ahead = later;
            self.queue.learning.append(&mut due_now);
            let mut learning = std::mem::take(&mut self.queue.learning);
            learning.sort_by_key(|&q| self.due_at(states, q));
            self.queue.learning = learning;
        }
        self.queue.first().map(|q| self.items[q as usize])
    }

    /// `item` was answered (or skipped, or suspended) and is now in `state`.
    pub fn answered(
        &mut self,
        item: u32,
        state: &CardState,
        now: chrono::DateTime<chrono::Utc>,
        today: StudyDay,
    ) {
        let Ok(q) = self.items.binary_search(&item) else {
            return;
        };
        let q = u32::try_from(q).unwrap_or(u32::MAX);
        self.queue.learning.retain(|&x| x != q);
        self.queue.main.retain(|&x| x != q);
        self.queue.ahead.retain(|&x| x != q);
        if state.suspended || state.buried_on == Some(today) {
            return;
        }
        if let crate::scheduler::Due::At(t) = state.due
            && matches!(
                state.phase,
                crate::scheduler::Phase::Learning | crate::scheduler::Phase::Relearning
            )
            && t <= now + crate::scheduler::queue::LEARN_AHEAD
        {
            self.queue.ahead.push(q);
        }
    }

    /// New, learning and review cards left.
    pub fn counts(&self, states: &[CardState]) -> (u32, u32, u32) {
        let phase = |q: &u32| states[self.items[*q as usize] as usize].phase;
        let new = self
            .queue
            .main
            .iter()
            .filter(|q| phase(q) == crate::scheduler::Phase::New)
            .count();
        let review = self.queue.main.len() - new;
        let learning = self.queue.learning.len() + self.queue.ahead.len();
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        (n(new), n(learning), n(review))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::{DayClock, Zone};

    const DECK: &str = r#"
[deck]
id = "t"
name = "Tiny"
reverse = true

[[card]]
id = "gastr"
front = "gastr/o"
back = "stomach"
kind = "combining-form"

[[card]]
id = "enter"
front = "enter/o"
back = "small intestine"
kind = "combining-form"
confused_with = ["inter-"]

[[card]]
id = "inter"
front = "inter-"
back = "between"
kind = "prefix"
confused_with = ["enter/o"]

[[card]]
id = "itis"
front = "-itis"
back = "inflammation"
kind = "suffix"

[[card]]
id = "ge"
front = "gastroenteritis"
back = "inflammation of the stomach and small intestine"
kind = "term"
parts = ["gastr/o", "enter/o", "-itis"]
"#;

    fn sorted(mut index: super::super::drill::PlainIndex) -> super::super::drill::PlainIndex {
        index.0.sort_unstable();
        index.1.sort_unstable();
        index
    }

    #[test]
    fn a_library_from_the_layout_cache_is_the_one_its_decks_give_and_an_edit_misses_it() {
        let home = tempfile::tempdir().unwrap();
        let dir = crate::storage::DataDir::resolve(Some(home.path()), |_| None).unwrap();
        std::fs::create_dir_all(dir.decks_dir()).unwrap();
        std::fs::write(dir.decks_dir().join("t.toml"), DECK).unwrap();
        let cfg = SchedulerConfig::new(DayClock::new(Zone::Named(chrono_tz::UTC), 4));
        let (built, _, _) = load_library_and_progress(&dir, &[], &cfg).unwrap();
        assert!(layout_path(&dir).exists());
        // The deck's own items: both directions, and the term's drills and the look-alikes'.
        let mine = |l: &Library| -> Vec<(String, bool, Option<Drill>)> {
            l.items
                .iter()
                .filter(|i| i.key.starts_with("t:"))
                .map(|i| (i.key.to_string(), i.reversed, i.drill))
                .collect()
        };
        let items = mine(&built);
        assert!(items.contains(&("t:gastr:reverse".to_owned(), true, None)));
        assert!(items.iter().any(|i| i.2 == Some(Drill::Build)));
        assert!(items.iter().any(|i| i.2 == Some(Drill::Confusables)));

        let (cached, _, _) = load_library_and_progress_unsaved(&dir, &[], &cfg).unwrap();
        assert_eq!(
            cached.layout_unsaved, None,
            "the layout came from its cache"
        );
        assert_eq!(cached.items, built.items);
        assert_eq!(cached.queue_cards, built.queue_cards);
        assert_eq!(
            sorted(cached.index.to_plain()),
            sorted(built.index.to_plain())
        );

        // A card more: another key, so the layout is worked out again and has it.
        std::fs::write(
            dir.decks_dir().join("t.toml"),
            format!("{DECK}\n[[card]]\nid = \"card\"\nfront = \"cardi/o\"\nback = \"heart\"\n"),
        )
        .unwrap();
        let (edited, _, _) = load_library_and_progress_unsaved(&dir, &[], &cfg).unwrap();
        assert!(edited.layout_unsaved.is_some());
        assert!(edited.items.iter().any(|i| &*i.key == "t:card:reverse"));
    }
}
