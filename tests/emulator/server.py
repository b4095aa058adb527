#!/usr/bin/env python3
"""watchpost's local AWS emulator: moto's server plus what moto lacks.

Run: python server.py --host 127.0.0.1 --port 0 --port-file PATH

moto (pinned in requirements.txt) serves every AWS service on one endpoint.
At start-up this module adds, in the same process and in moto's own
per-account/per-region backend objects (so `POST /moto-api/reset` clears
them and `x-moto-account-id` / region isolation apply):

* GuardDuty findings: ListFindings, GetFindings, CreateSampleFindings,
  ArchiveFindings, UnarchiveFindings, UpdateFindingsFeedback,
  GetFindingsStatistics, ListFilters (REST-JSON, camelCase, as the AWS API
  reference describes them).
* GuardDuty administrator and members: CreateMembers, GetMembers, ListMembers,
  DeleteMembers; an administrator's detector answers ListFindings, GetFindings,
  GetFindingsStatistics, archive and feedback for its Enabled members' findings too;
  a member cannot archive; EnableOrganizationAdminAccount registers the delegated
  administrator in Organizations; GetAdministratorAccount in the API's shape.
* STS: AssumeRole into a role that does not exist is refused (AccessDenied).
* Organizations: a delegated administrator reads its organisation (ListAccounts, OUs,
  delegated administrators); a reset forgets which organisation an account was in.
* CloudWatch: PutCompositeAlarm, DescribeAlarms with AlarmTypes / MaxRecords /
  NextToken and combined filters, DescribeAlarmHistory (Query protocol, XML,
  through moto's own serializer).
* IAM: a credential report shaped like AWS's (a `<root_account>` row, N/A for
  never-used keys, password_last_changed tracked).
* IAM enforcement (INITIAL_NO_AUTH_ACTION_COUNT, POST /moto-api/reset-auth) that
  names actions with the Service Authorization Reference's prefixes (cloudwatch:, not
  monitoring:; S3 Control's s3:GetAccountPublicAccessBlock), checks REST signatures over
  the bytes sent, and answers a denial as the service's protocol does.
* CloudTrail: LookupEvents over an event history recorded from the calls the emulator
  answers, with seeding, throttling and a call log (cloudtrail_events.py).
* Private test-only routes under /_watchpost/ (never an AWS path) to seed
  GuardDuty findings, move IAM dates into the past, set root-account facts and load
  AWS managed policies.

See README.md beside this file.
"""

from __future__ import annotations

import argparse
import base64
import copy
import functools
import io
import json
import os
import re
import shutil
import signal
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, NoReturn

LOCK = threading.RLock()


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso_ms(dt: datetime) -> str:
    """GuardDuty's timestamp strings: 2024-05-01T12:34:56.789Z."""
    dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_time(value: Any) -> datetime:
    """Accept epoch milliseconds (int/float/digit string) or ISO-8601."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000.0, tz=timezone.utc)
    s = str(value).strip()
    if s.lstrip("-").isdigit():
        return datetime.fromtimestamp(int(s) / 1000.0, tz=timezone.utc)
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    dt = datetime.fromisoformat(s)
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def epoch_ms(dt: datetime) -> int:
    return int(round(dt.timestamp() * 1000))


def deep_merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for k, v in override.items():
            out[k] = deep_merge(base.get(k), v) if k in base else copy.deepcopy(v)
        return out
    return copy.deepcopy(override)


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def decode_token(token: str | None) -> int | None:
    if not token:
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["o"])
    except Exception:
        return None


# --------------------------------------------------------------------------
# GuardDuty
# --------------------------------------------------------------------------

# type -> (severity, title, description)
SAMPLE_TYPES: dict[str, tuple[float, str, str]] = {
    "Backdoor:EC2/C&CActivity.B!DNS": (
        8.0,
        "Command and Control server domain name queried by EC2 instance {instance}.",
        "EC2 instance {instance} is querying a domain name associated with a known Command & Control server.",
    ),
    "CryptoCurrency:EC2/BitcoinTool.B!DNS": (
        8.0,
        "Bitcoin-related domain name queried by EC2 instance {instance}.",
        "EC2 instance {instance} is querying a domain name that is associated with Bitcoin-related activity.",
    ),
    "Recon:EC2/PortProbeUnprotectedPort": (
        2.0,
        "Unprotected port on EC2 instance {instance} is being probed.",
        "EC2 instance has an unprotected port which is being probed by a known malicious host.",
    ),
    "UnauthorizedAccess:EC2/SSHBruteForce": (
        2.0,
        "198.51.100.23 is performing SSH brute force attacks against {instance}.",
        "198.51.100.23 is performing SSH brute force attacks against {instance}. Brute force attacks are used to gain unauthorized access to your instance by guessing the SSH password.",
    ),
    "Trojan:EC2/DNSDataExfiltration": (
        8.0,
        "Data exfiltration through DNS queries from EC2 instance {instance}.",
        "EC2 instance {instance} is attempting to query domain names that resemble exfiltrated data.",
    ),
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS": (
        8.0,
        "Credentials for instance role {user} used from external IP address.",
        "Credentials created exclusively for an EC2 instance using instance role {user} have been used from external IP address 198.51.100.7.",
    ),
    "PenTest:IAMUser/KaliLinux": (
        5.0,
        "API ListBuckets was invoked from a Kali Linux computer.",
        "API ListBuckets was invoked by IAM user {user} from a Kali Linux computer.",
    ),
    "Policy:IAMUser/RootCredentialUsage": (
        2.0,
        "API GetBucketLocation was invoked using root credentials.",
        "API GetBucketLocation was invoked using root credentials from IP address 198.51.100.7.",
    ),
    "Stealth:IAMUser/CloudTrailLoggingDisabled": (
        2.0,
        "AWS CloudTrail trail {trail} was disabled.",
        "AWS CloudTrail trail {trail} was disabled by {user} calling StopLogging.",
    ),
    "Policy:S3/BucketBlockPublicAccessDisabled": (
        2.0,
        "Amazon S3 Block Public Access was disabled for S3 bucket {bucket}.",
        "Amazon S3 Block Public Access was disabled for S3 bucket {bucket} by {user} calling PutBucketPublicAccessBlock.",
    ),
    "Discovery:S3/MaliciousIPCaller": (
        5.0,
        "The S3 API GetBucketAcl was invoked from a known malicious IP address.",
        "The S3 API GetBucketAcl was invoked from IP address 198.51.100.66 on bucket {bucket} by {user}.",
    ),
}
DEFAULT_SAMPLE_TYPES = list(SAMPLE_TYPES)


def _resource_kind(ftype: str) -> str:
    if "/" in ftype:
        target = ftype.split(":", 1)[-1].split("/", 1)[0]
    else:
        target = "EC2"
    return {
        "EC2": "Instance",
        "IAMUser": "AccessKey",
        "S3": "S3Bucket",
        "Kubernetes": "EKSCluster",
        "Lambda": "Lambda",
        "RDS": "RDSDBInstance",
    }.get(target, "Instance")


def build_finding(
    account_id: str,
    region: str,
    detector_id: str,
    ftype: str,
    now: datetime,
    sample: bool = False,
) -> dict[str, Any]:
    """A complete Finding in the API reference's shape (camelCase JSON)."""
    fid = uuid.uuid4().hex
    kind = _resource_kind(ftype)
    instance = "i-99999999"
    user = "GeneratedFindingUserName"
    bucket = "generated-finding-bucket"
    trail = "GeneratedFindingTrail"
    severity, title, description = SAMPLE_TYPES.get(
        ftype,
        (5.0, f"{ftype} finding.", f"GuardDuty detected activity of type {ftype}."),
    )
    fmt = {"instance": instance, "user": user, "bucket": bucket, "trail": trail}
    title = title.format(**fmt)
    description = description.format(**fmt)
    ts = iso_ms(now)
    remote_ip = {
        "ipAddressV4": "198.51.100.7",
        "organization": {
            "asn": "-1",
            "asnOrg": "GeneratedFindingASNOrg",
            "isp": "GeneratedFindingISP",
            "org": "GeneratedFindingORG",
        },
        "country": {"countryName": "GeneratedFindingCountryName"},
        "city": {"cityName": "GeneratedFindingCityName"},
        "geoLocation": {"lat": 0, "lon": 0},
    }
    access_key = {
        "accessKeyId": "GeneratedFindingAccessKeyId",
        "principalId": "GeneratedFindingPrincipalId",
        "userName": user,
        "userType": "IAMUser",
    }
    resource: dict[str, Any] = {"resourceType": kind}
    if kind == "Instance":
        resource["instanceDetails"] = {
            "availabilityZone": f"{region}a",
            "iamInstanceProfile": {
                "arn": f"arn:aws:iam::{account_id}:example/instance/profile",
                "id": "GeneratedFindingInstanceProfileId",
            },
            "imageDescription": "GeneratedFindingInstanceImageDescription",
            "imageId": "ami-99999999",
            "instanceId": instance,
            "instanceState": "running",
            "instanceType": "m3.xlarge",
            "launchTime": "2016-08-02T02:05:06.000Z",
            "networkInterfaces": [
                {
                    "ipv6Addresses": [],
                    "networkInterfaceId": "eni-bfcffe88",
                    "privateDnsName": "GeneratedFindingPrivateDnsName",
                    "privateIpAddress": "10.0.0.1",
                    "privateIpAddresses": [
                        {
                            "privateDnsName": "GeneratedFindingPrivateName",
                            "privateIpAddress": "10.0.0.1",
                        }
                    ],
                    "publicDnsName": "GeneratedFindingPublicDNSName",
                    "publicIp": "198.51.100.1",
                    "securityGroups": [
                        {
                            "groupId": "GeneratedFindingSecurityId",
                            "groupName": "GeneratedFindingSecurityGroupName",
                        }
                    ],
                    "subnetId": "GeneratedFindingSubnetId",
                    "vpcId": "GeneratedFindingVPCId",
                }
            ],
            "productCodes": [],
            "tags": [{"key": "GeneratedFindingInstaceTag1", "value": "GeneratedFindingInstaceValue1"}],
        }
        if "DNS" in ftype:
            action = {
                "actionType": "DNS_REQUEST",
                "dnsRequestAction": {
                    "domain": "GeneratedFindingDomainName",
                    "protocol": "UDP",
                    "blocked": False,
                },
            }
        elif "PortProbe" in ftype:
            action = {
                "actionType": "PORT_PROBE",
                "portProbeAction": {
                    "blocked": False,
                    "portProbeDetails": [
                        {
                            "localPortDetails": {"port": 80, "portName": "HTTP"},
                            "remoteIpDetails": remote_ip,
                        }
                    ],
                },
            }
        else:
            action = {
                "actionType": "NETWORK_CONNECTION",
                "networkConnectionAction": {
                    "blocked": False,
                    "connectionDirection": "INBOUND",
                    "localPortDetails": {"port": 22, "portName": "SSH"},
                    "protocol": "TCP",
                    "remoteIpDetails": remote_ip,
                    "remotePortDetails": {"port": 32794, "portName": "Unknown"},
                },
            }
        resource_role = "TARGET"
    elif kind == "S3Bucket":
        resource["accessKeyDetails"] = access_key
        resource["s3BucketDetails"] = [
            {
                "arn": f"arn:aws:s3:::{bucket}",
                "name": bucket,
                "type": "Destination",
                "createdAt": epoch_ms(now) / 1000.0,
                "owner": {"id": "CanonicalId of Owner"},
                "tags": [{"key": "foo", "value": "bar"}],
                "defaultServerSideEncryption": {
                    "encryptionType": "SSEAlgorithm",
                    "kmsMasterKeyArn": "arn:aws:kms:region:123456789012:key/key-id",
                },
                "publicAccess": {
                    "permissionConfiguration": {
                        "bucketLevelPermissions": {
                            "accessControlList": {
                                "allowsPublicReadAccess": False,
                                "allowsPublicWriteAccess": False,
                            },
                            "bucketPolicy": {
                                "allowsPublicReadAccess": False,
                                "allowsPublicWriteAccess": False,
                            },
                            "blockPublicAccess": {
                                "ignorePublicAcls": False,
                                "restrictPublicBuckets": False,
                                "blockPublicAcls": False,
                                "blockPublicPolicy": False,
                            },
                        },
                        "accountLevelPermissions": {
                            "blockPublicAccess": {
                                "ignorePublicAcls": False,
                                "restrictPublicBuckets": False,
                                "blockPublicAcls": False,
                                "blockPublicPolicy": False,
                            }
                        },
                    },
                    "effectivePermission": "NOT_PUBLIC",
                },
            }
        ]
        action = {
            "actionType": "AWS_API_CALL",
            "awsApiCallAction": {
                "api": "GetBucketAcl",
                "callerType": "Remote IP",
                "remoteIpDetails": remote_ip,
                "serviceName": "s3.amazonaws.com",
            },
        }
        resource_role = "TARGET"
    elif kind == "EKSCluster":
        resource["eksClusterDetails"] = {
            "name": "GeneratedFindingEKSClusterName",
            "arn": f"arn:aws:eks:{region}:{account_id}:cluster/GeneratedFindingEKSClusterName",
            "vpcId": "GeneratedFindingVPCId",
            "status": "ACTIVE",
            "tags": [],
            "createdAt": epoch_ms(now) / 1000.0,
        }
        action = {"actionType": "KUBERNETES_API_CALL", "kubernetesApiCallAction": {"requestUri": "/api/v1/pods", "verb": "list", "statusCode": 200}}
        resource_role = "TARGET"
    else:  # AccessKey and anything else API-driven
        resource["resourceType"] = "AccessKey" if kind == "Instance" else kind
        resource["accessKeyDetails"] = access_key
        action = {
            "actionType": "AWS_API_CALL",
            "awsApiCallAction": {
                "api": "GeneratedFindingAPIName",
                "callerType": "Remote IP",
                "errorCode": "",
                "remoteIpDetails": remote_ip,
                "serviceName": "GeneratedFindingAPIServiceName",
            },
        }
        resource_role = "TARGET"

    additional: dict[str, Any] = {"value": "{}", "type": "default"}
    if sample:
        additional = {"value": json.dumps({"sample": True}), "type": "default"}
    return {
        "accountId": account_id,
        "arn": f"arn:aws:guardduty:{region}:{account_id}:detector/{detector_id}/finding/{fid}",
        "confidence": 5.0 if severity < 7 else 8.0,
        "createdAt": ts,
        "description": description,
        "id": fid,
        "partition": "aws",
        "region": region,
        "resource": resource,
        "schemaVersion": "2.0",
        "service": {
            "action": action,
            "archived": False,
            "count": 1,
            "detectorId": detector_id,
            "eventFirstSeen": ts,
            "eventLastSeen": ts,
            "resourceRole": resource_role,
            "serviceName": "guardduty",
            "additionalInfo": additional,
        },
        "severity": float(severity),
        "title": title,
        "type": ftype,
        "updatedAt": ts,
    }


