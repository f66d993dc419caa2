#!/bin/bash
# robustness_test: "bad input gets a clear error and loses nothing", end to end
# through the CLI. Every input below is crafted here at run time (small) and
# its expected record counts / CSV rows are worked out by hand in the
# comments; the good data is the bundled sample (fixtures/sample, 4,807
# records per format: 4,661 OK, 144 NODATA, 2 SKIPDATA — docs/sample.md).
# Covered: truncated and corrupt gzip, binary junk, wrong/duplicate header
# lines, lines over 64 KiB, NUL bytes, bad and overflowing numbers, IPv6,
# CRLF, runs of blanks, no final newline, millisecond times, empty
# file/directory, a directory mixing good and bad files, stdin, --strict,
# missing inputs, unwritable outputs (no partial file, old file untouched),
# --since/--until, --threads 1 = --threads 2, byte-identical reports, hostile
# ENI tags through report/topology/top, XXE/entity bombs in snapshots, control
# bytes in file names, a full stdout, impossible dates, gzip member headers
# across the input buffer, one-line messages and exit codes.
# usage: bash robustness_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 TMP=$3
rm -rf "$TMP" && mkdir -p "$TMP" && cd "$TMP" || exit 1
S=$SRC/fixtures/sample
SNAP=(--eni-snapshot "$S/describe-network-interfaces.xml" --eni-snapshot "$S/describe-subnets.xml" --ip-ranges "$S/ip-ranges.json")
NOW=2026-11-20T00:00:00Z
# sanitizer builds: LeakSanitizer would print its (fontconfig) suppression list on stderr
export LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
command -v xmllint >/dev/null || { echo "xmllint missing"; exit 77; }

