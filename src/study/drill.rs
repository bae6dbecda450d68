//! Word-part drills, pure: which cards have which drill, the questions of a drill (built
//! from the loaded decks, deterministic for a seed), how a typed term was joined wrongly, and
//! what an answer is worth.
//!
//! - **Build**: a term's definition is shown and the term typed (a typed study item whose
//!   answer names a wrong join of the right parts).
//! - **Dissect**: a term is shown; its parts are picked in order from candidates (the right
//!   ones among parts of the same kinds), then each part's meaning.
//! - **Confusables**: two or three look-alikes, each matched to its meaning.

use foldhash::HashMap;

use crate::deck::{Card, Kind, LoadedDecks};
use crate::scheduler::Rating;

/// A drill: its own card key (the card's key and a suffix) and its own schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Drill {
    Build,
    Dissect,
    Confusables,
}

impl Drill {
    pub const ALL: [Drill; 3] = [Drill::Build, Drill::Dissect, Drill::Confusables];

    /// The name on the command line and in card keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Drill::Build => "build",
            Drill::Dissect => "dissect",
            Drill::Confusables => "confusables",
        }
    }

    /// What the home screen calls it.
    pub fn label(self) -> &'static str {
        match self {
            Drill::Build => "build terms",
            Drill::Dissect => "take terms apart",
            Drill::Confusables => "tell look-alikes apart",
        }
    }

    /// A short name, for a screen's title.
    pub fn short(self) -> &'static str {
        match self {
            Drill::Build => "build the term",
            Drill::Dissect => "take apart",
            Drill::Confusables => "look-alikes",
        }
    }

    /// Appended to the card's key: `deck:card:build`.
    pub fn key_suffix(self) -> &'static str {
        match self {
            Drill::Build => ":build",
            Drill::Dissect => ":dissect",
            Drill::Confusables => ":confusables",
        }
    }

    pub fn parse(s: &str) -> Option<Drill> {
        Drill::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// A card by deck and position in it.
pub type CardRef = (u32, u32);

/// A word index as lists: the word parts' and the look-alikes' names (hashed) with their
/// cards, and the word-part cards of each kind.
pub type PlainIndex = (Vec<(u64, CardRef)>, Vec<(u64, CardRef)>, [Vec<CardRef>; 3]);

/// The loaded decks' cards by front (and variant), lowercased: word parts for a term's
/// `parts`, any card for `confused_with`.
/// Names are kept as hashes of their lower-cased text (no string per card: 50 000 cards
/// index in a few milliseconds); a lookup checks the card it finds really has the name.
#[derive(Debug, Default)]
pub struct WordIndex {
    parts: HashMap<u64, CardRef>,
    any: HashMap<u64, CardRef>,
    /// Word-part cards of each kind (prefix, suffix, combining form), in deck order.
    by_kind: [Vec<CardRef>; 3],
}

/// A hash of a name's lower-cased text; an ASCII name (nearly all) without building a
/// string.
fn name_hash(name: &str) -> u64 {
    use std::hash::{BuildHasher as _, Hasher as _};
    let mut h = foldhash::quality::FixedState::with_seed(0x6472_696c_6c73).build_hasher();
    let mut buf = [0u8; 64];
    match buf.get_mut(..name.len()) {
        Some(lower) if name.is_ascii() => {
            for (l, b) in lower.iter_mut().zip(name.bytes()) {
                *l = b.to_ascii_lowercase();
            }
            h.write(lower);
        }
        _ => h.write(name.to_lowercase().as_bytes()),
    }
    h.finish()
}

/// Whether the card's front or a variant is `name`, case aside.
fn has_name(card: &Card, name: &str) -> bool {
    let lower = |s: &str| {
        s.chars()
            .flat_map(char::to_lowercase)
            .collect::<Vec<char>>()
    };
    let want = lower(name);
    std::iter::once(&card.front)
        .chain(&card.variants)
        .any(|n| lower(n) == want)
}

fn kind_slot(kind: Kind) -> Option<usize> {
    match kind {
        Kind::Prefix => Some(0),
        Kind::Suffix => Some(1),
        Kind::CombiningForm => Some(2),
        _ => None,
    }
}

impl WordIndex {
    /// Empty when no card has parts or look-alikes: nothing to drill, nothing to build.
    pub fn new(decks: &LoadedDecks) -> WordIndex {
        let mut index = WordIndex::default();
        // Only names some card asks for are indexed: a term's parts, a card's look-alikes.
        let mut wanted_parts: foldhash::HashSet<u64> = foldhash::HashSet::default();
        let mut wanted_any: foldhash::HashSet<u64> = foldhash::HashSet::default();
        for card in decks.decks.iter().flat_map(|d| &d.cards) {
            wanted_parts.extend(card.parts.iter().map(|p| name_hash(p)));
            wanted_any.extend(card.confused_with.iter().map(|p| name_hash(p)));
        }
        if wanted_parts.is_empty() && wanted_any.is_empty() {
            return index;
        }
        for (d, deck) in decks.decks.iter().enumerate() {
            let d = u32::try_from(d).unwrap_or(u32::MAX);
            for (c, card) in deck.cards.iter().enumerate() {
                let r = (d, u32::try_from(c).unwrap_or(u32::MAX));
                for name in std::iter::once(&card.front).chain(&card.variants) {
                    let h = name_hash(name);
                    if card.kind.is_word_part() && wanted_parts.contains(&h) {
                        index.parts.entry(h).or_insert(r);
                    }
                    if wanted_any.contains(&h) {
                        index.any.entry(h).or_insert(r);
                    }
                }
                if let Some(k) = kind_slot(card.kind) {
                    index.by_kind[k].push(r);
                }
            }
        }
        index
    }

    /// The index as plain lists, for the layout cache.
    pub fn to_plain(&self) -> PlainIndex {
        (
            self.parts.iter().map(|(&h, &r)| (h, r)).collect(),
            self.any.iter().map(|(&h, &r)| (h, r)).collect(),
            self.by_kind.clone(),
        )
    }

    /// The index [`WordIndex::to_plain`] gave (see [`WordIndex::fits`]).
    pub fn from_plain((parts, any, by_kind): PlainIndex) -> WordIndex {
        WordIndex {
            parts: parts.into_iter().collect(),
            any: any.into_iter().collect(),
            by_kind,
        }
    }

    /// Whether every card the index names is one of `decks`'.
    pub fn fits(&self, decks: &LoadedDecks) -> bool {
        let fits = |&(d, c): &CardRef| {
            decks
                .decks
                .get(d as usize)
                .is_some_and(|deck| (c as usize) < deck.cards.len())
        };
        self.parts.values().chain(self.any.values()).all(fits)
            && self.by_kind.iter().flatten().all(fits)
    }

    pub fn part(&self, decks: &LoadedDecks, name: &str) -> Option<CardRef> {
        let r = *self.parts.get(&name_hash(name))?;
        has_name(card_at(decks, r), name).then_some(r)
    }

    /// The card a look-alike names: by front or variant, or as `DECK:CARD`.
    pub fn card(&self, decks: &LoadedDecks, name: &str) -> Option<CardRef> {
        if let Some(&r) = self.any.get(&name_hash(name))
            && has_name(card_at(decks, r), name)
        {
            return Some(r);
        }
        let key = crate::deck::CardKey::parse(name)?;
        let d = decks.decks.iter().position(|d| d.id == key.deck())?;
        let c = decks.decks[d]
            .cards
            .iter()
            .position(|c| c.id == key.card())?;
        Some((u32::try_from(d).ok()?, u32::try_from(c).ok()?))
    }

    /// The word-part cards of a term, when every part names one.
    pub fn parts_of(&self, decks: &LoadedDecks, card: &Card) -> Option<Vec<CardRef>> {
        card.parts.iter().map(|p| self.part(decks, p)).collect()
    }

    /// A card and the look-alikes it names that a loaded deck has, up to three in all,
    /// with distinct meanings.
    pub fn confusables_of(&self, decks: &LoadedDecks, me: CardRef, card: &Card) -> Vec<CardRef> {
        let mut group = vec![me];
        let mut backs = vec![card.back.to_lowercase()];
        for name in &card.confused_with {
            if let Some(r) = self.card(decks, name)
                && !group.contains(&r)
            {
                let back = card_at(decks, r).back.to_lowercase();
                if !backs.contains(&back) {
                    backs.push(back);
                    group.push(r);
                }
            }
            if group.len() == 3 {
                break;
            }
        }
        group
    }

    /// The drills a card has: build and dissect for a term of two or more word parts that
    /// all resolve; confusables on the first card of its group (in deck order) unless a
    /// look-alike earlier in that order names it back (it carries the group then).
    pub fn drills_of(&self, decks: &LoadedDecks, me: CardRef, card: &Card) -> Vec<Drill> {
        let mut out = Vec::new();
        if card.kind == Kind::Term && card.parts.len() >= 2 && self.parts_of(decks, card).is_some()
        {
            out.extend([Drill::Build, Drill::Dissect]);
        }
        if card.confused_with.is_empty() {
            return out;
        }
        let group = self.confusables_of(decks, me, card);
        if group.len() >= 2
            && group.iter().skip(1).all(|&other| {
                other > me
                    || !card_at(decks, other)
                        .confused_with
                        .iter()
                        .any(|n| self.card(decks, n) == Some(me))
            })
        {
            out.push(Drill::Confusables);
        }
        out
    }
}

pub fn card_at(decks: &LoadedDecks, (d, c): CardRef) -> &Card {
    &decks.decks[d as usize].cards[c as usize]
}

/// A small deterministic generator (SplitMix64): distractors and their order come from the
/// seed alone.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }

    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// One multiple-choice question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub prompt: String,
    pub options: Vec<String>,
    pub right: usize,
}

