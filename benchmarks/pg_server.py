"""A PostgreSQL cluster for the benchmarks, kept under benchmarks/.books/pg/ (ignored by git).

The 1,000,000-pro team book takes minutes to build, so the cluster's files are kept between
runs; the server runs only while a benchmark needs it (`with server() as admin_url:`), on
loopback, on a free port in 55440-55449 (the test suite uses 55432-55439), with fsync off as
the test clusters have it. Its superuser password is random, made once and kept in a file
only its owner can read; nothing else reads it. The server runs as the `postgres` user when
this is root (initdb refuses root).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.books import BOOKS_DIR

PG_DIR = BOOKS_DIR / "pg"
PORTS = range(55440, 55450)


def _bin() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    raise RuntimeError("no PostgreSQL server binaries (Debian's postgresql package)")


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 55440-55449")


def _init(bin_dir: Path) -> str:
    """Create the cluster once; its superuser password."""
    data, secret = PG_DIR / "data", PG_DIR / "password"
    if (data / "PG_VERSION").exists():
        return secret.read_text().strip()
    PG_DIR.mkdir(parents=True, exist_ok=True)
    password = secrets.token_hex(16)
    pwfile = PG_DIR / "initpw"
    pwfile.write_text(password + "\n")
    if os.geteuid() == 0:
        shutil.chown(PG_DIR, "postgres")
        shutil.chown(pwfile, "postgres")
    pwfile.chmod(0o600)
    subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                              "--pwfile", str(pwfile), "-A", "scram-sha-256", "-E", "UTF8",
                              "--no-locale", "--no-sync"]),
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    pwfile.unlink()
    secret.write_text(password + "\n")
    secret.chmod(0o600)
    return password


@contextmanager
def server() -> Iterator[str]:
    """Start the kept cluster; yields the superuser's URL (postgresql://...) and stops it."""
    bin_dir = _bin()
    password = _init(bin_dir)
    port = _free_port()
    data = PG_DIR / "data"
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {PG_DIR} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
               "-c shared_buffers=512MB")  # fmt: skip
    subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-l",
                              str(PG_DIR / "server.log"), "-w", "-t", "60", "-o", options,
                              "start"]), check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    try:
        time.sleep(0.2)
        yield f"postgresql://postgres:{password}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                  "stop"]), check=False, stdout=subprocess.DEVNULL)  # fmt: skip


def database_url(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + f"/{name}"