fail=0
bad() { echo "FAIL: $*"; fail=1; }
check() { [ "$1" == "$2" ] || { bad "$3"; echo "  expected: $2"; echo "  got:      $1"; }; }
# run ARGS...: $RC, stdout in ./out, stderr in ./err. Two lines are left out of ./err: the success
# line every command prints (cli.md: "flowcost: wrote ..."), and the notice that a capture under an
# hour is too short to extrapolate (the crafted files span a minute; tests/coverage_test.sh checks it).
unnoted() { grep -v -e '^flowcost: wrote ' -e 'too short to extrapolate' "$1" >"$1.f"; mv "$1.f" "$1"; }
run() { "$BIN" "$@" >out 2>err; RC=$?; unnoted err; }
nlines() { grep -c '' "$1"; }
# Runs without an ENI snapshot also print the caveats about their figures
# (cost-model.md §4: lower bounds, estimates); the checks below are about
# the other messages, so strip_notes drops those lines from ./err.
strip_notes() {
    grep -v -e '^flowcost: warning: .*\(lower bound\|may be overstated\| estimated (\|could not be given to an ENI\)' err >err.kept
    mv err.kept err
}
# one_error LABEL SUBSTRING...: stderr is exactly one 'flowcost: error:' line holding each substring
one_error() {
    local label=$1 s; shift
    strip_notes
    if [ "$(nlines err)" != 1 ] || ! grep -q '^flowcost: error: ' err; then
        bad "$label: stderr is not one 'flowcost: error:' line"; sed 's/^/    | /' err; return
    fi
    for s in "$@"; do grep -qF -- "$s" err || { bad "$label: error lacks '$s'"; sed 's/^/    | /' err; }; done
}
# warnings N LABEL: stderr is exactly N lines, each 'flowcost: warning: ...'
warnings() {
    strip_notes
    local n; n=$(nlines err)
    [ "$n" == "$1" ] && ! grep -qv '^flowcost: warning: ' err || { bad "$2: expected $1 warning line(s)"; sed 's/^/    | /' err; }
}
# counts INPUT... [OPTIONS]: sets $RC and $CNT = "read used malformed nodata skipdata filtered"
# (from top --output json); not for $(...), which would lose $RC
# (--allow-empty: inputs with no usable record are counted too; tests/empty_input_test.sh checks the error)
# One Python, started once, reads each c.json (a path in, its counts out): a
# Python start per call cost more than most of the flowcost runs it checks.
coproc RECORDS { python3 -u -c '
import json, sys
for path in sys.stdin:
    try:
        r = json.load(open(path.rstrip("\n")))["records"]
        print(r["read"], r["used"], r["malformed"], r["nodata"], r["skipdata"], r["filtered"])
    except Exception:
        print("no-json")
'; }
counts() {
    "$BIN" top "$@" --allow-empty --output json >c.json 2>err; RC=$?; unnoted err
    echo "$PWD/c.json" >&"${RECORDS[1]}"
    read -r CNT <&"${RECORDS[0]}" || CNT=no-reader
}

# ---------------------------------------------------------------- crafted v2 data
HDR="version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
T0=1793577600   # 2026-11-02T00:00:00Z
# rec SRC DST PACKETS BYTES [ACTION] [START]: one default-format record on eni-0a1
rec() { echo "2 123456789012 eni-0a1 $1 $2 443 49152 6 $3 $4 ${6:-$T0} $(( ${6:-$T0} + 60 )) ${5:-ACCEPT} OK"; }
R1=$(rec 10.0.0.1 10.0.0.2 10 1000)
R2=$(rec 10.0.0.2 10.0.0.1 20 2000)
R3=$(rec 10.0.0.1 10.0.0.2 5 500 REJECT)
printf '%s\n' "$HDR" "$R1" "$R2" "$R3" > good.log
# three records, three groups; bytes descending
GOOD_CSV='interface_id,srcaddr,dstaddr,action,log_status,packets,bytes,records
eni-0a1,10.0.0.2,10.0.0.1,ACCEPT,OK,20,2000,1
eni-0a1,10.0.0.1,10.0.0.2,ACCEPT,OK,10,1000,1
eni-0a1,10.0.0.1,10.0.0.2,REJECT,OK,5,500,1'
run aggregate good.log --strict --csv good.csv
check "$RC $(cat err)" "0 " "good.log: exit 0, silent"
check "$(cat good.csv)" "$GOOD_CSV" "good.log CSV"
counts good.log; check "$CNT" "3 3 0 0 0 0" "good.log counts"

# the same records written differently must give the same CSV, even with --strict
printf '%s\r\n' "$HDR" "$R1" "$R2" "$R3" > crlf.log
printf '%s\n' "$HDR" "$R1" "$R2" "$R3" | sed 's/ /  \t /g; s/$/ \t /' > blanks.log
printf '%s\n%s\n%s\n%s' "$HDR" "$R1" "$R2" "$R3" > nonl.log
printf '%s\r\n%s\r\n%s\r\n%s' "$HDR" "$R1" "$R2" "$R3" | gzip -c > nonl-crlf.log.gz
{ printf '%s\n' "$HDR" "$R1" | gzip -c; printf '%s\n' "$R2" "$R3" | gzip -c; } > twomembers.log.gz
printf '%s\n\n   \n%s\n\n%s\n%s\n\n' "$HDR" "$R1" "$R2" "$R3" > blanklines.log
for f in crlf.log blanks.log nonl.log nonl-crlf.log.gz twomembers.log.gz blanklines.log; do
    run aggregate "$f" --strict --csv v.csv
    check "$RC $(cat err)" "0 " "$f: exit 0, silent"
    check "$(cat v.csv 2>/dev/null)" "$GOOD_CSV" "$f: same CSV as good.log"
done
counts blanklines.log; check "$CNT" "3 3 0 0 0 0" "blank lines are not records"
# stdin, plain and gzip; FLOWCOST_GZIP=zlib is the other gzip backend
run aggregate - --strict --csv v.csv <crlf.log
check "$RC $(cat v.csv)" "0 $GOOD_CSV" "stdin (plain)"
FLOWCOST_GZIP=zlib "$BIN" aggregate - --strict --csv v.csv <nonl-crlf.log.gz 2>err
check "$? $(cat v.csv)" "0 $GOOD_CSV" "stdin (gzip, zlib backend)"
printf '%s\n' "$R1" "junk" | "$BIN" aggregate - --strict -o x.fca 2>err
check "$?" 3 "stdin --strict exit code"
one_error "stdin --strict" "<stdin>:2:" "expected 14 fields, got 1"

# headerless stdin with --fields (here: the v2 fields in AWS ${...} syntax, packets/bytes swapped)
printf '%s\n' "$R1" "$R2" "$R3" | awk '{ t = $9; $9 = $10; $10 = t; print }' |
    "$BIN" aggregate - --strict --csv v.csv -o x.fca 2>err \
    --fields '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${bytes} ${packets} ${start} ${end} ${action} ${log-status}'
check "$? $(cat v.csv)" "0 $GOOD_CSV" "headerless stdin with --fields"

# IPv6 (written back in RFC 5952 form), IPv4-mapped merges with IPv4, bad addresses skipped
{ echo "$HDR"
  rec 2001:db8::1 2001:0DB8:0000:0000:0000:0000:0000:0002 3 300          # line 2
  rec 2001:db8::1 2001:db8::2 1 100                                        # line 3: same group
  rec ::ffff:10.0.0.1 10.0.0.2 2 200                                       # line 4: = 10.0.0.1
  rec 10.0.0.1 10.0.0.2 2 200                                              # line 5
  rec 2001:db8:::1 2001:db8::2 1 1                                         # line 6: bad
  rec fe80::1%eth0 2001:db8::2 1 1                                         # line 7: bad (zone id)
} > v6.log
run aggregate v6.log --csv v6.csv
check "$(cat v6.csv)" "interface_id,srcaddr,dstaddr,action,log_status,packets,bytes,records
eni-0a1,10.0.0.1,10.0.0.2,ACCEPT,OK,4,400,2
eni-0a1,2001:db8::1,2001:db8::2,ACCEPT,OK,4,400,2" "IPv6 CSV (equal bytes: IPv4 before IPv6)"
warnings 1 "v6.log"
grep -qF "skipped 2 of 6 records in v6.log; first at line 6: bad srcaddr '2001:db8:::1'" err || bad "v6.log warning text: $(cat err)"

# millisecond start/end (>= 10^11) are divided by 1000; filters see seconds
{ echo "$HDR"; echo "2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 6 3 300 1793577600123 1793577660456 ACCEPT OK"; } > ms.log
"$BIN" top ms.log --strict --output json >ms.json 2>err
check "$(python3 -c 'import json; d=json.load(open("ms.json")); print(d["period"]["start"], d["period"]["end"])')" \
      "2026-11-02T00:00:00Z 2026-11-02T00:01:00Z" "millisecond times read as seconds"
counts ms.log --since 2026-11-02T00:00:01Z; check "$CNT" "1 0 0 0 0 1" "ms record before --since is filtered"
counts ms.log --until 2026-11-02T00:00:01Z; check "$CNT" "1 1 0 0 0 0" "ms record inside --until is kept"

# ---------------------------------------------------------------- bad numbers, one per line
# line 2 is good (the largest packets/bytes value, 2^64-1); lines 3.. are each bad for one reason
NUMS=(
"2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 6 10 18446744073709551616 $T0 $T0 ACCEPT OK|bad bytes value '18446744073709551616'"
"2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 6 18446744073709551616 1 $T0 $T0 ACCEPT OK|bad packets value '18446744073709551616'"
"2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 6 10 -5 $T0 $T0 ACCEPT OK|bad bytes value '-5'"
"2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 6 10 +1 $T0 $T0 ACCEPT OK|bad bytes value '+1'"
"2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 6 10 1.5 $T0 $T0 ACCEPT OK|bad bytes value '1.5'"
"2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 6 10 12x $T0 $T0 ACCEPT OK|bad bytes value '12x'"
"2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 65536 49152 6 10 1 $T0 $T0 ACCEPT OK|bad port '65536'"
"2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 256 10 1 $T0 $T0 ACCEPT OK|bad protocol '256'"
"2 123456789012 eni-0a1 10.0.0.256 10.0.0.2 443 49152 6 10 1 $T0 $T0 ACCEPT OK|bad srcaddr '10.0.0.256'"
"2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 6 10 1 9223372036854775808 $T0 ACCEPT OK|bad start time '9223372036854775808'"
"2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 6 10 1 99999999999999999999 $T0 ACCEPT OK|bad start time '99999999999999999999'"
"2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 6 10 1 $T0 $T0 MAYBE OK|bad action 'MAYBE'"
"2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 6 10 1 $T0 $T0 ACCEPT|expected 14 fields, got 13"
)
{ echo "$HDR"; rec 10.0.0.1 10.0.0.2 18446744073709551615 18446744073709551615
  for x in "${NUMS[@]}"; do echo "${x%%|*}"; done; } > nums.log
run aggregate nums.log --csv nums.csv
check "$RC" 0 "bad numbers: skipped, exit 0"
warnings 1 "nums.log"
check "$(cat err)" "flowcost: warning: skipped ${#NUMS[@]} of $(( ${#NUMS[@]} + 1 )) records in nums.log; first at line 3: ${NUMS[0]#*|}" "bad numbers summary"
check "$(sed -n 2p nums.csv)" "eni-0a1,10.0.0.1,10.0.0.2,ACCEPT,OK,18446744073709551615,18446744073709551615,1" "2^64-1 is a valid value"
for x in "${NUMS[@]}"; do
    printf '%s\n' "$HDR" "${x%%|*}" > one.log
    run aggregate one.log --strict -o one.fca
    check "$RC" 3 "--strict exit code for: ${x#*|}"
    one_error "--strict bad number" "one.log:2: ${x#*|}"
done
[ -e one.fca ] && bad "--strict failure left one.fca behind"

# ---------------------------------------------------------------- lines over 64 KiB, NUL bytes
pad() { python3 -c 'import sys; l=sys.argv[1]; print(l + " " * (int(sys.argv[2]) - len(l)))' "$1" "$2"; }
{ echo "$HDR"; echo "$R1"; pad "$R2" 65536; python3 -c 'print("2 123456789012 eni-0a1 " + "9" * 70000)'; echo "$R3"; } > long.log
# line 3 is exactly 65536 bytes (the limit, accepted), line 4 is 70023: 4 records, 1 malformed
counts long.log; check "$CNT" "4 3 1 0 0 0" "overlong line counts"
warnings 1 "long.log"
grep -qF "in long.log; first at line 4: line longer than 65536 bytes" err || bad "long.log warning: $(cat err)"
gzip -c long.log > long.log.gz
run aggregate long.log.gz --strict -o x.fca
check "$RC" 3 "overlong line --strict (gzip)"
one_error "overlong --strict" "long.log.gz:4: line longer than 65536 bytes"
# an overlong last line without newline
{ echo "$HDR"; echo "$R1"; printf 'x%.0s' $(seq 70000); } > longlast.log
counts longlast.log; check "$CNT" "2 1 1 0 0 0" "overlong last line counts"
{ echo "$HDR"; echo "$R1"; printf '2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 6 10 10\0000 %s %s ACCEPT OK\n' $T0 $T0; echo "$R2"; printf '\0\0\0\n'; } > nul.log
counts nul.log; check "$CNT" "4 2 2 0 0 0" "NUL bytes: 4 records, 2 malformed"
warnings 1 "nul.log"
grep -qF "skipped 2 of 4 records in nul.log; first at line 3: NUL byte in line" err || bad "nul.log warning: $(cat err)"
run aggregate nul.log --strict -o x.fca
check "$RC" 3 "NUL --strict"
one_error "NUL --strict" "nul.log:3: NUL byte in line"

# ---------------------------------------------------------------- binary junk
# 40 lines of 99 random non-newline bytes (fixed seed), first byte 'X' so it is no gzip/.fca
python3 -c 'import random; r=random.Random(42)
lines=[bytes(b if b != 10 else 255 for b in r.randbytes(99)) for _ in range(40)]
lines[0]=b"X"+lines[0][1:]
open("junk.bin","wb").write(b"\n".join(lines)+b"\n")'
# binary junk is not read line by line: one warning saying what it looks like (issue 12)
counts junk.bin; check "$CNT" "0 0 0 0 0 0" "binary junk: not read as lines"
check "$RC" 0 "binary junk exit code"
warnings 1 "junk.bin"
grep -qxF "flowcost: warning: skipped 'junk.bin': binary data, not a text flow log" err || bad "junk.bin warning: $(cat err)"
# gzip magic followed by junk: nothing decoded, a warning naming the file and an offset
{ printf '\037\213'; head -c 300 junk.bin; } > junk.gz
counts junk.gz; check "$CNT" "0 0 0 0 0 0" "gzip magic + junk counts"
warnings 1 "junk.gz"
grep -qE "^flowcost: warning: junk\.gz: .*gzip.* offset [0-9]+" err || bad "junk.gz warning: $(cat err)"

# ---------------------------------------------------------------- header lines
# unknown field name in a header: kept as an opaque column, so 14-field records do not fit (6 fields)
printf '%s\n' "version account-id interface-id srcaddr dstaddr bogus-field" "$R1" "$R2" > unknownfield.log
counts unknownfield.log; check "$CNT" "2 0 2 0 0 0" "header with an unknown field"
grep -qF "skipped 2 of 2 records in unknownfield.log; first at line 2: expected 6 fields, got 14" err || bad "unknownfield warning: $(cat err)"
# misspelt header: still a header (a line of field names, 13 of 14 known, cli.md), its
# unknown first name an ignored column; version is not used, so both records read
printf '%s\n' "versoin ${HDR#version }" "$R1" "$R2" > typo.log
counts typo.log; check "$CNT" "2 2 0 0 0 0" "misspelt header line"
strip_notes; [ -s err ] && bad "typo.log warning: $(cat err)"
# a header repeating a field is an error naming file:1 (docs/ingest.md)
printf '%s\n' "version account-id version" "$R1" > dupfield.log
run aggregate dupfield.log good.log -o x.fca
check "$RC" 1 "duplicate header field exit code"
one_error "duplicate header field" "dupfield.log:1:" "version"

# ---------------------------------------------------------------- truncated / corrupt gzip
# 400 records of varied (hardly compressible) values; member 1 = header + first 100 records
awk -v t=$T0 'BEGIN { x = 12345; for (i = 1; i <= 400; i++) {
    x = (x * 1103515245 + 12345) % 2147483648
    printf "2 123456789012 eni-0a%d 10.%d.%d.%d 10.1.%d.%d %d %d 6 %d %d %d %d ACCEPT OK\n", i % 9,
        x % 256, int(x / 256) % 256, int(x / 65536) % 256, i % 7, int(x / 7) % 256, x % 65536,
        int(x / 3) % 65536, x % 1000 + 1, x % 1000000, t, t + 60 } }' > recs400.txt
{ echo "$HDR"; head -100 recs400.txt; } | gzip -c > m1.gz
tail -n +101 recs400.txt | gzip -c > m2.gz
M1=$(stat -c %s m1.gz) M2=$(stat -c %s m2.gz)
# (a) member 2 cut inside its 10-byte header: exactly the 100 records of member 1 count
{ cat m1.gz; head -c 10 m2.gz; } > cut-a.log.gz
for be in isal zlib; do
    FLOWCOST_GZIP=$be "$BIN" top cut-a.log.gz --output json >c.json 2>err; unnoted err
    check "$(python3 -c 'import json; r=json.load(open("c.json"))["records"]; print(r["read"], r["used"])')" "100 100" "truncated gzip ($be): records before the cut count"
    warnings 1 "truncated gzip ($be)"
    grep -qE "^flowcost: warning: cut-a\.log\.gz: gzip data truncated at offset $((M1 + 10))\b" err || bad "truncated gzip ($be): file and offset $((M1 + 10)) not named: $(cat err)"