/// A drill answered by picking: questions answered in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quiz {
    /// What is asked about: the term, or the look-alikes.
    pub title: String,
    pub instructions: String,
    pub questions: Vec<Question>,
    /// The option picked for each question answered so far.
    pub picks: Vec<usize>,
}

impl Quiz {
    pub fn finished(&self) -> bool {
        self.picks.len() >= self.questions.len()
    }

    /// The question being answered.
    pub fn current(&self) -> Option<&Question> {
        self.questions.get(self.picks.len())
    }

    /// Picks option `k` (0-based) for the current question; false when there is none.
    pub fn pick(&mut self, k: usize) -> bool {
        match self.current() {
            Some(q) if k < q.options.len() => {
                self.picks.push(k);
                true
            }
            _ => false,
        }
    }

    /// Takes back the last pick.
    pub fn unpick(&mut self) {
        self.picks.pop();
    }

    /// Questions answered right, and all of them.
    pub fn score(&self) -> (usize, usize) {
        let right = self
            .questions
            .iter()
            .zip(&self.picks)
            .filter(|(q, p)| q.right == **p)
            .count();
        (right, self.questions.len())
    }

    /// All right: Good; some right (partial credit): Hard; none: Again.
    pub fn suggested(&self) -> Rating {
        match self.score() {
            (r, n) if r == n && n > 0 => Rating::Good,
            (0, _) => Rating::Again,
            _ => Rating::Hard,
        }
    }
}

