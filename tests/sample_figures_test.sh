#!/usr/bin/env bash
# sample_figures_test: the bundled sample's report figures against values
# computed BY HAND from the traffic plan (bench/genflows PLAN, docs/sample.md)
# with the us-east-1 rates of cost-model.md §3. Nothing here is copied from
# flowcost's output: every expected figure is written out as arithmetic.
#
# Runs `flowcost report` on the v2 logs and on the v5 logs with the ENI
# snapshot (DescribeNetworkInterfaces + DescribeSubnets XML) and the sample's
# ip-ranges.json, and once on the v5 logs without a snapshot (cost-model.md
# §4: NAT found by translation must still give nat_processing,
# internet_egress, inter_region and regional_public).
#
# usage: bash sample_figures_test.sh FLOWCOST_BIN SRC_DIR SCRATCH_DIR
set -u
BIN=${1:?flowcost binary}
SRC=${2:?source dir}
TMP=${3:?scratch dir}
S="$SRC/fixtures/sample"

command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }
rm -rf "$TMP" && mkdir -p "$TMP"

status=0
# The committed sample must be what the generator's plan produces (compared
# decompressed, so a different zlib cannot make this fail).
if python3 "$SRC/bench/genflows" --sample "$TMP/regen" 2>"$TMP/regen.err"; then
    python3 - "$S" "$TMP/regen" <<'PY' || status=1
import gzip, os, sys
a, b = sys.argv[1], sys.argv[2]
def files(d):
    out = {}
    for root, _, fs in os.walk(d):
        for f in fs:
            p = os.path.join(root, f)
            data = open(p, "rb").read()
            out[os.path.relpath(p, d)] = gzip.decompress(data) if f.endswith(".gz") else data
    return out
fa, fb = files(a), files(b)
diff = sorted(set(fa) ^ set(fb)) + sorted(k for k in set(fa) & set(fb) if fa[k] != fb[k])
if diff:
    print("FAIL: fixtures/sample differs from 'bench/genflows --sample' (%d files, e.g. %s); regenerate it" % (len(diff), diff[0]))
    sys.exit(1)
PY
else
    echo "FAIL: bench/genflows --sample failed:"; cat "$TMP/regen.err"; status=1
fi
run() { # name, args...
    local name=$1; shift
    "$BIN" report "$@" --top 0 --json "$TMP/$name.json" -o "$TMP/$name.html" \
        >"$TMP/$name.out" 2>"$TMP/$name.err"
    local rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL: flowcost report ($name) exited $rc:"; head -20 "$TMP/$name.err"
        status=1
    fi
}
SNAP=(--eni-snapshot "$S/describe-network-interfaces.xml" --eni-snapshot "$S/describe-subnets.xml")
run v2 "$S/v2" "${SNAP[@]}" --ip-ranges "$S/ip-ranges.json"
run v5 "$S/v5" "${SNAP[@]}" --ip-ranges "$S/ip-ranges.json"
run v5nosnap "$S/v5" --ip-ranges "$S/ip-ranges.json"
# top --by each grouping key, every row (--limit 0), as CSV
for by in ip peer eni subnet az vpc account service; do
    if ! "$BIN" top "$S/v5" "${SNAP[@]}" --ip-ranges "$S/ip-ranges.json" --by $by --limit 0 --format csv \
        >"$TMP/top-$by.csv" 2>"$TMP/top-$by.err"; then
        echo "FAIL: flowcost top --by $by:"; head -5 "$TMP/top-$by.err"; status=1
    fi
done
[ $status -eq 0 ] || exit 1

python3 - "$S" "$TMP" <<'PY'
import gzip, json, os, sys
import xml.etree.ElementTree as ET

S, TMP = sys.argv[1], sys.argv[2]
fails = []
checks = 0

def near(what, got, want, tol=0.005):
    """Money to the cent; bytes exactly (tol=0)."""
    global checks
    checks += 1
    if got is None or abs(got - want) > tol + 1e-9:
        fails.append("%s: got %r, want %r" % (what, got, want))

