"""A throwaway PostgreSQL cluster for the benchmarks, made the way .ci/postgres.sh makes the
test suite's: `with server() as admin_url:` runs initdb in a new temporary directory, starts the
server on loopback with fsync off, gives the superuser a random password and creates the role
`arbench` (CREATEDB) with another, and yields both URLs (`Cluster`); at the end the server is
stopped and its directory deleted.

The port is a free one in 55440-55479: the test runs (.ci/postgres.sh) use 55432-55439, so a
benchmark never takes a port a test run of another engineer is about to try. The cluster runs
as the unprivileged `postgres` user when this is root (initdb refuses root); the password goes
to psql through stdin, never through a command line. Nothing of the cluster is kept: the team
book is copied into it for each run (benchmarks/pg_book.py).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PORTS = range(55440, 55480)  # outside the test runs' 55432-55439
SETTINGS = ("-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB "
            "-c maintenance_work_mem=256MB -c max_wal_size=4GB")  # fmt: skip


class NoServer(RuntimeError):
    """No PostgreSQL server binaries on this machine, or the cluster did not start."""


def binaries() -> Path | None:
    """The directory of initdb and pg_ctl (PATH first, then Debian's layout), if any."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    return None


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def free_port() -> int:
    """A port of PORTS nobody listens on and that can be bound now."""
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise NoServer(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def _run(cmd: list[str], what: str, log: Path, **kwargs: object) -> None:
    proc = subprocess.run(_as_owner(cmd), capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if proc.returncode != 0:
        tail = log.read_text()[-1500:] if log.exists() else ""
        raise NoServer(f"{what} failed: {proc.stderr.strip()[-1500:]}\n{tail}")


@dataclass(frozen=True)
class Cluster:
    """The URLs of a running benchmark cluster: its superuser (to copy a book in) and the
    role arbench connects as (may create databases; owns the book's database)."""

    admin_url: str
    user_url: str
    data: Path

    def cpu_seconds(self) -> float:
        """CPU seconds the server's processes (postmaster, backends, workers) have used."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        tick, total = os.sysconf("SC_CLK_TCK"), 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid or stat.parent.name == str(pid):
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def server_version(self) -> str:
        import psycopg

        with psycopg.connect(self.admin_url) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return f"PostgreSQL {str(row[0]).split()[0] if row else '?'}"


@contextmanager
def server() -> Iterator[Cluster]:
    """A fresh cluster for the duration of the block. Raises NoServer when PostgreSQL is not
    installed or does not start."""
    bin_dir = binaries()
    if bin_dir is None:
        raise NoServer("no PostgreSQL server binaries (Debian's postgresql package)")
    if os.geteuid() == 0 and subprocess.run(["id", "postgres"], capture_output=True).returncode:
        raise NoServer("running as root and there is no `postgres` user to own the cluster")
    folder = Path(tempfile.mkdtemp(prefix="arbench-bench-pg."))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, log = folder / "data", folder / "server.log"
    ctl = str(bin_dir / "pg_ctl")
    started = False
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
              "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"],
             "initdb", log)  # fmt: skip
        port = free_port()
        _run([ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60",
              "-o", f"{SETTINGS} -p {port} -k {folder}", "start"], "starting the server", log)  # fmt: skip
        started = True
        admin, user = secrets.token_hex(16), secrets.token_hex(16)
        psql = bin_dir / "psql" if (bin_dir / "psql").exists() else Path("psql")
        _run([str(psql), "-X", "-q", "-h", str(folder), "-p", str(port), "-U", "postgres",
              "-d", "postgres", "-v", "ON_ERROR_STOP=1"], "creating the role", log,
             input=f"ALTER ROLE postgres PASSWORD '{admin}';\n"
                   f"CREATE ROLE arbench LOGIN CREATEDB PASSWORD '{user}';\n")  # fmt: skip
        host = f"127.0.0.1:{port}/postgres"
        yield Cluster(f"postgresql://postgres:{admin}@{host}", f"postgresql://arbench:{user}@{host}",
                      data)  # fmt: skip
    finally:
        if started:
            subprocess.run(_as_owner([ctl, "-D", str(data), "-m", "immediate", "stop"]),
                           capture_output=True, check=False)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def database_url(url: str, name: str) -> str:
    """The same server and role, another database."""
    return url.rsplit("/", 1)[0] + f"/{name}"
