#!/bin/bash
# The regression corpus (tests/corpus/, sources in its README.md): real flow-log
# lines from the AWS documentation and from the test data of peer parsers, each
# read by flowcost and compared with what its source says. Table-driven: one
# row of tests/corpus/cases.txt per file, with the options, the expected
# records (read used malformed nodata skipdata rejected) and period; the
# expected groups are tests/corpus/expected/<file>.csv.
#
# For every row: `aggregate FILE --csv` must equal the expected CSV, and
# `top --output json` must give the expected `records` and `period`. The
# expected files were written by tests/corpus/expect.py, an independent reader
# (it does not call flowcost); with python3 present the script also checks that
# the table still agrees with it, so a hand edit cannot drift from the reader.
# Rows of tests/corpus/pending.txt wait for work in progress: each is skipped
# with a notice.
set -u
BIN=$1 SRC=$2 TMP=$3
rm -rf "$TMP" && mkdir -p "$TMP"
C=$SRC/tests/corpus
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }
fail=0 n=0
bad() { echo "FAIL: $*"; fail=1; }

# An empty result is an error for `top` once issue 12's "nothing to report"
# lands; the rows without a used record then need --allow-empty.
empty_ok=()
"$BIN" top --help 2>&1 | grep -q -- '--allow-empty' && empty_ok=(--allow-empty)

# the summary line of the JSON: read used malformed nodata skipdata rejected start end
summary() {
  python3 -c '
import json, sys
d = json.load(sys.stdin)
r, p = d["records"], d["period"]
print(" ".join(str(r[k]) for k in ("read", "used", "malformed", "nodata", "skipdata", "rejected")),
      p.get("start") or "null", p.get("end") or "null")'
}

rows() { grep -v '^#' "$1" | grep -v '^[[:space:]]*$'; }

check_row() {
  local row=$1 file rest opts counts pstart pend want csv rc used got
  local -a extra
  file=${row%% | *} rest=${row#* | }
  opts=${rest%% | *} rest=${rest#* | }
  counts=${rest%% | *} rest=${rest#* | }
  pstart=${rest%% | *} pend=${rest#* | }
  want="$counts $pstart $pend"
  eval "set -- $opts"
  n=$((n + 1))
  csv=$TMP/$n.csv
  # the expected files agree with the independent reader
  got=$(python3 "$C/expect.py" "$C/$file" "$@" --csv "$TMP/$n.reader.csv" --summary)
  [ "$got" = "$want" ] || bad "$file: table says '$want', expect.py says '$got'"
  cmp -s "$TMP/$n.reader.csv" "$C/expected/$file.csv" || bad "$file: expected/$file.csv differs from expect.py"
  # flowcost: groups
  "$BIN" aggregate -q "$C/$file" "$@" --csv "$csv" 2>"$TMP/$n.err"
  rc=$?
  [ $rc = 0 ] || bad "$file: aggregate exit $rc: $(head -1 "$TMP/$n.err")"
  diff -u "$C/expected/$file.csv" "$csv" >"$TMP/$n.diff" || { bad "$file: groups differ"; cat "$TMP/$n.diff"; }
  # flowcost: records and period
  used=$(echo "$counts" | cut -d' ' -f2)
  extra=()
  [ "$used" = 0 ] && extra=("${empty_ok[@]}")
  got=$("$BIN" top -q "$C/$file" "$@" "${extra[@]}" --output json 2>"$TMP/$n.err2" | summary 2>/dev/null)
  [ "$got" = "$want" ] || bad "$file: records/period: want '$want', got '${got:-no JSON: $(head -1 "$TMP/$n.err2")}'"
}

while IFS= read -r row; do check_row "$row"; done < <(rows "$C/cases.txt")

# CORPUS_PENDING=1 runs the pending rows too (to see which pass after a merge)
pending=0
while IFS= read -r row; do
  if [ "${CORPUS_PENDING:-0}" = 1 ]; then
    check_row "$row"
  else
    echo "notice: pending (waits for branch 'input'): ${row%% | *}"
    pending=$((pending + 1))
  fi
done < <(rows "$C/pending.txt")

[ "$n" -gt 0 ] || bad "no rows read from cases.txt"
echo "corpus: $n rows checked, $pending pending"
exit $fail