def truth(what, cond, detail=""):
    global checks
    checks += 1
    if not cond:
        fails.append("%s %s" % (what, detail))

GiB = 2 ** 30
# Rates, cost-model.md §3 (us-east-1), $ per GiB unless noted.
NAT = 0.045          # nat_processing, both directions
XAZ = 0.02           # inter_az per GiB crossing (0.01 out + 0.01 in)
HALF = 0.01          # one half of inter_az
INET = 0.09          # internet_egress, first tier flat
XREG = 0.02          # inter_region
EP = 0.01            # interface_endpoint, both directions
RPUB = 0.01          # regional_public, per GiB sent and per GiB received
NAT_HOUR = 0.045     # NAT gateway hour
EP_AZ_HOUR = 0.01    # interface endpoint per AZ-hour
MONTH = 30           # the period is exactly one day: monthly = day x 30
HOURS_MONTH = 730

# ---- the plan (GiB over the day), client AZ -> NAT AZ -----------------------
# AZs: a = use1-az4, b = use1-az6, c = use1-az1. nat-a in az4, nat-b in az6;
# use1-az1 has no NAT gateway, its private subnet routes to nat-b.
#                sent  recv
P1  = (2, 150)    # etl-1 (az1) -> nat-b -> S3 us-east-1            (cross-AZ)
P2  = (1, 24)     # worker-1 (az4) -> nat-a -> S3 us-east-1
P3  = (6, 10)     # worker-2 (az1) -> nat-b -> DynamoDB us-east-1   (cross-AZ)
P4  = (3, 5)      # orders-api-1 (az4) -> nat-a -> DynamoDB
P5  = (4, 2)      # web-1 (az4) -> nat-a -> Internet 198.51.100.23
P6  = (12, 1)     # worker-2 (az1) -> nat-b -> Internet 203.0.113.50/51 (cross-AZ)
P7  = (20, 0.5)   # backup-1 (az1) -> nat-b -> S3 us-west-2           (cross-AZ)
P8  = (3, 9)      # worker-1 (az4) -> nat-a -> EC2 us-east-1 3.91.22.7
P9  = (0.5, 8)    # web-2 (az6) -> nat-b -> CloudFront (GLOBAL)
P10a = (10, 0.5)  # web-1 (az4) -> nat-a -> AMAZON us-east-1 (CloudWatch Logs)
P10c = (10, 0.5)  # web-3 (az1) -> nat-b -> AMAZON us-east-1       (cross-AZ)
P11 = (20, 80)    # orders-api-1 (az4) <-> postgres-primary (az6)
P13 = (1, 30)     # postgres-replica (az1) <-> postgres-primary (az6)
P14c = (1, 4)     # web-3 (az1) <-> orders-api-2 (az6)
P15a = (4, 8)     # orders-api-1 -> nlb-a (az4) -> ledger-2 (az6): NLB hop cross-AZ
P15b = (3, 6)     # orders-api-2 -> nlb-b (az6) -> ledger-1 (az4): NLB hop cross-AZ
P16a, P16b, P16c = (3, 5), (1, 1), (2, 4)  # SQS interface endpoint, same AZ
P17a = (15, 3)    # edge-proxy (public subnet) <-> Internet via IGW
P17b = (0.25, 0.0625)  # bastion <-> admin via IGW (bastion sends 0.25)
P18a, P18b = (1.5, 0.25), (0.5, 0.25)  # on-prem 192.168.10.x (unknown private)
ALB_A_OUT, ALB_B_OUT, ALB_C_OUT = 30, 30, 20   # ALB ENI -> Internet
ALB_C_FROM_WEB3, ALB_C_FROM_WEB1 = 15, 5        # target -> alb-c bytes
# The static fleet (FLEET_PLAN): static-NN, NN = 1..42, in public subnet a, b, c, a, b, ...
# (10.0.{0,1,2}.(150 + NN)), serves Internet clients through the IGW: it sends
# (57 - NN)/256 GiB (224 MiB for static-01 down to 60 MiB for static-42) and receives an eighth.
FLEET = {"10.0.%d.%d" % ((n - 1) % 3, 150 + n): ("static-%02d" % n, ((57 - n) / 256, (57 - n) / 2048))
         for n in range(1, 43)}
