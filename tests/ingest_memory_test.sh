#!/bin/bash
# Memory grows with distinct groups, not with input size: 200,000 records
# once and ten times (2,000,000 records, the very same 5,000 groups) must peak
# within 10% of each other, and the ten-times run must report exactly ten
# times the counts. The ten inputs are ten files whose first records differ in
# srcport (not part of a group's key): the same file given ten times is now
# read once (cli.md INPUT: each input is read once). Also checks that --threads 1 and
# --threads 2 give byte-identical CSV and .fca output on a split plain file.
set -u
BIN=$1 SRC=$2 TMP=$3
rm -rf "$TMP" && mkdir -p "$TMP"
[ -x /usr/bin/time ] || { echo "skip: /usr/bin/time (Debian package 'time') is not installed"; exit 77; }
fail=0
trap 'rm -f "$TMP"/in*.log "$TMP"/in*.log.gz' EXIT

# 200,000 v2 records over 5,000 (ENI, src, dst) combinations, deterministic
python3 - "$TMP/in.log" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
    for i in range(200000):
        g = (i * 7919) % 5000
        f.write(f"2 123456789012 eni-{g % 50:017x} 10.0.{g // 250}.{g % 250} 52.1.{g % 7}.9 {1024 + i % 999} 443 6 {1 + i % 3} {100 + i % 1000} 1700000000 1700000060 ACCEPT OK\n")
EOF

# copy k: the same records, the first one's srcport raised by k (1024 + k):
# other bytes within the first 64 KiB that an input's fingerprint hashes (each
# input is read once), the same groups. Written by head/awk/tail: rewriting
# all 2,000,000 lines in Python took half of this test's CPU time.
for k in 0 1 2 3 4 5 6 7 8 9; do
  { head -1 "$TMP/in.log"; sed -n 2p "$TMP/in.log" | awk -v k=$k '{ $6 += k; print }'; tail -n +3 "$TMP/in.log"; } >"$TMP/in$k.log"
done
ten=(); for i in 0 1 2 3 4 5 6 7 8 9; do ten+=("$TMP/in$i.log"); done
/usr/bin/time -f "%M" -o "$TMP/m1" "$BIN" aggregate --threads 1 --csv "$TMP/one.csv" "$TMP/in0.log" || fail=1
/usr/bin/time -f "%M" -o "$TMP/m10" "$BIN" aggregate --threads 1 --csv "$TMP/ten.csv" "${ten[@]}" || fail=1
m1=$(tail -1 "$TMP/m1"); m10=$(tail -1 "$TMP/m10")
echo "peak RSS: 1x ${m1} KiB, 10x ${m10} KiB"
if [ "$(awk -v a="$m10" -v b="$m1" 'BEGIN { print (a <= 1.10 * b) ? 1 : 0 }')" != 1 ]; then
  echo "FAIL: 10x the records took more than 10% more memory"; fail=1
fi
# same groups, every count times ten
check=$(python3 - "$TMP/one.csv" "$TMP/ten.csv" <<'EOF'
import csv, sys
one = {tuple(r[:5]): [int(x) for x in r[5:]] for r in list(csv.reader(open(sys.argv[1])))[1:]}
ten = {tuple(r[:5]): [int(x) for x in r[5:]] for r in list(csv.reader(open(sys.argv[2])))[1:]}
ok = len(one) == 5000 and one.keys() == ten.keys() and all([10 * x for x in one[k]] == ten[k] for k in one)
print("ok" if ok else f"bad: {len(one)} groups once, {len(ten)} ten times")
EOF
)
[ "$check" = ok ] || { echo "FAIL: $check"; fail=1; }

# --threads 1 vs 2 with the file split in ranges: identical bytes
"$BIN" aggregate --threads 2 --csv "$TMP/t2.csv" -o "$TMP/t2.fca" "$TMP/in.log" || fail=1
"$BIN" aggregate --threads 1 --csv "$TMP/t1.csv" -o "$TMP/t1.fca" "$TMP/in.log" || fail=1
cmp -s "$TMP/t1.csv" "$TMP/one.csv" && cmp -s "$TMP/t1.csv" "$TMP/t2.csv" && cmp -s "$TMP/t1.fca" "$TMP/t2.fca" ||
  { echo "FAIL: output depends on --threads"; fail=1; }
exit $fail
