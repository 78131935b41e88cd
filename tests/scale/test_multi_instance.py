"""Two web instances and one worker on shared PostgreSQL and Redis behave as one.

Run by `.ci/run` (and `make test-multi`) on this machine's PostgreSQL and
Redis: two gunicorn instances on two loopback ports, one task worker, a
media folder they share, a database made for the run, a Redis database
number of its own. Every request goes to 127.0.0.1 only.

- the public-form rate limit holds across both instances (10 a minute per
  address in total, not per instance: atomic counters in Redis);
- a session signed in on one instance works on the other;
- a file uploaded through one downloads through the other;
- an instance killed with SIGKILL in the middle of 200 concurrent submissions
  loses none that were answered 201.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.multi

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://postgres@127.0.0.1:5432"
REDIS_DB = 13  # a database number no other part of the suite uses
TIMEOUT = 20
CODE = re.compile(r"PA(-[A-Z0-9]{4})+")


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _psql(sql: str, database: str = "postgres") -> str:
    result = subprocess.run(  # noqa: S603
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def _services_up() -> str | None:
    try:
        _psql("SELECT 1")
    except (OSError, subprocess.SubprocessError) as exc:
        return f"PostgreSQL on 127.0.0.1:5432 does not answer ({exc})"
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis on 127.0.0.1:6379 does not answer ({exc})"
    return None


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    reason = _services_up()
    if reason:
        pytest.fail(f"the multi-instance test needs the machine's services: {reason}")
    import redis

    name = f"congvu_multi_{os.getpid()}"
    _psql(f"DROP DATABASE IF EXISTS {name}")
    _psql(f"CREATE DATABASE {name}")
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    redis.Redis.from_url(redis_url).flushdb()
    media = tmp_path_factory.mktemp("shared-media")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "CACHE_URL", "DATABASE_URL", "TASKS_BACKEND", "REDIS_URL")
        )
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="multi-instance-" + uuid.uuid4().hex * 2,
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_MANIFEST_STATIC="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_MEDIA_ROOT=str(media),
        DJANGO_TRUSTED_PROXY_COUNT="1",
        DATABASE_URL=f"{PG}/{name}",
        REDIS_URL=redis_url,
        FEEDBACK_RATE_LIMIT="10/m",
        DJANGO_THROTTLE_ANON="100000/m",
        DJANGO_THROTTLE_USER="100000/m",
    )
    python = sys.executable
    logs = tmp_path_factory.mktemp("logs")
    processes: dict[str, subprocess.Popen] = {}
    try:
        for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
            subprocess.run(  # noqa: S603
                [python, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=600,
                capture_output=True,
            )
        ports = {"a": _free_port(), "b": _free_port()}
        gunicorn = str(Path(python).with_name("gunicorn"))
        for key, port in ports.items():
            processes[key] = subprocess.Popen(  # noqa: S603
                [
                    gunicorn,
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--timeout",
                    "60",
                ],
                cwd=ROOT,
                env=env,
                stdout=(logs / f"{key}.log").open("w"),
                stderr=subprocess.STDOUT,
                # Its own process group, so the whole instance can be killed.
                start_new_session=True,
            )
        processes["worker"] = subprocess.Popen(  # noqa: S603
            [python, "manage.py", "run_worker"],
            cwd=ROOT,
            env=env,
            stdout=(logs / "worker.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        urls = {key: f"http://127.0.0.1:{port}" for key, port in ports.items()}
        _wait_ready(urls.values(), processes, logs)
        unit = _psql(
            "SELECT code FROM staff_unit WHERE level = 'commune' AND (valid_from IS NULL OR "
            "valid_from <= CURRENT_DATE) AND (valid_until IS NULL OR valid_until >= "
            "CURRENT_DATE) ORDER BY code LIMIT 1",
            name,
        )
        assert unit, "the demo has no commune in force today"
        yield {
            "urls": urls,
            "db": name,
            "unit": unit,
            "processes": processes,
            "logs": logs,
            "env": env,
        }
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        redis.Redis.from_url(redis_url).flushdb()
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _wait_ready(urls, processes, logs) -> None:
    import requests

    deadline = time.monotonic() + 90
    for url in urls:
        while True:
            try:
                if requests.get(f"{url}/readyz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            dead = [key for key, p in processes.items() if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                text = "\n".join(f"--- {p.name}\n{p.read_text()[-2000:]}" for p in logs.iterdir())
                raise AssertionError(f"{url} never became ready (exited: {dead})\n{text}")
            time.sleep(0.5)


def _submit(url: str, unit: str, address: str, **files):
    import requests

    data = {
        "unit": unit,
        "description": f"Cán bộ tiếp dân chậm trễ, thái độ chưa đúng mực ({address}).",
    }
    return requests.post(
        f"{url}/api/v1/feedback/",
        data=data,
        files=files or None,
        headers={"X-Forwarded-For": address, "Accept-Language": "vi"},
        timeout=TIMEOUT,
    )


def test_rate_limit_holds_across_instances(fleet):
    a, b = fleet["urls"]["a"], fleet["urls"]["b"]
    # The limit counts in fixed one-minute windows: start early in one, so the
    # 15 requests cannot straddle two windows (which would give 20 allowances).
    if time.time() % 60 > 20:
        time.sleep(60 - time.time() % 60 + 0.5)
    statuses = [
        _submit(a if i % 2 == 0 else b, fleet["unit"], "203.0.113.7").status_code for i in range(15)
    ]
    assert statuses.count(201) == 10, statuses
    assert statuses.count(429) == 5, statuses
    # A different address still has its own allowance on either instance.
    assert _submit(b, fleet["unit"], "203.0.113.8").status_code == 201


def _sign_in(url: str):
    import requests

    session = requests.Session()
    page = session.get(f"{url}/app/login/", timeout=TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    password = os.environ.get("DEMO_PASSWORD", "demo-pass-2019")
    answer = session.post(
        f"{url}/app/login/",
        data={"csrfmiddlewaretoken": token, "username": "inspector", "password": password},
        headers={"Referer": f"{url}/app/login/"},
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    return session


def test_a_session_from_one_instance_works_on_the_other(fleet):
    a, b = fleet["urls"]["a"], fleet["urls"]["b"]
    session = _sign_in(a)
    # Cookies are per host name, and both instances are 127.0.0.1: the same jar serves both.
    home = session.get(f"{b}/app/", timeout=TIMEOUT, allow_redirects=False)
    assert home.status_code == 200
    assert "inspector" in home.text
    api = session.get(f"{b}/api/v1/units/", timeout=TIMEOUT)
    assert api.status_code == 200 and api.json()["count"] > 0


def test_a_file_uploaded_through_one_downloads_through_the_other(fleet):
    a, b = fleet["urls"]["a"], fleet["urls"]["b"]
    png = _png()
    created = _submit(
        a, fleet["unit"], "198.51.100.20", attachment=("anh-chup.png", png, "image/png")
    )
    assert created.status_code == 201, created.text
    code = created.json()["tracking_code"]
    assert CODE.fullmatch(code)
    query = f"SELECT id FROM inspections_citizenfeedback WHERE tracking_code = '{code}'"  # noqa: S608
    feedback_id = _psql(query, fleet["db"])
    session = _sign_in(b)
    detail = session.get(f"{b}/api/v1/feedback/{feedback_id}/", timeout=TIMEOUT)
    assert detail.status_code == 200, detail.text[:300]
    [attachment] = detail.json()["attachments"]
    download = session.get(f"{b}{attachment['url']}", timeout=TIMEOUT)
    assert download.status_code == 200
    assert download.content == png


def test_a_report_job_enqueued_on_one_is_run_by_the_worker_and_fetched_on_the_other(fleet):
    a, b = fleet["urls"]["a"], fleet["urls"]["b"]
    session = _sign_in(a)
    asked = session.get(
        f"{a}/api/v1/reports/accountability/",
        params={"year": "2019", "format": "xlsx"},
        headers={"Prefer": "respond-async"},
        timeout=TIMEOUT,
    )
    assert asked.status_code == 202, asked.text[:300]
    status_url = asked.headers.get("Location") or asked.json()["url"]
    if status_url.startswith("http"):
        status_url = "/" + status_url.split("/", 3)[3]
    deadline = time.monotonic() + 180
    while True:
        state = session.get(f"{b}{status_url}", timeout=TIMEOUT)  # polled on the other instance
        assert state.status_code == 200, state.text[:300]
        body = state.json()
        if body["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert body["status"] == "done", body
    workbook = session.get(f"{b}{body['download']}", timeout=60)
    assert workbook.status_code == 200
    assert workbook.content[:2] == b"PK"  # an xlsx (a zip)
    # Only the user who asked may fetch it, whichever instance is asked.
    import requests

    stranger = requests.Session()
    assert stranger.get(f"{a}{body['download']}", timeout=TIMEOUT).status_code in (401, 403, 404)


# Last: it kills instance a.
def test_sigkill_mid_burst_loses_no_answered_submission(fleet):
    a, b = fleet["urls"]["a"], fleet["urls"]["b"]
    import requests

    def send(i: int):
        url = a if i % 2 == 0 else b
        try:
            response = _submit(url, fleet["unit"], f"10.{i // 250}.{i % 250}.9")
        except requests.RequestException:
            return i, None, None
        code = response.json().get("tracking_code") if response.status_code == 201 else None
        return i, response.status_code, code

    victim = fleet["processes"]["a"]
    answered: list[str] = []
    statuses: list[int | None] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(send, i) for i in range(200)]
        done = 0
        for future in concurrent.futures.as_completed(futures):
            _i, status, code = future.result()
            statuses.append(status)
            if code:
                answered.append(code)
            done += 1
            if done == 60:
                os.killpg(victim.pid, signal.SIGKILL)  # the master and its workers, at once
    assert len(statuses) == 200
    assert statuses.count(201) == len(answered)
    assert len(answered) >= 100  # instance b went on answering
    assert all(CODE.fullmatch(code) for code in answered)
    listed = ",".join(f"'{c}'" for c in answered)
    query = (
        f"SELECT tracking_code FROM inspections_citizenfeedback WHERE tracking_code IN ({listed})"  # noqa: S608
    )
    stored = set(_psql(query, fleet["db"]).split())
    assert stored == set(answered)
