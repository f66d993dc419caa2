#!/usr/bin/env python3
"""A small EC2 Query API stand-in on 127.0.0.1 for tests/enrich_faults_test.sh.

usage: fake_ec2.py PORTFILE LOGFILE [CERT.pem KEY.pem]

With a certificate and key it speaks HTTPS (for the TLS verification test).

Binds a free port on 127.0.0.1, writes it to PORTFILE, and appends one JSON
line per request to LOGFILE. The scenario is the first path segment of the
endpoint URL the client was given (flowcost signs and POSTs to that path):

  /paging/    DescribeNetworkInterfaces: 2,500 ENIs over three NextToken
              pages (1000, 1000, 500) in the EC2 response format; the other
              Describe* calls: three subnets, one VPC, empty NAT/endpoint/TGW
              sets; DescribeInstances: two pages (token inst-page-2), one
              instance each, naming ENIs 0 and 1 (Name web-0 / web-1, team
              a / b); ELBv2 DescribeLoadBalancers: three load balancers over
              two pages (NextMarker lb-page-2; the Marker must come back);
              DescribeRegions: us-east-1, eu-west-1
  /expired/   HTTP 400 ExpiredToken, always
  /noelb/     like /paging/, but ELBv2 DescribeLoadBalancers is HTTP 403
              AccessDenied (a policy with ec2:Describe* only)
  /throttle/  like /paging/, but each action's 1st call gets HTTP 503
              RequestLimitExceeded and its 2nd HTTP 429 Throttling
  /storm/     HTTP 500 InternalError, always
  /stall/     accepts, reads the request, never answers (for 30 s)
  /truncated/ HTTP 200 with a body cut off in the middle of an item
  /garbage/   HTTP 200 with an HTML page
  /live/      like /paging/, but honours the filters --enrich-live sends
              (network-interface-id, subnet-id, vpc-id; unknown ids ignored)
  /ecs/creds  container credentials (needs Authorization: ecs-token-1234)
  /ecs/expired  the same, with an Expiration in the past
  /imds/...   IMDSv2: PUT latest/api/token, then GET with the token
"""
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
N_ENIS = 2500
PAGE = 1000
SUBNETS = [("subnet-0f00000000000000a", "us-east-1a", "use1-az4", "10.1.0.0/18"),
           ("subnet-0f00000000000000b", "us-east-1b", "use1-az6", "10.1.64.0/18"),
           ("subnet-0f00000000000000c", "us-east-1c", "use1-az1", "10.1.128.0/18")]
ECS = {"AccessKeyId": "ASIAECSFAKEKEY000001", "SecretAccessKey": "ecs-secret-do-not-print",
       "Token": "ecs-session-token-do-not-print", "Expiration": "2099-01-01T00:00:00Z"}
IMDS = {"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDSFAKEKEY00001",
        "SecretAccessKey": "imds-secret-do-not-print", "Token": "imds-session-token-do-not-print",
        "Expiration": "2099-01-01T00:00:00Z"}
IMDS_TOKEN = "imds-v2-token-do-not-print"

counts = {}
lock = threading.Lock()


def eni_item(i):
    sid, az, _, _ = SUBNETS[i % 3]
    third = 0 if i % 3 == 0 else 64 if i % 3 == 1 else 128
    ip = f"10.1.{third + (i // 3) // 250}.{(i // 3) % 250 + 1}"
    return (f"<item><networkInterfaceId>eni-{i:017x}</networkInterfaceId><subnetId>{sid}</subnetId>"
            f"<vpcId>vpc-0f000000000000001</vpcId><availabilityZone>{az}</availabilityZone>"
            f"<description>AWS Lambda VPC ENI-fn-{i}</description><ownerId>111122223333</ownerId>"
            f"<requesterManaged>false</requesterManaged><status>in-use</status>"
            f"<privateIpAddress>{ip}</privateIpAddress><privateIpAddressesSet><item>"
            f"<privateIpAddress>{ip}</privateIpAddress><primary>true</primary></item></privateIpAddressesSet>"
            f"<interfaceType>lambda</interfaceType></item>")


def filter_values(params):
    """{filter name: [values]} from Filter.N.Name / Filter.N.Value.M."""
    out = {}
    for k, v in params.items():
        parts = k.split(".")
        if len(parts) == 3 and parts[0] == "Filter" and parts[2] == "Name":
            out[v] = [params[x] for x in sorted((x for x in params if x.startswith(f"Filter.{parts[1]}.Value.")),
                                                key=lambda x: int(x.rsplit(".", 1)[1]))]
    return out


