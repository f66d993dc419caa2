#!/usr/bin/env bash
# flowcost --version --json, for bug reports: the version of CMakeLists.txt's
# project(), the commit the build was made from (or "unknown"), and every
# linked library with the version the running process reports. Expected
# values come from elsewhere: the version from CMakeLists.txt, the commit from
# git, the libraries from pkg-config's list in CMakeLists.txt and their
# versions from dpkg (the installed runtime packages).
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the JSON"; exit 77; }

want_ver=$(sed -n 's/^project(flowcost VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
"$bin" --version --json >"$tmp/v.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] && ok || bad "--version --json: exit $rc: $(cat "$tmp/err")"
[ ! -s "$tmp/err" ] && ok || bad "--version --json wrote to stderr: $(cat "$tmp/err")"
# The JSON read once (one Python start, not one per value): FIELD<TAB>VALUE
# lines, library values as LIB.NAME.KEY; absent or null reads as None.
python3 - "$tmp/v.json" >"$tmp/v.tsv" <<'PY' || bad "--version --json is not JSON"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("name", "version", "commit"):
    print("%s\t%s" % (k, d.get(k)))
for l in d.get("libraries", []):
    for k in ("version", "built_with", "file"):
        print("lib.%s.%s\t%s" % (l.get("name"), k, l.get(k)))
PY
field() { awk -F'\t' -v k="$1" '$1 == k { print $2; f = 1; exit } END { exit !f }' "$tmp/v.tsv"; }
[ "$(field name)" = flowcost ] && ok || bad "name"
[ "$(field version)" = "$want_ver" ] && ok || bad "version $(field version), CMakeLists.txt says $want_ver"
# plain --version says the same version and commit
"$bin" --version | head -1 >"$tmp/plain"
[ "$(cat "$tmp/plain")" = "flowcost $want_ver (commit $(field commit))" ] && ok || bad "plain --version: $(cat "$tmp/plain")"

commit=$(field commit)
if head=$(git -C "$src" rev-parse HEAD 2>/dev/null); then
  # the build's commit: HEAD, or an ancestor when commits were made since the build
  c=${commit%-dirty}
  [[ $c =~ ^[0-9a-f]{40}$ ]] && ok || bad "commit '$commit' is not a full hash"
  { [ "$c" = "$head" ] || git -C "$src" merge-base --is-ancestor "$c" HEAD 2>/dev/null; } && ok ||
    bad "commit $commit is not HEAD ($head) nor one of its ancestors"
else
  [ "$commit" = unknown ] && ok || bad "no git: commit should be 'unknown', got '$commit'"
fi

# Every library of CMakeLists.txt's pkg_check_modules, plus the C library:
# name in the JSON, Debian runtime package.
while read -r name pkg; do
  v=$(field "lib.$name.version") ||
    { bad "library $name missing from --version --json"; continue; }
  built=$(field "lib.$name.built_with")
  file=$(field "lib.$name.file")
  [ -n "$built" ] && ok || bad "$name: no built_with"
  [ -e "$file" ] && ok || bad "$name: file '$file' does not exist"
  if [ "$name" = isa-l ]; then
    # ISA-L has no version call: null, and the file says which one runs
    [ "$v" = None ] && ok || bad "isa-l version should be null, got $v"
    continue
  fi
  [ -n "$v" ] && [ "$v" != None ] && ok || bad "$name: no runtime version"
  if command -v dpkg-query >/dev/null && dv=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null); then
    up=${dv#*:}; up=${up%%-*}; up=${up%%[+~]*}; up=${up%.dfsg}   # 1:1.2.13.dfsg-1 -> 1.2.13
    case $name in
      graphviz) # Debian's 2.42.2 package reports itself as 2.43.0 (its own PACKAGE_VERSION): same major
        [ "${v%%.*}" = "${up%%.*}" ] && ok || bad "$name runtime $v vs package $pkg $dv" ;;
      *) [ "$v" = "$up" ] && ok || bad "$name runtime $v vs package $pkg $dv" ;;
    esac
  fi
done <<'EOF'
libcurl libcurl4
openssl libssl3
cjson libcjson1
libxml2 libxml2
graphviz libgvc6
isa-l libisal2
zlib zlib1g
glibc libc6
EOF

"$bin" --version --bogus >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && ok || bad "--version --bogus: exit $rc, expected 2"
echo "version_test: $pass passed, $fail failed"
[ $fail -eq 0 ]
