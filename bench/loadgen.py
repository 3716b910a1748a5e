"""A small HTTP/1.1 load generator, run in its own process: N keep-alive connections, each sending
POST requests back to back for a fixed time. Prints one JSON line with the rate and latencies.

    python -m bench.loadgen --url http://127.0.0.1:8000/api/donations --spec spec.json --seconds 8

The spec is `{"run": ID, "connections": [{"headers": {…}, "body": {…}, "url": URL}, …]}`; a connection
gives its own "url" to spread the load over several servers, or leaves it out to post to `--url`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import time
from pathlib import Path
from typing import Any, NotRequired, TypedDict
from urllib.parse import urlsplit


class Connection(TypedDict):
    headers: dict[str, str]
    body: dict[str, Any]
    url: NotRequired[str]


class Spec(TypedDict):
    run: str
    connections: list[Connection]


class Load(TypedDict):
    """What was answered after the warm-up; latencies are NaN when nothing was."""

    requests: int
    rate: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int]


def _request(host: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
    ]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _worker(
    connection: Connection,
    url: str,
    key_prefix: str,
    warmup_until: float,
    stop_at: float,
    latencies: list[float],
    statuses: dict[str, int],
) -> None:
    parts = urlsplit(connection.get("url", url))
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    sent = 0
    try:
        while time.perf_counter() < stop_at:
            body = json.dumps(connection["body"]).encode()
            headers = dict(connection["headers"])
            headers["Idempotency-Key"] = f"{key_prefix}-{sent}"
            sent += 1
            started = time.perf_counter()
            writer.write(_request(parts.netloc, parts.path, headers, body))
            await writer.drain()
            status = (await reader.readline()).split()[1].decode()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            finished = time.perf_counter()
            if started >= warmup_until:
                latencies.append(finished - started)
                statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def run(url: str, spec: Spec, seconds: float, warmup: float) -> Load:
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    start = time.perf_counter()
    warmup_until, stop_at = start + warmup, start + warmup + seconds
    await asyncio.gather(
        *(
            _worker(connection, url, f"bench-{spec['run']}-{n}", warmup_until, stop_at, latencies, statuses)
            for n, connection in enumerate(spec["connections"])
        )
    )
    latencies.sort()
    count = len(latencies)
    return {
        "requests": count,
        "rate": count / seconds,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else math.nan,
        "p99_ms": latencies[min(count - 1, int(count * 0.99))] * 1000 if latencies else math.nan,
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="", help="where connections without a url of their own post")
    parser.add_argument(
        "--spec", required=True, help="JSON file: run id and per-connection body, headers, url"
    )
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--warmup", type=float, default=1)
    args = parser.parse_args()
    spec = json.loads(Path(args.spec).read_text(encoding="utf-8"))
    if not args.url and not all("url" in connection for connection in spec["connections"]):
        parser.error("give --url, or a url in every connection of the spec")
    print(json.dumps(asyncio.run(run(args.url, spec, args.seconds, args.warmup))))


if __name__ == "__main__":
    main()
