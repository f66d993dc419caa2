#!/usr/bin/env bash
# Issue 13, item "JSON-wrapped lines": the same records as text, as Firehose /
# CloudWatch-export JSON lines ({"message": LINE}) and as CloudWatch Logs
# subscription payloads ({"messageType":"DATA_MESSAGE","logEvents":[...]},
# gzip'd, several per file without a separator, a CONTROL_MESSAGE among them,
# no header: the field order from --fields) give byte-identical
# `aggregate --csv` groups and the same record counts. Damaged JSON: the
# records before the damage count, with one warning; --strict: exit 3.
set -u
BIN=$1 SRC=$2 T=$3
rm -rf "$T"; mkdir -p "$T"; cd "$T" || exit 1
fail=0 pass=0
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }
check() { if [ "$1" == "$2" ]; then pass=$((pass+1)); else bad "$3"; echo "  expected: $2"; echo "  got:      $1"; fi; }
records() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["records"]; print(r["read"], r["used"], r["malformed"], r["nodata"])' "$1"; }

V5="$SRC/fixtures/sample/v5"
HDR=$(find "$V5" -name '*.log.gz' | sort | head -1 | xargs zcat | head -1)
# Every file of the v5 sample rewritten in the two JSON shapes (python's json
# writes the escapes; ensure_ascii turns nothing here into \u, so one line
# is also written with \u escapes by hand below).
python3 - "$V5" <<'PY'
import gzip, json, os, sys
src = sys.argv[1]
os.makedirs("fh", exist_ok=True); os.makedirs("cwl", exist_ok=True)
n = 0
for root, _, files in sorted(os.walk(src)):
    for f in sorted(files):
        if not f.endswith(".log.gz"):
            continue
        lines = gzip.open(os.path.join(root, f), "rt").read().splitlines()
        n += 1
        # Firehose: one object per line, header included as a message; every
        # other file plain, the rest gzip'd
        body = "".join(json.dumps({"message": l, "timestamp": 1}) + "\n" for l in lines).encode()
        if n % 2:
            open(f"fh/{n:04d}.json", "wb").write(body)
        else:
            open(f"fh/{n:04d}.json.gz", "wb").write(gzip.compress(body, mtime=0))
        # CloudWatch subscription: no header (a stream per ENI has none),
        # payloads of up to 7 events back to back, a health check first
        recs = lines[1:]
        out = [json.dumps({"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs",
                           "logEvents": [{"id": "", "timestamp": 1, "message": "CWL CONTROL MESSAGE: Checking health of destination Firehose."}]})]
        for i in range(0, len(recs), 7):
            out.append(json.dumps({"messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": "vpc",
                                   "logStream": "eni", "subscriptionFilters": ["f"],
                                   "logEvents": [{"id": str(i + k), "timestamp": 1, "message": m}
                                                 for k, m in enumerate(recs[i:i + 7])]}, separators=(",", ":")))
        open(f"cwl/{n:04d}.gz", "wb").write(gzip.compress("".join(out).encode(), mtime=0))
PY

"$BIN" aggregate -q "$V5" -o text.fca --csv text.csv 2>err.text; check "$?" 0 "text: exit code"
"$BIN" top -q "$V5" --output json >text.json 2>/dev/null
[ "$(wc -l <text.csv)" -gt 100 ] && pass=$((pass+1)) || bad "text CSV has too few groups"

"$BIN" aggregate -q fh -o fh.fca --csv fh.csv 2>err.fh; check "$?" 0 "Firehose lines: exit code"
cmp -s text.csv fh.csv && pass=$((pass+1)) || bad "Firehose lines: CSV differs from text ($(diff text.csv fh.csv | head -5))"
"$BIN" top -q fh --output json >fh.json 2>/dev/null
check "$(records fh.json)" "$(records text.json)" "Firehose lines: records"

"$BIN" aggregate -q --fields "$HDR" cwl -o cwl.fca --csv cwl.csv 2>err.cwl; check "$?" 0 "subscription payloads: exit code"
cmp -s text.csv cwl.csv && pass=$((pass+1)) || bad "subscription payloads: CSV differs from text ($(diff text.csv cwl.csv | head -5))"
"$BIN" top -q --fields "$HDR" cwl --output json >cwl.json 2>/dev/null
check "$(records cwl.json)" "$(records text.json)" "subscription payloads: records"
check "$(grep 'warning: skipped' err.fh err.cwl)" "" "JSON inputs: no skipped-file warning"

# The same on standard input, and with \u escapes written by hand:
# "\u0032" is "2", "\u0020" a space.
R="2 123456789010 eni-0a1 10.0.1.5 10.0.2.9 40000 443 6 10 1000 1793620000 1793620060 ACCEPT OK"
printf '%s\n' "$R" >one.log
printf '{"message":"\\u0032\\u0020%s"}' "${R#2 }" | "$BIN" aggregate -q - -o s.fca --csv stdin.csv 2>/dev/null
"$BIN" aggregate -q one.log -o o.fca --csv one.csv 2>/dev/null
cmp -s one.csv stdin.csv && pass=$((pass+1)) || bad "stdin with \\u escapes: $(cat stdin.csv)"