def normalise_seeded(finding: dict[str, Any], detector_id: str) -> dict[str, Any]:
    """Make caller-supplied values match the wire shape (ISO strings, floats)."""
    for key in ("createdAt", "updatedAt"):
        if key in finding:
            finding[key] = iso_ms(parse_time(finding[key]))
    svc = finding.setdefault("service", {})
    for key in ("eventFirstSeen", "eventLastSeen"):
        if key in svc:
            svc[key] = iso_ms(parse_time(svc[key]))
    for key in ("severity", "confidence"):
        if key in finding and finding[key] is not None:
            finding[key] = float(finding[key])
    fid = finding["id"]
    acct, region = finding["accountId"], finding["region"]
    finding["arn"] = finding.get("arn") or (
        f"arn:aws:guardduty:{region}:{acct}:detector/{detector_id}/finding/{fid}"
    )
    svc["detectorId"] = detector_id
    return finding


TIME_FIELDS = {"createdAt", "updatedAt", "service.eventFirstSeen", "service.eventLastSeen"}


def field_values(finding: dict[str, Any], path: str) -> list[Any]:
    """Leaves at a dotted path, descending through lists."""
    current: list[Any] = [finding]
    for part in path.split("."):
        nxt: list[Any] = []
        for node in current:
            if isinstance(node, list):
                for item in node:
                    if isinstance(item, dict) and part in item:
                        nxt.append(item[part])
            elif isinstance(node, dict) and part in node:
                nxt.append(node[part])
        flat: list[Any] = []
        for v in nxt:
            if isinstance(v, list) and not any(isinstance(x, (dict, list)) for x in v):
                flat.extend(v)
            else:
                flat.append(v)
        current = flat
    return [v for v in current if v is not None]


def _numeric(path: str, value: Any) -> float | None:
    if path in TIME_FIELDS:
        try:
            return float(epoch_ms(parse_time(value)))
        except Exception:
            return None
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _str_forms(path: str, value: Any) -> set[str]:
    if isinstance(value, bool):
        return {"true" if value else "false"}
    forms = {str(value)}
    num = _numeric(path, value)
    if num is not None:
        forms.add(str(num))
        if num == int(num):
            forms.add(str(int(num)))
    return forms


def _eq_match(path: str, values: list[Any], wanted: list[str]) -> bool:
    wanted_set = set()
    for w in wanted:
        wanted_set.add(str(w))
        num = _numeric(path, w) if path not in TIME_FIELDS else None
        if num is not None:
            wanted_set.add(str(num))
    for v in values:
        if _str_forms(path, v) & wanted_set:
            return True
    return False


def matches(finding: dict[str, Any], criteria: dict[str, Any] | None) -> bool:
    criterion = (criteria or {}).get("criterion") or {}
    for path, cond in criterion.items():
        values = field_values(finding, path)
        if path == "service.archived" and not values:
            values = [False]
        for op, arg in (cond or {}).items():
            if op in ("eq", "equals"):
                if not _eq_match(path, values, arg or []):
                    return False
            elif op in ("neq", "notEquals"):
                if _eq_match(path, values, arg or []):
                    return False
            elif op in (
                "gt", "gte", "lt", "lte",
                "greaterThan", "greaterThanOrEqual", "lessThan", "lessThanOrEqual",
            ):
                bound = float(arg)
                nums = [n for n in (_numeric(path, v) for v in values) if n is not None]
                test = {
                    "gt": lambda n: n > bound,
                    "greaterThan": lambda n: n > bound,
                    "gte": lambda n: n >= bound,
                    "greaterThanOrEqual": lambda n: n >= bound,
                    "lt": lambda n: n < bound,
                    "lessThan": lambda n: n < bound,
                    "lte": lambda n: n <= bound,
                    "lessThanOrEqual": lambda n: n <= bound,
                }[op]
                if not any(test(n) for n in nums):
                    return False
            # matches / notMatches (wildcards) are not implemented: ignored.
    return True


