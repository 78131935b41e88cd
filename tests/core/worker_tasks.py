"""A slow task for the worker tests: marks files when it starts and when it ends."""

from __future__ import annotations

import os
import time
from pathlib import Path

from core.tasks import durable_task


@durable_task
def slow_mark(folder: str, seconds: float) -> int:
    Path(folder, f"started-{os.getpid()}").touch()
    time.sleep(seconds)
    Path(folder, f"done-{os.getpid()}").touch()
    return os.getpid()
