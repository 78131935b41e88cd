"""Citizen submissions: 50 concurrent clients POST /api/v1/feedback/ to gunicorn on loopback.

gunicorn runs the production entry point (``config.wsgi:application``, 4 sync
workers as the production command in docs/operations.md) on a free port of 127.0.0.1,
with ``FEEDBACK_RATE_LIMIT`` raised for the run: every client comes from
127.0.0.1, and the point is to load the database, not to be told to wait.
The rate limit still counts every request in the database cache, as in
production. The load is bounded in count (``SUBMISSIONS``) and in time
(``TIME_LIMIT``); ``sent``, ``failures`` (anything but 201, or no answer) and
``stored`` (rows carrying this run's marker) are reported, and the rows are
deleted afterwards so the data set stays as seeded.

There is no floor: the targets are absolute (no failure, every row stored).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.cases import Case
from bench.cases.common import first_reason, missing_model, missing_route

CLIENTS = 50
SUBMISSIONS = 1500
TIME_LIMIT = 60.0
WORKERS = 4
ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(port: int, method: str, path: str, body: bytes | None = None, timeout: float = 30.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Accept": "application/json", "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_gunicorn(port: int, env: dict[str, str], log) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:``port``; its output goes to ``log`` (a file: a pipe nobody
    reads fills up after a few hundred request-log lines and blocks every worker)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited: {log.read().decode(errors='replace')[-800:]}")
        try:
            status, _body = _request(port, "GET", "/api/v1/", timeout=5)
            if status in (200, 401, 403):
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    stop_gunicorn(proc)
    raise RuntimeError("gunicorn did not answer within 60 s")


def server_peak_rss_mb(proc: subprocess.Popen) -> float | None:
    """The largest peak RSS (VmHWM) among gunicorn's master and workers."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        pid, ppid = int(fields.get("Pid", "0")), int(fields.get("PPid", "0"))
        if (pid == proc.pid or ppid == proc.pid) and "VmHWM" in fields:
            peaks.append(int(fields["VmHWM"].split()[0]) / 1024)
    return round(max(peaks), 1) if peaks else None


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        # Its own session: the master and its workers, and nothing else.
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def load(port: int, payloads: list[bytes], clients: int, time_limit: float) -> dict:
    """Send ``payloads`` from ``clients`` threads until done or ``time_limit``; count outcomes."""
    lock = threading.Lock()
    state = {"next": 0}
    statuses: Counter = Counter()
    errors: Counter = Counter()
    deadline = time.monotonic() + time_limit

    def client():
        while time.monotonic() < deadline:
            with lock:
                index = state["next"]
                if index >= len(payloads):
                    return
                state["next"] += 1
            try:
                status, _body = _request(port, "POST", "/api/v1/feedback/", payloads[index])
            except OSError as exc:
                status = None
                with lock:
                    errors[exc.__class__.__name__] += 1
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_limit + 60)
    seconds = time.perf_counter() - started
    sent = sum(statuses.values())
    return {
        "seconds": round(seconds, 3),
        "sent": sent,
        "created": statuses.get(201, 0),
        "failures": sent - statuses.get(201, 0),
        "statuses": {str(k): v for k, v in statuses.items()},
        "errors": dict(errors),
    }


def _payloads(marker: str, count: int) -> list[bytes]:
    from django.utils import timezone

    from staff.models import Unit

    units = list(
        Unit.objects.active_on(timezone.localdate())
        .filter(level="commune", code__startswith="P-")
        .order_by("code")
        .values_list("code", flat=True)
    )
    payloads = []
    for i in range(count):
        body = {
            "unit": units[i % len(units)],
            "description": (
                f"Cán bộ tiếp dân thái độ chưa đúng mực, hẹn trả hồ sơ trễ ({marker}-{i:05d})."
            ),
        }
        if i % 2:
            body.update(
                reporter_name="Nguyễn Văn Dân",
                reporter_phone="0912 345 678",
                reporter_email=f"dan{i}@example.vn",
            )
        payloads.append(json.dumps(body, ensure_ascii=False).encode("utf-8"))
    return payloads


def subject(ctx) -> dict:
    from inspections.feedback.models import CitizenFeedback

    marker = f"bench-{secrets.token_hex(4)}"
    payloads = _payloads(marker, SUBMISSIONS)
    env = dict(os.environ)  # the bench environment: rate limits raised (bench/databases.py)
    port = free_port()
    with tempfile.TemporaryFile() as log:
        proc = start_gunicorn(port, env, log)
        try:
            ctx.mark_baseline()
            result = load(port, payloads, CLIENTS, TIME_LIMIT)
            result["server_peak_rss_mb"] = server_peak_rss_mb(proc)
        finally:
            stop_gunicorn(proc)
        log.seek(0)
        server_errors = [
            line
            for line in log.read().decode(errors="replace").splitlines()
            if '"level": "ERROR"' in line or "Traceback" in line
        ][:5]
    stored_rows = CitizenFeedback.objects.filter(description__contains=marker)
    stored = stored_rows.count()
    try:
        stored_rows.delete()
    except Exception as exc:  # the figures stand even if cleaning up is refused
        result["errors"]["cleanup"] = str(exc)[:200]
    return {
        "seconds": result["seconds"],
        "queries": None,
        "runs": 1,
        "extra": {
            "sent": result["sent"],
            "stored": stored,
            "failures": result["failures"],
            "requests_per_second": round(result["sent"] / result["seconds"], 1)
            if result["seconds"]
            else None,
            "clients": CLIENTS,
            "gunicorn_workers": WORKERS,
            "server_peak_rss_mb": result.get("server_peak_rss_mb"),
            "statuses": result["statuses"],
            "client_errors": result["errors"],
            "server_errors": server_errors,
        },
    }


def unavailable() -> str | None:
    return first_reason(
        lambda: missing_model("inspections.CitizenFeedback"),
        lambda: missing_route("/api/v1/feedback/"),
    )


CASES = [
    Case(name="submissions", phases={"subject": subject}, unavailable=unavailable, timeout=300),
]
