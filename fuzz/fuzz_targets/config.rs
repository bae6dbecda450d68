#![no_main]
// The invariants are in medterm::fuzzing::config.
libfuzzer_sys::fuzz_target!(|data: &[u8]| medterm::fuzzing::config::check(data));
