#!/bin/bash
# options_test: the option changes of cli.md — relative and second-less times, the config file
# (defaults, the command line wins, unknown keys are usage errors naming file:line), `top -o FILE`
# with the format from the extension and `--format`, the older `--output FORMAT`, mail options
# checked before any input is read, `--mail-to a,b`, and exit 4 over budget even when the mail
# cannot be sent.
# Usage: options_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 TMP=$3
PY=${PYTHON:-python3}
rm -rf "$TMP" && mkdir -p "$TMP" || exit 1
cd "$TMP" || exit 1
export FLOWCOST_CONFIG=   # no config file unless a case sets one
fail=0 n=0
ok() { n=$((n + 1)); echo "ok - $1"; }
bad() { n=$((n + 1)); echo "FAIL - $1"; fail=$((fail + 1)); }

# Three records an hour apart (2026-11-02 10:00, 11:00, 12:00 UTC), each 1 GiB from a private
# address to the Internet: without a snapshot each costs 1 x 0.09 = $0.09.
# (1793613600 = 2026-11-02T10:00:00Z.)
{ echo "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
  for h in 0 1 2; do
    s=$((1793613600 + h * 3600))
    echo "2 123456789012 eni-0aaa 10.0.1.10 198.51.100.9 40000 443 6 1000 1073741824 $s $((s + 60)) ACCEPT OK"
  done; } >flows.log
NOW=2026-11-02T13:00:00Z
records() { "$BIN" top -q flows.log --now $NOW --output json "$@" 2>err | $PY -c 'import json,sys; print(json.load(sys.stdin)["records"]["used"])'; }

# --- times ---------------------------------------------------------------------------------
# --since 2h from 13:00 = 11:00: the 11:00 and 12:00 records; 150m = 10:30: the same two;
# --until 1h = 12:00: only 10:00 and 11:00 with --since 3h (10:00).
[ "$(records --since 2h)" = 2 ] && ok "--since 2h keeps 2 records" || bad "--since 2h: $(records --since 2h) $(cat err)"
[ "$(records --since 150m)" = 2 ] && ok "--since 150m keeps 2" || bad "--since 150m"
[ "$(records --since 3h --until 1h)" = 2 ] && ok "--since 3h --until 1h keeps 2" || bad "--since 3h --until 1h"
[ "$(records --since 1d)" = 3 ] && ok "--since 1d keeps 3" || bad "--since 1d"
[ "$(records --since 2w)" = 3 ] && ok "--since 2w keeps 3" || bad "--since 2w"
[ "$(records --since 2026-11-02T11:00)" = 2 ] && ok "RFC 3339 without seconds" || bad "--since 2026-11-02T11:00: $(cat err)"
[ "$(records --since 2026-11-02T10:30+00:00)" = 2 ] && ok "RFC 3339 without seconds, with offset" || bad "--since ...T10:30+00:00: $(cat err)"
"$BIN" top -q flows.log --since 7x >/dev/null 2>err; rc=$?
[ $rc = 2 ] && grep -q "90m, 36h, 7d, 2w" err && ok "a bad span is a usage error" || bad "--since 7x: rc $rc $(cat err)"
"$BIN" top -q flows.log --now 2h >/dev/null 2>err; rc=$?
[ $rc = 2 ] && ok "--now takes no span" || bad "--now 2h: rc $rc"

# --- top -o FILE / --format / --output FORMAT ------------------------------------------------
"$BIN" top -q flows.log -o top.csv >out 2>err; rc=$?
[ $rc = 0 ] && [ ! -s out ] && head -1 top.csv | grep -q '^rank,ip,' && ok "-o top.csv writes CSV to the file" \
  || bad "-o top.csv: rc $rc, $(head -c 200 out) $(cat err)"
"$BIN" top -q flows.log -o top.json && $PY -c 'import json; json.load(open("top.json"))' && ok "-o top.json writes JSON" || bad "-o top.json"
"$BIN" top -q flows.log -o top.out --format csv && head -1 top.out | grep -q '^rank,' && ok "--format wins over the extension" || bad "--format csv"
"$BIN" top -q flows.log --format html >out && grep -q '<table' out && ok "--format html to stdout" || bad "--format html"
"$BIN" top -q flows.log --output json >out && $PY -c 'import json; json.load(open("out"))' && ok "the older --output json" || bad "--output json"
"$BIN" top -q flows.log -o top.yaml >/dev/null 2>err; rc=$?
[ $rc = 2 ] && grep -q "cannot tell the format" err && ok "unknown extension: usage error" || bad "-o top.yaml: rc $rc"
[ ! -e top.yaml ] && ok "nothing written on a usage error" || bad "top.yaml written"
"$BIN" top -q flows.log --format yaml >/dev/null 2>err; [ $? = 2 ] && ok "--format yaml: usage error" || bad "--format yaml"
"$BIN" report --help | grep -q "table|csv" && bad "report --help mentions top's formats" || ok "report --help has no top formats"

for c in "enrich --output json" "report flows.log -o html" "topology flows.log -o svg" "report flows.log -o - --json -"; do
  # shellcheck disable=SC2086
  "$BIN" $c >/dev/null 2>err; rc=$?
  [ $rc = 2 ] && [ "$(wc -l <err)" = 1 ] && ok "usage error: $c" || bad "$c: rc $rc $(cat err)"
