#!/usr/bin/env python3
"""Run a command beside a throwaway PostgreSQL server (standard library only).

    python3 scripts/throwaway_postgres.py --env CHARITY_TEST_POSTGRES_URL -- make test

initdb's a temporary cluster, starts it on a free loopback port (as the `postgres` user when run as
root, since PostgreSQL refuses to run as root), exports its URL in the named variable, runs the
command, stops the server and removes the cluster. The command's exit status is returned.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path


def server_binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
    if not found:
        sys.exit("PostgreSQL server binaries not found under /usr/lib/postgresql")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Yield the SQLAlchemy URL of a fresh server; it is gone when the block ends."""
    binaries = server_binaries()
    root = Path(tempfile.mkdtemp(prefix="charity-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    data, port = root / "data", _free_port()
    try:
        subprocess.run(
            as_server_user(
                [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--locale=C.UTF-8"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        options = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c max_connections=300"
        subprocess.run(
            as_server_user(
                [
                    str(binaries / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(root / "server.log"),
                    "-w",
                    "-o",
                    options,
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                check=False,
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", required=True, help="variable that receives the server's URL")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to run")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    with throwaway_postgres() as url:
        return subprocess.run(command, env={**os.environ, args.env: url}, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
