#!/usr/bin/env bash
# enrich_faults_test: `flowcost enrich` against a local stand-in for the EC2
# Query API (tests/aws/fake_ec2.py on 127.0.0.1) that misbehaves on purpose:
# 2,500 ENIs over three NextToken pages; throttling (503
# RequestLimitExceeded, 429 Throttling) then success; a 500 storm that must
# end in a clear error within the bounded attempts; a stalled connection
# that must time out; truncated and non-XML bodies that must be errors, not
# crashes. Also ECS container and IMDSv2 credentials served locally. No
# secret may appear in any output, -v included.
# usage: enrich_faults_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -euo pipefail
BIN=$1 SRC=$2 T=$3
rm -rf "$T" && mkdir -p "$T"

unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE \
      AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_EC2 AWS_MAX_ATTEMPTS \
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI \
      AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \
      AWS_EC2_METADATA_SERVICE_ENDPOINT FLOWCOST_HTTP_TIMEOUT FLOWCOST_CONNECT_TIMEOUT
export AWS_EC2_METADATA_DISABLED=true
export AWS_SHARED_CREDENTIALS_FILE="$T/no-credentials" AWS_CONFIG_FILE="$T/no-config"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export AWS_REGION=us-east-1
SECRET=fault-secret-do-not-print
KEYS=(AWS_ACCESS_KEY_ID=AKIAFAKEFAULTKEY0001 AWS_SECRET_ACCESS_KEY=$SECRET)

python3 "$SRC/tests/aws/fake_ec2.py" "$T/port" "$T/requests.log" 2>"$T/server.err" &
SRV=$!
trap 'kill $SRV 2>/dev/null || true; wait $SRV 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do [ -s "$T/port" ] && break; sleep 0.1; done
[ -s "$T/port" ] || { cat "$T/server.err"; echo "FAIL: fake EC2 server did not start"; exit 1; }
EP="http://127.0.0.1:$(cat "$T/port")"

fail() { echo "FAIL: $*"; exit 1; }
no_secrets() {
    local f s
    for f in "$@"; do
        for s in "$SECRET" ecs-secret-do-not-print ecs-session-token-do-not-print imds-secret-do-not-print \
                 imds-session-token-do-not-print imds-v2-token-do-not-print ecs-token-1234; do
            if grep -qF -- "$s" "$f"; then fail "'$s' appears in $(basename "$f")"; fi
        done
    done
}
# run NAME ENV... -- ARGS...: flowcost with env, stdout/stderr to $T/NAME.{out,err},
# exit code in $RC, wall time (ms) in $MS.
run() {
    local name=$1; shift
    local envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    local t0; t0=$(date +%s%N)
    set +e
    env "${envs[@]}" "$BIN" "$@" >"$T/$name.out" 2>"$T/$name.err"
    RC=$?
    set -e
    MS=$(( ($(date +%s%N) - t0) / 1000000 ))
    no_secrets "$T/$name.out" "$T/$name.err"
}
requests() { # requests SCENARIO ACTION -> count
    python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) for r in [json.loads(l)] if r.get("scenario")==sys.argv[2] and r.get("action")==sys.argv[3]))' "$T/requests.log" "$1" "$2"
}

# 1. Paging: 2,500 ENIs over three NextToken pages, all fetched.
run paging "${KEYS[@]}" -- enrich --endpoint-url "$EP/paging/" -v -o "$T/paging.json"
[ "$RC" -eq 0 ] || { cat "$T/paging.err"; fail "paging: exit $RC"; }
python3 - "$T/paging.json" "$T/requests.log" <<'EOF'
import json, sys
snap = json.load(open(sys.argv[1]))
enis = snap["enis"]
ids = {e["id"] for e in enis}
assert len(enis) == 2500 and len(ids) == 2500, (len(enis), len(ids))
# Every generated id eni-<i as 17 hex digits>, i = 0..2499, is there.
assert ids == {f"eni-{i:017x}" for i in range(2500)}
# ENI i is in subnet i % 3: a -> use1-az4, b -> use1-az6, c -> use1-az1.
want_az = ["use1-az4", "use1-az6", "use1-az1"]
for e in enis:
    i = int(e["id"][4:], 16)
    assert e["az_id"] == want_az[i % 3], e
    assert e["kind"] == "workload" and e["interface_type"] == "lambda", e
    assert len(e["private_ips"]) == 1, e
