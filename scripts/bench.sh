#!/usr/bin/env bash
# The performance budgets of the standard workload (DESIGN.md), measured as a student meets
# them: whole processes on a generated data dir, medians over several runs, peak memory.
#
#   scripts/bench.sh [--quick] [--runs N] [--cards N] [--reviews N] [--end-date YYYY-MM-DD]
#                    [--seed S] [--keep DIR] [--no-hyperfine]
#
# Generates a workload (gen-workload: a deck and a history), imports it into a temporary
# data dir as two devices' logs, then times: `medterm due` with nothing cached and with a
# valid cache, the first card on screen in a pseudo-terminal (first-card) both ways,
# `medterm stats --json` (nothing cached, and with the decks cached), 1 000 durable answers
# (`medterm script`), `history import` of the whole history into an empty data dir, and
# `optimize --dry-run`. Each line shows the budget beside the figure and ok or OVER. hyperfine is used when installed, else a loop around
# bash's clock (or with --no-hyperfine); peak memory comes from /usr/bin/time. --quick:
# 5 000 cards, 100 000 reviews, 3 runs, for a fast check (not the budget's workload).
# --keep DIR leaves the workload and data dirs in DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

cards=50000 reviews=1000000 runs=5 seed=1 keep="" use_hyperfine=1
end=$(date -u +%F)
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) cards=5000 reviews=100000 runs=3 ;;
    --runs) runs=$2; shift ;;
    --cards) cards=$2; shift ;;
    --reviews) reviews=$2; shift ;;
    --end-date) end=$2; shift ;;
    --seed) seed=$2; shift ;;
    --keep) keep=$2; shift ;;
    --no-hyperfine) use_hyperfine=0 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

echo "building (release)..."
cargo build --release --quiet --bin medterm --example gen-workload --example first-card
root=$(pwd)
bin=$root/target/release/medterm
gen=$root/target/release/examples/gen-workload
first_card=$root/target/release/examples/first-card

if [ -n "$keep" ]; then
  work=$keep
  rm -rf "$work"
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/medterm-bench.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi

have_time=0
[ -x /usr/bin/time ] && have_time=1
have_hyperfine=0
[ "$use_hyperfine" = 1 ] && command -v hyperfine >/dev/null 2>&1 && have_hyperfine=1

# The same clock, zone and device for every command, so every run sees the same day.
export TZ=UTC MEDTERM_NOW="${end}T20:00:00Z" MEDTERM_DEVICE=gen1 NO_COLOR=1
unset MEDTERM_HOME

