#!/usr/bin/env python3
"""Build a small VPC in a running moto_server for tests/enrich_moto_test.sh.

usage: moto_setup.py ENDPOINT|--serve OUT_DIR   (--serve: moto's server in this
       Python, tests/aws/inproc.py; OUT_DIR/ready once set up)

The first five calls (IAM user, its inline ec2:* policy, its access key, a
role and the role's policy) are the ones moto_server lets through unsigned
(INITIAL_NO_AUTH_ACTION_COUNT=5); everything after is signed with the new
key and verified by moto. Writes OUT_DIR/expected.json (what `flowcost
enrich` must report, per ENI) and OUT_DIR/key (five lines: the user's key id
and secret, then temporary credentials from sts:AssumeRole -- key id, secret,
session token), and OUT_DIR/cli.json (the AWS CLI's JSON for the five
Describe* calls). Secrets go to a file, never to stdout, so the test log
cannot leak them.
"""
import json
import os
import sys

import boto3

import inproc

out = sys.argv[2]
endpoint = inproc.endpoint(sys.argv[1], out)
region = "us-east-1"
boot = dict(endpoint_url=endpoint, region_name=region,
            aws_access_key_id="AKIABOOTSTRAPEXAMPLE", aws_secret_access_key="bootstrap")

iam = boto3.client("iam", **boot)
iam.create_user(UserName="flowcost-enrich")
iam.put_user_policy(UserName="flowcost-enrich", PolicyName="ec2-read",
                    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Action": ["ec2:*", "elasticloadbalancing:*", "sts:AssumeRole"], "Resource": "*"}]}))
key = iam.create_access_key(UserName="flowcost-enrich")["AccessKey"]
policy = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["ec2:Describe*", "elasticloadbalancing:Describe*"], "Resource": "*"}]})
iam.create_role(RoleName="flowcost-reader", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}))
iam.put_role_policy(RoleName="flowcost-reader", PolicyName="ec2-describe", PolicyDocument=policy)
sts = boto3.client("sts", endpoint_url=endpoint, region_name=region,
                   aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
tmp = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/flowcost-reader",
                      RoleSessionName="flowcost-test")["Credentials"]
with open(os.path.join(out, "key"), "w") as f:
    f.write("\n".join([key["AccessKeyId"], key["SecretAccessKey"], tmp["AccessKeyId"], tmp["SecretAccessKey"],
                       tmp["SessionToken"]]) + "\n")

ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name=region,
                   aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])

vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "flowcost-test"}])
subnets = {}
for i, az in enumerate(["us-east-1a", "us-east-1b", "us-east-1c"]):
    s = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=az)["Subnet"]
    subnets[az] = s

expected = {"vpc": vpc, "subnets": {}, "enis": {}}
for az, s in subnets.items():
    expected["subnets"][s["SubnetId"]] = {"az_name": az, "cidr": s["CidrBlock"],
                                          "moto_az_id": s.get("AvailabilityZoneId")}


def host(az, n):
    """The n-th address of az's subnet: moto draws free addresses at random
    and two ENIs of one subnet could get the same one (a flaky test)."""
    import ipaddress
    return str(ipaddress.ip_network(subnets[az]["CidrBlock"]).network_address + n)


def eni_entry(eni_id, subnet, kind, **extra):
    e = {"subnet_id": subnet["SubnetId"], "az_name": subnet["AvailabilityZone"], "kind": kind}
    e.update(extra)
    expected["enis"][eni_id] = e


# Two instances (their primary ENIs carry the instance id) in a and b,
# named and tagged on the instance only: DescribeInstances must name their
# ENIs and carry the tags over.
for az, name, team in [("us-east-1a", "orders-api-1", "payments"), ("us-east-1b", "postgres-primary", "data")]:
    inst = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             SubnetId=subnets[az]["SubnetId"], PrivateIpAddress=host(az, 10), TagSpecifications=[{
                                 "ResourceType": "instance",
                                 "Tags": [{"Key": "Name", "Value": name}, {"Key": "team", "Value": team}]}]
                             )["Instances"][0]
    ni = inst["NetworkInterfaces"][0]
    eni_entry(ni["NetworkInterfaceId"], subnets[az], "workload", instance_id=inst["InstanceId"],
              private_ip=ni["PrivateIpAddress"], name=name, tags={"Name": name, "team": team})

