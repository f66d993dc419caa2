#!/usr/bin/env bash
# rates_fetch_test: `flowcost rates --fetch` against a fake Price List Query
# API (tests/pricing_server.py: AWS-shaped GetProducts pages, two products a
# page, PriceList entries as JSON strings, and a 400 for any request not
# SigV4-signed for pricing/us-east-1). The written file must equal the one
# worked out by hand below from the fake's catalog; it is cached and used by
# default; a run with it prices us-east-1 -> us-east-2 at $0.01/GB.
set -u
bin=$1 src=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }

python3 "$src/tests/pricing_server.py" "$tmp/port" "$tmp/requests.log" 2>"$tmp/server.err" &
srv=$!
trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { cat "$tmp/server.err"; echo "FAIL: server did not start" >&2; exit 1; }
ep="http://127.0.0.1:$(cat "$tmp/port")"
touch "$tmp/requests.log"
SECRET=pricing-secret-do-not-print
export AWS_ACCESS_KEY_ID=AKIDPRICINGEXAMPLE AWS_SECRET_ACCESS_KEY=$SECRET
export AWS_CONFIG_FILE=$tmp/none AWS_SHARED_CREDENTIALS_FILE=$tmp/none AWS_EC2_METADATA_DISABLED=true
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 AWS_MAX_ATTEMPTS=1 XDG_CACHE_HOME=$tmp/cache
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_PRICING AWS_REGION AWS_DEFAULT_REGION AWS_CA_BUNDLE

# The rates file, by hand from the catalog of tests/pricing_server.py:
# - nat_per_gb / nat_per_hour: NatGateway-Bytes/-Hours (us-east-1 without a
#   prefix, USE2- for us-east-2): 0.045 and 0.045; us-east-2 0.048 and 0.048
#   (the fake's made-up change, so fetched cannot pass for embedded).
# - inter_az_per_gb and regional_public_per_gb: DataTransfer-Regional-Bytes
#   (transferType IntraRegion): 0.01 each.
# - internet_egress_per_gb: DataTransfer-Out-Bytes (AWS Outbound), tiers
#   0-1 GB $0, 1 GB-10 TB $0.09, ...: the first paid tier, 0.09.
# - inter_region_per_gb_to: *-AWS-Out-Bytes (InterRegion Outbound) by
#   toRegionCode: us-east-1 -> us-east-2 0.01, -> eu-west-1 0.02; us-east-2
#   -> us-east-1 0.01, -> eu-west-1 0.02 (the *-AWS-In-Bytes row is skipped);
#   inter_region_per_gb, for a destination not listed: the dearest pair, 0.02.
# - interface_endpoint_per_gb: VpcEndpoint-Bytes, tiers 0.01/0.006/0.004: 0.01;
#   interface_endpoint_per_az_hour: VpcEndpoint-Hours 0.01.
# - transit_gateway_per_gb: TransitGateway-Bytes 0.02 for us-east-1; none for
#   us-east-2, which keeps its embedded 0.02 (docs/pricing.md) with a warning.
# - PublicIPv4:InUseAddress and us-west-2's products are not asked for.
cat >"$tmp/expected.json" <<'JSON'
{
  "source": "AWS Price List Query API (GetProducts)",
  "units": {
    "nat_per_gb": "USD/GB",
    "inter_az_per_gb": "USD/GB each way",
    "internet_egress_per_gb": "USD/GB",
    "inter_region_per_gb": "USD/GB",
    "interface_endpoint_per_gb": "USD/GB",
    "transit_gateway_per_gb": "USD/GB",
    "regional_public_per_gb": "USD/GB each way",
    "nat_per_hour": "USD/hour",
    "interface_endpoint_per_az_hour": "USD/AZ-hour",
    "inter_region_per_gb_to": "USD/GB by destination region"
  },
  "regions": {
    "us-east-1": {
      "nat_per_gb": 0.045,
      "inter_az_per_gb": 0.01,
      "internet_egress_per_gb": 0.09,
      "inter_region_per_gb": 0.02,
      "interface_endpoint_per_gb": 0.01,
      "transit_gateway_per_gb": 0.02,
      "regional_public_per_gb": 0.01,
      "nat_per_hour": 0.045,
      "interface_endpoint_per_az_hour": 0.01,
      "inter_region_per_gb_to": {
        "eu-west-1": 0.02,
        "us-east-2": 0.01
      }
    },
    "us-east-2": {
      "nat_per_gb": 0.048,
      "inter_az_per_gb": 0.01,
      "internet_egress_per_gb": 0.09,
      "inter_region_per_gb": 0.02,
      "interface_endpoint_per_gb": 0.01,
      "transit_gateway_per_gb": 0.02,
      "regional_public_per_gb": 0.01,
      "nat_per_hour": 0.048,
      "interface_endpoint_per_az_hour": 0.01,
      "inter_region_per_gb_to": {
        "eu-west-1": 0.02,
        "us-east-1": 0.01
      }
    }
  }
}
JSON