done
[ ! -e json ] && [ ! -e html ] && ok "no file named after a format" || bad "a file named json/html was written"

# --- config file ---------------------------------------------------------------------------
cat >cfg <<CFG
# defaults for every command
limit = 1
format = csv
since = 2h
strict = false
mail-to = nobody@example.com   
smtp-url = "smtp://127.0.0.1:9"
CFG
# top without mail options on the command line would now mail: give it a dry run instead.
FLOWCOST_CONFIG=cfg "$BIN" top -q flows.log --now $NOW --mail-dry-run m.eml --mail-from ci@example.com >out 2>err; rc=$?
[ $rc = 0 ] && head -1 out | grep -q '^rank,' && [ "$(wc -l <out)" = 2 ] && ok "config: limit and format from the file" \
  || bad "config defaults: rc $rc $(cat err) $(cat out)"
grep -qi '^To: nobody@example.com' m.eml && ok "config: mail-to from the file" || bad "config mail-to"
FLOWCOST_CONFIG=cfg "$BIN" top -q flows.log --now $NOW --limit 0 --format json --mail-to a@example.com,b@example.com \
  --mail-dry-run m2.eml --mail-from ci@example.com >out 2>err
$PY - <<'PY' && ok "command line wins; --since 2h from the file applied" || bad "command line over config: $(cat err)"
import json
d = json.load(open("out"))
assert d["records"]["used"] == 2, d["records"]
PY
$PY -c 'import email,sys; m=email.message_from_file(open("m2.eml")); t=m["To"].replace(" ","").replace("\n",""); sys.exit(t!="a@example.com,b@example.com")' \
  && ok "--mail-to a,b replaces the file's list" || bad "mail-to a,b: $(grep -i -A1 '^To:' m2.eml)"
FLOWCOST_CONFIG=cfg "$BIN" top flows.log --now $NOW -v --mail-dry-run m3.eml --mail-from ci@example.com >/dev/null 2>err
grep -q "defaults read from cfg" err && ok "-v says which config file was read" || bad "-v config: $(cat err)"
printf 'limt = 3\n' >cfg2
FLOWCOST_CONFIG=cfg2 "$BIN" top -q flows.log >/dev/null 2>err; rc=$?
[ $rc = 2 ] && grep -q "cfg2:1: unknown option 'limt'" err && ok "unknown config key: usage error with file:line" || bad "cfg2: rc $rc $(cat err)"
printf 'level = eni\n' >cfg3   # a topology option: ignored by top
FLOWCOST_CONFIG=cfg3 "$BIN" top -q flows.log >/dev/null 2>err && ok "another command's option in the file is ignored" || bad "cfg3: $(cat err)"
mkdir -p xdg/flowcost && printf 'format = csv\n' >xdg/flowcost/config
env -u FLOWCOST_CONFIG XDG_CONFIG_HOME=$TMP/xdg "$BIN" top -q flows.log | head -1 | grep -q '^rank,' \
  && ok "\$XDG_CONFIG_HOME/flowcost/config is read" || bad "XDG config"
FLOWCOST_CONFIG=missing.cfg "$BIN" top -q flows.log >/dev/null 2>err; rc=$?
[ $rc = 2 ] && grep -q "missing.cfg" err && ok "a missing \$FLOWCOST_CONFIG is an error naming it" || bad "missing config: rc $rc"
FLOWCOST_CONFIG=cfg2 "$BIN" top --help >/dev/null && ok "--help works whatever the config says" || bad "--help with a bad config"

# --- mail options are checked before any input is read (exit 2, the input does not exist) ----
for c in "--mail-to not-an-address --mail-from ci@example.com --smtp-url smtp://127.0.0.1:25" \
         "--mail-to a@example.com --smtp-url smtp://127.0.0.1:25" \
         "--mail-to a@example.com --mail-from ci@example.com --smtp-url 127.0.0.1:25" \
         "--mail-to a@example.com --mail-from bad --smtp-url smtp://127.0.0.1:25"; do
  # shellcheck disable=SC2086
  "$BIN" top does-not-exist.log $c >/dev/null 2>err; rc=$?
  [ $rc = 2 ] && [ "$(wc -l <err)" = 1 ] && ! grep -q does-not-exist err && ok "usage error before input: $c" \
    || bad "$c: rc $rc $(cat err)"
done

# --- over budget and the mail fails: still exit 4 (total 0.27 > 0.10) ------------------------
closed=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" top -q flows.log --fail-above 0.10 --mail-to a@example.com --mail-from ci@example.com \
  --smtp-url "smtp://127.0.0.1:$closed" >/dev/null 2>err; rc=$?
[ $rc = 4 ] && grep -q "smtp://127.0.0.1:$closed" err && grep -q "above --fail-above" err \
  && ok "over budget with SMTP down: exit 4, both errors said" || bad "budget + smtp down: rc $rc $(cat err)"

echo "$((n - fail)) passed, $fail failed"
[ $fail = 0 ]