fleet_sent = (56 + 15) * 42 / 2 / 256    # sum of 56/256 ... 15/256 = 1491/256 = 5.82421875 GiB
assert fleet_sent == sum(p[0] for _, p in FLEET.values())
tot = lambda p: p[0] + p[1]

# ---- totals per category (per day) -----------------------------------------
nat_a_gib = tot(P2) + tot(P4) + tot(P5) + tot(P8) + tot(P10a)          # 61.5
nat_b_gib = tot(P1) + tot(P3) + tot(P6) + tot(P7) + tot(P9) + tot(P10c) # 220.5
nat_gib = nat_a_gib + nat_b_gib                                          # 282
cross_nat_gib = tot(P1) + tot(P3) + tot(P6) + tot(P7) + tot(P10c)        # 212 (az1 <-> nat-b)
xaz_gib = cross_nat_gib + tot(P11) + tot(P13) + tot(P14c) + tot(P15a) + tot(P15b)  # 369
inet_gib = (P5[0] + P6[0] + P17a[0] + P17b[0] + ALB_A_OUT + ALB_B_OUT + ALB_C_OUT   # 111.25
            + fleet_sent)                                                # + 5.82421875 = 117.07421875
xreg_gib = P7[0]                                                          # 20
rpub_gib = tot(P8)                                                        # 12
ep_gib = tot(P16a) + tot(P16b) + tot(P16c)                                # 16
unk_gib = tot(P18a) + tot(P18b)                                           # 2.5

cat = {
    "nat_processing": (nat_gib, nat_gib * NAT),            # 282 x 0.045 = 12.69
    "inter_az": (xaz_gib, xaz_gib * XAZ),                  # 369 x 0.02 = 7.38
    "internet_egress": (inet_gib, inet_gib * INET),        # 117.07421875 x 0.09 = 10.5366796875
    "inter_region": (xreg_gib, xreg_gib * XREG),           # 20 x 0.02 = 0.40
    "regional_public": (rpub_gib, rpub_gib * RPUB),        # (3 + 9) x 0.01 = 0.12
    "interface_endpoint": (ep_gib, ep_gib * EP),           # 16 x 0.01 = 0.16
    "unknown_private": (unk_gib, 0.0),
}
total_usd = sum(c[1] for c in cat.values())                # 30.7625 + 1491/256 x 0.09 = 31.2866796875
assert abs(total_usd - 31.2866796875) < 1e-9
run_rate = total_usd * MONTH                               # 938.600390625

