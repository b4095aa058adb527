"""Self-test of the emulator's CloudTrail LookupEvents (cloudtrail_events.py), through boto3.

Registered by selftest.py (`register(selftest_module)`), which runs each test after a reset.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from typing import Any

KEY = "AKIAACTIVITYEXAMPLE1"


def register(h: Any) -> None:  # noqa: C901 - one closure per test, like selftest.py's
    test, http, seed = h.test, h.http, h.seed

    def client(service: str, region: str = "us-east-1") -> Any:
        # One attempt: botocore would retry a ThrottlingException by itself.
        import boto3
        from botocore.config import Config

        return boto3.client(
            service,
            region_name=region,
            endpoint_url=h.URL,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"total_max_attempts": 1}),
        )

    def lookups() -> list[dict]:
        return seed("/_watchpost/cloudtrail/lookups", {})["calls"]

    def limit(**body: Any) -> dict:
        return seed("/_watchpost/cloudtrail/limit", body)

    def seed_key_events(n: int, now: datetime, region: str = "us-east-1", account: str = h.ACCOUNT) -> list[str]:
        events = [
            {
                "eventName": "PutObject" if i % 2 else "ListBuckets",
                "eventSource": "s3.amazonaws.com",
                "eventTime": (now - timedelta(minutes=i)).isoformat(),
                "accessKeyId": KEY,
                "username": "ci-deploy",
                "sourceIPAddress": "198.51.100.7",
            }
            for i in range(n)
        ]
        return seed("/_watchpost/cloudtrail/events", {"accountId": account, "region": region, "events": events})[
            "eventIds"
        ]

    @test
    def cloudtrail_records_the_calls_it_answers() -> None:
        iam = client("iam")

        def source_ip(request: Any, **_: Any) -> None:
            request.headers["x-watchpost-source-ip"] = "203.0.113.9"

        iam.meta.events.register("before-sign.iam.*", source_ip)
        iam.create_user(UserName="alice")
        client("cloudwatch").describe_alarms()
        ct = client("cloudtrail")
        # IAM is global: its events are recorded in us-east-1, as AWS does.
        created = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])
        [event] = created["Events"]
        assert event["EventSource"] == "iam.amazonaws.com", event
        assert event["ReadOnly"] == "false" and event["AccessKeyId"] == "testing", event
        assert event["Resources"] == [{"ResourceType": "AWS::IAM::User", "ResourceName": "alice"}], event
        record = json.loads(event["CloudTrailEvent"])
        assert record["sourceIPAddress"] == "203.0.113.9", record
        assert record["requestParameters"]["UserName"] == "alice", record
        assert record["awsRegion"] == "us-east-1" and record["readOnly"] is False, record
        reads = ct.lookup_events(LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "true"}])
        assert [e["EventName"] for e in reads["Events"]] == ["DescribeAlarms"], reads
        # Another region's history is its own.
        assert client("cloudtrail", "eu-west-1").lookup_events()["Events"] == []

    @test
    def cloudtrail_lookup_pages_newest_first_within_the_window() -> None:
        limit(perSecond=100)
        now = datetime.now(timezone.utc).replace(microsecond=0)
        seed_key_events(120, now)
        seed("/_watchpost/cloudtrail/events", {"events": [{"eventName": "GetUser", "accessKeyId": "AKIAOTHER"}]})
        ct = client("cloudtrail")
        attr = [{"AttributeKey": "AccessKeyId", "AttributeValue": KEY}]
        start, end = now - timedelta(minutes=99, seconds=30), now
        times, token, pages = [], None, 0
        while True:
            kwargs: dict[str, Any] = {"LookupAttributes": attr, "StartTime": start, "EndTime": end, "MaxResults": 50}
            if token:
                kwargs["NextToken"] = token
            page = ct.lookup_events(**kwargs)
            pages += 1
            times += [e["EventTime"] for e in page["Events"]]
            token = page.get("NextToken")
            if not token:
                break
        assert pages == 2 and len(times) == 100, (pages, len(times))
        assert times == sorted(times, reverse=True), times
        assert times[0] == now and times[-1] == now - timedelta(minutes=99), (times[0], times[-1])
        h.expect_error("InvalidMaxResultsException", ct.lookup_events, MaxResults=51)
        h.expect_error("InvalidNextTokenException", ct.lookup_events, NextToken="bm90LWEtdG9rZW4=")
        two = attr + [{"AttributeKey": "Username", "AttributeValue": "ci-deploy"}]
        h.expect_error("InvalidLookupAttributesException", ct.lookup_events, LookupAttributes=two)

    @test
    def cloudtrail_throttles_above_two_a_second_and_logs_each_call() -> None:
        ct = client("cloudtrail")
        other = client("cloudtrail", "eu-west-1")
        ct.lookup_events()
        ct.lookup_events()
        h.expect_error("ThrottlingException", ct.lookup_events)
        other.lookup_events()  # another region has its own budget
        time.sleep(1.05)
        ct.lookup_events()
        calls = lookups()
        assert [(c["region"], c["throttled"]) for c in calls] == [
            ("us-east-1", False),
            ("us-east-1", False),
            ("us-east-1", True),
            ("eu-west-1", False),
            ("us-east-1", False),
        ], calls
        assert all(isinstance(c["time"], float) for c in calls)
        assert limit(throttle=True) == {"perSecond": 2, "throttle": True}
        time.sleep(1.05)
        h.expect_error("ThrottlingException", ct.lookup_events)
        limit(throttle=False, perSecond=1)
        time.sleep(1.05)
        ct.lookup_events()
        h.expect_error("ThrottlingException", ct.lookup_events)
        assert http("POST", "/moto-api/reset")[0] == 200
        assert lookups() == []
        assert limit() == {"perSecond": 2, "throttle": False}

    @test
    def cloudtrail_lookup_events_is_denied_without_its_permission() -> None:
        seed_key_events(3, datetime.now(timezone.utc))
        reader = h.user_with_policy("trail-reader", ["cloudtrail:LookupEvents"])
        nobody = h.user_with_policy("trail-nobody", ["cloudtrail:DescribeTrails"])
        h.set_auth("0")
        assert len(h.client_as("cloudtrail", reader).lookup_events()["Events"]) >= 3
        time.sleep(1.05)
        h.expect_refused(400, "AccessDeniedException", h.client_as("cloudtrail", nobody).lookup_events)
        h.set_auth("inf")
