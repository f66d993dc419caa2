#!/usr/bin/env python3
"""A fake Amazon Athena for tests/athena_faults_test.sh: what moto is too
lenient to show. Serves the JSON 1.1 API on 127.0.0.1.

usage: athena_fake_server.py PORTFILE LOG MODE [ROWS.json]
MODE: ok (two GetQueryExecution polls, then SUCCEEDED; results in pages of
two rows), failed (FAILED with a StateChangeReason), cancelled, throttle
(the first two StartQueryExecution calls answer TooManyRequestsException),
hang (RUNNING for ever). ATHENA_FAKE_PAGE sets the page size (2),
ATHENA_FAKE_OUTPUT the query's OutputLocation (none). MODE "@FILE": the
mode is read from FILE at each request, as "GENERATION MODE [OUTPUT]", and
a new GENERATION starts afresh (counts of starts and polls), so that one
server plays every case of a test (a Python start per case cost more than
the case). Each request is logged
as "Target ClientRequestToken NextToken" to LOG. GetTableMetadata answers a Hive-style v5 table.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

portfile, logfile, mode = sys.argv[1], sys.argv[2], sys.argv[3]
output = os.environ.get("ATHENA_FAKE_OUTPUT")
state = {"start": 0, "polls": 0, "gen": None}
PAGE = int(os.environ.get("ATHENA_FAKE_PAGE", "2"))  # the real API gives up to 1000


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, code, obj):
        b = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-RequestId", "fake-req-1")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def do_POST(self):
        global mode, output
        if sys.argv[3].startswith("@"):
            gen, mode, *out = open(sys.argv[3][1:]).read().split()
            output = out[0] if out else None
            if gen != state["gen"]:
                state.update(start=0, polls=0, gen=gen)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        target = self.headers.get("X-Amz-Target", "")
        auth = self.headers.get("Authorization", "")
        with open(logfile, "a") as f:
            f.write(f"{target} {body.get('ClientRequestToken', '-')} {body.get('NextToken', '-')} "
                    f"{'signed' if 'Credential=' in auth and '/athena/aws4_request' in auth else 'unsigned'}\n")
        action = target.split(".")[-1]
        if action == "StartQueryExecution":
            state["start"] += 1
            if mode == "throttle" and state["start"] <= 2:
                return self.reply(400, {"__type": "TooManyRequestsException", "message": "Rate exceeded"})
            return self.reply(200, {"QueryExecutionId": "q-fake-1"})
        if action == "GetQueryExecution":
            state["polls"] += 1
            st = {"State": "RUNNING"}
            if mode != "hang" and state["polls"] > 2:
                st = {"State": {"failed": "FAILED", "cancelled": "CANCELLED"}.get(mode, "SUCCEEDED")}
                if mode == "failed":
                    st["StateChangeReason"] = "COLUMN_NOT_FOUND: line 3:3: Column 'pkt_srcaddr' cannot be resolved"
            qe = {"QueryExecutionId": "q-fake-1", "Status": st,
                  "Statistics": {"DataScannedInBytes": 123456789, "EngineExecutionTimeInMillis": 1500}}
            if output:
                qe["ResultConfiguration"] = {"OutputLocation": output}
            return self.reply(200, {"QueryExecution": qe})
        if action == "GetQueryResults":
            # read per request, so that one server can serve several results
            rows = json.load(open(sys.argv[4])) if len(sys.argv) > 4 else []
            start = int(body.get("NextToken", "0") or 0)
            page = {"ResultSet": {"Rows": rows[start:start + PAGE]}}
            if start + PAGE < len(rows):
                page["NextToken"] = str(start + PAGE)
            return self.reply(200, page)
        if action == "StopQueryExecution":
            return self.reply(200, {})
        if action == "GetTableMetadata":
            cols = ("version vpc_id subnet_id instance_id interface_id account_id az_id flow_direction srcaddr "
                    "dstaddr srcport dstport pkt_srcaddr pkt_dstaddr pkt_src_aws_service pkt_dst_aws_service "
                    "protocol bytes packets start end action traffic_path log_status").split()
            return self.reply(200, {"TableMetadata": {
                "Name": body.get("TableName"), "Columns": [{"Name": c, "Type": "string"} for c in cols],
                "PartitionKeys": [{"Name": "region", "Type": "string"}, {"Name": "date", "Type": "string"}],
                "Parameters": {"projection.date.format": "'year='yyyy'/month='MM'/day='dd"}}})
        return self.reply(400, {"__type": "UnknownOperationException", "message": action})


srv = HTTPServer(("127.0.0.1", 0), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
