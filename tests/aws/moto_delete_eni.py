#!/usr/bin/env python3
"""Delete one ENI in moto (signed with the test key): usage ENDPOINT KEYFILE ENI_ID."""
import sys

import boto3

endpoint, keyfile, eni = sys.argv[1:4]
akid, secret = open(keyfile).read().split()[:2]
ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id=akid, aws_secret_access_key=secret)
ec2.delete_network_interface(NetworkInterfaceId=eni)
