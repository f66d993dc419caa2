"""A small fake of the AWS Price List Query API for tests/rates_fetch_test.sh
(127.0.0.1 only, plain http through an explicit --endpoint-url).

usage: pricing_server.py PORT_FILE LOG
POST / with X-Amz-Target AWSPriceListService.GetProducts (JSON 1.1): the
products of CATALOG whose ServiceCode and TERM_MATCH filters match, two per
page with a NextToken, each product a JSON document inside a JSON string as
AWS sends it. A request without a SigV4 Authorization header for service
"pricing" in us-east-1 gets AWS's 400 MissingAuthenticationTokenException
shape. One line per request goes to LOG: "<service> <filters> <token>".
"""
import http.server
import json
import os
import sys

port_file, log_path = sys.argv[1:3]
log = open(log_path, "a", buffering=1)

NAMES = {"us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)",
         "eu-west-1": "EU (Ireland)", "us-west-2": "US West (Oregon)"}
n_sku = [0]


def product(service, family, attrs, tiers, unit="GB"):
    """One AWS-shaped product: tiers = [(beginRange, endRange, "USD")]."""
    n_sku[0] += 1
    sku = "SKU%06dFAKE" % n_sku[0]
    term = sku + ".JRTCKXETXF"
    dims = {}
    for i, (b, e, usd) in enumerate(tiers):
        dims["%s.6YS6EN2CT%d" % (term, i)] = {
            "rateCode": "%s.6YS6EN2CT%d" % (term, i), "description": "fake tier %d" % i,
            "beginRange": b, "endRange": e, "unit": unit, "pricePerUnit": {"USD": usd}, "appliesTo": []}
    a = dict(attrs)
    a["servicecode"] = service
    return {"product": {"productFamily": family, "attributes": a, "sku": sku},
            "serviceCode": service,
            "terms": {"OnDemand": {term: {"priceDimensions": dims, "sku": sku,
                                          "effectiveDate": "2026-11-01T00:00:00Z", "offerTermCode": "JRTCKXETXF",
                                          "termAttributes": {}}}},
            "version": "20261101000000", "publicationDate": "2026-11-01T00:00:00Z"}


def one(usd):
    return [("0", "Inf", usd)]


def nat(region, prefix, kind, usd):
    return product("AmazonEC2", "NAT Gateway",
                   {"location": NAMES[region], "locationType": "AWS Region", "regionCode": region,
                    "usagetype": prefix + "NatGateway-" + kind, "operation": "NatGateway", "group": "NGW:NatGateway"},
                   one(usd), "GB" if kind == "Bytes" else "Hrs")


def transfer(src, dst, ttype, usage, tiers):
    a = {"fromLocation": NAMES[src], "fromLocationType": "AWS Region", "fromRegionCode": src,
         "transferType": ttype, "usagetype": usage, "operation": ""}
    if dst == "External":
        a.update({"toLocation": "External", "toLocationType": "Other"})
    else:
        a.update({"toLocation": NAMES[dst], "toLocationType": "AWS Region", "toRegionCode": dst})
    return product("AWSDataTransfer", "Data Transfer", a, tiers)


def vpc(region, family, usage, usd, unit):
    return product("AmazonVPC", family, {"location": NAMES[region], "locationType": "AWS Region",
                                         "regionCode": region, "usagetype": usage}, one(usd), unit)


EGRESS = [("0", "1", "0.0000000000"), ("1", "10240", "0.0900000000"), ("10240", "51200", "0.0850000000"),
          ("51200", "153600", "0.0700000000"), ("153600", "Inf", "0.0500000000")]