assert len({e["private_ips"][0] for e in enis}) == 2500
reqs = [json.loads(l) for l in open(sys.argv[2])]
dni = [r for r in reqs if r.get("scenario") == "paging" and r["action"] == "DescribeNetworkInterfaces"]
assert [r["next_token"] for r in dni] == [None, "tok-page-2", "tok-page-3"], dni
assert all(r["max_results"] == "1000" and r["sigv4"] and r["key_id"] == "AKIAFAKEFAULTKEY0001"
           and r["security_token"] is None for r in dni), dni
print("ok: 2,500 ENIs over 3 pages (NextToken tok-page-2, tok-page-3), AZ IDs from DescribeSubnets")
# DescribeInstances pages too (inst-page-2) and names ENIs 0 and 1 with its
# Name tag, keeping all its tags; ENI 2 has no instance, so no tags.
by_id = {e["id"]: e for e in enis}
e0, e1, e2 = (by_id[f"eni-{i:017x}"] for i in range(3))
assert (e0.get("name"), e0.get("tags"), e0.get("instance_id")) == ("web-0", {"Name": "web-0", "team": "a"}, f"i-{0:017x}"), e0
assert (e1.get("name"), e1.get("tags")) == ("web-1", {"Name": "web-1", "team": "b"}), e1
assert "tags" not in e2 and e2["name"] == "lambda:fn-2", e2  # docs/enrichment.md
di = [r for r in reqs if r.get("scenario") == "paging" and r["action"] == "DescribeInstances"]
assert [r["next_token"] for r in di] == [None, "inst-page-2"] and all(r["max_results"] == "1000" for r in di), di
# ELBv2: its own API version, service name in the signature, PageSize and
# Marker (not MaxResults / NextToken).
lb = [r for r in reqs if r.get("scenario") == "paging" and r["action"] == "DescribeLoadBalancers"]
assert [r["marker"] for r in lb] == [None, "lb-page-2"], lb
assert all(r["page_size"] == "400" and r["max_results"] is None and r["service"] == "elasticloadbalancing"
           and r["sigv4"] for r in lb), lb
tg = [r for r in reqs if r.get("scenario") == "paging" and r["action"] == "DescribeTransitGatewayAttachments"]
assert len(tg) == 1 and tg[0]["service"] == "ec2", tg
print("ok: DescribeInstances over 2 pages names ENIs 0 and 1 (web-0, web-1) with all tags; "
      "ELBv2 DescribeLoadBalancers over 2 pages by Marker; DescribeTransitGatewayAttachments")
EOF
grep -q "DescribeNetworkInterfaces page 3: 500 items" "$T/paging.err" || fail "-v did not report page 3"

# 2. Throttling then success: each action's first call is 503
# RequestLimitExceeded, the second 429 Throttling, the third succeeds.
run throttle "${KEYS[@]}" -- enrich --endpoint-url "$EP/throttle/" -v -o "$T/throttle.json"
[ "$RC" -eq 0 ] || { cat "$T/throttle.err"; fail "throttle: exit $RC"; }
python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["enis"]) == 2500' "$T/throttle.json"
for a in DescribeVpcs DescribeSubnets DescribeNatGateways DescribeVpcEndpoints DescribeTransitGatewayAttachments; do
    [ "$(requests throttle $a)" -eq 3 ] || fail "throttle: $a took $(requests throttle $a) requests, want 3"
done
[ "$(requests throttle DescribeNetworkInterfaces)" -eq 5 ] || fail "throttle: DescribeNetworkInterfaces: want 2 throttled + 3 pages"
for a in DescribeInstances DescribeLoadBalancers; do # 2 throttled + 2 pages
    [ "$(requests throttle $a)" -eq 4 ] || fail "throttle: $a took $(requests throttle $a) requests, want 4"