def sort_findings(findings: list[dict[str, Any]], sort: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not sort or not sort.get("attributeName"):
        return findings
    path = sort["attributeName"]
    desc = (sort.get("orderBy") or "ASC").upper() == "DESC"

    def key(f: dict[str, Any]) -> tuple:
        vals = field_values(f, path)
        if not vals:
            return (1, 0.0, "")
        num = _numeric(path, vals[0])
        if num is not None:
            return (0, num, "")
        return (0, 0.0, str(vals[0]))

    present = [f for f in findings if field_values(f, path)]
    missing = [f for f in findings if not field_values(f, path)]
    return sorted(present, key=key, reverse=desc) + missing


GUARDDUTY_PRINCIPAL = "guardduty.amazonaws.com"
# AWS: "Only the administrator account can archive findings. Member accounts don't have
# permission to archive findings from their accounts." (ArchiveFindings, API reference; the
# message is the emulator's own.)
MEMBER_CANNOT_ARCHIVE = (
    "The request is rejected because the current account is a GuardDuty member account: "
    "only its administrator account can archive or unarchive its findings."
)


def detector_findings(detector: Any) -> dict[str, dict[str, Any]]:
    store = detector.__dict__.get("wp_findings")
    if store is None:
        store = {}
        detector.__dict__["wp_findings"] = store
    return store


def install_guardduty() -> None:
    from moto.core.exceptions import JsonRESTError
    from moto.guardduty import urls as gd_urls
    from moto.guardduty.exceptions import DetectorNotFoundException, FilterNotFoundException
    from moto.guardduty.models import guardduty_backends
    from moto.guardduty.responses import GuardDutyResponse
    from moto.organizations.models import organizations_backends

    class BadRequest(JsonRESTError):
        code = 400

        def __init__(self, message: str) -> None:
            super().__init__("InvalidInputException", message)

        def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
            return ERROR_HEADERS

    # moto's own GuardDuty errors answer text/html; the service answers JSON.
    ERROR_HEADERS = [("X-Amzn-ErrorType", "BadRequestException"), ("Content-Type", "application/json")]
    for exc in (DetectorNotFoundException, FilterNotFoundException):
        exc.get_headers = lambda self, *a, **k: ERROR_HEADERS  # type: ignore[method-assign]

    dispatch = GuardDutyResponse.dispatch
    extra = {
        "{0}/detector/(?P<detector_id>[^/]+)/findings$": dispatch,
        "{0}/detector/(?P<detector_id>[^/]+)/findings/get$": dispatch,
        "{0}/detector/(?P<detector_id>[^/]+)/findings/create$": dispatch,
        "{0}/detector/(?P<detector_id>[^/]+)/findings/archive$": dispatch,
        "{0}/detector/(?P<detector_id>[^/]+)/findings/unarchive$": dispatch,
        "{0}/detector/(?P<detector_id>[^/]+)/findings/feedback$": dispatch,
        "{0}/detector/(?P<detector_id>[^/]+)/findings/statistics$": dispatch,
        "{0}/detector/(?P<detector_id>[^/]+)/member$": dispatch,
        "{0}/detector/(?P<detector_id>[^/]+)/member/get$": dispatch,
        "{0}/detector/(?P<detector_id>[^/]+)/member/delete$": dispatch,
    }
    for k, v in extra.items():
        gd_urls.url_paths.setdefault(k, v)

    def _json(obj: Any) -> Any:
        # (status, headers, body): answer as application/json like the real service
        return 200, {"Content-Type": "application/json"}, json.dumps(obj)

    def _detector_id(self: GuardDutyResponse) -> str:
        return self.path.split("/")[2]

    def _body(self: GuardDutyResponse) -> dict[str, Any]:
        try:
            data = json.loads(self.body) if self.body else {}
        except ValueError:
            raise BadRequest("The request body is not valid JSON.")
        return data if isinstance(data, dict) else {}

    def _detector(self: GuardDutyResponse) -> Any:
        return self.guardduty_backend.get_detector(_detector_id(self))

    def _ids(body: dict[str, Any], limit: int = 50) -> list[str]:
        ids = body.get("findingIds")
        if not isinstance(ids, list) or not ids:
            raise BadRequest("The request is rejected because the findingIds parameter is missing or empty.")
        if len(ids) > limit:
            raise BadRequest(
                f"The request is rejected because the findingIds parameter contains more than {limit} items."
            )
        return ids

    # ---- administrator and members -------------------------------------------------------
    # An administrator's members live on its regional backend (`wp_members`: account ID ->
    # membership); a member finds its administrator by looking for itself there.

    def members_of(backend: Any) -> dict[str, dict[str, Any]]:
        store = backend.__dict__.get("wp_members")
        if store is None:
            store = {}
            backend.__dict__["wp_members"] = store
        return store

    def organization_of(account: str) -> Any:
        """The Organizations backend of the organisation `account` belongs to, or None."""
        management, partition = organizations_backends.master_accounts.get(account, (account, "aws"))
        backend = (dict.get(organizations_backends, management) or {}).get(partition)
        return backend if backend is not None and backend.org is not None else None

    def is_organization_admin(admin: str, member: str, region: str) -> bool:
        """Whether `admin` is GuardDuty's delegated administrator of `member`'s organisation:
        registered in Organizations for guardduty.amazonaws.com, or named by the management
        account's EnableOrganizationAdminAccount in the region."""
        org = organization_of(admin)
        if org is None or organization_of(member) is not org:
            return False
        if any(a.account.id == admin and GUARDDUTY_PRINCIPAL in a.services for a in org.admins):
            return True
        regional = (dict.get(guardduty_backends, org.account_id) or {}).get(region)
        return regional is not None and admin in regional.admin_account_ids

    def first_detector(account: str, region: str) -> Any:
        backend = (dict.get(guardduty_backends, account) or {}).get(region)
        return next(iter(backend.detectors.values()), None) if backend is not None else None

    def relationship(member: dict[str, Any], region: str) -> str:
        """Created (not associated: an invitation was never accepted), Enabled (associated, and
        GuardDuty is on in the member's account and region) or Disabled (associated, no
        enabled detector)."""
        if not member["associated"]:
            return "Created"
        detector = first_detector(member["accountId"], region)
        return "Enabled" if detector is not None and detector.enabled else "Disabled"

    def administrator_of(account: str, region: str) -> tuple[str, dict[str, Any]] | None:
        """The account's administrator in `region` and the membership, if it is associated."""
        for admin, regions in list(dict.items(guardduty_backends)):
            backend = dict.get(regions, region)
            if admin == account or backend is None:
                continue
            member = backend.__dict__.get("wp_members", {}).get(account)
            if member is not None and member["associated"]:
                return admin, member
        return None

    def visible_findings(self: GuardDutyResponse, detector: Any) -> dict[str, dict[str, Any]]:
        """The findings a detector answers for: its own and, for an administrator, those of every
        member whose relationship is Enabled in the region (the same objects: archiving one
        through the administrator archives it in the member's account too)."""
        found = dict(detector_findings(detector))
        for member in members_of(self.guardduty_backend).values():
            if relationship(member, self.region) == "Enabled":
                found.update(detector_findings(first_detector(member["accountId"], self.region)))
        return found

    def member_json(self: GuardDutyResponse, member: dict[str, Any]) -> dict[str, Any]:
        out = {
            "accountId": member["accountId"],
            "masterId": self.current_account,
            "administratorId": self.current_account,
            "email": member["email"],
            "relationshipStatus": relationship(member, self.region),
            "updatedAt": iso_ms(member["updatedAt"]),
        }
        detector = first_detector(member["accountId"], self.region)
        if detector is not None:
            out["detectorId"] = detector.id
        return out

    def _account_ids(body: dict[str, Any]) -> list[str]:
        ids = body.get("accountIds")
        if not isinstance(ids, list) or not ids:
            raise BadRequest("The request is rejected because the accountIds parameter is missing or empty.")
        if len(ids) > 50:
            raise BadRequest("The request is rejected because the accountIds parameter contains more than 50 items.")
        return [str(i) for i in ids]

    def create_members(self: GuardDutyResponse) -> str:
        body = _body(self)
        _detector(self)
        details = body.get("accountDetails")
        if not isinstance(details, list) or not details:
            raise BadRequest("The request is rejected because the accountDetails parameter is missing or empty.")
        if len(details) > 50:
            raise BadRequest("The request is rejected because the accountDetails parameter contains more than 50 items.")
        unprocessed = []
        with LOCK:
            members = members_of(self.guardduty_backend)
            for detail in details:
                detail = detail if isinstance(detail, dict) else {}
                account = str(detail.get("accountId") or "")
                if not re.fullmatch(r"\d{12}", account):
                    result = "The request is rejected because the input account ID is not valid."
                elif account == self.current_account:
                    result = "The request is rejected because the current account cannot be a member of itself."
                elif account in members:
                    result = "The request is rejected because the given account ID is already a member or associated member of the current account."
                elif administrator_of(account, self.region) is not None:
                    result = "The request is rejected because the given account ID is already associated with another administrator account."
                else:
                    members[account] = {
                        "accountId": account,
                        "email": str(detail.get("email") or ""),
                        "associated": is_organization_admin(self.current_account, account, self.region),
                        "updatedAt": utcnow(),
                    }
                    continue
                unprocessed.append({"accountId": account, "result": result})
        return _json({"unprocessedAccounts": unprocessed})

    def get_members(self: GuardDutyResponse) -> str:
        body = _body(self)
        _detector(self)
        ids = _account_ids(body)
        with LOCK:
            members = members_of(self.guardduty_backend)
            found = [member_json(self, members[i]) for i in ids if i in members]
        unprocessed = [
            {"accountId": i, "result": "The request is rejected because the given account ID is not a member of the current account."}
            for i in ids
            if i not in members
        ]
        return _json({"members": found, "unprocessedAccounts": unprocessed})

    def delete_members(self: GuardDutyResponse) -> str:
        body = _body(self)
        _detector(self)
        ids = _account_ids(body)
        unprocessed = []
        with LOCK:
            members = members_of(self.guardduty_backend)
            for i in ids:
                if members.pop(i, None) is None:
                    unprocessed.append(
                        {"accountId": i, "result": "The request is rejected because the given account ID is not a member of the current account."}
                    )
        return _json({"unprocessedAccounts": unprocessed})

    def list_members(self: GuardDutyResponse) -> str:
        _detector(self)
        qs = self.querystring
        try:
            max_results = int((qs.get("maxResults") or [50])[0])
        except ValueError:
            max_results = 0
        if not 1 <= max_results <= 50:
            raise BadRequest("The request is rejected because the input maxResults is not a valid value (1-50).")
        offset = decode_token((qs.get("nextToken") or [None])[0])
        if offset is None:
            raise BadRequest("The request is rejected because the input nextToken is not valid.")
        only_associated = str((qs.get("onlyAssociated") or ["true"])[0]).lower() != "false"
        with LOCK:
            found = [member_json(self, m) for _, m in sorted(members_of(self.guardduty_backend).items())]
        if only_associated:
            found = [m for m in found if m["relationshipStatus"] in ("Enabled", "Disabled")]
        out: dict[str, Any] = {"members": found[offset : offset + max_results]}
        if offset + max_results < len(found):
            out["nextToken"] = encode_token(offset + max_results)
        return _json(out)

    def get_administrator_account(self: GuardDutyResponse) -> str:
        _detector(self)
        with LOCK:
            found = administrator_of(self.current_account, self.region)
            if found is None:
                return _json({})
            admin, member = found
            return _json({"administrator": {"accountId": admin, "relationshipStatus": relationship(member, self.region)}})

    orig_enable_admin = GuardDutyResponse.enable_organization_admin_account

    def enable_organization_admin_account(self: GuardDutyResponse) -> str:
        admin = str(self._get_param("adminAccountId") or "")
        org = organization_of(self.current_account)
        if org is None or org.account_id != self.current_account:
            raise BadRequest(
                "The request is rejected because the current account is not the management account of an organization."
            )
        if organization_of(admin) is not org:
            raise BadRequest("The request is rejected because the input adminAccountId is not a member of the organization.")
        answer = orig_enable_admin(self)
        # As on AWS, the account becomes GuardDuty's delegated administrator in Organizations.
        if admin != org.account_id and not any(
            a.account.id == admin and GUARDDUTY_PRINCIPAL in a.services for a in org.admins
        ):
            org.register_delegated_administrator(AccountId=admin, ServicePrincipal=GUARDDUTY_PRINCIPAL)
        return answer

    GuardDutyResponse.get_administrator_account = get_administrator_account  # type: ignore[method-assign]
    GuardDutyResponse.enable_organization_admin_account = enable_organization_admin_account  # type: ignore[method-assign]

    # ---- findings --------------------------------------------------------------------------

    def list_findings(self: GuardDutyResponse) -> str:
        body = _body(self)
        detector = _detector(self)
        max_results = body.get("maxResults", 50)
        if not isinstance(max_results, int) or not 1 <= max_results <= 50:
            raise BadRequest(
                "The request is rejected because the input maxResults is not a valid value (1-50)."
            )
        offset = decode_token(body.get("nextToken"))
        if offset is None:
            raise BadRequest("The request is rejected because the input nextToken is not valid.")
        with LOCK:
            found = [f for f in visible_findings(self, detector).values() if matches(f, body.get("findingCriteria"))]
            found = sort_findings(found, body.get("sortCriteria"))
        page = found[offset : offset + max_results]
        out: dict[str, Any] = {"findingIds": [f["id"] for f in page]}
        if offset + max_results < len(found):
            out["nextToken"] = encode_token(offset + max_results)
        return _json(out)

    def get_findings(self: GuardDutyResponse) -> str:
        body = _body(self)
        detector = _detector(self)
        ids = _ids(body)
        with LOCK:
            store = visible_findings(self, detector)
            found = [copy.deepcopy(store[i]) for i in ids if i in store]
        found = sort_findings(found, body.get("sortCriteria"))
        return _json({"findings": found})

    def _set_archived(self: GuardDutyResponse, archived: bool) -> str:
        body = _body(self)
        detector = _detector(self)
        ids = _ids(body)
        with LOCK:
            if administrator_of(self.current_account, self.region) is not None:
                raise BadRequest(MEMBER_CANNOT_ARCHIVE)
            store = visible_findings(self, detector)
            for i in ids:
                if i in store:
                    store[i]["service"]["archived"] = archived
        return _json({})

    def archive_findings(self: GuardDutyResponse) -> str:
        return _set_archived(self, True)

    def unarchive_findings(self: GuardDutyResponse) -> str:
        return _set_archived(self, False)

    def update_findings_feedback(self: GuardDutyResponse) -> str:
        body = _body(self)
        detector = _detector(self)
        ids = _ids(body)
        feedback = body.get("feedback")
        if feedback not in ("USEFUL", "NOT_USEFUL"):
            raise BadRequest("The request is rejected because the feedback parameter is not valid.")
        with LOCK:
            store = visible_findings(self, detector)
            for i in ids:
                if i in store:
                    store[i]["service"]["userFeedback"] = feedback
        return _json({})

    def get_findings_statistics(self: GuardDutyResponse) -> str:
        body = _body(self)
        detector = _detector(self)
        types = body.get("findingStatisticTypes") or []
        group_by = body.get("groupBy")
        if not types and not group_by:
            raise BadRequest(
                "The request is rejected because either findingStatisticTypes or groupBy must be provided."
            )
        with LOCK:
            found = [
                copy.deepcopy(f)
                for f in visible_findings(self, detector).values()
                if matches(f, body.get("findingCriteria"))
            ]
        stats: dict[str, Any] = {}
        if "COUNT_BY_SEVERITY" in types:
            counts: dict[str, int] = {}
            for f in found:
                key = str(float(f["severity"]))
                counts[key] = counts.get(key, 0) + 1
            stats["countBySeverity"] = counts
        if group_by:
            desc = (body.get("orderBy") or "DESC").upper() == "DESC"
            limit = body.get("maxResults") or 25
            groups: dict[Any, dict[str, Any]] = {}

            def bump(key: Any, item: dict[str, Any], f: dict[str, Any]) -> None:
                g = groups.setdefault(key, dict(item, totalFindings=0, lastGeneratedAt=0.0))
                g["totalFindings"] += 1
                g["lastGeneratedAt"] = max(g["lastGeneratedAt"], epoch_ms(parse_time(f["updatedAt"])) / 1000.0)

            for f in found:
                if group_by == "SEVERITY":
                    bump(f["severity"], {"severity": float(f["severity"])}, f)
                elif group_by == "FINDING_TYPE":
                    bump(f["type"], {"findingType": f["type"]}, f)
                elif group_by == "ACCOUNT":
                    bump(f["accountId"], {"accountId": f["accountId"]}, f)
                elif group_by == "DATE":
                    day = parse_time(f["updatedAt"]).replace(hour=0, minute=0, second=0, microsecond=0)
                    bump((day, f["severity"]), {"date": day.timestamp(), "severity": float(f["severity"])}, f)
                elif group_by == "RESOURCE":
                    res = f.get("resource", {})
                    rid = (
                        res.get("instanceDetails", {}).get("instanceId")
                        or res.get("accessKeyDetails", {}).get("accessKeyId")
                        or (res.get("s3BucketDetails") or [{}])[0].get("arn")
                        or res.get("eksClusterDetails", {}).get("arn")
                        or "unknown"
                    )
                    bump(rid, {"accountId": f["accountId"], "resourceId": rid, "resourceType": res.get("resourceType")}, f)
            items = sorted(groups.values(), key=lambda g: g["totalFindings"], reverse=desc)[:limit]
            field = {
                "SEVERITY": "groupedBySeverity",
                "FINDING_TYPE": "groupedByFindingType",
                "ACCOUNT": "groupedByAccount",
                "DATE": "groupedByDate",
                "RESOURCE": "groupedByResource",
            }.get(group_by)
            if field is None:
                raise BadRequest("The request is rejected because the groupBy parameter is not valid.")
            stats[field] = items
        return _json({"findingStatistics": stats})

    def create_sample_findings(self: GuardDutyResponse) -> str:
        body = _body(self)
        detector = _detector(self)
        types = body.get("findingTypes") or DEFAULT_SAMPLE_TYPES
        now = utcnow()
        with LOCK:
            store = detector_findings(detector)
            for t in types:
                f = build_finding(self.current_account, self.region, _detector_id(self), t, now, sample=True)
                store[f["id"]] = f
        return _json({})

    def list_filters(self: GuardDutyResponse) -> str:
        detector = _detector(self)
        qs = self.querystring
        max_results = int((qs.get("maxResults") or [50])[0])
        if not 1 <= max_results <= 50:
            raise BadRequest("The request is rejected because the input maxResults is not a valid value (1-50).")
        offset = decode_token((qs.get("nextToken") or [None])[0])
        if offset is None:
            raise BadRequest("The request is rejected because the input nextToken is not valid.")
        names = sorted(detector.filters)
        out: dict[str, Any] = {"filterNames": names[offset : offset + max_results]}
        if offset + max_results < len(names):
            out["nextToken"] = encode_token(offset + max_results)
        return _json(out)

    for fn in (
        list_findings,
        get_findings,
        archive_findings,
        unarchive_findings,
        update_findings_feedback,
        get_findings_statistics,
        create_sample_findings,
        list_filters,
        create_members,
        get_members,
        delete_members,
        list_members,
    ):
        if fn.__name__ not in GuardDutyResponse.__dict__:
            setattr(GuardDutyResponse, fn.__name__, fn)

    def seed(body: dict[str, Any]) -> dict[str, Any]:
        account = str(body.get("accountId") or "123456789012")
        region = body.get("region") or "us-east-1"
        backend = guardduty_backends[account][region]
        detector_id = body.get("detectorId")
        if not detector_id:
            if not backend.detectors:
                raise ValueError(f"no detector in {account}/{region}; create one or pass detectorId")
            detector_id = next(iter(backend.detectors))
        detector = backend.get_detector(detector_id)
        ids = []
        now = utcnow()
        with LOCK:
            store = detector_findings(detector)
            for partial in body.get("findings") or [{}]:
                ftype = partial.get("type") or "Recon:EC2/PortProbeUnprotectedPort"
                base = build_finding(account, region, detector_id, ftype, now)
                if "id" in partial:
                    base["arn"] = ""
                f = deep_merge(base, partial)
                f["accountId"], f["region"] = account, region
                if "updatedAt" in partial and "createdAt" not in partial:
                    f["createdAt"] = partial["updatedAt"]
                if "updatedAt" in partial:
                    if "eventLastSeen" not in (partial.get("service") or {}):
                        f["service"]["eventLastSeen"] = partial["updatedAt"]
                    if "eventFirstSeen" not in (partial.get("service") or {}):
                        f["service"]["eventFirstSeen"] = f["createdAt"]
                f = normalise_seeded(f, detector_id)
                store[f["id"]] = f
                ids.append(f["id"])
        return {"detectorId": detector_id, "findingIds": ids}

    PRIVATE_ROUTES["/_watchpost/guardduty/findings"] = seed


# --------------------------------------------------------------------------
# CloudWatch
# --------------------------------------------------------------------------


def install_cloudwatch() -> None:
    from moto.cloudwatch.exceptions import InvalidParameterValue
    from moto.cloudwatch.models import CloudWatchBackend
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.core.responses import ActionResult, EmptyResult

    def history(backend: Any) -> list[dict[str, Any]]:
        h = backend.__dict__.get("wp_alarm_history")
        if h is None:
            h = []
            backend.__dict__["wp_alarm_history"] = h
        return h

    def alarm_type(alarm: Any) -> str:
        return "CompositeAlarm" if alarm.rule is not None else "MetricAlarm"

    orig_put = CloudWatchBackend.put_metric_alarm
    orig_set = CloudWatchBackend.set_alarm_state

    def put_metric_alarm(self: Any, *args: Any, **kwargs: Any) -> Any:
        existed = kwargs.get("name") in self.alarms or (args and args[0] in self.alarms)
        alarm = orig_put(self, *args, **kwargs)
        now = utcnow()
        kind = alarm_type(alarm)
        data = {"version": "1.0", "type": "Update" if existed else "Create"}
        key = "updatedAlarm" if existed else "createdAlarm"
        data[key] = {
            "alarmName": alarm.name,
            "alarmArn": alarm.alarm_arn,
            "actionsEnabled": bool(alarm.actions_enabled),
            "stateValue": alarm.state_value,
            "alarmActions": list(alarm.alarm_actions or []),
        }
        if kind == "CompositeAlarm":
            data[key]["alarmRule"] = alarm.rule
        else:
            data[key].update(
                {
                    "namespace": alarm.namespace,
                    "metricName": alarm.metric_name,
                    "comparisonOperator": alarm.comparison_operator,
                    "threshold": alarm.threshold,
                    "evaluationPeriods": alarm.evaluation_periods,
                    "period": alarm.period,
                    "statistic": alarm.statistic,
                }
            )
        with LOCK:
            history(self).append(
                {
                    "AlarmName": alarm.name,
                    "AlarmType": kind,
                    "Timestamp": now,
                    "HistoryItemType": "ConfigurationUpdate",
                    "HistorySummary": f'Alarm "{alarm.name}" {"updated" if existed else "created"}',
                    "HistoryData": json.dumps(data),
                }
            )
        return alarm

    def set_alarm_state(self: Any, alarm_name: str, reason: str, reason_data: str, state_value: str) -> None:
        old = self.alarms.get(alarm_name)
        old_state = (old.state_value, old.state_reason) if old is not None else None
        orig_set(self, alarm_name, reason, reason_data, state_value)
        alarm = self.alarms[alarm_name]
        if old_state is None:
            return
        new_state: dict[str, Any] = {"stateValue": state_value, "stateReason": reason}
        if reason_data:
            try:
                new_state["stateReasonData"] = json.loads(reason_data)
            except ValueError:
                pass
        data = {
            "version": "1.0",
            "oldState": {"stateValue": old_state[0], "stateReason": old_state[1]},
            "newState": new_state,
        }
        with LOCK:
            history(self).append(
                {
                    "AlarmName": alarm_name,
                    "AlarmType": alarm_type(alarm),
                    "Timestamp": parse_time(alarm.state_updated_timestamp),
                    "HistoryItemType": "StateUpdate",
                    "HistorySummary": f"Alarm updated from {old_state[0]} to {state_value}",
                    "HistoryData": json.dumps(data),
                }
            )

    CloudWatchBackend.put_metric_alarm = put_metric_alarm  # type: ignore[method-assign]
    CloudWatchBackend.set_alarm_state = set_alarm_state  # type: ignore[method-assign]

    def _types(self: Any) -> set[str]:
        types = self._get_param("AlarmTypes") or []
        for t in types:
            if t not in ("CompositeAlarm", "MetricAlarm"):
                raise InvalidParameterValue(f"The value {t} for parameter AlarmTypes is not valid.")
        # AWS: "If you omit this parameter, only metric alarms are returned."
        return set(types) or {"MetricAlarm"}

    def _page(self: Any, items: list[Any], default: int, top: int) -> tuple[list[Any], str | None]:
        max_records = self._get_param("MaxRecords") or default
        max_records = int(max_records)
        if not 1 <= max_records <= top:
            raise InvalidParameterValue(f"The value {max_records} for parameter MaxRecords is not valid.")
        offset = decode_token(self._get_param("NextToken"))
        if offset is None:
            raise InvalidParameterValue("The service cannot find the next token.")
        page = items[offset : offset + max_records]
        token = encode_token(offset + max_records) if offset + max_records < len(items) else None
        return page, token

    def put_composite_alarm(self: Any) -> Any:
        tags = self._get_param("Tags", [])
        self.cloudwatch_backend.put_metric_alarm(
            name=self._get_param("AlarmName"),
            namespace=None,
            metric_name=None,
            comparison_operator=None,
            evaluation_periods=None,
            period=None,
            threshold=None,
            statistic=None,
            description=self._get_param("AlarmDescription"),
            dimensions=[],
            alarm_actions=self._get_param("AlarmActions", []),
            ok_actions=self._get_param("OKActions", []),
            insufficient_data_actions=self._get_param("InsufficientDataActions", []),
            actions_enabled=self._get_param("ActionsEnabled"),
            rule=self._get_param("AlarmRule"),
            tags=tags,
        )
        return EmptyResult()

    def describe_alarms(self: Any) -> Any:
        action_prefix = self._get_param("ActionPrefix")
        name_prefix = self._get_param("AlarmNamePrefix")
        names = self._get_param("AlarmNames", [])
        state_value = self._get_param("StateValue")
        types = _types(self)
        alarms = list(self.cloudwatch_backend.describe_alarms())
        if action_prefix:
            alarms = [a for a in alarms if any(x.startswith(action_prefix) for x in (a.alarm_actions or []))]
        if name_prefix:
            alarms = [a for a in alarms if a.name.startswith(name_prefix)]
        if names:
            alarms = [a for a in alarms if a.name in names]
        if state_value:
            alarms = [a for a in alarms if a.state_value == state_value]
        alarms = [a for a in alarms if alarm_type(a) in types]
        alarms.sort(key=lambda a: (alarm_type(a) != "MetricAlarm", a.name))
        page, token = _page(self, alarms, 50, 100)
        result: dict[str, Any] = {
            "MetricAlarms": [a for a in page if alarm_type(a) == "MetricAlarm"],
            "CompositeAlarms": [a for a in page if alarm_type(a) == "CompositeAlarm"],
        }
        if token:
            result["NextToken"] = token
        return ActionResult(result)

    def describe_alarm_history(self: Any) -> Any:
        name = self._get_param("AlarmName")
        item_type = self._get_param("HistoryItemType")
        start = self._get_param("StartDate")
        end = self._get_param("EndDate")
        scan_by = self._get_param("ScanBy") or "TimestampDescending"
        types = _types(self)
        with LOCK:
            items = list(history(self.cloudwatch_backend))
        if name:
            items = [i for i in items if i["AlarmName"] == name]
        if item_type:
            items = [i for i in items if i["HistoryItemType"] == item_type]
        if start:
            s = parse_time(start)
            items = [i for i in items if i["Timestamp"] >= s]
        if end:
            e = parse_time(end)
            items = [i for i in items if i["Timestamp"] <= e]
        items = [i for i in items if i["AlarmType"] in types]
        items.sort(key=lambda i: i["Timestamp"], reverse=scan_by != "TimestampAscending")
        page, token = _page(self, items, 100, 100)
        result: dict[str, Any] = {"AlarmHistoryItems": page}
        if token:
            result["NextToken"] = token
        return ActionResult(result)

    CloudWatchResponse.put_composite_alarm = put_composite_alarm  # type: ignore[attr-defined]
    CloudWatchResponse.describe_alarms = describe_alarms  # type: ignore[method-assign]
    CloudWatchResponse.describe_alarm_history = describe_alarm_history  # type: ignore[attr-defined]


# --------------------------------------------------------------------------
# IAM
# --------------------------------------------------------------------------

CSV_DATE = "%Y-%m-%dT%H:%M:%S+00:00"


def _csv_date(dt: Any) -> str:
    if dt is None:
        return "N/A"
    if hasattr(dt, "timestamp") and not isinstance(dt, datetime):
        dt = dt.timestamp  # AccessKeyLastUsed
    return parse_time(dt).strftime(CSV_DATE)


def install_iam() -> None:
    from moto.iam.models import AccessKeyLastUsed, IAMBackend, User, iam_backends

    def root_state(backend: Any) -> dict[str, Any]:
        st = backend.__dict__.get("wp_root")
        if st is None:
            st = {
                "createDate": utcnow(),
                "passwordLastUsed": None,
                "mfaActive": False,
                "keys": [],  # [{active, lastRotated, lastUsedDate, lastUsedRegion, lastUsedService}]
            }
            backend.__dict__["wp_root"] = st
        return st

    def key_cols(key: Any) -> list[str]:
        if key is None:
            return ["false", "N/A", "N/A", "N/A", "N/A"]
        lu = key.last_used
        return [
            "true" if key.status == "Active" else "false",
            _csv_date(key.create_date),
            _csv_date(lu) if lu is not None else "N/A",
            (getattr(lu, "region", None) or "N/A") if lu is not None else "N/A",
            (getattr(lu, "service", None) or "N/A") if lu is not None else "N/A",
        ]

    def user_to_csv(self: Any) -> str:
        backend = iam_backends[self.account_id]["aws"]
        policy = backend.account_password_policy
        if not self.password:
            pw = ["false", "N/A", "N/A", "N/A"]
        else:
            changed = self.__dict__.get("wp_password_last_changed") or self.create_date
            nxt = "N/A"
            if policy is not None and policy.expire_passwords:
                nxt = _csv_date(parse_time(changed) + timedelta(days=policy.max_password_age))
            pw = [
                "true",
                _csv_date(self.password_last_used) if self.password_last_used else "no_information",
                _csv_date(changed),
                nxt,
            ]
        keys = list(self.access_keys)
        certs = list(self.signing_certificates.values())

        def cert(i: int) -> list[str]:
            if len(certs) <= i:
                return ["false", "N/A"]
            c = certs[i]
            up = getattr(c, "upload_date", None)
            return ["true" if c.status == "Active" else "false", _csv_date(up) if up else "N/A"]

        fields = (
            [self.name, self.arn, _csv_date(self.create_date)]
            + pw
            + ["true" if self.mfa_devices else "false"]
            + key_cols(keys[0] if keys else None)
            + key_cols(keys[1] if len(keys) > 1 else None)
            + cert(0)
            + cert(1)
        )
        return ",".join(fields) + "\n"

    User.to_csv = user_to_csv  # type: ignore[method-assign]

    orig_report = IAMBackend.get_credential_report

    def get_credential_report(self: Any) -> str:
        report = orig_report(self)
        header, _, rest = report.partition("\n")
        st = root_state(self)
        rk = st["keys"]

        def rkey(i: int) -> list[str]:
            if len(rk) <= i:
                return ["false", "N/A", "N/A", "N/A", "N/A"]
            k = rk[i]
            used = k.get("lastUsedDate")
            return [
                "true" if k.get("active", True) else "false",
                _csv_date(k.get("lastRotated") or st["createDate"]),
                _csv_date(used) if used else "N/A",
                (k.get("lastUsedRegion") or "N/A") if used else "N/A",
                (k.get("lastUsedService") or "N/A") if used else "N/A",
            ]

        root = (
            ["<root_account>", f"arn:aws:iam::{self.account_id}:root", _csv_date(st["createDate"]),
             "not_supported",
             _csv_date(st["passwordLastUsed"]) if st["passwordLastUsed"] else "no_information",
             "not_supported", "not_supported",
             "true" if st["mfaActive"] else "false"]
            + rkey(0) + rkey(1)
            + ["false", "N/A", "false", "N/A"]
        )
        return header + "\n" + ",".join(root) + "\n" + rest

    IAMBackend.get_credential_report = get_credential_report  # type: ignore[method-assign]

    # GeneratedTime: moto answers a fixed 2015 date. AWS reports when the report was made and
    # makes a new one only when the last is more than 4 hours old.
    orig_generate = IAMBackend.generate_report

    def generate_report(self: Any) -> None:
        orig_generate(self)
        last = self.__dict__.get("wp_report_generated")
        if last is None or utcnow() - last > timedelta(hours=4):
            self.__dict__["wp_report_generated"] = utcnow()

    IAMBackend.generate_report = generate_report  # type: ignore[method-assign]

    from moto.core.responses import ActionResult
    from moto.iam.responses import IamResponse

    def get_credential_report_response(self: Any) -> Any:
        report = self.backend.get_credential_report()
        generated = self.backend.__dict__.get("wp_report_generated") or utcnow()
        return ActionResult(
            {"Content": report, "ReportFormat": "text/csv", "GeneratedTime": iso_ms(generated)}
        )

    IamResponse.get_credential_report = get_credential_report_response  # type: ignore[method-assign]

    orig_create_lp = IAMBackend.create_login_profile
    orig_update_lp = IAMBackend.update_login_profile

    def create_login_profile(self: Any, user_name: str, password: str) -> Any:
        user = orig_create_lp(self, user_name, password)
        user.__dict__["wp_password_last_changed"] = utcnow()
        return user

    def update_login_profile(self: Any, user_name: str, password: str, password_reset_required: bool) -> Any:
        user = orig_update_lp(self, user_name, password, password_reset_required)
        if password:
            user.__dict__["wp_password_last_changed"] = utcnow()
        return user

    IAMBackend.create_login_profile = create_login_profile  # type: ignore[method-assign]
    IAMBackend.update_login_profile = update_login_profile  # type: ignore[method-assign]

    def backdate(body: dict[str, Any]) -> dict[str, Any]:
        account = str(body.get("accountId") or "123456789012")
        backend = iam_backends[account]["aws"]
        user = backend.get_user(body["userName"])
        with LOCK:
            if body.get("createDate"):
                user.create_date = parse_time(body["createDate"])
            if body.get("passwordLastUsed"):
                user.password_last_used = parse_time(body["passwordLastUsed"])
            if body.get("passwordLastChanged"):
                user.__dict__["wp_password_last_changed"] = parse_time(body["passwordLastChanged"])
            key_fields = ("keyCreateDate", "keyLastUsedDate", "keyLastUsedService", "keyLastUsedRegion", "keyStatus")
            if any(body.get(k) for k in key_fields) or body.get("accessKeyId"):
                keys = user.access_keys
                if body.get("accessKeyId"):
                    keys = [k for k in keys if k.access_key_id == body["accessKeyId"]]
                    if not keys:
                        raise ValueError(f"user {user.name} has no access key {body['accessKeyId']}")
                elif not keys:
                    raise ValueError(f"user {user.name} has no access keys")
                else:
                    keys = keys[:1]
                key = keys[0]
                if body.get("keyCreateDate"):
                    key.create_date = parse_time(body["keyCreateDate"])
                if body.get("keyStatus"):
                    key.status = body["keyStatus"]
                if body.get("keyLastUsedDate"):
                    key.last_used = AccessKeyLastUsed(
                        timestamp=parse_time(body["keyLastUsedDate"]),
                        service=body.get("keyLastUsedService") or "iam",
                        region=body.get("keyLastUsedRegion") or "us-east-1",
                    )
        return {
            "userName": user.name,
            "createDate": _csv_date(user.create_date),
            "accessKeys": [
                {"accessKeyId": k.access_key_id, "createDate": _csv_date(k.create_date),
                 "lastUsedDate": _csv_date(k.last_used) if k.last_used else None}
                for k in user.access_keys
            ],
        }

    def root(body: dict[str, Any]) -> dict[str, Any]:
        account = str(body.get("accountId") or "123456789012")
        backend = iam_backends[account]["aws"]
        with LOCK:
            st = root_state(backend)
            if body.get("createDate"):
                st["createDate"] = parse_time(body["createDate"])
            if "passwordLastUsed" in body:
                st["passwordLastUsed"] = parse_time(body["passwordLastUsed"]) if body["passwordLastUsed"] else None
            if "mfaActive" in body:
                st["mfaActive"] = bool(body["mfaActive"])
            if "accessKeys" in body:
                st["keys"] = [
                    {
                        "active": k.get("active", True),
                        "lastRotated": parse_time(k["lastRotated"]) if k.get("lastRotated") else None,
                        "lastUsedDate": parse_time(k["lastUsedDate"]) if k.get("lastUsedDate") else None,
                        "lastUsedRegion": k.get("lastUsedRegion"),
                        "lastUsedService": k.get("lastUsedService"),
                    }
                    for k in (body["accessKeys"] or [])[:2]
                ]
            summary = backend.account_summary
            summary._account_mfa_enabled = 1 if st["mfaActive"] else 0
            summary._account_access_keys_present = 1 if st["keys"] else 0
        return {"accountId": account, "mfaActive": st["mfaActive"], "accessKeys": len(st["keys"])}

    PRIVATE_ROUTES["/_watchpost/iam/backdate"] = backdate
    PRIVATE_ROUTES["/_watchpost/iam/root"] = root


# --------------------------------------------------------------------------
# Organizations
# --------------------------------------------------------------------------


# What a delegated administrator may read of its organisation (AWS: ListAccounts "can be
# called only from the organization's management account or by a member account that is a
# delegated administrator for an Amazon Web Services service"); moto answered a member from
# the member's own, empty, backend.
ORGANIZATIONS_READS = {
    "ListAccounts",
    "ListAccountsForParent",
    "ListParents",
    "ListChildren",
    "ListOrganizationalUnitsForParent",
    "ListRoots",
    "DescribeAccount",
    "DescribeOrganizationalUnit",
    "ListDelegatedAdministrators",
    "ListDelegatedServicesForAccount",
}


def install_organizations() -> None:
    """A member account that is a delegated administrator reads its organisation; another
    member is refused. A reset forgets which organisation each account belonged to."""
    from moto.moto_api._internal.models import MotoAPIBackend
    from moto.organizations.models import organizations_backends
    from moto.organizations.responses import OrganizationsResponse

    # moto kept the map (member -> management account) across `POST /moto-api/reset`, so a
    # member of an organisation that no longer existed answered 500.
    orig_reset = MotoAPIBackend.reset

    def reset(self: Any) -> None:
        orig_reset(self)
        organizations_backends.master_accounts.clear()

    MotoAPIBackend.reset = reset  # type: ignore[method-assign]

    own_backend = OrganizationsResponse.organizations_backend.fget  # type: ignore[attr-defined]

    def organizations_backend(self: Any) -> Any:
        backend = own_backend(self)
        link = organizations_backends.master_accounts.get(self.current_account)
        if backend.org is not None or link is None or self._get_action() not in ORGANIZATIONS_READS:
            return backend
        management = organizations_backends[link[0]][link[1]]
        if any(a.account.id == self.current_account and a.services for a in management.admins):
            return management
        refuse(self, "denied", "You don't have permissions to access this resource.")

    OrganizationsResponse.organizations_backend = property(organizations_backend)  # type: ignore[method-assign,assignment]


# --------------------------------------------------------------------------
# STS
# --------------------------------------------------------------------------

ROLE_ARN_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/")


def install_sts() -> None:
    """AssumeRole into a role that does not exist is refused, as AWS refuses it: moto let it
    succeed (and so any caller could enter any account). The account of the credentials
    still comes from the role ARN."""
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends
    from moto.sts.responses import TokenResponse

    orig_assume_role = TokenResponse.assume_role

    def assume_role(self: Any) -> Any:
        role_arn = str(self._get_param("RoleArn") or "")
        match = ROLE_ARN_ACCOUNT.match(role_arn)
        account = match.group(1) if match else self.current_account
        try:
            iam_backends[account][self.partition].get_role_by_arn(role_arn)
        except NotFoundException:
            caller = sts_backends[self.current_account][self.partition].get_caller_identity(
                self.get_access_key(), self.region
            )[1]
            refuse(
                self,
                "denied",
                f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
            )
        return orig_assume_role(self)

    TokenResponse.assume_role = assume_role  # type: ignore[method-assign]


# --------------------------------------------------------------------------
# IAM enforcement (INITIAL_NO_AUTH_ACTION_COUNT / POST /moto-api/reset-auth)
# --------------------------------------------------------------------------

# moto names the IAM action after the SigV4 signing name of the credential scope. Where that
# name is not the service's prefix in AWS's Service Authorization Reference, use the prefix.
SIGNING_NAME_TO_IAM_PREFIX: dict[str, str] = {
    "monitoring": "cloudwatch",
    "iotdata": "iot",
    "IoTSecuredTunneling": "iot",
    "iot-jobs-data": "iotjobsdata",
    "tagging": "tag",
}

# S3 Control signs as `s3`; its IAM actions are `s3:` actions, a few under another name.
S3CONTROL_ACTIONS: dict[str, str] = {
    "GetPublicAccessBlock": "GetAccountPublicAccessBlock",
    "PutPublicAccessBlock": "PutAccountPublicAccessBlock",
    "DeletePublicAccessBlock": "PutAccountPublicAccessBlock",
}

# A bucket's Block Public Access (`?publicAccessBlock`): moto 5.2.5 looks its action up under
# `public_access_block`, misses, and names the bucket's default for the method (ListBucket,
# CreateBucket, DeleteBucket). IAM authorises them as these bucket actions.
S3_BUCKET_BLOCK_ACTIONS: dict[str, str] = {
    "ListBucket": "GetBucketPublicAccessBlock",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "CreateBucket": "PutBucketPublicAccessBlock",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "DeleteBucket": "PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
}

# The raw body of the request this thread is serving (see WatchpostMiddleware): SigV4 signs
# the bytes sent, which moto no longer has once werkzeug parsed a form.
CURRENT = threading.local()

# The enforcement setting the server started with; `POST /moto-api/reset` goes back to it.
START_NO_AUTH_COUNT: float = float("inf")


def iam_action(signing_name: str, operation: str, path: str) -> str:
    """The IAM action (`prefix:Operation`) a request signed for `signing_name` needs."""
    if signing_name == "s3" and path.startswith("/v20180820/"):
        return f"s3:{S3CONTROL_ACTIONS.get(operation, operation)}"
    query = [p.partition("=")[0] for p in path.partition("?")[2].split("&")]
    if signing_name == "s3" and "publicAccessBlock" in query:
        return f"s3:{S3_BUCKET_BLOCK_ACTIONS.get(operation, operation)}"
    return f"{SIGNING_NAME_TO_IAM_PREFIX.get(signing_name, signing_name)}:{operation}"


class Denied(Exception):
    """An IAM denial, answered in the wire format of the service's protocol."""

    def __init__(self, user_arn: str, action: str, explicit: bool) -> None:
        super().__init__(action)
        self.user_arn = user_arn
        self.action = action
        self.explicit = explicit

    def message(self) -> str:
        why = (
            "with an explicit deny in an identity-based policy"
            if self.explicit
            else f"because no identity-based policy allows the {self.action} action"
        )
        return f"User: {self.user_arn} is not authorized to perform: {self.action} {why}"


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# What AWS answers, per protocol, when a call is denied or its credentials are refused:
# kind -> protocol -> (HTTP status, error code, fixed message or None for the caller's).
AUTH_ERRORS: dict[str, dict[str, tuple[int, str, str | None]]] = {
    "denied": {
        "query": (403, "AccessDenied", None),
        "ec2": (403, "UnauthorizedOperation", "You are not authorized to perform this operation. {}"),
        "json": (400, "AccessDeniedException", None),
        "rest-json": (403, "AccessDeniedException", None),
        "rest-xml": (403, "AccessDenied", "Access Denied"),
    },
    "unknown-key": {
        "query": (403, "InvalidClientTokenId", "The security token included in the request is invalid."),
        "ec2": (401, "AuthFailure", "AWS was not able to validate the provided access credentials"),
        "json": (400, "UnrecognizedClientException", "The security token included in the request is invalid."),
        "rest-json": (403, "UnrecognizedClientException", "The security token included in the request is invalid."),
        "rest-xml": (403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."),
    },
    "bad-signature": {
        "query": (403, "SignatureDoesNotMatch", None),
        "ec2": (401, "AuthFailure", "AWS was not able to validate the provided access credentials"),
        "json": (400, "InvalidSignatureException", None),
        "rest-json": (403, "InvalidSignatureException", None),
        "rest-xml": (403, "SignatureDoesNotMatch", None),
    },
}
SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)


def auth_error_response(
    kind: str, protocol: str, namespace: str | None, json_version: str, message: str
) -> tuple[int, dict[str, str], str]:
    """(status, headers, body) of AWS's answer to a refused call in `protocol`'s format."""
    protocol = {"query-json": "json"}.get(protocol, protocol)
    table = AUTH_ERRORS[kind]
    status, code, fixed = table.get(protocol, table["query"])
    if fixed is not None:
        message = fixed.format(message)
    request_id = str(uuid.uuid4())
    if protocol == "rest-json":
        # e.g. GuardDuty: {"message", "__type"} (its API reference's error shape).
        body = json.dumps({"message": message, "__type": code})
        return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code, "x-amzn-RequestId": request_id}, body
    if protocol == "json":
        # CloudTrail, CloudWatch Logs, AWS Config.
        body = json.dumps({"__type": code, "Message": message})
        return status, {"Content-Type": f"application/x-amz-json-{json_version}", "x-amzn-ErrorType": code, "x-amzn-RequestId": request_id}, body
    if protocol == "ec2":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
            f"<Message>{_xml_escape(message)}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
        )
        return status, {"Content-Type": "text/xml;charset=UTF-8"}, body
    if protocol == "rest-xml":
        # S3 Control: S3's terse messages, in the wrapped error document S3 Control uses.
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Code>{code}</Code>'
            f"<Message>{_xml_escape(message)}</Message></Error><RequestId>{request_id}</RequestId>"
            f"<HostId>{base64.b64encode(uuid.uuid4().bytes).decode()}</HostId></ErrorResponse>"
        )
        return status, {"Content-Type": "application/xml", "x-amz-request-id": request_id}, body
    # Query protocol (IAM, CloudWatch, STS, ...).
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    body = (
        f"<ErrorResponse{xmlns}><Error><Type>Sender</Type><Code>{code}</Code>"
        f"<Message>{_xml_escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return status, {"Content-Type": "text/xml"}, body


@functools.cache
def _refused_http() -> type:
    from werkzeug.exceptions import HTTPException

    class RefusedHTTP(HTTPException):
        """A refusal with AWS's status, headers and body. moto's call_action answers an
        HTTPException raised by authorisation with its description, its code and the handler's
        response_headers; one raised by an operation with its description, code and headers."""

        def __init__(self, status: int, headers: dict[str, str], body: str) -> None:
            super().__init__(description=body)
            self.code = status
            self.wp_headers = headers

        def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
            return list(self.wp_headers.items())

    return RefusedHTTP


def refuse(handler: Any, kind: str, message: str) -> NoReturn:
    """Raises AWS's answer to a refused call (`kind` of AUTH_ERRORS) in the wire format of the
    protocol of `handler` (a moto response object)."""
    protocol, namespace, json_version = "query", None, "1.1"
    try:
        from moto.core.responses import get_service_model

        model = get_service_model(handler.boto3_service_name)
        protocol = handler.determine_response_protocol(model)
        namespace = model.metadata.get("xmlNamespace")
        json_version = model.metadata.get("jsonVersion") or "1.1"
    except Exception:  # noqa: BLE001 - a service without a model answers as Query
        pass
    status, headers, body = auth_error_response(kind, protocol, namespace, json_version, message)
    handler.response_headers.update(headers)
    raise _refused_http()(status, headers, body) from None


def install_auth() -> None:
    global START_NO_AUTH_COUNT
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.core.exceptions import AuthFailureError, InvalidClientTokenIdError, SignatureDoesNotMatchError
    from moto.iam.access_control import IAMPolicy, IAMPolicyStatement, IAMRequest, IAMRequestBase, PermissionResult
    from moto.moto_api._internal.models import MotoAPIBackend

    START_NO_AUTH_COUNT = settings.INITIAL_NO_AUTH_ACTION_COUNT

    # A reset also ends IAM enforcement (back to the start-up setting), so a test that turned
    # it on and failed halfway leaves nothing behind for the next one.
    orig_reset = MotoAPIBackend.reset

    def reset(self: Any) -> None:
        orig_reset(self)
        settings.INITIAL_NO_AUTH_ACTION_COUNT = START_NO_AUTH_COUNT
        ActionAuthenticatorMixin.request_count = 0

    MotoAPIBackend.reset = reset  # type: ignore[method-assign]

    # The IAM action: the Service Authorization Reference's prefix, not the signing name.
    orig_init = IAMRequestBase.__init__

    def init(self: Any, account_id: str, method: str, path: str, data: Any, body: Any, headers: Any, action: Any) -> None:
        orig_init(self, account_id, method, path, data, body, headers, action)
        operation = action[0] if isinstance(action, list) else action
        self._action = iam_action(self._service, str(operation), path)

    IAMRequestBase.__init__ = init  # type: ignore[method-assign]

    # The signature: over the bytes that were sent. moto signs its parsed form or query
    # parameters (and, for a GET without either, the headers) when the body is empty, which
    # breaks every REST GET (GuardDuty ListDetectors, GetDetector, ListFilters).
    orig_create = IAMRequestBase._create_aws_request

    def create_aws_request(self: Any) -> Any:
        request = orig_create(self)
        raw = getattr(CURRENT, "raw_body", None)
        if raw is not None:
            request.data = raw
        return request

    IAMRequestBase._create_aws_request = create_aws_request  # type: ignore[method-assign]

    # Action names are case-insensitive in IAM policies; resources are not.
    orig_matches = IAMPolicyStatement._check_element_matches

    def check_element_matches(self: Any, element: Any, value: str) -> bool:
        if element in ("Action", "NotAction"):
            patterns = self._statement[element]
            patterns = patterns if isinstance(patterns, list) else [patterns]
            return any(self._match(p.lower(), value.lower()) for p in patterns)
        return orig_matches(self, element, value)

    IAMPolicyStatement._check_element_matches = check_element_matches  # type: ignore[method-assign]

    # Denials: remember whether a Deny statement matched, and answer per protocol.
    def check_action_permitted(self: Any, resource: str) -> None:
        if self._action == "sts:GetCallerIdentity":  # always allowed, as on AWS
            return
        permitted = False
        for policy in self._access_key.collect_policies():
            result = IAMPolicy(policy).is_action_permitted(self._action, resource)
            if result == PermissionResult.DENIED:
                raise Denied(self._access_key.arn, self._action, explicit=True)
            if result == PermissionResult.PERMITTED:
                permitted = True
        if self._is_assuming_role_operation(resource):
            permitted = permitted and self._check_role_trust_relationship(resource)
        if not permitted:
            raise Denied(self._access_key.arn, self._action, explicit=False)

    IAMRequest.check_action_permitted = check_action_permitted  # type: ignore[method-assign]

    orig_authorize = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action

    def authorize(self: Any, resource: str = "*") -> None:
        try:
            orig_authorize(self, resource)
        except Denied as denied:
            refuse(self, "denied", denied.message())
        except (InvalidClientTokenIdError, AuthFailureError) as e:
            refuse(self, "unknown-key", e.message)
        except SignatureDoesNotMatchError:
            refuse(self, "bad-signature", SIGNATURE_MESSAGE)

    ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = authorize  # type: ignore[method-assign]

    # AWS managed policies on demand: MOTO_IAM_LOAD_MANAGED_POLICIES=true builds all ~1,600
    # of them in every account's IAM backend after each reset (slow, and they then show in
    # GetAccountAuthorizationDetails); this loads only the ones a test names.
    def aws_managed_policies(body: dict[str, Any]) -> dict[str, Any]:
        from moto.iam.aws_managed_policies import aws_managed_policies_data
        from moto.iam.models import AWSManagedPolicy, iam_backends

        account = str(body.get("accountId") or "123456789012")
        names = body.get("names") or []
        if not isinstance(names, list) or not names:
            raise ValueError("names: a list of AWS managed policy names, e.g. [\"SecurityAudit\"]")
        data = json.loads(aws_managed_policies_data)
        backend = iam_backends[account]["aws"]
        arns = []
        with LOCK:
            for name in names:
                if name not in data:
                    raise ValueError(f"no AWS managed policy named {name}")
                policy = AWSManagedPolicy.from_data(name, account, backend.region_name, data[name])
                if policy.arn not in backend.managed_policies:
                    backend.aws_managed_policies.append(policy)
                    backend.managed_policies[policy.arn] = policy
                arns.append(policy.arn)
        return {"accountId": account, "policyArns": arns}

    PRIVATE_ROUTES["/_watchpost/iam/aws-managed-policies"] = aws_managed_policies


# --------------------------------------------------------------------------
# private routes + server
# --------------------------------------------------------------------------

PRIVATE_ROUTES: dict[str, Any] = {}
PRIVATE_PREFIX = "/_watchpost/"


def capture_body(environ: dict[str, Any]) -> bytes:
    """Reads the request body once and puts it back for moto; returns the bytes sent."""
    stream = environ.get("wsgi.input")
    length = environ.get("CONTENT_LENGTH")
    if stream is None:
        raw = b""
    elif length:
        raw = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        raw = stream.read()
    else:
        raw = b""
    environ["wsgi.input"] = io.BytesIO(raw)
    return raw


class WatchpostMiddleware:
    """Serves /_watchpost/* (JSON in, JSON out); everything else goes to moto."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PRIVATE_PREFIX):
            CURRENT.raw_body = capture_body(environ)
            return self.app(environ, start_response)
        status, payload = "200 OK", {}
        try:
            if path == "/_watchpost/health":
                payload = {"status": "ok", "routes": sorted(PRIVATE_ROUTES)}
            else:
                handler = PRIVATE_ROUTES.get(path)
                if handler is None:
                    raise LookupError(path)
                if environ.get("REQUEST_METHOD") != "POST":
                    status, payload = "405 Method Not Allowed", {"message": "use POST"}
                else:
                    length = int(environ.get("CONTENT_LENGTH") or 0)
                    raw = environ["wsgi.input"].read(length) if length else b""
                    body = json.loads(raw or b"{}")
                    payload = handler(body)
        except LookupError as e:
            status, payload = "404 Not Found", {"message": f"no such route: {e}"}
        except Exception as e:  # noqa: BLE001 - report every seeding error to the test
            status, payload = "400 Bad Request", {"message": f"{type(e).__name__}: {e}"}
        data = json.dumps(payload).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]


def install_all() -> None:
    install_guardduty()
    install_cloudwatch()
    install_iam()
    install_organizations()
    install_sts()
    install_auth()
    # After install_auth: its reset hook is wrapped, and LookupEvents is authorised like
    # every other call.
    import cloudtrail_events

    cloudtrail_events.install(PRIVATE_ROUTES)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    parser.add_argument("--port-file", help="write the bound port here once listening")
    parser.add_argument(
        "--parent-pid",
        type=int,
        help="exit when this process is gone (a test binary that started the emulator and "
        "cannot run clean-up code at exit)",
    )
    args = parser.parse_args(argv)

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    install_all()
    app = WatchpostMiddleware(DomainDispatcherApplication(create_backend_app))
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    port = server.server_address[1]
    os.environ["MOTO_PORT"] = str(port)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as fh:
            fh.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(f"watchpost emulator (moto) listening on http://{args.host}:{port}", flush=True)

    def stop(*_: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.parent_pid:
        threading.Thread(target=watch_parent, args=(args.parent_pid, stop), daemon=True).start()
    server.serve_forever()
    if args.parent_pid and args.port_file:
        # Nobody is left to run `scripts/emulator stop`: remove our own temporary directory.
        own_dir = os.path.dirname(os.path.abspath(args.port_file))
        if os.path.basename(own_dir).startswith("watchpost-emulator."):
            shutil.rmtree(own_dir, ignore_errors=True)


def watch_parent(pid: int, stop: Any) -> None:
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            stop()
            return
        except PermissionError:
            pass
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
