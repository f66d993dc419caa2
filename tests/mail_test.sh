#!/usr/bin/env bash
# The top-50 e-mail end to end, against a real SMTP server on 127.0.0.1
# (aiosmtpd, tests/smtp_sink.py): 60 workloads each send i GiB to the
# Internet (i = 1..60) at $0.09/GB, so the total is 0.09 × 1830 = $164.70,
# the top row is 10.0.1.60 at $5.40 and the 50th is 10.0.1.11 at $0.99.
# Checked with Python's email package: headers, an HTML part with 50 rows,
# a CSV attachment with 50 data rows that parses, and exit code 4 with
# --fail-above exceeded after the mail went out. Also: --mail-dry-run writes
# the same message as a file, SMTP AUTH from SMTP_USER/SMTP_PASSWORD (the
# password never printed), and an unreachable server is a one-line exit 1.
# With --baseline (last week: the same except 10.0.1.60 sent 30 GiB, so
# 0.09 x (1830 - 60 + 30) = $162.00) and --mail-attach-report: the subject
# and the first line carry "$164.70 — over the $150.00 budget by $14.70",
# "+$2.70 (+1.7%)" (2.70 / 162), the period and the coverage (all records in
# one clock hour: 1 of 1); row 1 moves +$2.70 (+100.0%: 5.40 against 2.70),
# row 2 (10.0.1.59, $5.31 both weeks) "$0.00" and "0.0%"; four parts; the
# 350 figures of the HTML table (50 rows x rank, cost, share, change, %,
# bytes, and the IP) never wrap.
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp/logs" "$tmp/box" "$tmp/authbox"
PY=/usr/bin/python3
$PY -c 'import aiosmtpd' 2>/dev/null || { echo "python3-aiosmtpd not installed"; exit 77; }
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }

$PY - "$tmp/logs/week.log" <<'GEN'
import sys
with open(sys.argv[1], "w") as f:
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
    for i in range(1, 61):
        f.write("2 123456789012 eni-0%016x 10.0.1.%d 203.0.113.7 40000 443 6 1000 %d 1793620000 1793620060 ACCEPT OK\n"
                % (i, i, i * 1073741824))
GEN
mkdir -p "$tmp/lastweek"
$PY - "$tmp/lastweek/week.log" <<'GEN'
import sys
with open(sys.argv[1], "w") as f:
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
    for i in range(1, 61):
        gib = 30 if i == 60 else i
        f.write("2 123456789012 eni-0%016x 10.0.1.%d 203.0.113.7 40000 443 6 1000 %d 1793015200 1793015260 ACCEPT OK\n"
                % (i, i, gib * 1073741824))
GEN
"$bin" aggregate -q "$tmp/lastweek" -o "$tmp/lastweek.fca" || bad "aggregate of last week failed"

$PY "$src/tests/smtp_sink.py" "$tmp/box" "$tmp/port" 2>"$tmp/sink.log" &
sink=$!
$PY "$src/tests/smtp_sink.py" "$tmp/authbox" "$tmp/authport" "ci-bot:s3cr3t-pa55" 2>"$tmp/authsink.log" &
authsink=$!
trap 'kill $sink $authsink 2>/dev/null; wait $sink $authsink 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$tmp/port" ] && [ -s "$tmp/authport" ] && break; sleep 0.1; done
port=$(cat "$tmp/port") authport=$(cat "$tmp/authport")
unset SMTP_USER SMTP_PASSWORD
export SOURCE_DATE_EPOCH=1793750400   # 2026-11-04T00:00:00Z

mail() { "$bin" top --limit 50 "$tmp/logs" --mail-to ops@example.com --mail-to "FinOps <finops@example.com>" \
           --mail-from "flowcost CI <ci@example.com>" "$@"; }
# Error lines of a run: without an ENI snapshot every run also prints the
# caveats about its figures (cost-model.md §4: lower bounds, estimates).
errlines() { grep -v -e '^flowcost: warning: .*\(lower bound\|may be overstated\| estimated (\|could not be given to an ENI\|too short to extrapolate\)' "$tmp/err" | wc -l; }

# 1. Over budget: the mail is sent, then exit 4.
mail --smtp-url "smtp://127.0.0.1:$port" --fail-above 150 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 4 ] && ok || bad "over budget: exit $rc, expected 4: $(cat "$tmp/err")"
grep -q 'above --fail-above' "$tmp/err" && ok || bad "no budget message: $(cat "$tmp/err")"
[ -f "$tmp/box/1.eml" ] && ok || bad "no message reached the SMTP server"
grep -qx 'from=ci@example.com' "$tmp/box/1.env" && ok || bad "envelope sender: $(cat "$tmp/box/1.env")"
grep -qx 'tls=False' "$tmp/box/1.env" && ok || bad "the plain server reports TLS (the TLS checks below could not fail)"
[ "$(grep -c '^rcpt=' "$tmp/box/1.env")" -eq 2 ] && grep -qx 'rcpt=finops@example.com' "$tmp/box/1.env" && ok \
  || bad "envelope recipients: $(cat "$tmp/box/1.env")"

