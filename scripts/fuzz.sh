#!/usr/bin/env bash
# Fuzzes LatentMap's file parsers with libFuzzer for a bounded time per target.
#
#   scripts/fuzz.sh                  # 60 s per target (IDX, NPY, NPZ, CSV, safetensors, t-SNE checkpoint)
#   FUZZ_SECONDS=300 scripts/fuzz.sh # or SECONDS=300 scripts/fuzz.sh
#   scripts/fuzz.sh FuzzNPZ FuzzCSV  # only these targets
#
# Builds the separate package in fuzz/ (release, -sanitize=fuzzer; the main build never needs
# the fuzzer and CI never runs this), writes a seed corpus with fuzz/make_seeds.py (python3 +
# numpy; plus a tiny model from the built `latentmap`, when there is one), keeps the growing
# corpus in fuzz/corpus/TARGET, saves crashing inputs in fuzz/crashes/TARGET, and writes the
# executions and results per target to fuzz/last-run.md. Exits non-zero when a target crashed.
set -uo pipefail
# `SECONDS` counts up from the value it had when bash started: read it first.
PER_TARGET=${FUZZ_SECONDS:-$([ "$SECONDS" -gt 0 ] && echo "$SECONDS" || echo 60)}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(FuzzIDX FuzzNPY FuzzNPZ FuzzCSV FuzzSafetensors FuzzCheckpoint)

bash "$ROOT/scripts/setup.sh" python3 python3-numpy >&2 || exit 2
echo "fuzz: building fuzz/ with -sanitize=fuzzer (release)…" >&2
(cd "$ROOT/fuzz" && swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library) >&2 || exit 2
BIN=$(cd "$ROOT/fuzz" && swift build -c release --show-bin-path)

SEEDS=$(mktemp -d)
trap 'rm -rf "$SEEDS"' EXIT
MODEL=""
for cli in "$ROOT/.build/release/latentmap" "$ROOT/.build/debug/latentmap"; do
    if [ -x "$cli" ]; then
        "$cli" train mnist --subsample 64 --layers 784-8-2 --epochs 1 --quiet --out "$SEEDS/model.safetensors" \
            >/dev/null 2>&1 && MODEL="$SEEDS/model.safetensors"
        break
    fi
done
python3 "$ROOT/fuzz/make_seeds.py" "$SEEDS/seeds" $MODEL || exit 2
# A real t-SNE checkpoint, when the CLI is built.
if [ -n "$MODEL" ]; then
    mkdir -p "$SEEDS/seeds/FuzzCheckpoint"
    (cd "$SEEDS" && "$cli" tsne mnist --subsample 30 --perplexity 5 --iterations 20 --checkpoint-every 10 \
        --checkpoint seeds/FuzzCheckpoint/run.ckpt --quiet >/dev/null 2>&1)
fi

# Let libFuzzer, not Swift's backtracer, handle traps: it saves the crashing input.
export SWIFT_BACKTRACE=enable=no
# One OpenBLAS thread: idle BLAS workers spinning in sched_yield slowed every input.
export OPENBLAS_NUM_THREADS=1
REPORT="$ROOT/fuzz/last-run.md"
{
    echo "| target | seconds | executions | exec/s | corpus | result |"
    echo "|---|---:|---:|---:|---:|---|"
} > "$REPORT"
status=0
for t in "${TARGETS[@]}"; do
    corpus="$ROOT/fuzz/corpus/$t" crashes="$ROOT/fuzz/crashes/$t"
    mkdir -p "$corpus" "$crashes"
    log="$crashes/last.log"
    echo "fuzz: $t for ${PER_TARGET}s" >&2
    "$BIN/$t" "$corpus" "$SEEDS/seeds/$t" -max_total_time="$PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
        -malloc_limit_mb=1024 -max_len=65536 -print_final_stats=1 -artifact_prefix="$crashes/" >"$log" 2>&1
    rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    size=$(find "$corpus" -type f | wc -l)
    if [ $rc -eq 0 ]; then
        result="no crash"
    else
        status=1
        artifact=$(grep -o "Test unit written to [^ ]*" "$log" | tail -1 | sed 's/Test unit written to //')
        kind=$(grep -m1 -o 'ERROR: [A-Za-z]*: [A-Za-z -]*\|Fatal error: .*\|runtime failure: .*' "$log" | head -1)
        result="CRASH ($kind) → ${artifact#$ROOT/}"
    fi
    echo "| $t | $PER_TARGET | ${execs:-?} | ${rate:-?} | $size | $result |" >> "$REPORT"
    echo "fuzz: $t: ${execs:-?} executions, $result" >&2
done
cat "$REPORT"
exit $status
