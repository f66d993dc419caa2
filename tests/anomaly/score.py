#!/usr/bin/env python3
"""Precision and recall of flowcost's anomalies against what gen.py injected.

usage: score.py INJECTED.json RESULT.json [--min-recall R]

An injection is found when an anomaly names its key (an address or an AZ
pair) with its first hour equal to the injection's first hour ("flagged in
its first hour"). An anomaly is a true positive when its hours
[hour, last_hour] overlap some injection's window (a spike also moves its
category, the NAT gateway and the AZ pair: those are right too). Prints one
line; exit 1 when recall < R (default 0.95).
"""
import json
import sys
from datetime import datetime, timezone


def hour_of(t):
    return int(datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()) // 3600


inj = json.load(open(sys.argv[1]))["injected"]
found = json.load(open(sys.argv[2])).get("anomalies", [])
min_recall = float(sys.argv[sys.argv.index("--min-recall") + 1]) if "--min-recall" in sys.argv else 0.95
windows = [(i["first_hour"], i["first_hour"] + i["hours"] - 1) for i in inj]
tp = sum(1 for a in found if any(hour_of(a["hour"]) <= e and hour_of(a["last_hour"]) >= s for s, e in windows))
hit = [i for i in inj if any(a["key"] == i["key"] and hour_of(a["hour"]) == i["first_hour"] for a in found)]
missed = [f'{i["kind"]} {i["app"]} {i["key"]} at hour {i["first_hour"]}' for i in inj if i not in hit]
precision = tp / len(found) if found else 1.0
recall = len(hit) / len(inj)
print(f"injected {len(inj)}, flagged {len(found)}: recall {recall:.3f} ({len(hit)} in their first hour), "
      f"precision {precision:.3f} ({tp} of {len(found)} inside an injected window)"
      + (f"; missed: {', '.join(missed)}" if missed else ""))
sys.exit(0 if recall >= min_recall else 1)
