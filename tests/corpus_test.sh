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

rows() { grep -v '^#' "$1" | grep -v '^[[:space:]]*$'; }

# Each row runs flowcost now; the comparisons that need Python (the
# independent reader, the JSON's summary) run once for all rows at the end.
checked=()
check_row() {
  local row=$1 file rest opts counts rc used
  local -a extra
  file=${row%% | *} rest=${row#* | }
  opts=${rest%% | *} rest=${rest#* | }
  counts=${rest%% | *}
  eval "set -- $opts"
  n=$((n + 1))
  checked+=("$row")
  # flowcost: groups
  "$BIN" aggregate -q "$C/$file" "$@" --csv "$TMP/$n.csv" 2>"$TMP/$n.err"
  rc=$?
  [ $rc = 0 ] || bad "$file: aggregate exit $rc: $(head -1 "$TMP/$n.err")"
  diff -u "$C/expected/$file.csv" "$TMP/$n.csv" >"$TMP/$n.diff" || { bad "$file: groups differ"; cat "$TMP/$n.diff"; }
  # flowcost: records and period (compared below)
  used=$(echo "$counts" | cut -d' ' -f2)
  extra=()
  [ "$used" = 0 ] && extra=("${empty_ok[@]}")
  "$BIN" top -q "$C/$file" "$@" "${extra[@]}" --output json >"$TMP/$n.json" 2>"$TMP/$n.err2"
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

# the expected files agree with the independent reader; flowcost's JSON says the
# table's records (read used malformed nodata skipdata rejected) and period
printf '%s\n' "${checked[@]}" >"$TMP/rows.txt"
python3 "$C/expect.py" --rows "$TMP/rows.txt" "$C" "$TMP" >"$TMP/reader.txt" || bad "expect.py failed"
python3 - "$TMP" "$n" >"$TMP/flowcost.txt" <<'PY'
import json, sys
tmp, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    try:
        d = json.load(open("%s/%d.json" % (tmp, i)))
        r, p = d["records"], d["period"]
        print(" ".join(str(r[k]) for k in ("read", "used", "malformed", "nodata", "skipdata", "rejected")),
              p.get("start") or "null", p.get("end") or "null")
    except Exception:
        print("")
PY
i=0
for row in "${checked[@]}"; do
  i=$((i + 1))
  file=${row%% | *} rest=${row#* | }
  rest=${rest#* | }
  counts=${rest%% | *} rest=${rest#* | }
  pstart=${rest%% | *} pend=${rest#* | }
  want="$counts $pstart $pend"
  got=$(sed -n "${i}p" "$TMP/reader.txt")
  [ "$got" = "$want" ] || bad "$file: table says '$want', expect.py says '$got'"
  cmp -s "$TMP/$i.reader.csv" "$C/expected/$file.csv" || bad "$file: expected/$file.csv differs from expect.py"
  got=$(sed -n "${i}p" "$TMP/flowcost.txt")
  [ "$got" = "$want" ] || bad "$file: records/period: want '$want', got '${got:-no JSON: $(head -1 "$TMP/$i.err2")}'"
done

[ "$n" -gt 0 ] || bad "no rows read from cases.txt"
echo "corpus: $n rows checked, $pending pending"
exit $fail
