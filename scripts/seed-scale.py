#!/usr/bin/env python3
"""Seeds the local emulator with a large account, for measuring `watchpost report`.

    $EMULATOR_VENV/bin/python scripts/seed-scale.py --url "$EMULATOR_URL" \
        [--users 2000] [--alarms 200] [--findings 500] [--region us-east-1]

Users: every 4th has a console password (none has MFA), every 2nd an access key, every 100th
an inline admin policy. Alarms: every 10th in ALARM, every 20th with its actions disabled.
Findings: severities spread over GuardDuty's bands. Prints what it made and how long it took.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

import boto3  # noqa: E402
import botocore.model  # noqa: E402
from botocore.config import Config  # noqa: E402

# watchpost's CloudWatch client speaks Query, the protocol the emulator serves; current
# botocore prefers CBOR, so make it use Query too (as tests/emulator/selftest.py does).
_orig_protocol = botocore.model.ServiceModel.__dict__["resolved_protocol"]


def _resolved_protocol(self):  # type: ignore[no-untyped-def]
    if self.service_name == "cloudwatch":
        return "query"
    return _orig_protocol.__get__(self, type(self))


botocore.model.ServiceModel.resolved_protocol = property(_resolved_protocol)  # type: ignore[assignment]

ADMIN = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        return json.loads(answer.read() or b"null")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("EMULATOR_URL"), required=False)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--alarms", type=int, default=200)
    parser.add_argument("--findings", type=int, default=500)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    if not args.url:
        parser.error("--url (or EMULATOR_URL) is required")
    url = args.url.rstrip("/")
    config = Config(retries={"max_attempts": 3}, max_pool_connections=args.threads * 2)

    def client(service: str):  # type: ignore[no-untyped-def]
        return boto3.client(service, region_name=args.region, endpoint_url=url, config=config)

    iam, cloudwatch, guardduty = client("iam"), client("cloudwatch"), client("guardduty")
    started = time.monotonic()

    def user(i: int) -> None:
        name = f"user-{i:05d}"
        iam.create_user(UserName=name)
        if i % 4 == 0:
            iam.create_login_profile(UserName=name, Password=f"Pw-{i:05d}-correct-horse!")
        if i % 2 == 0:
            iam.create_access_key(UserName=name)
        if i % 100 == 0:
            iam.put_user_policy(UserName=name, PolicyName="admin", PolicyDocument=ADMIN)

    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(user, range(args.users)))
    users_done = time.monotonic()

    def alarm(i: int) -> None:
        name = f"alarm-{i:04d}"
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            Namespace="AWS/EC2",
            MetricName="CPUUtilization",
            Statistic="Average",
            Period=300,
            EvaluationPeriods=2,
            Threshold=80.0,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            Dimensions=[{"Name": "InstanceId", "Value": f"i-{i:017x}"}],
            AlarmActions=[f"arn:aws:sns:{args.region}:123456789012:pager"],
            ActionsEnabled=i % 20 != 0,
        )
        if i % 10 == 0:
            cloudwatch.set_alarm_state(
                AlarmName=name, StateValue="ALARM", StateReason="Threshold Crossed"
            )

    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(alarm, range(args.alarms)))
    alarms_done = time.monotonic()

    guardduty.create_detector(Enable=True)
    severities = [2.0, 5.0, 8.0, 9.5]
    for start in range(0, args.findings, 100):
        batch = [
            {
                "type": "Recon:EC2/PortProbeUnprotectedPort",
                "severity": severities[i % len(severities)],
                "title": f"Unprotected port on EC2 instance i-{i:017x} is being probed",
                "resource": {"instanceDetails": {"instanceId": f"i-{i:017x}"}},
            }
            for i in range(start, min(start + 100, args.findings))
        ]
        answer = post(
            f"{url}/_watchpost/guardduty/findings",
            {"region": args.region, "findings": batch},
        )
        if len(answer.get("findingIds", [])) != len(batch):
            print(f"seeding findings failed: {answer}", file=sys.stderr)
            return 1
    done = time.monotonic()
    print(
        f"seeded {args.users} users in {users_done - started:.1f}s, "
        f"{args.alarms} alarms in {alarms_done - users_done:.1f}s, "
        f"{args.findings} findings in {done - alarms_done:.1f}s ({args.region})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
