#![no_main]
// The invariants are in medterm::fuzzing::log.
libfuzzer_sys::fuzz_target!(|data: &[u8]| medterm::fuzzing::log::check(data));
