"""The Redis queue's worker (RQ): a worker killed with SIGKILL mid-task loses nothing.

Real ``manage.py run_worker`` processes on the machine's Redis (database 11,
flushed before and after): the first takes the task and is killed with its
work-horse (SIGKILL to both, as when a host or container dies);
the second finds the job still "started" on a dead worker, queues it again
(counted as an attempt of the task) and runs it to the end, once. Without
the sweep RQ would move the job to its failed registry. Skipped when no Redis
answers unless REQUIRE_REDIS=1 (CI).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core import worker_tasks

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/11"
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


@pytest.fixture
def redis_queue(settings):
    import django_rq
    from django_tasks_rq.backend import Job
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    redis = Redis.from_url(REDIS_URL)
    try:
        redis.ping()
    except RedisDown:
        if os.environ.get("REQUIRE_REDIS") == "1":
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    redis.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = RQ_TASKS
    settings.TASKS_BACKEND = "redis"
    yield django_rq.get_queue("default", job_class=Job)
    redis.flushdb()


def _worker(name: str, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "TASKS_BACKEND": "redis",
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker"],
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


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def test_a_job_of_a_killed_rq_worker_is_run_again_once(redis_queue, tmp_path):
    from django_tasks_rq.backend import Job
    from rq.job import JobStatus
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    from core.tasks import LOST_WORKERS_META

    result = worker_tasks.slow_mark.enqueue(str(tmp_path), 4.0)
    first = _worker("worker-a", tmp_path)
    second = None
    try:
        assert _wait_for(lambda: any(tmp_path.glob("started-*")), 90), (
            tmp_path / "worker-a.log"
        ).read_text()
        # RQ's work-horse runs in a session of its own: kill it with its worker.
        for pid in [*_children(first.pid), first.pid]:
            os.kill(pid, signal.SIGKILL)
        first.wait(10)
        time.sleep(5)  # longer than the task: a surviving work-horse would have finished it
        assert not any(tmp_path.glob("done-*"))
        job = Job.fetch(result.id, connection=redis_queue.connection)
        assert job.get_status() == JobStatus.STARTED
        assert result.id in StartedJobRegistry(queue=redis_queue).get_job_ids(cleanup=False)

        second = _worker("worker-b", tmp_path)
        finished = _wait_for(
            lambda: (
                Job.fetch(result.id, connection=redis_queue.connection).get_status()
                in (JobStatus.FINISHED, JobStatus.FAILED)
            ),
            120,
        )
        assert finished, (tmp_path / "worker-b.log").read_text()
        job = Job.fetch(result.id, connection=redis_queue.connection)
        assert job.get_status() == JobStatus.FINISHED, (tmp_path / "worker-b.log").read_text()
        assert job.meta[LOST_WORKERS_META] == 1
        assert job.kwargs["_attempt"] == 2  # the lost run counts as an attempt
        assert len(list(tmp_path.glob("done-*"))) == 1
        assert len(list(tmp_path.glob("started-*"))) == 2
        assert result.id not in FailedJobRegistry(queue=redis_queue).get_job_ids(cleanup=False)
    finally:
        _stop(first)
        _stop(second)


def _taken_by_a_ghost(queue, job_id: str):
    """The job as a worker that died without a trace (no worker key left) leaves it: started."""
    from django_tasks_rq.backend import Job
    from rq.executions import Execution

    job = Job.fetch(job_id, connection=queue.connection)
    queue.remove(job.id)
    with queue.connection.pipeline() as pipeline:
        job.prepare_for_execution("ghost", pipeline)
        Execution.create(job, ttl=600, pipeline=pipeline, worker_name="ghost")
        pipeline.execute()
    return job


@pytest.mark.django_db
def test_a_job_lost_by_rqs_own_cleanup_is_taken_back_from_the_failed_registry(
    redis_queue, tmp_path
):
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker
    from rq.job import JobStatus
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    from core.tasks import requeue_abandoned_rq

    result = worker_tasks.slow_mark.enqueue(str(tmp_path), 0)
    _taken_by_a_ghost(redis_queue, result.id)
    started = StartedJobRegistry(queue=redis_queue)
    assert result.id in started.get_job_ids(cleanup=False)
    started.cleanup(timestamp=time.time() + 3600)  # what RQ's maintenance does
    failed = FailedJobRegistry(queue=redis_queue)
    assert result.id in failed.get_job_ids(cleanup=False)

    assert requeue_abandoned_rq() == 1
    assert result.id not in failed.get_job_ids(cleanup=False)
    SimpleWorker([redis_queue], connection=redis_queue.connection, job_class=Job).work(
        burst=True, with_scheduler=False
    )
    assert Job.fetch(result.id, connection=redis_queue.connection).get_status() == (
        JobStatus.FINISHED
    )
    assert len(list(tmp_path.glob("done-*"))) == 1
    assert requeue_abandoned_rq() == 0


@pytest.mark.django_db
def test_a_job_that_lost_its_worker_three_times_is_kept_as_failed(redis_queue, tmp_path):
    from django_tasks_rq.backend import Job
    from rq.job import JobStatus
    from rq.registry import FailedJobRegistry

    from core.models import FailedTask
    from core.tasks import LOST_WORKERS_META, MAX_CLAIMS, requeue_abandoned_rq

    result = worker_tasks.slow_mark.enqueue(str(tmp_path), 0)
    job = _taken_by_a_ghost(redis_queue, result.id)
    job.meta[LOST_WORKERS_META] = MAX_CLAIMS - 1
    job.save_meta()

    assert requeue_abandoned_rq() == 0
    job = Job.fetch(result.id, connection=redis_queue.connection)
    assert job.get_status() == JobStatus.FAILED
    assert result.id in FailedJobRegistry(queue=redis_queue).get_job_ids(cleanup=False)
    assert redis_queue.count == 0
    failure = FailedTask.objects.get()
    assert failure.task_path == "tests.core.worker_tasks.slow_mark"
    assert f"lost {MAX_CLAIMS} times" in failure.error
    assert requeue_abandoned_rq() == 0  # given up: not taken back, not recorded twice
    assert FailedTask.objects.count() == 1
