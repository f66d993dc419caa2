#!/bin/bash
# thread_identity_test: issue 17's "output byte-identical for 1, 2, 3 and 8
# threads, and between one file and the same data split", through the CLI
# and on every reading path at once: one plain file big enough to be read in
# ranges (over CHUNK_MIN, 16 MiB), the same lines split into 9 files, the one
# file gzipped (one stream: the pipelined reader), the 9 parts gzipped, and
# the gzip stream on standard input. ~24,000 groups, so that the parallel
# merge (agg_absorb_all) and the parallel canonical order start (both from
# 16,384 groups). Every CSV and every .fca must equal the first; the CSV's
# rows and totals are checked against sort/awk over the input, computed
# independently of flowcost.
# usage: bash thread_identity_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 TMP=$3
rm -rf "$TMP" && mkdir -p "$TMP"
command -v gzip >/dev/null || { echo "skip: gzip is not installed"; exit 77; }
fail=0
trap 'rm -rf "$TMP"/gen "$TMP"/parts "$TMP"/partsgz "$TMP"/one.log "$TMP"/one.log.gz' EXIT

# 180,000 v5 records over 30,000 uniform pairs and 300 ENIs (~24,000 groups)
python3 "$SRC/bench/genflows" --records 180000 --format v5 --files 1 --pairs 30000 --zipf 0 --enis 300 \
  --seed 7 --jobs 1 --out "$TMP/gen" >/dev/null 2>&1 || { echo "FAIL: genflows"; exit 1; }
one=$(find "$TMP/gen" -name '*.log' | head -1)
[ -n "$one" ] || { echo "FAIL: genflows wrote no .log file"; exit 1; }
mv "$one" "$TMP/one.log"
size=$(stat -c %s "$TMP/one.log")
[ "$size" -gt $((16 << 20)) ] || { echo "FAIL: one.log is $size bytes, not over CHUNK_MIN (16 MiB): not read in ranges"; fail=1; }
# the same lines in 9 files, each with the header line
mkdir -p "$TMP/parts" "$TMP/partsgz"
head -1 "$TMP/one.log" >"$TMP/header"
tail -n +2 "$TMP/one.log" | split -l 20000 -d - "$TMP/parts/p"
# every other part with its columns in reverse order, header and lines: the
# same records in another layout, so that a header missed in a stream of
# several files turns its lines into malformed ones and shows
k=0
for f in "$TMP"/parts/p*; do
  if [ $((k % 2)) = 1 ]; then
    cat "$TMP/header" "$f" | awk '{ for (i = NF; i > 1; i--) printf "%s ", $i; print $1 }' >"$f.log"
  else
    cat "$TMP/header" "$f" >"$f.log"
  fi
  rm "$f"
  gzip -1 -c "$f.log" >"$TMP/partsgz/$(basename "$f").log.gz"
  k=$((k + 1))
done
gzip -1 -c "$TMP/one.log" >"$TMP/one.log.gz"

run() { # name threads input...
  local name=$1 t=$2; shift 2
  if ! "$BIN" aggregate -q --threads "$t" --csv "$TMP/$name-$t.csv" -o "$TMP/$name-$t.fca" "$@"; then
    echo "FAIL: aggregate $name --threads $t exited non-zero"; fail=1
  fi
}
for t in 1 2 3 8; do
  run one "$t" "$TMP/one.log"
  run parts "$t" "$TMP/parts"
  run gz "$t" "$TMP/one.log.gz"
  run partsgz "$t" "$TMP/partsgz"
  "$BIN" aggregate -q --threads "$t" --csv "$TMP/stdin-$t.csv" -o "$TMP/stdin-$t.fca" - <"$TMP/one.log.gz" ||
    { echo "FAIL: aggregate - --threads $t exited non-zero"; fail=1; }