# Stand-alone ENIs with a Name tag, one per AZ (think Lambda / ECS tasks).
for az in ["us-east-1a", "us-east-1b", "us-east-1c"]:
    ni = ec2.create_network_interface(SubnetId=subnets[az]["SubnetId"], Description=f"task in {az}",
                                      PrivateIpAddress=host(az, 20),
                                      TagSpecifications=[{"ResourceType": "network-interface",
                                                          "Tags": [{"Key": "Name", "Value": f"task-{az[-1]}"}]}]
                                      )["NetworkInterface"]
    eni_entry(ni["NetworkInterfaceId"], subnets[az], "workload", name=f"task-{az[-1]}",
              private_ip=ni["PrivateIpAddress"])

# A NAT gateway in b and an interface endpoint in c: moto gives their ENIs
# interfaceType "interface" and no description, so the kind must come from
# DescribeNatGateways / DescribeVpcEndpoints.
alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
nat = ec2.create_nat_gateway(SubnetId=subnets["us-east-1b"]["SubnetId"], AllocationId=alloc)["NatGateway"]
na = nat["NatGatewayAddresses"][0]
eni_entry(na["NetworkInterfaceId"], subnets["us-east-1b"], "nat_gateway", nat_gateway_id=nat["NatGatewayId"],
          public_ip=na["PublicIp"])
vpce = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Interface",
                               SubnetIds=[subnets["us-east-1c"]["SubnetId"]])["VpcEndpoint"]
for eni_id in vpce["NetworkInterfaceIds"]:
    eni_entry(eni_id, subnets["us-east-1c"], "vpc_endpoint", resource_id=vpce["VpcEndpointId"])

# An application load balancer. moto makes no ENI for it, so make the one
# AWS would ("ELB app/<name>/<id>", requester-managed): ELBv2
# DescribeLoadBalancers must name it "web-alb".
elb = boto3.client("elbv2", endpoint_url=endpoint, region_name=region,
                   aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
lb = elb.create_load_balancer(Name="web-alb", Subnets=[subnets["us-east-1a"]["SubnetId"],
                                                       subnets["us-east-1b"]["SubnetId"]], Type="application")
arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
res = arn.split(":loadbalancer/")[1]
ni = ec2.create_network_interface(SubnetId=subnets["us-east-1a"]["SubnetId"], Description=f"ELB {res}",
                                  PrivateIpAddress=host("us-east-1a", 30))["NetworkInterface"]
eni_entry(ni["NetworkInterfaceId"], subnets["us-east-1a"], "alb", resource_id=res, name="web-alb",
          private_ip=ni["PrivateIpAddress"])

# A second region, for `--region us-east-1 --region eu-west-1`.
eu = boto3.client("ec2", endpoint_url=endpoint, region_name="eu-west-1",
                  aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
eu_vpc = eu.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
eu_sub = eu.create_subnet(VpcId=eu_vpc, CidrBlock="10.30.1.0/24", AvailabilityZone="eu-west-1b")["Subnet"]
eu_eni = eu.create_network_interface(SubnetId=eu_sub["SubnetId"], TagSpecifications=[{
    "ResourceType": "network-interface", "Tags": [{"Key": "Name", "Value": "eu-task"}]}])["NetworkInterface"]
expected["eu"] = {"eni": eu_eni["NetworkInterfaceId"], "subnet_id": eu_sub["SubnetId"], "vpc_id": eu_vpc,
                  "az_name": "eu-west-1b", "az_id": eu_sub["AvailabilityZoneId"], "cidr": "10.30.1.0/24"}

# What `aws ec2 describe-…` would print (botocore is the CLI's engine),
# the five outputs merged into one object: --eni-snapshot reads this too.
cli = {}
for call in ("describe_network_interfaces", "describe_subnets", "describe_vpcs", "describe_nat_gateways",
             "describe_vpc_endpoints", "describe_instances"):
    r = getattr(ec2, call)()
    r.pop("ResponseMetadata", None)
    cli.update(r)
with open(os.path.join(out, "cli.json"), "w") as f:
    json.dump(cli, f, indent=2, default=str)

with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
print(f"moto: VPC {vpc}, {len(expected['enis'])} ENIs in 3 subnets", flush=True)
inproc.ready(out)
