#!/usr/bin/env python3
"""Ground truth for `--cur` (issue 19 part 1): one synthetic account's traffic
written three ways -- VPC flow logs (v5 custom format, as S3 delivers them,
one file per hour), a Cost and Usage Report 2.0 export (CSV gzip, hourly
line items, snake_case columns) and a legacy CUR (plain CSV, daily line
items, lineItem/... columns, ARNs as resource ids) -- with gaps injected in
the logs only, as they happen in the field:

  * eni-batch (i-batch, use1-az2) and eni-sink (i-sink, use1-az1) have no
    flow log: i-batch sends 2 GiB an hour to i-sink, billed as InterZone-Out
    and InterZone-In, never logged;
  * every flow log lost the hour 2026-11-02 05:00 (nothing delivered);
  * 2026-11-03 10:00 at NAT gateway nat-0b...'s ENI is one SKIPDATA record
    instead of that hour's records.

Traffic per hour (GiB), us-east-1, both days 2026-11-02 and 2026-11-03:
  app1 (use1-az1) -> nat-a (use1-az1) -> 198.51.100.9: 1 out, 3 back
  app2 (use1-az2) -> nat-b (use1-az2) -> 198.51.100.9: 0.5 out, 1.5 back
  app1 -> app2 0.25, app2 -> app1 0.75     (cross-AZ)
  db1 (use1-az1) -> app2 1, app2 -> db1 0.125 (cross-AZ)
  batch (use1-az2) -> sink (use1-az1) 2    (cross-AZ, not logged)

usage: cur_scenario.py OUTDIR  (writes OUTDIR/logs/, snapshot.json,
cur2/…csv.gz, legacy/…csv)
"""
import calendar
import csv
import gzip
import io
import json
import os
import sys
import time

GIB = 1 << 30
DAYS = ["2026-11-02", "2026-11-03"]
T0 = calendar.timegm((2026, 11, 2, 0, 0, 0))
HOURS = 48
MISSING_HOUR = 5            # hour index (2026-11-02 05:00) with no log delivered
SKIP_HOUR = 24 + 10         # 2026-11-03 10:00: SKIPDATA at nat-b's ENI
ACCOUNT = "111122223333"
NAT_A, NAT_B = "nat-0a00000000000000a", "nat-0b00000000000000b"
REMOTE = "198.51.100.9"

ENIS = [  # id, kind, instance/resource, subnet, az, ip, logged
    ("eni-nat-a", "nat_gateway", NAT_A, "subnet-pub-a", "use1-az1", "10.0.0.10", True),
    ("eni-nat-b", "nat_gateway", NAT_B, "subnet-pub-b", "use1-az2", "10.0.1.10", True),
    ("eni-app1", "workload", "i-app1", "subnet-priv-a", "use1-az1", "10.0.10.5", True),
    ("eni-db1", "workload", "i-db1", "subnet-priv-a", "use1-az1", "10.0.10.20", True),
    ("eni-sink", "workload", "i-sink", "subnet-priv-a", "use1-az1", "10.0.10.40", False),
    ("eni-app2", "workload", "i-app2", "subnet-priv-b", "use1-az2", "10.0.20.5", True),
    ("eni-batch", "workload", "i-batch", "subnet-priv-b", "use1-az2", "10.0.20.30", False),
]
SUBNETS = [("subnet-pub-a", "10.0.0.0/24", "use1-az1"), ("subnet-pub-b", "10.0.1.0/24", "use1-az2"),
           ("subnet-priv-a", "10.0.10.0/24", "use1-az1"), ("subnet-priv-b", "10.0.20.0/24", "use1-az2")]
IP = {e[0]: e[5] for e in ENIS}
RES = {e[0]: e[2] for e in ENIS}

# NAT traffic: client ENI, NAT ENI, GiB out, GiB back (per hour)
NAT_FLOWS = [("eni-app1", "eni-nat-a", 1.0, 3.0), ("eni-app2", "eni-nat-b", 0.5, 1.5)]
# private cross-AZ traffic: sender ENI, receiver ENI, GiB per hour
PRIVATE = [("eni-app1", "eni-app2", 0.25), ("eni-app2", "eni-app1", 0.75),
           ("eni-db1", "eni-app2", 1.0), ("eni-app2", "eni-db1", 0.125),
           ("eni-batch", "eni-sink", 2.0)]
