#!/bin/bash
# progress_test: progress on stderr only when it is a terminal (cli.md), never with -q, erased when
# reading ends, standard output untouched. The input comes through a pipe that pauses for 1.3 s,
# so the half-second progress line has time to appear.
# Usage: progress_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=$1 SRC=$2 TMP=$3
rm -rf "$TMP" && mkdir -p "$TMP" && cd "$TMP" || exit 1
export FLOWCOST_CONFIG=
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
S=$SRC/fixtures/sample
zcat "$S"/v5/AWSLogs/*/vpcflowlogs/*/*/*/*/*.log.gz 2>/dev/null | head -2000 >part.log
[ -s part.log ] || { echo "no sample lines"; exit 1; }
slow() { cat part.log; sleep 1.3; }

# The four runs each wait out a pause: they run side by side, then are checked.
# forced on (FLOWCOST_PROGRESS=1 stands for a terminal): a "reading:" line, erased at the end
slow | FLOWCOST_PROGRESS=1 "$BIN" top - --output json >out.json 2>err &
# -q: none
slow | FLOWCOST_PROGRESS=1 "$BIN" top -q - --output json >/dev/null 2>err.q &
# not a terminal (ctest's stderr): none
slow | "$BIN" top - --output json >/dev/null 2>err.pipe &
# a real terminal: script(1) gives the command a pty
have_script=0
if command -v script >/dev/null 2>&1; then
  have_script=1
  script -qec "sh -c 'cat part.log; sleep 1.3' | '$BIN' top - --output csv >/dev/null" /dev/null >tty.out 2>&1 </dev/null &
fi
wait
python3 -c 'import json; json.load(open("out.json"))' && ok || bad "stdout is not the JSON alone"
grep -q 'flowcost: reading: ' err && ok || bad "no progress line: $(head -c 300 err | od -c | head -3)"
printf '\r\033[K' >erase
grep -qF "$(cat erase)" err && ok || bad "the progress line is not erased"
grep -q 'reading:' err.q && bad "-q still shows progress" || ok
grep -q 'reading:' err.pipe && bad "progress on a non-terminal stderr" || ok
if [ $have_script = 1 ]; then
  grep -q 'flowcost: reading: ' tty.out && ok || bad "no progress on a terminal: $(head -c 300 tty.out)"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