/// At most this many options: they are picked with the keys 1 to 9.
pub const MAX_OPTIONS: usize = 9;

/// `n` cards from `pool` other than those in `avoid` (and with texts not in `taken`),
/// drawn by `rng`.
fn draw(
    rng: &mut Rng,
    pool: &[CardRef],
    n: usize,
    avoid: &[CardRef],
    text: impl Fn(CardRef) -> String,
    taken: &mut Vec<String>,
) -> Vec<CardRef> {
    let mut out = Vec::new();
    if pool.is_empty() {
        return out;
    }
    // A bounded number of tries: a small pool may not have `n` distinct others.
    for _ in 0..(n * 8 + 8) {
        if out.len() == n {
            break;
        }
        let r = pool[rng.below(pool.len())];
        let t = text(r).to_lowercase();
        if avoid.contains(&r) || out.contains(&r) || taken.contains(&t) {
            continue;
        }
        taken.push(t);
        out.push(r);
    }
    out
}

fn slot_of(decks: &LoadedDecks, r: CardRef) -> usize {
    kind_slot(card_at(decks, r).kind).unwrap_or(2)
}

/// The dissect drill of a term: its parts picked in order from the right ones and
/// distractors of the same kinds, then each part's meaning from four.
pub fn dissect(decks: &LoadedDecks, index: &WordIndex, card: &Card, seed: u64) -> Option<Quiz> {
    let parts = index.parts_of(decks, card)?;
    let mut rng = Rng::new(seed);
    let n = parts.len();
    let mut fronts: Vec<String> = parts
        .iter()
        .map(|&r| card_at(decks, r).front.to_lowercase())
        .collect();
    let mut candidates: Vec<CardRef> = Vec::new();
    for &p in &parts {
        if !candidates.contains(&p) {
            candidates.push(p);
        }
    }
    // One or two distractors per part, of its kind, up to nine options.
    let extra = MAX_OPTIONS
        .saturating_sub(candidates.len())
        .min(n.max(2) + 1);
    for k in 0..extra {
        let p = parts[k % n];
        let got = draw(
            &mut rng,
            &index.by_kind[slot_of(decks, p)],
            1,
            &candidates,
            |r| card_at(decks, r).front.to_string(),
            &mut fronts,
        );
        candidates.extend(got);
    }
    rng.shuffle(&mut candidates);
    let options: Vec<String> = candidates
        .iter()
        .map(|&r| card_at(decks, r).front.to_string())
        .collect();
    let mut questions: Vec<Question> = parts
        .iter()
        .enumerate()
        .map(|(k, p)| Question {
            prompt: format!("part {} of {n}", k + 1),
            options: options.clone(),
            right: candidates.iter().position(|c| c == p).unwrap_or(0),
        })
        .collect();
    for &p in &parts {
        let part = card_at(decks, p);
        let mut taken = vec![part.back.to_lowercase()];
        let mut choices = vec![p];
        choices.extend(draw(
            &mut rng,
            &index.by_kind[slot_of(decks, p)],
            3,
            &[p],
            |r| card_at(decks, r).back.to_string(),
            &mut taken,
        ));
        rng.shuffle(&mut choices);
        questions.push(Question {
            prompt: format!("{} means", part.front),
            options: choices
                .iter()
                .map(|&r| card_at(decks, r).back.to_string())
                .collect(),
            right: choices.iter().position(|&c| c == p).unwrap_or(0),
        });
    }
    Some(Quiz {
        title: card.front.to_string(),
        instructions: "pick its parts in order, then what each means".into(),
        questions,
        picks: Vec::new(),
    })
}

