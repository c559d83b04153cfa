"""The ceiling: a bare ASGI app that answers every request with a fixed 304.

Served by uvicorn with the same options as ``caja-server``, it shows how many requests per
second this machine, this uvicorn and this load generator can do at all. Every throughput
figure of ``caja-server bench`` is also given as a share of it, because absolute figures on a
shared machine drift while ratios hold.

Run it on its own with ``python -m caja_server.bench.ceiling --port 8001``.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_START = {
    "type": "http.response.start",
    "status": 304,
    "headers": [(b"etag", b'W/"1-presenter"'), (b"cache-control", b"no-cache")],
}
_BODY = {"type": "http.response.body", "body": b""}


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer every HTTP request with the same 304; accept lifespan events."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send(_START)
    await send(_BODY)


def uvicorn_options(host: str, port: int, timeout_keep_alive: int = 75) -> dict[str, Any]:
    """The uvicorn options ``caja-server`` uses (see ``caja_server.cli.cmd_serve``)."""
    return {
        "host": host,
        "port": port,
        "proxy_headers": True,
        "forwarded_allow_ips": "127.0.0.1",
        "timeout_keep_alive": timeout_keep_alive,
        "log_config": None,
        "access_log": False,
        "server_header": False,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the ceiling app until interrupted."""
    import uvicorn

    parser = argparse.ArgumentParser(description="Bare ASGI app answering a fixed 304")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    uvicorn.run(app, **uvicorn_options(args.host, args.port))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
