#!/usr/bin/env python3
"""Self-test of watchpost's emulator (moto + tests/emulator/server.py), through boto3.

Needs a running emulator: EMULATOR_URL=http://127.0.0.1:PORT (scripts/emulator selftest does it all).
Prints one line per test and, last, "N passed, N failed"; exits non-zero on any failure.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import sys
import time
import traceback
import urllib.request
from datetime import datetime, timedelta, timezone

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

import boto3  # noqa: E402
import botocore.model  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

URL = os.environ.get("EMULATOR_URL", "http://127.0.0.1:5000").rstrip("/")
ACCOUNT = "123456789012"
OTHER_ACCOUNT = "222222222222"

# watchpost pins aws-sdk-cloudwatch 1.99.0, the last release on the Query protocol (form-encoded
# Action=... POSTs, XML answers). Current botocore prefers Smithy RPC v2 CBOR for CloudWatch, which
# moto does not speak, so make boto3 use Query for CloudWatch as watchpost does.
_orig_protocol = botocore.model.ServiceModel.__dict__["resolved_protocol"]


def _resolved_protocol(self):  # type: ignore[no-untyped-def]
    if self.service_name == "cloudwatch":
        return "query"
    return _orig_protocol.__get__(self, type(self))


botocore.model.ServiceModel.resolved_protocol = property(_resolved_protocol)  # type: ignore[assignment]


def client(service: str, region: str = "us-east-1", account: str | None = None):  # type: ignore[no-untyped-def]
    c = boto3.client(
        service,
        region_name=region,
        endpoint_url=URL,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )
    if account:
        def add_header(request, **_):  # type: ignore[no-untyped-def]
            request.headers["x-moto-account-id"] = account

        c.meta.events.register("before-sign.*.*", add_header)
    return c


def trust_policy(account: str = ACCOUNT) -> str:
    """A trust policy that lets `account` assume the role and set a source identity and tags."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
        }],
    })


def make_role(account: str, name: str, path: str = "/") -> str:
    """Role `name` in `account` (made through the x-moto-account-id header); its ARN."""
    role = client("iam", account=account).create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=trust_policy())
    return role["Role"]["Arn"]


def assumed(creds: dict, service: str, region: str = "us-east-1"):  # type: ignore[no-untyped-def]
    """A client signed with AssumeRole's credentials."""
    return boto3.client(service, region_name=region, endpoint_url=URL, aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"],
                        config=Config(retries={"max_attempts": 1}))


