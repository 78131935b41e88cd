"""Under load: many threads submit feedback to a live server at once, and every one is stored.

Runs against a real threaded server (pytest-django ``live_server``) on the
test database, SQLite (WAL, BEGIN IMMEDIATE, busy timeout) or PostgreSQL.
"""

import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest
from django.core.cache import cache
from django.test.utils import override_settings

from inspections.feedback import rules
from inspections.feedback.forms import issue_started_token
from inspections.feedback.models import CitizenFeedback, FeedbackStep
from tests.factories import UnitFactory

# serialized_rollback: the flush after a transactional test would otherwise wipe the
# catalogues that data migrations ship, for every test that runs after this one.
pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 16
PER_THREAD = 6


def post_json(url: str, payload: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - the http:// URL of our live server
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our live server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {"error": exc.read().decode()[:300]}


def submit_form(base: str, n: int) -> int:
    """A browser-like form submission: GET (CSRF cookie), then POST with the token."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/feedback/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "unit": "LV",
            "description": f"Phản ánh qua biểu mẫu số {n}: cán bộ hách dịch.",
            "started": issue_started_token(time.time() - 30),
            "website": "",
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the http:// URL of our live server
        f"{base}/feedback/", data=data, headers={"Referer": f"{base}/feedback/"}
    )
    with opener.open(request, timeout=60) as response:
        return response.status


@override_settings(FEEDBACK_RATE_LIMIT="100000/m")
def test_concurrent_submissions_are_all_stored(live_server):
    cache.clear()
    UnitFactory(code="LV", name="Xã Tải Thử")
    url = f"{live_server.url}/api/v1/feedback/"
    barrier = threading.Barrier(THREADS)

    def worker(index: int) -> list[tuple[int, dict]]:
        barrier.wait()  # start together, to make the writes collide
        results = []
        for k in range(PER_THREAD):
            payload = {
                "unit": "LV",
                "description": f"Phản ánh đồng thời {index}-{k}: yêu cầu giấy tờ ngoài quy định.",
            }
            if k % 2:
                payload |= {
                    "reporter_name": "Lê Văn Tải",
                    "reporter_address": "Thôn 1",
                    "reporter_phone": "0987654321",
                }
            results.append(post_json(url, payload))
        return results

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = [item for batch in pool.map(worker, range(THREADS)) for item in batch]
        forms = list(pool.map(lambda n: submit_form(live_server.url, n), range(THREADS)))

    statuses = [status for status, _ in outcomes]
    assert statuses == [201] * (THREADS * PER_THREAD), [
        body for status, body in outcomes if status != 201
    ][:3]
    assert forms == [200] * THREADS  # the redirect to the receipt was followed
    codes = [body["tracking_code"] for _, body in outcomes]
    assert len(set(codes)) == len(codes) and all(rules.is_tracking_code(c) for c in codes)
    total = THREADS * PER_THREAD + THREADS
    assert CitizenFeedback.objects.count() == total
    assert set(CitizenFeedback.objects.values_list("tracking_code", flat=True)) >= set(codes)
    assert FeedbackStep.objects.filter(to_status="received").count() == total
    assert (
        CitizenFeedback.objects.filter(is_formal=True, response_due__isnull=False).count()
        == THREADS * PER_THREAD // 2
    )