# 1. -o FILE: the hand-checked file, the paging followed, one warning, no secret.
"$bin" rates --fetch --region us-east-1,us-east-2 --endpoint-url "$ep" -o "$tmp/fetched.json" 2>"$tmp/1.err"
rc=$?
[ $rc -eq 0 ] && cmp -s "$tmp/fetched.json" "$tmp/expected.json" && ok \
  || { bad "fetched file: exit $rc: $(cat "$tmp/1.err")"; diff "$tmp/expected.json" "$tmp/fetched.json" >&2; }
[ "$(grep -c warning "$tmp/1.err")" -eq 1 ] \
  && grep -qF "flowcost: warning: no price in the Price List for us-east-2: transit_gateway_per_gb; kept the embedded figure" "$tmp/1.err" \
  && ok || bad "warnings: $(cat "$tmp/1.err")"
grep -qF "wrote $tmp/fetched.json: 2 regions, 4 inter-region pairs" "$tmp/1.err" && ok || bad "success line: $(cat "$tmp/1.err")"
# 3 queries x 2 regions; AWSDataTransfer us-east-1 has 5 products: pages at tokens -, 2, 4.
cat >"$tmp/expected-requests.log" <<'LOG'
AmazonEC2 productFamily=NAT Gateway,regionCode=us-east-1 -
AmazonEC2 productFamily=NAT Gateway,regionCode=us-east-2 -
AWSDataTransfer fromRegionCode=us-east-1 -
AWSDataTransfer fromRegionCode=us-east-1 2
AWSDataTransfer fromRegionCode=us-east-1 4
AWSDataTransfer fromRegionCode=us-east-2 -
AWSDataTransfer fromRegionCode=us-east-2 2
AmazonVPC regionCode=us-east-1 -
AmazonVPC regionCode=us-east-1 2
AmazonVPC regionCode=us-east-2 -
LOG
cmp -s "$tmp/requests.log" "$tmp/expected-requests.log" && ok || { bad "requests differ"; diff "$tmp/expected-requests.log" "$tmp/requests.log" >&2; }
! grep -qF "$SECRET" "$tmp/1.err" && ok || bad "a secret was printed"

# 2. Unsigned requests are refused by the fake: prove the check bites (curl
# sends the same body without a signature).
body='{"ServiceCode":"AmazonEC2","FormatVersion":"aws_v1"}'
out=$(curl -s -X POST -H 'X-Amz-Target: AWSPriceListService.GetProducts' -H 'Content-Type: application/x-amz-json-1.1' -d "$body" "$ep/")
case $out in *MissingAuthenticationTokenException*) ok ;; *) bad "the fake accepted an unsigned request: $out" ;; esac
"$bin" rates --fetch --region us-east-1 --endpoint-url "$ep/unsigned-check" -o "$tmp/x.json" 2>/dev/null  # signed: still fine
[ $? -eq 0 ] && ok || bad "signed request with a path refused"

# 3. Without -o: the cache (AWS_ENDPOINT_URL_PRICING this time), then used by default.
AWS_ENDPOINT_URL_PRICING=$ep "$bin" rates --fetch --region us-east-1,us-east-2 -q 2>"$tmp/3.err"
rc=$?
cache=$tmp/cache/flowcost/rates.json
# -q drops the success line, not the warning about a figure AWS did not give.
[ $rc -eq 0 ] && cmp -s "$cache" "$tmp/expected.json" && [ "$(wc -l <"$tmp/3.err")" -eq 1 ] && grep -q '^flowcost: warning: no price' "$tmp/3.err" \
  && ok || bad "cache: exit $rc: $(cat "$tmp/3.err")"
