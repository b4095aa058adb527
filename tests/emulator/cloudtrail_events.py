"""CloudTrail LookupEvents for watchpost's emulator (moto 5.2.5 has none).

Installed by server.py. What it adds, in the same process as moto:

* Event history: every API call moto answers through its response classes (IAM, EC2,
  CloudWatch, GuardDuty, STS, …; S3 is not recorded) becomes a management event of the
  caller's account and the call's region: event name and source, time, access key, user
  name, source IP (the `x-watchpost-source-ip` header a test sets, else 127.0.0.1), user
  agent, read-only flag, resources named in the request, request parameters, error code.
  LookupEvents calls themselves are not recorded, so what a test looks up stays put.
* `LookupEvents` (JSON 1.1, `X-Amz-Target: CloudTrail_20131101.LookupEvents`), as the AWS
  API reference describes it: at most one lookup attribute (a second is
  `InvalidLookupAttributesException`), `StartTime`/`EndTime`, `MaxResults` 1..50
  (default 50), `NextToken`, newest first. Authorised as `cloudtrail:LookupEvents` under
  IAM enforcement, like every moto call.
* Throttling: above 2 accepted calls in any second per account and region the call
  answers `ThrottlingException` (400), as AWS does.
* Private routes:
  - POST /_watchpost/cloudtrail/events: seed events at given times
    `{"accountId", "region", "events": [{"eventName", "eventTime", "accessKeyId", …}]}`
  - POST /_watchpost/cloudtrail/lookups: the arrival time of each LookupEvents call
    (`{"calls": [{"time": epoch seconds, "accountId", "region", "throttled"}]}`)
  - POST /_watchpost/cloudtrail/limit: `{"perSecond": N}` lowers (or restores) the
    limit, `{"throttle": true}` throttles every call until `{"throttle": false}`.
  `POST /moto-api/reset` clears events, the call log and the limit.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from collections import deque
from datetime import datetime, timezone
from typing import Any, Callable

SOURCE_IP_HEADER = "x-watchpost-source-ip"
DEFAULT_PER_SECOND = 2
MAX_RESULTS = 50
# Kept per account and region, newest last; older ones fall off.
MAX_EVENTS = 20000

ATTRIBUTE_KEYS = {
    "EventId": "eventID",
    "EventName": "eventName",
    "ReadOnly": "readOnly",
    "Username": "userName",
    "ResourceType": "resourceType",
    "ResourceName": "resourceName",
    "EventSource": "eventSource",
    "AccessKeyId": "accessKeyId",
}

# Request parameters whose values name a resource, with the resource's CloudTrail type.
RESOURCE_PARAMETERS = {
    "UserName": "AWS::IAM::User",
    "RoleName": "AWS::IAM::Role",
    "AccessKeyId": "AWS::IAM::AccessKey",
    "GroupId": "AWS::EC2::SecurityGroup",
    "InstanceId": "AWS::EC2::Instance",
    "AlarmName": "AWS::CloudWatch::Alarm",
    "AlarmNames.member.1": "AWS::CloudWatch::Alarm",
    "Bucket": "AWS::S3::Bucket",
    "DetectorId": "AWS::GuardDuty::Detector",
    "Name": None,
}

CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/([^/]+)/")
READ_PREFIXES = ("Get", "List", "Describe", "Lookup", "Generate")

STATE: dict[str, Any] = {}
LOCK = threading.RLock()


def _clear() -> None:
    with LOCK:
        STATE["events"] = {}  # (account, region) -> list of events, oldest first
        STATE["calls"] = []
        STATE["accepted"] = {}  # (account, region) -> deque of accepted call times
        STATE["per_second"] = DEFAULT_PER_SECOND
        STATE["throttle"] = False


_clear()


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(value: Any) -> datetime:
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    text = str(value)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def is_read_only(event_name: str) -> bool:
    return event_name.startswith(READ_PREFIXES)


def make_event(account: str, region: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A stored event: the lookup fields plus the CloudTrail record as AWS sends it."""
    name = str(fields.get("eventName") or "DescribeInstances")
    when = _parse_time(fields["eventTime"]) if "eventTime" in fields else datetime.now(timezone.utc)
    source = str(fields.get("eventSource") or "ec2.amazonaws.com")
    key = fields.get("accessKeyId")
    user = fields.get("username") or fields.get("userName")
    read_only = fields.get("readOnly")
    if read_only is None:
        read_only = is_read_only(name)
    resources = [
        {"ResourceType": r.get("ResourceType") or r.get("resourceType"), "ResourceName": r.get("ResourceName") or r.get("resourceName")}
        for r in (fields.get("resources") or [])
    ]
    event_id = str(fields.get("eventId") or uuid.uuid4())
    identity: dict[str, Any] = {"accountId": account}
    if user:
        identity.update(
            {
                "type": "IAMUser",
                "principalId": "AIDA" + uuid.uuid5(uuid.NAMESPACE_OID, f"{account}/{user}").hex[:17].upper(),
                "arn": f"arn:aws:iam::{account}:user/{user}",
                "userName": user,
            }
        )
    else:
        identity["type"] = "Unknown"
    if key:
        identity["accessKeyId"] = key
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": identity,
        "eventTime": iso(when),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": fields.get("sourceIPAddress") or "127.0.0.1",
        "userAgent": fields.get("userAgent") or "aws-cli/2.15.0",
        "requestParameters": fields.get("requestParameters"),
        "responseElements": None,
        "requestID": str(uuid.uuid4()),
        "eventID": event_id,
        "readOnly": bool(read_only),
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
    if fields.get("errorCode"):
        record["errorCode"] = fields["errorCode"]
        record["errorMessage"] = fields.get("errorMessage") or fields["errorCode"]
    if resources:
        record["resources"] = [
            {"type": r["ResourceType"], "ARN": r["ResourceName"], "accountId": account} for r in resources
        ]
    return {
        "time": when,
        "eventID": event_id,
        "eventName": name,
        "eventSource": source,
        "readOnly": bool(read_only),
        "userName": user,
        "accessKeyId": key,
        "resources": resources,
        "record": record,
    }


