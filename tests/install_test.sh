#!/usr/bin/env bash
# The .deb on this machine (Debian 12, as root, as in CI): build it with
# dist/build-deb.sh in a Release build of its own (the suite's build is an
# ASan one), check its control data and lintian, `dpkg -i` it, use it from an
# empty directory with nothing of the build tree (report on the bundled
# sample, man flowcost, bash completion), then `dpkg -r` it and check
# every file it installed is gone. The machine is left as found, failure or
# not (trap). Skips (exit 77) when not root, without dpkg tools, or when a
# flowcost package or file is already there (never overwritten).
set -u
bin=$1 src=$2 tmp=$3
start=$(date +%s)
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }
skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" = 0 ] || skip "dpkg -i needs root (CI runs as root)"
for t in dpkg dpkg-deb dpkg-query dpkg-shlibdeps dpkg-buildflags cpack; do
  command -v $t >/dev/null || skip "$t is not installed"
done
# dpkg's state of flowcost: installed, config-files, ...; empty or not-installed when absent
state() { dpkg-query -W -f='${db:Status-Status}' flowcost 2>/dev/null; }
present() { local s; s=$(state); [ -n "$s" ] && [ "$s" != not-installed ]; }
present && skip "a flowcost package is installed already ($(state)); not touching it"
# Keep the build directory between runs (an incremental build); the rest is fresh.
mkdir -p "$tmp"; rm -rf "$tmp/run" "$tmp/files"
mkdir -p "$tmp/run"

# ---- build the package ----
deb=$(JOBS=2 sh "$src/dist/build-deb.sh" "$src" "$tmp/build" 2>"$tmp/build.log") ||
  { cat "$tmp/build.log" >&2; bad "dist/build-deb.sh failed"; echo "install_test: $pass passed, $fail failed"; exit 1; }
echo "package built in $(( $(date +%s) - start )) s: $deb"

