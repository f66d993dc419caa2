#!/usr/bin/env python3
"""Build two workloads in a running moto_server for tests/why_moto_test.sh.

usage: why_moto_setup.py ENDPOINT|--serve OUT_DIR   (--serve: moto's server in
       this Python, tests/aws/inproc.py; OUT_DIR/ready once set up)

A (10.0.1.10, subnet 10.0.1.0/24, security group sg-a: moto's default
egress "allow all") and B (10.0.2.20, subnet 10.0.2.0/24, security group
sg-b: inbound tcp 443 from 10.0.1.0/24 only). B's subnet has its own network
ACL: inbound rule 100 allows everything; outbound rule 90 denies tcp
1024-65535 to 10.0.1.0/24 (the replies to A), rule 100 allows everything.
Writes OUT_DIR/ids: "eni_a eni_b sg_b acl_b" on one line.
"""
import sys

import boto3

import inproc

out = sys.argv[2]
endpoint = inproc.endpoint(sys.argv[1], out)
ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="AKIAWHYTESTEXAMPLE", aws_secret_access_key="why-test-secret")
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
sa = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
sb = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
sg_a = ec2.create_security_group(GroupName="why-a", Description="A", VpcId=vpc)["GroupId"]
sg_b = ec2.create_security_group(GroupName="why-b", Description="B", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=sg_b, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.1.0/24"}]}])
eni_a = ec2.create_network_interface(SubnetId=sa, PrivateIpAddress="10.0.1.10", Groups=[sg_a])
eni_b = ec2.create_network_interface(SubnetId=sb, PrivateIpAddress="10.0.2.20", Groups=[sg_b])
acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
for num, egress, action, proto, cidr, ports in [
        (100, False, "allow", "-1", "0.0.0.0/0", None),
        (90, True, "deny", "6", "10.0.1.0/24", (1024, 65535)),
        (100, True, "allow", "-1", "0.0.0.0/0", None)]:
    kw = dict(NetworkAclId=acl, RuleNumber=num, Egress=egress, RuleAction=action, Protocol=proto, CidrBlock=cidr)
    if ports:
        kw["PortRange"] = {"From": ports[0], "To": ports[1]}
    ec2.create_network_acl_entry(**kw)
# move subnet B from the VPC's default ACL to this one
default = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [sb]}])["NetworkAcls"][0]
assoc = [x for x in default["Associations"] if x["SubnetId"] == sb][0]["NetworkAclAssociationId"]
ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=acl)
with open(f"{out}/ids", "w") as f:
    f.write(" ".join([eni_a["NetworkInterface"]["NetworkInterfaceId"], eni_b["NetworkInterface"]["NetworkInterfaceId"],
                      sg_b, acl]) + "\n")
inproc.ready(out)