# ---- who pays (per day) ----------------------------------------------------
payers = {
    "10.0.48.7": tot(P1) * (NAT + XAZ),                                   # etl-1 9.88
    "10.0.16.11": tot(P5) * NAT + P5[0] * INET + tot(P10a) * NAT          # web-1
                  + ALB_A_OUT * INET                                      #  alb-a: only target
                  + ALB_C_OUT * INET * ALB_C_FROM_WEB1 / (ALB_C_FROM_WEB1 + ALB_C_FROM_WEB3),
    "10.0.32.11": tot(P9) * NAT + ALB_B_OUT * INET,                       # web-2
    "10.0.48.11": tot(P10c) * (NAT + XAZ)                                 # web-3
                  + ALB_C_OUT * INET * ALB_C_FROM_WEB3 / (ALB_C_FROM_WEB1 + ALB_C_FROM_WEB3)
                  + P14c[0] * HALF + P14c[1] * HALF,
    "10.0.16.31": tot(P2) * NAT + tot(P8) * (NAT + RPUB) + tot(P16a) * EP,  # worker-1
    "10.0.48.31": tot(P3) * (NAT + XAZ) + tot(P6) * (NAT + XAZ) + P6[0] * INET
                  + tot(P16c) * EP,                                       # worker-2
    "10.0.16.21": tot(P4) * NAT + P11[0] * HALF + P11[1] * HALF,          # orders-api-1
    "10.0.32.21": P14c[1] * HALF + P14c[0] * HALF + tot(P16b) * EP,       # orders-api-2
    "10.0.32.50": P11[1] * HALF + P11[0] * HALF + P13[1] * HALF + P13[0] * HALF,  # pg primary
    "10.0.48.50": P13[0] * HALF + P13[1] * HALF,                          # pg replica
    "10.0.48.40": tot(P7) * (NAT + XAZ) + P7[0] * XREG,                   # backup-1
    "10.0.16.41": tot(P15b) * XAZ,                                        # ledger-1 (NLB target)
    "10.0.32.41": tot(P15a) * XAZ,                                        # ledger-2 (NLB target)
    "10.0.2.30": P17a[0] * INET,                                          # edge-proxy
    "10.0.0.20": P17b[0] * INET,                                          # bastion 0.0225
}
OLD_PAYERS = list(payers)       # 15: every workload but spare-1 (idle) and redis-1 (below)
for ip, (_, p) in FLEET.items():   # static-NN: (57 - NN)/256 x 0.09, 0.0196875 down to 0.00527...
    payers[ip] = p[0] * INET
assert abs(sum(payers.values()) - total_usd) < 1e-9
assert abs(payers["10.0.48.7"] - 9.88) < 1e-9
assert max(payers, key=payers.get) == "10.0.48.7"
# The fleet ranks 16..57 in static-NN order, below all 15 older payers (the least is the
# bastion, 0.0225 > static-01's 0.0196875); redis-1 (only P12b, same AZ: free) is listed
# last at $0, so `top` has 15 + 42 + 1 = 58 rows.
assert min(payers[ip] for ip in OLD_PAYERS) > max(payers[ip] for ip in FLEET)
FLEET_ORDER = sorted(FLEET, key=lambda ip: FLEET[ip][0])
assert all(payers[a] > payers[b] for a, b in zip(FLEET_ORDER, FLEET_ORDER[1:]))
N_PAYERS = 15 + 42 + 1

# ---- inter-AZ, directional (GiB sent from -> to) ---------------------------
xaz_pairs = {
    ("use1-az1", "use1-az6"): P1[0] + P3[0] + P6[0] + P7[0] + P10c[0] + P13[0] + P14c[0],  # 52
    ("use1-az6", "use1-az1"): P1[1] + P3[1] + P6[1] + P7[1] + P10c[1] + P13[1] + P14c[1],  # 196
    ("use1-az4", "use1-az6"): P11[0] + P15a[0] + P15b[1],   # api->pg, nlb-a->ledger-2, ledger-1->nlb-b: 30
    ("use1-az6", "use1-az4"): P11[1] + P15a[1] + P15b[0],   # 91
}
assert sum(xaz_pairs.values()) == xaz_gib

