"""A throwaway PostgreSQL cluster for the test session: initdb + pg_ctl on a unix socket in a temp folder.

Loaded as a pytest plugin from conftest.py. The server runs as an unprivileged user when the tests
run as root (PostgreSQL refuses to run as root), listens on no TCP port, and is stopped at the end.
Tests that need it skip with the reason only where no PostgreSQL server binaries are installed.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def server_bin() -> Path | None:
    """The directory holding initdb/pg_ctl: on PATH, or Debian's /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def run_as(user: str | None) -> dict:
    """subprocess arguments that drop root to ``user`` (PostgreSQL will not run as root)."""
    if user is None:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


class Cluster:
    def __init__(self, root: Path, bin_dir: Path, user: str | None) -> None:
        self.root, self.bin, self.user = root, bin_dir, user
        self.data = root / "data"
        self.socket_dir = root

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]], capture_output=True, text=True, timeout=120, **run_as(self.user)
        )

    def start(self) -> None:
        init = self.run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed: {init.stderr.strip()[-500:]}")
        options = f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        started = self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        if started.returncode != 0:
            log = (self.root / "log").read_text(errors="replace")[-800:] if (self.root / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()} {log}")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")

    def dsn(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@/{dbname}?host={self.socket_dir}"


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    bin_dir = server_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql")
    pytest.importorskip("psycopg", reason="psycopg is in the test extra: pip install -e '.[test]'")
    user = "nobody" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="bm-pg-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(root, bin_dir, user)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_dsn(postgres_cluster: Cluster) -> str:
    """A database with the cluster's default collation (C.UTF-8: not C for LIKE prefixes)."""
    return postgres_cluster.dsn()


@pytest.fixture(scope="session")
def postgres_c_dsn(postgres_cluster: Cluster) -> str:
    """A database whose collation is C, where a plain B-tree serves LIKE 'prefix%'."""
    import psycopg

    with psycopg.connect(postgres_cluster.dsn(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE c_collation TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'")
    return postgres_cluster.dsn("c_collation")