CATALOG = [
    # us-east-1's NAT usage types carry no prefix; us-east-2's NAT price is
    # a made-up change (0.048) so the test can tell fetched from embedded.
    nat("us-east-1", "", "Bytes", "0.0450000000"),
    nat("us-east-1", "", "Hours", "0.0450000000"),
    nat("us-east-2", "USE2-", "Bytes", "0.0480000000"),
    nat("us-east-2", "USE2-", "Hours", "0.0480000000"),
    nat("us-west-2", "USW2-", "Bytes", "0.0450000000"),
    transfer("us-east-1", "us-east-1", "IntraRegion", "DataTransfer-Regional-Bytes", one("0.0100000000")),
    transfer("us-east-1", "External", "AWS Outbound", "DataTransfer-Out-Bytes", EGRESS),
    transfer("us-east-1", "External", "AWS Inbound", "DataTransfer-In-Bytes", one("0.0000000000")),
    transfer("us-east-1", "us-east-2", "InterRegion Outbound", "USE1-USE2-AWS-Out-Bytes", one("0.0100000000")),
    transfer("us-east-1", "eu-west-1", "InterRegion Outbound", "USE1-EU-AWS-Out-Bytes", one("0.0200000000")),
    transfer("us-east-1", "us-east-2", "InterRegion Inbound", "USE1-USE2-AWS-In-Bytes", one("0.0000000000")),
    transfer("us-east-2", "us-east-2", "IntraRegion", "USE2-DataTransfer-Regional-Bytes", one("0.0100000000")),
    transfer("us-east-2", "External", "AWS Outbound", "USE2-DataTransfer-Out-Bytes", EGRESS),
    transfer("us-east-2", "us-east-1", "InterRegion Outbound", "USE2-USE1-AWS-Out-Bytes", one("0.0100000000")),
    transfer("us-east-2", "eu-west-1", "InterRegion Outbound", "USE2-EU-AWS-Out-Bytes", one("0.0200000000")),
    transfer("us-west-2", "us-east-1", "InterRegion Outbound", "USW2-USE1-AWS-Out-Bytes", one("0.0200000000")),
    vpc("us-east-1", "VpcEndpoint", "USE1-VpcEndpoint-Hours", "0.0100000000", "Hrs"),
    product("AmazonVPC", "VpcEndpoint", {"location": NAMES["us-east-1"], "regionCode": "us-east-1",
                                         "usagetype": "USE1-VpcEndpoint-Bytes"},
            [("0", "1048576", "0.0100000000"), ("1048576", "5242880", "0.0060000000"),
             ("5242880", "Inf", "0.0040000000")]),
    vpc("us-east-1", "Transit Gateway", "USE1-TransitGateway-Bytes", "0.0200000000", "GB"),
    vpc("us-east-1", "VPC", "USE1-PublicIPv4:InUseAddress", "0.0050000000", "Hrs"),
    vpc("us-east-2", "VpcEndpoint", "USE2-VpcEndpoint-Hours", "0.0100000000", "Hrs"),
    vpc("us-east-2", "VpcEndpoint", "USE2-VpcEndpoint-Bytes", "0.0100000000", "GB"),
    # no TransitGateway-Bytes for us-east-2: the embedded figure stays, with a warning
]


def matches(p, service, filters):
    if p["serviceCode"] != service:
        return False
    for f in filters:
        if f.get("Type") != "TERM_MATCH":
            return False
        field = f["Field"]
        have = p["product"]["productFamily"] if field == "productFamily" else p["product"]["attributes"].get(field)
        if have != f["Value"]:
            return False
    return True


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-RequestId", "REQ-PRICING")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        auth = self.headers.get("Authorization", "")
        target = self.headers.get("X-Amz-Target", "")
        ctype = self.headers.get("Content-Type", "")
        filters = req.get("Filters", [])
        log.write("%s %s %s\n" % (req.get("ServiceCode"),
                                  ",".join("%s=%s" % (f["Field"], f["Value"]) for f in filters),
                                  req.get("NextToken", "-")))
        if not auth.startswith("AWS4-HMAC-SHA256 Credential=") or "/us-east-1/pricing/aws4_request" not in auth \
                or "x-amz-target" not in auth:
            return self.send(400, {"__type": "MissingAuthenticationTokenException",
                                   "message": "Missing Authentication Token"})
        if target != "AWSPriceListService.GetProducts" or ctype != "application/x-amz-json-1.1":
            return self.send(400, {"__type": "com.amazon.coral.service#UnknownOperationException"})
        if req.get("FormatVersion") != "aws_v1":
            return self.send(400, {"__type": "InvalidParameterException", "Message": "FormatVersion"})
        hits = [p for p in CATALOG if matches(p, req.get("ServiceCode"), filters)]
        start = int(req.get("NextToken", "0"))
        page = hits[start:start + 2]
        doc = {"FormatVersion": "aws_v1", "PriceList": [json.dumps(p) for p in page]}
        if start + 2 < len(hits):
            doc["NextToken"] = str(start + 2)
        self.send(200, doc)


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
