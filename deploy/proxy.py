"""A small round-robin HTTP reverse proxy for `make cluster` (nginx's role in compose.yaml).

One request per client connection (it answers ``Connection: close``). A backend that
refuses the connection is skipped and the request goes to the next one — safe for any
method, since nothing reached the dead backend. Standard library only.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging

log = logging.getLogger("proxy")
MAX_HEAD = 64 * 1024
MAX_BODY = 64 * 1024 * 1024


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes] | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    if len(head) > MAX_HEAD:
        return None
    length = 0
    lines = head.split(b"\r\n")
    kept = [lines[0]]
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        lname = name.strip().lower()
        if lname == b"content-length":
            length = int(value.strip() or 0)
        if lname in (b"connection", b"keep-alive", b"proxy-connection") or not line:
            continue
        kept.append(line)
    if length > MAX_BODY:
        return None
    body = await reader.readexactly(length) if length else b""
    kept.append(b"Connection: close")
    return b"\r\n".join(kept) + b"\r\n\r\n", body


class Proxy:
    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self.backends = backends
        self.ring = itertools.cycle(range(len(backends)))

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await read_request(reader)
            if request is None:
                return
            head, body = request
            start = next(self.ring)
            for i in range(len(self.backends)):
                host, port = self.backends[(start + i) % len(self.backends)]
                try:
                    up_reader, up_writer = await asyncio.wait_for(
                        asyncio.open_connection(host, port), timeout=2
                    )
                except (TimeoutError, OSError):
                    log.warning("backend %s:%s unavailable, trying the next", host, port)
                    continue
                up_writer.write(head + body)
                await up_writer.drain()
                while chunk := await up_reader.read(65536):
                    writer.write(chunk)
                    await writer.drain()
                up_writer.close()
                return
            writer.write(
                b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\n"
                b"Content-Length: 26\r\nConnection: close\r\n\r\n"
                b'{"detail": "Bad gateway."}'
            )
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def parse_addr(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    return host or "127.0.0.1", int(port)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", default="127.0.0.1:8100")
    parser.add_argument("--backend", action="append", required=True)
    args = parser.parse_args()
    proxy = Proxy([parse_addr(b) for b in args.backend])
    host, port = parse_addr(args.listen)
    server = await asyncio.start_server(proxy.handle, host, port, backlog=512)
    log.warning("proxy on %s:%s → %s", host, port, ", ".join(args.backend))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="proxy: %(message)s")
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