def describe_filtered(action, params):
    f = filter_values(params)
    if not f:
        return describe(action, params)
    rid = f"<requestId>req-{action}</requestId>"
    if action == "DescribeNetworkInterfaces":
        want = f.get("network-interface-id", [])
        items = "".join(eni_item(int(e[4:], 16)) for e in want
                        if e.startswith("eni-") and len(e) == 21 and int(e[4:], 16) < N_ENIS)
        return 200, (f'<DescribeNetworkInterfacesResponse xmlns="{NS}">{rid}<networkInterfaceSet>{items}'
                     f"</networkInterfaceSet></DescribeNetworkInterfacesResponse>")
    if action == "DescribeSubnets":
        want = set(f.get("subnet-id", []))
        items = "".join(f"<item><subnetId>{s}</subnetId><vpcId>vpc-0f000000000000001</vpcId><cidrBlock>{c}</cidrBlock>"
                        f"<availabilityZone>{az}</availabilityZone><availabilityZoneId>{azid}</availabilityZoneId></item>"
                        for s, az, azid, c in SUBNETS if s in want)
        return 200, f'<DescribeSubnetsResponse xmlns="{NS}">{rid}<subnetSet>{items}</subnetSet></DescribeSubnetsResponse>'
    return describe(action, params)


def describe(action, params):
    rid = f"<requestId>req-{action}</requestId>"
    if action == "DescribeNetworkInterfaces":
        start = {"": 0, "tok-page-2": PAGE, "tok-page-3": 2 * PAGE}.get(params.get("NextToken", ""))
        if start is None:
            return 400, error("InvalidParameterValue", "bad NextToken")
        end = min(start + min(int(params.get("MaxResults", PAGE)), PAGE), N_ENIS)
        items = "".join(eni_item(i) for i in range(start, end))
        nxt = f"<nextToken>tok-page-{end // PAGE + 1}</nextToken>" if end < N_ENIS else ""
        return 200, (f'<?xml version="1.0" encoding="UTF-8"?>\n<DescribeNetworkInterfacesResponse xmlns="{NS}">'
                     f"{rid}<networkInterfaceSet>{items}</networkInterfaceSet>{nxt}"
                     f"</DescribeNetworkInterfacesResponse>")
    if action == "DescribeSubnets":
        items = "".join(f"<item><subnetId>{s}</subnetId><vpcId>vpc-0f000000000000001</vpcId><cidrBlock>{c}</cidrBlock>"
                        f"<availabilityZone>{az}</availabilityZone><availabilityZoneId>{azid}</availabilityZoneId></item>"
                        for s, az, azid, c in SUBNETS)
        return 200, f'<DescribeSubnetsResponse xmlns="{NS}">{rid}<subnetSet>{items}</subnetSet></DescribeSubnetsResponse>'
    if action == "DescribeVpcs":
        return 200, (f'<DescribeVpcsResponse xmlns="{NS}">{rid}<vpcSet><item><vpcId>vpc-0f000000000000001</vpcId>'
                     f"<cidrBlock>10.1.0.0/16</cidrBlock></item></vpcSet></DescribeVpcsResponse>")
    if action == "DescribeNatGateways":
        return 200, f'<DescribeNatGatewaysResponse xmlns="{NS}">{rid}<natGatewaySet/></DescribeNatGatewaysResponse>'
    if action == "DescribeInstances":
        page = {"": 0, "inst-page-2": 1}.get(params.get("NextToken", ""))
        if page is None:
            return 400, error("InvalidParameterValue", "bad NextToken")
        tags = "".join(f"<item><key>{k}</key><value>{v}</value></item>"
                       for k, v in (("Name", f"web-{page}"), ("team", "ab"[page])))
        nxt = "<nextToken>inst-page-2</nextToken>" if page == 0 else ""
        return 200, (f'<DescribeInstancesResponse xmlns="{NS}">{rid}<reservationSet><item><instancesSet><item>'
                     f"<instanceId>i-{page:017x}</instanceId><tagSet>{tags}</tagSet><networkInterfaceSet><item>"
                     f"<networkInterfaceId>eni-{page:017x}</networkInterfaceId></item></networkInterfaceSet>"
                     f"</item></instancesSet></item></reservationSet>{nxt}</DescribeInstancesResponse>")
    if action == "DescribeTransitGatewayAttachments":
        return 200, (f'<DescribeTransitGatewayAttachmentsResponse xmlns="{NS}">{rid}<transitGatewayAttachments/>'
                     f"</DescribeTransitGatewayAttachmentsResponse>")
    if action == "DescribeRegions":
        items = "".join(f"<item><regionName>{r}</regionName><optInStatus>opt-in-not-required</optInStatus></item>"
                        for r in ("us-east-1", "eu-west-1"))
        return 200, f'<DescribeRegionsResponse xmlns="{NS}">{rid}<regionInfo>{items}</regionInfo></DescribeRegionsResponse>'
    if action == "DescribeLoadBalancers" and params.get("Version") == "2015-12-01":
        page = {"": 0, "lb-page-2": 1}.get(params.get("Marker", ""))
        if page is None:
            return 400, error("ValidationError", "bad Marker")
        lbs = [("app", "web-lb"), ("net", "tcp-lb")] if page == 0 else [("app", "admin-lb")]
        members = "".join(f"<member><LoadBalancerArn>arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/"
                          f"{t}/{n}/0123456789abcdef</LoadBalancerArn><LoadBalancerName>{n}</LoadBalancerName>"
                          f"<Type>{'application' if t == 'app' else 'network'}</Type></member>" for t, n in lbs)
        nxt = "<NextMarker>lb-page-2</NextMarker>" if page == 0 else ""
        return 200, ('<DescribeLoadBalancersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">'
                     f"<DescribeLoadBalancersResult><LoadBalancers>{members}</LoadBalancers>{nxt}"
                     "</DescribeLoadBalancersResult><ResponseMetadata><RequestId>req-lb</RequestId>"
                     "</ResponseMetadata></DescribeLoadBalancersResponse>")
    if action == "DescribeVpcEndpoints":
        return 200, f'<DescribeVpcEndpointsResponse xmlns="{NS}">{rid}<vpcEndpointSet/></DescribeVpcEndpointsResponse>'
    return 400, error("InvalidAction", f"The action {action} is not valid for this web service.")


