//! The fuzz targets' checks (`medterm::fuzzing`) over every committed input in
//! `fuzz/corpus/TARGET/`: the seeds and each failing input kept as a regression, so plain
//! `cargo test` on stable repeats them without building the fuzzers.

#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is a failed test

use std::path::Path;

#[test]
fn every_committed_fuzz_input_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (name, check) in medterm::fuzzing::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no seeds for {name}");
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let run = std::panic::catch_unwind(|| check(&data));
            assert!(run.is_ok(), "{name}: {} fails", file.display());
        }
    }
}
