#!/bin/sh
# helpgen: writes the man page and the bash and zsh completions from the
# built binary's own --help, so they cannot drift from the option table in
# cli/opts.c (the table is the one source; --help is its printed form).
#
#   sh dist/helpgen.sh FLOWCOST_BINARY OUTDIR VERSION DATE MAN_EXTRA
#
# writes OUTDIR/flowcost.1, OUTDIR/flowcost.bash and OUTDIR/_flowcost.
# MAN_EXTRA is hand-written roff appended to the page (ENVIRONMENT, EXAMPLES,
# SEE ALSO): things the option table does not know.
# Needs only a POSIX sh and awk (runs at build time on the build machine).
set -eu
bin=$1 out=$2 version=$3 date=$4 extra=$5

mkdir -p "$out"
stream="$out/help.txt.tmp"
# One stream: the main help, then each command's help after a marker line.
{
  "$bin" --help
  for c in $("$bin" --help | awk '/^commands:/ {on = 1; next} on && NF == 0 {exit} on {print $1}'); do
    echo "@@command $c"
    "$bin" "$c" --help
  done
} >"$stream"

awk -v out="$out" -v version="$version" -v date="$date" -v extra="$extra" '
function roff(s) {
  gsub(/\\/, "\\e", s)
  gsub(/-/, "\\-", s)
  if (s ~ /^[.\047]/) s = "\\&" s
  return s
}
# Single-quoted shell word.
function sq(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
# zsh _arguments description: [ ] : and \ are special inside the brackets.
function zdesc(s) { gsub(/\\/, "\\\\", s); gsub(/\[/, "\\[", s); gsub(/\]/, "\\]", s); gsub(/:/, "\\:", s); return s }
# Values an option accepts, from its help: "for CMD: a|b|c" (a value list that
# applies to one command) or a leading "a|b|c".
function values(c, d,    m) {
  if (match(d, "for " c ": [a-z0-9]+(\\|[a-z0-9]+)+")) {
    m = substr(d, RSTART, RLENGTH); sub(/^for [a-z]+: /, "", m); gsub(/\|/, " ", m); return m
  }
  if (d ~ /^for [a-z]+: /) return ""
  if (match(d, "^[a-z0-9]+(\\|[a-z0-9]+)+")) { m = substr(d, 1, RLENGTH); gsub(/\|/, " ", m); return m }
  return ""
}
BEGIN { cmd = ""; sect = "" }
/^@@command / { cmd = $2; sect = "usage"; next }
cmd == "" {
  # the main --help
  if ($0 ~ /^usage: /) { main_usage = substr($0, 8); next }
  if ($0 == "commands:") { sect = "commands"; next }
  if (sect == "commands" && NF == 0) { sect = "after"; next }
  if (sect == "commands") {
    ncmd++; cname[ncmd] = $1; l = $0; sub(/^ +[a-z]+ +/, "", l); cwhat[ncmd] = l; next
  }
  if ($0 ~ /^exit codes: /) { exitline = substr($0, 13); next }
  if (sect == "" && NF > 0 && tagline == "") { tagline = $0; next }
  if (sect == "after" && NF > 0) { l = $0; sub(/^ +/, "", l); nother++; other[nother] = l }
  next
}
{
  if ($0 ~ /^usage: /) { usage[cmd] = substr($0, 8); sect = "what"; next }
  if (sect == "what" && NF > 0) { what[cmd] = $0; sect = "pre"; next }
  if ($0 == "options:") { sect = "options"; next }
  if (sect == "options" && NF == 0) { sect = "notes"; next }
  if (sect == "options") {
    l = $0; sub(/^ +/, "", l)
    s = ""
    if (l ~ /^-[a-zA-Z], /) { s = substr(l, 2, 1); l = substr(l, 5) }
    sub(/^--/, "", l)
    name = l; sub(/[ ].*$/, "", name); l = substr(l, length(name) + 1)
    arg = ""
    # an argument is one word right after the name (one space); the help
    # text follows after the padding
    if (l ~ /^ [^ ]/) { arg = substr(l, 2); sub(/ .*$/, "", arg); l = substr(l, length(arg) + 2) }
    sub(/^ +/, "", l)
    n = ++nopt[cmd]; oshort[cmd, n] = s; olong[cmd, n] = name; oarg[cmd, n] = arg; ohelp[cmd, n] = l
    next
  }
  if (sect == "notes" && NF > 0 && $0 !~ /^exit codes: /) { nnote[cmd]++; note[cmd, nnote[cmd]] = $0 }
}
END {
  man = out "/flowcost.1"; bash = out "/flowcost.bash"; zsh = out "/_flowcost"
  name_line = tagline; sub(/\.$/, "", name_line); name_line = tolower(substr(name_line, 1, 1)) substr(name_line, 2)

  # ---- man page ----
  print ".\\\" Generated from flowcost --help by dist/helpgen.sh; do not edit." > man
  print ".TH FLOWCOST 1 \"" date "\" \"flowcost " version "\" \"User Commands\"" > man
  print ".SH NAME" > man
  print "flowcost \\- " roff(name_line) > man
  print ".SH SYNOPSIS" > man
  print ".nf" > man
  for (i = 1; i <= ncmd; i++) print roff(usage[cname[i]]) > man
  for (i = 1; i <= nother; i++) print roff(other[i]) > man
  print ".fi" > man
  print ".SH DESCRIPTION" > man
  print roff(tagline) > man
  print "Each command reads VPC Flow Log records (or aggregates of them), prices them with the" > man
  print "cost model and writes a report, a table, a graph or an aggregate." > man
  print "\\fBflowcost\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR prints the options below for one command." > man
  print ".SH COMMANDS" > man
  for (i = 1; i <= ncmd; i++) { print ".TP" > man; print "\\fB" cname[i] "\\fR" > man; print roff(cwhat[i]) > man }
  print ".SH OPTIONS" > man
  for (i = 1; i <= ncmd; i++) {
    c = cname[i]
    print ".SS \"" roff(usage[c]) "\"" > man
    print roff(what[c]) > man
    for (k = 1; k <= nopt[c]; k++) {
      print ".TP" > man
      t = oshort[c, k] != "" ? "\\fB\\-" oshort[c, k] "\\fR, " : ""
      t = t "\\fB\\-\\-" roff(olong[c, k]) "\\fR"
      if (oarg[c, k] != "") t = t " \\fI" roff(oarg[c, k]) "\\fR"
      print t > man
      # a tag narrower than the indent would share its line with the text
      vis = 2 + length(olong[c, k]) + (oarg[c, k] != "" ? 1 + length(oarg[c, k]) : 0) + (oshort[c, k] != "" ? 4 : 0)
      if (vis < 7) print ".br" > man
      print roff(ohelp[c, k]) > man
    }
    for (k = 1; k <= nnote[c]; k++) { print ".PP" > man; print roff(note[c, k]) > man }
  }
  print ".SH EXIT STATUS" > man
  n = split(exitline, codes, /, /)
  for (i = 1; i <= n; i++) {
    code = codes[i]; sub(/ .*$/, "", code); d = codes[i]; sub(/^[0-9]+ /, "", d)
    print ".TP" > man; print "\\fB" code "\\fR" > man; print roff(d) > man
  }
  while ((getline l < extra) > 0) print l > man
  close(extra)

  # ---- bash ----
  print "# bash completion for flowcost; generated from flowcost --help by dist/helpgen.sh, do not edit" > bash
  print "_flowcost()" > bash
  print "{" > bash
  print "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=${COMP_WORDS[1]} opts IFS=$\047 \\t\\n\047" > bash
  print "    COMPREPLY=()" > bash
  cmds = ""; for (i = 1; i <= ncmd; i++) cmds = cmds (i > 1 ? " " : "") cname[i]
  print "    if [ \"$COMP_CWORD\" -eq 1 ]; then" > bash
  print "        COMPREPLY=($(compgen -W " sq(cmds " --help --version") " -- \"$cur\"))" > bash
  print "        return 0" > bash
  print "    fi" > bash
  print "    if [ \"$cmd\" = --version ]; then" > bash
  print "        [ \"$COMP_CWORD\" -eq 2 ] && COMPREPLY=($(compgen -W --json -- \"$cur\"))" > bash
  print "        return 0" > bash
  print "    fi" > bash
  print "    # --opt=VALUE: complete VALUE as if it were the next word (bash splits" > bash
  print "    # words at = by default; without that, the word holds both)" > bash
  print "    if [ \"$cur\" = = ]; then cur=; elif [ \"$prev\" = = ] && [ \"$COMP_CWORD\" -ge 3 ]; then prev=${COMP_WORDS[COMP_CWORD-2]}; fi" > bash
  print "    if [[ $cur == --*=* ]]; then prev=${cur%%=*}; cur=${cur#*=}; fi" > bash
  print "    case \"$cmd $prev\" in" > bash
  for (i = 1; i <= ncmd; i++) {
    c = cname[i]
    for (k = 1; k <= nopt[c]; k++) {
      if (oarg[c, k] == "") continue
      pat = sq(c " --" olong[c, k]) (oshort[c, k] != "" ? "|" sq(c " -" oshort[c, k]) : "")
      v = values(c, ohelp[c, k])
      if (v != "") act = "COMPREPLY=($(compgen -W " sq(v) " -- \"$cur\"))"
      else if (oarg[c, k] ~ /DIR/) act = "compopt -o filenames 2>/dev/null; IFS=$\047\\n\047 COMPREPLY=($(compgen -d -- \"$cur\"))"
      else if (oarg[c, k] ~ /FILE/) act = "compopt -o filenames 2>/dev/null; IFS=$\047\\n\047 COMPREPLY=($(compgen -f -- \"$cur\"))"
      else act = ":"
      print "        " pat ") " act "; return 0 ;;" > bash
    }
  }
  print "    esac" > bash
  print "    case $cmd in" > bash
  for (i = 1; i <= ncmd; i++) {
    c = cname[i]; o = ""
    for (k = 1; k <= nopt[c]; k++) o = o (o != "" ? " " : "") (oshort[c, k] != "" ? "-" oshort[c, k] " " : "") "--" olong[c, k]
    print "        " c ") opts=" sq(o) " ;;" > bash
  }
  print "        *) return 0 ;;" > bash
  print "    esac" > bash
  print "    if [[ $cur == -* ]]; then" > bash
  print "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))" > bash
  print "        return 0" > bash
  print "    fi" > bash
  inputs = ""
  for (i = 1; i <= ncmd; i++) if (usage[cname[i]] ~ /INPUT/) inputs = inputs (inputs != "" ? "|" : "") cname[i]
  print "    case $cmd in" > bash
  print "        " inputs ") compopt -o filenames 2>/dev/null; IFS=$\047\\n\047 COMPREPLY=($(compgen -f -- \"$cur\")) ;;" > bash
  print "    esac" > bash
  print "    return 0" > bash
  print "}" > bash
  print "complete -F _flowcost flowcost" > bash

  # ---- zsh ----
  print "#compdef flowcost" > zsh
  print "# zsh completion for flowcost; generated from flowcost --help by dist/helpgen.sh, do not edit" > zsh
  print "" > zsh
  print "_flowcost() {" > zsh
  print "  local -a commands" > zsh
  print "  commands=(" > zsh
  for (i = 1; i <= ncmd; i++) { d = cwhat[i]; print "    " sq(cname[i] ":" d) > zsh }
  print "  )" > zsh
  print "  if (( CURRENT == 2 )); then" > zsh
  print "    _describe -t commands \047flowcost command\047 commands" > zsh
  print "    compadd -- --help --version" > zsh
  print "    return" > zsh
  print "  fi" > zsh
  print "  local cmd=$words[2]" > zsh
  print "  if [[ $cmd == --version ]]; then" > zsh
  print "    (( CURRENT == 3 )) && compadd -- --json" > zsh
  print "    return" > zsh
  print "  fi" > zsh
  print "  shift words" > zsh
  print "  (( CURRENT-- ))" > zsh
  print "  case $cmd in" > zsh
  for (i = 1; i <= ncmd; i++) {
    c = cname[i]
    print "    " c ")" > zsh
    nz = 0
    for (k = 1; k <= nopt[c]; k++) {
      h = ohelp[c, k]; rep = (h ~ /repeatable/ || olong[c, k] == "verbose") ? "*" : ""
      act = ""
      if (oarg[c, k] != "") {
        v = values(c, h)
        if (v != "") act = ":" oarg[c, k] ":(" v ")"
        else if (oarg[c, k] ~ /DIR/) act = ":" oarg[c, k] ":_files -/"
        else if (oarg[c, k] ~ /FILE/) act = ":" oarg[c, k] ":_files"
        else act = ":" oarg[c, k] ": "
      }
      if (oshort[c, k] != "") {
        ex = rep == "" ? "(-" oshort[c, k] " --" olong[c, k] ")" : ""
        spec1 = ex rep "-" oshort[c, k] (oarg[c, k] != "" ? "+" : "")
        spec2 = ex rep "--" olong[c, k] (oarg[c, k] != "" ? "=" : "")
        zs[++nz] = sq(spec1 "[" zdesc(h) "]" act) " " sq(spec2 "[" zdesc(h) "]" act)
      } else {
        zs[++nz] = sq(rep "--" olong[c, k] (oarg[c, k] != "" ? "=" : "") "[" zdesc(h) "]" act)
      }
    }
    if (usage[c] ~ /INPUT/) zs[++nz] = "\047*:INPUT:_files\047"
    print "      _arguments -s -S" (nz ? " \\" : "") > zsh
    for (k = 1; k <= nz; k++) print "        " zs[k] (k < nz ? " \\" : "") > zsh
    print "      ;;" > zsh
  }
  print "  esac" > zsh
  print "}" > zsh
  print "" > zsh
  print "_flowcost \"$@\"" > zsh
}
' "$stream"
rm -f "$stream"
