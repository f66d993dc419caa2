#!/usr/bin/env bash
# empty_input_test (issue 12 item 5): nothing to report is an error. When no record is used — no
# input files, no flow-log lines, every record malformed or outside --since/--until, a wrong s3://
# prefix — report, top and topology exit 1 with ONE line saying what was read (files, lines,
# records kept), write no output and send no mail (the CI gate `top EMPTY --fail-above 1` used to
# pass with "total $0.00" and mail "1970-01-01 to 1970-01-01"); --allow-empty writes the empty
# result and exits 0. aggregate writes an empty .fca (exit 0) with a warning that -q keeps.
# usage: bash empty_input_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp" && cd "$tmp" || exit 1
fail=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { :; }
export SOURCE_DATE_EPOCH=1793750400   # 2026-11-04T00:00:00Z
export LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0

HDR="version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
T0=1793577600   # 2026-11-02T00:00:00Z
mkdir -p emptydir notlogs
printf 'hello\nworld\n' > notlogs/readme.txt            # 2 lines, neither a record: 2 malformed
printf '{"a": 1}\n' > notlogs/config.json              # JSON: one verdict line, not read (issue 12 item 10)
printf '%s\n' "$HDR" "2 123456789012 eni-0a1 10.0.0.1 198.51.100.9 443 49152 6 10 1000 $T0 $((T0 + 60)) ACCEPT OK" > one.log

# Each row: name | INPUT and options | substrings the one error line must hold (tab-separated)
# what was read, counted by hand: files opened, data lines, records parsed, malformed, outside the window
cases=(
"empty directory|emptydir|0 files read	0 data lines	0 flow-log records	0 used"
"not flow logs|notlogs|2 files read	2 data lines	0 flow-log records	2 malformed	0 used	1 file not a text flow log (0 Parquet, 1 JSON-wrapped, 0 binary)"
"window with no data|one.log --since 2026-11-05T00:00:00Z --until 2026-11-06T00:00:00Z|1 file read	1 data line	1 flow-log record	1 outside --since/--until	0 used"
)
for row in "${cases[@]}"; do
    IFS='|' read -r name args want <<<"$row"
    for cmd in "top --fail-above 1" report topology; do
        case $cmd in top*) out=() ;; report) out=(-o out.html) ;; topology) out=(-o out.svg) ;; esac
        rm -f out.html out.svg
        # shellcheck disable=SC2086
        "$bin" $cmd $args "${out[@]}" -q >stdout 2>stderr
        rc=$?
        [ $rc -eq 1 ] || bad "$name: $cmd exit $rc, expected 1"
        # one error line, the last (warnings about the malformed files may come before it)
        [ "$(grep -c '^flowcost: error: ' stderr)" -eq 1 ] && tail -1 stderr | grep -q '^flowcost: error: nothing to report: ' \
            || bad "$name: $cmd: stderr does not end with one 'nothing to report' line: $(cat stderr)"
        IFS=$'\t' read -ra subs <<<"$want"
        for s in "${subs[@]}" "use --allow-empty"; do
            grep -qF -- "$s" stderr || bad "$name: $cmd: the error lacks '$s': $(cat stderr)"
        done
        [ -s stdout ] && bad "$name: $cmd wrote to stdout: $(head -c 200 stdout)"
        [ -e out.html ] || [ -e out.svg ] && bad "$name: $cmd wrote its output file"
    done
    # --allow-empty: the empty result, exit 0 (the budget is not exceeded by $0)
    # shellcheck disable=SC2086
    "$bin" top $args --allow-empty --fail-above 1 -q >stdout 2>stderr
    rc=$?
    [ $rc -eq 0 ] && grep -q 'total \$0\.00' stdout || bad "$name: top --allow-empty exit $rc: $(cat stdout stderr)"
    # shellcheck disable=SC2086
    "$bin" report $args --allow-empty -q -o out.html 2>stderr && [ -s out.html ] \
        || bad "$name: report --allow-empty did not write the page: $(cat stderr)"
