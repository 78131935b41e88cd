"""Settings for the test suite: the production settings with test-friendly environment.

Only what a test run needs differs: a fixed secret key, plain http on
loopback, a fast password hasher, a per-process cache, and (on SQLite) a
file database so live-server tests exercise the real WAL/locking behaviour.
"""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijklmnop"
)
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("CACHE_URL", "locmem")
# Tasks run inside the test; tests of the queues choose their backend themselves.
os.environ.setdefault("TASKS_BACKEND", "immediate")
# Throttles stay on (the real classes run) but far above what the suite sends;
# tests of throttling set their own rates.
os.environ.setdefault("DJANGO_THROTTLE_ANON", "100000/m")
os.environ.setdefault("DJANGO_THROTTLE_USER", "100000/m")
os.environ.setdefault("DJANGO_THROTTLE_AUTH", "100000/m")

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per test process, so several runs on one checkout do not collide.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test_db.{os.getpid()}.sqlite3")}
MEDIA_ROOT = BASE_DIR / ".test_media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# django-axes refuses authenticate() without a request, which the test
# client's login() does not pass; tests of lockout turn it on.
AXES_ENABLED = False