# ---- control data ----
ver=$(sed -n 's/^project(flowcost VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
[ "$(dpkg-deb -f "$deb" Package)" = flowcost ] && ok || bad "Package is not flowcost"
[ "$(dpkg-deb -f "$deb" Version)" = "$ver-1" ] && ok || bad "Version $(dpkg-deb -f "$deb" Version), expected $ver-1"
dep=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $dep"
# One runtime package per pkg_check_modules library of CMakeLists.txt
# (libcurl, libcrypto, libcjson, libxml-2.0, libgvc + libcgraph, libisal,
# zlib) and libc6: computed by dpkg-shlibdeps, so none is missing, and no
# -dev package or sanitizer runtime sneaks in.
for p in libc6 libcurl4 libssl3 libcjson1 libxml2 libgvc6 libcgraph6 libisal2 zlib1g; do
  [[ ", $dep," == *", $p "* || ", $dep," == *", $p,"* ]] && ok || bad "Depends lacks $p: $dep"
done
[[ $dep != *-dev* && $dep != *libasan* && $dep != *libubsan* ]] && ok || bad "Depends names a -dev or sanitizer package: $dep"
# (whole-archive reads into files: dpkg-deb complains when a pipe closes early)
dpkg-deb --fsys-tarfile "$deb" >"$tmp/data.tar"
tar -tf "$tmp/data.tar" | sed 's|^\./|/|' >"$tmp/entries"
tar -xOf "$tmp/data.tar" ./usr/share/doc/flowcost/changelog.Debian.gz >"$tmp/changelog.gz"
top=$(zcat "$tmp/changelog.gz" | head -1)
[[ $top == "flowcost ($ver-1) "* ]] && ok || bad "changelog.Debian.gz's top entry is '$top', the package $ver-1"
grep -qx /usr/share/doc/flowcost/copyright "$tmp/entries" && ok || bad "no copyright file"
if command -v lintian >/dev/null; then
  lintian --fail-on error,warning "$deb" >"$tmp/lintian.txt" 2>&1 && ok || bad "lintian: $(cat "$tmp/lintian.txt")"
  grep -v 'running with root privileges' "$tmp/lintian.txt"
  echo "lintian: $(grep -vc 'running with root privileges' "$tmp/lintian.txt") tags"
else
  echo "note: lintian is not installed; not run"
fi

# ---- no clash: none of the package's files exists on this machine ----
grep -v '/$' "$tmp/entries" >"$tmp/files"
clash=$(while read -r f; do [ -e "$f" ] || [ -L "$f" ] && echo "$f"; done <"$tmp/files")
[ -z "$clash" ] || skip "files of the package exist already, not overwriting them: $(echo $clash | head -c 300)"
[ "$(wc -l <"$tmp/files")" -gt 5 ] && ok || bad "the package holds almost nothing"

# dpkg waits for no one: retry while another dpkg/apt holds the lock
dpkg_do() {
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    dpkg "$@" >"$tmp/dpkg.log" 2>&1 && return 0
    grep -q 'lock' "$tmp/dpkg.log" || break
    sleep 3
  done
  cat "$tmp/dpkg.log" >&2
  return 1
}
installed=0
# Whatever state dpkg was left in (a signal may come during dpkg -i), remove
# it: a flowcost present now is ours, the test skips when one was there.
cleanup() {
  if [ $installed = 1 ]; then
    present && dpkg_do -r flowcost
    # no conffiles, so nothing should be left for --purge; purge if there is
    present && dpkg_do --purge flowcost
  fi
  installed=0
}
trap cleanup EXIT
trap "exit 1" INT TERM HUP  # so that EXIT runs on a ctest timeout too

# ---- first in a scratch root (dpkg --root): install, use, remove, with nothing of the
# machine's touched; the libraries are the machine's (--force-depends; ldd checks them below) ----
R=$tmp/root; rm -rf "$R"
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers" "$tmp/scratch-run"
: >"$R/var/lib/dpkg/status"
sdpkg() { dpkg --root="$R" --log="$tmp/scratch.log" --force-not-root "$@" >"$tmp/scratch.out" 2>&1; }
sdpkg --force-depends -i "$deb" && ok || bad "dpkg --root -i failed: $(tail -3 "$tmp/scratch.out")"
sx=$R/usr/share/doc/flowcost/examples/sample
(cd "$tmp/scratch-run" && env -i PATH=/usr/bin:/bin HOME="$tmp/scratch-run" "$R/usr/bin/flowcost" report -q "$sx/v5" \
   --eni-snapshot "$sx/describe-network-interfaces.xml" --eni-snapshot "$sx/describe-subnets.xml" \
   --ip-ranges "$sx/ip-ranges.json" -o report.html) 2>"$tmp/err" && grep -q '</html>' "$tmp/scratch-run/report.html" && ok ||
  bad "scratch root: flowcost report failed: $(cat "$tmp/err")"
MANWIDTH=80 man -l "$R/usr/share/man/man1/flowcost.1.gz" 2>/dev/null | head -1 | grep -q '^FLOWCOST(1) ' && ok ||
  bad "scratch root: the man page does not render"
got=$(bash --norc --noprofile -c 'source "$1"; COMP_WORDS=(flowcost to); COMP_CWORD=1
      COMP_LINE="flowcost to"; COMP_POINT=11; _flowcost flowcost to flowcost; echo "${COMPREPLY[*]}"' _ \
      "$R/usr/share/bash-completion/completions/flowcost")
[ "$got" = "top topology" ] && ok || bad "scratch root: 'flowcost to<TAB>' gives '$got'"
sdpkg -r flowcost && ok || bad "dpkg --root -r failed: $(tail -3 "$tmp/scratch.out")"
left=$(cd "$R" && find . -path ./var/lib/dpkg -prune -o \( -type f -o -type l \) -print)
[ -z "$left" ] && ok || bad "scratch root: left after dpkg -r: $left"

# ---- then for real on this machine (CI's is a fresh Debian 12): /usr/bin/flowcost ----
# Docker's Debian images exclude /usr/share/man from dpkg: bring ours back.
installed=1
dpkg_do --path-include='/usr/share/man/man1/flowcost.1.gz' -i "$deb" && ok || bad "dpkg -i failed"
if [ "$(state)" = installed ]; then
  # ---- use it from an empty directory: no build tree, no source tree ----
  ex=/usr/share/doc/flowcost/examples/sample
  run() { (cd "$tmp/run" && env -i PATH=/usr/bin:/bin HOME="$tmp/run" LC_ALL=C "$@"); }
  iv=$(dpkg-query -W -f='${Version}' flowcost)
  first=$(run /usr/bin/flowcost --version | head -1)
  [[ $first == "flowcost ${iv%-*} (commit "* ]] && ok || bad "installed --version says '$first', the package is $iv"
  ldd /usr/bin/flowcost | grep -q 'not found' && bad "ldd: $(ldd /usr/bin/flowcost | grep 'not found')" || ok
  diff -r "$src/fixtures/sample/v5" "$ex/v5" >/dev/null && ok || bad "the installed sample differs from fixtures/sample/v5"
  args=("$ex/v5" --eni-snapshot "$ex/describe-network-interfaces.xml" --eni-snapshot "$ex/describe-subnets.xml"
        --ip-ranges "$ex/ip-ranges.json" --now 2026-11-04T00:00:00Z --title "installed")
  run /usr/bin/flowcost report -q "${args[@]}" -o report.html --json report.json 2>"$tmp/err" && ok ||
    bad "installed flowcost report failed: $(cat "$tmp/err")"
  [ -s "$tmp/run/report.html" ] && grep -q '</html>' "$tmp/run/report.html" && ok || bad "no report.html"
  # The same figures and bytes as the binary under test (an ASan build of the same source).
  mkdir -p "$tmp/ref"
  (cd "$tmp/ref" && "$bin" report -q "${args[@]}" -o report.html --json report.json) 2>/dev/null
  cmp -s "$tmp/ref/report.json" "$tmp/run/report.json" && ok || bad "installed report.json differs from the build's"
  cmp -s "$tmp/ref/report.html" "$tmp/run/report.html" && ok || bad "installed report.html differs from the build's"

  # ---- man flowcost ----
  [ "$(run man -w flowcost)" = /usr/share/man/man1/flowcost.1.gz ] && ok || bad "man -w flowcost: $(run man -w flowcost 2>&1)"
  run env MANWIDTH=80 man flowcost >"$tmp/man.txt" 2>"$tmp/man.err" && ok || bad "man flowcost failed: $(cat "$tmp/man.err")"
  head -1 "$tmp/man.txt" | grep -q '^FLOWCOST(1) ' && ok || bad "man flowcost: $(head -3 "$tmp/man.txt")"
  grep -q -- '--fail-above' "$tmp/man.txt" && ok || bad "man flowcost does not document --fail-above"

  # ---- bash completion, as bash-completion would load it ----
  comp=/usr/share/bash-completion/completions/flowcost
  got=$(run bash --norc --noprofile -c 'source "$1"; COMP_WORDS=(flowcost to); COMP_CWORD=1
        COMP_LINE="flowcost to"; COMP_POINT=11; _flowcost flowcost to flowcost; echo "${COMPREPLY[*]}"' _ "$comp")
  [ "$got" = "top topology" ] && ok || bad "bash: 'flowcost to<TAB>' gives '$got', expected 'top topology'"
  if command -v zsh >/dev/null; then
    run zsh -fc 'print -l $fpath' | grep -qx /usr/share/zsh/vendor-completions && ok ||
      bad "zsh's fpath lacks /usr/share/zsh/vendor-completions"
    zsh -n /usr/share/zsh/vendor-completions/_flowcost && ok || bad "zsh -n _flowcost"
  fi

  # ---- dpkg -r removes every file ----
  dpkg-query -L flowcost | sort >"$tmp/listed"
  cleanup
  present && bad "flowcost still known to dpkg after dpkg -r: $(state)" || ok
  left=$(while read -r f; do [ -e "$f" ] || [ -L "$f" ] && echo "$f"; done <"$tmp/files")
  [ -z "$left" ] && ok || bad "left after dpkg -r: $left"
  # directories only flowcost used are gone too
  for d in /usr/share/doc/flowcost /usr/share/doc/flowcost/examples; do
    [ ! -e "$d" ] && ok || bad "$d left after dpkg -r"
  done
fi

echo "install_test: $pass passed, $fail failed, $(( $(date +%s) - start )) s"
[ $fail -eq 0 ]
