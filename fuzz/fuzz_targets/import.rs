#![no_main]
// The invariants are in medterm::fuzzing::import.
libfuzzer_sys::fuzz_target!(|data: &[u8]| medterm::fuzzing::import::check(data));