check_message() { # file → prints what Python's email package sees
  $PY - "$1" <<'CHK'
import sys, csv, io, email, email.policy, re
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
out = []
out.append("subject=" + str(m["Subject"]))
out.append("from=" + str(m["From"]))
out.append("to=" + ",".join(a.addr_spec for a in m["To"].addresses))
out.append("date=" + m["Date"].datetime.isoformat())
out.append("msgid=" + str(bool(re.fullmatch(r"<[^@<>\s]+@example\.com>", str(m["Message-ID"])))))
out.append("type=" + m.get_content_type())
html = m.get_body(preferencelist=("html",)).get_content()
body = html.split("<tbody>")[1].split("</tbody>")[0]
rows = re.findall(r"<tr>(.*?)</tr>", body)
out.append("html_rows=%d" % len(rows))
cells = lambda r: re.findall(r"<td[^>]*>(.*?)</td>", r)
out.append("html_first=" + "|".join(cells(rows[0])[:3]))
out.append("html_last=" + "|".join(cells(rows[-1])[:3]))
text = m.get_body(preferencelist=("plain",)).get_content()
out.append("text_has_top=" + str("10.0.1.60" in text))
att = list(m.iter_attachments())
out.append("attachments=%d" % len(att))
out.append("att_type=" + att[0].get_content_type())
data = list(csv.DictReader(io.StringIO(att[0].get_content())))
out.append("csv_rows=%d" % len(data))
out.append("csv_first=%s %s" % (data[0]["ip"], data[0]["cost_usd"]))
out.append("csv_last=%s %s" % (data[-1]["ip"], data[-1]["cost_usd"]))
out.append("csv_sum=%.2f" % sum(float(r["cost_usd"]) for r in data))
out.append("defects=%d" % sum(len(p.defects) for p in m.walk()))
print("\n".join(out))
CHK
}
check_message "$tmp/box/1.eml" >"$tmp/seen" 2>"$tmp/pyerr" || bad "python could not read the message: $(cat "$tmp/pyerr")"
cat >"$tmp/want" <<'EOF2'
subject=flowcost top 50 IPs: $164.70 — over the $150.00 budget by $14.70, 2026-11-02 to 2026-11-02 (UTC), 1 of 1 hours with records
from=flowcost CI <ci@example.com>
to=ops@example.com,finops@example.com
date=2026-11-04T00:00:00+00:00
msgid=True
type=multipart/mixed
html_rows=50
html_first=1|10.0.1.60|$5.40
html_last=50|10.0.1.11|$0.99
text_has_top=True
attachments=1
att_type=text/csv
csv_rows=50
csv_first=10.0.1.60 5.400000
csv_last=10.0.1.11 0.990000
csv_sum=159.75
defects=0
EOF2
diff "$tmp/want" "$tmp/seen" >"$tmp/diff" && ok || bad "the received message differs from the expectation:
$(cat "$tmp/diff")"

# 2. Under budget: exit 0, a second message; a custom subject.
mail --smtp-url "smtp://127.0.0.1:$port" --fail-above 200 --subject "Weekly top 50 – réseau" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "under budget: exit $rc: $(cat "$tmp/err")"
[ -f "$tmp/box/2.eml" ] && ok || bad "second message missing"
$PY -c 'import sys,email,email.policy; m=email.message_from_bytes(open(sys.argv[1],"rb").read(),policy=email.policy.default); print(m["Subject"])' \
  "$tmp/box/2.eml" | grep -qx 'Weekly top 50 – réseau' && ok || bad "custom UTF-8 subject did not round-trip"

# 3. Dry run: the same message as a file, nothing sent.
mail --mail-dry-run "$tmp/dry.eml" --fail-above 150 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 4 ] && ok || bad "dry run over budget: exit $rc"
[ ! -e "$tmp/box/3.eml" ] && ok || bad "the dry run sent a message"
cmp -s "$tmp/dry.eml" "$tmp/box/1.eml" && ok || bad "the dry-run .eml differs from the message sent with the same options"

