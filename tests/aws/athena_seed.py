#!/usr/bin/env python3
"""Seed moto_server's Athena with the result flowcost's group-by query gives
over text flow logs, computed here from the files (an independent model of
the SQL in src/athena_sql.c, for tests/athena_moto_test.sh).

usage: athena_seed.py ENDPOINT DIR...   (every *.log.gz below each DIR)
       athena_seed.py ENDPOINT --rows ROWS.json   (a result in GetQueryResults
       rows, e.g. tests/node/athena_duckdb.mjs's from DuckDB, seeded as it is)

As Athena reads the text table: a '-' stays the string '-' in a string
column and is NULL in a numeric one; the first row names the columns.
"""
import glob
import gzip
import json
import sys
import urllib.request

endpoint, dirs = sys.argv[1], sys.argv[2:]
given = json.load(open(dirs[1])) if dirs[:1] == ["--rows"] else None
if given:
    dirs = []
NUMERIC = {"version", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "tcp_flags",
           "traffic_path"}
COLS = ["interface_id", "srcaddr", "dstaddr", "pkt_srcaddr", "pkt_dstaddr", "pkt_src_aws_service",
        "pkt_dst_aws_service", "hour_bucket", "dstport", "protocol", "action", "log_status", "flow_direction",
        "traffic_path", "packets", "bytes", "records", "min_start", "max_end", "vpc_id", "subnet_id",
        "instance_id", "az_id", "account_id", "region"]
META = ["vpc_id", "subnet_id", "instance_id", "az_id", "account_id", "region"]


def secs(v):
    return None if v is None else (v // 1000 if v >= 100000000000 else v)


groups = {}
for d in dirs:
    for path in sorted(glob.glob(f"{d}/**/*.log.gz", recursive=True)):
        with gzip.open(path, "rt") as f:
            names = [n.replace("-", "_") for n in f.readline().split()]
            for line in f:
                vals = line.split()
                r = {}
                for n, v in zip(names, vals):
                    r[n] = (None if v == "-" else int(v)) if n in NUMERIC else v
                g = lambda n: r.get(n)
                s, e = secs(g("start")), secs(g("end"))
                rej = g("action") == "REJECT"
                key = (g("interface_id"), g("srcaddr"), g("dstaddr"), g("pkt_srcaddr"), g("pkt_dstaddr"),
                       g("pkt_src_aws_service"), g("pkt_dst_aws_service"), None if s is None else s // 3600,
                       g("dstport") if rej else None, g("protocol") if rej else None, g("action"),
                       g("log_status"), g("flow_direction"), g("traffic_path"))
                a = groups.setdefault(key, {"packets": 0, "bytes": 0, "records": 0, "min_start": None,
                                            "max_end": None, **{m: None for m in META}})
                a["packets"] += g("packets") or 0
                a["bytes"] += g("bytes") or 0
                a["records"] += 1
                if s is not None and (a["min_start"] is None or s < a["min_start"]):
                    a["min_start"] = s
                if e is not None and (a["max_end"] is None or e > a["max_end"]):
                    a["max_end"] = e
                for m in META:
                    v = g(m)
                    v = None if v == "-" else v  # NULLIF(x, '-')
                    if v is not None and (a[m] is None or v < a[m]):
                        a[m] = v


def cell(v):
    return {} if v is None else {"VarCharValue": str(v)}


rows = given or [{"Data": [{"VarCharValue": c} for c in COLS]}]
for key, a in ({} if given else groups).items():
    vals = list(key) + [a["packets"], a["bytes"], a["records"], a["min_start"], a["max_end"]] + [a[m] for m in META]
    rows.append({"Data": [cell(v) for v in vals]})
body = {"results": [{"rows": rows, "column_info": [{"Name": c, "Type": "varchar"} for c in COLS]}]}
req = urllib.request.Request(f"{endpoint}/moto-api/static/athena/query-results", data=json.dumps(body).encode(),
                             headers={"Content-Type": "application/json"}, method="POST")
urllib.request.urlopen(req).read()
print(len(rows) - 1)