done
# 8 actions, each throttled twice.
[ "$(grep -c 'retrying in' "$T/throttle.err")" -eq 16 ] || fail "throttle: want 16 retries logged"
grep -q -- '-> 503' "$T/throttle.err" && grep -q -- '-> 429' "$T/throttle.err" || fail "throttle: statuses not logged"
echo "ok: 503 RequestLimitExceeded and 429 Throttling retried, then all 2,500 ENIs (${MS} ms)"

# 3. A 500 storm: exactly AWS_MAX_ATTEMPTS requests, then one clear line.
run storm "${KEYS[@]}" AWS_MAX_ATTEMPTS=4 -- enrich --endpoint-url "$EP/storm/" -o "$T/storm.json"
[ "$RC" -eq 1 ] || fail "storm: exit $RC, want 1"
[ "$(requests storm DescribeVpcs)" -eq 4 ] || fail "storm: $(requests storm DescribeVpcs) requests, want 4"
grep -q "^flowcost: error: EC2 DescribeVpcs: InternalError: An internal error has occurred (request id req-InternalError) (after 4 attempts)" \
    "$T/storm.err" || { cat "$T/storm.err"; fail "storm: message"; }
[ "$MS" -lt 20000 ] || fail "storm: took $MS ms"
[ ! -e "$T/storm.json" ] || fail "storm: a snapshot was written"
echo "ok: 500 storm -> exit 1 after 4 attempts in $MS ms: $(head -c 100 "$T/storm.err")..."

# 4. A stalled connection: each attempt times out (1 s), 2 attempts, error.
run stall "${KEYS[@]}" AWS_MAX_ATTEMPTS=2 FLOWCOST_HTTP_TIMEOUT=1 -- enrich --endpoint-url "$EP/stall/" -o "$T/stall.json"
[ "$RC" -eq 1 ] || fail "stall: exit $RC, want 1"
grep -q "^flowcost: error: EC2 DescribeVpcs: cannot reach $EP/stall: .*timed out" "$T/stall.err" || { cat "$T/stall.err"; fail "stall: no timeout in the message"; }
grep -q "(after 2 attempts)" "$T/stall.err" || { cat "$T/stall.err"; fail "stall: attempts not stated"; }
[ "$(requests stall DescribeVpcs)" -eq 2 ] || fail "stall: want 2 requests"
[ "$MS" -ge 2000 ] && [ "$MS" -lt 12000 ] || fail "stall: took $MS ms, want 2-12 s"
echo "ok: stalled connection timed out twice in $MS ms: $(cat "$T/stall.err")"

# 5. Truncated and non-XML 200 bodies: an error naming the problem, no
# retry, no crash, no snapshot.
for s in truncated garbage; do
    run "$s" "${KEYS[@]}" -- enrich --endpoint-url "$EP/$s/" -o "$T/$s.json"
    [ "$RC" -eq 1 ] || fail "$s: exit $RC, want 1 (a crash would be >= 128)"
    grep -q "^flowcost: error: EC2 DescribeVpcs: malformed XML at line [0-9]*: .* in the response from $EP/$s" "$T/$s.err" \
        || { cat "$T/$s.err"; fail "$s: message"; }
    [ "$(requests "$s" DescribeVpcs)" -eq 1 ] || fail "$s: retried"
    [ ! -e "$T/$s.json" ] || fail "$s: a snapshot was written"
    echo "ok: $s body -> $(cat "$T/$s.err")"
done

# 6. ECS container credentials (FULL_URI on loopback + authorization
# token): the key and session token are used to sign, never printed.
run ecs AWS_CONTAINER_CREDENTIALS_FULL_URI="$EP/ecs/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=ecs-token-1234 -- \
    enrich --endpoint-url "$EP/paging/" -v -o "$T/ecs.json"
