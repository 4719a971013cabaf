"""A throwaway PostgreSQL cluster on a free loopback port, removed afterwards.

Used by the test suite (tests/conftest.py starts one when a test asks for the
PostgreSQL engine) and from the shell::

    python -m scripts.pg_cluster -- pytest -q tests/test_store.py

runs the command with ``OBOROT_TEST_PG_URL`` set to a fresh database and removes
the cluster when the command ends.  The server binaries come from Debian's
``postgresql`` package (``/usr/lib/postgresql/<version>/bin``); PostgreSQL refuses
to run as root, so as root the cluster belongs to the ``postgres`` user.
Standard library only: it runs before any dependency is installed.
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATABASE = "oborot_test"
SUPERUSER = "oborot"
_FAST = (  # a throwaway cluster needs no crash safety: tests run faster without it
    "fsync = off",
    "synchronous_commit = off",
    "full_page_writes = off",
)


class Unavailable(RuntimeError):
    """Why no cluster can be started here (the tests that need one are skipped with it)."""


def server_bin() -> Path:
    """The newest installed PostgreSQL server's bin directory."""
    candidates = sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if Path(p, "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise Unavailable(
        "PostgreSQL server binaries not found (Debian: apt-get install postgresql; "
        "`make test` installs it when run as root)"
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """initdb + pg_ctl start in a temp dir; ``url`` names a database in it; stop() removes all."""

    def __init__(self, *, durable: bool = False) -> None:
        self.bin = server_bin()
        self.owner = self._owner()
        # /tmp rather than $TMPDIR: a test may point TMPDIR into a directory of its own
        # that the postgres user cannot enter.
        base = "/tmp" if os.path.isdir("/tmp") else None
        self.root = Path(tempfile.mkdtemp(prefix="oborot-pg-", dir=base))
        self.data = self.root / "data"
        self.port = 0
        self.durable = durable
        self.url = ""

    @staticmethod
    def _owner() -> pwd.struct_passwd | None:
        """The user the server runs as: ourselves, or ``postgres`` when we are root."""
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam("postgres")
        except KeyError as exc:
            raise Unavailable(
                "running as root and there is no `postgres` user to run the server as "
                "(it comes with Debian's postgresql package)"
            ) from exc

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner.pw_name, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True,
                              cwd=self.root)

    def start(self) -> Cluster:
        """Create, configure and start the cluster and its database; return self."""
        try:
            if self.owner is not None:
                os.chown(self.root, self.owner.pw_uid, self.owner.pw_gid)
            self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
                      "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
            settings = [
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = ''",
                "max_connections = 50",
                *(() if self.durable else _FAST),
            ]
            with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
                conf.write("\n".join(settings) + "\n")
            for attempt in range(5):  # another process may take the port between bind and start
                self.port = free_port()
                started = self._run("pg_ctl", "-D", str(self.data), "-l",
                                    str(self.root / "server.log"), "-w", "-t", "30",
                                    "-o", f"-p {self.port}", "start", check=False)
                if started.returncode == 0:
                    break
                if attempt == 4:
                    log = (self.root / "server.log").read_text(errors="replace")[-2000:]
                    raise Unavailable(f"PostgreSQL did not start: {started.stderr}{log}")
            admin = f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"
            self._run("psql", "-q", "-d", admin, "-c", f"CREATE DATABASE {DATABASE}")
            self.url = f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"
        except (subprocess.CalledProcessError, OSError) as exc:
            detail = getattr(exc, "stderr", "") or exc
            self.stop()
            raise Unavailable(f"could not create a PostgreSQL cluster: {detail}") from exc
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop",
                      check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """Run a command with OBOROT_TEST_PG_URL set to a throwaway cluster's database."""
    parser = argparse.ArgumentParser(prog="python -m scripts.pg_cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--durable", action="store_true",
                        help="keep fsync on (for timing a load as a real server would)")
    parser.add_argument("command", nargs=argparse.REMAINDER,
                        help="the command to run (after --); default: print the URL and wait")
    args = parser.parse_args(argv)
    command = [c for c in args.command if c != "--"] or None
    required = os.environ.get("OBOROT_TEST_PG_REQUIRED") == "1"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` removes it
    try:
        cluster = Cluster(durable=args.durable).start()
    except Unavailable as exc:
        if required or command is None:
            print(f"pg_cluster: {exc}", file=sys.stderr)
            return 2
        print(f"pg_cluster: {exc}; PostgreSQL tests will be skipped", file=sys.stderr)
        env = {**os.environ, "OBOROT_TEST_PG_SKIP": str(exc)}
        return subprocess.run(command, env=env, check=False).returncode
    try:
        if command is None:
            print(cluster.url, flush=True)
            while True:
                time.sleep(3600)
        env = {**os.environ, "OBOROT_TEST_PG_URL": cluster.url}
        return subprocess.run(command, env=env, check=False).returncode
    except KeyboardInterrupt:
        return 130
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
