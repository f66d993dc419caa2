#!/bin/bash
# `flowcost aggregate` end to end on the example records of the AWS flow-log
# documentation (fixtures/aws-doc-examples, five layouts: default v2, v3 with
# tcp-flags, NAT gateway, transit gateway, v5 service/path/direction). The
# expected CSV below was worked out by hand from the records (sums in the
# comments); it must not be regenerated from flowcost's own output.
# Also: identical output for any --threads, from gzip copies, from the .fca,
# the malformed summary / --strict / missing-file behaviour and exit codes.
set -u
BIN=$1 SRC=$2 TMP=$3
rm -rf "$TMP" && mkdir -p "$TMP"
FIX=$SRC/fixtures/aws-doc-examples
fail=0
check() { if [ "$1" != "$2" ]; then echo "FAIL: $3"; echo "  expected: $2"; echo "  got:      $1"; fail=1; fi; }

# 52.213.180.42 -> 10.0.0.62: bytes 568+100701+23294588+1260 = 23397117, packets 8+70+15774+17 = 15869
# 10.0.0.62 -> 52.213.180.42: bytes 376+632+63388+967 = 65363, packets 7+12+1219+14 = 1252
# rows with equal bytes are ordered by the keys: ENI text, then addresses numerically (absent first)
cat > "$TMP/expected.csv" <<'EOF'
interface_id,srcaddr,dstaddr,action,log_status,packets,bytes,records
eni-1235b8ca123456789,52.213.180.42,10.0.0.62,ACCEPT,OK,15869,23397117,4
eni-1235b8ca123456789,10.0.0.62,52.213.180.42,ACCEPT,OK,1252,65363,4
eni-1235b8ca123456789,52.95.128.179,10.0.0.71,ACCEPT,OK,14,15044,1
eni-1235b8ca123456789,2001:db8:1234:a100:8d6e:3477:df66:f105,2001:db8:1234:a102:3304:8879:34cf:4071,ACCEPT,OK,54,8855,1
eni-1235b8ca123456789,172.31.9.69,172.31.9.12,REJECT,OK,20,4249,1
eni-1235b8ca123456789,172.31.16.139,172.31.16.21,ACCEPT,OK,20,4249,1
eni-1235b8ca123456789,10.0.0.71,52.95.128.179,ACCEPT,OK,7,471,1
eni-1235b8ca123456789,172.31.16.139,203.0.113.12,REJECT,OK,4,336,1
eni-1235b8ca123456789,203.0.113.12,172.31.16.139,ACCEPT,OK,4,336,1
eni-11111111111111111,10.40.1.175,10.40.2.236,ACCEPT,OK,0,0,1
eni-11111111aaaaaaaaa,,,,SKIPDATA,0,0,1
eni-1111aaaa2222bbbb3,10.0.1.5,203.0.113.5,,,0,0,1
eni-1111aaaa2222bbbb3,203.0.113.5,10.0.1.5,,,0,0,1
eni-1235b8ca123456789,,,,NODATA,0,0,1
eni-1235b8ca123456789,10.0.0.220,10.0.1.5,,,0,0,1
eni-1235b8ca123456789,10.0.0.220,203.0.113.5,,,0,0,1
eni-1235b8ca123456789,10.0.1.5,10.0.0.220,,,0,0,1
eni-1235b8ca123456789,203.0.113.5,10.0.0.220,,,0,0,1
eni-22222222222222222,10.40.2.236,10.40.2.31,ACCEPT,OK,0,0,1
eni-33333333333333333,10.20.33.164,10.40.2.236,ACCEPT,OK,0,0,1
eni-33333333333333333,10.40.2.236,10.20.33.164,ACCEPT,OK,0,0,1
EOF

"$BIN" aggregate -q "$FIX" --strict --threads 1 -o "$TMP/ex.fca" --csv "$TMP/t1.csv" 2>"$TMP/err"
check "$?" 0 "aggregate exit code"
check "$(cat "$TMP/err")" "" "no warnings on the AWS examples"
diff -u "$TMP/expected.csv" "$TMP/t1.csv" || { echo "FAIL: CSV differs from the hand-computed groups"; fail=1; }

"$BIN" aggregate "$FIX" --threads 2 --csv "$TMP/t2.csv" && cmp -s "$TMP/t1.csv" "$TMP/t2.csv"
check "$?" 0 "same CSV with --threads 2"

# --csv alone reads only the five keys (narrower groups, values it does not
# need left unconverted): the same CSV as with -o, on the sample too, and
# with a time window (where start is needed)
S=$SRC/fixtures/sample/v5
"$BIN" aggregate "$S" -o "$TMP/s.fca" --csv "$TMP/s1.csv" && "$BIN" aggregate "$S" --csv "$TMP/s2.csv" &&
  cmp -s "$TMP/s1.csv" "$TMP/s2.csv"