done

# aggregate: the empty .fca is written (an hour without logs merges later), never silently
"$bin" aggregate emptydir -q -o e.fca 2>stderr
rc=$?
[ $rc -eq 0 ] && [ -s e.fca ] || bad "aggregate of nothing: exit $rc or no .fca"
grep -q '^flowcost: warning: nothing to report: 0 files read.*the aggregate is empty' stderr \
    || bad "aggregate of nothing: no warning under -q: $(cat stderr)"
# ... and pricing that .fca alone is nothing to report again (1 file, the .fca)
"$bin" top e.fca -q >stdout 2>stderr
[ $? -eq 1 ] && grep -q 'nothing to report' stderr || bad "top over an empty .fca: $(cat stderr)"

# the mail: no message on empty input, before any SMTP connection; --allow-empty sends it
PY=/usr/bin/python3
if $PY -c 'import aiosmtpd' 2>/dev/null; then
    mkdir -p box
    $PY "$src/tests/smtp_sink.py" "$tmp/box" "$tmp/port" 2>"$tmp/sink.log" &
    sink=$!
    for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
    port=$(cat port)
    mail=(--mail-to ops@example.com --mail-from ci@example.com --smtp-url "smtp://127.0.0.1:$port")
    "$bin" top emptydir --fail-above 1 "${mail[@]}" >stdout 2>stderr
    rc=$?
    [ $rc -eq 1 ] && grep -q 'nothing to report' stderr || bad "mail on empty input: exit $rc: $(cat stderr)"
    sleep 0.3
    [ -z "$(ls box)" ] || bad "a mail was sent for empty input: $(ls box)"
    "$bin" top emptydir --allow-empty "${mail[@]}" -q >stdout 2>stderr
    rc=$?
    for _ in $(seq 50); do [ -e box/1.eml ] && break; sleep 0.1; done
    [ $rc -eq 0 ] && [ -e box/1.eml ] || bad "--allow-empty: exit $rc, mail not sent: $(cat stderr)"
    kill $sink 2>/dev/null; wait $sink 2>/dev/null
else
    echo "skip: python3-aiosmtpd not installed (mail part)"
fi

# a wrong s3:// prefix (moto S3): nothing listed is nothing to report
if command -v moto_server >/dev/null 2>&1 && python3 -c 'import boto3' 2>/dev/null; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    python3 "$src/tests/s3_moto_server.py" -H 127.0.0.1 -p "$port" >moto.log 2>&1 &
    moto=$!
    ep=http://127.0.0.1:$port
    # ready once it accepts connections: a bash probe, not a Python start per try
    for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
    python3 - "$ep" one.log <<'PY' || bad "moto setup"
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="k", aws_secret_access_key="s")
s3.create_bucket(Bucket="logs")
s3.upload_file(sys.argv[2], "logs", "vpc/one.log")
PY
    export AWS_ACCESS_KEY_ID=k AWS_SECRET_ACCESS_KEY=s AWS_REGION=us-east-1 AWS_ENDPOINT_URL=$ep
    export AWS_CONFIG_FILE=$tmp/none AWS_SHARED_CREDENTIALS_FILE=$tmp/none
    unset AWS_PROFILE AWS_SESSION_TOKEN
    "$bin" top s3://logs/vpc/ -q --output json >stdout 2>stderr
    [ $? -eq 0 ] || bad "s3 right prefix: $(cat stderr)"
    "$bin" top s3://logs/wrong-prefix/ --fail-above 1 -q >stdout 2>stderr
    rc=$?
    [ $rc -eq 1 ] && grep -q '^flowcost: error: nothing to report: 0 files read' stderr \
        || bad "s3 wrong prefix: exit $rc: $(cat stderr)"
    kill $moto 2>/dev/null; wait $moto 2>/dev/null
else
    echo "skip: moto_server or boto3 missing (s3 part)"
fi

[ $fail -eq 0 ] && echo "ok: empty inputs" || exit 1
