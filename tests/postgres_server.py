"""A throwaway PostgreSQL server for the tests: Debian's initdb and pg_ctl in a temporary folder,
listening on a unix socket only (no TCP port), started once per test session.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (Debian's
package creates it), else as `nobody`, through `runuser`. Each test gets its own database.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "records_test"


class Unavailable(Exception):
    """No server can start here; the message says why."""


def _binaries() -> tuple[Path, Path]:
    # Debian keeps them off PATH, one folder per major version: the newest
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    on_path = shutil.which("initdb")
    initdb = Path(found[-1]) if found else Path(on_path) if on_path else None
    if initdb is None:
        raise Unavailable(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
            "`bash tools/install-system-deps.sh` installs Debian's `postgresql`"
        )
    pg_ctl = initdb.with_name("pg_ctl")
    if not pg_ctl.exists():
        raise Unavailable(f"{pg_ctl} is missing")
    return initdb, pg_ctl


def _run_as() -> tuple[list[str], pwd.struct_passwd | None]:
    """The command prefix that runs a server program as a non-root user (none when not root)."""
    if os.geteuid() != 0:
        return [], None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise Unavailable("running as root and `runuser` is missing: PostgreSQL cannot run as root")
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return [runuser, "-u", name, "--"], pwd.getpwnam(name)
    raise Unavailable("running as root and there is neither a `postgres` nor a `nobody` user")


@dataclass
class Server:
    folder: Path  # data folder, socket and log
    pg_ctl: Path
    prefix: list[str]

    @property
    def socket_dir(self) -> str:
        return str(self.folder)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket_dir}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(host=self.socket_dir, user=SUPERUSER, dbname="postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE template0 STRATEGY FILE_COPY")
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [*self.prefix, str(self.pg_ctl), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Server:
    """Start a server; raise :class:`Unavailable` saying why one cannot start."""
    initdb, pg_ctl = _binaries()
    prefix, user = _run_as()
    # short: a unix socket's path is limited to ~100 bytes
    folder = Path(tempfile.mkdtemp(prefix="render-pg-"))
    if user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
    data = folder / "data"
    server = Server(folder, pg_ctl, prefix)
    steps = [
        [str(initdb), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--no-sync"],
        [
            str(pg_ctl),
            "-D",
            str(data),
            "-l",
            str(folder / "server.log"),
            "-o",
            f"-k {folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c max_connections=40",
            "-w",
            "-t",
            "60",
            "start",
        ],
    ]
    for step in steps:
        try:
            done = subprocess.run([*prefix, *step], capture_output=True, text=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            server.stop()
            raise Unavailable(f"{Path(step[0]).name} failed: {error}") from None
        if done.returncode != 0:
            log = folder / "server.log"
            tail = log.read_text(errors="replace")[-600:] if log.exists() else ""
            server.stop()
            raise Unavailable(
                f"{Path(step[0]).name} exited {done.returncode}: {(done.stderr or done.stdout).strip()[-600:]} {tail}"
            )
    return server