check "$?" 0 "same sample CSV with and without -o"
for t in 1 3 8; do
  "$BIN" aggregate "$S" --threads $t --csv "$TMP/st$t.csv" && cmp -s "$TMP/s2.csv" "$TMP/st$t.csv"
  check "$?" 0 "same sample CSV with --threads $t"
done
W="--since 2026-11-03T06:00:00Z --until 2026-11-03T18:00:00Z"
"$BIN" aggregate "$S" $W -o "$TMP/w.fca" --csv "$TMP/w1.csv" && "$BIN" aggregate "$S" $W --csv "$TMP/w2.csv" &&
  cmp -s "$TMP/w1.csv" "$TMP/w2.csv" && ! cmp -s "$TMP/w1.csv" "$TMP/s1.csv"
check "$?" 0 "same windowed sample CSV with and without -o"

# the .fca read back as an INPUT gives the same groups
"$BIN" aggregate "$TMP/ex.fca" --csv "$TMP/fca.csv" && cmp -s "$TMP/t1.csv" "$TMP/fca.csv"
check "$?" 0 "same CSV from the .fca"
# the same .fca given twice is read once (cli.md INPUT), with a warning; it used to double every count
"$BIN" aggregate -q "$TMP/ex.fca" "$TMP/ex.fca" --csv "$TMP/fca2.csv" 2>"$TMP/err"
check "$(sed -n 2p "$TMP/fca2.csv")" "eni-1235b8ca123456789,52.213.180.42,10.0.0.62,ACCEPT,OK,15869,23397117,4" "the same .fca twice is read once"
check "$(cat "$TMP/err")" "flowcost: warning: skipped '$TMP/ex.fca' (the same file as '$TMP/ex.fca'): each input is read once" "the same .fca twice: one warning"

# gzip copies, one of them two members; and stdin
mkdir -p "$TMP/gz"
for f in "$FIX"/*.log; do gzip -c "$f" > "$TMP/gz/$(basename "$f").gz"; done
# 02 as two gzip members: header + 4 records, then 4 more records
{ head -5 "$FIX/02-tcp-flags-v3.log" | gzip -c; tail -n +6 "$FIX/02-tcp-flags-v3.log" | gzip -c; } > "$TMP/gz/02-tcp-flags-v3.log.gz"
"$BIN" aggregate "$TMP/gz" --csv "$TMP/gz.csv" && cmp -s "$TMP/t1.csv" "$TMP/gz.csv"
check "$?" 0 "same CSV from gzip copies"
cat "$FIX/01-default-v2.log" | "$BIN" aggregate - --csv "$TMP/stdin.csv"
check "$(sed -n 2p "$TMP/stdin.csv")" "eni-1235b8ca123456789,2001:db8:1234:a100:8d6e:3477:df66:f105,2001:db8:1234:a102:3304:8879:34cf:4071,ACCEPT,OK,54,8855,1" "stdin"
gzip -c "$FIX/01-default-v2.log" | "$BIN" aggregate - --csv "$TMP/stdin2.csv" && cmp -s "$TMP/stdin.csv" "$TMP/stdin2.csv"
check "$?" 0 "gzip on stdin"

# malformed lines: one summary line, exit 0; --strict: file:line, exit 3
{ cat "$FIX/01-default-v2.log"; echo "2 123 eni-x 10.0.0.1"; echo "junk"; } > "$TMP/bad.log"
"$BIN" aggregate -q "$TMP/bad.log" --csv "$TMP/bad.csv" 2>"$TMP/err"
check "$?" 0 "malformed lines are skipped"
check "$(cat "$TMP/err")" "flowcost: warning: skipped 2 of 9 records in $TMP/bad.log; first at line 8: expected 14 fields, got 4" "summary line"
"$BIN" aggregate "$TMP/bad.log" --strict --csv "$TMP/bad.csv" 2>"$TMP/err"
check "$?" 3 "--strict exit code"
check "$(cat "$TMP/err")" "flowcost: error: $TMP/bad.log:8: expected 14 fields, got 4" "--strict message"
"$BIN" aggregate "$TMP/missing.log" --csv "$TMP/m.csv" 2>"$TMP/err"
check "$?" 1 "missing file exit code"
check "$(cat "$TMP/err")" "flowcost: error: cannot open '$TMP/missing.log': No such file or directory" "missing file message"
"$BIN" aggregate "$FIX" 2>/dev/null
check "$?" 2 "no -o and no --csv is a usage error"
printf 'FCA\001garbage' > "$TMP/corrupt.fca"
"$BIN" aggregate "$TMP/corrupt.fca" --csv "$TMP/c.csv" 2>"$TMP/err"
check "$?" 1 "corrupt .fca exit code"
check "$(cat "$TMP/err")" "flowcost: error: $TMP/corrupt.fca: aggregate file truncated" "corrupt .fca message"
exit $fail