def store(account: str, region: str, event: dict[str, Any]) -> None:
    with LOCK:
        events = STATE["events"].setdefault((account, region), [])
        events.append(event)
        if len(events) > MAX_EVENTS:
            del events[: len(events) - MAX_EVENTS]


def matches(event: dict[str, Any], key: str, value: str) -> bool:
    field = ATTRIBUTE_KEYS[key]
    if field == "readOnly":
        return str(event["readOnly"]).lower() == value.lower()
    if field == "resourceType":
        return any(r["ResourceType"] == value for r in event["resources"])
    if field == "resourceName":
        return any(r["ResourceName"] == value for r in event["resources"])
    return event.get(field) == value


def encode_token(offset: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, fingerprint]).encode()).decode()


def decode_token(token: str, fingerprint: str) -> int | None:
    try:
        offset, seen = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError):
        return None
    if seen != fingerprint or not isinstance(offset, int) or offset < 0:
        return None
    return offset


def admit(account: str, region: str, now: float) -> bool:
    """Logs the call's arrival; whether it is under the limit (then it counts towards it)."""
    with LOCK:
        accepted = STATE["accepted"].setdefault((account, region), deque())
        while accepted and now - accepted[0] >= 1.0:
            accepted.popleft()
        throttled = STATE["throttle"] or len(accepted) >= STATE["per_second"]
        if not throttled:
            accepted.append(now)
        STATE["calls"].append({"time": now, "accountId": account, "region": region, "throttled": throttled})
        return not throttled


