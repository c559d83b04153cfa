"""``caja-server bench``: a capacity benchmark of a running Caja server.

It simulates one live session (an admin, a big screen and N phones) with a lean asyncio
HTTP client, measures the same machine's ceiling with a bare ASGI app, and reports
throughput, latency percentiles, answers accepted vs stored and vote-to-screen latency.
See ``docs/performance.md``.
"""

from caja_server.bench.runner import main

__all__ = ["main"]