done
# (b) cut in the middle of member 2's deflate data: the complete lines decoded before the cut
# count (python's zlib decodes the same prefix; the partial last line is dropped, not counted)
CUT=$((M1 + M2 / 2))
{ cat m1.gz; head -c $((M2 / 2)) m2.gz; } > cut-b.log.gz
EXP=$(python3 -c 'import zlib,sys
d=open("m1.gz","rb").read(); z=zlib.decompressobj(31); t=z.decompress(d)
z=zlib.decompressobj(31); t+=z.decompress(open("m2.gz","rb").read()[:int(sys.argv[1])])
print(t.count(b"\n") - 1)' $((M2 / 2)))
[ "$EXP" -gt 100 ] && [ "$EXP" -lt 400 ] || bad "cut-b: the cut should fall inside member 2 (python decoded $EXP)"
counts cut-b.log.gz; check "$CNT" "$EXP $EXP 0 0 0 0" "truncated mid-member: complete lines before the cut"
grep -qE "^flowcost: warning: cut-b\.log\.gz: gzip data truncated at offset $CUT\b" err || bad "cut-b: warning should name offset $CUT: $(cat err)"
run aggregate cut-b.log.gz --strict -o x.fca
check "$RC" 3 "truncated gzip --strict exit code"
one_error "truncated gzip --strict" "cut-b.log.gz" "offset $CUT"
# (c) damaged CRC-32 in member 1's trailer: its 100 records still count; reading stops there
# (as gzip -d does), so member 2's 300 records are not read — the warning says so
python3 -c 'd=bytearray(open("m1.gz","rb").read()); d[-8]^=0xff; open("crc.part","wb").write(d)'
cat crc.part m2.gz > crc.log.gz
counts crc.log.gz; check "$CNT" "100 100 0 0 0 0" "bad CRC: the member's records count"
warnings 1 "bad CRC"
grep -qE "^flowcost: warning: crc\.log\.gz: .*offset [0-9]+" err || bad "bad CRC warning: $(cat err)"

# (d) the next member's header straddles the reader's 1 MiB input buffer: member A is stored
# (deflate level 0, so its size can be set to the byte) and ends 5 or 12 bytes before 1 MiB;
# member B carries a file name (FNAME), so its header is 10 + 19 bytes. A = 10,607 records
# (ids 0..10606), B = 1,000 records: 11,607, nothing lost, for both backends.
python3 - <<'PY'
import struct, zlib
H = b"version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
rec = lambda i: b"2 123456789012 eni-0a1 10.0.%d.%d 10.1.0.1 443 49152 6 1 %d 1793577600 1793577660 ACCEPT OK\n" % (i // 250 % 250, i % 250, i)
def member(data, level, name=b""):
    c = zlib.compressobj(level, zlib.DEFLATED, -15); body = c.compress(data) + c.flush()
    return (b"\x1f\x8b\x08" + bytes([8 if name else 0]) + b"\0\0\0\0\0\xff" + (name + b"\0" if name else b"")
            + body + struct.pack("<II", zlib.crc32(data), len(data)))
A = H + b"".join(rec(i) for i in range(10607))
B = member(b"".join(rec(100000 + j) for j in range(1000)), 6, b"some-file-name.log")
for gap in (5, 12):
    pad = (1 << 20) - gap - len(member(A, 0))
    assert 0 <= pad < 60000, pad
    m = member(A + b"\n" * pad, 0)          # blank lines are not records
    assert len(m) == (1 << 20) - gap
    open("straddle%d.log.gz" % gap, "wb").write(m + B)
PY
for gap in 5 12; do
    for be in isal zlib; do
        FLOWCOST_GZIP=$be counts straddle$gap.log.gz --strict
        check "$CNT $RC" "11607 11607 0 0 0 0 0" "member header across the input buffer (gap $gap, $be)"
    done
done

# ---------------------------------------------------------------- empty inputs
: > empty.log
: | gzip -c > empty.log.gz
mkdir -p emptydir
for f in empty.log empty.log.gz emptydir; do
    counts "$f"; check "$CNT" "0 0 0 0 0 0" "$f counts"
    check "$RC $(cat err)" "0 " "$f: exit 0, silent"
    run aggregate "$f" --strict --csv e.csv -o e.fca
    check "$RC $(cat e.csv)" "0 interface_id,srcaddr,dstaddr,action,log_status,packets,bytes,records" "$f: header-only CSV"
    # nothing to report is an error (cli.md), with one line saying what was read; --allow-empty writes
    # the empty result
    rm -f e.html e.svg
    run report "$f" --now $NOW -o e.html
    check "$RC" 1 "$f: report"
    one_error "$f: report" "nothing to report" "0 used" "--allow-empty"
    [ -e e.html ] && bad "$f: report wrote its output on empty input"
    run topology "$f" -o e.svg
    check "$RC" 1 "$f: topology"
    run report "$f" --now $NOW -o e.html --allow-empty
    check "$RC" 0 "$f: report --allow-empty"
    run topology "$f" -o e.svg --allow-empty
    check "$RC" 0 "$f: topology --allow-empty"
    xmllint --noout e.svg 2>/dev/null || bad "$f: topology SVG is not well-formed XML"
done

# ---------------------------------------------------------------- a directory of good and bad files
mkdir -p mix/a/b
cp good.log mix/a/; cp cut-a.log.gz mix/a/b/; cp junk.bin mix/; cp nul.log mix/a/b/; : > mix/empty.log
gzip -c good.log > mix/z.gz
# good 3 + cut-a 100 + nul 2 of 4 + z.gz 3 = 108 used of 110 read, 2 malformed; junk.bin
# is binary and not read (one warning)
for t in 1 2; do
    counts mix --threads $t; check "$CNT" "110 108 2 0 0 0" "mixed directory counts (--threads $t)"
    check "$RC" 0 "mixed directory exit code"
    # one line per bad file, in path order
    strip_notes
    check "$(sed 's/;.*//' err)" "flowcost: warning: mix/a/b/cut-a.log.gz: gzip data truncated at offset $((M1 + 10))
flowcost: warning: skipped 2 of 4 records in mix/a/b/nul.log
flowcost: warning: skipped 'mix/junk.bin': binary data, not a text flow log" "mixed directory warnings (--threads $t)"
    run aggregate mix --strict --threads $t -o mix.fca
    check "$RC" 3 "mixed directory --strict (--threads $t)"
    one_error "mixed directory --strict" "mix/a/b/cut-a.log.gz"
done
[ -e mix.fca ] && bad "--strict failure wrote mix.fca"

# ---------------------------------------------------------------- the sample: good data, --strict, filters
# 4,303 records of the plan + the static fleet's 42 instances x 6 evening hours x 2 records (504)
counts "$S/v5" --strict; check "$CNT" "4807 4661 0 144 2 0" "sample v5 counts (docs/sample.md)"
counts "$S/v2" --strict; check "$CNT" "4807 4661 0 144 2 0" "sample v2 counts (docs/sample.md)"
# one bad line appended to a copy of one delivery: --strict names it and exits 3, writes nothing
mkdir -p s5 && cp -r "$S/v5/." s5/
F1=$(find s5 -name '*.log.gz' | sort | head -1)
N1=$(gzip -dc "$F1" | wc -l)
echo "5 vpc-0b873741c03378b7d truncated line" | gzip -c >> "$F1"
echo KEEP > keep.html
run report s5 "${SNAP[@]}" --strict --now $NOW -o keep.html
check "$RC" 3 "--strict on the sample with one bad line"
one_error "--strict on the sample" "$F1:$((N1 + 1)):" "expected 24 fields, got 4"
check "$(cat keep.html)" KEEP "--strict failure left the old output untouched"
counts s5; check "$CNT" "4808 4661 1 144 2 0" "the same without --strict: one malformed, nothing else lost"

# --since/--until: starts in [since, until). Expected counts from the records themselves (awk
# over the v5 text: start is field 20, log-status field 24); the bounds are record starts.
SINCE=1793625602 UNTIL=1793628008     # 13:20:02Z, 14:00:08Z
EXP=$(for f in $(find "$S/v5" -name '*.log.gz' | sort); do gzip -dc "$f"; done | awk -v a=$SINCE -v b=$UNTIL '
    $1 != "version" { n++; if ($20 >= a && $20 < b) k[$24]++ }
    END { printf "%d %d 0 %d %d %d", n, k["OK"], k["NODATA"], k["SKIPDATA"], n - k["OK"] - k["NODATA"] - k["SKIPDATA"] }')
# by hand: SKIPDATA at 13:20:00 (out) and 13:30 (in); spare-1's NODATA at 13:30, 13:40, 13:50, 14:00:00;
# the static fleet only sends from 18:00, so none of its 504 records is in the window: 4807 - 99 = 4708
check "$EXP" "4807 94 0 4 1 4708" "awk window on the sample"
# files whose delivery time is far outside the window may be skipped unopened (not 'read')
"$BIN" top "$S/v5" --since 2026-11-02T13:20:02Z --until 2026-11-02T14:00:08Z --output json >w1.json 2>err
"$BIN" top "$S/v5" --since $SINCE --until $UNTIL --output json >w2.json 2>>err
strip_notes
unnoted err
check "$(cat err)" "" "window: no messages"
check "$(python3 -c 'import json; r=json.load(open("w1.json"))["records"]; print(r["used"], r["nodata"], r["skipdata"], r["read"] == r["used"]+r["nodata"]+r["skipdata"]+r["malformed"]+r["filtered"])')" \
      "94 4 1 True" "--since/--until counts (RFC 3339)"
cmp -s w1.json w2.json || bad "--since/--until: RFC 3339 and unix seconds differ"

# ---------------------------------------------------------------- determinism
run aggregate "$S/v5" mix --threads 1 --csv t1.csv -o t1.fca
run aggregate "$S/v5" mix --threads 2 --csv t2.csv -o t2.fca
cmp -s t1.csv t2.csv || bad "aggregate --csv differs between --threads 1 and 2"
cmp -s t1.fca t2.fca || bad "aggregate .fca differs between --threads 1 and 2"
# every record kept is in one row: 4,807 of the sample + 108 of mix (NODATA/SKIPDATA rows included)
check "$(awk -F, 'NR > 1 { r += $8 } END { print r }' t1.csv)" 4915 "aggregate CSV records column"
# a plain file over 16 MiB is split across threads: the same groups and the exact line number
awk -v t=$T0 'BEGIN { print "'"$HDR"'"; for (i = 1; i <= 180000; i++) {
    if (i == 140000) print "2 123456789012 eni-0a1 bad line"
    printf "2 123456789012 eni-0b%04d 10.0.%d.%d 10.1.%d.%d 443 %d 6 %d %d %d %d ACCEPT OK\n",
        i % 500, i % 200, i % 250, i % 100, i % 240, 1024 + i % 60000, i % 50 + 1, i, t + i % 3600, t + i % 3600 + 60 } }' > big.log
[ "$(stat -c %s big.log)" -gt $((16 << 20)) ] || bad "big.log should be over 16 MiB"
for t in 1 2; do
    "$BIN" aggregate big.log --threads $t --csv big$t.csv -o /dev/null 2>err$t; unnoted err$t
    "$BIN" aggregate big.log --threads $t --strict -o big.fca 2>serr$t; echo $? > src$t
done
cmp -s big1.csv big2.csv || bad "split plain file: CSV differs between --threads 1 and 2"
[ -c /dev/null ] || bad "aggregate -o /dev/null replaced the device /dev/null by a file"
# line 1 header, records i = 1..139999 on lines 2..140000, the bad line is line 140001
check "$(cat err2)" "flowcost: warning: skipped 1 of 180,001 records in big.log; first at line 140001: expected 14 fields, got 5" "split file warning (--threads 2)"
check "$(cat err1)" "$(cat err2)" "split file warning same for --threads 1"
check "$(cat src2) $(cat serr2)" "3 flowcost: error: big.log:140001: expected 14 fields, got 5" "split file --strict (--threads 2)"
# sum of bytes = 1 + 2 + ... + 180000 = 180000 * 180001 / 2
check "$(awk -F, 'NR > 1 { s += $7; r += $8 } END { printf "%.0f %.0f", s, r }' big2.csv)" "16200090000 180000" "split file: every byte counted once"
rm -f big.log

run report "$S/v5" "${SNAP[@]}" --threads 1 --now $NOW -o r1.html --json r1.json
check "$RC $(cat err)" "0 " "report --threads 1"
run report "$S/v5" "${SNAP[@]}" --threads 2 --now $NOW -o r2.html --json r2.json
cmp -s r1.json r2.json || bad "report --json differs between --threads 1 and 2"
cmp -s r1.html r2.html || bad "report HTML differs between two runs with the same --now"
SOURCE_DATE_EPOCH=$(date -u -d $NOW +%s) "$BIN" report "$S/v5" "${SNAP[@]}" -o r3.html 2>err
cmp -s r1.html r3.html || bad "SOURCE_DATE_EPOCH and --now give different HTML"

# ---------------------------------------------------------------- missing inputs, unwritable outputs
for cmd in report topology aggregate; do
    echo KEEP > keep.out
    case $cmd in topology) o=keep.svg ;; *) o=keep.out ;; esac
    echo KEEP > "$o"
    run $cmd good.log no-such.log -o "$o"
    check "$RC" 1 "$cmd: missing input exit code"
    one_error "$cmd: missing input" "no-such.log" "No such file or directory"
    check "$(cat "$o")" KEEP "$cmd: missing input left the old output untouched"