# stamp: sets `ns` to the time in nanoseconds. bash 5's $EPOCHREALTIME needs no process:
# `date +%s%N` in a command substitution starts two, about 2 ms inside every figure it
# brackets (this machine). Called as it is, not in $(...), which would start a subshell.
stamp() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    ns=$((10#${EPOCHREALTIME/[.,]/} * 1000))
  else
    ns=$(date +%s%N)
  fi
}

echo "load: $(uptime)"
echo "generating $cards cards, $reviews reviews ending $end (seed $seed)..."
stamp
gen_t0=$ns
"$gen" --cards "$cards" --reviews "$reviews" --end-date "$end" --seed "$seed" --devices 2 \
  "$work/workload"
stamp
gen_t1=$ns
# The same single-threaded work on every run of a workload: how long it took shows how busy
# the machine was, to compare runs with (other machines share these cores).
gen_secs=$(awk -v n=$((gen_t1 - gen_t0)) 'BEGIN { printf "%.2f", n / 1e9 }')
data=$work/data
mkdir -p "$data/decks"
cp "$work/workload/decks/bench.toml" "$data/decks/"
for device in gen1 gen2; do
  MEDTERM_DEVICE=$device "$bin" --data-dir "$data" history import \
    "$work/workload/history/$device.jsonl" >/dev/null
done

# median_of NUMBERS...: the median, in the numbers' unit.
median_of() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# timed PREPARE CMD...: sets `secs` to the median wall time of CMD over $runs runs, PREPARE
# (a shell command, may be empty) run before each run and not timed.
timed() {
  local prepare=$1
  shift
  if [ "$have_hyperfine" = 1 ]; then
    local json=$work/hyperfine.json
    # Not -N: it would split --prepare's shell commands into one command's arguments.
    local args=(--runs "$runs" --warmup 1 --style none --export-json "$json")
    [ -n "$prepare" ] && args+=(--prepare "$prepare")
    local cmd
    cmd=$(printf '%q ' "$@")
    # Its warnings about outliers go with the noise note at the end; failures are shown.
    if ! hyperfine "${args[@]}" "$cmd" >/dev/null 2>"$work/stderr"; then
      echo "bench.sh: failed: $cmd" >&2
      cat "$work/stderr" >&2
      exit 1
    fi
    secs=$(sed -n 's/^ *"median": *\([0-9.e+-]*\),*$/\1/p' "$json" | head -1)
    secs=$(awk -v s="$secs" 'BEGIN { printf "%.4f", s }')
  else
    local times=() i t0 t1 ns
    for ((i = -1; i < runs; i++)); do # run -1 warms the page cache, untimed
      [ -n "$prepare" ] && sh -c "$prepare"
      stamp
      t0=$ns
      if ! "$@" >/dev/null 2>"$work/stderr"; then
        echo "bench.sh: failed: $*" >&2
        cat "$work/stderr" >&2
        exit 1
      fi
      stamp
      t1=$ns
      [ "$i" -ge 0 ] && times+=($((t1 - t0)))
    done
    secs=$(awk -v n="$(median_of "${times[@]}")" 'BEGIN { printf "%.4f", n / 1e9 }')
  fi
}

# peak PREPARE CMD...: sets `mb` to CMD's peak resident memory in MB (one run), or "-".
peak() {
  local prepare=$1
  shift
  mb=-
  [ "$have_time" = 1 ] || return 0
  [ -n "$prepare" ] && sh -c "$prepare"
  /usr/bin/time -f %M -o "$work/peak" "$@" >/dev/null 2>&1 </dev/null || true
  mb=$(awk 'END { printf "%.0f", $1 * 1024 / 1e6 }' "$work/peak")
}

results=$work/results
: >"$results"
# report NAME BUDGET_SECS BUDGET_LABEL SECS SHOWN MB BUDGET_MB: one line, ok or OVER.
report() {
  local name=$1 budget=$2 label=$3 secs=$4 shown=$5 mb=$6 budget_mb=$7
  local status=ok
  if [ "$budget" != - ] && awk -v a="$secs" -v b="$budget" 'BEGIN { exit !(a > b) }'; then
    status=OVER
  fi
  if [ "$mb" != - ] && [ "$mb" -gt "$budget_mb" ]; then
    status=OVER
  fi
  printf '%-24s budget %-9s median %-10s peak %4s MB (budget %s)   [%s]\n' \
    "$name" "$label" "$shown" "$mb" "$budget_mb" "$status" | tee -a "$results"
}
fmt_s() { awk -v s="$1" 'BEGIN { if (s < 0.1) printf "%.1f ms", s * 1000; else printf "%.2f s", s }'; }

md=(--data-dir "$data")
nocache="rm -rf '$data/cache'"

echo
echo "measuring ($runs runs each; hyperfine: $([ $have_hyperfine = 1 ] && echo yes || echo no)," \
  "peak memory: $([ $have_time = 1 ] && echo /usr/bin/time || echo not measured))"

timed "$nocache" "$bin" "${md[@]}" due
peak "$nocache" "$bin" "${md[@]}" due
report "due (no cache)" 0.30 "0.30 s" "$secs" "$(fmt_s "$secs")" "$mb" 120

"$bin" "${md[@]}" due >/dev/null # writes the cache
timed "" "$bin" "${md[@]}" due
peak "" "$bin" "${md[@]}" due
report "due (cache)" 0.030 "30 ms" "$secs" "$(fmt_s "$secs")" "$mb" 120

# The first card a session shows is the one `due` names; its front is its text on screen.
key=$("$bin" "${md[@]}" due | sed -n 's/^first card: bench:\(.*\)$/\1/p')
front=$(awk -v id="$key" '$0 == "id = \"" id "\"" { getline; sub(/^front = "/, ""); sub(/"$/, ""); print; exit }' \
  "$data/decks/bench.toml")
if [ -z "$front" ]; then
  echo "bench.sh: cannot find the first card's front (due says '$key')" >&2
  exit 1
fi
first_card_peak() {
  mb=-
  [ "$have_time" = 1 ] || return 0
  [ -n "$1" ] && sh -c "$1"
  "$first_card" --marker "$front" --runs 1 -- \
    /usr/bin/time -f %M -o "$work/peak" "$bin" "${md[@]}" study >/dev/null
  mb=$(awk 'END { printf "%.0f", $1 * 1024 / 1e6 }' "$work/peak")
}
secs=$("$first_card" --marker "$front" --runs "$runs" --prepare "$nocache" -- \
  "$bin" "${md[@]}" study | sed -n 's/^median_s //p')
first_card_peak "$nocache"
report "first card (no cache)" 0.30 "0.30 s" "$secs" "$(fmt_s "$secs")" "$mb" 120
secs=$("$first_card" --marker "$front" --runs "$runs" -- "$bin" "${md[@]}" study |
  sed -n 's/^median_s //p')
first_card_peak ""
report "first card (cache)" 0.030 "30 ms" "$secs" "$(fmt_s "$secs")" "$mb" 120

timed "$nocache" "$bin" "${md[@]}" stats --json
peak "$nocache" "$bin" "${md[@]}" stats --json
report "stats --json (no cache)" 0.35 "0.35 s" "$secs" "$(fmt_s "$secs")" "$mb" 120
"$bin" "${md[@]}" due >/dev/null # writes the caches again
# With the decks cached (the statistics always replay the history).
timed "" "$bin" "${md[@]}" stats --json
peak "" "$bin" "${md[@]}" stats --json
report "stats --json (cache)" - "-" "$secs" "$(fmt_s "$secs")" "$mb" 120

# 1 000 durable answers, each run in a fresh copy of the data dir (with its valid cache):
# a session answering 1 000 cards, less one answering none, per answer. No daily limits, so
# a small workload has 1 000 cards to answer too (limits are not in the cache's key).
answers=$work/answers
# The copy is synced: a first fdatasync must not write back a whole freshly copied log.
copy="rm -rf '$answers'; cp -r '$data' '$answers'; printf 'new_per_day = 99999\\nreviews_per_day = 99999\\n' > '$answers/config.toml'; sync '$answers'/reviews/*.jsonl"
awk 'BEGIN { for (i = 0; i < 1000; i++) print 3 }' >"$work/1000.txt"
echo q >"$work/0.txt"
# What one durable answer cannot beat here: a 150-byte write and fdatasync on this disk
# (other programs' writes make it vary tenfold).
sync_ms=$(dd if=/dev/zero of="$work/sync-probe" bs=150 count=200 oflag=dsync 2>&1 |
  awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") printf "%.2f", $(i - 1) * 1000 / 200 }')
timed "$copy" sh -c "exec '$bin' --data-dir '$answers' script < '$work/0.txt'"
none=$secs
timed "$copy" sh -c "exec '$bin' --data-dir '$answers' script < '$work/1000.txt'"
many=$secs
sh -c "$copy"
"$bin" --data-dir "$answers" script <"$work/1000.txt" >"$work/script.out"
saved=$(grep -c '^saved ' "$work/script.out" || true)
if [ "$saved" != 1000 ]; then
  echo "bench.sh: the session saved $saved of 1000 answers:" >&2
  grep -v '^saved ' "$work/script.out" | head -3 >&2
  exit 1
fi
per=$(awk -v a="$many" -v b="$none" 'BEGIN { printf "%.6f", (a - b) / 1000 }')
peak "$copy" sh -c "exec '$bin' --data-dir '$answers' script < '$work/1000.txt'"
report "answer, durable (each)" 0.002 "2 ms" "$per" "$(awk -v s="$per" 'BEGIN { printf "%.2f ms", s * 1000 }')" "$mb" 120

fresh="rm -rf '$work/import'; mkdir -p '$work/import'"
timed "$fresh" "$bin" --data-dir "$work/import" history import "$work/workload/history.jsonl"
peak "$fresh" "$bin" --data-dir "$work/import" history import "$work/workload/history.jsonl"
report "history import" 3 "3 s" "$secs" "$(fmt_s "$secs")" "$mb" 120

opt_runs=$runs
[ "$opt_runs" -gt 3 ] && opt_runs=3
runs=$opt_runs timed "" "$bin" "${md[@]}" optimize --dry-run
peak "" "$bin" "${md[@]}" optimize --dry-run
report "optimize --dry-run" 5 "5 s" "$secs" "$(fmt_s "$secs")" "$mb" 700

echo
echo "one write + fdatasync of 150 bytes on this disk, just before the answers: ${sync_ms:-?} ms"
echo "machine probe: generating the workload took $gen_secs s (one thread; compare between runs)"
echo "load: $(uptime)"
over=$(grep -c 'OVER' "$results" || true)
echo "$over of $(wc -l <"$results") over budget (2 cores shared with other work: figures are noisy)"
