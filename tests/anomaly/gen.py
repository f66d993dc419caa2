#!/usr/bin/env python3
"""Six weeks of flow logs with daily and weekly seasonality, and anomalies
injected into the last week, for tests/anomaly_test.sh and bench/anomaly.sh.

usage: gen.py OUT_DIR [SEED]

Writes OUT_DIR/snapshot.json (a flowcost snapshot: one VPC, subnets in
use1-az1 and use1-az2, NAT gateway nat-0001 in use1-az1, workloads app-1 ..
app-10), OUT_DIR/week0.log .. week5.log (v5 with a header, one file a week,
Monday 00:00 UTC to Monday) and OUT_DIR/injected.json: what was injected in
week 5, each with the key an anomaly must name and its first hour.

Traffic, every hour: each of app-1 .. app-8 sends out_gb to its own
Internet address through the NAT gateway and gets 3x that back (the NAT
ENI's four records and the client's two); app-1 sends east-west to app-5
(other AZ). out_gb = base x daily(hour) x weekly(day) x (1 + N(0, 0.03)):
daily is 0.35 at night rising to 1.0 at 14:00, weekly is 1.0 on weekdays and
0.55 on weekends. Weeks 0-4 are clean. Week 5 gets spikes (x3..x6 for 1-3
hours), level shifts (x2..x2.5 to the end of the week), and new talkers
(app-9 and app-10, silent before, and a new Internet peer 203.0.113.50 of
app-4) costing well over $5 a day.
"""
import json
import math
import os
import random
import sys

out = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 19
rng = random.Random(seed)
os.makedirs(out, exist_ok=True)

WEEK0 = 1759622400  # 2025-10-05T00:00:00Z is a Sunday; +1 day = Monday 2025-10-06
WEEK0 += 86400
GB = 1 << 30
NAT_IP, NAT_ENI = "10.0.1.10", "eni-nat1"
apps = {}
for i in range(1, 11):
    az = 1 if i <= 4 or i == 9 else 2
    apps[i] = {"ip": f"10.0.{az}.{100 + i}", "eni": f"eni-app{i}", "az": az, "remote": f"198.51.100.{i}",
               "base": [0, 4.0, 3.0, 5.0, 2.5, 3.5, 4.5, 2.0, 6.0, 3.0, 2.5][i]}
ACTIVE = range(1, 9)  # app-9 and app-10 are new in week 5

snapshot = {
    "flowcost_snapshot": 1, "fetched_at": "2025-10-06T00:00:00Z",
    "enis": [{"id": NAT_ENI, "kind": "nat_gateway", "interface_type": "nat_gateway", "name": "egress-a",
              "resource_id": "nat-0001", "nat_gateway_id": "nat-0001",
              "description": "Interface for NAT Gateway nat-0001", "subnet_id": "subnet-a", "vpc_id": "vpc-01",
              "az_id": "use1-az1", "az_name": "us-east-1a", "region": "us-east-1", "account": "111122223333",
              "private_ips": [NAT_IP], "public_ips": ["52.0.0.10"]}] +
            [{"id": a["eni"], "kind": "workload", "interface_type": "interface", "name": f"app-{i}",
              "subnet_id": f"subnet-{'a' if a['az'] == 1 else 'b'}", "vpc_id": "vpc-01",
              "az_id": f"use1-az{a['az']}", "az_name": f"us-east-1{'a' if a['az'] == 1 else 'b'}",
              "region": "us-east-1", "account": "111122223333", "private_ips": [a["ip"]]} for i, a in apps.items()],
    "subnets": [{"id": "subnet-a", "vpc_id": "vpc-01", "cidr": "10.0.1.0/24", "az_id": "use1-az1",
                 "az_name": "us-east-1a", "region": "us-east-1"},
                {"id": "subnet-b", "vpc_id": "vpc-01", "cidr": "10.0.2.0/24", "az_id": "use1-az2",
                 "az_name": "us-east-1b", "region": "us-east-1"}],
    "vpcs": [{"id": "vpc-01", "region": "us-east-1", "cidrs": ["10.0.0.0/16"]}],
}
snapshot["enis"].sort(key=lambda e: e["id"])
json.dump(snapshot, open(os.path.join(out, "snapshot.json"), "w"), indent=1)


def daily(h):
    return 0.35 + 0.65 * max(0.0, math.sin(math.pi * (h - 6) / 16)) if 6 <= h <= 22 else 0.35


def weekly(d):
    return 0.55 if d >= 5 else 1.0


