#!/bin/bash
# The tail of `flowcost aggregate --csv x.csv -o x.fca` at tens of thousands
# of groups (docs/performance.md §14): the CSV rows taken on several
# threads, merged, ordered by bytes with long runs of equal bytes (ties
# decided by the ENI carried in the order's keys, then by the row), ENI
# fields shorter, as long as and longer than the 32 bytes copied whole, one
# that must be quoted; the .fca written through the canonical order without
# moving the groups. The expected CSV is worked out by an independent
# reference (the python below: sums per five-key group, then the order of
# cli.md: bytes descending, ENI text, addresses, action, status), never
# from flowcost's output; the .fca must be the same for every --threads,
# for -o alone, and read back, give the same rows.
set -u
BIN=$1 TMP=$3
rm -rf "$TMP" && mkdir -p "$TMP"
fail=0
check() { if [ "$1" != "$2" ]; then echo "FAIL: $3"; echo "  expected: $2"; echo "  got:      $1"; fail=1; fi; }

# 72,000 records: record i has srcaddr 10.(i/65536).(i/256%256).(i%256) and
# dstaddr 10.1.0.(i%7), its bytes (i % 5) * 100, so about 14,400 rows share
# each bytes value; ENI i % 6 of the list; the records of i >= 60,000 repeat
# the keys of i - 60,000 an hour later (their rows merge into those:
# packets, bytes and records add up; the .fca keeps both hours).
python3 - "$TMP" <<'EOF'
import sys
tmp = sys.argv[1]
enis = ["eni-0a", "eni-" + "b" * 28,          # 32 bytes: copied whole exactly
        "eni-" + "c" * 29,                      # 33 bytes: the long path
        "eni-" + "d" * 60, "eni-a,b", "eni-0a0"]
groups = {}
with open(tmp + "/in.log", "w") as f:
    for i in range(72000):
        k = i if i < 60000 else i - 60000
        eni = enis[k % 6]
        src = "10.%d.%d.%d" % (k >> 16, (k >> 8) & 255, k & 255)
        dst = "10.1.0.%d" % (k % 7)
        pk, by = 1 + i % 3, (i % 5) * 100
        start = 1800000000 + (3600 if i >= 60000 else 0)
        f.write("2 123456789012 %s %s %s 443 40000 6 %d %d %d %d ACCEPT OK\n" % (eni, src, dst, pk, by, start, start + 60))
        g = groups.setdefault((eni, src, dst), [0, 0, 0])
        g[0] += pk; g[1] += by; g[2] += 1
def ipkey(s): return tuple(int(x) for x in s.split("."))
def field(s): return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\r\n') else s
rows = sorted(groups.items(), key=lambda kv: (-kv[1][1], kv[0][0].encode(), ipkey(kv[0][1]), ipkey(kv[0][2])))
with open(tmp + "/want.csv", "w") as f:
    f.write("interface_id,srcaddr,dstaddr,action,log_status,packets,bytes,records\n")
    for (eni, src, dst), (pk, by, rec) in rows:
        f.write("%s,%s,%s,ACCEPT,OK,%d,%d,%d\n" % (field(eni), src, dst, pk, by, rec))
EOF
check "$(($(wc -l <"$TMP/want.csv") - 1))" 60000 "the reference has one row per five-key group"

for t in 1 2 3 8; do
  "$BIN" aggregate -q --threads $t --csv "$TMP/t$t.csv" -o "$TMP/t$t.fca" "$TMP/in.log"
  check "$?" 0 "aggregate --threads $t"
  cmp -s "$TMP/want.csv" "$TMP/t$t.csv" || { echo "FAIL: --threads $t: CSV differs from the reference"; diff "$TMP/want.csv" "$TMP/t$t.csv" | head -5; fail=1; }
  [ $t = 1 ] || cmp -s "$TMP/t1.fca" "$TMP/t$t.fca" || { echo "FAIL: --threads $t: .fca differs from --threads 1"; fail=1; }
done
"$BIN" aggregate -q --threads 2 -o "$TMP/alone.fca" "$TMP/in.log" && cmp -s "$TMP/t1.fca" "$TMP/alone.fca" ||
  { echo "FAIL: -o alone gives another .fca"; fail=1; }
# read back: the same rows; written again (it records the .fca as an input
# too), the same bytes on one thread and on three
"$BIN" aggregate -q --threads 3 -o "$TMP/again3.fca" --csv "$TMP/again.csv" "$TMP/t1.fca" &&
  "$BIN" aggregate -q --threads 1 -o "$TMP/again1.fca" "$TMP/t1.fca" &&
  cmp -s "$TMP/again1.fca" "$TMP/again3.fca" && cmp -s "$TMP/want.csv" "$TMP/again.csv" ||
  { echo "FAIL: the .fca read back and written again differs"; fail=1; }
# the "wrote" line's coverage (worked out by whichever thread is done first)
"$BIN" aggregate --threads 2 --csv "$TMP/w.csv" -o "$TMP/w.fca" "$TMP/in.log" 2>"$TMP/err"
check "$(cat "$TMP/err")" "flowcost: wrote $TMP/w.fca and $TMP/w.csv: 72,000 records in 72,000 groups over 1.0 h, 2 of 2 hours with records" "the wrote line"
exit $fail
