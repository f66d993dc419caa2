#!/usr/bin/env bash
# coverage_test (issue 12 item 7): short or gappy periods are not extrapolated without a word.
# JSON `coverage` {hours, hours_with_records, first_record, last_record}; under 90% of the hours
# with records, stderr (even with -q), the report's summary, the mail and data_quality.notices say
# so, and the run-rate and findings' monthly savings are extrapolated from the hours with data
# (docs/cost-model.md "Gaps"); a capture under an hour says it is too short to extrapolate.
# Expected figures are worked out in the comments (Internet egress $0.09/GiB, cost-model.md §3;
# month = 30 days = 720 h, §5).
# usage: bash coverage_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
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
T0=1793577600   # 2026-11-02T00:00:00Z
G=1073741824
rec() { echo "2 123456789012 eni-0a1 10.0.0.1 198.51.100.9 49152 443 6 10 $G $1 $2 ACCEPT OK"; }
# gaps.log: 1 GiB to the Internet at 00:00 and at 23:00: $0.18 over [00:00, 23:01] = 24 clock
# hours, 2 with records -> run-rate 0.18 x 720 / 2 = 64.80 (from the period it would be
# 0.18 x 720 / (23 h 1 min) = 5.6307)
printf '%s\n' "$HDR" "$(rec $T0 $((T0 + 60)))" "$(rec $((T0 + 82800)) $((T0 + 82860)))" > gaps.log
# short.log: one 1 GiB record over 40 minutes: 1 clock hour, 1 with records; too short
printf '%s\n' "$HDR" "$(rec $T0 $((T0 + 2400)))" > short.log
# full.log: 1 GiB in each of the 24 hours, each record 3600 s long: full coverage, no notice;
# $2.16 x 720 / 24 = 64.80
{ echo "$HDR"; for h in $(seq 0 23); do rec $((T0 + h * 3600)) $((T0 + h * 3600 + 3600)); done; } > full.log
# long.log: one record lasting the whole day (re-aggregated data): it starts in 1 hour but covers
# 24, so no notice and 0.09 x 30 = 2.70 (not 0.09 x 720 / 1 = 64.80)
printf '%s\n' "$HDR" "$(rec $T0 $((T0 + 86400)))" > long.log

# json FILE EXPR...: each Python expression over the JSON document d, one line each
# (one Python start for them all)
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [print(eval(e)) for e in sys.argv[2:]]' "$@"; }

# rows: input | options | coverage | run-rate | gappy notice (yes/no) | short notice (yes/no)
cases=(
"gaps.log||{'hours': 24, 'hours_with_records': 2, 'first_record': '2026-11-02T00:00:00Z', 'last_record': '2026-11-02T23:01:00Z'}|64.8|yes|no"
"short.log||{'hours': 1, 'hours_with_records': 1, 'first_record': '2026-11-02T00:00:00Z', 'last_record': '2026-11-02T00:40:00Z'}|97.2|no|yes"
"full.log||{'hours': 24, 'hours_with_records': 24, 'first_record': '2026-11-02T00:00:00Z', 'last_record': '2026-11-03T00:00:00Z'}|64.8|no|no"
# 7 days around full.log's one day: 168 hours, 24 with records; still 64.80 (not 2.16 x 720 / 168 = 9.2571)
"long.log||{'hours': 24, 'hours_with_records': 1, 'first_record': '2026-11-02T00:00:00Z', 'last_record': '2026-11-03T00:00:00Z'}|2.7|no|no"
"full.log|--since 2026-11-01T00:00:00Z --until 2026-11-08T00:00:00Z|{'hours': 168, 'hours_with_records': 24, 'first_record': '2026-11-02T00:00:00Z', 'last_record': '2026-11-03T00:00:00Z'}|64.8|yes|no"
)
for row in "${cases[@]}"; do
    IFS='|' read -r in opts cov rate gappy short <<<"$row"
    # shellcheck disable=SC2086
    "$bin" top "$in" $opts --ip-ranges "$S/ip-ranges.json" --output json -q >r.json 2>err || bad "$in $opts: exit $?"
    gappy_pat="hours of the period have records" short_pat="too short to extrapolate"
    v=()
    mapfile -t v < <(json r.json '{k: d["coverage"][k] for k in ("hours", "hours_with_records", "first_record", "last_record")}' \
        'round(d["totals"]["monthly_run_rate_usd"], 4)' \
        "sum('$gappy_pat' in n for n in d['data_quality']['notices'])" \
        "sum('$short_pat' in n for n in d['data_quality']['notices'])")
    got=${v[0]-}
    [ "$got" == "$cov" ] || bad "$in $opts: coverage $got, expected $cov"
    got=${v[1]-}
    [ "$got" == "$rate" ] || bad "$in $opts: run-rate $got, expected $rate"
    for kind in gappy short; do
        case $kind in gappy) pat=$gappy_pat want=$gappy n_json=${v[2]-} ;; short) pat=$short_pat want=$short n_json=${v[3]-} ;; esac
        n_err=$(grep -c "^flowcost: warning: .*$pat" err)
        if [ "$want" == yes ]; then
            [ "$n_err" == 1 ] && [ "$n_json" == 1 ] || bad "$in $opts: $kind notice: stderr $n_err, JSON $n_json (under -q)"
        else
            [ "$n_err" == 0 ] && [ "$n_json" == 0 ] || bad "$in $opts: unexpected $kind notice: $(cat err)"
        fi
    done
