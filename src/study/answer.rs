//! Checking a typed answer: what counts as the same answer, what is "almost", and the
//! character diff that shows a near miss.

use unicode_normalization::UnicodeNormalization as _;

use crate::deck::{Card, Deck};
use crate::scheduler::Rating;

/// Lower case, accents dropped, punctuation dropped, runs of spaces made one: `Haem/o` and
/// `haemo` are the same answer, and so are `naïve` and `naive`.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            space = true;
        }
        // Anything else (hyphens, slashes, dots, quotes) is punctuation: ignored.
    }
    out
}

/// The answers accepted for a card in one direction: the back, every `answers` entry, and
/// each meaning alone where the back lists several with `;` or `,`; reversed, the front
/// and its variants.
pub fn accepted(card: &Card, reversed: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        let s = s.trim();
        if !s.is_empty() && !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    };
    if reversed {
        add(&card.front);
        card.variants.iter().for_each(|v| add(v));
    } else {
        add(&card.back);
        card.answers.iter().for_each(|a| add(a));
        for meaning in card.back.split([';', ',']) {
            add(meaning);
        }
    }
    out
}

/// Whether a card is studied by typing by default.
pub fn types_by_default(deck: &Deck) -> bool {
    deck.answer == crate::deck::AnswerMode::Type
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Correct,
    /// Within a small edit distance of an accepted answer.
    Almost,
    Wrong,
}

impl Verdict {
    /// The rating a verdict suggests: Good, Hard, Again.
    pub fn suggested(self) -> Rating {
        match self {
            Verdict::Correct => Rating::Good,
            Verdict::Almost => Rating::Hard,
            Verdict::Wrong => Rating::Again,
        }
    }
}

/// One step of the diff of what was typed against the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diff {
    Same(char),
    /// In the answer, not typed.
    Missing(char),
    /// Typed, not in the answer.
    Extra(char),
    /// Typed the first, the answer has the second.
    Wrong(char, char),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub verdict: Verdict,
    /// The accepted answer nearest to what was typed.
    pub nearest: String,
    /// Typed against `nearest`, both normalized.
    pub diff: Vec<Diff>,
}

/// How many edits still count as a near miss for an answer of `len` characters.
fn tolerance(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        8..=14 => 2,
        _ => 3,
    }
}

/// Checks `typed` against the accepted answers.
pub fn check(typed: &str, accepted: &[String]) -> Checked {
    let t = normalize(typed);
    let mut best: Option<(usize, &String, String)> = None;
    for a in accepted {
        let n = normalize(a);
        let d = crate::text::edit_distance_within(&t, &n, 64);
        if best.as_ref().is_none_or(|(bd, _, _)| d < *bd) {
            best = Some((d, a, n));
        }
    }
    let Some((distance, nearest, normalized)) = best else {
        return Checked {
            verdict: Verdict::Wrong,
            nearest: String::new(),
            diff: Vec::new(),
        };
    };
    let verdict = if distance == 0 {
        Verdict::Correct
    } else if !t.is_empty() && distance <= tolerance(normalized.chars().count()) {
        Verdict::Almost
    } else {
        Verdict::Wrong
    };
    Checked {
        verdict,
        nearest: nearest.clone(),
        diff: diff(&t, &normalized),
    }
}

/// A character diff: the edit-distance table walked back from the end.
#[allow(clippy::many_single_char_names)] // the textbook names of the table and its indices
pub fn diff(typed: &str, answer: &str) -> Vec<Diff> {
    let a: Vec<char> = typed.chars().collect();
    let b: Vec<char> = answer.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j - 1] + cost)
                .min(d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1);
        }
    }
    let (mut i, mut j) = (n, m);
    let mut out = Vec::with_capacity(n.max(m));
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]) {
            out.push(if a[i - 1] == b[j - 1] {
                Diff::Same(a[i - 1])
            } else {
                Diff::Wrong(a[i - 1], b[j - 1])
            });
            i -= 1;
            j -= 1;
        } else if j > 0 && (i == 0 || d[i][j] == d[i][j - 1] + 1) {
            out.push(Diff::Missing(b[j - 1]));
            j -= 1;
        } else {
            out.push(Diff::Extra(a[i - 1]));
            i -= 1;
        }
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn case_accents_spaces_and_punctuation_do_not_count() {
        assert_eq!(normalize("  Haem/o "), "haemo");
        assert_eq!(normalize("Naïve,  CAFÉ!"), "naive cafe");
        assert_eq!(normalize("-itis"), "itis");
        let ok = answers(&["inflammation"]);
        assert_eq!(check("Inflammation.", &ok).verdict, Verdict::Correct);
    }

    #[test]
    fn each_listed_meaning_alone_is_accepted() {
        let card = crate::deck::Card {
            id: "myel-o".into(),
            front: "myel/o".into(),
            back: "spinal cord; bone marrow".into(),
            kind: crate::deck::Kind::CombiningForm,
            answers: crate::deck::List::from(vec!["marrow".into()]),
            variants: crate::deck::List::default(),
            example: None,
            parts: crate::deck::List::default(),
            tags: crate::deck::List::default(),
            confused_with: crate::deck::List::default(),
            note: None,
            reverse: None,
            caution: None,
            instead: None,
            line: 1,
        };
        let ok = accepted(&card, false);
        assert_eq!(
            ok,
            [
                "spinal cord; bone marrow",
                "marrow",
                "spinal cord",
                "bone marrow"
            ]
        );
        assert_eq!(check("bone marrow", &ok).verdict, Verdict::Correct);
        assert_eq!(check("spinal chord", &ok).verdict, Verdict::Almost);
        assert_eq!(check("nerve", &ok).verdict, Verdict::Wrong);
        assert_eq!(accepted(&card, true), ["myel/o"]);
        assert_eq!(
            check("myelo", &accepted(&card, true)).verdict,
            Verdict::Correct
        );
    }

    #[test]
    fn a_near_miss_is_almost_and_its_diff_marks_each_kind_of_mistake() {
        let ok = answers(&["gastroenteritis"]);
        let c = check("gastrenteritiss", &ok);
        assert_eq!(c.verdict, Verdict::Almost);
        assert_eq!(c.verdict.suggested(), Rating::Hard);
        let missing: Vec<char> = c
            .diff
            .iter()
            .filter_map(|d| {
                if let Diff::Missing(x) = d {
                    Some(*x)
                } else {
                    None
                }
            })
            .collect();
        let extra: Vec<char> = c
            .diff
            .iter()
            .filter_map(|d| {
                if let Diff::Extra(x) = d {
                    Some(*x)
                } else {
                    None
                }
            })
            .collect();
        assert_eq!((missing, extra), (vec!['o'], vec!['s']));
        assert_eq!(diff("brady", "bredy")[2], Diff::Wrong('a', 'e'));
        // Short answers leave no room for a typo: "ab" for "ad" is wrong.
        assert_eq!(check("ab", &answers(&["ad-"])).verdict, Verdict::Wrong);
        assert_eq!(check("", &ok).verdict, Verdict::Wrong);
    }
}