/// The confusables drill of a group of look-alikes: each matched to its meaning.
pub fn confusables(decks: &LoadedDecks, group: &[CardRef], seed: u64) -> Option<Quiz> {
    if group.len() < 2 {
        return None;
    }
    let mut rng = Rng::new(seed);
    let mut meanings: Vec<CardRef> = group.to_vec();
    rng.shuffle(&mut meanings);
    let mut order: Vec<CardRef> = group.to_vec();
    rng.shuffle(&mut order);
    let options: Vec<String> = meanings
        .iter()
        .map(|&r| card_at(decks, r).back.to_string())
        .collect();
    let questions = order
        .iter()
        .map(|r| Question {
            prompt: format!("{} means", card_at(decks, *r).front),
            options: options.clone(),
            right: meanings.iter().position(|m| m == r).unwrap_or(0),
        })
        .collect();
    Some(Quiz {
        title: order
            .iter()
            .map(|&r| card_at(decks, r).front.to_string())
            .collect::<Vec<_>>()
            .join(" / "),
        instructions: "match each look-alike to its meaning".into(),
        questions,
        picks: Vec::new(),
    })
}

/// A word part as joined: its letters, and the combining vowel a combining form may keep.
fn piece(part: &str, kind: Kind) -> (String, Option<String>) {
    let bare = part.trim().trim_matches('-').to_lowercase();
    match (kind, bare.split_once('/')) {
        (Kind::CombiningForm, Some((stem, vowel))) => (stem.to_owned(), Some(vowel.to_owned())),
        _ => (bare.replace('/', ""), None),
    }
}