done
grep -q "extrapolated from the 2 hours that have data" <("$bin" top gaps.log --ip-ranges "$S/ip-ranges.json" -q 2>&1 >/dev/null) \
    || bad "the gappy notice does not say what the run-rate is extrapolated from"

# the report's summary and the mail say it too
"$bin" report gaps.log --ip-ranges "$S/ip-ranges.json" -q -o gaps.html 2>/dev/null
grep -q "only 2 of the 24 hours of the period have records" gaps.html || bad "the report does not state the gaps"
"$bin" top gaps.log --ip-ranges "$S/ip-ranges.json" -q --mail-to ops@example.com --mail-from ci@example.com \
    --mail-dry-run gaps.eml >/dev/null 2>&1
python3 - gaps.eml <<'PY' || bad "the mail does not state the gaps"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
text = m.get_body(("plain",)).get_content()
sys.exit(0 if "only 2 of the 24 hours of the period have records" in text else 1)
PY

# the sample has every hour: no notice, and its figures do not move (31.2866796875 x 30 = 938.6004);
# seen through a 7-day window the run-rate and every finding's monthly saving stay the same
"$bin" top "$S/v5" "${SNAP[@]}" --output json -q >day.json 2>err || bad "sample: exit $?"
[ ! -s err ] || bad "sample: messages under -q: $(cat err)"
[ "$(json day.json 'd["coverage"]["hours"], d["coverage"]["hours_with_records"], d["data_quality"]["notices"]')" == "(24, 24, [])" ] \
    || bad "sample coverage: $(json day.json 'd["coverage"], d["data_quality"]["notices"]')"
[ "$(json day.json 'round(d["totals"]["monthly_run_rate_usd"], 4)')" == 938.6004 ] || bad "sample run-rate moved"
"$bin" top "$S/v5" "${SNAP[@]}" --since 2026-11-01T00:00:00Z --until 2026-11-08T00:00:00Z --output json -q >week.json 2>/dev/null
[ "$(json week.json 'round(d["totals"]["monthly_run_rate_usd"], 4)')" == 938.6004 ] \
    || bad "7-day window over the sample's day: run-rate $(json week.json 'd["totals"]["monthly_run_rate_usd"]'), expected 938.6004 (not 134.0858)"
[ "$(json week.json '[round(f["monthly_savings_usd"], 4) for f in d["findings"]]')" == \
  "$(json day.json '[round(f["monthly_savings_usd"], 4) for f in d["findings"]]')" ] \
    || bad "7-day window: findings' monthly savings differ from the day's: $(json week.json '[f["monthly_savings_usd"] for f in d["findings"]]')"
[ "$(json day.json 'len(d["findings"]) > 2')" == True ] || bad "the sample should have findings to compare"

[ $fail -eq 0 ] && echo "ok: coverage" || exit 1
