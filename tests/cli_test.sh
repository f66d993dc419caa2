#!/usr/bin/env bash
# The command-line contract of cli.md: help, usage errors (exit 2, one line),
# missing inputs (exit 1 naming the file), version.
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }
expect_rc() { # expected-rc description command...
  local want=$1 what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [ $rc -eq "$want" ]; then ok; else bad "$what: exit $rc, expected $want; stderr: $(head -c 300 "$tmp/err")"; fi
}

expect_rc 0 "--help" "$bin" --help
diff -u "$src/tests/golden/help.txt" "$tmp/out" >/dev/null && ok || bad "--help differs from tests/golden/help.txt"
for c in report top topology aggregate enrich rates; do
  expect_rc 0 "$c --help" "$bin" $c --help
  grep -q "^usage: flowcost $c" "$tmp/out" && ok || bad "$c --help has no usage line"
  grep -q -- "--help" "$tmp/out" && ok || bad "$c --help does not list --help"
done
grep -q -- "--mail-to" <("$bin" top --help) && ok || bad "top --help lacks --mail-to"
grep -q -- "--level" <("$bin" topology --help) && ok || bad "topology --help lacks --level"

expect_rc 2 "no command" "$bin"
expect_rc 2 "unknown command" "$bin" frobnicate
grep -q "unknown command 'frobnicate'" "$tmp/err" && ok || bad "unknown command message"
expect_rc 2 "bad option" "$bin" report --bogus x.log
[ "$(wc -l < "$tmp/err")" -eq 1 ] && ok || bad "bad option: expected one line on stderr"
grep -q "^flowcost: error: unknown option '--bogus'" "$tmp/err" && ok || bad "bad option message: $(cat "$tmp/err")"
expect_rc 2 "missing value" "$bin" report --top
expect_rc 2 "bad number" "$bin" report --top ten x.log
grep -q "'--top' expects a non-negative integer, got 'ten'" "$tmp/err" && ok || bad "bad number message"
expect_rc 2 "bad time" "$bin" report --since yesterday x.log
expect_rc 2 "no input" "$bin" report
expect_rc 2 "option of another command" "$bin" report --mail-to a@b x.log
expect_rc 2 "top with bad format" "$bin" top --output yaml x.log
expect_rc 2 "mail dry run without --mail-to" "$bin" top --mail-dry-run "$tmp/x.eml" x.log
grep -q "need at least one --mail-to" "$tmp/err" && ok || bad "mail options without --mail-to: $(cat "$tmp/err")"
expect_rc 2 "--mail-to without a server" "$bin" top --mail-to a@example.com x.log
expect_rc 2 "until before since" "$bin" report --since 2026-01-02T00:00:00Z --until 2026-01-01T00:00:00Z x.log

expect_rc 1 "missing input file" "$bin" report "$tmp/does-not-exist.log.gz" -o "$tmp/r.html"
grep -q "does-not-exist.log.gz" "$tmp/err" && ok || bad "missing file not named: $(cat "$tmp/err")"
[ "$(wc -l < "$tmp/err")" -eq 1 ] && ok || bad "missing file: expected one line on stderr, got: $(cat "$tmp/err")"
[ ! -e "$tmp/r.html" ] && ok || bad "a report was written despite the error"

if [ -w /dev/full ]; then
  expect_rc 1 "--help to a full disk" sh -c '"$0" --help >/dev/full' "$bin"
  grep -q "cannot write to standard output" "$tmp/err" && ok || bad "full stdout message: $(cat "$tmp/err")"
fi
# Counters saturate, never wrap: two records of 2^64-1 bytes in one group.
max=18446744073709551615
printf 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n' >"$tmp/big.log"
for i in 1 2; do
  printf '2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 %s %s 1700000000 1700000060 ACCEPT OK\n' $max $max >>"$tmp/big.log"
done
expect_rc 0 "aggregate of huge counters" "$bin" aggregate -q "$tmp/big.log" --csv "$tmp/big.csv" -o "$tmp/big.fca"
grep -q "^eni-1,10.0.0.1,10.0.0.2,ACCEPT,OK,$max,$max,2\$" "$tmp/big.csv" && ok || bad "huge counters wrapped: $(cat "$tmp/big.csv")"
expect_rc 0 "top of huge counters" "$bin" top -q "$tmp/big.log" --output json --limit 0
grep -q "\"bytes\":[[:space:]]*$max" "$tmp/out" && ok || bad "top json bytes wrapped: $(grep -m3 bytes "$tmp/out")"

# Several outputs of one run are written together or not at all: when the
# second cannot be written, the first is neither created nor replaced, and
# no temp file is left behind.
expect_rc 1 "aggregate: --csv into a missing directory" "$bin" aggregate -q "$tmp/big.log" -o "$tmp/two.fca" --csv "$tmp/no-such-dir/x.csv"
[ ! -e "$tmp/two.fca" ] && ok || bad "the .fca was written although the CSV failed"
cp "$tmp/big.fca" "$tmp/keep.fca"
expect_rc 1 "aggregate over an existing .fca, CSV failing" "$bin" aggregate -q "$src/fixtures/aws-doc-examples" -o "$tmp/keep.fca" --csv "$tmp/no-such-dir/x.csv"
cmp -s "$tmp/big.fca" "$tmp/keep.fca" && ok || bad "the existing .fca was replaced although the CSV failed"
echo old >"$tmp/page.html"
expect_rc 1 "report: --json into a missing directory" "$bin" report -q "$tmp/big.log" -o "$tmp/page.html" --json "$tmp/no-such-dir/r.json"
[ "$(cat "$tmp/page.html")" = old ] && ok || bad "the report page was replaced although the JSON failed"
grep -q "no-such-dir/r.json" "$tmp/err" && ok || bad "the failing output is not named: $(cat "$tmp/err")"
ls "$tmp" | grep -q "\.tmp" && bad "temp files left: $(ls "$tmp" | grep "\.tmp")" || ok
expect_rc 0 "report and JSON written together" "$bin" report -q "$tmp/big.log" -o "$tmp/page.html" --json "$tmp/r.json"
grep -q "<html" "$tmp/page.html" && [ -s "$tmp/r.json" ] && ok || bad "report + JSON not both written"

expect_rc 0 "--version" "$bin" --version
grep -q "^flowcost [0-9]" "$tmp/out" && ok || bad "version line"
for lib in libcurl OpenSSL cJSON libxml2 graphviz isa-l zlib; do
  grep -qi "$lib" "$tmp/out" && ok || bad "--version does not name $lib"
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