done
run top good.log no-such.log
check "$RC $(cat out)" "1 " "top: missing input exit code, nothing on stdout"
one_error "top: missing input" "no-such.log"

# a file name with a newline or a terminal escape must not break the one-line rule
NL=$(printf 'no\nsuch\033[31m.log')
run aggregate "$NL" -o x.fca
check "$RC" 1 "missing file with a newline in its name"
one_error "newline in a missing file's name" "no\x0asuch\x1b[31m.log"
cp nul.log "$NL"
run aggregate "$NL" -o x.fca
warnings 1 "newline in a malformed file's name"
run aggregate "$NL" --strict -o x.fca
one_error "newline in a malformed file's name (--strict)" "no\x0asuch\x1b[31m.log:3: NUL byte"
rm -f "$NL"
# strings of an input file reach stderr escaped too: an ip-ranges.json whose
# syncToken holds a newline and a terminal escape (-v prints it)
python3 - "$S/ip-ranges.json" esc-ranges.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["syncToken"] = "17\nflowcost: forged\u001b[2J"
json.dump(d, open(sys.argv[2], "w"))
PY
run top "$S/v2" --ip-ranges esc-ranges.json -v --limit 1
check "$RC" 0 "ip-ranges with control bytes in its syncToken"
grep -qF 'flowcost: ip-ranges: file esc-ranges.json (syncToken 17\x0aflowcost: forged\x1b[2J, createDate' err ||
  { bad "the syncToken's control bytes are not escaped"; grep 'ip-ranges\|forged' err | sed 's/^/    | /'; }
