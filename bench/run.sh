#!/bin/bash
# bench/run.sh — flowcost's ingestion beside reference tools on the same files
# in one run: `wc -l` (plain), `igzip -dc >/dev/null` (gzip), DuckDB's GROUP BY
# of cli.md, and `flowcost aggregate --csv`; wall time, records/s, MB/s (of
# uncompressed text, for every tool), peak RSS, CPU time, the ratios the ingestion issue
# asks for, and a check that flowcost's CSV equals DuckDB's result.
#
# usage: bench/run.sh [--records N] [--formats "v2 v5"] [--kinds "plain gz stdin"]
#                     [--threads T] [--flowcost BIN] [--data DIR] [--no-memory]
#                     [--repeat R]   (best wall time of R runs, default 3)
#                     [--files F] [--pairs P] [--zipf S] [--enis E]  (genflows' shape:
#                        F files, 0 = one per 500k records; P distinct pairs of
#                        popularity rank^-S, S = 0 uniform: many groups; E ENIs)
#                     [--fca]     (flowcost also writes -o x.fca: every key the report needs)
#                     [--report]  (also the whole `flowcost report`, ingest -> price -> HTML)
#        bench/run.sh --matrix [options]   issue 17's sets: 20 files and one file,
#                     plain, gzip and stdin (the gzip files as one stream on a pipe),
#                     ~60k, ~300k and ~3M groups, with --fca and --report
# Data (bench/genflows, deterministic) is generated once under bench/data/.
# DuckDB: `npm install` inside bench/ (package.json pins @duckdb/node-api).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
N=10000000
FORMATS="v2 v5"
KINDS="plain gz"
T=2
BIN=""
DATA="$HERE/data"
MEMORY=1
REPEAT=3
FILES=0
PAIRS=50000
ZIPF=1.05
ENIS=2000
FCA=0
REPORT=0
MATRIX=0
ARGS=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --records) N=$2; shift 2 ;;
    --formats) FORMATS=$2; shift 2 ;;
    --kinds) KINDS=$2; shift 2 ;;
    --threads) T=$2; shift 2 ;;
    --flowcost) BIN=$2; shift 2 ;;
    --data) DATA=$2; shift 2 ;;
    --no-memory) MEMORY=0; shift ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --files) FILES=$2; shift 2 ;;
    --pairs) PAIRS=$2; shift 2 ;;
    --zipf) ZIPF=$2; shift 2 ;;
    --enis) ENIS=$2; shift 2 ;;
    --fca) FCA=1; shift ;;
    --report) REPORT=1; shift ;;
    --matrix) MATRIX=1; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$MATRIX" = 1 ]; then
  # the groups of each shape at 10M records (CSV / full key): defaults ~66k;
  # uniform over 200k pairs 227k / 340k; uniform over 8M pairs of 40,000 ENIs
  # 3.23M CSV groups (the check line counts them)
  rest=(); for a in "${ARGS[@]}"; do [ "$a" = --matrix ] || rest+=("$a"); done
  fail=0
  for shape in "50000 1.05 2000" "200000 0 2000" "8000000 0 40000"; do
    read -r p z e <<<"$shape"
    for f in 20 1; do
      "$0" --formats v2 --kinds "plain gz stdin" --files "$f" --pairs "$p" --zipf "$z" --enis "$e" --fca --report --no-memory "${rest[@]}" || fail=1
    done
  done
  exit $fail
fi
if [ -z "$BIN" ]; then
  # the README's Release build; never a sanitizer build-* that happens to exist
  BIN=$ROOT/build/flowcost
  if [ ! -x "$BIN" ]; then
    echo "bench: building $BIN (Release) ..."
    { cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=Release && cmake --build "$ROOT/build" -j2 --target flowcost; } >/dev/null ||
      { echo "bench: build failed" >&2; exit 2; }
  fi
fi
[ -x "$BIN" ] || { echo "bench: no flowcost binary at $BIN" >&2; exit 2; }
command -v igzip >/dev/null || { echo "bench: igzip not found (apt install isal)" >&2; exit 2; }
if [ ! -d "$HERE/node_modules/@duckdb/node-api" ]; then
  (cd "$HERE" && npm install --no-audit --no-fund >/dev/null) || { echo "bench: npm install failed" >&2; exit 2; }
fi
OUT=$(mktemp -d /tmp/flowcost-bench.XXXXXX)
export T OUT
[ "$FCA" = 1 ] && export FCAOPT="$OUT/fc.fca"
trap 'rm -rf "$OUT"' EXIT

echo "flowcost bench: $N records, threads $T, best of $REPEAT runs, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "flowcost: $("$BIN" --version | tr '\n' ' ')"
echo "duckdb: @duckdb/node-api $(node -p "require('$HERE/node_modules/@duckdb/node-api/package.json').version")"