def error(code, msg):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
            f"<Message>{msg}</Message></Error></Errors><RequestID>req-{code}</RequestID></Response>")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="text/xml;charset=UTF-8", extra=None):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "fake-request-id-0001")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def record(self, entry):
        with open(LOG, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def do_PUT(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(n)
        self.record({"method": "PUT", "path": self.path,
                     "ttl": self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")})
        if self.path == "/imds/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.send(200, IMDS_TOKEN, "text/plain")
        self.send(404, "not found", "text/plain")

    def do_GET(self):
        self.record({"method": "GET", "path": self.path,
                     "authorization_ok": self.headers.get("Authorization") == "ecs-token-1234",
                     "imds_token_ok": self.headers.get("X-aws-ec2-metadata-token") == IMDS_TOKEN})
        if self.path in ("/ecs/creds", "/ecs/expired"):
            if self.headers.get("Authorization") != "ecs-token-1234":
                return self.send(401, '{"message":"bad token"}', "application/json")
            creds = dict(ECS, Expiration="2020-01-01T00:00:00Z") if self.path == "/ecs/expired" else ECS
            return self.send(200, json.dumps(creds), "application/json")
        if self.path.startswith("/imds/"):
            if self.headers.get("X-aws-ec2-metadata-token") != IMDS_TOKEN:
                return self.send(401, "", "text/plain")  # IMDSv1 refused, as with HttpTokens=required
            if self.path == "/imds/latest/meta-data/iam/security-credentials/":
                return self.send(200, "flowcost-role", "text/plain")
            if self.path == "/imds/latest/meta-data/iam/security-credentials/flowcost-role":
                return self.send(200, json.dumps(IMDS), "text/plain")
        self.send(404, "not found", "text/plain")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode()
        params = {k: v[0] for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items()}
        scenario = self.path.strip("/").split("/")[0]
        action = params.get("Action", "")
        auth = self.headers.get("Authorization", "")
        with lock:
            counts[(scenario, action)] = counts.get((scenario, action), 0) + 1
            nth = counts[(scenario, action)]
        self.record({"method": "POST", "scenario": scenario, "action": action, "nth": nth,
                     "next_token": params.get("NextToken"), "max_results": params.get("MaxResults"),
                     "marker": params.get("Marker"), "page_size": params.get("PageSize"),
                     "service": auth.split("Credential=")[1].split("/")[3] if auth.count("/") >= 4 else None,
                     "filters": filter_values(params),
                     "sigv4": auth.startswith("AWS4-HMAC-SHA256 Credential=")
                              and ("/us-east-1/ec2/aws4_request" in auth
                                   or "/us-east-1/elasticloadbalancing/aws4_request" in auth)
                              and "SignedHeaders=content-type;host;x-amz-date" in auth,
                     "key_id": auth.split("Credential=")[1].split("/")[0] if "Credential=" in auth else None,
                     "security_token": self.headers.get("X-Amz-Security-Token")})
        if scenario == "stall":
            time.sleep(30)
            return
        if scenario == "noelb" and action == "DescribeLoadBalancers":
            return self.send(403, '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>'
                                  'not authorized to perform: elasticloadbalancing:DescribeLoadBalancers</Message>'
                                  '</Error><RequestId>req-AccessDenied</RequestId></ErrorResponse>')
        if scenario == "expired":
            return self.send(400, error("ExpiredToken", "The security token included in the request is expired"))
        if scenario == "storm":
            return self.send(500, error("InternalError", "An internal error has occurred"))
        if scenario == "truncated":
            status, xml = describe(action, params)
            return self.send(200, xml[: len(xml) // 2] if len(xml) > 400 else xml[:-40])
        if scenario == "garbage":
            return self.send(200, "<html><body><h1>Welcome to nginx!</h1><p>proxy error", "text/html")
        if scenario == "throttle" and nth == 1:
            return self.send(503, error("RequestLimitExceeded", "Request limit exceeded."))
        if scenario == "throttle" and nth == 2:
            return self.send(429, error("Throttling", "Rate exceeded"), extra={"Retry-After": "0"})
        status, xml = (describe_filtered if scenario == "live" else describe)(action, params)
        self.send(status, xml)


if __name__ == "__main__":
    portfile, LOG = sys.argv[1], sys.argv[2]
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if len(sys.argv) > 4:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()