if grep -q '^flowcost: forged' err || grep -q "$(printf '\033')" err; then bad "a raw newline or escape of an input reached stderr"; fi

# standard output that cannot be written (a full disk): exit 1, never a silent success
if [ -w /dev/full ]; then
    for c in "top good.log --output csv" "top good.log --output json" "report good.log --now $NOW -o outdir-r.html --json -" \
             "aggregate good.log --csv -" "report good.log --now $NOW -o -" "topology good.log -o -"; do
        "$BIN" $c >/dev/full 2>err; RC=$?; unnoted err
        check "$RC" 1 "stdout on a full disk: $c"
        one_error "stdout on a full disk: $c" "standard output"
    done
fi

mkdir -p outdir/isdir && echo KEEP > outdir/old.html && echo KEEP > outdir/old.svg
for o in outdir/nodir/r.html outdir/isdir good.log/r.html; do
    run report good.log -o "$o"
    check "$RC" 1 "unwritable output '$o' exit code"
    one_error "unwritable output" "$o"
done
# aggregate writes the .fca and the CSV each while it is made (the CSV on a thread of its own
# when there are two): either one unwritable leaves no file at all, whichever it is
mkdir -p outagg
for t in 1 2; do
    for c in "outagg/nodir/x.fca outagg/x.csv" "outagg/x.fca outagg/nodir/x.csv" "outagg/x.fca good.log/x.csv"; do
        set -- $c
        run aggregate good.log --threads $t -o "$1" --csv "$2"
        check "$RC" 1 "aggregate -o $1 --csv $2 --threads $t: exit code"
        case $1 in *nodir*) want=$1 ;; *) want=$2 ;; esac
        one_error "aggregate -o $1 --csv $2 --threads $t" "cannot write '$want'"
        check "$(ls -A outagg)" "" "aggregate -o $1 --csv $2 --threads $t: no file, no temporary file left"
    done