"$bin" rates --region us-east-2 >"$tmp/show.json" 2>&1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["source"]==sys.argv[2], d["source"]; r=d["regions"]["us-east-2"]; assert r["nat_per_gb"]==0.048 and r["inter_region_per_gb_to"]=={"eu-west-1":0.02,"us-east-1":0.01}, r' \
  "$tmp/show.json" "$cache" && ok || bad "'flowcost rates' does not show the cache: $(head -c 300 "$tmp/show.json")"

# 4. A run with it: one v2 record, 2 GiB (2147483648 bytes) from 10.0.1.10
# (us-east-1, the default region) to 3.130.0.5, EC2 us-east-2 by the
# ip-ranges below: inter_region = 2 GiB x $0.01 = $0.02 with the fetched
# pair, 2 GiB x $0.02 = $0.04 with the embedded flat us-east-1 rate.
cat >"$tmp/ipr.json" <<'JSON'
{"syncToken": "1793491200", "createDate": "2026-11-01-00-00-00",
 "prefixes": [{"ip_prefix": "3.128.0.0/12", "region": "us-east-2", "service": "AMAZON"},
              {"ip_prefix": "3.128.0.0/12", "region": "us-east-2", "service": "EC2"}],
 "ipv6_prefixes": []}
JSON
printf '%s\n' 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status' \
  '2 123456789012 eni-0a1b2c3d4e5f60001 10.0.1.10 3.130.0.5 49152 443 6 1000 2147483648 1793577600 1793577660 ACCEPT OK' >"$tmp/flows.log"
inter() { python3 -c 'import json,sys; d=json.load(sys.stdin); c=d["totals"]["by_category"]["inter_region"]; print("%.4f %d %s" % (c["cost_usd"], c["bytes"], d["data_quality"]["rates_source"]))'; }
got=$("$bin" top "$tmp/flows.log" --ip-ranges "$tmp/ipr.json" --now 2026-11-03T00:00:00Z -q --output json 2>/dev/null | inter)
[ "$got" = "0.0200 2147483648 $cache" ] && ok || bad "with the fetched cache: $got"
got=$("$bin" top "$tmp/flows.log" --ip-ranges "$tmp/ipr.json" --now 2026-11-03T00:00:00Z -q --output json --rates "$tmp/fetched.json" 2>/dev/null | inter)
[ "$got" = "0.0200 2147483648 $tmp/fetched.json" ] && ok || bad "with --rates FILE: $got"
got=$(XDG_CACHE_HOME=$tmp/empty "$bin" top "$tmp/flows.log" --ip-ranges "$tmp/ipr.json" --now 2026-11-03T00:00:00Z -q --output json 2>/dev/null | inter)
[ "$got" = "0.0400 2147483648 embedded" ] && ok || bad "embedded: $got"

# 5. --all-regions: no region filter; every commercial region the answers name.
: >"$tmp/requests.log"
"$bin" rates --fetch --all-regions --endpoint-url "$ep" -o "$tmp/all.json" 2>"$tmp/5.err"
rc=$?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert sorted(d["regions"])==["us-east-1","us-east-2","us-west-2"], sorted(d["regions"]); assert d["regions"]["us-west-2"]["inter_region_per_gb_to"]=={"us-east-1":0.02}' "$tmp/all.json" \
  && [ $rc -eq 0 ] && ok || bad "--all-regions: exit $rc: $(cat "$tmp/5.err")"
! grep -q 'regionCode=' "$tmp/requests.log" && ok || bad "--all-regions filtered by region: $(cat "$tmp/requests.log")"
"$bin" rates --fetch --all-regions --region us-east-1 --endpoint-url "$ep" -o "$tmp/x.json" 2>"$tmp/5b.err"
[ $? -eq 2 ] && ok || bad "--all-regions with --region: $(cat "$tmp/5b.err")"

# 6. The pair rates in a hand-written file are checked like every rate.
printf '{"regions": {"us-east-1": {"inter_region_per_gb_to": {"us-east-2": -1}}}}\n' >"$tmp/neg.json"
"$bin" rates --rates "$tmp/neg.json" >/dev/null 2>"$tmp/neg.err"
[ $? -eq 1 ] && grep -qF "regions.us-east-1.inter_region_per_gb_to.us-east-2 must be a number >= 0" "$tmp/neg.err" && ok || bad "negative pair: $(cat "$tmp/neg.err")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