class LookupError_(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def lookup(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    attributes = body.get("LookupAttributes") or []
    if len(attributes) > 1:
        raise LookupError_(
            "InvalidLookupAttributesException", "You cannot have more than one lookup attribute."
        )
    attribute = None
    if attributes:
        key = attributes[0].get("AttributeKey")
        value = attributes[0].get("AttributeValue")
        if key not in ATTRIBUTE_KEYS or value is None:
            raise LookupError_("InvalidLookupAttributesException", f"Invalid lookup attribute: {key}")
        attribute = (key, str(value))
    max_results = body.get("MaxResults", MAX_RESULTS)
    if not isinstance(max_results, int) or not 1 <= max_results <= MAX_RESULTS:
        raise LookupError_("InvalidMaxResultsException", "MaxResults must be between 1 and 50.")
    start = _parse_time(body["StartTime"]) if body.get("StartTime") is not None else None
    end = _parse_time(body["EndTime"]) if body.get("EndTime") is not None else None
    if start and end and start > end:
        raise LookupError_("InvalidTimeRangeException", "StartTime must be before EndTime.")
    fingerprint = json.dumps([attribute, body.get("StartTime"), body.get("EndTime")])
    offset = 0
    if body.get("NextToken"):
        decoded = decode_token(str(body["NextToken"]), fingerprint)
        if decoded is None:
            raise LookupError_("InvalidNextTokenException", "Invalid NextToken.")
        offset = decoded
    with LOCK:
        events = list(STATE["events"].get((account, region), []))
    chosen = [
        e
        for e in events
        if (start is None or e["time"] >= start)
        and (end is None or e["time"] <= end)
        and (attribute is None or matches(e, *attribute))
    ]
    chosen.sort(key=lambda e: e["time"], reverse=True)
    page = chosen[offset : offset + max_results]
    out: dict[str, Any] = {
        "Events": [
            {
                k: v
                for k, v in {
                    "EventId": e["eventID"],
                    "EventName": e["eventName"],
                    "ReadOnly": "true" if e["readOnly"] else "false",
                    "AccessKeyId": e["accessKeyId"],
                    "EventTime": e["time"].timestamp(),
                    "EventSource": e["eventSource"],
                    "Username": e["userName"],
                    "Resources": e["resources"],
                    "CloudTrailEvent": json.dumps(e["record"]),
                }.items()
                if v is not None
            }
            for e in page
        ]
    }
    if offset + max_results < len(chosen):
        out["NextToken"] = encode_token(offset + max_results, fingerprint)
    return out


def _json_error(code: str, message: str, status: int = 400) -> tuple[int, dict[str, str], str]:
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amzn-ErrorType": code, "status": str(status)}
    return status, headers, json.dumps({"__type": code, "message": message})


def _resources_of(params: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for name, kind in RESOURCE_PARAMETERS.items():
        value = params.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str) and value and kind:
            out.append({"ResourceType": kind, "ResourceName": value})
    return out


def _parameters(handler: Any) -> dict[str, Any]:
    """The call's request parameters: a JSON body, or the form / query string."""
    body = getattr(handler, "body", None)
    if isinstance(body, (bytes, str)) and body[:1] in ("{", b"{"):
        try:
            data = json.loads(body)
            return data if isinstance(data, dict) else {}
        except ValueError:
            return {}
    params: dict[str, Any] = {}
    for name, values in (getattr(handler, "querystring", None) or {}).items():
        if name in ("Action", "Version"):
            continue
        params[name] = values[0] if isinstance(values, list) and len(values) == 1 else values
    return params


def _error_code(status: int, headers: Any, body: Any) -> str | None:
    if status < 400:
        return None
    if isinstance(headers, dict) and headers.get("X-Amzn-ErrorType"):
        return str(headers["X-Amzn-ErrorType"]).split(":")[0]
    text = body.decode(errors="replace") if isinstance(body, bytes) else str(body or "")
    found = re.search(r"<Code>([^<]+)</Code>", text) or re.search(r'"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"', text)
    return found.group(1) if found else str(status)


def record_call(handler: Any, status: int, headers: Any, body: Any, user_of: Callable[[str, str], str | None]) -> None:
    """Records one answered call as an event of its account and region."""
    try:
        name = handler._get_action()
    except Exception:  # noqa: BLE001 - a call moto cannot name is not recorded
        return
    service = getattr(handler, "service_name", None) or "unknown"
    if not name or (service == "cloudtrail" and name == "LookupEvents"):
        return
    auth = str(handler.headers.get("Authorization") or "")
    found = CREDENTIAL.search(auth)
    key = found.group(1) if found else None
    if found:
        service = found.group(3)
    account = handler.current_account
    params = _parameters(handler)
    fields = {
        "eventName": name,
        "eventSource": f"{service}.amazonaws.com",
        "accessKeyId": key,
        "username": user_of(account, key) if key else None,
        "sourceIPAddress": handler.headers.get(SOURCE_IP_HEADER) or "127.0.0.1",
        "userAgent": handler.headers.get("User-Agent") or "",
        "requestParameters": params or None,
        "resources": _resources_of(params),
        "errorCode": _error_code(int(status), headers, body),
    }
    store(account, handler.region or "us-east-1", make_event(account, handler.region or "us-east-1", fields))


def install(private_routes: dict[str, Any]) -> None:
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.core.responses import BaseResponse
    from moto.iam.models import iam_backends
    from moto.moto_api._internal.models import MotoAPIBackend

    def user_of(account: str, key: str) -> str | None:
        try:
            backend = iam_backends[account]["aws"]
            user = backend.get_user_from_access_key_id(key)
        except Exception:  # noqa: BLE001 - an unknown key has no user
            return None
        return user.name if user else None

    orig_call = BaseResponse.call_action

    def call_action(self: Any) -> Any:
        status, headers, body = orig_call(self)
        try:
            record_call(self, status, headers, body, user_of)
        except Exception:  # noqa: BLE001 - recording never breaks the call it records
            pass
        return status, headers, body

    BaseResponse.call_action = call_action  # type: ignore[method-assign]

    def lookup_events(self: Any) -> Any:
        account, region = self.current_account, self.region
        if not admit(account, region, time.time()):
            return _json_error("ThrottlingException", "Rate exceeded")
        try:
            body = json.loads(self.body) if self.body else {}
        except ValueError:
            return _json_error("SerializationException", "The request body is not valid JSON.")
        try:
            out = lookup(account, region, body if isinstance(body, dict) else {})
        except LookupError_ as e:
            return _json_error(e.code, e.message)
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(out)

    CloudTrailResponse.lookup_events = lookup_events  # type: ignore[attr-defined]

    orig_reset = MotoAPIBackend.reset

    def reset(self: Any) -> None:
        orig_reset(self)
        _clear()

    MotoAPIBackend.reset = reset  # type: ignore[method-assign]

    def seed(body: dict[str, Any]) -> dict[str, Any]:
        account = str(body.get("accountId") or "123456789012")
        region = body.get("region") or "us-east-1"
        ids = []
        for fields in body.get("events") or []:
            if not isinstance(fields, dict):
                raise ValueError("events: a list of objects")
            event = make_event(account, region, fields)
            store(account, region, event)
            ids.append(event["eventID"])
        return {"eventIds": ids}

    def calls(_body: dict[str, Any]) -> dict[str, Any]:
        with LOCK:
            return {"calls": list(STATE["calls"])}

    def limit(body: dict[str, Any]) -> dict[str, Any]:
        with LOCK:
            if "perSecond" in body:
                per_second = int(body["perSecond"])
                if per_second < 0:
                    raise ValueError("perSecond: 0 or more")
                STATE["per_second"] = per_second
            if "throttle" in body:
                STATE["throttle"] = bool(body["throttle"])
            return {"perSecond": STATE["per_second"], "throttle": STATE["throttle"]}

    private_routes["/_watchpost/cloudtrail/events"] = seed
    private_routes["/_watchpost/cloudtrail/lookups"] = calls
    private_routes["/_watchpost/cloudtrail/limit"] = limit
