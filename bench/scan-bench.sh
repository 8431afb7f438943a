#!/usr/bin/env bash
# Throughput, precision and recall of `privaudit scan`, against ripgrep with an
# equivalent regex on the same generated tree.
#
#   bench/scan-bench.sh                  # from a clean checkout: builds the release binary,
#                                        # generates a 200 MB corpus, runs everything
#   SIZE_MB=50 RUNS=3 bench/scan-bench.sh
#
# Needs python3, ripgrep and hyperfine (Debian: apt-get install -y ripgrep hyperfine).
# The corpus and results go to target/scan-bench/ (SCAN_BENCH_DIR to change); the corpus is
# reused while its truth file exists. PRIVAUDIT_SCAN overrides the command under test
# (default: "target/release/privaudit scan").
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${SIZE_MB:-200}
RUNS=${RUNS:-5}
WORK=${SCAN_BENCH_DIR:-target/scan-bench}
CORPUS=$WORK/corpus-$SIZE_MB
TRUTH=$WORK/truth-$SIZE_MB.jsonl

for tool in python3 rg hyperfine; do
    command -v "$tool" >/dev/null || {
        echo "scan-bench: $tool is missing (apt-get install -y ripgrep hyperfine python3)" >&2
        exit 2
    }
done

if [ -z "${PRIVAUDIT_SCAN:-}" ]; then
    cargo build --release --quiet
    PRIVAUDIT_SCAN="$PWD/target/release/privaudit scan"
fi

mkdir -p "$WORK"
if [ ! -f "$TRUTH" ]; then
    rm -rf "$CORPUS"
    python3 bench/gen_corpus.py --out "$CORPUS" --truth "$TRUTH.tmp" --size-mb "$SIZE_MB"
    mv "$TRUTH.tmp" "$TRUTH"
fi
BYTES=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s += $1} END {print s}')

# ripgrep's closest equivalent: IDs, mobiles, 13-19 digit runs with separators, e-mails.
# Unicode is ripgrep's default; the (?-u) variant is ASCII-only, which is faster and is
# what privaudit itself does (its word boundaries are ASCII).
RE='\b\d{17}[\dXx]\b|\b1[3-9]\d{9}\b|\b(?:\d[ -]?){13,19}\b|[\w.+-]+@[\w-]+\.[\w.]+'
RE_ASCII="(?-u)$RE"
# Same files for both: .gitignore honoured outside git, hidden files searched.
RG="rg --no-require-git --hidden -n --no-messages"

# Warm the page cache so every command reads from memory.
find "$CORPUS" -type f -exec cat {} + >/dev/null

hyperfine --warmup 1 --runs "$RUNS" --ignore-failure --style basic \
    --export-json "$WORK/hyperfine.json" \
    -n "privaudit --threads 1" "$PRIVAUDIT_SCAN --threads 1 --format jsonl $CORPUS >/dev/null" \
    -n "rg -j1" "$RG -j1 -e '$RE' $CORPUS >/dev/null" \
    -n "rg -j1 (ascii)" "$RG -j1 -e '$RE_ASCII' $CORPUS >/dev/null" \
    -n "privaudit (all cores)" "$PRIVAUDIT_SCAN --format jsonl $CORPUS >/dev/null" \
    -n "rg (all cores)" "$RG -e '$RE' $CORPUS >/dev/null" \
    -n "rg (all cores, ascii)" "$RG -e '$RE_ASCII' $CORPUS >/dev/null"

# One more run for the findings (exit 1 means "found personal data") and peak memory.
RSS=""
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$WORK/rss.txt" $PRIVAUDIT_SCAN --threads 1 --format jsonl "$CORPUS" \
        >"$WORK/findings.jsonl" || [ $? -eq 1 ]
    RSS=$(tail -n 1 "$WORK/rss.txt")
else
    $PRIVAUDIT_SCAN --threads 1 --format jsonl "$CORPUS" >"$WORK/findings.jsonl" || [ $? -eq 1 ]
fi

{
    echo "# privaudit scan benchmark"
    echo
    echo "corpus: $CORPUS, $BYTES bytes, $(find "$CORPUS" -type f | wc -l) files, $(nproc) cores"
    echo
    python3 - "$WORK/hyperfine.json" "$BYTES" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
size = int(sys.argv[2])
speed = {r["command"]: size / r["mean"] / 1e6 for r in results}
print("| command | mean s | ± s | MB/s |")
print("|---|---|---|---|")
for r in results:
    print(f"| {r['command']} | {r['mean']:.3f} | {r['stddev'] or 0:.3f} | {speed[r['command']]:.0f} |")
print()
one = speed["privaudit --threads 1"]
print(f"single thread: privaudit / rg = {one / speed['rg -j1']:.2f}x, "
      f"privaudit / rg (ascii) = {one / speed['rg -j1 (ascii)']:.2f}x (target >= 0.5x)")
EOF
    [ -n "$RSS" ] && echo "peak RSS of privaudit --threads 1: $((RSS / 1024)) MiB"
    echo
    python3 bench/score.py --truth "$TRUTH" --findings "$WORK/findings.jsonl" --corpus "$CORPUS" || true
} | tee "$WORK/results.md"
