#!/usr/bin/env python3
"""An independent reader of VPC flow-log text files for the regression corpus.

It knows nothing of flowcost and calls nothing of it: it reads the file as the
AWS documentation describes the text format (space-separated fields in the
order of the file's header line, else of --fields, else the version-2 default;
`-` for a value that does not apply; NODATA/SKIPDATA records) and prints what
`flowcost aggregate FILE --csv OUT` and the JSON `records`/`period` should say
(docs/ingest.md, ../shared/spec/cli.md).

    expect.py FILE [--fields 'a b c'] [--csv OUT] [--summary]
    expect.py --rows ROWS BASE OUT      (every row of a cases.txt-like file)

--summary prints one line: read used malformed nodata skipdata rejected
period-start period-end (RFC 3339, `null` when no record has a time).
"""
import argparse
import datetime
import gzip
import ipaddress
import json
import os
import re
import shlex
import sys

V2 = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
      "start end action log-status").split()
# every VPC flow-log field of versions 2-8, as in the AWS "available fields" table
VPC_FIELDS = set(V2) | set(
    "vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id "
    "sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction "
    "traffic-path ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn "
    "ecs-container-instance-id ecs-container-id ecs-second-container-id ecs-service-name "
    "ecs-task-definition-arn ecs-task-arn ecs-task-id reject-reason".split())
# the transit gateway flow-log fields (AWS Transit Gateways guide, default format)
TGW_FIELDS = set(
    "resource-type tgw-id tgw-attachment-id tgw-src-vpc-account-id tgw-dst-vpc-account-id "
    "tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni tgw-dst-eni "
    "tgw-src-az-id tgw-dst-az-id tgw-pair-attachment-id packets-lost-no-route "
    "packets-lost-blackhole packets-lost-mtu-exceeded packets-lost-ttl-expired".split())
NAMES = VPC_FIELDS | TGW_FIELDS

INT_MAX = {"version": 2**32 - 1, "tcp-flags": 2**32 - 1, "srcport": 65535, "dstport": 65535,
           "protocol": 255, "packets": 2**64 - 1, "bytes": 2**64 - 1,
           "start": 2**63 - 1, "end": 2**63 - 1}
ENUMS = {"action": {"ACCEPT", "REJECT"}, "log-status": {"OK", "NODATA", "SKIPDATA"},
         "flow-direction": {"ingress", "egress"},
         "traffic-path": {str(i) for i in range(1, 9)}}
ADDRS = {"srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr"}
MS = 10**11  # start/end at or above this are milliseconds (flowlogs-reader does the same)


def field_list(s):
    """A --fields list: spaces and/or commas between names, `${name}` allowed,
    and the underscore spellings of Athena/Parquet (`interface_id`)."""
    names = [re.sub(r"^\$\{(.*)\}$", r"\1", t) for t in re.split(r"[\s,]+", s.strip()) if t]
    return [n.replace("_", "-") for n in names]


NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


def is_header(tokens):
    """A line made only of field names, known or not (a newer field is a name
    too), with at least one known: no data line looks like that (a value
    such as an address, a number or `-` is not a name)."""
    return all(NAME.fullmatch(t) for t in tokens) and any(t in NAMES for t in tokens)


def valid(name, v):
    if v == "-":
        return True
    if name in INT_MAX:
        return v.isdigit() and int(v) <= INT_MAX[name]
    if name in ENUMS:
        return v in ENUMS[name]
    if name in ADDRS:
        if "%" in v:  # no zone index in flow logs (Python would accept fe80::1%eth0)
            return False
        try:
            ipaddress.ip_address(v)
            return True
        except ValueError:
            return False
    return True


def unwrap_json(data):
    """JSON-wrapped lines (issue 13): Firehose / CloudWatch export objects
    {"message": LINE} and CloudWatch Logs subscription payloads
    {"messageType": "DATA_MESSAGE", "logEvents": [{"message": LINE}, ...]},
    one after another with or without whitespace; CONTROL_MESSAGE payloads
    hold no record. Returns the messages as text lines."""
    dec = json.JSONDecoder()
    text = data.decode("utf-8")
    out, i = [], 0
    while True:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if i == len(text):
            break
        v, i = dec.raw_decode(text, i)
        for o in (v if isinstance(v, list) else [v]):
            if not isinstance(o, dict) or o.get("messageType") == "CONTROL_MESSAGE":
                continue
            if isinstance(o.get("message"), str):
                out.append(o["message"])
            for e in o.get("logEvents") or []:
                if isinstance(e, dict) and isinstance(e.get("message"), str):
                    out.append(e["message"])
    return "\n".join(m.rstrip("\r\n") for m in out).encode("utf-8")


