#!/bin/bash
# Parquet end to end: the same records as text (tests/parquet/flows.log) and
# as Parquet written by DuckDB (tests/parquet/make_fixtures.mjs: GZIP, SNAPPY,
# ZSTD, UNCOMPRESSED, pages v1 and v2, dictionary on and off, AWS's column
# names and types) give byte-identical `aggregate --csv` and identical
# `report --json`; a file of three row groups gives the same groups for one
# and two threads and from stdin (the stream path that S3 objects take); a
# damaged file is one error line naming the file and what is wrong; values
# out of a field's range are malformed records named by row.
set -u
BIN=$1 SRC=$2 TMP=$3
rm -rf "$TMP" && mkdir -p "$TMP"
FIX=$SRC/tests/parquet
fail=0
say() { echo "FAIL: $*"; fail=1; }

"$BIN" aggregate "$FIX/flows.log" -o "$TMP/text.fca" --csv "$TMP/text.csv" || say "text aggregate"
"$BIN" report "$FIX/flows.log" --top 0 --json "$TMP/text.json" -o "$TMP/text.html" 2>"$TMP/text.err" || say "text report"
# 300 records: the CSV must not be trivially empty
[ "$(wc -l < "$TMP/text.csv")" -gt 100 ] || say "text CSV has too few groups"
n=0
for f in "$FIX"/flows_*_v[12]*.parquet; do
    name=$(basename "$f" .parquet)
    for t in 1 2; do
        "$BIN" aggregate --threads $t "$f" -o "$TMP/$name.fca" --csv "$TMP/$name.csv" 2>"$TMP/$name.err" \
            || { say "$name: aggregate exited $?: $(cat "$TMP/$name.err")"; continue; }
        cmp -s "$TMP/text.csv" "$TMP/$name.csv" || say "$name (threads $t): CSV differs from the text file's"
    done
    "$BIN" report "$f" --top 0 --json "$TMP/$name.json" -o "$TMP/$name.html" 2>"$TMP/$name.err" \
        || say "$name: report exited $?"
    cmp -s "$TMP/text.json" "$TMP/$name.json" || say "$name: report --json differs from the text file's"
    n=$((n + 1))
done
[ $n -eq 8 ] || say "expected 8 Parquet fixtures, found $n"

# three row groups (2048 + 2048 + 404 rows), split across threads
"$BIN" aggregate "$FIX/flows_rg.log.gz" -o "$TMP/rg_text.fca" --csv "$TMP/rg_text.csv" || say "rg text"
for t in 1 2 3; do
    "$BIN" aggregate --threads $t "$FIX/flows_rg_zstd.parquet" -o "$TMP/rg.fca" --csv "$TMP/rg.csv" || say "rg threads $t"
    cmp -s "$TMP/rg_text.csv" "$TMP/rg.csv" || say "row groups, threads $t: CSV differs"
done
"$BIN" aggregate - -o "$TMP/rg.fca" --csv "$TMP/rg_stdin.csv" < "$FIX/flows_rg_zstd.parquet" || say "rg from stdin"
cmp -s "$TMP/rg_text.csv" "$TMP/rg_stdin.csv" || say "row groups from stdin: CSV differs"
# a directory of both shapes: every record twice, so every group's figures double
mkdir -p "$TMP/dir" && cp "$FIX/flows.log" "$FIX/flows_snappy_v1.parquet" "$TMP/dir/"
"$BIN" aggregate "$TMP/dir" -o "$TMP/dir.fca" --csv "$TMP/dir.csv" || say "directory"
want=$(awk -F, 'NR > 1 { p += $6; b += $7; r += $8 } END { print 2 * p, 2 * b, 2 * r }' "$TMP/text.csv")
got=$(awk -F, 'NR > 1 { p += $6; b += $7; r += $8 } END { print p, b, r }' "$TMP/dir.csv")
[ "$want" = "$got" ] || say "directory of text + Parquet: sums $got, expected $want"

# values no flow-log line could hold (row 2: srcport 70000, row 3: protocol -1) are
# malformed records, counted and named by row like text lines; --strict stops at row 2
"$BIN" aggregate "$FIX/bad_values.parquet" -o "$TMP/bv.fca" --csv "$TMP/bv.csv" 2>"$TMP/bv.err" || say "bad values: exit $?"
grep -qF "skipped 2 of 3 records in $FIX/bad_values.parquet; first at line 2: bad port '70000'" "$TMP/bv.err" \
    || say "bad values warning: $(cat "$TMP/bv.err")"
[ "$(tail -n +2 "$TMP/bv.csv")" = "eni-0a1b2c3d,10.0.0.1,10.0.0.2,ACCEPT,OK,10,840,1" ] || say "bad values CSV: $(cat "$TMP/bv.csv")"
"$BIN" aggregate --strict "$FIX/bad_values.parquet" -o "$TMP/bv.fca" 2>"$TMP/bv.err"
rc=$?
[ $rc -eq 3 ] || say "bad values --strict: exit $rc, expected 3"
grep -qF "flowcost: error: $FIX/bad_values.parquet:2: bad port '70000'" "$TMP/bv.err" || say "strict: $(cat "$TMP/bv.err")"