done
# The 9 gzip parts as one stream on standard input: 9 headers inside one
# stream (the pipelined reader's header scan); then the SSE2 paths of the
# line parser and of that scan (FLOWCOST_SIMD=sse2; the default is AVX2
# where the CPU has it): the same bytes again.
for t in 2 8; do
  cat "$TMP"/partsgz/*.gz | "$BIN" aggregate -q --threads "$t" --csv "$TMP/cat-$t.csv" -o "$TMP/cat-$t.fca" - ||
    { echo "FAIL: aggregate of the concatenated parts on stdin exited non-zero"; fail=1; }
done
cat "$TMP"/partsgz/*.gz | FLOWCOST_SIMD=sse2 "$BIN" aggregate -q --threads 3 --csv "$TMP/cat-sse2.csv" -o "$TMP/cat-sse2.fca" - ||
  { echo "FAIL: aggregate with FLOWCOST_SIMD=sse2 exited non-zero"; fail=1; }
FLOWCOST_SIMD=sse2 "$BIN" aggregate -q --threads 2 --csv "$TMP/one-sse2.csv" -o "$TMP/one-sse2.fca" "$TMP/one.log" ||
  { echo "FAIL: aggregate with FLOWCOST_SIMD=sse2 exited non-zero"; fail=1; }
for x in cat-2 cat-8 cat-sse2 one-sse2; do
  cmp -s "$TMP/one-1.csv" "$TMP/$x.csv" || { echo "FAIL: CSV of $x differs from one file --threads 1"; fail=1; }
done
cmp -s "$TMP/cat-2.fca" "$TMP/cat-8.fca" && cmp -s "$TMP/cat-2.fca" "$TMP/cat-sse2.fca" ||
  { echo "FAIL: .fca of the concatenated stream depends on --threads or FLOWCOST_SIMD"; fail=1; }
cmp -s "$TMP/one-1.fca" "$TMP/one-sse2.fca" || { echo "FAIL: .fca of one file differs with FLOWCOST_SIMD=sse2"; fail=1; }

# The CSV is the same for every input and thread count; the .fca for every
# thread count (it names its inputs, so it differs between inputs), and the
# report read from it is the same for every input (its JSON names none).
for name in one parts gz partsgz stdin; do
  for t in 1 2 3 8; do
    [ "$name-$t" = one-1 ] && continue
    cmp -s "$TMP/one-1.csv" "$TMP/$name-$t.csv" || { echo "FAIL: CSV of $name --threads $t differs from one file --threads 1"; fail=1; }
    cmp -s "$TMP/$name-1.fca" "$TMP/$name-$t.fca" || { echo "FAIL: .fca of $name --threads $t differs from --threads 1"; fail=1; }
  done
  "$BIN" report -q --now 2026-11-05T06:00:00Z --threads 2 "$TMP/$name-8.fca" -o "$TMP/$name.html" --json "$TMP/$name.json" 2>/dev/null ||
    { echo "FAIL: report from $name-8.fca exited non-zero"; fail=1; }
  cmp -s "$TMP/one.json" "$TMP/$name.json" || { echo "FAIL: report JSON from $name's .fca differs from one file's"; fail=1; }
done

# The reference, not from flowcost: the v5 header names the columns; the
# CSV's groups are the distinct (interface-id, srcaddr, dstaddr, action,
# log-status), its bytes and records the input's sums.
want=$(awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  { k = $c["interface-id"] "," $c["srcaddr"] "," $c["dstaddr"] "," $c["action"] "," $c["log-status"]
    if (!(k in seen)) { seen[k] = 1; n++ } b += $c["bytes"]; r++ }
  END { printf "%d %.0f %.0f\n", n, b, r }' "$TMP/one.log")
got=$(awk -F, 'NR > 1 { n++; b += $7; r += $8 } END { printf "%d %.0f %.0f\n", n, b, r }' "$TMP/one-1.csv")
[ "$got" = "$want" ] || { echo "FAIL: CSV groups/bytes/records $got, the input has $want"; fail=1; }
groups=${want%% *}
[ "$groups" -gt 16384 ] || { echo "FAIL: only $groups groups: the parallel merge and canonical order are not reached"; fail=1; }
[ $fail = 0 ] && echo "identical: 20 runs (5 inputs x threads 1, 2, 3, 8) 5 reports, 3 concatenated streams, 2 SSE2 runs; $groups groups, ${want#* } bytes/records"
exit $fail