done
# the CSV on standard output beside the .fca: written after the .fca is in place
run aggregate good.log --threads 2 -o outagg/y.fca --csv -
check "$RC $(cat out)" "0 $GOOD_CSV" "aggregate -o FILE --csv -: the CSV on standard output"
check "$(ls -A outagg)" "y.fca" "aggregate -o FILE --csv -: the .fca written"
rm -rf outagg

# an output that is a FIFO (or a device: -o /dev/null) is written into at the end, never
# replaced by a renamed temp file (run as root, that turned /dev/null into a regular file)
mkfifo fifo.csv fifo.html
timeout 5 cat fifo.csv >fifo-got.csv & cpid=$!
run aggregate good.log --threads 2 --csv fifo.csv -o fifo.fca
wait $cpid
check "$RC $(cat fifo-got.csv)" "0 $GOOD_CSV" "aggregate --csv FIFO: the CSV through the FIFO"
[ -p fifo.csv ] || bad "aggregate --csv FIFO: the FIFO was replaced by a file"
timeout 5 cat fifo.html >fifo-got.html & cpid=$!
run report good.log --now $NOW -o fifo.html
wait $cpid
check "$RC $(head -c 15 fifo-got.html)" "0 <!DOCTYPE html>" "report -o FIFO: the HTML through the FIFO"
[ -p fifo.html ] || bad "report -o FIFO: the FIFO was replaced by a file"
rm -f fifo.* fifo-got.*

