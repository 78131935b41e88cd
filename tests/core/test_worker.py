"""The database queue's worker: a worker killed with SIGKILL mid-task loses nothing.

Real worker processes (``manage.py run_worker``) on the test database: the
first takes the task and is killed while it runs; the second, seeing no
heartbeat from the first, queues the task again and runs it to the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.core import worker_tasks

ROOT = Path(__file__).resolve().parents[2]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _worker(worker_id: str, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TASKS_BACKEND": "database",
        "TASK_WORKER_STALE_SECONDS": "2",
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / f"{worker_id}.log").open("w")
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "run_worker", "--worker-id", worker_id, "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_task_of_a_killed_worker_is_run_again(settings, tmp_path):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    result = worker_tasks.slow_mark.enqueue(str(tmp_path), 4.0)
    first = _worker("worker-a", tmp_path)
    second = None
    try:
        assert _wait_for(lambda: any(tmp_path.glob("started-*")), 60), (
            tmp_path / "worker-a.log"
        ).read_text()
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert not any(tmp_path.glob("done-*"))
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == "RUNNING" and row.worker_ids == ["worker-a"]

        second = _worker("worker-b", tmp_path)
        finished = _wait_for(
            lambda: DBTaskResult.objects.get(pk=result.id).status in ("SUCCESSFUL", "FAILED"), 90
        )
        assert finished, (tmp_path / "worker-b.log").read_text()
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == "SUCCESSFUL", row.traceback
        assert row.worker_ids == ["worker-a", "worker-b"]
        assert len(list(tmp_path.glob("done-*"))) == 1
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
