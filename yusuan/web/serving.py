"""The HTTP protocol uvicorn runs the portal's worker processes with: its own, with TCP_NODELAY.

With `--workers N` uvicorn binds the listening socket itself, as ``socket.socket(AF_INET,
SOCK_STREAM)`` — protocol number 0, not IPPROTO_TCP — and asyncio sets TCP_NODELAY only on
sockets whose protocol number says TCP. The connections then kept Nagle's algorithm: a response
written as headers then body waited for the client's delayed ACK, 40 ms on Linux, on every
request (the benchmark saw p50 48 ms for a 4 ms answer). Setting it on each connection is what
one process does already.
"""
from __future__ import annotations

import socket
from contextlib import suppress

from uvicorn.protocols.http.auto import AutoHTTPProtocol


class NoDelayHTTPProtocol(AutoHTTPProtocol):
    def connection_made(self, transport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
