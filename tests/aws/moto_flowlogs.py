#!/usr/bin/env python3
"""Flow logs in a running moto_server for tests/athena_ddl_test.sh.

usage: moto_flowlogs.py ENDPOINT|--serve OUT_DIR   (--serve: moto's server in
       this Python, tests/aws/inproc.py; OUT_DIR/ready once set up)

The first three calls (IAM user, its ec2:*/s3:* policy, its access key) are the
ones moto_server lets through unsigned (INITIAL_NO_AUTH_ACTION_COUNT=3);
everything after is signed with the new key and verified by moto. Writes
OUT_DIR/key (key id, secret: never stdout) and OUT_DIR/ids (one line per
flow log: "NAME ID"): v5 = a custom v5 format to s3://flowcost-logs (moto takes
a prefix in the ARN for part of the bucket name),
cwl = one to CloudWatch Logs (Athena cannot read it).
"""
import json
import sys

import boto3

import inproc

out = sys.argv[2]
endpoint = inproc.endpoint(sys.argv[1], out)
region = "us-east-1"
boot = dict(endpoint_url=endpoint, region_name=region,
            aws_access_key_id="AKIABOOTSTRAPEXAMPLE", aws_secret_access_key="bootstrap")
iam = boto3.client("iam", **boot)
iam.create_user(UserName="flowcost-athena")
iam.put_user_policy(UserName="flowcost-athena", PolicyName="ec2",
                    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Action": ["ec2:*", "s3:*", "logs:*"], "Resource": "*"}]}))
k = iam.create_access_key(UserName="flowcost-athena")["AccessKey"]
with open(f"{out}/key", "w") as f:
    f.write(k["AccessKeyId"] + "\n" + k["SecretAccessKey"] + "\n")

ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name=region,
                   aws_access_key_id=k["AccessKeyId"], aws_secret_access_key=k["SecretAccessKey"])
# moto (like EC2) wants the destination bucket to exist
boto3.client("s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=k["AccessKeyId"],
             aws_secret_access_key=k["SecretAccessKey"]).create_bucket(Bucket="flowcost-logs")
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
fmt = ("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} "
       "${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} ${az-id} "
       "${pkt-srcaddr} ${pkt-dstaddr} ${region} ${flow-direction} ${traffic-path} "
       "${pkt-src-aws-service} ${pkt-dst-aws-service}")
v5 = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL",
                          LogDestinationType="s3", LogDestination="arn:aws:s3:::flowcost-logs",
                          LogFormat=fmt)
v5 = v5["FlowLogIds"][0]
cwl = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL",
                           LogDestinationType="cloud-watch-logs", LogGroupName="flows",
                           DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/fl")["FlowLogIds"][0]
with open(f"{out}/ids", "w") as f:
    f.write(f"v5 {v5}\ncwl {cwl}\n")

# For `flowlogs check`: a subnet with two ENIs, one of them logged alone
# in a v3-like format without pkt-srcaddr; the VPC-wide logs above cover
# nothing here since this VPC is another one.
vpc2 = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
sub2 = ec2.create_subnet(VpcId=vpc2, CidrBlock="10.1.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
eni_a = ec2.create_network_interface(SubnetId=sub2, PrivateIpAddress="10.1.1.10")["NetworkInterface"]["NetworkInterfaceId"]
eni_b = ec2.create_network_interface(SubnetId=sub2, PrivateIpAddress="10.1.1.11")["NetworkInterface"]["NetworkInterfaceId"]
v3 = ec2.create_flow_logs(ResourceType="NetworkInterface", ResourceIds=[eni_a], TrafficType="ALL",
                          LogDestinationType="s3", LogDestination="arn:aws:s3:::flowcost-logs",
                          LogFormat="${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} "
                                    "${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} "
                                    "${log-status} ${vpc-id} ${subnet-id} ${az-id} ${pkt-dstaddr} "
                                    "${flow-direction} ${traffic-path} ${pkt-src-aws-service} "
                                    "${pkt-dst-aws-service}")["FlowLogIds"][0]
with open(f"{out}/ids", "a") as f:
    f.write(f"v3 {v3}\nvpc {vpc}\nvpc2 {vpc2}\nsub2 {sub2}\neni_a {eni_a}\neni_b {eni_b}\n")
inproc.ready(out)