# ---- findings (monthly) ------------------------------------------------------
findings = {
    # (kind, service, nat): (monthly gross, extra fixed, net)
    ("s3_dynamodb_via_nat", "S3", "nat-b"): (tot(P1) * (NAT + XAZ) * MONTH, 0),   # 296.40
    ("s3_dynamodb_via_nat", "S3", "nat-a"): (tot(P2) * NAT * MONTH, 0),           # 33.75
    ("s3_dynamodb_via_nat", "DYNAMODB", "nat-b"): (tot(P3) * (NAT + XAZ) * MONTH, 0),  # 31.20
    ("s3_dynamodb_via_nat", "DYNAMODB", "nat-a"): (tot(P4) * NAT * MONTH, 0),     # 10.80
    # clients in use1-az1 use nat-b in use1-az6; one new NAT in use1-az1:
    ("cross_az_nat", None, "nat-b"): (cross_nat_gib * XAZ * MONTH, NAT_HOUR * HOURS_MONTH),  # 127.20 - 32.85
    # CloudWatch Logs (AMAZON-only range) via NAT from az4 (web-1) and az1 (web-3):
    ("aws_service_via_nat", "AMAZON", None): (
        ((tot(P10a) + tot(P10c)) * (NAT - EP) + tot(P10c) * XAZ) * MONTH,   # 28.35
        2 * EP_AZ_HOUR * HOURS_MONTH),                                       # 14.60 -> net 13.75
}
chatty = {  # workload pairs whose inter-AZ cost is >= $10/month
    frozenset(["10.0.16.21", "10.0.32.50"]): tot(P11) * XAZ * MONTH,   # 60.00
    frozenset(["10.0.48.50", "10.0.32.50"]): tot(P13) * XAZ * MONTH,   # 18.60
}
# The workloads' Name tags in the snapshot (docs/sample.md): findings name them.
chatty_names = {"10.0.16.21": ("orders-api-1", "use1-az4"), "10.0.32.50": ("postgres-primary", "use1-az6"),
                "10.0.48.50": ("postgres-replica", "use1-az1")}
assert tot(P14c) * XAZ * MONTH < 10  # web-3 <-> orders-api-2: 3.00, not a finding
# All changes together, each saved dollar once, minus every added resource once:
saved_day = ((tot(P1) + tot(P2) + tot(P3) + tot(P4)) * NAT      # gateway endpoints: 201 GiB
             + (tot(P10a) + tot(P10c)) * (NAT - EP)             # interface endpoint
             + cross_nat_gib * XAZ                              # NAT in az1 (covers S3's inter-AZ too)
             + (tot(P11) + tot(P13)) * XAZ)                     # co-located chatty pairs
savings_total = saved_day * MONTH - NAT_HOUR * HOURS_MONTH - 2 * EP_AZ_HOUR * HOURS_MONTH
assert abs(savings_total - 451.75) < 1e-9

# ---- record counts, hand-designed + counted independently from the files -------
REJECTED = 27 + (24 + 12 + 6) + 8   # port scan (25 ports + 80/443), ssh brute force, rdp probes
NODATA = 24 * 6                     # spare-1: every 10-minute window of the day
SKIPDATA = 2                        # nat-b at 13:20 and 13:30
# The fleet: 42 instances x 6 evening hours (18-23) x 2 records (its egress, its ingress),
# on top of the 4,303 records of everything else (docs/sample.md).
FLEET_RECORDS = 42 * 6 * 2          # 504
RECORDS = 4303 + FLEET_RECORDS      # 4807

def count_files(d):
    n = nd = sk = rej = 0
    for root, _, files in os.walk(d):
        for f in files:
            with gzip.open(os.path.join(root, f), "rt") as fh:
                hdr = fh.readline().split()
                st, ac = hdr.index("log-status"), hdr.index("action")
                for line in fh:
                    v = line.split()
                    n += 1
                    nd += v[st] == "NODATA"
                    sk += v[st] == "SKIPDATA"
                    rej += v[ac] == "REJECT"
    return n, nd, sk, rej

# ---- NAT gateway ids from the snapshot ------------------------------------------
ns = {"e": "http://ec2.amazonaws.com/doc/2016-11-15/"}
nat_id = {}
for it in ET.parse(os.path.join(S, "describe-network-interfaces.xml")).getroot().iterfind(".//e:networkInterfaceSet/e:item", ns):
    desc = it.findtext("e:description", "", ns)
    if desc.startswith("Interface for NAT Gateway "):
        ip = it.findtext("e:privateIpAddress", "", ns)
        nat_id[{"10.0.0.10": "nat-a", "10.0.1.10": "nat-b"}[ip]] = (desc.split()[-1], it.findtext("e:networkInterfaceId", "", ns))
assert len(nat_id) == 2

def money(x):
    return None if x is None else float(x)