def http(method: str, path: str, body: object | None = None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def seed(path: str, body: dict) -> dict:
    status, raw = http("POST", path, body)
    assert status == 200, (status, raw)
    return json.loads(raw)


def reset() -> None:
    status, _ = http("POST", "/moto-api/reset")
    assert status == 200


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def expect_error(code: str, fn, *args, **kwargs) -> ClientError:  # type: ignore[no-untyped-def]
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response
        return e
    raise AssertionError(f"expected {code}")


TESTS = []


def test(fn):  # type: ignore[no-untyped-def]
    TESTS.append(fn)
    return fn


NOW = datetime.now(timezone.utc).replace(microsecond=0)
TYPES = [
    "Recon:EC2/PortProbeUnprotectedPort",
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
    "Policy:S3/BucketBlockPublicAccessDisabled",
]


def seed_120(gd, region: str = "us-east-1", account: str = ACCOUNT) -> tuple[str, list[dict]]:  # type: ignore[no-untyped-def]
    det = gd.create_detector(Enable=True)["DetectorId"]
    findings = []
    for i in range(120):
        findings.append(
            {
                "type": TYPES[i % 3],
                "severity": [2.0, 5.0, 8.0][i % 3] if i % 10 else 9.0,
                "updatedAt": (NOW - timedelta(minutes=i)).isoformat().replace("+00:00", "Z"),
                "title": f"finding {i}",
            }
        )
    out = seed("/_watchpost/guardduty/findings",
               {"accountId": account, "region": region, "detectorId": det, "findings": findings})
    assert out["detectorId"] == det and len(out["findingIds"]) == 120
    return det, findings


def list_all(gd, det: str, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    ids: list[str] = []
    token = None
    while True:
        args = dict(kwargs, DetectorId=det)
        if token:
            args["NextToken"] = token
        page = gd.list_findings(**args)
        ids += page["FindingIds"]
        token = page.get("NextToken")
        if not token:
            return ids


def get_all(gd, det: str, ids: list[str]) -> list[dict]:  # type: ignore[no-untyped-def]
    out = []
    for i in range(0, len(ids), 50):
        out += gd.get_findings(DetectorId=det, FindingIds=ids[i : i + 50])["Findings"]
    return out


def crit(**c) -> dict:  # type: ignore[no-untyped-def]
    return {"Criterion": c}


# ------------------------------------------------------------------ GuardDuty


@test
def guardduty_sample_findings_shape() -> None:
    gd = client("guardduty")
    det = gd.create_detector(Enable=True)["DetectorId"]
    gd.create_sample_findings(DetectorId=det, FindingTypes=["Backdoor:EC2/C&CActivity.B!DNS", "PenTest:IAMUser/KaliLinux"])
    ids = gd.list_findings(DetectorId=det)["FindingIds"]
    assert len(ids) == 2, ids
    fs = {f["Type"]: f for f in gd.get_findings(DetectorId=det, FindingIds=ids)["Findings"]}
    ec2 = fs["Backdoor:EC2/C&CActivity.B!DNS"]
    for key in ("AccountId", "Arn", "Confidence", "CreatedAt", "Description", "Id", "Partition", "Region",
                "Resource", "SchemaVersion", "Service", "Severity", "Title", "Type", "UpdatedAt"):
        assert key in ec2, key
    assert ec2["AccountId"] == ACCOUNT and ec2["Region"] == "us-east-1" and ec2["Partition"] == "aws"
    assert ec2["Arn"] == f"arn:aws:guardduty:us-east-1:{ACCOUNT}:detector/{det}/finding/{ec2['Id']}"
    assert isinstance(ec2["Severity"], float) and ec2["Severity"] == 8.0
    assert ec2["Resource"]["ResourceType"] == "Instance"
    assert ec2["Resource"]["InstanceDetails"]["InstanceId"].startswith("i-")
    svc = ec2["Service"]
    assert svc["Archived"] is False and svc["DetectorId"] == det and svc["ServiceName"] == "guardduty"
    assert svc["Action"]["ActionType"] == "DNS_REQUEST"
    datetime.strptime(ec2["UpdatedAt"], "%Y-%m-%dT%H:%M:%S.%fZ")  # ISO-8601 string, as AWS returns
    datetime.strptime(svc["EventFirstSeen"], "%Y-%m-%dT%H:%M:%S.%fZ")
    iam = fs["PenTest:IAMUser/KaliLinux"]
    assert iam["Resource"]["ResourceType"] == "AccessKey"
    assert iam["Resource"]["AccessKeyDetails"]["UserName"]
    # Default set when no types are given.
    det2 = gd.create_detector(Enable=True)["DetectorId"]
    gd.create_sample_findings(DetectorId=det2)
    assert len(list_all(gd, det2)) >= 8


@test
def guardduty_unknown_detector_is_bad_request() -> None:
    gd = client("guardduty")
    e = expect_error("BadRequestException", gd.list_findings, DetectorId="0" * 32)
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "detectorId" in e.response["Error"]["Message"]
    expect_error("BadRequestException", gd.get_findings, DetectorId="0" * 32, FindingIds=["x"])


@test
def guardduty_filters_each_kind() -> None:
    gd = client("guardduty")
    det, findings = seed_120(gd)
    n = lambda **c: len(list_all(gd, det, FindingCriteria=crit(**c)))  # noqa: E731
    high = sum(1 for f in findings if f["severity"] >= 7)
    assert n(severity={"Gte": 7}) == high
    assert n(severity={"GreaterThanOrEqual": 7}) == high
    assert n(severity={"Gt": 8}) == 12  # the 9.0 ones
    assert n(severity={"GreaterThan": 8}) == 12
    assert n(severity={"Lt": 5}) == sum(1 for f in findings if f["severity"] < 5)
    assert n(severity={"LessThan": 5}) == n(severity={"Lt": 5})
    assert n(severity={"Lte": 5}) == sum(1 for f in findings if f["severity"] <= 5)
    assert n(severity={"LessThanOrEqual": 5}) == n(severity={"Lte": 5})
    # updatedAt in epoch milliseconds: the last 30 minutes inclusive -> 31 findings
    since = ms(NOW - timedelta(minutes=30))
    assert n(updatedAt={"Gte": since}) == 31
    assert n(updatedAt={"GreaterThanOrEqual": since}) == 31
    assert n(updatedAt={"Gt": since}) == 30
    assert n(updatedAt={"Lt": since}) == 89
    assert n(**{"service.archived": {"Eq": ["false"]}}) == 120
    assert n(**{"service.archived": {"Equals": ["true"]}}) == 0
    assert n(type={"Eq": [TYPES[0]]}) == 40
    assert n(type={"Neq": [TYPES[0]]}) == 80
    assert n(type={"NotEquals": [TYPES[0], TYPES[1]]}) == 40
    assert n(type={"Eq": [TYPES[0], TYPES[2]]}) == 80
    assert n(**{"resource.resourceType": {"Eq": ["AccessKey"]}}) == 40
    assert n(**{"resource.resourceType": {"Eq": ["S3Bucket"]}}) == 40
    some = list_all(gd, det)[:3]
    assert sorted(list_all(gd, det, FindingCriteria=crit(id={"Eq": some}))) == sorted(some)
    # combined criteria are ANDed
    assert n(severity={"Gte": 7}, type={"Eq": [TYPES[0]]}, **{"service.archived": {"Eq": ["false"]}}) == sum(
        1 for f in findings if f["severity"] >= 7 and f["type"] == TYPES[0]
    )


@test
def guardduty_sort_and_paginate_120() -> None:
    gd = client("guardduty")
    det, _ = seed_120(gd)
    first = gd.list_findings(DetectorId=det)
    assert len(first["FindingIds"]) == 50 and first.get("NextToken")  # default maxResults 50
    asc = list_all(gd, det, SortCriteria={"AttributeName": "updatedAt", "OrderBy": "ASC"}, MaxResults=50)
    assert len(asc) == 120 and len(set(asc)) == 120
    full = get_all(gd, det, asc)
    assert len(full) == 120
    by_id = {f["Id"]: f for f in full}
    times = [by_id[i]["UpdatedAt"] for i in asc]
    assert times == sorted(times), "ASC by updatedAt"
    desc = list_all(gd, det, SortCriteria={"AttributeName": "updatedAt", "OrderBy": "DESC"}, MaxResults=7)
    assert desc == list(reversed(asc))
    sev = list_all(gd, det, SortCriteria={"AttributeName": "severity", "OrderBy": "DESC"})
    sevs = [by_id[i]["Severity"] for i in sev]
    assert sevs == sorted(sevs, reverse=True) and sevs[0] == 9.0
    # boto3's own paginator works with the tokens
    pages = list(gd.get_paginator("list_findings").paginate(DetectorId=det, PaginationConfig={"PageSize": 50}))
    assert [len(p["FindingIds"]) for p in pages] == [50, 50, 20]
    # getFindings honours sortCriteria too, and rejects more than 50 IDs
    got = gd.get_findings(DetectorId=det, FindingIds=asc[:50],
                          SortCriteria={"AttributeName": "severity", "OrderBy": "ASC"})["Findings"]
    assert [f["Severity"] for f in got] == sorted(f["Severity"] for f in got)
    expect_error("BadRequestException", gd.get_findings, DetectorId=det, FindingIds=asc[:51])
    expect_error("BadRequestException", gd.list_findings, DetectorId=det, MaxResults=51)
    # unknown IDs are skipped, not an error
    assert gd.get_findings(DetectorId=det, FindingIds=["f" * 32])["Findings"] == []


@test
def guardduty_archive_unarchive_feedback() -> None:
    gd = client("guardduty")
    det, _ = seed_120(gd)
    ids = list_all(gd, det, SortCriteria={"AttributeName": "updatedAt", "OrderBy": "DESC"})
    gd.archive_findings(DetectorId=det, FindingIds=ids[:10])
    live = crit(**{"service.archived": {"Eq": ["false"]}})
    assert len(list_all(gd, det, FindingCriteria=live)) == 110
    assert len(list_all(gd, det, FindingCriteria=crit(**{"service.archived": {"Eq": ["true"]}}))) == 10
    # The archived view's listing: Equals true, newest updated first, in pages.
    archived = list_all(
        gd,
        det,
        FindingCriteria=crit(**{"service.archived": {"Equals": ["true"]}}),
        SortCriteria={"AttributeName": "updatedAt", "OrderBy": "DESC"},
        MaxResults=4,
    )
    assert archived == ids[:10], archived
    assert all(f["Service"]["Archived"] for f in get_all(gd, det, ids[:10]))
    gd.unarchive_findings(DetectorId=det, FindingIds=ids[:4])
    assert len(list_all(gd, det, FindingCriteria=live)) == 114
    gd.update_findings_feedback(DetectorId=det, FindingIds=ids[:2], Feedback="USEFUL")
    gd.update_findings_feedback(DetectorId=det, FindingIds=ids[2:3], Feedback="NOT_USEFUL", Comments="noise")
    got = {f["Id"]: f for f in get_all(gd, det, ids[:4])}
    assert got[ids[0]]["Service"]["UserFeedback"] == "USEFUL"
    assert got[ids[2]]["Service"]["UserFeedback"] == "NOT_USEFUL"
    assert "UserFeedback" not in got[ids[3]]["Service"]


@test
def guardduty_statistics() -> None:
    gd = client("guardduty")
    det, findings = seed_120(gd)
    stats = gd.get_findings_statistics(DetectorId=det, FindingStatisticTypes=["COUNT_BY_SEVERITY"])
    counts = stats["FindingStatistics"]["CountBySeverity"]
    want: dict[str, int] = {}
    for f in findings:
        want[str(float(f["severity"]))] = want.get(str(float(f["severity"])), 0) + 1
    assert counts == want, (counts, want)
    live = crit(severity={"Gte": 7})
    stats = gd.get_findings_statistics(DetectorId=det, FindingStatisticTypes=["COUNT_BY_SEVERITY"], FindingCriteria=live)
    assert sum(stats["FindingStatistics"]["CountBySeverity"].values()) == sum(1 for f in findings if f["severity"] >= 7)
    grouped = gd.get_findings_statistics(DetectorId=det, GroupBy="SEVERITY")["FindingStatistics"]["GroupedBySeverity"]
    assert sum(g["TotalFindings"] for g in grouped) == 120
    assert isinstance(grouped[0]["LastGeneratedAt"], datetime)


@test
def guardduty_filters_crud() -> None:
    gd = client("guardduty")
    det = gd.create_detector(Enable=True)["DetectorId"]
    for i in range(3):
        gd.create_filter(DetectorId=det, Name=f"filter{i}", Action="ARCHIVE",
                         FindingCriteria=crit(severity={"Lt": 4}))
    assert gd.list_filters(DetectorId=det)["FilterNames"] == ["filter0", "filter1", "filter2"]
    page = gd.list_filters(DetectorId=det, MaxResults=2)
    assert page["FilterNames"] == ["filter0", "filter1"] and page["NextToken"]
    assert gd.list_filters(DetectorId=det, MaxResults=2, NextToken=page["NextToken"])["FilterNames"] == ["filter2"]
    got = gd.get_filter(DetectorId=det, FilterName="filter1")
    assert got["Action"] == "ARCHIVE" and got["FindingCriteria"]["Criterion"]["severity"]["Lt"] == 4
    gd.delete_filter(DetectorId=det, FilterName="filter1")
    assert gd.list_filters(DetectorId=det)["FilterNames"] == ["filter0", "filter2"]


@test
def guardduty_region_and_account_isolation() -> None:
    east = client("guardduty", "us-east-1")
    det, _ = seed_120(east)
    west = client("guardduty", "us-west-2")
    assert west.list_detectors()["DetectorIds"] == []
    expect_error("BadRequestException", west.list_findings, DetectorId=det)
    wdet = west.create_detector(Enable=True)["DetectorId"]
    seed("/_watchpost/guardduty/findings", {"accountId": ACCOUNT, "region": "us-west-2", "findings": [{"severity": 8}]})
    assert len(west.list_findings(DetectorId=wdet)["FindingIds"]) == 1
    assert len(list_all(east, det)) == 120
    other = client("guardduty", "us-east-1", account=OTHER_ACCOUNT)
    assert other.list_detectors()["DetectorIds"] == []
    expect_error("BadRequestException", other.list_findings, DetectorId=det)
    odet = other.create_detector(Enable=True)["DetectorId"]
    other.create_sample_findings(DetectorId=odet, FindingTypes=["Recon:EC2/PortProbeUnprotectedPort"])
    f = other.get_findings(DetectorId=odet, FindingIds=other.list_findings(DetectorId=odet)["FindingIds"])["Findings"][0]
    assert f["AccountId"] == OTHER_ACCOUNT
    assert east.list_detectors()["DetectorIds"] == [det]
    # AssumeRole into the other account sees the same data as the header does
    make_role(OTHER_ACCOUNT, "audit")
    sts = client("sts")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{OTHER_ACCOUNT}:role/audit", RoleSessionName="selftest")["Credentials"]
    assumed = boto3.client("guardduty", region_name="us-east-1", endpoint_url=URL,
                           aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                           aws_session_token=creds["SessionToken"])
    assert assumed.list_detectors()["DetectorIds"] == [odet]


@test
def reset_clears_findings() -> None:
    gd = client("guardduty")
    det, _ = seed_120(gd)
    assert len(list_all(gd, det)) == 120
    reset()
    assert gd.list_detectors()["DetectorIds"] == []
    expect_error("BadRequestException", gd.list_findings, DetectorId=det)
    det2 = gd.create_detector(Enable=True)["DetectorId"]
    assert gd.list_findings(DetectorId=det2)["FindingIds"] == []


@test
def seeding_route_errors() -> None:
    status, raw = http("POST", "/_watchpost/guardduty/findings", {"region": "eu-west-3", "findings": [{}]})
    assert status == 400 and b"no detector" in raw, raw
    status, _ = http("POST", "/_watchpost/nope", {})
    assert status == 404


# ------------------------------------------------------------------ STS, Organizations


def organization(names: list[str]) -> dict[str, str]:
    """An organisation managed by ACCOUNT with a member account per name; name -> account ID."""
    org = client("organizations")
    org.create_organization(FeatureSet="ALL")
    return {n: org.create_account(AccountName=n, Email=f"{n}@example.com")["CreateAccountStatus"]["AccountId"]
            for n in names}


@test
def assume_role_needs_the_role_to_exist() -> None:
    sts = client("sts")
    missing = f"arn:aws:iam::{OTHER_ACCOUNT}:role/audit"
    e = expect_error("AccessDenied", sts.assume_role, RoleArn=missing, RoleSessionName="selftest")
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, e.response
    assert e.response["Error"]["Type"] == "Sender", e.response
    assert e.response["Error"]["Message"] == (
        f"User: arn:aws:sts::{ACCOUNT}:user/moto is not authorized to perform: sts:AssumeRole on resource: {missing}"
    ), e.response
    # A role of that name in the caller's own account is not the role in the other account.
    client("iam").create_role(RoleName="audit", AssumeRolePolicyDocument=trust_policy())
    expect_error("AccessDenied", sts.assume_role, RoleArn=missing, RoleSessionName="selftest")
    # Made in the other account, it can be assumed, and the credentials are that account's.
    assert make_role(OTHER_ACCOUNT, "audit") == missing
    creds = sts.assume_role(RoleArn=missing, RoleSessionName="selftest", SourceIdentity="alice")["Credentials"]
    who = assumed(creds, "sts").get_caller_identity()
    assert who["Account"] == OTHER_ACCOUNT and who["Arn"] == f"arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/audit/selftest", who
    # A role with a path: the ARN names it.
    with_path = make_role(OTHER_ACCOUNT, "reader", path="/team/")
    assert with_path == f"arn:aws:iam::{OTHER_ACCOUNT}:role/team/reader"
    sts.assume_role(RoleArn=with_path, RoleSessionName="selftest")
    expect_error("AccessDenied", sts.assume_role, RoleArn=f"arn:aws:iam::{OTHER_ACCOUNT}:role/reader",
                 RoleSessionName="selftest")
    # Chained from the assumed role: the refusal names the assumed role as the caller.
    e = expect_error("AccessDenied", assumed(creds, "sts").assume_role,
                     RoleArn=f"arn:aws:iam::{ACCOUNT}:role/nosuch", RoleSessionName="chain")
    assert e.response["Error"]["Message"].startswith(
        f"User: arn:aws:sts::{OTHER_ACCOUNT}:assumed-role/audit/selftest is not authorized"), e.response
    # Deleted, it is refused again.
    client("iam", account=OTHER_ACCOUNT).delete_role(RoleName="audit")
    expect_error("AccessDenied", sts.assume_role, RoleArn=missing, RoleSessionName="selftest")


@test
def organization_accounts_get_the_access_role_and_reset_forgets_them() -> None:
    org = client("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(AccountName="prod", Email="prod@example.com")["CreateAccountStatus"]["AccountId"]
    # moto makes OrganizationAccountAccessRole in a created account, as AWS does.
    creds = client("sts").assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                                      RoleSessionName="seed")["Credentials"]
    assert assumed(creds, "sts").get_caller_identity()["Account"] == member
    assert client("organizations", account=member).describe_organization()["Organization"]["MasterAccountId"] == ACCOUNT
    reset()
    expect_error("AWSOrganizationsNotInUseException", client("organizations", account=member).describe_organization)
    expect_error("AccessDenied", client("sts").assume_role,
                 RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="seed")


@test
def a_delegated_administrator_reads_the_organization() -> None:
    ids = organization(["security", "prod"])
    org = client("organizations")
    ou = org.create_organizational_unit(ParentId=org.list_roots()["Roots"][0]["Id"], Name="Workloads")
    org.register_delegated_administrator(AccountId=ids["security"], ServicePrincipal="guardduty.amazonaws.com")
    admin = client("organizations", account=ids["security"])
    assert sorted(a["Id"] for a in admin.list_accounts()["Accounts"]) == sorted([ACCOUNT, *ids.values()])
    assert [a["Id"] for a in admin.list_delegated_administrators()["DelegatedAdministrators"]] == [ids["security"]]
    root = admin.list_roots()["Roots"][0]["Id"]
    assert [o["Id"] for o in admin.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]] == [
        ou["OrganizationalUnit"]["Id"]]
    assert admin.list_parents(ChildId=ids["prod"])["Parents"][0]["Id"] == root
    # Another member may not.
    e = expect_error("AccessDeniedException", client("organizations", account=ids["prod"]).list_accounts)
    assert e.response["Error"]["Message"] == "You don't have permissions to access this resource.", e.response


# ------------------------------------------------------------------ GuardDuty administrator

GD = "guardduty.amazonaws.com"


def detector(account: str, region: str = "us-east-1") -> str:
    return client("guardduty", region, account=account).create_detector(Enable=True)["DetectorId"]


def seed_in(account: str, region: str, n: int, title: str) -> list[str]:
    findings = [{"title": f"{title} {i}", "severity": 5} for i in range(n)]
    return seed("/_watchpost/guardduty/findings", {"accountId": account, "region": region, "findings": findings})["findingIds"]


def admin_with_members() -> tuple[dict[str, str], str, object]:  # type: ignore[type-arg]
    """prod, dev (detectors in us-east-1 and us-west-2), sandbox (no detector) and security (the
    delegated administrator) in an organisation; OTHER_ACCOUNT outside it. security's detector
    has them all as members."""
    ids = organization(["security", "prod", "dev", "sandbox"])
    client("organizations").register_delegated_administrator(AccountId=ids["security"], ServicePrincipal=GD)
    for name in ("prod", "dev"):
        for region in ("us-east-1", "us-west-2"):
            detector(ids[name], region)
    detector(OTHER_ACCOUNT)
    admin = client("guardduty", account=ids["security"])
    adet = admin.create_detector(Enable=True)["DetectorId"]
    out = admin.create_members(DetectorId=adet, AccountDetails=[
        {"AccountId": ids[n], "Email": f"{n}@example.com"} for n in ("prod", "dev", "sandbox")
    ] + [{"AccountId": OTHER_ACCOUNT, "Email": "other@example.com"}])
    assert out["UnprocessedAccounts"] == [], out
    return ids, adet, admin


@test
def guardduty_members_create_get_list_delete() -> None:
    ids, adet, admin = admin_with_members()
    status = lambda members: {m["AccountId"]: m["RelationshipStatus"] for m in members}  # noqa: E731
    listed = admin.list_members(DetectorId=adet)["Members"]  # OnlyAssociated defaults to true
    assert status(listed) == {ids["prod"]: "Enabled", ids["dev"]: "Enabled", ids["sandbox"]: "Disabled"}, listed
    everyone = admin.list_members(DetectorId=adet, OnlyAssociated="false")["Members"]
    assert status(everyone) == dict(status(listed), **{OTHER_ACCOUNT: "Created"}), everyone  # not in the organisation
    prod = next(m for m in listed if m["AccountId"] == ids["prod"])
    prod_detector = client("guardduty", account=ids["prod"]).list_detectors()["DetectorIds"][0]
    assert prod["DetectorId"] == prod_detector and prod["Email"] == "prod@example.com", prod
    assert prod["AdministratorId"] == ids["security"] and prod["MasterId"] == ids["security"], prod
    datetime.strptime(prod["UpdatedAt"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert "DetectorId" not in next(m for m in listed if m["AccountId"] == ids["sandbox"])
    # Paginated.
    page = admin.list_members(DetectorId=adet, MaxResults=2, OnlyAssociated="false")
    assert len(page["Members"]) == 2 and page["NextToken"]
    rest = admin.list_members(DetectorId=adet, MaxResults=2, OnlyAssociated="false", NextToken=page["NextToken"])
    assert len(rest["Members"]) == 2 and "NextToken" not in rest
    assert status(page["Members"] + rest["Members"]) == status(everyone)
    pages = admin.get_paginator("list_members").paginate(DetectorId=adet, PaginationConfig={"PageSize": 1})
    assert [len(p["Members"]) for p in pages] == [1, 1, 1]
    expect_error("BadRequestException", admin.list_members, DetectorId=adet, MaxResults=51)
    # A detector appearing enables the member.
    detector(ids["sandbox"])
    assert status(admin.list_members(DetectorId=adet)["Members"])[ids["sandbox"]] == "Enabled"
    # GetMembers: members, and the others as unprocessed.
    got = admin.get_members(DetectorId=adet, AccountIds=[ids["prod"], "999999999999"])
    assert [m["AccountId"] for m in got["Members"]] == [ids["prod"]], got
    assert [u["AccountId"] for u in got["UnprocessedAccounts"]] == ["999999999999"], got
    # CreateMembers refuses, per account: a member already, itself, another administrator's member.
    again = admin.create_members(DetectorId=adet, AccountDetails=[
        {"AccountId": ids["prod"], "Email": "prod@example.com"},
        {"AccountId": ids["security"], "Email": "security@example.com"},
    ])["UnprocessedAccounts"]
    assert [u["AccountId"] for u in again] == [ids["prod"], ids["security"]], again
    assert "already a member" in again[0]["Result"], again
    rival = client("guardduty", account=ids["dev"])
    rdet = rival.list_detectors()["DetectorIds"][0]
    taken = rival.create_members(DetectorId=rdet, AccountDetails=[{"AccountId": ids["prod"], "Email": "p@example.com"}])
    assert "another administrator" in taken["UnprocessedAccounts"][0]["Result"], taken
    # The member sees its administrator; an account without one sees none.
    member = client("guardduty", account=ids["prod"])
    administrator = member.get_administrator_account(DetectorId=prod_detector)["Administrator"]
    assert administrator == {"AccountId": ids["security"], "RelationshipStatus": "Enabled"}, administrator
    other = client("guardduty", account=OTHER_ACCOUNT)
    assert "Administrator" not in other.get_administrator_account(DetectorId=other.list_detectors()["DetectorIds"][0])
    # DeleteMembers.
    gone = admin.delete_members(DetectorId=adet, AccountIds=[OTHER_ACCOUNT, "999999999999"])
    assert [u["AccountId"] for u in gone["UnprocessedAccounts"]] == ["999999999999"], gone
    assert OTHER_ACCOUNT not in status(admin.list_members(DetectorId=adet, OnlyAssociated="false")["Members"])
    # The administrator's detector must exist.
    expect_error("BadRequestException", admin.list_members, DetectorId="0" * 32)


@test
def guardduty_administrator_reads_its_members_findings() -> None:
    ids, adet, admin = admin_with_members()
    own = seed_in(ids["security"], "us-east-1", 1, "security")
    prod = seed_in(ids["prod"], "us-east-1", 2, "prod")
    dev = seed_in(ids["dev"], "us-east-1", 3, "dev")
    prod_west = seed_in(ids["prod"], "us-west-2", 1, "prod west")
    seed_in(OTHER_ACCOUNT, "us-east-1", 1, "not a member yet")  # Created, not Enabled: not shown
    everything = list_all(admin, adet)
    assert sorted(everything) == sorted(own + prod + dev), everything
    findings = get_all(admin, adet, everything)
    by_account: dict[str, int] = {}
    for f in findings:
        by_account[f["AccountId"]] = by_account.get(f["AccountId"], 0) + 1
        assert f["Arn"].startswith(f"arn:aws:guardduty:us-east-1:{f['AccountId']}:detector/"), f["Arn"]
    assert by_account == {ids["security"]: 1, ids["prod"]: 2, ids["dev"]: 3}, by_account
    # accountId criterion.
    assert sorted(list_all(admin, adet, FindingCriteria=crit(accountId={"Eq": [ids["prod"]]}))) == sorted(prod)
    assert len(list_all(admin, adet, FindingCriteria=crit(accountId={"Neq": [ids["prod"]]}))) == 4
    assert len(list_all(admin, adet, MaxResults=4)) == 6
    # Statistics across members.
    grouped = admin.get_findings_statistics(DetectorId=adet, GroupBy="ACCOUNT")["FindingStatistics"]["GroupedByAccount"]
    assert {g["AccountId"]: g["TotalFindings"] for g in grouped} == by_account, grouped
    counts = admin.get_findings_statistics(DetectorId=adet, FindingStatisticTypes=["COUNT_BY_SEVERITY"])
    assert sum(counts["FindingStatistics"]["CountBySeverity"].values()) == 6
    # Per region: the administrator's detector in us-west-2 sees prod's finding there.
    west = client("guardduty", "us-west-2", account=ids["security"])
    wdet = west.create_detector(Enable=True)["DetectorId"]
    assert list_all(west, wdet) == []  # not its members in us-west-2 yet
    west.create_members(DetectorId=wdet, AccountDetails=[{"AccountId": ids["prod"], "Email": "prod@example.com"}])
    assert list_all(west, wdet) == prod_west
    # A member still sees only its own.
    member = client("guardduty", account=ids["prod"])
    pdet = member.list_detectors()["DetectorIds"][0]
    assert sorted(list_all(member, pdet)) == sorted(prod)
    assert member.get_findings(DetectorId=pdet, FindingIds=dev)["Findings"] == []
    # A disabled member detector drops out of the administrator's view.
    client("guardduty", account=ids["dev"]).update_detector(
        DetectorId=client("guardduty", account=ids["dev"]).list_detectors()["DetectorIds"][0], Enable=False)
    assert sorted(list_all(admin, adet)) == sorted(own + prod)


@test
def guardduty_archive_goes_through_the_administrator() -> None:
    ids, adet, admin = admin_with_members()
    prod = seed_in(ids["prod"], "us-east-1", 2, "prod")
    member = client("guardduty", account=ids["prod"])
    pdet = member.list_detectors()["DetectorIds"][0]
    # The member cannot archive (nor unarchive) its own findings.
    e = expect_error("BadRequestException", member.archive_findings, DetectorId=pdet, FindingIds=prod[:1])
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "administrator" in e.response["Error"]["Message"], e.response
    expect_error("BadRequestException", member.unarchive_findings, DetectorId=pdet, FindingIds=prod[:1])
    assert member.get_findings(DetectorId=pdet, FindingIds=prod[:1])["Findings"][0]["Service"]["Archived"] is False
    # The administrator can; the member sees it archived.
    admin.archive_findings(DetectorId=adet, FindingIds=prod[:1])
    assert member.get_findings(DetectorId=pdet, FindingIds=prod[:1])["Findings"][0]["Service"]["Archived"] is True
    live = crit(**{"service.archived": {"Eq": ["false"]}})
    assert list_all(admin, adet, FindingCriteria=live) == prod[1:]
    admin.unarchive_findings(DetectorId=adet, FindingIds=prod[:1])
    assert len(list_all(admin, adet, FindingCriteria=live)) == 2
    # Feedback: from the administrator and from the member alike.
    admin.update_findings_feedback(DetectorId=adet, FindingIds=prod[:1], Feedback="USEFUL")
    member.update_findings_feedback(DetectorId=pdet, FindingIds=prod[1:], Feedback="NOT_USEFUL")
    got = {f["Id"]: f["Service"].get("UserFeedback") for f in get_all(admin, adet, prod)}
    assert got == {prod[0]: "USEFUL", prod[1]: "NOT_USEFUL"}, got
    # No longer a member: it archives its own again, and the administrator no longer sees them.
    admin.delete_members(DetectorId=adet, AccountIds=[ids["prod"]])
    member.archive_findings(DetectorId=pdet, FindingIds=prod[:1])
    assert list_all(admin, adet) == []


@test
def guardduty_enable_organization_admin_account_delegates_in_organizations() -> None:
    ids = organization(["security", "prod"])
    detector(ids["prod"])
    gd = client("guardduty")  # the management account
    expect_error("BadRequestException", client("guardduty", account=ids["prod"]).enable_organization_admin_account,
                 AdminAccountId=ids["security"])  # not the management account
    expect_error("BadRequestException", gd.enable_organization_admin_account, AdminAccountId=OTHER_ACCOUNT)
    gd.enable_organization_admin_account(AdminAccountId=ids["security"])
    admins = client("organizations").list_delegated_administrators(ServicePrincipal=GD)["DelegatedAdministrators"]
    assert [a["Id"] for a in admins] == [ids["security"]], admins
    assert gd.list_organization_admin_accounts()["AdminAccounts"] == [
        {"AdminAccountId": ids["security"], "AdminStatus": "ENABLED"}]
    admin = client("guardduty", account=ids["security"])
    adet = admin.create_detector(Enable=True)["DetectorId"]
    admin.create_members(DetectorId=adet, AccountDetails=[{"AccountId": ids["prod"], "Email": "prod@example.com"}])
    assert admin.list_members(DetectorId=adet)["Members"][0]["RelationshipStatus"] == "Enabled"
    # Without an organisation there is nothing to delegate.
    reset()
    expect_error("BadRequestException", client("guardduty").enable_organization_admin_account, AdminAccountId=OTHER_ACCOUNT)


# ------------------------------------------------------------------ IAM


def credential_report(iam) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    for _ in range(50):
        if iam.generate_credential_report()["State"] == "COMPLETE":
            break
        time.sleep(0.1)
    else:
        raise AssertionError("credential report never COMPLETE")
    report = iam.get_credential_report()
    age = datetime.now(timezone.utc) - report["GeneratedTime"]
    assert timedelta(0) <= age < timedelta(minutes=5), report["GeneratedTime"]
    content = report["Content"].decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(next(csv.reader(io.StringIO(content)))) == 22
    return rows


@test
def iam_backdating_shows_in_report_and_apis() -> None:
    iam = client("iam")
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Sup3r-secret-pw!")
    k1 = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    k2 = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    iam.create_user(UserName="bob")
    created = NOW - timedelta(days=400)
    rotated = NOW - timedelta(days=120)
    used = NOW - timedelta(days=60)
    pw_used = NOW - timedelta(days=50)
    seed("/_watchpost/iam/backdate", {"accountId": ACCOUNT, "userName": "alice", "createDate": created.isoformat(),
                                      "accessKeyId": k1, "keyCreateDate": rotated.isoformat(),
                                      "keyLastUsedDate": used.isoformat(), "keyLastUsedService": "s3",
                                      "keyLastUsedRegion": "eu-west-1", "passwordLastUsed": pw_used.isoformat()})
    seed("/_watchpost/iam/backdate", {"userName": "alice", "accessKeyId": k2,
                                      "keyCreateDate": ms(NOW - timedelta(days=10))})
    rows = {r["user"]: r for r in credential_report(iam)}
    fmt = "%Y-%m-%dT%H:%M:%S+00:00"
    a = rows["alice"]
    assert a["user_creation_time"] == created.strftime(fmt), a
    assert a["password_enabled"] == "true"
    assert a["password_last_used"] == pw_used.strftime(fmt)
    assert a["access_key_1_active"] == "true" and a["access_key_2_active"] == "true"
    assert a["access_key_1_last_rotated"] == rotated.strftime(fmt)
    assert a["access_key_1_last_used_date"] == used.strftime(fmt)
    assert a["access_key_1_last_used_region"] == "eu-west-1"
    assert a["access_key_1_last_used_service"] == "s3"
    assert a["access_key_2_last_rotated"] == (NOW - timedelta(days=10)).strftime(fmt)
    assert a["access_key_2_last_used_date"] == "N/A"
    b = rows["bob"]
    assert b["password_enabled"] == "false" and b["password_last_used"] == "N/A"
    assert b["access_key_1_active"] == "false" and b["access_key_1_last_rotated"] == "N/A"
    root = rows["<root_account>"]
    assert root["arn"] == f"arn:aws:iam::{ACCOUNT}:root" and root["mfa_active"] == "false"
    assert root["password_last_used"] == "no_information"
    # the APIs agree
    last = iam.get_access_key_last_used(AccessKeyId=k1)["AccessKeyLastUsed"]
    assert last["LastUsedDate"] == used and last["ServiceName"] == "s3" and last["Region"] == "eu-west-1"
    keys = {k["AccessKeyId"]: k for k in iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]}
    assert keys[k1]["CreateDate"] == rotated
    user = iam.get_user(UserName="alice")["User"]
    assert user["CreateDate"] == created and user["PasswordLastUsed"] == pw_used
    # root facts
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 0
    seed("/_watchpost/iam/root", {"mfaActive": True, "passwordLastUsed": pw_used.isoformat(),
                                  "accessKeys": [{"active": True, "lastRotated": created.isoformat()}]})
    root = {r["user"]: r for r in credential_report(iam)}["<root_account>"]
    assert root["mfa_active"] == "true" and root["password_last_used"] == pw_used.strftime(fmt)
    assert root["access_key_1_active"] == "true" and root["access_key_1_last_used_date"] == "N/A"
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["AccountMFAEnabled"] == 1 and summary["AccountAccessKeysPresent"] == 1
    # another account is untouched
    other = client("iam", account=OTHER_ACCOUNT)
    assert {r["user"] for r in credential_report(other)} == {"<root_account>"}


# ------------------------------------------------------------------ CloudWatch


@test
def cloudwatch_composite_alarms_types_and_history() -> None:
    cw = client("cloudwatch")
    assert cw.meta.service_model.resolved_protocol == "query"
    for name in ("cpu-high", "disk-full"):
        cw.put_metric_alarm(AlarmName=name, Namespace="AWS/EC2", MetricName="CPUUtilization", Statistic="Average",
                            Period=60, EvaluationPeriods=1, Threshold=90.0, ComparisonOperator="GreaterThanThreshold",
                            AlarmActions=["arn:aws:sns:us-east-1:123456789012:ops"])
    cw.put_composite_alarm(AlarmName="host-bad", AlarmRule='ALARM("cpu-high") OR ALARM("disk-full")',
                           AlarmDescription="either", ActionsEnabled=False)
    default = cw.describe_alarms()
    assert sorted(a["AlarmName"] for a in default["MetricAlarms"]) == ["cpu-high", "disk-full"]
    assert default["CompositeAlarms"] == []  # AWS: omitted AlarmTypes returns metric alarms only
    comp = cw.describe_alarms(AlarmTypes=["CompositeAlarm"])
    assert comp["MetricAlarms"] == [] and [a["AlarmName"] for a in comp["CompositeAlarms"]] == ["host-bad"]
    c = comp["CompositeAlarms"][0]
    assert c["AlarmRule"] == 'ALARM("cpu-high") OR ALARM("disk-full")' and c["ActionsEnabled"] is False
    assert c["AlarmArn"].endswith(":alarm:host-bad")
    both = cw.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    assert len(both["MetricAlarms"]) == 2 and len(both["CompositeAlarms"]) == 1
    assert cw.describe_alarms(AlarmTypes=["MetricAlarm"])["CompositeAlarms"] == []
    # paging across both kinds
    seen, token = [], None
    while True:
        kw = {"AlarmTypes": ["MetricAlarm", "CompositeAlarm"], "MaxRecords": 1}
        if token:
            kw["NextToken"] = token
        page = cw.describe_alarms(**kw)
        seen += [a["AlarmName"] for a in page["MetricAlarms"] + page["CompositeAlarms"]]
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(seen) == ["cpu-high", "disk-full", "host-bad"], seen
    # state changes are recorded
    cw.set_alarm_state(AlarmName="cpu-high", StateValue="ALARM", StateReason="test breach",
                       StateReasonData=json.dumps({"value": 99}))
    cw.set_alarm_state(AlarmName="host-bad", StateValue="ALARM", StateReason="child in alarm")
    cw.set_alarm_state(AlarmName="cpu-high", StateValue="OK", StateReason="recovered")
    assert cw.describe_alarms(StateValue="ALARM", AlarmTypes=["CompositeAlarm", "MetricAlarm"])["CompositeAlarms"][0]["AlarmName"] == "host-bad"
    hist = cw.describe_alarm_history(AlarmName="cpu-high", HistoryItemType="StateUpdate")["AlarmHistoryItems"]
    assert [h["HistorySummary"] for h in hist] == ["Alarm updated from ALARM to OK", "Alarm updated from OK to ALARM"], hist
    h = hist[1]
    assert h["AlarmName"] == "cpu-high" and h["AlarmType"] == "MetricAlarm" and h["HistoryItemType"] == "StateUpdate"
    assert isinstance(h["Timestamp"], datetime)
    data = json.loads(h["HistoryData"])
    assert data["oldState"]["stateValue"] == "OK" and data["newState"]["stateValue"] == "ALARM"
    assert data["newState"]["stateReasonData"] == {"value": 99}
    asc = cw.describe_alarm_history(AlarmName="cpu-high", ScanBy="TimestampAscending")["AlarmHistoryItems"]
    assert asc[0]["HistoryItemType"] == "ConfigurationUpdate" and "created" in asc[0]["HistorySummary"]
    # composite history only with AlarmTypes
    assert cw.describe_alarm_history(AlarmName="host-bad")["AlarmHistoryItems"] == []
    ch = cw.describe_alarm_history(AlarmName="host-bad", AlarmTypes=["CompositeAlarm"])["AlarmHistoryItems"]
    assert {x["HistoryItemType"] for x in ch} == {"ConfigurationUpdate", "StateUpdate"}
    assert all(x["AlarmType"] == "CompositeAlarm" for x in ch)
    allh = cw.describe_alarm_history(HistoryItemType="StateUpdate", AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    assert len(allh["AlarmHistoryItems"]) == 3
    p1 = cw.describe_alarm_history(MaxRecords=2, AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    assert len(p1["AlarmHistoryItems"]) == 2 and p1["NextToken"]
    recent = cw.describe_alarm_history(StartDate=datetime.now(timezone.utc) + timedelta(minutes=5))
    assert recent["AlarmHistoryItems"] == []
    # regions are isolated
    assert client("cloudwatch", "eu-west-1").describe_alarm_history()["AlarmHistoryItems"] == []


# ------------------------------------------------------------------ IAM enforcement


def set_auth(count: str) -> None:
    """POST /moto-api/reset-auth: IAM is enforced after `count` more requests ("inf": never)."""
    req = urllib.request.Request(URL + "/moto-api/reset-auth", data=count.encode(), method="POST")
    req.add_header("Content-Type", "text/plain")
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200


def user_with_policy(name: str, actions: list[str] | None = None, managed: list[str] | None = None) -> dict:
    """An IAM user allowed exactly `actions` (inline) and/or holding `managed` policy ARNs; its key."""
    iam = client("iam")
    iam.create_user(UserName=name)
    if actions:
        doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
        iam.put_user_policy(UserName=name, PolicyName="under-test", PolicyDocument=json.dumps(doc))
    for arn in managed or []:
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
    return iam.create_access_key(UserName=name)["AccessKey"]


def client_as(service: str, key: dict, region: str = "us-east-1"):  # type: ignore[no-untyped-def]
    c = boto3.client(
        service,
        region_name=region,
        endpoint_url=URL,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        config=Config(retries={"max_attempts": 1}),
    )
    if service == "s3control":
        # S3 Control puts the account ID in front of the host, which does not resolve here:
        # send it to the emulator's own host (before signing, so the signature covers it).
        from urllib.parse import urlsplit, urlunsplit

        def to_emulator(request, **_):  # type: ignore[no-untyped-def]
            u, e = urlsplit(request.url), urlsplit(URL)
            request.url = urlunsplit((u.scheme, e.netloc, u.path, u.query, u.fragment))

        c.meta.events.register("before-sign.s3-control.*", to_emulator)
    return c


def expect_refused(status: int, code: str, fn, *args, **kwargs) -> ClientError:  # type: ignore[no-untyped-def]
    e = expect_error(code, fn, *args, **kwargs)
    got = e.response["ResponseMetadata"]["HTTPStatusCode"]
    assert got == status, (got, e.response)
    return e


@test
def iam_actions_are_named_as_the_service_authorization_reference_names_them() -> None:
    sys.dont_write_bytecode = True  # no __pycache__ beside the sources
    import server  # beside this file

    assert server.iam_action("monitoring", "DescribeAlarms", "/") == "cloudwatch:DescribeAlarms"
    assert server.iam_action("iam", "GetCredentialReport", "/") == "iam:GetCredentialReport"
    assert server.iam_action("guardduty", "ListFindings", "/detector/x/findings") == "guardduty:ListFindings"
    assert server.iam_action("s3", "GetPublicAccessBlock", "/v20180820/configuration/publicAccessBlock") == (
        "s3:GetAccountPublicAccessBlock"
    )
    assert server.iam_action("s3", "PutPublicAccessBlock", "/v20180820/configuration/publicAccessBlock") == (
        "s3:PutAccountPublicAccessBlock"
    )
    # End to end: cloudwatch:DescribeAlarms is what a policy must allow, not monitoring:…
    right = user_with_policy("cw-right", ["cloudwatch:DescribeAlarms", "s3:GetAccountPublicAccessBlock"])
    wrong = user_with_policy("cw-wrong", ["monitoring:DescribeAlarms", "s3:GetPublicAccessBlock"])
    set_auth("0")
    assert client_as("cloudwatch", right).describe_alarms()["MetricAlarms"] == []
    e = expect_refused(403, "AccessDenied", client_as("cloudwatch", wrong).describe_alarms)
    assert "cloudwatch:DescribeAlarms" in e.response["Error"]["Message"], e.response
    # S3 Control: s3:GetAccountPublicAccessBlock lets the call through (to its real answer).
    expect_refused(404, "NoSuchPublicAccessBlockConfiguration",
                   client_as("s3control", right).get_public_access_block, AccountId=ACCOUNT)
    expect_refused(403, "AccessDenied", client_as("s3control", wrong).get_public_access_block, AccountId=ACCOUNT)
    expect_refused(403, "AccessDenied", client_as("s3control", right).put_public_access_block, AccountId=ACCOUNT,
                   PublicAccessBlockConfiguration={"BlockPublicAcls": True})


@test
def s3_bucket_block_public_access_is_authorised_as_a_bucket_action() -> None:
    sys.dont_write_bytecode = True
    import server

    path = "/shop?publicAccessBlock"
    # moto names them by the bucket's defaults for the method.
    assert server.iam_action("s3", "ListBucket", path) == "s3:GetBucketPublicAccessBlock"
    assert server.iam_action("s3", "CreateBucket", path) == "s3:PutBucketPublicAccessBlock"
    assert server.iam_action("s3", "ListBucket", "/shop") == "s3:ListBucket"
    assert server.iam_action("s3", "GetBucketPolicyStatus", "/shop?policyStatus") == "s3:GetBucketPolicyStatus"
    client("s3").create_bucket(Bucket="shop")
    reads = ["s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPolicyStatus",
             "s3:GetBucketAcl", "s3:GetBucketPublicAccessBlock"]
    reader = user_with_policy("s3-reader", reads)
    writer = user_with_policy("s3-writer", reads + ["s3:PutBucketPublicAccessBlock"])
    moto_names = user_with_policy("s3-moto-names", ["s3:GetPublicAccessBlock", "s3:PutPublicAccessBlock"])
    set_auth("0")
    s3 = client_as("s3", reader)
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["shop"]
    assert s3.get_bucket_location(Bucket="shop")["LocationConstraint"] is None
    # No policy, no configuration: AWS's own "not there" answers, not denials.
    expect_refused(404, "NoSuchBucketPolicy", s3.get_bucket_policy_status, Bucket="shop")
    expect_refused(404, "NoSuchPublicAccessBlockConfiguration", s3.get_public_access_block, Bucket="shop")
    assert s3.get_bucket_acl(Bucket="shop")["Grants"]
    on = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    expect_refused(403, "AccessDenied", s3.put_public_access_block, Bucket="shop",
                   PublicAccessBlockConfiguration=on)
    expect_refused(403, "AccessDenied", client_as("s3", moto_names).get_public_access_block, Bucket="shop")
    client_as("s3", writer).put_public_access_block(Bucket="shop", PublicAccessBlockConfiguration=on)
    assert s3.get_public_access_block(Bucket="shop")["PublicAccessBlockConfiguration"] == on


@test
def guardduty_under_iam_passes_with_its_permissions_and_is_denied_without() -> None:
    det = client("guardduty").create_detector(Enable=True)["DetectorId"]
    ids = seed("/_watchpost/guardduty/findings", {"findings": [{"severity": 8}]})["findingIds"]
    reader = user_with_policy("gd-reader", [
        "guardduty:ListDetectors", "guardduty:GetDetector", "guardduty:ListFindings",
        "guardduty:GetFindings", "guardduty:ListFilters",
    ])
    nobody = user_with_policy("gd-nobody", ["iam:GetUser"])
    set_auth("0")
    gd = client_as("guardduty", reader)
    # GET routes (no body: the signature covers the empty payload) and POST routes alike.
    assert gd.list_detectors()["DetectorIds"] == [det]
    assert gd.get_detector(DetectorId=det)["Status"] == "ENABLED"
    assert gd.list_filters(DetectorId=det, MaxResults=5)["FilterNames"] == []
    assert gd.list_findings(DetectorId=det, FindingCriteria=crit(severity={"Gte": 7}))["FindingIds"] == ids
    assert gd.get_findings(DetectorId=det, FindingIds=ids)["Findings"][0]["Id"] == ids[0]
    e = expect_refused(403, "AccessDeniedException", client_as("guardduty", nobody).list_detectors)
    headers = e.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers.get("x-amzn-errortype") == "AccessDeniedException", headers
    assert headers.get("content-type") == "application/json", headers
    assert e.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{ACCOUNT}:user/gd-nobody is not authorized to perform: guardduty:ListDetectors "
        "because no identity-based policy allows the guardduty:ListDetectors action"
    ), e.response
    # Unknown credentials: GuardDuty's own error for them.
    stranger = {"AccessKeyId": "AKIAEXAMPLEUNKNOWN00", "SecretAccessKey": "x"}
    expect_refused(403, "UnrecognizedClientException", client_as("guardduty", stranger).list_detectors)


@test
def extension_routes_are_denied_without_their_permission() -> None:
    gd0 = client("guardduty")
    det = gd0.create_detector(Enable=True)["DetectorId"]
    ids = seed("/_watchpost/guardduty/findings", {"findings": [{}]})["findingIds"]
    nobody = user_with_policy("ext-nobody", ["iam:GetUser"])
    history = user_with_policy("ext-history", ["cloudwatch:DescribeAlarmHistory"])
    set_auth("0")
    gd = client_as("guardduty", nobody)
    calls = {
        "ListFindings": lambda: gd.list_findings(DetectorId=det),
        "GetFindings": lambda: gd.get_findings(DetectorId=det, FindingIds=ids),
        "ArchiveFindings": lambda: gd.archive_findings(DetectorId=det, FindingIds=ids),
        "UnarchiveFindings": lambda: gd.unarchive_findings(DetectorId=det, FindingIds=ids),
        "UpdateFindingsFeedback": lambda: gd.update_findings_feedback(DetectorId=det, FindingIds=ids, Feedback="USEFUL"),
        "GetFindingsStatistics": lambda: gd.get_findings_statistics(DetectorId=det, FindingStatisticTypes=["COUNT_BY_SEVERITY"]),
        "ListFilters": lambda: gd.list_filters(DetectorId=det),
        "CreateMembers": lambda: gd.create_members(DetectorId=det, AccountDetails=[{"AccountId": OTHER_ACCOUNT, "Email": "o@example.com"}]),
        "GetMembers": lambda: gd.get_members(DetectorId=det, AccountIds=[OTHER_ACCOUNT]),
        "ListMembers": lambda: gd.list_members(DetectorId=det),
        "DeleteMembers": lambda: gd.delete_members(DetectorId=det, AccountIds=[OTHER_ACCOUNT]),
    }
    for operation, call in calls.items():
        e = expect_refused(403, "AccessDeniedException", call)
        assert f"guardduty:{operation} " in e.response["Error"]["Message"], e.response
    cw = client_as("cloudwatch", nobody)
    iam = client_as("iam", nobody)
    query_calls = {
        "cloudwatch:PutCompositeAlarm": lambda: cw.put_composite_alarm(AlarmName="c", AlarmRule="TRUE"),
        "cloudwatch:DescribeAlarmHistory": lambda: cw.describe_alarm_history(),
        "cloudwatch:DescribeAlarms": lambda: cw.describe_alarms(AlarmTypes=["CompositeAlarm"]),
        "iam:GenerateCredentialReport": lambda: iam.generate_credential_report(),
        "iam:GetCredentialReport": lambda: iam.get_credential_report(),
    }
    for action, call in query_calls.items():
        e = expect_refused(403, "AccessDenied", call)
        assert e.response["Error"]["Type"] == "Sender", e.response
        assert f"perform: {action} " in e.response["Error"]["Message"], e.response
    # Granted, the same route answers.
    assert client_as("cloudwatch", history).describe_alarm_history()["AlarmHistoryItems"] == []
    # Nothing changed: the denied archive did not archive.
    set_auth("inf")
    assert gd0.get_findings(DetectorId=det, FindingIds=ids)["Findings"][0]["Service"]["Archived"] is False


@test
def denials_answer_in_each_protocols_format() -> None:
    nobody = user_with_policy("fmt-nobody", ["iam:GetUser"])
    set_auth("0")
    e = expect_refused(403, "UnauthorizedOperation", client_as("ec2", nobody).describe_flow_logs)
    assert e.response["Error"]["Message"].startswith("You are not authorized to perform this operation. User: "), e.response
    assert "ec2:DescribeFlowLogs" in e.response["Error"]["Message"]
    for service, call, action in [
        ("cloudtrail", "describe_trails", "cloudtrail:DescribeTrails"),
        ("logs", "describe_metric_filters", "logs:DescribeMetricFilters"),
        ("config", "describe_configuration_recorders", "config:DescribeConfigurationRecorders"),
    ]:
        e = expect_refused(400, "AccessDeniedException", getattr(client_as(service, nobody), call))
        assert f"perform: {action} " in e.response["Error"]["Message"], e.response
    e = expect_refused(403, "AccessDenied", client_as("iam", nobody).list_users)
    assert "iam:ListUsers" in e.response["Error"]["Message"]
    # The right key with the wrong secret: each protocol's signature error.
    forged = {"AccessKeyId": nobody["AccessKeyId"], "SecretAccessKey": "not-the-secret"}
    expect_refused(403, "InvalidSignatureException", client_as("guardduty", forged).list_detectors)
    expect_refused(400, "InvalidSignatureException", client_as("cloudtrail", forged).describe_trails)
    expect_refused(403, "SignatureDoesNotMatch", client_as("iam", forged).list_users)
    expect_refused(401, "AuthFailure", client_as("ec2", forged).describe_vpcs)
    # sts:GetCallerIdentity needs no permission.
    assert client_as("sts", nobody).get_caller_identity()["Arn"].endswith(":user/fmt-nobody")
    # An explicit Deny says so.
    set_auth("inf")
    client("iam").put_user_policy(UserName="fmt-nobody", PolicyName="deny", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:getuser", "Resource": "*"}]}))
    set_auth("0")
    e = expect_refused(403, "AccessDenied", client_as("iam", nobody).get_user)
    assert e.response["Error"]["Message"].endswith("with an explicit deny in an identity-based policy"), e.response


@test
def a_member_role_under_iam_enforcement() -> None:
    ids = organization(["security", "prod"])
    make_role(ids["prod"], "WatchpostAudit")
    client("iam", account=ids["prod"]).put_role_policy(RoleName="WatchpostAudit", PolicyName="read", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "guardduty:ListDetectors", "Resource": "*"}]}))
    oncall = user_with_policy("oncall", ["sts:AssumeRole"])
    set_auth("0")
    sts = client_as("sts", oncall)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{ids['prod']}:role/WatchpostAudit", RoleSessionName="oncall")["Credentials"]
    gd = assumed(creds, "guardduty")
    assert gd.list_detectors()["DetectorIds"] == []  # the role's policy, in the member account
    e = expect_refused(403, "AccessDeniedException", gd.list_findings, DetectorId="0" * 32)
    assert f"arn:aws:sts::{ids['prod']}:assumed-role/WatchpostAudit/oncall" in e.response["Error"]["Message"], e.response
    missing = f"arn:aws:iam::{ids['security']}:role/WatchpostAudit"
    e = expect_refused(403, "AccessDenied", sts.assume_role, RoleArn=missing, RoleSessionName="oncall")
    assert e.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{ACCOUNT}:user/oncall is not authorized to perform: sts:AssumeRole on resource: {missing}"
    ), e.response