[ "$RC" -eq 0 ] || { cat "$T/ecs.err"; fail "ecs: exit $RC"; }
grep -q "credentials from container credentials" "$T/ecs.err" || fail "ecs: source not reported"
python3 - "$T/requests.log" <<'EOF'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
creds = [r for r in reqs if r.get("path") == "/ecs/creds"]
assert creds and all(r["authorization_ok"] for r in creds), creds
signed = [r for r in reqs if r.get("key_id") == "ASIAECSFAKEKEY000001"]
# VPCs, subnets, 3 ENI pages, 2 instance pages, NAT, endpoints, TGW, 2 ELBv2 pages = 12
assert len(signed) == 12 and all(r["security_token"] == "ecs-session-token-do-not-print" and r["sigv4"] for r in signed), signed
print("ok: ECS container credentials: 12 calls signed with the task key and its session token")
EOF
run ecs_bad AWS_CONTAINER_CREDENTIALS_FULL_URI="$EP/ecs/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong -- \
    enrich --endpoint-url "$EP/paging/" -o "$T/ecs_bad.json"
[ "$RC" -eq 1 ] && grep -q "container credentials: HTTP 401" "$T/ecs_bad.err" || { cat "$T/ecs_bad.err"; fail "ecs: bad token"; }
run ecs_remote AWS_CONTAINER_CREDENTIALS_FULL_URI="http://192.0.2.1/creds" -- enrich --endpoint-url "$EP/paging/" -o "$T/x.json"
[ "$RC" -eq 1 ] && grep -q "must be https:// or a loopback" "$T/ecs_remote.err" || { cat "$T/ecs_remote.err"; fail "ecs: plain http to a remote host accepted"; }

# 7. IMDSv2 (moved to 127.0.0.1; the real 169.254.169.254 is never used):
# token first, then the role, then its credentials.
run imds AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT="$EP/imds" -- \
    enrich --endpoint-url "$EP/paging/" -v -o "$T/imds.json"
[ "$RC" -eq 0 ] || { cat "$T/imds.err"; fail "imds: exit $RC"; }
python3 - "$T/requests.log" <<'EOF'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
imds = [r for r in reqs if r.get("path", "").startswith("/imds/")]
assert imds[0]["method"] == "PUT" and imds[0]["ttl"] == "21600", imds
assert [r["path"] for r in imds[1:]] == ["/imds/latest/meta-data/iam/security-credentials/",
                                         "/imds/latest/meta-data/iam/security-credentials/flowcost-role"], imds
assert all(r["imds_token_ok"] for r in imds[1:]), imds
signed = [r for r in reqs if r.get("key_id") == "ASIAIMDSFAKEKEY00001"]
assert len(signed) == 12 and all(r["security_token"] == "imds-session-token-do-not-print" for r in signed)
print("ok: IMDSv2: PUT token, role, credentials; 12 calls signed with the role's key")
EOF
# With AWS_EC2_METADATA_DISABLED=true no metadata request is made at all.
before=$(grep -c '"/imds/' "$T/requests.log")
run noimds AWS_EC2_METADATA_SERVICE_ENDPOINT="$EP/imds" -- enrich --endpoint-url "$EP/paging/" -o "$T/x.json"
[ "$RC" -eq 1 ] && grep -q "no AWS credentials found" "$T/noimds.err" || { cat "$T/noimds.err"; fail "noimds"; }
[ "$(grep -c '"/imds/' "$T/requests.log")" -eq "$before" ] || fail "metadata service called although disabled"
# 8. --enrich-live fetches what `enrich` fetches (every call, every page:
# the ENIs alone would miss what names and classifies them), so a report
# priced live equals one priced with an `enrich` snapshot taken of the same
# account. 450 ENIs (i = 0..449, ENI i in subnet i % 3 with address
# 10.1.<third + (i//3)//250>.<(i//3)%250 + 1>, as fake_ec2.py generates)
# each send 1,000 bytes to 8.8.8.8, plus one ENI that no longer exists.
python3 - "$T/live.log" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
    for i in range(450):
        third = (0, 64, 128)[i % 3]
        ip = f"10.1.{third + (i // 3) // 250}.{(i // 3) % 250 + 1}"
        f.write(f"2 111122223333 eni-{i:017x} {ip} 8.8.8.8 40000 443 6 10 1000 1795132800 1795132860 ACCEPT OK\n")
    f.write("2 111122223333 eni-0deadbeefdeadbeef 10.9.9.9 8.8.8.8 40000 443 6 10 1000 1795132800 1795132860 ACCEPT OK\n")
EOF
run live "${KEYS[@]}" -- top "$T/live.log" --enrich-live --endpoint-url "$EP/live/" --limit 0 --output json -v
[ "$RC" -eq 0 ] || { cat "$T/live.err"; fail "--enrich-live: exit $RC"; }
run livesnap -- top "$T/live.log" --eni-snapshot "$T/paging.json" --limit 0 --output json
[ "$RC" -eq 0 ] || { cat "$T/livesnap.err"; fail "--eni-snapshot paging.json: exit $RC"; }
python3 - "$T/live.out" "$T/livesnap.out" "$T/requests.log" <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))
snap = json.load(open(sys.argv[2]))
rows = {r["ip"]: r for r in res["top_ips"]}
want_az = ["use1-az4", "use1-az6", "use1-az1"]
want_subnet = ["subnet-0f00000000000000a", "subnet-0f00000000000000b", "subnet-0f00000000000000c"]
for i in range(450):
    third = (0, 64, 128)[i % 3]
    ip = f"10.1.{third + (i // 3) // 250}.{(i // 3) % 250 + 1}"
    r = rows[ip]
    assert (r["eni"], r["az"], r["subnet"], r["vpc"], r["kind"]) == (
        f"eni-{i:017x}", want_az[i % 3], want_subnet[i % 3], "vpc-0f000000000000001", "workload"), r
