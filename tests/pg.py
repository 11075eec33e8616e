"""A throwaway PostgreSQL server for tests: initdb into a temporary folder, run on a free localhost port.

Import the fixtures into a test module (``from pg import pg_server, pg_database  # noqa: F401``).
Tests are skipped, with the reason, only when no PostgreSQL server binaries are installed.
When running as root (PostgreSQL refuses to), the server runs as the ``postgres`` or ``nobody`` user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest


def find_bin() -> Path | None:
    """Folder with initdb and pg_ctl: the newest /usr/lib/postgresql/*/bin, else the PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl and shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_user() -> str | None:
    """The unprivileged account to run the server as, when we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and no 'postgres' or 'nobody' account to run PostgreSQL as")


def _run(cmd: list[str], user: str | None) -> None:
    if user:
        cmd = ["runuser", "-u", user, "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server, yield its URL (postgresql://dateline@127.0.0.1:PORT/postgres), stop and delete it."""
    bindir = find_bin()
    if bindir is None:
        raise FileNotFoundError("no PostgreSQL server binaries")
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="dateline-pg-"))
    if user:
        info = pwd.getpwnam(user)
        os.chown(root, info.pw_uid, info.pw_gid)
    data, port = root / "data", _free_port()
    try:
        _run(
            [str(bindir / "initdb"), "-D", str(data), "-U", "dateline", "--auth=trust", "-E", "UTF8", "--no-sync"], user
        )
        opts = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} -c fsync=off"
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start"], user)
        try:
            yield f"postgresql://dateline@127.0.0.1:{port}/postgres"
        finally:
            _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of a PostgreSQL server running for this test session."""
    if find_bin() is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed: apt-get install postgresql")
    with postgres_server() as url:
        yield url


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """URL of a new, empty database on the server at `server_url`; dropped on exit."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[str]:
    """URL of a fresh, empty database on the session server; dropped afterwards."""
    with fresh_database(pg_server) as url:
        yield url