fn starts_with_vowel(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
}

/// The wrong ways to join a term's parts, each with what is wrong: every choice of keeping
/// or dropping each combining vowel, against the choice the term's spelling makes. Empty
/// when no choice spells the term (an irregular join: nothing to say).
pub fn wrong_joins(decks: &LoadedDecks, index: &WordIndex, card: &Card) -> Vec<(String, String)> {
    let Some(parts) = index.parts_of(decks, card) else {
        return Vec::new();
    };
    let pieces: Vec<(String, Option<String>, String)> = parts
        .iter()
        .map(|&r| {
            let c = card_at(decks, r);
            let (stem, vowel) = piece(&c.front, c.kind);
            (stem, vowel, c.front.to_string())
        })
        .collect();
    // Boundaries where a vowel may go: after a combining form that is not last.
    let joints: Vec<usize> = (0..pieces.len().saturating_sub(1))
        .filter(|&i| pieces[i].1.is_some())
        .collect();
    if joints.is_empty() || joints.len() > 6 {
        return Vec::new();
    }
    let spell = |mask: u32| -> String {
        let mut s = String::new();
        for (i, (stem, vowel, _)) in pieces.iter().enumerate() {
            s.push_str(stem);
            if let Some(j) = joints.iter().position(|&x| x == i)
                && mask & (1 << j) != 0
            {
                s.push_str(vowel.as_deref().unwrap_or(""));
            }
        }
        s
    };
    let target = crate::study::answer::normalize(&card.front).replace(' ', "");
    let masks = 0..(1u32 << joints.len());
    let Some(right) = masks.clone().find(|&m| spell(m) == target) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in masks.filter(|&m| m != right) {
        let mut why = Vec::new();
        for (j, &i) in joints.iter().enumerate() {
            let (kept, should) = (m & (1 << j) != 0, right & (1 << j) != 0);
            let vowel = pieces[i].1.as_deref().unwrap_or("");
            let next = &pieces[i + 1];
            let next_is_root = next.1.is_some() || i + 2 < pieces.len();
            match (kept, should) {
                (true, false) if starts_with_vowel(&next.0) => why.push(format!(
                    "the combining vowel -{vowel}- of {} is dropped before {}, which starts with a vowel",
                    pieces[i].2, next.2
                )),
                (true, false) => why.push(format!(
                    "the combining vowel -{vowel}- of {} is dropped before {} in this term",
                    pieces[i].2, next.2
                )),
                (false, true) if next_is_root => why.push(format!(
                    "the combining vowel -{vowel}- of {} stays between it and {}",
                    pieces[i].2, next.2
                )),
                (false, true) => why.push(format!(
                    "the combining vowel -{vowel}- of {} stays before {}, which starts with a consonant",
                    pieces[i].2, next.2
                )),
                _ => {}
            }
        }
        out.push((
            spell(m),
            format!("the right parts, joined wrongly: {}", why.join("; ")),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::{DeckSource, Origin};

    const DECK: &str = r#"
[deck]
id = "d"
name = "Drills"

[[card]]
id = "gastr-o"
front = "gastr/o"
back = "stomach"
kind = "combining-form"

[[card]]
id = "enter-o"
front = "enter/o"
back = "intestine"
kind = "combining-form"

[[card]]
id = "cardi-o"
front = "cardi/o"
back = "heart"
kind = "combining-form"

[[card]]
id = "hepat-o"
front = "hepat/o"
back = "liver"
kind = "combining-form"

[[card]]
id = "itis"
front = "-itis"
back = "inflammation"
kind = "suffix"

[[card]]
id = "megaly"
front = "-megaly"
back = "enlargement"
kind = "suffix"

[[card]]
id = "algia"
front = "-algia"
back = "pain"
kind = "suffix"

[[card]]
id = "ectomy"
front = "-ectomy"
back = "surgical removal"
kind = "suffix"
confused_with = ["-otomy", "-ostomy"]

[[card]]
id = "otomy"
front = "-otomy"
back = "cutting into"
kind = "suffix"
confused_with = ["-ectomy", "-ostomy"]

[[card]]
id = "ostomy"
front = "-ostomy"
back = "making an opening"
kind = "suffix"
confused_with = ["-ectomy", "-otomy"]

[[card]]
id = "gastroenteritis"
front = "gastroenteritis"
back = "inflammation of the stomach and intestines"
kind = "term"
parts = ["gastr/o", "enter/o", "-itis"]

[[card]]
id = "cardiomegaly"
front = "cardiomegaly"
back = "enlargement of the heart"
kind = "term"
parts = ["cardi/o", "-megaly"]
"#;

    fn decks() -> LoadedDecks {
        crate::deck::load(&[DeckSource {
            origin: Origin::File("d.toml".into()),
            bytes: DECK.as_bytes().to_vec().into(),
        }])
    }

    fn find(decks: &LoadedDecks, id: &str) -> CardRef {
        let c = decks.decks[0]
            .cards
            .iter()
            .position(|c| c.id == id)
            .unwrap();
        (0, u32::try_from(c).unwrap())
    }

    #[test]
    fn terms_of_parts_have_build_and_dissect_and_one_card_carries_a_group() {
        let decks = decks();
        let index = WordIndex::new(&decks);
        let of = |id: &str| {
            let r = find(&decks, id);
            index.drills_of(&decks, r, card_at(&decks, r))
        };
        assert_eq!(of("gastroenteritis"), [Drill::Build, Drill::Dissect]);
        assert_eq!(of("cardiomegaly"), [Drill::Build, Drill::Dissect]);
        assert_eq!(of("gastr-o"), []);
        assert_eq!(of("ectomy"), [Drill::Confusables]);
        assert_eq!(of("otomy"), [], "-ectomy comes first and names it back");
        assert_eq!(of("ostomy"), []);
    }

    #[test]
    fn the_index_finds_a_named_part_or_card_by_front_or_variant_in_any_case_or_by_key() {
        let toml = r#"
[deck]
id = "h"
name = "Blood"

[[card]]
id = "hem-o"
front = "hem/o"
back = "blood"
kind = "combining-form"
variants = ["haem/o"]

[[card]]
id = "lysis"
front = "-lysis"
back = "breakdown"
kind = "suffix"

[[card]]
id = "hemolysis"
front = "hemolysis"
back = "breakdown of red blood cells"
kind = "term"
parts = ["HAEM/O", "-lysis"]
confused_with = ["h:hem-o", "Hem/O"]
"#;
        let decks = crate::deck::load(&[DeckSource {
            origin: Origin::File("h.toml".into()),
            bytes: toml.as_bytes().to_vec().into(),
        }]);
        let index = WordIndex::new(&decks);
        let front = |r: Option<CardRef>| r.map(|r| card_at(&decks, r).front.as_str());
        assert_eq!(
            front(index.part(&decks, "HAEM/O")),
            Some("hem/o"),
            "a variant"
        );
        assert_eq!(front(index.part(&decks, "-lysis")), Some("-lysis"));
        assert_eq!(
            front(index.card(&decks, "Hem/O")),
            Some("hem/o"),
            "any case"
        );
        assert_eq!(
            front(index.card(&decks, "h:hem-o")),
            Some("hem/o"),
            "DECK:CARD"
        );
        assert_eq!(index.card(&decks, "h:nothing"), None);
        assert_eq!(index.part(&decks, "hemolysis"), None, "a term is no part");
        let term = card_at(&decks, find(&decks, "hemolysis"));
        assert_eq!(index.parts_of(&decks, term).map(|p| p.len()), Some(2));
    }

    #[test]
    fn a_right_part_joined_wrongly_is_named() {
        let decks = decks();
        let index = WordIndex::new(&decks);
        let card = card_at(&decks, find(&decks, "gastroenteritis"));
        let wrong = wrong_joins(&decks, &index, card);
        let why = |s: &str| {
            wrong
                .iter()
                .find(|(w, _)| w == s)
                .map(|(_, y)| y.clone())
                .unwrap_or_default()
        };
        assert_eq!(wrong.len(), 3, "{wrong:?}");
        assert!(
            why("gastroenteroitis")
                .contains("-o- of enter/o is dropped before -itis, which starts with a vowel"),
            "{wrong:?}"
        );
        assert!(why("gastrenteritis").contains("-o- of gastr/o stays between it and enter/o"));
        let card = card_at(&decks, find(&decks, "cardiomegaly"));
        let wrong = wrong_joins(&decks, &index, card);
        assert_eq!(wrong.len(), 1);
        assert_eq!(wrong[0].0, "cardimegaly");
        assert!(
            wrong[0]
                .1
                .contains("stays before -megaly, which starts with a consonant")
        );
    }

    #[test]
    fn dissect_offers_the_right_parts_among_same_kind_distractors_the_same_for_a_seed() {
        let decks = decks();
        let index = WordIndex::new(&decks);
        let card = card_at(&decks, find(&decks, "gastroenteritis"));
        let quiz = dissect(&decks, &index, card, 42).unwrap();
        assert_eq!(quiz, dissect(&decks, &index, card, 42).unwrap());
        assert_eq!(quiz.questions.len(), 6, "three parts, three meanings");
        let options = &quiz.questions[0].options;
        assert!(options.len() <= MAX_OPTIONS && options.len() > 3);
        for (k, want) in ["gastr/o", "enter/o", "-itis"].iter().enumerate() {
            let q = &quiz.questions[k];
            assert_eq!(&q.options[q.right], want);
        }
        let mut seen = options.clone();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), options.len(), "no option twice");
        for o in options {
            let card = decks.decks[0].cards.iter().find(|c| c.front == *o).unwrap();
            assert!(card.kind.is_word_part(), "{o}");
        }
        let meaning = &quiz.questions[5];
        assert_eq!(meaning.prompt, "-itis means");
        assert_eq!(meaning.options[meaning.right], "inflammation");
        assert!(meaning.options.len() >= 2);
        // Another seed, another draw of distractors or order (over a few seeds).
        assert!((0..8).any(|s| dissect(&decks, &index, card, s).unwrap() != quiz));
    }

    #[test]
    fn picks_score_all_some_or_none() {
        let decks = decks();
        let index = WordIndex::new(&decks);
        let r = find(&decks, "ectomy");
        let group = index.confusables_of(&decks, r, card_at(&decks, r));
        assert_eq!(group.len(), 3);
        let mut quiz = confusables(&decks, &group, 7).unwrap();
        assert_eq!(quiz.questions.len(), 3);
        let rights: Vec<usize> = quiz.questions.iter().map(|q| q.right).collect();
        let mut all = quiz.clone();
        for &k in &rights {
            assert!(all.pick(k));
        }
        assert!(all.finished() && !all.pick(0));
        assert_eq!(all.suggested(), Rating::Good);
        quiz.pick(rights[0]);
        quiz.pick((rights[1] + 1) % 3);
        assert!(!quiz.finished());
        quiz.pick((rights[2] + 1) % 3);
        assert_eq!((quiz.score(), quiz.suggested()), ((1, 3), Rating::Hard));
        quiz.unpick();
        quiz.unpick();
        quiz.unpick();
        for &k in &rights {
            quiz.pick((k + 1) % 3);
        }
        assert_eq!(quiz.suggested(), Rating::Again);
        assert!(!quiz.pick(12), "no such option");
    }
}