# 4. AUTH with SMTP_USER / SMTP_PASSWORD; a wrong password fails in one line without the password.
SMTP_USER=ci-bot SMTP_PASSWORD=s3cr3t-pa55 mail --smtp-url "smtp://127.0.0.1:$authport" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "auth: exit $rc: $(cat "$tmp/err")"
grep -qx 'user=ci-bot' "$tmp/authbox/1.env" 2>/dev/null && ok || bad "the server did not see the SMTP_USER login"
SMTP_USER=ci-bot SMTP_PASSWORD=wrong-pa55word mail -v -v --smtp-url "smtp://127.0.0.1:$authport" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && ok || bad "bad password: exit $rc, expected 1"
grep -q '^flowcost: error: smtp://127.0.0.1:[0-9]*: authentication failed' "$tmp/err" && ok || bad "bad password message: $(grep error "$tmp/err")"
grep -q 'wrong-pa55word\|d3JvbmctcGE1NXdvcmQ' "$tmp/err" && bad "the password (or its base64) was printed" || ok
[ ! -e "$tmp/authbox/2.eml" ] && ok || bad "a message was accepted with a wrong password"

# 5. Nobody listening: one line, exit 1, naming the server. Usage gaps too.
closed=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mail --smtp-url "smtp://127.0.0.1:$closed" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && ok || bad "closed port: exit $rc, expected 1"
[ "$(errlines)" -eq 1 ] && grep -q "^flowcost: error: smtp://127.0.0.1:$closed: " "$tmp/err" && ok \
  || bad "closed port message: $(cat "$tmp/err")"
"$bin" top "$tmp/logs" --mail-to ops@example.com --smtp-url "smtp://127.0.0.1:$port" >"$tmp/out" 2>"$tmp/err"
[ $? -ne 0 ] && grep -q -- '--mail-from' "$tmp/err" && ok || bad "missing --mail-from not reported: $(cat "$tmp/err")"
mail --smtp-url "smtp://127.0.0.1:$port" --subject "$(printf 'x\r\nBcc: evil@example.net')" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'single line' "$tmp/err" && ok || bad "a subject with CR/LF was not refused: $(cat "$tmp/err")"

# 6. TLS: a server that requires STARTTLS, and one that speaks TLS from the
# first byte, both with a certificate for 127.0.0.1 from a throwaway CA-less
# self-signed pair; trusted through CURL_CA_BUNDLE, refused without it.
if command -v openssl >/dev/null 2>&1; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
  mkdir -p "$tmp/tlsbox" "$tmp/smtpsbox"
  SINK_TLS=starttls SINK_CERT=$tmp/cert.pem SINK_KEY=$tmp/key.pem \
    $PY "$src/tests/smtp_sink.py" "$tmp/tlsbox" "$tmp/tlsport" "ci-bot:s3cr3t-pa55" 2>"$tmp/tlssink.log" &
  tlssink=$!
  SINK_TLS=smtps SINK_CERT=$tmp/cert.pem SINK_KEY=$tmp/key.pem \
    $PY "$src/tests/smtp_sink.py" "$tmp/smtpsbox" "$tmp/smtpsport" 2>"$tmp/smtpssink.log" &
  smtpssink=$!
  trap 'kill $sink $authsink $tlssink $smtpssink 2>/dev/null; wait $sink $authsink $tlssink $smtpssink 2>/dev/null' EXIT
  for _ in $(seq 100); do [ -s "$tmp/tlsport" ] && [ -s "$tmp/smtpsport" ] && break; sleep 0.1; done
  tlsport=$(cat "$tmp/tlsport") smtpsport=$(cat "$tmp/smtpsport")
  CURL_CA_BUNDLE=$tmp/cert.pem SMTP_USER=ci-bot SMTP_PASSWORD=s3cr3t-pa55 mail --smtp-url "smtp://127.0.0.1:$tlsport" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 0 ] && ok || bad "STARTTLS: exit $rc: $(cat "$tmp/err")"
  grep -qx 'tls=True' "$tmp/tlsbox/1.env" 2>/dev/null && grep -qx 'user=ci-bot' "$tmp/tlsbox/1.env" && ok \
    || bad "smtp:// did not upgrade with STARTTLS before AUTH: $(cat "$tmp/tlsbox/1.env" 2>/dev/null)"
  CURL_CA_BUNDLE=$tmp/cert.pem mail --smtp-url "smtps://127.0.0.1:$smtpsport" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 0 ] && grep -qx 'tls=True' "$tmp/smtpsbox/1.env" 2>/dev/null && ok || bad "smtps://: exit $rc: $(cat "$tmp/err")"
  cmp -s "$tmp/smtpsbox/1.eml" "$tmp/authbox/1.eml" && ok || bad "the message over TLS differs from the plain one"
  SMTP_USER=ci-bot SMTP_PASSWORD=s3cr3t-pa55 mail --smtp-url "smtp://127.0.0.1:$tlsport" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 1 ] && [ "$(errlines)" -eq 1 ] && ok || bad "untrusted certificate: exit $rc, stderr: $(cat "$tmp/err")"
  [ ! -e "$tmp/tlsbox/2.eml" ] && ok || bad "a message was sent over an unverified TLS session"