def check(name, snapshot=True):
    j = json.load(open(os.path.join(TMP, name + ".json")))
    p = name + ": "
    truth(p + "report written", os.path.getsize(os.path.join(TMP, name + ".html")) > 1000)
    # period: exactly one day
    per = j.get("period", {})
    truth(p + "period.start", str(per.get("start", "")).startswith("2026-11-02T00:00:00"), repr(per.get("start")))
    truth(p + "period.end", str(per.get("end", "")).startswith("2026-11-03T00:00:00"), repr(per.get("end")))
    # records
    n, nd, sk, rej = count_files(os.path.join(S, "v2" if name == "v2" else "v5"))
    truth(p + "fixture counts", (n, nd, sk, rej) == (RECORDS, NODATA, SKIPDATA, REJECTED), repr((n, nd, sk, rej)))
    r = j.get("records", {})
    near(p + "records.read", r.get("read"), RECORDS, 0)
    near(p + "records.used", r.get("used"), RECORDS - NODATA - SKIPDATA, 0)
    near(p + "records.malformed", r.get("malformed"), 0, 0)
    near(p + "records.nodata", r.get("nodata"), NODATA, 0)
    near(p + "records.skipdata", r.get("skipdata"), SKIPDATA, 0)
    near(p + "records.rejected", r.get("rejected"), REJECTED, 0)
    bc = j.get("totals", {}).get("by_category", {})
    cats = cat if snapshot else {k: cat[k] for k in
                                 ("nat_processing", "internet_egress", "inter_region", "regional_public")}
    for k, (g, usd) in cats.items():
        near(p + k + ".cost_usd", money(bc.get(k, {}).get("cost_usd")), usd)
        near(p + k + ".bytes", bc.get(k, {}).get("bytes"), g * GiB, 0)
    if snapshot:
        near(p + "transit_gateway.cost_usd", money(bc.get("transit_gateway", {}).get("cost_usd", 0)), 0)
        near(p + "totals.cost_usd", money(j.get("totals", {}).get("cost_usd")), total_usd)
        near(p + "totals.monthly_run_rate_usd", money(j.get("totals", {}).get("monthly_run_rate_usd")), run_rate)
        s = sum(money(v.get("cost_usd", 0)) for v in bc.values())
        near(p + "sum(by_category)", s, total_usd)
    # NAT gateways
    nats = {g.get("id"): g for g in j.get("nat_gateways", [])}
    for key, gib_ in (("nat-a", nat_a_gib), ("nat-b", nat_b_gib)):
        nid, eni = nat_id[key]
        g = nats.get(nid) or next((x for x in nats.values() if x.get("eni") == eni), None)
        truth(p + "nat_gateways has " + nid, g is not None, "ids: %s" % sorted(map(str, nats)))
        if g:
            near(p + nid + ".bytes", g.get("bytes"), gib_ * GiB, 0)
            near(p + nid + ".cost_usd", money(g.get("cost_usd")), gib_ * NAT)   # 2.7675 / 9.9225
            if snapshot:  # untagged: its nat- id, not "Interface for NAT Gateway nat-..."
                truth(p + nid + ".name", g.get("name") == nid, repr(g.get("name")))
    if not snapshot:
        return
    # payers
    tops = j.get("top_ips", [])
    truth(p + "top payer", bool(tops) and tops[0].get("ip") == "10.0.48.7",
          repr(tops[0].get("ip") if tops else None))
    if tops:
        near(p + "top payer cost", money(tops[0].get("cost_usd")), payers["10.0.48.7"])
        truth(p + "top payer name", tops[0].get("name") == "etl-1", repr(tops[0].get("name")))
    got = {t.get("ip"): money(t.get("cost_usd")) for t in tops}
    for ip, usd in payers.items():
        near(p + "payer " + ip, got.get(ip), usd)
    extra = {ip: c for ip, c in got.items() if ip not in payers and abs(c or 0) > 0.005}
    truth(p + "no other payers", not extra, repr(extra))
    truth(p + "payer count", len(tops) == N_PAYERS, "%d top_ips, want %d" % (len(tops), N_PAYERS))
    ranked = [t.get("ip") for t in tops]
    truth(p + "older payers first", set(ranked[:15]) == set(OLD_PAYERS), repr(ranked[:15]))
    truth(p + "fleet ranks 16..57 in order", ranked[15:57] == FLEET_ORDER, repr(ranked[15:57]))
    truth(p + "fleet names", [t.get("name") for t in tops[15:57]] == [FLEET[ip][0] for ip in FLEET_ORDER])
    truth(p + "redis-1 last at $0", ranked[57:] == ["10.0.32.60"] and money(tops[-1].get("cost_usd")) == 0,
          repr(ranked[57:]))
    for t in tops[15:57]:
        ip = t.get("ip")
        if ip in FLEET:
            ie = t.get("by_category", {}).get("internet_egress", {})
            near(p + ip + " internet_egress bytes", ie.get("bytes"), FLEET[ip][1][0] * GiB, 0)
    near(p + "sum(top_ips)", sum(c or 0 for c in got.values()), total_usd)
    # inter-AZ pairs
    az = {(x.get("src_az"), x.get("dst_az")): x for x in j.get("inter_az", [])}
    for k, g in xaz_pairs.items():
        x = az.get(k, {})
        near(p + "inter_az %s->%s bytes" % k, x.get("bytes"), g * GiB, 0)
        near(p + "inter_az %s->%s cost" % k, money(x.get("cost_usd")), g * XAZ)
    # fixed: two NAT gateways, 24 hours each
    fx = [f for f in j.get("fixed", []) if f.get("kind") == "nat_gateway_hours"]
    truth(p + "fixed nat hours entries", len(fx) == 2, repr(fx))
    for f in fx:
        near(p + "fixed hours " + str(f.get("id")), money(f.get("hours")), 24, 1e-6)
        near(p + "fixed usd " + str(f.get("id")), money(f.get("cost_usd")), 24 * NAT_HOUR)
    # findings
    fl = j.get("findings", [])
    seen = set()
    for f in fl:
        kind = f.get("kind")
        res = [str(x) for x in f.get("resources", [])]
        blob = json.dumps(f)
        if kind == "s3_dynamodb_via_nat":
            svc = str(f.get("service", "")).upper()
            nat = next((k for k, (nid, _) in nat_id.items() if nid in res or nid in blob), None)
            key = (kind, svc, nat)
        elif kind == "cross_az_nat":
            nat = next((k for k, (nid, _) in nat_id.items() if nid in res), None)
            key = (kind, None, nat)
        elif kind == "aws_service_via_nat":
            key = (kind, str(f.get("service", "")).upper(), None)
            truth(p + "aws_service_via_nat region", f.get("region") == "us-east-1", repr(f.get("region")))
        elif kind == "cross_az_chatty_pair":
            ips = frozenset(x for x in res if x.startswith("10."))
            want = chatty.get(ips)
            truth(p + "chatty pair expected", want is not None, repr(sorted(ips)))
            if want is not None:
                seen.add(ips)
                near(p + "chatty %s monthly" % sorted(ips), money(f.get("monthly_savings_usd")), want)
                near(p + "chatty %s net" % sorted(ips), money(f.get("net_monthly_savings_usd")), want)
                for ip in ips:  # "Cross-AZ traffic between orders-api-1 (10.0.16.21, use1-az4) and ..."
                    nm, z = chatty_names[ip]
                    truth(p + "chatty title names " + nm, "%s (%s, %s)" % (nm, ip, z) in f.get("title", ""),
                          repr(f.get("title")))
            continue
        elif kind in ("port_scan", "rejected_sources"):
            seen.add(kind)
            truth(p + kind + " names 203.0.113.77", "203.0.113.77" in blob)
            near(p + kind + " savings", money(f.get("monthly_savings_usd", 0)), 0)
            continue
        else:
            truth(p + "unexpected finding kind", False, repr(kind))
            continue
        want = findings.get(key)
        truth(p + "finding expected", want is not None, repr(key))
        if want is None:
            continue
        seen.add(key)
        gross, fixed = want
        near(p + "%s monthly_savings_usd" % (key,), money(f.get("monthly_savings_usd")), gross)
        near(p + "%s extra_fixed_monthly_usd" % (key,), money(f.get("extra_fixed_monthly_usd")), fixed)
        near(p + "%s net_monthly_savings_usd" % (key,), money(f.get("net_monthly_savings_usd")), gross - fixed)
    for key in list(findings) + list(chatty) + ["port_scan", "rejected_sources"]:
        truth(p + "finding present", key in seen, repr(key))
    near(p + "savings_total_monthly_usd", money(j.get("savings_total_monthly_usd")), savings_total)

