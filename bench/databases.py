"""The benchmark's own databases: find them, create them, seed them once.

The orchestrator does not import Django: it drives ``manage.py`` in
subprocesses with the environment of each database, and reads or writes the
seed marker (a one-row table ``bench_marker``) with the plain DB-API driver.
A database is rebuilt from scratch when its marker does not match the
fingerprint of what would be seeded now (the seed, the seeders' source and the
migrations), so a benchmark never runs on stale or half-seeded data.

The growth runs (``make bench BENCH_ARGS="--scales 1,2,4"``) use one database
per size of the data set: ``seed_demo --scale province --size N`` in
``bench/congvu_bench_xN.sqlite3`` and PostgreSQL ``congvu_bench_xN`` (size 1
keeps the names above).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = ROOT / "bench" / "congvu_bench.sqlite3"
# BENCH_PG_NAME lets two checkouts of different seeders share one server.
PG_NAME = os.environ.get("BENCH_PG_NAME") or "congvu_bench"
MARKER_TABLE = "bench_marker"


@dataclass(frozen=True)
class BenchDatabase:
    label: str  # "sqlite" or "postgresql": the "database" of results.json
    url: str
    size: int = 1  # how many times the province data set it holds

    @property
    def sqlite_path(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///")) if self.is_sqlite else SQLITE_PATH

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def env(self, **extra: str) -> dict[str, str]:
        """The environment every subprocess on this database runs with."""
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY")
            or "bench-only-secret-key-not-for-production-0123456789",
            DJANGO_HTTPS="0",
            DJANGO_DEBUG="0",
            DJANGO_LOG_LEVEL="WARNING",
            DATABASE_URL=self.url,
            # The limits are raised, not removed: every request is still
            # counted in the cache as in production, but a benchmark that
            # sends hundreds of requests a minute from one address and one
            # user must not be told to wait.
            DJANGO_THROTTLE_USER="1000000/m",
            DJANGO_THROTTLE_ANON="1000000/m",
            FEEDBACK_RATE_LIMIT="1000000/m",
            PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        )
        env.update(extra)
        return env


def sized_name(name: str, size: int) -> str:
    """``congvu_bench`` for the province data set, ``congvu_bench_x4`` for four times it."""
    return name if size == 1 else f"{name}_x{size}"


def sqlite_database(size: int = 1) -> BenchDatabase:
    path = SQLITE_PATH.with_name(sized_name(SQLITE_PATH.stem, size) + SQLITE_PATH.suffix)
    return BenchDatabase("sqlite", f"sqlite:///{path}", size)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def postgres_database(environ: dict[str, str] | None = None, size: int = 1) -> BenchDatabase | None:
    """PostgreSQL at ``DATABASE_URL``'s server when it names one, else 127.0.0.1:5432 if it answers.

    The benchmark never touches the database ``DATABASE_URL`` names: it uses
    a database of its own, ``congvu_bench`` (``congvu_bench_xN`` for N times
    the data set), on the same server.
    """
    environ = os.environ if environ is None else environ
    url = environ.get("DATABASE_URL", "")
    name = sized_name(PG_NAME, size)
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        parts = urlsplit(url)
        return BenchDatabase(
            "postgresql", urlunsplit(parts._replace(path=f"/{name}", query="")), size
        )
    if _reachable("127.0.0.1", 5432):
        return BenchDatabase("postgresql", f"postgres://postgres@127.0.0.1:5432/{name}", size)
    return None


def fingerprint(seed: int, size: int = 1) -> str:
    """What the seeded data depends on: the seed, the size, the seeders' source and every
    migration."""
    digest = hashlib.sha256(
        f"province:{seed}".encode() + (f":x{size}".encode() if size != 1 else b"")
    )
    sources = sorted(ROOT.glob("*/demo.py")) + sorted(ROOT.glob("*/*/demo.py"))
    sources += sorted(ROOT.glob("*/migrations/0*.py")) + sorted(ROOT.glob("*/*/migrations/0*.py"))
    sources.append(ROOT / "core" / "management" / "commands" / "seed_demo.py")
    for path in sources:
        if ".venv" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(_code_of(path))
    return digest.hexdigest()[:16]


def _code_of(path: Path) -> bytes:
    """The module's syntax tree without docstrings: what it does, not how it is laid out.

    Re-wrapping lines (E501), formatting, editing comments or docstrings leaves
    the seeded rows as they were, so it must not cost a reseed.
    """
    import ast

    tree = ast.parse(path.read_bytes(), filename=str(path))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree).encode()


# --- marker, via the plain drivers --------------------------------------------


def _pg_connect(url: str, dbname: str | None = None):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname=dbname or parts.path.lstrip("/"),
        autocommit=True,
        connect_timeout=5,
    )


def read_marker(db: BenchDatabase) -> dict | None:
    try:
        if db.is_sqlite:
            if not db.sqlite_path.exists():
                return None
            with contextlib.closing(sqlite3.connect(db.sqlite_path)) as conn:
                row = conn.execute(f"SELECT info FROM {MARKER_TABLE}").fetchone()
        else:
            with _pg_connect(db.url) as conn:
                row = conn.execute(f"SELECT info FROM {MARKER_TABLE}").fetchone()
    except Exception:  # no database, no table: not seeded
        return None
    return json.loads(row[0]) if row else None


def write_marker(db: BenchDatabase, info: dict) -> None:
    statements = [
        f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (info TEXT NOT NULL)",
        f"DELETE FROM {MARKER_TABLE}",
    ]
    text = json.dumps(info, sort_keys=True)
    if db.is_sqlite:
        with contextlib.closing(sqlite3.connect(db.sqlite_path)) as conn, conn:
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"INSERT INTO {MARKER_TABLE} (info) VALUES (?)", (text,))
    else:
        with _pg_connect(db.url) as conn:
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"INSERT INTO {MARKER_TABLE} (info) VALUES (%s)", (text,))


def recreate(db: BenchDatabase) -> None:
    """An empty database: the SQLite file removed, or PostgreSQL's dropped and created."""
    if db.is_sqlite:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db.sqlite_path}{suffix}").unlink(missing_ok=True)
        return
    name = urlsplit(db.url).path.lstrip("/")
    with _pg_connect(db.url, dbname="postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(db: BenchDatabase, *args: str, timeout: float = 600, quiet: bool = False) -> str:
    """Run ``manage.py`` on this database; raise with its output when it fails."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=db.env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed on {db.label}:\n{proc.stdout}\n{proc.stderr}"
        )
    return proc.stdout


def prepare(db: BenchDatabase, seed: int, *, fresh: bool = False, log=print) -> dict:
    """Make sure ``db`` holds the province data set for ``seed``; return its marker."""
    wanted = fingerprint(seed, db.size)
    marker = None if fresh else read_marker(db)
    if marker and marker.get("fingerprint") == wanted:
        log(
            f"[{db.label}{_times(db)}] province data for seed {seed} already in place "
            f"({marker['seed_seconds']:.1f}s to seed)"
        )
        return marker
    log(
        f"[{db.label}{_times(db)}] building a fresh database "
        f"({'asked' if fresh else 'no matching seed marker'})"
    )
    recreate(db)
    started = time.monotonic()
    manage(db, "migrate", "--noinput", "-v0")
    manage(db, "createcachetable")
    migrated = time.monotonic()
    out = manage(
        db,
        "seed_demo",
        "--scale",
        "province",
        "--seed",
        str(seed),
        "--size",
        str(db.size),
        timeout=1800 * db.size,
    )
    seeded = time.monotonic()
    for line in out.splitlines():
        log(f"[{db.label}{_times(db)}]   {line.strip()}")
    if not db.is_sqlite:
        # Fresh bulk-loaded tables have no statistics until autovacuum gets to
        # them (a minute or so later), and the planner would guess meanwhile.
        # SQLite is left as Django leaves it, without sqlite_stat1: that is
        # what an embedded deployment runs on.
        with _pg_connect(db.url) as conn:
            conn.execute("ANALYZE")
    marker = {
        "fingerprint": wanted,
        "seed": seed,
        "size": db.size,
        "migrate_seconds": round(migrated - started, 1),
        "seed_seconds": round(seeded - migrated, 1),
        "seed_output": out.strip().splitlines(),
    }
    write_marker(db, marker)
    log(f"[{db.label}{_times(db)}] seeded in {marker['seed_seconds']:.1f}s")
    return marker


def _times(db: BenchDatabase) -> str:
    return "" if db.size == 1 else f" x{db.size}"
