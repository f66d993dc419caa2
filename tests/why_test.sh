#!/usr/bin/env bash
# why_test: `flowcost why A B INPUT...` on three hand-made captures
# (tests/why/*.log, v5 with flow-direction, A = 10.0.1.10 on eni-…a1 in
# 10.0.1.0/24, B = 10.0.2.20 on eni-…b2 in 10.0.2.0/24):
#  - sg_reject: A→B tcp/443 accepted both ways; A→B tcp/5432 accepted at A's
#    ENI on the way out and REJECTed at B's on the way in, twice (06:01:40
#    and 07:01:40): B refused it → rejected_at_destination, 2 REJECT rows.
#  - nacl_return: A→B tcp/443 ACCEPT at both ENIs; B's replies to A's ports
#    41000 and 41002 (>= 32768, ephemeral) REJECTed at B's ENI on the way out
#    in the same hour → asymmetric_return, 2 rows, both "reply_refused".
#  - clean: ACCEPT both ways at both ENIs → accepted, no REJECT row.
# Expectations are read off the records above, not off the program.
# usage: why_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -euo pipefail
BIN=$1 SRC=$2 T=$3
rm -rf "$T" && mkdir -p "$T"
export FLOWCOST_CONFIG=
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# fixture | A | B | verdict | REJECT rows | REJECT records | rows marked reply_refused
while IFS='|' read -r fx a b verdict nrej nrec nasym; do
    [ -z "$fx" ] && continue
    out="$T/$fx-$(echo "$a$b" | tr -c 'a-z0-9' _).json"
    if ! "$BIN" why "$a" "$b" --json -q "$SRC/tests/why/$fx.log" >"$out" 2>"$T/err"; then
        fail "$fx $a $b exited non-zero: $(cat "$T/err")"
        continue
    fi
    got=$(python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
r = j["rejects"]
print(j["verdict"], len(r), sum(x["records"] for x in r), sum(1 for x in r if x["reply_refused"]))' "$out")
    [ "$got" = "$verdict $nrej $nrec $nasym" ] || fail "$fx: why $a $b gave '$got', expected '$verdict $nrej $nrec $nasym'"
done <<'CASES'
sg_reject|10.0.1.10|10.0.2.20|rejected_at_destination|2|2|0
sg_reject|10.0.1.0/24|eni-0bbbbbbbbbbbbbbb2|rejected_at_destination|2|2|0
nacl_return|10.0.1.10|10.0.2.20|asymmetric_return|2|2|2
nacl_return|eni-0aaaaaaaaaaaaaaa1|10.0.2.0/24|asymmetric_return|2|2|2
clean|10.0.1.10|10.0.2.20|accepted|0|0|0
clean|10.0.1.10|10.0.3.3|no_traffic|0|0|0
CASES

# Which side logged it: in sg_reject the REJECTs are at B's ENI, A→B, tcp/5432.
python3 - "$T/sg_reject-10_0_1_1010_0_2_20_.json" <<'PY' || fail "sg_reject's REJECT rows are not A->B tcp/5432 at B's ENI"
import json, sys
r = json.load(open(sys.argv[1]))["rejects"]
assert [(x["direction"], x["logged_at"], x["eni"], x["protocol"], x["port"], x["first"]) for x in r] == [
    ("a_to_b", "B", "eni-0bbbbbbbbbbbbbbb2", "tcp", 5432, "2025-12-06T06:01:40Z"),
    ("a_to_b", "B", "eni-0bbbbbbbbbbbbbbb2", "tcp", 5432, "2025-12-06T07:01:40Z")], r
PY

# The text form: verdict first, then the evidence.
"$BIN" why 10.0.1.10 10.0.2.20 -q "$SRC/tests/why/nacl_return.log" >"$T/text" 2>"$T/err" || fail "text form exited non-zero"
head -1 "$T/text" | grep -qx 'verdict: asymmetric_return' || fail "text form does not start with the verdict: $(head -1 "$T/text")"
grep -q 'reply refused' "$T/text" || fail "text form does not mark the refused replies"

# Usage errors: exit 2 with one line.
set +e
"$BIN" why 10.0.1.10 "$SRC/tests/why/clean.log" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 2 ] && grep -q "expected 'flowcost why A B INPUT" "$T/err" || fail "why without B: exit $rc, $(cat "$T/err")"
"$BIN" why 10.0.1.10 no-such-name -q "$SRC/tests/why/clean.log" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "'no-such-name' is no address" "$T/err" \
    || fail "unknown name: exit $rc, $(cat "$T/err")"
set -e

[ $fails -eq 0 ] && echo "why_test: all passed" || exit 1
