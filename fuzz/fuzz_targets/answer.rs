#![no_main]
// The invariants are in medterm::fuzzing::answer.
libfuzzer_sys::fuzz_target!(|data: &[u8]| medterm::fuzzing::answer::check(data));