# Week 5's injections: (kind, app, start hour of the week, hours, factor);
# a spike never falls inside a shift of the same app (it would be part of
# the shift's run, not an anomaly of its own).
how_of = lambda d, h: 24 * d + h
injections = [
    ("spike", 3, how_of(1, 10), 2, 5.0), ("spike", 7, how_of(3, 15), 1, 4.0), ("spike", 3, how_of(6, 20), 3, 6.0),
    ("spike", 8, how_of(0, 3), 1, 8.0), ("spike", 5, how_of(2, 11), 2, 3.5), ("spike", 1, how_of(4, 9), 1, 4.0),
    ("spike", 4, how_of(0, 16), 2, 4.5), ("spike", 3, how_of(4, 18), 1, 5.0), ("spike", 7, how_of(5, 13), 2, 5.0),
    ("spike", 5, how_of(5, 2), 1, 7.0), ("spike", 1, how_of(1, 21), 1, 5.0), ("spike", 8, how_of(3, 10), 2, 4.0),
    ("shift", 2, how_of(2, 9), None, 2.0), ("shift", 6, how_of(1, 14), None, 2.5),
    ("shift_ew", 1, how_of(0, 13), None, 3.0),
    ("new", 9, how_of(4, 8), None, 1.0), ("new", 10, how_of(2, 15), None, 1.0),
    ("new_peer", 4, how_of(5, 11), None, 1.0),
]
# end of a shift: the end of the week
for k, inj in enumerate(injections):
    if inj[3] is None:
        injections[k] = (inj[0], inj[1], inj[2], 168 - inj[2], inj[4])


def factor(week, app, how, what):
    f = 1.0
    if week != 5:
        return f
    for kind, a, start, hours, x in injections:
        if a == app and start <= how < start + hours and kind == what:
            f *= x
    return f


def nat_lines(t, a, remote, out_gb, in_gb):
    o, i = int(out_gb * GB), int(in_gb * GB)
    p, q = max(1, o // 1400), max(1, i // 1400)
    s, e = t, t + 600
    return [f"5 {NAT_ENI} {a['ip']} {NAT_IP} 40000 443 6 {p} {o} {s} {e} ACCEPT OK {a['ip']} {remote} ingress -",
            f"5 {NAT_ENI} {NAT_IP} {remote} 40000 443 6 {p} {o} {s} {e} ACCEPT OK {NAT_IP} {remote} egress 8",
            f"5 {NAT_ENI} {remote} {NAT_IP} 443 40000 6 {q} {i} {s} {e} ACCEPT OK {remote} {NAT_IP} ingress -",
            f"5 {NAT_ENI} {NAT_IP} {a['ip']} 443 40000 6 {q} {i} {s} {e} ACCEPT OK {remote} {a['ip']} egress 1",
            f"5 {a['eni']} {a['ip']} {remote} 40000 443 6 {p} {o} {s} {e} ACCEPT OK {a['ip']} {remote} egress 1",
            f"5 {a['eni']} {remote} {a['ip']} 443 40000 6 {q} {i} {s} {e} ACCEPT OK {remote} {a['ip']} ingress -"]


HEADER = ("version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status "
          "pkt-srcaddr pkt-dstaddr flow-direction traffic-path")
for week in range(6):
    lines = [HEADER]
    for how in range(168):
        d, h = divmod(how, 24)
        t = WEEK0 + week * 7 * 86400 + how * 3600
        season = daily(h) * weekly(d)
        for i in list(ACTIVE) + [9, 10]:
            a = apps[i]
            if i in (9, 10):
                if week != 5 or not any(k == "new" and x == i and s <= how for k, x, s, _, _ in injections):
                    continue
            noise = 1 + rng.gauss(0, 0.03)
            g = a["base"] * season * noise * factor(week, i, how, "spike") * factor(week, i, how, "shift")
            lines += nat_lines(t, a, a["remote"], g, 3 * g)
            if week == 5 and i == 4 and how >= how_of(5, 11):
                lines += nat_lines(t, a, "203.0.113.50", 4.0 * season, 4.0 * season)
        # east-west: app-1 (use1-az1) -> app-5 (use1-az2), logged at both ENIs
        ew = int(12 * GB * season * (1 + rng.gauss(0, 0.03)) * factor(week, 1, how, "shift_ew"))
        a1, a5 = apps[1], apps[5]
        for eni, dirn in ((a1["eni"], "egress"), (a5["eni"], "ingress")):
            lines.append(f"5 {eni} {a1['ip']} {a5['ip']} 41000 5432 6 {ew // 1400} {ew} {t} {t + 600} ACCEPT OK "
                         f"{a1['ip']} {a5['ip']} {dirn} {'1' if dirn == 'egress' else '-'}")
    open(os.path.join(out, f"week{week}.log"), "w").write("\n".join(lines) + "\n")

week5 = WEEK0 + 5 * 7 * 86400
expected = []
for kind, app, start, hours, x in injections:
    a = apps[app]
    # what names it: the new peer's address; the east-west shift's AZ pair
    # (app-1's own cost moves by less than the noise band: its NAT traffic
    # dominates it); else the app's address
    key = {"new_peer": "203.0.113.50", "shift_ew": "use1-az1>use1-az2"}.get(kind, a["ip"])
    expected.append({"kind": kind, "key": key, "app": f"app-{app}", "first_hour": (week5 + start * 3600) // 3600,
                     "hours": hours, "factor": x})
json.dump({"week5_start": week5, "injected": expected}, open(os.path.join(out, "injected.json"), "w"), indent=1)
