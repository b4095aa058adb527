#!/usr/bin/env python3
"""Seeds the local emulator with an AWS Organization, for measuring `watchpost report --org`.

    $EMULATOR_VENV/bin/python scripts/seed-org.py --url "$EMULATOR_URL" \
        [--accounts 100] [--regions us-east-1,eu-west-1] [--users 5] [--alarms 3] \
        [--findings 4] [--member-role WatchpostAudit]

The default account (123456789012) creates the organisation and N member accounts in OUs;
every member gets the member role (trusting the default account), a few IAM users and
alarms per region, and a GuardDuty detector per region. The last member is GuardDuty's
delegated administrator, every other member is its member (Enabled), and findings are seeded
in each member's own detector, so the administrator's detector lists them all. Other accounts
are reached with the emulator's `x-moto-account-id` header. Prints what it made.
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

# The emulator serves CloudWatch's Query protocol; current botocore prefers CBOR.
_orig_protocol = botocore.model.ServiceModel.__dict__["resolved_protocol"]


def _resolved_protocol(self):  # type: ignore[no-untyped-def]
    if self.service_name == "cloudwatch":
        return "query"
    return _orig_protocol.__get__(self, type(self))


botocore.model.ServiceModel.resolved_protocol = property(_resolved_protocol)  # type: ignore[assignment]

MANAGEMENT = "123456789012"
OUS = ["Prod", "NonProd", "Sandbox", "Security"]


def trust(account: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
                }
            ],
        }
    )


def client(url: str, service: str, region: str, account: str | None = None):  # type: ignore[no-untyped-def]
    c = boto3.client(service, endpoint_url=url, region_name=region)
    if account is not None:
        c.meta.events.register(
            "before-sign.*.*",
            lambda request, **_: request.headers.__setitem__("x-moto-account-id", account),
        )
    return c


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        return json.loads(answer.read() or b"null")


def seed_member(url: str, account: str, args: argparse.Namespace, regions: list[str]) -> dict:
    iam = client(url, "iam", regions[0], account)
    iam.create_role(RoleName=args.member_role, AssumeRolePolicyDocument=trust(MANAGEMENT))
    for u in range(args.users):
        iam.create_user(UserName=f"user-{u}")
        if u % 2 == 0:
            iam.create_access_key(UserName=f"user-{u}")
    detectors = {}
    for region in regions:
        cw = client(url, "cloudwatch", region, account)
        for a in range(args.alarms):
            cw.put_metric_alarm(
                AlarmName=f"alarm-{a}",
                MetricName="CPUUtilization",
                Namespace="AWS/EC2",
                Statistic="Average",
                Period=300,
                EvaluationPeriods=1,
                Threshold=80.0,
                ComparisonOperator="GreaterThanThreshold",
            )
        gd = client(url, "guardduty", region, account)
        detectors[region] = gd.create_detector(Enable=True)["DetectorId"]
    return detectors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("EMULATOR_URL"))
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--regions", default="us-east-1,eu-west-1")
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--alarms", type=int, default=3)
    parser.add_argument("--findings", type=int, default=4)
    parser.add_argument("--member-role", default="WatchpostAudit")
    args = parser.parse_args()
    if not args.url:
        print("seed-org: --url or EMULATOR_URL is required", file=sys.stderr)
        return 2
    regions = [r for r in args.regions.split(",") if r]
    started = time.monotonic()
    org = client(args.url, "organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ous = {
        name: org.create_organizational_unit(ParentId=root, Name=name)["OrganizationalUnit"]["Id"]
        for name in OUS
    }
    accounts = []
    for i in range(args.accounts):
        name = f"member-{i + 1:03d}"
        account = org.create_account(Email=f"{name}@example.com", AccountName=name)[
            "CreateAccountStatus"
        ]["AccountId"]
        org.move_account(
            AccountId=account, SourceParentId=root, DestinationParentId=ous[OUS[i % len(OUS)]]
        )
        accounts.append((account, f"{name}@example.com"))
    with ThreadPoolExecutor(max_workers=8) as pool:
        detectors = list(pool.map(lambda a: seed_member(args.url, a[0], args, regions), accounts))
    admin, _ = accounts[-1]
    members = [{"AccountId": a, "Email": e} for a, e in accounts[:-1]]
    for region in regions:
        client(args.url, "guardduty", region).enable_organization_admin_account(AdminAccountId=admin)
        gd = client(args.url, "guardduty", region, admin)
        for start in range(0, len(members), 50):
            answer = gd.create_members(
                DetectorId=detectors[-1][region], AccountDetails=members[start : start + 50]
            )
            if answer.get("UnprocessedAccounts"):
                print(f"seed-org: CreateMembers: {answer['UnprocessedAccounts']}", file=sys.stderr)
                return 1
        for account, _ in accounts[:-1]:
            findings = [
                {"type": "Recon:EC2/PortProbeUnprotectedPort", "severity": [2.0, 5.0, 8.0][f % 3]}
                for f in range(args.findings)
            ]
            post(
                f"{args.url}/_watchpost/guardduty/findings",
                {"accountId": account, "region": region, "findings": findings},
            )
    print(
        f"seeded an organisation of {args.accounts} member accounts (+ the management account) "
        f"in {len(regions)} regions: {args.users} users and {args.alarms} alarms per account "
        f"and region, {args.findings} findings per member and region, GuardDuty administrator "
        f"{admin}, in {time.monotonic() - started:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
