#!/usr/bin/env bash
# The project against the peer a user would pick instead, in one run on one machine:
# DuckDB SQL (../shared/bench/duckdb_indicators.py, or $DUCKDB_SCRIPT) and
# `outcome-targets indicators` computing the indicator catalogue per year and region
# from the same clean JSON Lines stream.
#
#   benches/compare_duckdb.sh [EVENTS] [RUNS] [THREADS]
#
# EVENTS (default 2,000,000) sizes the generated stream, RUNS (default 5) the number of
# alternating runs of each side, THREADS (default 2) DuckDB's threads. Needs
# `pip install duckdb`. Prints each run, then the median, minimum and maximum of each
# side and the ratio of the medians. Both sides are timed the same way: the wall clock
# of the whole process (reading the file, computing, writing the result to /dev/null);
# DuckDB's own count of load plus compute is printed beside it. With GNU time at
# /usr/bin/time, each run's peak resident memory is printed too.
#
# The generator writes each client's events together; ORDER=date sorts the stream by
# event date first, as an export of a whole register often is (the events of one client
# then lie far apart, which costs the engine cache misses that DuckDB does not pay).
set -euo pipefail
cd "$(dirname "$0")/.."

events=${1:-2000000}
runs=${2:-5}
threads=${3:-2}
script=${DUCKDB_SCRIPT:-../shared/bench/duckdb_indicators.py}
python3 -c 'import duckdb' 2>/dev/null || { echo "needs: pip install duckdb" >&2; exit 2; }
test -f "$script" || { echo "no DuckDB script at $script (set DUCKDB_SCRIPT)" >&2; exit 2; }

cargo build --release -q -p outcome-targets
bin=target/release/outcome-targets
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# About 3.6 events per client.
clients=$(( events * 10 / 36 ))
"$bin" synth --clients "$clients" --seed 7 -o "$dir/events.jsonl"
if [ "${ORDER:-}" = date ]; then
  python3 - "$dir/events.jsonl" <<'PY'
import json, sys
path = sys.argv[1]
with open(path) as f:
    lines = f.readlines()
lines.sort(key=lambda line: json.loads(line)["date"])
with open(path, "w") as f:
    f.writelines(lines)
PY
fi
echo "stream: $(wc -l < "$dir/events.jsonl") events, $(du -m "$dir/events.jsonl" | cut -f1) MB, ${ORDER:-client} order"

now() { date +%s.%N; }
# Peak RSS of a command in MiB when GNU time is there (its report goes to a file, so the
# command's own output is untouched).
measure=()
if [ -x /usr/bin/time ]; then measure=(/usr/bin/time -f %M -o "$dir/rss"); fi
rss() { if [ -s "$dir/rss" ]; then echo "$(( $(tail -1 "$dir/rss") / 1024 )) MiB"; else echo "?"; fi; }
ours=()
peer=()
for i in $(seq 1 "$runs"); do
  t0=$(now)
  "${measure[@]}" "$bin" indicators "$dir/events.jsonl" --as-of 2021-12-31 --years 2017-2021 \
    --quiet --format json -o /dev/null
  t1=$(now)
  ours_rss=$(rss)
  duck=$("${measure[@]}" python3 "$script" "$dir/events.jsonl" --as-of 2021-12-31 \
    --years 2017-2021 --threads "$threads" 2>&1 >/dev/null | sed -n 's/^duckdb seconds //p')
  t2=$(now)
  peer_rss=$(rss)
  a=$(echo "$t1 - $t0" | bc -l)
  b=$(echo "$t2 - $t1" | bc -l)
  ours+=("$a")
  peer+=("$b")
  printf 'run %d: outcome-targets %.3f s (%s), duckdb (%s threads) %.3f s (%s; its own count of load+compute: %s s)\n' \
    "$i" "$a" "$ours_rss" "$threads" "$b" "$peer_rss" "$duck"
done

stats() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {printf "median %.3f s, min %.3f s, max %.3f s", v[int((NR+1)/2)], v[1], v[NR]}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "outcome-targets: $(stats "${ours[@]}")"
echo "duckdb:          $(stats "${peer[@]}")"
printf 'ratio (duckdb / outcome-targets, medians): %.2f\n' \
  "$(echo "$(median "${peer[@]}") / $(median "${ours[@]}")" | bc -l)"