# a write that fails halfway (file size limit; SIGXFSZ ignored so write() fails with EFBIG)
for c in "report $S/v5 ${SNAP[*]} --now $NOW -o outdir/old.html" \
         "report $S/v5 ${SNAP[*]} --now $NOW -o outdir/new.html --json outdir/new.json" \
         "topology $S/v5 ${SNAP[*]} -o outdir/old.svg" \
         "aggregate $S/v5 -o outdir/new.fca --csv outdir/new.csv"; do
    ( trap '' XFSZ; ulimit -f 8; exec "$BIN" $c ) >out 2>err; RC=$?
    check "$RC" 1 "write failure exit code: $c"
    one_error "write failure" "outdir/" "File too large"
    check "$(cd outdir && ls -A | tr '\n' ' ')" "isdir old.html old.svg " "write failure left no partial or temporary file"
    check "$(cat outdir/old.html outdir/old.svg)" "KEEP
KEEP" "write failure left the old outputs untouched"
done

# ---------------------------------------------------------------- exit codes
for a in "report good.log --bogus" "report" "frobnicate" "top good.log --limit abc" "report good.log --since yesterday" \
         "report good.log --since 2026-11-03 --until 2026-11-02" "top good.log --output xml" "top good.log --by foo" \
         "topology good.log -o x.jpg" "aggregate good.log --fields version,version" \
         "report good.log --since 2026-02-30" "report good.log --since 2100-02-29T00:00:00Z" \
         "report good.log --until 2026-11-02T00:00:00+05:0" "report good.log --now 2026-11-02T00:00:00+24:00"; do
    run $a -o u.out
    check "$RC" 2 "usage error exit code: $a"
    [ -e u.out ] && bad "usage error wrote its output: $a"
    one_error "usage error: $a" "flowcost"
done
# valid edge dates: a leap day, an offset (+05:30 is 19:30 the day before in UTC)
run aggregate good.log --since 2024-02-29 --until 2026-11-02T05:30:01+05:30 --csv v.csv
check "$RC $(cat v.csv)" "0 $GOOD_CSV" "leap day and offset accepted"
run aggregate good.log --until 2026-11-02T05:30:00+05:30 --csv v.csv
check "$RC $(grep -c '' v.csv)" "0 1" "--until with an offset is exclusive"

# sample total is $31.2866796875 (docs/sample.md)
run top "$S/v5" "${SNAP[@]}" --fail-above 31.28
check "$RC" 4 "--fail-above below the total"
grep -q '^flowcost: error: total cost \$31\.2867 ' err && [ "$(nlines err)" == 1 ] || bad "--fail-above: expected one error line naming the total: $(cat err)"
run top "$S/v5" "${SNAP[@]}" --fail-above 31.29
check "$RC $(cat err)" "0 " "--fail-above above the total"

# ---------------------------------------------------------------- hostile ENI tags and descriptions
python3 - "$S/describe-network-interfaces.xml" hostile.xml <<'PY'
import sys
from xml.sax.saxutils import escape
src, dst = sys.argv[1:]
x = open(src).read()
names = {"etl-1": '<script>alert(1)</script>',
         "worker-2": '"><img src=x onerror=alert(1)>',
         "backup-1": 'x]]>y</script><!--z',
         "web-1": 'C:\\temp\\"q" \'s\' \\u003c, a;b\\',
         "worker-1": '</script><script>alert(2)</script>',
         "web-3": 'ünïcödé-' + 'é' * 40}
for k, v in names.items():
    old = "<value>%s</value>" % k
    assert x.count(old) == 1, k
    x = x.replace(old, "<value>%s</value>" % escape(v, {'"': "&quot;", "'": "&apos;"}))