# values whose text the line parser takes otherwise than the column reader
# would (make_fixtures.mjs, edge_values): rows are read as records, and the
# flagged ones as their text, so the result is the text file's of the same
# lines. Worked out by hand: rows 0 ("OK\r" last: the CR goes with the line
# end) and 5 ("10.0.0.1 ": a run of spaces) are one group of 20 packets,
# 1680 bytes, 2 records; row 1 (an account id with a space: 15 fields) and
# row 2 (an id with a newline: two lines) are 3 malformed lines of 8.
printf '%s\r\n' '2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 443 5000 6 10 840 1700000000 1700000060 ACCEPT OK' > "$TMP/edge.log"
printf '%s\n' '2 1234 56789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 443 5000 6 10 840 1700000000 1700000060 ACCEPT OK' \
    '2 123456789012 eni-0a1b' 'eni-2c3d 10.0.0.1 10.0.0.2 443 5000 6 10 840 1700000000 1700000060 ACCEPT OK' \
    '2 - eni-0a1b2c3d - 10.0.0.2 443 5000 6 10 840 1700000000 1700000060 REJECT OK' \
    '2 123456789012 eni-0a1b2c3d 2001:db8::1 2001:db8::2 443 5000 6 10 840 1700000000123 1700000060 ACCEPT OK' \
    '2 123456789012 eni-0a1b2c3d 10.0.0.1  10.0.0.2 443 5000 6 10 840 1700000000 1700000060 ACCEPT OK' \
    '2 123456789012 eni-0a1b2c3d 10.0.0.3 10.0.0.4 80 6000 17 3 120 1700003600 1700003660 ACCEPT NODATA' >> "$TMP/edge.log"
for t in 1 2; do
    "$BIN" aggregate --threads $t "$FIX/edge_values.parquet" --csv "$TMP/edge_pq.csv" 2>"$TMP/edge_pq.err" || say "edge values: exit $?"
    "$BIN" aggregate --threads $t "$TMP/edge.log" --csv "$TMP/edge_text.csv" 2>"$TMP/edge_text.err" || say "edge text: exit $?"
    cmp -s "$TMP/edge_pq.csv" "$TMP/edge_text.csv" || say "edge values (threads $t): CSV differs from the text's: $(diff "$TMP/edge_pq.csv" "$TMP/edge_text.csv")"
    grep -qF "skipped 3 of 8 records in $FIX/edge_values.parquet; first at line 2: expected 14 fields, got 15" "$TMP/edge_pq.err" \
        || say "edge values warning: $(cat "$TMP/edge_pq.err")"
    grep -qxF "eni-0a1b2c3d,10.0.0.1,10.0.0.2,ACCEPT,OK,20,1680,2" "$TMP/edge_pq.csv" || say "edge values CSV: $(cat "$TMP/edge_pq.csv")"
done
"$BIN" aggregate "$FIX/edge_values.parquet" -o "$TMP/edge_pq.fca" 2>/dev/null
"$BIN" aggregate "$TMP/edge.log" -o "$TMP/edge_text.fca" 2>/dev/null
"$BIN" report --top 0 --json "$TMP/edge_pq.json" -o "$TMP/edge_pq.html" "$TMP/edge_pq.fca" 2>/dev/null
"$BIN" report --top 0 --json "$TMP/edge_text.json" -o "$TMP/edge_text.html" "$TMP/edge_text.fca" 2>/dev/null
cmp -s "$TMP/edge_pq.json" "$TMP/edge_text.json" || say "edge values: report --json differs from the text's"

# damaged files: exit 1, one line, the file named, the reason
head -c 3000 "$FIX/flows_zstd_v1.parquet" > "$TMP/cut.parquet"
python3 - "$FIX/flows_zstd_v1.parquet" "$TMP/page.parquet" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[200:260] = b'\0' * 60  # inside the first column chunk's pages
open(sys.argv[2], 'wb').write(d)
PY
printf 'PAR1\350\003\000\000PAR1' > "$TMP/tiny.parquet" # footer length 1000 in a 12-byte file
for c in "cut.parquet|bad footer: no PAR1 magic at the end" \
         "page.parquet|column interface_id, row group 0: " \
         "tiny.parquet|bad footer: length 1000 does not fit a file of 12 bytes"; do
    f=${c%%|*} want=${c#*|}
    "$BIN" aggregate "$TMP/$f" -o "$TMP/bad.fca" 2>"$TMP/bad.err"
    rc=$?
    [ $rc -eq 1 ] || say "$f: exit $rc, expected 1"
    [ "$(wc -l < "$TMP/bad.err")" -eq 1 ] || say "$f: not one line: $(cat "$TMP/bad.err")"
    grep -qF "flowcost: error: $TMP/$f: $want" "$TMP/bad.err" || say "$f: got '$(cat "$TMP/bad.err")', expected '$want'"
done
exit $fail
