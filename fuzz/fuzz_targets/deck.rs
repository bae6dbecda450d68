#![no_main]
// The invariants are in medterm::fuzzing::deck.
libfuzzer_sys::fuzz_target!(|data: &[u8]| medterm::fuzzing::deck::check(data));