else
  echo "openssl not installed: TLS cases not run"
fi

# 7. The CI mail with a baseline and the report attached (dry run).
mail --mail-dry-run "$tmp/ci.eml" --fail-above 150 --baseline "$tmp/lastweek.fca" --mail-attach-report >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 4 ] && ok || bad "baseline mail: exit $rc, expected 4: $(cat "$tmp/err")"
$PY - "$tmp/ci.eml" >"$tmp/seen7" 2>"$tmp/pyerr7" <<'CHK' || bad "python could not read the CI message: $(cat "$tmp/pyerr7")"
import sys, csv, io, email, email.policy, re, html as H
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
print("subject=" + str(m["Subject"]))
print("parts=" + ",".join(p.get_content_type() for p in m.walk() if not p.is_multipart()))
text = m.get_body(preferencelist=("plain",)).get_content()
print("text_first=" + text.splitlines()[0])
row = lambda ip: re.search(r"^ +\d+  " + re.escape(ip) + r" .*$", text, re.M).group(0).split()
print("text_row1=" + " ".join(row("10.0.1.60")[2:6]))
print("text_row2=" + " ".join(row("10.0.1.59")[2:6]))
h = m.get_body(preferencelist=("html",)).get_content()
first = re.search(r"<p[^>]*>(.*?)</p>", h, re.S).group(1)
print("html_first=" + H.unescape(re.sub(r"<[^>]+>", "", first)))
rows = re.findall(r"<tr>(.*?)</tr>", h.split("<tbody>")[1].split("</tbody>")[0])
cells = lambda r: [H.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
print("html_row1=" + "|".join(cells(rows[0])[:6]))
print("html_row2=" + "|".join(cells(rows[1])[:6]))
# every cell holding a figure must not wrap
tds = re.findall(r"<td([^>]*)>([^<]*)</td>", h)
fig = re.compile(r"[-+]?\$?[\d,.]+(%| [KMGTP]?i?B)?")
print("figures=%d wrapping=%d" % (sum(1 for a, c in tds if fig.fullmatch(H.unescape(c))),
                                  sum(1 for a, c in tds if fig.fullmatch(H.unescape(c)) and "nowrap" not in a)))
att = list(m.iter_attachments())
print("attachments=" + ",".join("%s:%s" % (a.get_content_type(), a.get_filename()) for a in att))
d = list(csv.DictReader(io.StringIO(att[0].get_content())))
print("csv_row1=%s %s %s %s" % (d[0]["ip"], d[0]["cost_usd"], d[0]["baseline_cost_usd"], d[0]["delta_usd"]))
rep = att[1].get_content()
print("report=%s %s" % (rep.startswith("<!DOCTYPE html>"), "Compared with baseline" in rep))
print("defects=%d" % sum(len(p.defects) for p in m.walk()))
CHK
cat >"$tmp/want7" <<'EOF2'
subject=flowcost top 50 IPs: $164.70 — over the $150.00 budget by $14.70, +$2.70 (+1.7%) against the baseline, 2026-11-02 to 2026-11-02 (UTC), 1 of 1 hours with records
parts=text/plain,text/html,text/csv,text/html
text_first=$164.70 — over the $150.00 budget by $14.70, +$2.70 (+1.7%) against the baseline, 2026-11-02 to 2026-11-02 (UTC), 1 of 1 hours with records.
text_row1=$5.40 3.3% +$2.70 +100.0%
text_row2=$5.31 3.2% $0.00 0.0%
html_first=$164.70 — over the $150.00 budget by $14.70, +$2.70 (+1.7%) against the baseline, 2026-11-02 to 2026-11-02 (UTC), 1 of 1 hours with records.
html_row1=1|10.0.1.60|$5.40|3.3%|+$2.70|+100.0%
html_row2=2|10.0.1.59|$5.31|3.2%|$0.00|0.0%
figures=350 wrapping=0
attachments=text/csv:flowcost-top-2026-11-02.csv,text/html:flowcost-report.html
csv_row1=10.0.1.60 5.400000 2.700000 2.700000
report=True True
defects=0
EOF2
diff "$tmp/want7" "$tmp/seen7" >"$tmp/diff7" && ok || bad "the CI message differs from the expectation:
$(cat "$tmp/diff7")"
# The baseline of the same week: the mail says its deltas mean nothing.
"$bin" top --limit 50 "$tmp/lastweek" --mail-to ops@example.com --mail-from ci@example.com \
  --mail-dry-run "$tmp/same.eml" --baseline "$tmp/lastweek.fca" >"$tmp/out" 2>"$tmp/err"
grep -q 'Warning: the baseline covers the same period' "$tmp/same.eml" && ok || bad "no same-period warning in the mail"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
