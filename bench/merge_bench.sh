#!/bin/bash
# bench/merge_bench.sh — the scale-out path of issue 16: N workers each run
# `aggregate` on their share of the flow logs and one merges the .fca
# partials. Splits one genflows data set (F files) into 64 partials (one per
# worker, F/64 files each) and into 2 (F/2 files each), the same records in
# both, and times `flowcost aggregate PARTIALS... -o merged.fca` for each
# (best wall time of R runs, CPU time, peak RSS). Merging should cost
# O(groups read), not O(N x groups): the issue asks for 64 partials in no
# more than 1.5x the time of 2. Also checks that both merges hold the same
# groups (tests/fca_groups.py) and equal `aggregate` over the files at once.
#
# usage: bench/merge_bench.sh [--records N] [--format v2|v5] [--files F]
#                             [--repeat R] [--flowcost BIN] [--data DIR]
# Defaults: 10,000,000 records, v5, 128 files, 5 runs, build/flowcost.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
N=10000000 FMT=v5 FILES=128 REPEAT=5 BIN="$ROOT/build/flowcost" DATA="$HERE/data"
while [ $# -gt 0 ]; do
  case "$1" in
    --records) N=$2; shift 2 ;;
    --format) FMT=$2; shift 2 ;;
    --files) FILES=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --flowcost) BIN=$2; shift 2 ;;
    --data) DATA=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "merge_bench: unknown option $1" >&2; exit 2 ;;
  esac
done
[ $((FILES % 64)) -eq 0 ] || { echo "merge_bench: --files must be a multiple of 64" >&2; exit 2; }
[ -x "$BIN" ] || { echo "merge_bench: no $BIN (cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build)" >&2; exit 2; }
dir="$DATA/merge-$FMT-$N-f$FILES"
if [ ! -e "$dir/.done" ]; then
  rm -rf "$dir"
  python3 "$HERE/genflows" --records "$N" --format "$FMT" --out "$dir/logs" --files "$FILES" >&2
  touch "$dir/.done"
fi
mapfile -t files < <(find "$dir/logs" -type f -name '*.log*' | sort)
[ ${#files[@]} -eq "$FILES" ] || { echo "merge_bench: ${#files[@]} files, not $FILES" >&2; exit 1; }

# the partials: worker k of P aggregates files k*F/P .. (k+1)*F/P - 1
for P in 64 2; do
  pd="$dir/p$P"
  [ -e "$pd/.done" ] && continue
  rm -rf "$pd" && mkdir -p "$pd"
  per=$((FILES / P))
  for ((k = 0; k < P; k++)); do
    "$BIN" aggregate -q "${files[@]:k*per:per}" -o "$pd/$(printf '%02d' "$k").fca"
  done
  touch "$pd/.done"
done

# best wall of R runs, with the CPU seconds and peak RSS of that run
measure() {
  local out=$1; shift
  local best="" line
  for ((r = 0; r < REPEAT; r++)); do
    /usr/bin/time -o "$out.time" -f '%e %U %S %M' "$BIN" aggregate -q "$@" -o "$out" >/dev/null 2>&1
    line=$(tail -1 "$out.time")
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{exit !(a < b)}'; then best=$line; fi
  done
  echo "$best"
}
echo "merge_bench: $(printf "%'d" "$N") $FMT records in $FILES files; $(nproc) CPUs; best of $REPEAT; $BIN"
declare -A wall
for P in 2 64; do
  read -r w u s m < <(measure "$dir/m$P.fca" "$dir/p$P"/*.fca)
  groups=$(python3 "$ROOT/tests/fca_groups.py" "$dir/m$P.fca" | sed -n 's/^groups //p')
  in=0; for f in "$dir/p$P"/*.fca; do in=$((in + $(python3 "$ROOT/tests/fca_groups.py" "$f" | sed -n 's/^groups //p'))); done
  printf '%2d partials: %'"'"'12d groups read, %'"'"'10d merged: wall %6.3f s, CPU %6.3f s, peak RSS %6.1f MB\n' \
    "$P" "$in" "$groups" "$w" "$(awk -v u="$u" -v s="$s" 'BEGIN{print u + s}')" "$(awk -v m="$m" 'BEGIN{print m / 1024}')"
  wall[$P]=$w
done
awk -v a="${wall[64]}" -v b="${wall[2]}" 'BEGIN{r = a / b; printf "64 / 2 partials: %.2fx the wall time (target <= 1.5x): %s\n", r, r <= 1.5 ? "met" : "NOT met"}'

# the same groups, whichever way they were merged, and as from the files at once
"$BIN" aggregate -q "${files[@]}" -o "$dir/all.fca"
for f in m2 m64 all; do python3 "$ROOT/tests/fca_groups.py" "$dir/$f.fca" | grep -Ev '^(read|filtered) ' >"$dir/$f.groups"; done
cmp -s "$dir/m2.groups" "$dir/m64.groups" && cmp -s "$dir/m2.groups" "$dir/all.groups" \
  && echo "check: the 2- and 64-partial merges and the direct run hold the same groups" \
  || { echo "check: FAILED: the merges differ"; exit 1; }