@test
def reset_ends_enforcement_and_seeding_routes_stay_open() -> None:
    client("guardduty").create_detector(Enable=True)
    set_auth("0")
    expect_refused(403, "InvalidClientTokenId", client("iam").list_users)  # dummy keys are unknown
    seed("/_watchpost/guardduty/findings", {"findings": [{}]})  # unsigned, still served
    seed("/_watchpost/iam/root", {"mfaActive": True})
    reset()
    assert client("iam").list_users()["Users"] == []


@test
def aws_managed_policies_load_on_demand() -> None:
    iam = client("iam")
    # Not loaded by default: every reset stays fast and the account lists none.
    assert iam.get_account_authorization_details(Filter=["AWSManagedPolicy"])["Policies"] == []
    arns = seed("/_watchpost/iam/aws-managed-policies", {"names": ["SecurityAudit"]})["policyArns"]
    assert arns == ["arn:aws:iam::aws:policy/SecurityAudit"]
    det = client("guardduty").create_detector(Enable=True)["DetectorId"]
    auditor = user_with_policy("auditor", managed=arns)
    set_auth("0")
    assert client_as("guardduty", auditor).list_detectors()["DetectorIds"] == [det]
    client_as("cloudwatch", auditor).describe_alarms()
    client_as("iam", auditor).generate_credential_report()
    expect_refused(403, "AccessDeniedException", client_as("guardduty", auditor).archive_findings,
                   DetectorId=det, FindingIds=["x"])
    status, raw = http("POST", "/_watchpost/iam/aws-managed-policies", {"names": ["NoSuchPolicy"]})
    assert status == 400 and b"NoSuchPolicy" in raw, (status, raw)