assert not [r for r in res["top_ips"] if r["eni"] == "eni-0deadbeefdeadbeef" and (r["az"] or r["subnet"])]
# Same rows, same figures as with the snapshot of the same account.
assert res["top_ips"] == snap["top_ips"], "live and snapshot rows differ"
assert res["totals"] == snap["totals"], (res["totals"], snap["totals"])
reqs = [json.loads(l) for l in open(sys.argv[3])]
reqs = [r for r in reqs if r.get("scenario") == "live"]
acts = sorted({r["action"] for r in reqs})
assert acts == sorted(["DescribeVpcs", "DescribeSubnets", "DescribeNetworkInterfaces", "DescribeInstances",
                       "DescribeNatGateways", "DescribeVpcEndpoints", "DescribeTransitGatewayAttachments",
                       "DescribeLoadBalancers"]), acts
dni = [r for r in reqs if r["action"] == "DescribeNetworkInterfaces"]
assert [r["next_token"] for r in dni] == [None, "tok-page-2", "tok-page-3"], dni
print(f"ok: --enrich-live makes enrich's 8 calls (ENIs over 3 pages); 450 rows enriched; "
      f"rows and totals (${res['totals']['cost_usd']}) equal to --eni-snapshot's")
EOF
# 8b. Expired session credentials: the service's ExpiredToken is one line
# with what to do; container credentials already past their Expiration are
# refused before any request is made.
run expired "${KEYS[@]}" AWS_SESSION_TOKEN=some-session-token -- enrich --endpoint-url "$EP/expired/" -o "$T/expired.json"
[ "$RC" -eq 1 ] || fail "expired: exit $RC, want 1"
grep -q "^flowcost: error: EC2 DescribeVpcs: ExpiredToken: The security token included in the request is expired .*; the session token has expired: refresh the credentials$" \
    "$T/expired.err" || { cat "$T/expired.err"; fail "expired: message"; }
[ "$(requests expired DescribeVpcs)" -eq 1 ] || fail "expired: ExpiredToken was retried"
before=$(grep -c '"scenario": "paging"' "$T/requests.log")
run ecs_expired AWS_CONTAINER_CREDENTIALS_FULL_URI="$EP/ecs/expired" AWS_CONTAINER_AUTHORIZATION_TOKEN=ecs-token-1234 -- \
    enrich --endpoint-url "$EP/paging/" -o "$T/ecs_expired.json"
[ "$RC" -eq 1 ] || fail "ecs_expired: exit $RC, want 1"
grep -q "^flowcost: error: EC2 DescribeVpcs: the session credentials (container credentials) expired; run again to get new ones$" \
    "$T/ecs_expired.err" || { cat "$T/ecs_expired.err"; fail "ecs_expired: message"; }