LOGGED = {e[0] for e in ENIS if e[6]}

HEADER = ("version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end "
          "action log-status pkt-srcaddr pkt-dstaddr flow-direction traffic-path")


def rec(eni, src, dst, gib, start, direction, psrc=None, pdst=None, path="-"):
    b = int(gib * GIB)
    return (f"5 {eni} {src} {dst} 40000 443 6 {max(1, b // 1500)} {b} {start} {start + 3600} ACCEPT OK "
            f"{psrc or src} {pdst or dst} {direction} {path}")


def hour_records(h):
    """Every record the ENIs with a flow log write for hour h."""
    t = T0 + 3600 * h
    out = []
    for cli, nat, up, down in NAT_FLOWS:
        c, n = IP[cli], IP[nat]
        # the client's own view (client <-> remote) ...
        out.append(rec(cli, c, REMOTE, up, t, "egress", path="1"))
        out.append(rec(cli, REMOTE, c, down, t, "ingress"))
        # ... and the NAT ENI's private and public legs
        if h == SKIP_HOUR and nat == "eni-nat-b":
            out.append(f"5 {nat} - - - - - - - {t} {t + 3600} - SKIPDATA - - - -")
            continue
        out.append(rec(nat, c, n, up, t, "ingress", pdst=REMOTE))
        out.append(rec(nat, n, REMOTE, up, t, "egress", path="8"))
        out.append(rec(nat, REMOTE, n, down, t, "ingress"))
        out.append(rec(nat, n, c, down, t, "egress", psrc=REMOTE))
    for s, d, gib in PRIVATE:
        if s in LOGGED:
            out.append(rec(s, IP[s], IP[d], gib, t, "egress", path="1"))
        if d in LOGGED:
            out.append(rec(d, IP[s], IP[d], gib, t, "ingress"))
    return out


def write_logs(root):
    for h in range(HOURS):
        if h == MISSING_HOUR:
            continue
        t = T0 + 3600 * h
        y, m, d, hh = time_parts(t)
        path = os.path.join(root, "logs", "AWSLogs", ACCOUNT, "vpcflowlogs", "us-east-1", f"{y:04d}", f"{m:02d}",
                            f"{d:02d}", f"{ACCOUNT}_vpcflowlogs_us-east-1_fl-0_{y:04d}{m:02d}{d:02d}T{hh:02d}00Z.log.gz")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with gzip.open(path, "wt") as f:
            f.write(HEADER + "\n" + "\n".join(hour_records(h)) + "\n")


def time_parts(t):
    g = time.gmtime(t)
    return g.tm_year, g.tm_mon, g.tm_mday, g.tm_hour


def iso(t, cur2):
    g = time.gmtime(t)
    return (f"{g.tm_year:04d}-{g.tm_mon:02d}-{g.tm_mday:02d}T{g.tm_hour:02d}:00:00"
            + (".000Z" if cur2 else "Z"))


def billed_per_hour():
    """(usage_type, operation, resource, GiB, $/GB) that AWS bills every hour:
    what really moved, flow log or not."""
    items = []
    for cli, nat, up, down in NAT_FLOWS:
        items.append(("NatGateway-Bytes", "NatGateway", RES[nat], up + down, 0.045))
        items.append(("DataTransfer-Out-Bytes", "NatGateway", RES[nat], up, 0.09))
    out, inn = {}, {}
    for s, d, gib in PRIVATE:
        out[RES[s]] = out.get(RES[s], 0) + gib
        inn[RES[d]] = inn.get(RES[d], 0) + gib
    for r in sorted(out):
        items.append(("DataTransfer-Regional-Bytes", "InterZone-Out", r, out[r], 0.01))
    for r in sorted(inn):
        items.append(("DataTransfer-Regional-Bytes", "InterZone-In", r, inn[r], 0.01))
    return items


def arn(res):
    kind = "natgateway" if res.startswith("nat-") else "instance"
    return f"arn:aws:ec2:us-east-1:{ACCOUNT}:{kind}/{res}"