# Damaged JSON after one good object: 1 record counted, one warning naming
# the byte of the bad escape (0-based offset in the decoded stream)
good=$(printf '{"message":"%s"}\n' "$R")
printf '%s\n{"message":"x\\q"}\n' "$good" >bad.json
off=$(( ${#good} + 1 + 13 ))   # the good line and its newline, then {"message":"x is 13 bytes
"$BIN" top bad.json --output json >bad.out 2>bad.err; check "$?" 0 "damaged JSON: exit code"
check "$(python3 -c 'import json; r=json.load(open("bad.out"))["records"]; print(r["read"], r["used"])')" "1 1" "damaged JSON: records before it"
check "$(grep -c "bad JSON-wrapped input at byte $off: bad escape in string; records before it are counted" bad.err)" 1 "damaged JSON: one warning naming byte $off"
"$BIN" aggregate --strict bad.json -o strict.fca >/dev/null 2>strict.err; check "$?" 3 "damaged JSON with --strict: exit code"

# JSON with no flow-log message (a config file; only CloudWatch health
# checks): one verdict line each, as for a file that is no flow log, and
# the good file beside them is read (1 record)
printf '{"a": 1}\n' >config.json
printf '{"messageType":"CONTROL_MESSAGE","logEvents":[{"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}' | gzip -c >control.gz
"$BIN" top config.json control.gz one.log --output json >nm.out 2>nm.err; check "$?" 0 "no messages: exit code"
check "$(grep 'warning: skipped' nm.err)" "flowcost: warning: skipped 'config.json': JSON without flow-log records (no \"message\" of a Firehose or CloudWatch Logs delivery)
flowcost: warning: skipped 'control.gz': CloudWatch Logs subscription payload without flow-log records" "no messages: one warning each"
check "$(python3 -c 'import json; r=json.load(open("nm.out"))["records"]; print(r["read"], r["used"])')" "1 1" "no messages: the text file still read"
"$BIN" aggregate --strict config.json -o s2.fca >/dev/null 2>s2.err; check "$?" 3 "no messages with --strict: exit code"

# One JSON stream of many blocks (~6 MB: the pipelined reader's blocks are
# 1 MiB), unwrapped on one thread and parsed on the others: the same CSV, the
# same first malformed line and the same damage warning for --threads 1, 3
# and 8, from a file and gzip'd on stdin; a header message switches the field
# order half-way, so a block parsed with the wrong layout shows.
python3 - <<'PY'
import json
h1 = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
h2 = "version interface-id account-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
with open("big.json", "w") as f:
    f.write(json.dumps({"message": h1}) + "\n")
    for i in range(50000):
        b = "x1" if i == 31337 else str(100 + i % 997)
        f.write(json.dumps({"message": f"2 123456789012 eni-{i % 41:017x} 10.0.{i % 211}.{i % 251} 52.1.{i % 7}.9 1 443 6 1 {b} 1700000000 1700000060 ACCEPT OK"}) + "\n")
    f.write(json.dumps({"message": h2}) + "\n")
    for i in range(50000):
        f.write(json.dumps({"message": f"2 eni-{i % 43:017x} 123456789012 10.1.{i % 211}.{i % 251} 52.1.{i % 7}.9 1 443 6 1 {200 + i % 991} 1700003600 1700003660 ACCEPT OK"}) + "\n")
    f.write('{"message": "2 \\q"}\n')
PY
gzip -c big.json >big.json.gz
for t in 1 3 8; do
  "$BIN" aggregate --threads $t --csv big$t.csv big.json 2>big$t.err >/dev/null; check "$?" 0 "JSON stream, --threads $t: exit code"
  gzip -dc big.json.gz | "$BIN" aggregate --threads $t --csv bigs$t.csv - 2>bigs$t.err >/dev/null; check "$?" 0 "JSON stream on stdin, --threads $t: exit code"
done
check "$(grep -c 'first at line 31339: bad bytes value' big1.err)" 1 "JSON stream: the malformed line named"
check "$(grep -c 'bad JSON-wrapped input at byte' big1.err)" 1 "JSON stream: the damage named"
check "$(($(wc -l <big1.csv) > 4000))" 1 "JSON stream: both layouts' groups"
for t in 3 8; do
  cmp -s big1.csv big$t.csv && cmp -s <(grep -v wrote big1.err) <(grep -v wrote big$t.err) && pass=$((pass+1)) ||
    bad "JSON stream: --threads $t differs from --threads 1"
  cmp -s big1.csv bigs$t.csv && pass=$((pass+1)) || bad "JSON stream on stdin: --threads $t differs from the file"
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
