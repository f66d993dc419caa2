#!/usr/bin/env bash
# quiet_test (issue 12 item 9): -q never hides data loss, and success says one line.
# - with -q, "skipped N of M records", a truncated gzip and a gappy period are still on stderr
#   (-q used to drop the first two; docs/automation.md's cron line uses -q);
# - without -q every command that succeeds prints exactly one line to stderr: what it wrote, the
#   total and the coverage ("flowcost: wrote report.html: $31.29 over 24.0 h, 24 of 24 hours with
#   records" on the sample: $31.2866796875, docs/sample.md); with -q nothing; stdout carries only
#   the requested output.
# usage: bash quiet_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp" && cd "$tmp" || exit 1
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
export LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0
export SOURCE_DATE_EPOCH=1793750400
fail=0
bad() { echo "FAIL: $*"; fail=1; }
S=$src/fixtures/sample
SNAP=(--eni-snapshot "$S/describe-network-interfaces.xml" --eni-snapshot "$S/describe-subnets.xml" --ip-ranges "$S/ip-ranges.json")
HDR="version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
T0=1793577600
rec() { echo "2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 443 49152 6 1 100 $((T0 + $1 * 3600)) $((T0 + $1 * 3600 + 3600)) ACCEPT OK"; }
# lossy/: 24 good hours in good.log, one malformed line in bad.log, and a gzip cut short
mkdir -p lossy
{ echo "$HDR"; for h in $(seq 0 23); do rec "$h"; done; } > lossy/good.log
{ echo "$HDR"; rec 0; echo "2 123456789012 eni-0a1 broken"; } > lossy/bad.log
{ echo "$HDR"; for h in $(seq 0 23); do rec "$h"; done; } | gzip -c > full.gz
head -c $(( $(stat -c %s full.gz) - 12 )) full.gz > lossy/cut.log.gz

for q in -q ""; do
    for cmd in "top" "report -o r.html" "topology -o t.svg" "aggregate -o a.fca"; do
        # shellcheck disable=SC2086
        "$bin" $cmd lossy $q >out 2>err
        rc=$?
        [ $rc -eq 0 ] || bad "$cmd $q: exit $rc: $(cat err)"
        grep -q "^flowcost: warning: skipped 1 of 2 records in lossy/bad.log" err || bad "$cmd $q: no skipped-records warning: $(cat err)"
        grep -q "^flowcost: warning: lossy/cut.log.gz: .*gzip" err || bad "$cmd $q: no truncated-gzip warning: $(cat err)"
        n=$(grep -c '^flowcost: wrote ' err)
        if [ -n "$q" ]; then [ "$n" == 0 ] || bad "$cmd -q printed a success line"; else [ "$n" == 1 ] || bad "$cmd: $n success lines"; fi
    done
done

# the success line on the sample, and stdout holding only the requested output
"$bin" report "$S/v5" "${SNAP[@]}" -o report.html >out 2>err
[ "$(cat err)" == 'flowcost: wrote report.html: $31.29 over 24.0 h, 24 of 24 hours with records' ] || bad "report's line: $(cat err)"
[ -s out ] && bad "report wrote to stdout"
"$bin" report "$S/v5" "${SNAP[@]}" -o report.html --json r.json >out 2>err
[ "$(cat err)" == 'flowcost: wrote report.html and r.json: $31.29 over 24.0 h, 24 of 24 hours with records' ] || bad "report --json line: $(cat err)"
"$bin" topology "$S/v5" "${SNAP[@]}" -o topo.svg >out 2>err
[ "$(cat err)" == 'flowcost: wrote topo.svg: $31.29 over 24.0 h, 24 of 24 hours with records' ] || bad "topology's line: $(cat err)"
"$bin" top "$S/v5" "${SNAP[@]}" --output json --limit 0 >top.json 2>err
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' top.json || bad "top's stdout is not only the JSON"
[ "$(cat err)" == 'flowcost: wrote the top 58 of 58 by ip as json to standard output: $31.29 over 24.0 h, 24 of 24 hours with records' ] \
    || bad "top's line: $(cat err)"
# the sample: 4,661 OK records (docs/sample.md) in 24 of 24 hours
"$bin" aggregate "$S/v5" -o s.fca >out 2>err
grep -qx 'flowcost: wrote s.fca: 4,661 records in [0-9,]* groups over 24.0 h, 24 of 24 hours with records' err || bad "aggregate's line: $(cat err)"
for c in "report $S/v5 -o q.html ${SNAP[*]}" "topology $S/v5 -o q.svg ${SNAP[*]}" "top $S/v5 ${SNAP[*]}" "aggregate $S/v5 -o q.fca"; do
    # shellcheck disable=SC2086
    "$bin" $c -q >out 2>err
    rc=$?
    [ $rc -eq 0 ] && [ ! -s err ] || bad "-q on the sample ($c): exit $rc, printed: $(cat err)"
done

# docs/automation.md's cron line keeps -q: it must now be safe
grep -q -- ' -q' "$src/docs/automation.md" || echo "note: docs/automation.md no longer uses -q"

[ $fail -eq 0 ] && echo "ok: quiet and success lines" || exit 1
