#!/usr/bin/env bash
# The man page and the bash/zsh completions the build generated
# (BUILD/dist/, by dist/helpgen.sh) say what --help says: every command and
# every option of every command, in both directions, so a stale or
# hand-edited page fails here. The page is checked as man(1) renders it
# (not as roff), the bash completion by calling its function the way bash
# does on <TAB>. Parsing here is independent of dist/helpgen.sh's awk.
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
gen=$(cd "$(dirname "$bin")" && pwd)/dist
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }

for f in flowcost.1 flowcost.1.gz flowcost.bash _flowcost; do
  [ -s "$gen/$f" ] && ok || bad "$gen/$f was not generated"
done
command -v man >/dev/null || { echo "SKIP: man (man-db) is not installed"; exit 77; }

# Render as a user sees it: ASCII, wide enough that no line wraps.
LC_ALL=C MANWIDTH=1000 man --warnings -l "$gen/flowcost.1" >"$tmp/man.txt" 2>"$tmp/man.err"
[ $? -eq 0 ] && ok || bad "man -l failed: $(head -c 300 "$tmp/man.err")"
[ ! -s "$tmp/man.err" ] && ok || bad "man --warnings: $(head -c 500 "$tmp/man.err")"
grep -q '^NAME$' "$tmp/man.txt" && grep -q '^ *flowcost - ' "$tmp/man.txt" && ok || bad "no NAME line 'flowcost - ...'"
for s in SYNOPSIS DESCRIPTION COMMANDS OPTIONS 'EXIT STATUS' ENVIRONMENT EXAMPLES 'SEE ALSO'; do
  grep -q "^$s\$" "$tmp/man.txt" && ok || bad "man page has no $s section"
done
# the version in the page's footer is the binary's
ver=$("$bin" --version | head -1 | awk '{print $2}')
grep -q "flowcost $ver" "$tmp/man.txt" && ok || bad "man page footer does not say flowcost $ver"

# commands, as the main --help lists them
"$bin" --help | awk '/^commands:/ {on=1; next} on && NF==0 {exit} on {print $1}' >"$tmp/commands"
[ "$(wc -l <"$tmp/commands")" -ge 6 ] && ok || bad "could not read the commands from --help"

# Every option line of `CMD --help` as "left<TAB>text", left = "-o, --output FILE" or "--json FILE".
help_opts() {
  "$bin" "$1" --help | awk '/^options:/ {on=1; next} on && NF==0 {exit}
    on { l = $0; sub(/^ +/, "", l); t = l
         if (match(l, /   +/)) { left = substr(l, 1, RSTART - 1); t = substr(l, RSTART + RLENGTH) }
         else { n = split(l, w, " "); left = w[1] " " w[2]; t = substr(l, length(left) + 2) }
         print left "\t" t }'
}
# The man page's options of one command: the lines between its .SS heading
# ("flowcost CMD ...", indented 3) and the next heading.
man_opts() {
  awk -v c="$1" '
    /^   flowcost / { on = ($2 == c); next }
    /^[A-Z]/ { on = 0 }
    on && /^       -/ { left = $0; sub(/^ +/, "", left); getline t; sub(/^ +/, "", t); print left "\t" t }' "$tmp/man.txt"
}

while read -r c; do
  grep -q "^       $c\$\|^       $c  *[a-zA-Z]" "$tmp/man.txt" && ok || bad "COMMANDS does not list $c"
  help_opts "$c" | sort >"$tmp/help.$c"
  man_opts "$c" | sort >"$tmp/man.$c"
  [ -s "$tmp/help.$c" ] && ok || bad "$c --help lists no options"
  # both directions at once: same option lines, same text
  diff "$tmp/help.$c" "$tmp/man.$c" >"$tmp/diff.$c" && ok ||
    bad "man page and '$c --help' disagree (< help, > man):
$(cat "$tmp/diff.$c")"
done <"$tmp/commands"

# ---- bash: what <TAB> offers is what --help lists ----
complete_bash() { # words... -> COMPREPLY sorted, one a line
  bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _flowcost flowcost "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$gen/flowcost.bash" "$@" | sort
}
[ "$(complete_bash flowcost to | tr '\n' ' ')" = "top topology " ] && ok ||
  bad "bash: 'flowcost to<TAB>' gives '$(complete_bash flowcost to | tr '\n' ' ')', expected 'top topology '"
diff <(complete_bash flowcost '' | grep -v '^-') <(sort "$tmp/commands") >/dev/null && ok ||
  bad "bash: 'flowcost <TAB>' does not offer exactly the commands of --help"
while read -r c; do
  # every short and long option of `c --help`
  cut -f1 "$tmp/help.$c" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^-/) { sub(/,$/, "", $i); print $i } }' | sort >"$tmp/want.$c"
  complete_bash flowcost "$c" - >"$tmp/got.$c"
  diff "$tmp/want.$c" "$tmp/got.$c" >/dev/null && ok ||
    bad "bash: 'flowcost $c -<TAB>' differs from '$c --help': $(diff "$tmp/want.$c" "$tmp/got.$c" | tr '\n' ' ')"
done <"$tmp/commands"
# value lists come from the help text: --by ip|peer|eni|subnet|nat|az|vpc|account|service, --level vpc|az|subnet|eni
[ "$(complete_bash flowcost top --by '' | tr '\n' ' ')" = "account az eni ip nat peer service subnet vpc " ] && ok || bad "bash: top --by values"
[ "$(complete_bash flowcost top --by = s | tr '\n' ' ')" = "service subnet " ] && ok || bad "bash: top --by=s (bash splits at =)"
[ "$(complete_bash flowcost top --format '' | tr '\n' ' ')" = "csv html json table " ] && ok || bad "bash: top --format values"
[ "$(complete_bash flowcost topology --level '' | tr '\n' ' ')" = "az eni subnet vpc " ] && ok || bad "bash: topology --level values"
# file arguments: INPUT and FILE options complete file names
mkdir -p "$tmp/files/logs"; : >"$tmp/files/flows.log.gz"
[ "$(cd "$tmp/files" && complete_bash flowcost report fl)" = "flows.log.gz" ] && ok || bad "bash: INPUT file completion"
[ "$(cd "$tmp/files" && complete_bash flowcost report --eni-snapshot l)" = "logs" ] && ok || bad "bash: FILE option completion"
[ -z "$(cd "$tmp/files" && complete_bash flowcost report --since '')" ] && ok || bad "bash: --since T should offer nothing"
[ "$(complete_bash flowcost --version --j)" = "--json" ] && ok || bad "bash: --version --json"

# ---- zsh: parses, and names every option of every command ----
if command -v zsh >/dev/null; then
  zsh -n "$gen/_flowcost" && ok || bad "zsh -n _flowcost"
else
  echo "note: zsh is not installed; _flowcost checked by content only"
fi
head -1 "$gen/_flowcost" | grep -q '^#compdef flowcost$' && ok || bad "_flowcost lacks #compdef flowcost"
while read -r c; do
  while read -r o; do
    case $o in
      --*) grep -q -- "'[(*]*[^']*$o[=[]" "$gen/_flowcost" && ok || bad "zsh: $c $o missing" ;;
    esac
  done <"$tmp/want.$c"
  grep -q "^    $c)" "$gen/_flowcost" && ok || bad "zsh: no case for $c"
done <"$tmp/commands"

echo "manpage_test: $pass passed, $fail failed"
[ $fail -eq 0 ]
