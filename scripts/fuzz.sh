#!/usr/bin/env bash
# Fuzz medterm's parsers with libFuzzer, on the stable toolchain (no cargo-fuzz, no nightly).
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]     default: all targets, 10 seconds each
#
# Targets (fuzz/fuzz_targets/, invariants in src/fuzzing/): deck, log, config, answer.
# Each run starts from the committed seeds in fuzz/corpus/TARGET/ and keeps what it finds in
# fuzz/target/corpus/TARGET/ (not committed). A failing input is saved under
# fuzz/artifacts/TARGET/ and its path printed; the script then exits 1.
# Reproduce one:  fuzz/target/<host>/release/TARGET fuzz/artifacts/TARGET/crash-...
# Keep it as a regression test: copy it into fuzz/corpus/TARGET/ (cargo test replays it).
#
# Extra libFuzzer flags go in FUZZ_FLAGS, e.g. FUZZ_FLAGS="-jobs=2 -workers=2".
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(deck log config answer import)

target=${1:-all}
seconds=${2:-10}
case "$target" in
  all) selected=("${TARGETS[@]}") ;;
  *)
    if [[ ! " ${TARGETS[*]} " == *" $target "* ]]; then
      echo "fuzz.sh: unknown target '$target'; the targets are: ${TARGETS[*]}" >&2
      exit 2
    fi
    selected=("$target")
    ;;
esac
if [[ ! "$seconds" =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "fuzz.sh: SECONDS must be a whole number of seconds, not '$seconds'" >&2
  exit 2
fi

# libFuzzer instrumentation through plain rustc flags, which stable accepts. An explicit
# --target keeps them off build scripts and proc macros, which must not be instrumented.
host=$(rustc -vV | sed -n 's/^host: //p')
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
export CARGO_TARGET_DIR=fuzz/target
# Not --locked: fuzz/Cargo.lock follows the main crate's dependencies, and a dependency added
# there is added here on the next build rather than failing it.
bins=()
for t in "${selected[@]}"; do bins+=(--bin "$t"); done
cargo build --manifest-path fuzz/Cargo.toml --release --target "$host" "${bins[@]}"

failed=()
for t in "${selected[@]}"; do
  seeds=fuzz/corpus/$t
  found=fuzz/target/corpus/$t
  artifacts=fuzz/artifacts/$t/
  mkdir -p "$found" "$artifacts"
  log=fuzz/target/$t.log
  echo "fuzz.sh: $t for ${seconds}s (seeds $seeds, log $log)"
  # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
  if RUST_BACKTRACE=${RUST_BACKTRACE:-0} "fuzz/target/$host/release/$t" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts" \
    ${FUZZ_FLAGS:-} "$found" "$seeds" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units' "$log" | sed "s/^/fuzz.sh: $t: /" || true
  else
    failed+=("$t")
    echo "fuzz.sh: $t FAILED; the end of its log:" >&2
    grep -v -E '^(#[0-9]+|INFO:|stat::)' "$log" | tail -n 40 >&2 || true
    for f in $(grep -o -E "Test unit written to [^ ]+" "$log" | sed 's/Test unit written to //'); do
      echo "fuzz.sh: $t: the failing input is $f" >&2
      echo "fuzz.sh: reproduce with: fuzz/target/$host/release/$t $f" >&2
    done
  fi
done

if ((${#failed[@]} > 0)); then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: no failure in ${selected[*]}"
