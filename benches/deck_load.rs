//! Loading 50 000 cards from one generated TOML file. Budget: 150 ms (issue 2).
//! Beside it, the toml crate's own parse of the same text, to see where the time goes.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::borrow::Cow;
use std::fmt::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use medterm::deck::{self, DeckSource, Origin};

/// A deck of the size issue 2 names (50 000 cards in about 5.5 MB): every card with id,
/// front, back and kind, a third of them terms whose parts name earlier word parts.
pub fn generated_deck(cards: usize) -> String {
    let mut s = String::with_capacity(cards * 112);
    s.push_str("[deck]\nid = \"bench\"\nname = \"Benchmark deck\"\nreverse = true\n\n");
    for i in 0..cards {
        let term = i % 3 == 0 && i >= 3;
        let _ = write!(
            s,
            "[[card]]\nid = \"c{i}\"\nfront = \"part{i}/o\"\nback = \"meaning {i}\"\nkind = \"{}\"\ntags = [\"t{}\"]\n",
            if term { "term" } else { "combining-form" },
            i % 17
        );
        if term {
            let _ = writeln!(s, "parts = [\"part{}/o\", \"part{}/o\"]", i - 2, i - 1);
        }
        s.push('\n');
    }
    s
}

fn bench(c: &mut Criterion) {
    let text: &'static str = Box::leak(generated_deck(50_000).into_boxed_str());
    eprintln!(
        "generated deck: {} bytes, budget 150 ms for deck::load",
        text.len()
    );
    let mut group = c.benchmark_group("deck_load_50k");
    group.sample_size(10);
    group.bench_function("toml DeTable::parse only", |b| {
        b.iter(|| toml::de::DeTable::parse(text).map(|t| t.get_ref().len()));
    });
    group.bench_function("fast path tree only", |b| {
        b.iter(|| medterm::deck::fast::parse(text).map(|t| t.entries.len()));
    });
    group.bench_function("toml_parser lex + events only", |b| {
        struct Count(usize);
        impl toml_parser::parser::EventReceiver for Count {
            fn scalar(
                &mut self,
                _span: toml_parser::Span,
                _kind: Option<toml_parser::decoder::Encoding>,
                _error: &mut dyn toml_parser::ErrorSink,
            ) {
                self.0 += 1;
            }
        }
        b.iter(|| {
            let source = toml_parser::Source::new(text);
            let tokens = source.lex().into_vec();
            let mut count = Count(0);
            let mut errors = Vec::new();
            toml_parser::parser::parse_document(&tokens, &mut count, &mut errors);
            count.0
        });
    });
    // The decks live for the whole session: freeing them is not part of loading.
    group.bench_function("deck::load (budget 150 ms)", |b| {
        b.iter_with_large_drop(|| {
            let loaded = deck::load(&[DeckSource {
                origin: Origin::File("bench.toml".into()),
                bytes: Cow::Borrowed(text.as_bytes()),
            }]);
            assert_eq!(loaded.decks[0].cards.len(), 50_000);
            loaded
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
