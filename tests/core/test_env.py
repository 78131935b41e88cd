import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_rate, parse_rate


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("on", True), ("YES", True), ("0", False), ("off", False), ("", False)],
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_env_bool_rejects_garbage(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("X_FLAG", raising=False)
    assert env_bool("X_FLAG", True) is True


def test_env_int_rejects_non_integer_and_too_small(monkeypatch):
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "-1")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 1, minimum=0)
    monkeypatch.setenv("X_INT", " 7 ")
    assert env_int("X_INT", 1) == 7


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.vn, b.vn ,,")
    assert env_list("X_HOSTS", "") == ["a.vn", "b.vn"]


def test_env_rate_validates(monkeypatch):
    monkeypatch.setenv("X_RATE", "5/h")
    assert env_rate("X_RATE", "10/m") == "5/h"
    assert parse_rate("5/h") == (5, 3600)
    monkeypatch.setenv("X_RATE", "ten per minute")
    with pytest.raises(ImproperlyConfigured):
        env_rate("X_RATE", "10/m")


def test_settings_refuse_missing_secret_in_production(tmp_path):
    """Production settings without DJANGO_SECRET_KEY (and no key file) stop at start-up."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings", DJANGO_SECRET_KEY_FILE=str(tmp_path / "none")
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_bad_database_url_fails_fast():
    import os
    import subprocess
    import sys

    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="nosuchdb://",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize(
    ("cache_url", "throttle_backend"),
    [("", "LocMemCache"), ("redis://127.0.0.1:6379/1", "RedisCache")],
)
def test_user_throttle_never_writes_to_the_database_cache(cache_url, throttle_backend):
    """Without Redis the signed-in throttle is per worker, so API reads stay reads."""
    import os
    import subprocess
    import sys

    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="x" * 50,
        CACHE_URL=cache_url,
    )
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'].rsplit('.', 1)[1], "
        "settings.CACHES['throttle']['BACKEND'].rsplit('.', 1)[1])"
    )
    command = [sys.executable, "-c", code]  # our own interpreter and code
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    default_backend, backend = result.stdout.split()
    assert backend == throttle_backend
    assert default_backend in ("DatabaseCache", "RedisCache")


def test_system_checks_refuse_media_inside_static_files(settings):
    from core.checks import check_configuration

    settings.MEDIA_ROOT = settings.STATIC_ROOT / "media"
    assert [problem.id for problem in check_configuration()] == ["congvu.E001"]
    settings.MEDIA_ROOT = settings.BASE_DIR / ".test_media"
    assert check_configuration() == []


def test_deploy_check_warns_about_in_process_tasks_in_production(settings):
    from core.checks import check_deployment

    settings.DEBUG = False
    settings.TASKS_BACKEND = "immediate"
    assert "congvu.W001" in [problem.id for problem in check_deployment()]
    settings.TASKS_BACKEND = "database"
    assert "congvu.W001" not in [problem.id for problem in check_deployment()]


def test_system_checks_warn_when_imports_could_never_be_deferred(settings):
    from core.checks import check_configuration

    settings.IMPORT_ASYNC_BYTES = 30 * 1024 * 1024  # the upload limit: no file is ever above it
    assert [problem.id for problem in check_configuration()] == ["congvu.W003"]
    settings.IMPORT_ASYNC_BYTES, settings.IMPORT_ASYNC_ROWS = 1024, 200_000
    assert [problem.id for problem in check_configuration()] == ["congvu.W003"]
    settings.IMPORT_ASYNC_ROWS = 5_000
    assert check_configuration() == []


def test_import_sizes_come_from_the_environment():
    import os
    import subprocess
    import sys

    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="x" * 50,
        IMPORT_ASYNC_BYTES="1000",
        IMPORT_ASYNC_ROWS="10",
    )
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.IMPORT_ASYNC_BYTES, settings.IMPORT_ASYNC_ROWS)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["1000", "10"]