old = "<description>Primary network interface</description>"
x = x.replace(old, "<description>%s</description>" % escape('"><svg onload=alert(3)>]]>\\'), 1)
open(dst, "w").write(x)
PY
HOST=(--eni-snapshot hostile.xml --eni-snapshot "$S/describe-subnets.xml" --ip-ranges "$S/ip-ranges.json")
run report "$S/v5" "${HOST[@]}" --now $NOW -o hostile.html --json hostile.json
check "$RC $(cat err)" "0 " "report with hostile tags"
run topology "$S/v5" "${HOST[@]}" --level eni -o hostile.svg
check "$RC $(cat err)" "0 " "topology with hostile tags"
xmllint --noout hostile.svg || bad "hostile topology SVG is not well-formed (xmllint)"
run topology "$S/v5" "${SNAP[@]}" --level eni -o clean.svg
for fmt in html csv json; do
    "$BIN" top "$S/v5" "${HOST[@]}" --limit 0 --output $fmt >hostile-top.$fmt 2>err || bad "top --output $fmt with hostile tags"
    "$BIN" top "$S/v5" "${SNAP[@]}" --limit 0 --output $fmt >clean-top.$fmt 2>>err
done
# the clean report, for the markup comparison
"$BIN" report "$S/v5" "${SNAP[@]}" --now $NOW -o clean.html 2>>err
unnoted err
check "$(cat err)" "" "no messages from the hostile/clean runs"
python3 - <<'PY' || fail=1
import csv, html, json, sys
from html.parser import HTMLParser
import xml.etree.ElementTree as ET
P = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'x]]>y</script><!--z',
     'C:\\temp\\"q" \'s\' \\u003c, a;b\\', '</script><script>alert(2)</script>', 'ünïcödé-' + 'é' * 40]
bad = []
class Tags(HTMLParser):
    def __init__(s):
        super().__init__(convert_charrefs=True); s.tags = []; s.text = []
    def handle_starttag(s, t, a): s.tags.append((t, tuple(sorted(k for k, _ in a))))
    def handle_startendtag(s, t, a): s.tags.append((t, tuple(sorted(k for k, _ in a))))
    def handle_data(s, d): s.text.append(d)
    def handle_comment(s, d): s.tags.append(("!--", ()))
def markup(path):
    raw = open(path, "rb").read()
    try: page = raw.decode("utf-8", "strict")
    except UnicodeDecodeError as e: bad.append("%s: not valid UTF-8 (%s)" % (path, e)); page = raw.decode("utf-8", "replace")
    p = Tags(); p.feed(page); p.close()
    return page, p
for hostile, clean in (("hostile.html", "clean.html"), ("hostile-top.html", "clean-top.html")):
    page, hp = markup(hostile)
    _, cp = markup(clean)
    # hostile text must not add, remove or change one element, attribute or comment
    if hp.tags != cp.tags:
        extra = [t for t in hp.tags if t not in cp.tags]
        bad.append("%s: markup differs from the clean run (%d vs %d tags; new: %r)" % (hostile, len(hp.tags), len(cp.tags), extra[:5]))
    for raw in ("<script>alert", "<img", "<svg onload", "<!--z"):
        if raw in page: bad.append("%s: raw %r in the page" % (hostile, raw))
    text = "".join(hp.text)
    for p in P:
        if p not in text: bad.append("%s: payload %r not shown as text" % (hostile, p))
# top csv/json: the names round-trip exactly
rows = list(csv.DictReader(open("hostile-top.csv", newline="", encoding="utf-8")))
names = {r["name"] for r in rows}
js = {r.get("name") for r in json.load(open("hostile-top.json", encoding="utf-8"))["top_ips"]}
for p in P:
    if p not in names: bad.append("top csv: name %r does not round-trip" % p)
    if p not in js: bad.append("top json: name %r does not round-trip" % p)
if len(rows) != len(list(csv.DictReader(open("clean-top.csv", newline="")))): bad.append("top csv: row count changed")
# topology: parses, no script/handler/foreign element, payloads only as text
def walk(path):
    root = ET.parse(path).getroot(); el = []
    for e in root.iter():
        el.append((e.tag, tuple(sorted(e.attrib))))
        for k in e.attrib:
            if k.lower().startswith("on"): bad.append("%s: event handler attribute %s" % (path, k))
        if e.tag.endswith("}script") or e.tag.endswith("}img") or e.tag.endswith("}foreignObject"):
            bad.append("%s: element %s" % (path, e.tag))
    return root, el
hr, hel = walk("hostile.svg")
_, cel = walk("clean.svg")
if sorted(hel) != sorted(cel): bad.append("hostile.svg: elements/attributes differ from the clean graph")
svgtext = " ".join(t for e in hr.iter() for t in (e.text or "", e.tail or "") if t)
# backslashes are drawn as U+29F5 by design (docs/topology.md); long names are cut with '…'
for p in P[:3] + [P[4], P[5][:20]]:
    if p not in svgtext: bad.append("hostile.svg: payload %r not shown as text" % p)
for m in bad: print("FAIL:", m)
sys.exit(1 if bad else 0)
PY

# an XML snapshot with an external entity (XXE) or an entity bomb is refused, nothing read
echo "SECRET-$$" > secret.txt
python3 - "$S/describe-network-interfaces.xml" "$TMP/secret.txt" <<'PY'
import sys
x = open(sys.argv[1]).read()
decl, body = x.split("\n", 1)
ent = ('<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://%s">]>' % sys.argv[2], "&xxe;")
bomb = ('<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">' + "".join('<!ENTITY %s "%s">' % (c, ("&%s;" % p) * 10)
        for p, c in zip("abcdefgh", "bcdefghi")) + ']>', "&i;")
for name, (dtd, ref) in (("xxe.xml", ent), ("bomb.xml", bomb)):
    open(name, "w").write(decl + "\n" + dtd + "\n" + body.replace("<value>etl-1</value>", "<value>%s</value>" % ref, 1))
PY
for x in xxe.xml bomb.xml; do
    run top "$S/v5" --eni-snapshot $x
    check "$RC" 1 "$x: refused"
    one_error "$x" "$x"
    grep -q "SECRET-$$" out err && bad "$x: the external entity was read"
done

[ $fail = 0 ] && echo "robustness_test: all checks passed"
exit $fail