# run NAME CMD... : best wall seconds of $REPEAT runs, best CPU seconds
# (user + sys) and the largest peak RSS (KiB) into $W, $C and $M (the best of a few runs filters out the noise of a
# shared machine; every tool gets the same treatment)
run() {
  local name=$1; shift
  local w m u s i
  W=""; M=0; C=""
  for ((i = 0; i < REPEAT; i++)); do
    /usr/bin/time -f "%e %M %U %S" -o "$OUT/time" "$@" >/dev/null 2>"$OUT/err.$name" || { echo "bench: $name failed:"; cat "$OUT/err.$name"; exit 1; }
    read -r w m u s < "$OUT/time"
    if [ -z "$W" ] || awk -v a="$w" -v b="$W" 'BEGIN { exit !(a < b) }'; then W=$w; fi
    c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
    if [ -z "$C" ] || awk -v a="$c" -v b="$C" 'BEGIN { exit !(a < b) }'; then C=$c; fi
    if [ "$m" -gt "$M" ]; then M=$m; fi
  done
}
fmt_rate() { awk -v n="$1" -v w="$2" 'BEGIN { r = (w > 0 ? n / w : 0); if (r >= 1e6) printf "%.2fM", r / 1e6; else printf "%.0f", r }'; }
row() { # tool wall rss_kib (and $C, the CPU seconds of the same tool)
  printf "  %-22s %8.2f s %11s rec/s %9.0f MB/s %9.1f MB  cpu %6.2f s\n" "$1" "$2" "$(fmt_rate "$RECS" "$2")" \
    "$(awk -v b="$BYTES" -v w="$2" 'BEGIN { print (w > 0 ? b / 1e6 / w : 0) }')" "$(awk -v m="$3" 'BEGIN { print m / 1024 }')" "$C"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# where a set's files are: its format, plain or gz, and genflows' shape
set_dir() {
  local d="$DATA/$1-$N-$2"
  [ "$FILES$PAIRS$ZIPF" = "0500001.05" ] || d="$DATA/$1-$N-f$FILES-p$PAIRS-z$ZIPF-$2"
  [ "$ENIS" = 2000 ] || d="${d%-$2}-e$ENIS-$2"
  echo "$d"
}

fail=0
for fmt in $FORMATS; do
  for kind in $KINDS; do
    gzk=$([ "$kind" = plain ] && echo plain || echo gz) # stdin reads the gzip files
    dir=$(set_dir "$fmt" "$gzk")
    if [ ! -f "$dir/.complete" ]; then
      rm -rf "$dir"
      echo "generating $dir ..."
      python3 "$HERE/genflows" --records "$N" --format "$fmt" --out "$dir" --files "$FILES" --pairs "$PAIRS" \
        --zipf "$ZIPF" --enis "$ENIS" $([ "$gzk" = gz ] && echo --gzip) >/dev/null
      touch "$dir/.complete"
    fi
    mapfile -t files < <(find "$dir/" -type f ! -name .complete | sort) # "$dir/": the set may be a symlink
    if [ "$gzk" = gz ]; then
      BYTES=$(igzip -dc "${files[@]}" | wc -c)
      RECS=$(( $(igzip -dc "${files[@]}" | wc -l) - ${#files[@]} ))
      ZBYTES=$(cat "${files[@]}" | wc -c)
    else
      BYTES=$(cat "${files[@]}" | wc -c)
      RECS=$(( $(cat "${files[@]}" | wc -l) - ${#files[@]} ))
      ZBYTES=$BYTES
    fi
    echo
    echo "== $fmt $kind: $(printf "%'d" "$RECS") records in ${#files[@]} files$([ "$kind" = stdin ] && echo ' as one stream on a pipe'), $(awk -v b="$BYTES" 'BEGIN{printf "%.1f", b/1e6}') MB text$([ "$gzk" = gz ] && awk -v z="$ZBYTES" 'BEGIN{printf ", %.1f MB gzip", z/1e6}'); genflows --pairs $PAIRS --zipf $ZIPF --enis $ENIS"
    if [ "$kind" = plain ]; then
      run wc wc -l "${files[@]}"; row "wc -l" "$W" "$M"
    elif [ "$kind" = gz ]; then
      run igzip igzip -dc "${files[@]}"; row "igzip -dc >/dev/null" "$W" "$M"; WI=$W; CI=$C
    else
      run igzip bash -c 'cat "$@" | igzip -dc' - "${files[@]}"; row "cat | igzip -dc" "$W" "$M"; WI=$W; CI=$C
    fi
    run duckdb node "$HERE/duckdb_groupby.mjs" "$T" "$OUT/duck.csv" "${files[@]}"; row "duckdb ($T threads)" "$W" "$M"; WD=$W; MD=$M; CD=$C
    fcaopt=(); [ "$FCA" = 1 ] && fcaopt=(-o "$OUT/fc.fca")
    label="flowcost --csv$([ "$FCA" = 1 ] && echo ' -o fca' || true)"
    if [ "$kind" = stdin ]; then
      run flowcost bash -c 'b=$1; shift; cat "$@" | "$b" aggregate --threads "$T" --csv "$OUT/fc.csv" ${FCAOPT:+-o "$FCAOPT"} -' - "$BIN" "${files[@]}"
    else
      run flowcost "$BIN" aggregate --threads "$T" --csv "$OUT/fc.csv" "${fcaopt[@]}" "${files[@]}"
    fi
    row "$label" "$W" "$M"; WF=$W; MF=$M; CF=$C
    sp=$(ratio "$WD" "$WF")
    ok=$(awk -v s="$sp" 'BEGIN { print (s >= 5) ? "ok" : "BELOW TARGET" }')
    echo "  speed-up vs DuckDB: ${sp}x (target >= 5: $ok); CPU time DuckDB / flowcost: $(ratio "$CD" "$CF")x"
    if [ "$REPORT" = 1 ]; then
      if [ "$kind" = stdin ]; then
        run report bash -c 'b=$1; shift; cat "$@" | "$b" report -q --threads "$T" --now 2026-12-01T00:00:00Z -o "$OUT/r.html" -' - "$BIN" "${files[@]}"
      else
        run report "$BIN" report -q --threads "$T" --now 2026-12-01T00:00:00Z -o "$OUT/r.html" "${files[@]}"
      fi
      row "flowcost report" "$W" "$M"; WR=$W; MR=$M; CR=$C
      echo "  report vs DuckDB's group-by: $(ratio "$WD" "$WR")x wall, $(ratio "$CD" "$CR")x CPU; peak RSS report / DuckDB: $(ratio "$MR" "$MD")"
    fi
    if [ "$gzk" = gz ]; then
      gr=$(ratio "$WF" "$WI")
      echo "  flowcost / igzip -dc: ${gr}x (target <= 1.3: $(awk -v s="$gr" 'BEGIN { print (s <= 1.3) ? "ok" : "ABOVE TARGET" }')); CPU time flowcost / igzip: $(ratio "$CF" "$CI")x"
    fi
    echo "  peak RSS flowcost / DuckDB: $(ratio "$MF" "$MD") (target < 1: $(awk -v a="$MF" -v b="$MD" 'BEGIN { print (a < b) ? "ok" : "ABOVE TARGET" }'))"
    # same groups, same sums: compare the row sets (both files are sorted by bytes, ties may differ)
    if cmp -s <(tail -n +2 "$OUT/duck.csv" | LC_ALL=C sort) <(tail -n +2 "$OUT/fc.csv" | LC_ALL=C sort); then
      echo "  check: flowcost CSV == DuckDB GROUP BY: PASS ($(printf "%'d" $(( $(wc -l < "$OUT/fc.csv") - 1 ))) groups)"
    else
      echo "  check: flowcost CSV == DuckDB GROUP BY: FAIL"; fail=1
      diff <(tail -n +2 "$OUT/duck.csv" | LC_ALL=C sort) <(tail -n +2 "$OUT/fc.csv" | LC_ALL=C sort) | head -5
    fi
  done
done

if [ "$MEMORY" = 1 ]; then
  # 10x the records with exactly the same groups: the same files given 10 times
  fmt=${FORMATS%% *}; kind=${KINDS%% *}
  [ "$kind" = plain ] || kind=gz # stdin reads the gzip files
  mapfile -t files < <(find "$(set_dir "$fmt" "$kind")/" -type f ! -name .complete | sort | head -2)
  ten=(); for i in 1 2 3 4 5 6 7 8 9 10; do ten+=("${files[@]}"); done
  run mem1 "$BIN" aggregate --threads "$T" --csv "$OUT/m1.csv" "${files[@]}"; M1=$M
  run mem10 "$BIN" aggregate --threads "$T" --csv "$OUT/m10.csv" "${ten[@]}"; M10=$M
  g1=$(( $(wc -l < "$OUT/m1.csv") - 1 )); g10=$(( $(wc -l < "$OUT/m10.csv") - 1 ))
  echo
  echo "== memory: ${#files[@]} $fmt $kind files once vs the same files 10 times ($g1 vs $g10 groups)"
  echo "  peak RSS 1x: $(awk -v m="$M1" 'BEGIN{printf "%.1f", m/1024}') MB, 10x: $(awk -v m="$M10" 'BEGIN{printf "%.1f", m/1024}') MB, ratio $(ratio "$M10" "$M1") (target <= 1.10: $(awk -v a="$M10" -v b="$M1" 'BEGIN { print (a <= 1.1 * b) ? "ok" : "ABOVE TARGET" }'))"
fi
exit $fail
