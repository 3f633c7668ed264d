#!/usr/bin/env python3
"""A TCP proxy that delays every chunk by a fixed time, each way: a WAN
round trip on loopback, where ``tc netem`` is not available.

    python benchmarks/delay_proxy.py DELAY LISTEN_FIRST TARGET_FIRST COUNT

forwards 127.0.0.1:LISTEN_FIRST+i to 127.0.0.1:TARGET_FIRST+i for i < COUNT,
delivering each chunk DELAY seconds after it arrived (order kept). Prints
"ready" when every port listens; stops on SIGTERM. For benchmarks only.
"""

from __future__ import annotations

import asyncio
import signal
import sys


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
               delay: float) -> None:
    """Copy reader to writer, each chunk ``delay`` later than it came."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, data = await queue.get()
            await asyncio.sleep(max(0.0, due - loop.time()))
            if not data:
                break
            writer.write(data)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            queue.put_nowait((loop.time() + delay, data))
            if not data:
                break
    except ConnectionError:
        queue.put_nowait((loop.time(), b""))
    await sender


def handler(target: int, delay: float):
    async def connected(reader, writer) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, upstream_writer, delay),
                             pipe(upstream_reader, writer, delay), return_exceptions=True)
    return connected


async def main(delay: float, listen_first: int, target_first: int, count: int) -> None:
    servers = [await asyncio.start_server(handler(target_first + i, delay), "127.0.0.1",
                                          listen_first + i, backlog=512)
               for i in range(count)]
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await stop.wait()
    for server in servers:
        server.close()


if __name__ == "__main__":
    seconds, first, target, number = sys.argv[1:5]
    asyncio.run(main(float(seconds), int(first), int(target), int(number)))
