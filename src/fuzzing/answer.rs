//! The typed-answer matcher: normalizing is idempotent and yields only lower-case letters,
//! digits and single spaces; a string always matches itself; the verdict is `Correct`
//! exactly when a normalized answer equals the normalized input; the diff spells both
//! strings and has as many edits as their edit distance; the bounded edit distance agrees
//! with a plain table.

use crate::deck::Card;
use crate::study::answer::{Diff, Verdict, accepted, check as check_answer, diff, normalize};
use crate::text::edit_distance_within;

/// Longer strings are cut to this many characters: the diff's table is quadratic, and a
/// typed answer is short.
const MAX_CHARS: usize = 200;

/// The input, as text: its first line is what was typed, the others are accepted answers.
pub fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text
        .split('\n')
        .map(|l| l.chars().take(MAX_CHARS).collect::<String>());
    let typed = lines.next().unwrap_or_default();
    let answers: Vec<String> = lines.take(8).collect();

    for s in std::iter::once(&typed).chain(&answers) {
        normalized_form(s);
        let alone = check_answer(s, std::slice::from_ref(s));
        assert_eq!(
            alone.verdict,
            Verdict::Correct,
            "{s:?} does not match itself"
        );
    }
    matched(&typed, &answers);
    for a in &answers {
        distances(&typed, a);
    }
    if let [front, back, rest @ ..] = answers.as_slice() {
        card_answers(front, back, rest);
    }
}

fn normalized_form(s: &str) {
    let n = normalize(s);
    assert_eq!(normalize(&n), n, "normalize is not idempotent on {s:?}");
    assert!(
        n.chars().all(|c| c == ' ' || c.is_alphanumeric()),
        "{n:?} (from {s:?}) keeps punctuation"
    );
    assert!(
        !n.starts_with(' ') && !n.ends_with(' ') && !n.contains("  "),
        "{n:?} (from {s:?}) has stray spaces"
    );
}

fn matched(typed: &str, answers: &[String]) {
    let c = check_answer(typed, answers);
    if answers.is_empty() {
        assert_eq!(c.verdict, Verdict::Wrong);
        assert!(c.nearest.is_empty() && c.diff.is_empty());
        return;
    }
    assert!(
        answers.contains(&c.nearest),
        "nearest {:?} is not an answer",
        c.nearest
    );
    let t = normalize(typed);
    let exact = answers.iter().any(|a| normalize(a) == t);
    assert_eq!(
        c.verdict == Verdict::Correct,
        exact,
        "{typed:?} against {answers:?}: {:?}",
        c.verdict
    );
    let (typed_side, answer_side) = sides(&c.diff);
    assert_eq!(typed_side, t, "the diff does not spell what was typed");
    assert_eq!(
        answer_side,
        normalize(&c.nearest),
        "the diff does not spell the answer"
    );
    if c.verdict == Verdict::Almost {
        assert!(!t.is_empty(), "an empty answer is almost right");
    }
}

/// The typed string and the answer, read back from a diff.
fn sides(d: &[Diff]) -> (String, String) {
    let (mut typed, mut answer) = (String::new(), String::new());
    for step in d {
        match *step {
            Diff::Same(c) => {
                typed.push(c);
                answer.push(c);
            }
            Diff::Missing(c) => answer.push(c),
            Diff::Extra(c) => typed.push(c),
            Diff::Wrong(t, a) => {
                assert_ne!(t, a, "a wrong character equal to the answer's");
                typed.push(t);
                answer.push(a);
            }
        }
    }
    (typed, answer)
}

/// Plain Levenshtein distance, and with adjacent transpositions counted as one edit
/// (optimal string alignment), by the full table.
fn reference_distances(a: &[char], b: &[char]) -> (usize, usize) {
    let mut lev = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    let mut osa = lev.clone();
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            if i == 0 || j == 0 {
                lev[i][j] = i + j;
                osa[i][j] = i + j;
                continue;
            }
            let cost = usize::from(a[i - 1] != b[j - 1]);
            lev[i][j] = (lev[i - 1][j - 1] + cost)
                .min(lev[i - 1][j] + 1)
                .min(lev[i][j - 1] + 1);
            let mut o = (osa[i - 1][j - 1] + cost)
                .min(osa[i - 1][j] + 1)
                .min(osa[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                o = o.min(osa[i - 2][j - 2] + 1);
            }
            osa[i][j] = o;
        }
    }
    (lev[a.len()][b.len()], osa[a.len()][b.len()])
}

fn distances(typed: &str, answer: &str) {
    let chars = |s: &str| s.chars().collect::<Vec<char>>();
    let (lev, osa) = reference_distances(&chars(typed), &chars(answer));
    for limit in [0, 1, 2, 3, 64] {
        let within = edit_distance_within(typed, answer, limit);
        assert_eq!(
            within,
            osa.min(limit + 1),
            "distance({typed:?}, {answer:?}) within {limit}"
        );
        assert_eq!(
            within,
            edit_distance_within(answer, typed, limit),
            "distance is not symmetric"
        );
    }
    let steps = diff(typed, answer);
    let (t, a) = sides(&steps);
    assert_eq!(
        (t.as_str(), a.as_str()),
        (typed, answer),
        "diff spells other strings"
    );
    let edits = steps.iter().filter(|s| !matches!(s, Diff::Same(_))).count();
    assert_eq!(
        edits, lev,
        "the diff of {typed:?} and {answer:?} is not a shortest one"
    );
}

/// What a card accepts: trimmed, non-empty, no repeats, and the back itself.
fn card_answers(front: &str, back: &str, rest: &[String]) {
    let card = Card {
        id: "c".into(),
        front: front.into(),
        back: back.into(),
        answers: crate::deck::Text::list(rest.to_vec()),
        variants: crate::deck::Text::list(rest.to_vec()),
        line: 1,
        ..Card::default()
    };
    for (reversed, own) in [(false, back), (true, front)] {
        let list = accepted(&card, reversed);
        for (i, a) in list.iter().enumerate() {
            assert!(!a.is_empty() && a.trim() == a, "accepted {a:?}");
            assert!(!list[..i].contains(a), "{a:?} accepted twice");
        }
        if !own.trim().is_empty() {
            assert!(list.iter().any(|a| a == own.trim()), "{own:?} not accepted");
            assert_eq!(check_answer(own, &list).verdict, Verdict::Correct);
        }
    }
}