check("v2")
check("v5")
check("v5nosnap", snapshot=False)

# ---- top --by KEY --limit 0: each key's rows add up to the total -----------------
# The payers' AZ IDs from the subnet plan (docs/sample.md): public-a 10.0.0.0/24 and
# private-a 10.0.16.0/20 are use1-az4, -b (10.0.1.0/24, 10.0.32.0/20) use1-az6,
# -c (10.0.2.0/24, 10.0.48.0/20) use1-az1.
import csv, ipaddress
AZ_OF = [("10.0.0.0/24", "use1-az4"), ("10.0.16.0/20", "use1-az4"), ("10.0.1.0/24", "use1-az6"),
         ("10.0.32.0/20", "use1-az6"), ("10.0.2.0/24", "use1-az1"), ("10.0.48.0/20", "use1-az1")]
def az_of(ip):
    return next(z for net, z in AZ_OF if ipaddress.ip_address(ip) in ipaddress.ip_network(net))
per_az = {}
for ip, usd in payers.items():
    per_az[az_of(ip)] = per_az.get(az_of(ip), 0) + usd
def top_rows(by):
    with open(os.path.join(TMP, "top-%s.csv" % by), newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]
for by in ("ip", "peer", "eni", "subnet", "az", "vpc", "account", "service"):
    head, rows = top_rows(by)
    near("top --by %s: sum of %d rows" % (by, len(rows)), sum(float(r[8]) for r in rows), total_usd)