def cur_rows(hourly):
    """Line items: hourly (CUR 2.0 export) or one per day (legacy CUR), plus
    lines the reader must skip: hours, free inbound bytes, tax."""
    rows = []
    step = 1 if hourly else 24
    for h0 in range(0, HOURS, step):
        t0, t1 = T0 + 3600 * h0, T0 + 3600 * (h0 + step)
        for ut, op, res, gib, rate in billed_per_hour():
            rows.append(("Usage", ut, op, res, gib * step, gib * step * rate, t0, t1))
        rows.append(("Usage", "NatGateway-Hours", "NatGateway", NAT_A, step, 0.045 * step, t0, t1))
        rows.append(("Usage", "DataTransfer-In-Bytes", "RunInstances", "i-app1", 9.0 * step, 0.0, t0, t1))
    rows.append(("Tax", "NatGateway-Bytes", "NatGateway", "", 0, 1.23, T0, T0 + 86400 * 2))
    return rows


def write_cur2(root):
    cols = ["identity_line_item_id", "line_item_line_item_type", "line_item_usage_start_date",
            "line_item_usage_end_date", "line_item_product_code", "line_item_usage_type", "line_item_operation",
            "line_item_resource_id", "line_item_usage_amount", "line_item_unblended_cost",
            "line_item_line_item_description", "product_region_code"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for i, (typ, ut, op, res, gib, usd, t0, t1) in enumerate(cur_rows(True)):
        w.writerow([f"id{i}", typ, iso(t0, True), iso(t1, True), "AmazonEC2", ut, op, arn(res) if res else "",
                    repr(gib), repr(usd), f"${usd:.6f} for {ut}, \"{op}\"", "us-east-1"])
    d = os.path.join(root, "cur2", "data", "BILLING_PERIOD=2026-11")
    os.makedirs(d, exist_ok=True)
    with gzip.open(os.path.join(d, "export-00001.csv.gz"), "wt") as f:
        f.write(buf.getvalue())
    with open(os.path.join(root, "cur2", "export-Manifest.json"), "w") as f:
        json.dump({"note": "skipped by the reader"}, f)


def write_legacy(root):
    cols = ["identity/LineItemId", "identity/TimeInterval", "lineItem/LineItemType", "lineItem/UsageStartDate",
            "lineItem/UsageEndDate", "lineItem/ProductCode", "lineItem/UsageType", "lineItem/Operation",
            "lineItem/ResourceId", "lineItem/UsageAmount", "lineItem/UnblendedCost", "product/region"]
    d = os.path.join(root, "legacy")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "report-00001.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(cols)
        for i, (typ, ut, op, res, gib, usd, t0, t1) in enumerate(cur_rows(False)):
            w.writerow([f"id{i}", f"{iso(t0, False)}/{iso(t1, False)}", typ, iso(t0, False), iso(t1, False),
                        "AmazonEC2", ut, op, arn(res) if res.startswith("nat-") else res, repr(gib), repr(usd),
                        "us-east-1"])


def write_snapshot(root):
    enis = []
    for eid, kind, res, subnet, az, ip, _ in ENIS:
        e = {"id": eid, "kind": kind, "subnet_id": subnet, "vpc_id": "vpc-0", "az_id": az, "region": "us-east-1",
             "account": ACCOUNT, "private_ips": [ip], "last_seen": "2026-11-04T00:00:00Z"}
        if kind == "nat_gateway":
            e.update(interface_type="nat_gateway", resource_id=res, nat_gateway_id=res,
                     description=f"Interface for NAT Gateway {res}")
        else:
            e.update(interface_type="interface", instance_id=res, name=res)
        enis.append(e)
    snap = {"flowcost_snapshot": 1, "fetched_at": "2026-11-04T00:00:00Z", "enis": enis,
            "subnets": [{"id": s, "vpc_id": "vpc-0", "cidr": c, "az_id": az, "region": "us-east-1"}
                        for s, c, az in SUBNETS],
            "vpcs": [{"id": "vpc-0", "region": "us-east-1", "cidrs": ["10.0.0.0/16"]}]}
    with open(os.path.join(root, "snapshot.json"), "w") as f:
        json.dump(snap, f, indent=1)


def main():
    root = sys.argv[1]
    write_logs(root)
    write_snapshot(root)
    write_cur2(root)
    write_legacy(root)


if __name__ == "__main__":
    main()