# ------------------------------------------------------------------ recorder


@test
def recorder_logs_requests() -> None:
    gd = client("guardduty")
    det = gd.create_detector(Enable=True)["DetectorId"]
    assert http("POST", "/moto-api/recorder/reset-recording")[0] == 200
    assert http("POST", "/moto-api/recorder/start-recording")[0] == 200
    gd.list_findings(DetectorId=det, FindingCriteria=crit(**{"service.archived": {"Eq": ["false"]}}))
    gd.list_findings(DetectorId=det)
    client("cloudwatch").describe_alarms(AlarmTypes=["CompositeAlarm"])
    assert http("POST", "/moto-api/recorder/stop-recording")[0] == 200
    gd.list_detectors()  # not recorded
    status, raw = http("GET", "/moto-api/recorder/download-recording")
    assert status == 200
    entries = [json.loads(line) for line in raw.decode().splitlines() if line.strip()]
    for e in entries:
        if e.get("body_encoded"):
            e["body"] = base64.b64decode(e["body"]).decode()
    paths = [e["url"].split("://", 1)[-1].split("/", 1)[-1] for e in entries]
    assert sum(1 for p in paths if p == f"detector/{det}/findings") == 2, paths
    assert not any(p == "detector" for p in paths), paths
    cw = [e for e in entries if "Action=DescribeAlarms" in (e.get("body") or "")]
    assert len(cw) == 1, entries  # Query protocol: form-encoded Action=... body
    assert all(e["method"] == "POST" for e in entries)


def main() -> int:
    import selftest_cloudtrail  # beside this file

    selftest_cloudtrail.register(sys.modules[__name__])
    passed = failed = 0
    for fn in TESTS:
        reset()
        t0 = time.monotonic()
        try:
            fn()
        except Exception:  # noqa: BLE001
            failed += 1
            print(f"FAIL {fn.__name__}")
            traceback.print_exc(file=sys.stdout)
        else:
            passed += 1
            print(f"ok   {fn.__name__} ({time.monotonic() - t0:.2f}s)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