head, rows = top_rows("az")
truth("top --by az key column", head[1] == "az_id", repr(head[:3]))
got = {r[1]: float(r[8]) for r in rows}
truth("top --by az keys", sorted(got) == sorted(per_az), repr(sorted(got)))
for z, usd in per_az.items():   # use1-az1 18.55, use1-az4 7.86, use1-az6 4.88
    near("top --by az " + z, got.get(z), usd)
for by, want in (("vpc", "vpc-0b873741c03378b7d"), ("account", "123456789012")):  # one VPC, one account
    head, rows = top_rows(by)
    truth("top --by %s: one row %s" % (by, want), [r[1] for r in rows] == [want], repr([r[1] for r in rows]))
# subnet rows carry the subnet's Name tag; its AZ per the plan of docs/sample.md
head, rows = top_rows("subnet")
SUBNET_AZ = {"prod-public-a": "use1-az4", "prod-public-b": "use1-az6", "prod-public-c": "use1-az1",
             "prod-private-a": "use1-az4", "prod-private-b": "use1-az6", "prod-private-c": "use1-az1"}
truth("top --by subnet names", {r[2]: r[7] for r in rows} == SUBNET_AZ, repr([(r[2], r[7]) for r in rows]))
head, rows = top_rows("service")
svc = {r[1]: float(r[8]) for r in rows}
truth("top --by service keys", {"Internet", "S3 us-east-1", "S3 us-west-2", "same VPC"} <= set(svc), repr(sorted(svc)))
if fails:
    print("%d of %d checks failed:" % (len(fails), checks))
    for f in fails:
        print("  FAIL " + f)
    sys.exit(1)
print("sample figures: all %d checks passed" % checks)
PY