def read(path, fields):
    fmt = field_list(fields) if fields else list(V2)
    st = dict(read=0, used=0, malformed=0, nodata=0, skipdata=0, rejected=0)
    groups = {}
    first = last = None
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:2] == b"\x1f\x8b":  # gzip, as S3 delivery writes it
        data = gzip.decompress(data)
    if data[:4] == b"PAR1":
        # Parquet: not a text flow log; cli.md wants one verdict line
        return st, groups, first, last
    if data.lstrip()[:1] in (b"{", b"["):
        data = unwrap_json(data)
    for raw in data.split(b"\n"):
        line = raw.rstrip(b"\r").decode("latin-1")
        tokens = line.split()
        if not tokens:
            continue
        if is_header(tokens):
            fmt = tokens
            continue
        st["read"] += 1
        if len(tokens) != len(fmt) or not all(valid(n, v) for n, v in zip(fmt, tokens)):
            st["malformed"] += 1
            continue
        rec = {n: (None if v == "-" else v) for n, v in zip(fmt, tokens)}
        status = rec.get("log-status")
        if status == "NODATA":
            st["nodata"] += 1
        elif status == "SKIPDATA":
            st["skipdata"] += 1
        else:
            st["used"] += 1
            if rec.get("action") == "REJECT":
                st["rejected"] += 1
        for k in ("start", "end"):
            if rec.get(k) is not None:
                t = int(rec[k])
                rec[k] = t // 1000 if t >= MS else t
        if rec.get("start") is not None:
            first = rec["start"] if first is None else min(first, rec["start"])
        if rec.get("end") is not None:
            last = rec["end"] if last is None else max(last, rec["end"])
        key = tuple(rec.get(k) for k in ("interface-id", "srcaddr", "dstaddr", "action",
                                         "log-status"))
        g = groups.setdefault(key, [0, 0, 0])
        g[0] += int(rec.get("packets") or 0)
        g[1] += int(rec.get("bytes") or 0)
        g[2] += 1
    return st, groups, first, last


def addr_key(a):
    if a is None:
        return (0, 0)
    ip = ipaddress.ip_address(a)
    return (ip.version // 2, int(ip))  # absent, then IPv4, then IPv6


ACTION_ORDER = {None: 0, "ACCEPT": 1, "REJECT": 2}
STATUS_ORDER = {None: 0, "NODATA": 1, "OK": 2, "SKIPDATA": 3}


def csv_rows(groups):
    def order(item):
        (eni, src, dst, act, status), (pk, by, n) = item
        return (-by, (eni or "").encode(), addr_key(src), addr_key(dst), ACTION_ORDER[act],
                STATUS_ORDER[status])

    out = ["interface_id,srcaddr,dstaddr,action,log_status,packets,bytes,records"]
    for (eni, src, dst, act, status), (pk, by, n) in sorted(groups.items(), key=order):
        addrs = [str(ipaddress.ip_address(a)) if a else "" for a in (src, dst)]
        out.append(",".join([eni or "", addrs[0], addrs[1], act or "", status or "",
                             str(pk), str(by), str(n)]))
    return "\n".join(out) + "\n"


def rfc3339(t):
    if t is None:
        return "null"
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def summary(st, first, last):
    return " ".join([str(st[k]) for k in ("read", "used", "malformed", "nodata", "skipdata", "rejected")]
                    + [rfc3339(first), rfc3339(last)])


def rows(rows_file, base, out):
    """Every row of a cases.txt-like file at once (one Python start instead
    of one per row): the groups of row N to OUT/N.reader.csv, its summary
    line to stdout."""
    with open(rows_file) as f:
        for n, row in enumerate((r.rstrip("\n") for r in f), 1):
            file, opts = row.split(" | ")[:2]
            args = shlex.split(opts)
            fields = args[args.index("--fields") + 1] if "--fields" in args else None
            st, groups, first, last = read(os.path.join(base, file), fields)
            with open(os.path.join(out, "%d.reader.csv" % n), "w") as o:
                o.write(csv_rows(groups))
            print(summary(st, first, last))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?")
    ap.add_argument("--fields")
    ap.add_argument("--csv")
    ap.add_argument("--summary", action="store_true")
    ap.add_argument("--rows", nargs=3, metavar=("ROWS", "BASE", "OUT"))
    a = ap.parse_args()
    if a.rows:
        return rows(*a.rows)
    st, groups, first, last = read(a.file, a.fields)
    if a.csv:
        with open(a.csv, "w") as f:
            f.write(csv_rows(groups))
    if a.summary:
        print(summary(st, first, last))


if __name__ == "__main__":
    sys.exit(main())