[ "$(grep -c '"scenario": "paging"' "$T/requests.log")" -eq "$before" ] || fail "ecs_expired: a request was made with expired credentials"
echo "ok: expired session: $(cut -c1-80 "$T/expired.err")...; expired container credentials refused before any call"
# 8d. A policy without elasticloadbalancing:DescribeLoadBalancers: a
# warning naming the permission, and the snapshot still written.
run noelb "${KEYS[@]}" -- enrich --endpoint-url "$EP/noelb/" -o "$T/noelb.json"
[ "$RC" -eq 0 ] || { cat "$T/noelb.err"; fail "noelb: exit $RC, want 0"; }
grep -q "^flowcost: warning: ELBv2 DescribeLoadBalancers: AccessDenied: .*; grant elasticloadbalancing:DescribeLoadBalancers to this identity; load balancers are named from their ENIs' descriptions$" \
    "$T/noelb.err" || { cat "$T/noelb.err"; fail "noelb: warning"; }
[ "$(requests noelb DescribeLoadBalancers)" -eq 1 ] || fail "noelb: AccessDenied was retried"
python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["enis"]) == 2500' "$T/noelb.json"
echo "ok: ELBv2 AccessDenied -> a warning, the snapshot still written"
# 8c. --all-regions: DescribeRegions, then every region it lists (the
# fake serves the same account for both).
run allreg "${KEYS[@]}" -- enrich --all-regions --endpoint-url "$EP/paging/" -o "$T/allreg.json"
[ "$RC" -eq 0 ] || { cat "$T/allreg.err"; fail "--all-regions: exit $RC"; }
grep -q "from us-east-1, eu-west-1 written to" "$T/allreg.err" || { cat "$T/allreg.err"; fail "--all-regions: summary"; }
[ "$(requests paging DescribeRegions)" -eq 1 ] || fail "--all-regions: DescribeRegions not called once"
echo "ok: --all-regions: DescribeRegions -> us-east-1, eu-west-1"
# 9. TLS verification is always on: a self-signed endpoint fails (without
# retries), trusting it through AWS_CA_BUNDLE works, and the host name must
# still match the certificate.
if command -v openssl >/dev/null; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
        -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
    python3 "$SRC/tests/aws/fake_ec2.py" "$T/tlsport" "$T/tls.log" "$T/cert.pem" "$T/key.pem" 2>"$T/tls.err" &
    TLS=$!
    trap 'kill $SRV $TLS 2>/dev/null || true; wait $SRV $TLS 2>/dev/null || true' EXIT
    for _ in $(seq 1 50); do [ -s "$T/tlsport" ] && break; sleep 0.1; done
    TEP="https://127.0.0.1:$(cat "$T/tlsport")"
    run tls_untrusted "${KEYS[@]}" -- enrich --endpoint-url "$TEP/paging/" -o "$T/tls1.json"
    [ "$RC" -eq 1 ] && grep -q "certificate" "$T/tls_untrusted.err" && grep -q "(after 1 attempt)" "$T/tls_untrusted.err" \
        || { cat "$T/tls_untrusted.err"; fail "tls: a self-signed endpoint was not refused at once"; }
    run tls_trusted "${KEYS[@]}" AWS_CA_BUNDLE="$T/cert.pem" -- enrich --endpoint-url "$TEP/paging/" -o "$T/tls2.json"
    [ "$RC" -eq 0 ] || { cat "$T/tls_trusted.err"; fail "tls: AWS_CA_BUNDLE not honoured"; }
    python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["enis"]) == 2500' "$T/tls2.json"
    run tls_host "${KEYS[@]}" AWS_CA_BUNDLE="$T/cert.pem" -- \
        enrich --endpoint-url "https://localhost:$(cat "$T/tlsport")/paging/" -o "$T/tls3.json"
    [ "$RC" -eq 1 ] && grep -q "localhost" "$T/tls_host.err" || { cat "$T/tls_host.err"; fail "tls: host name not verified"; }
    echo "ok: TLS: self-signed refused ($(grep -o 'SSL certificate problem[^(]*' "$T/tls_untrusted.err")), trusted via AWS_CA_BUNDLE, host name checked"
else
    echo "note: openssl not installed; TLS verification section not run"
fi
echo "enrich_faults_test: all passed"
