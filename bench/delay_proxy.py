"""A TCP proxy on loopback that adds network latency: every chunk is delayed by half the round-trip
time in each direction (order kept), and a new connection costs one round trip before its first
byte arrives, as a TCP handshake does. Bytes pass through untouched, so TLS ends at the target.

    python delay_proxy.py --target 127.0.0.1:PORT --rtt-ms 40 [--listen-port 0] [--lifetime 600]

Prints the port it listens on (127.0.0.1) as one line on stdout once it accepts connections, and
on exit one line of statistics on stderr (connections, bytes each way); with --trace, also a line
per delivered chunk (CLOCK_MONOTONIC time, connection, direction, size), to see a client's round
trips. Exits
after --lifetime seconds, on SIGTERM/SIGINT, or when its parent process goes away. Python
standard library only.

The model, with one-way delay d = RTT/2 and a connection accepted at t0:
  - client -> target: a chunk read at t is written at max(t, t0 + 2d) + d. Over a real network
    the client's connect() returns after SYN / SYN-ACK (2d) and its first byte arrives d later;
    on loopback connect() returns at once, so the first bytes are held back instead. A client's
    TCP + TLS 1.3 handshake thus completes after 2 RTT, and the first response byte of a request
    sent on a fresh connection arrives after 3 RTT, as over a WAN.
  - target -> client: a chunk read at t is written at max(t, t0 + 3d) + d (a server can only
    send once the client's ACK has arrived).
  - end of stream (FIN) is delayed like data; bandwidth is not limited.
Timers run on a select()-based event loop: epoll and poll time out in whole milliseconds
(rounded up), which would add up to 1 ms to every delayed chunk; select() has microseconds.
"""

import argparse
import asyncio
import ipaddress
import os
import selectors
import signal
import socket
import sys

CHUNK = 64 * 1024
QUEUE_CHUNKS = 256  # per direction: at most 16 MiB in flight before reading stops (backpressure)


def loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_target(text: str):
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    if not loopback(host):
        raise argparse.ArgumentTypeError(f"only loopback targets are allowed, got {host!r}")
    return host, int(port)


class Stats:
    def __init__(self) -> None:
        self.connections = 0
        self.up = 0
        self.down = 0
        self.active: set = set()  # the handler tasks of open connections
        self.trace = False


async def wait_until(loop: asyncio.AbstractEventLoop, when: float) -> None:
    if when <= loop.time():
        return
    fut = loop.create_future()
    handle = loop.call_at(when, lambda: fut.done() or fut.set_result(None))
    try:
        await fut
    finally:
        handle.cancel()


async def pipe(reader, writer, delay: float, not_before: float, stats: Stats, attr: str, conn: int) -> None:
    """Copies reader to writer, each chunk (and the end of stream) delayed by `delay` seconds."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue(QUEUE_CHUNKS)

    async def read() -> None:
        try:
            while True:
                data = await reader.read(CHUNK)
                await queue.put((max(loop.time(), not_before) + delay, data))
                if not data:
                    return
        except (ConnectionError, OSError):
            await queue.put((loop.time(), None))  # reset: tear down without waiting

    async def write() -> None:
        while True:
            due, data = await queue.get()
            await wait_until(loop, due)
            if data is None:
                writer.transport.abort()
                return
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            setattr(stats, attr, getattr(stats, attr) + len(data))
            if stats.trace:
                print(f"{loop.time():.4f} s  conn {conn} {attr:>4}"
                      f" {len(data):6} bytes", file=sys.stderr, flush=True)
            await writer.drain()

    reading = asyncio.create_task(read())
    try:
        await write()
    finally:
        reading.cancel()


async def handle(client_r, client_w, target, delay: float, stats: Stats) -> None:
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    stats.connections += 1
    stats.active.add(asyncio.current_task())
    try:
        await proxy(client_r, client_w, target, delay, t0, stats)
    except asyncio.CancelledError:
        pass  # shutting down (a cancelled handler upsets asyncio.start_server's callback in 3.11)
    finally:
        stats.active.discard(asyncio.current_task())


async def proxy(client_r, client_w, target, delay: float, t0: float, stats: Stats) -> None:
    loop = asyncio.get_running_loop()
    conn = stats.connections
    try:
        upstream_r, upstream_w = await asyncio.open_connection(*target)
    except OSError:
        # As a refused connection looks from afar: after the round trip of the SYN.
        await wait_until(loop, t0 + 2 * delay)
        client_w.transport.abort()
        return
    tasks = {
        asyncio.create_task(pipe(client_r, upstream_w, delay, t0 + 2 * delay, stats, "up", conn)),
        asyncio.create_task(pipe(upstream_r, client_w, delay, t0 + 3 * delay, stats, "down", conn)),
    }
    try:
        # Both directions to their end of stream, or the first reset / write error ends both.
        _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for t in pending:
            t.cancel()
    finally:
        for w in (client_w, upstream_w):
            w.close()
        await asyncio.gather(*tasks, return_exceptions=True)


async def main(args) -> None:
    loop = asyncio.get_running_loop()
    stats = Stats()
    stats.trace = args.trace
    delay = args.rtt_ms / 2000.0
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    loop.call_later(args.lifetime, lambda: stop.done() or stop.set_result(None))

    server = await asyncio.start_server(
        lambda r, w: handle(r, w, args.target, delay, stats),
        host="127.0.0.1",
        port=args.listen_port,
        family=socket.AF_INET,
    )
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)

    parent = os.getppid()

    async def watch_parent() -> None:
        while os.getppid() == parent:
            await asyncio.sleep(1)
        stop.done() or stop.set_result(None)

    watcher = asyncio.create_task(watch_parent())
    try:
        await stop
    finally:
        watcher.cancel()
        server.close()
        for task in list(stats.active):
            task.cancel()
        await asyncio.gather(*stats.active, return_exceptions=True)
        print(
            f"delay_proxy 127.0.0.1:{port} -> {args.target[0]}:{args.target[1]} (RTT {args.rtt_ms:g} ms):"
            f" {stats.connections} connections, {stats.up} bytes up, {stats.down} bytes down",
            file=sys.stderr,
            flush=True,
        )


def cli() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--target", type=parse_target, required=True, help="HOST:PORT on loopback")
    p.add_argument("--rtt-ms", type=float, required=True, help="round-trip time to add (ms)")
    p.add_argument("--listen-port", type=int, default=0, help="port on 127.0.0.1 (default: any)")
    p.add_argument("--lifetime", type=float, default=600, help="exit after this many seconds (600)")
    p.add_argument("--trace", action="store_true", help="log each chunk as it is delivered (stderr)")
    args = p.parse_args()
    if args.rtt_ms < 0 or args.lifetime <= 0:
        p.error("--rtt-ms must be >= 0 and --lifetime > 0")
    loop = asyncio.SelectorEventLoop(selectors.SelectSelector())
    try:
        loop.run_until_complete(main(args))
    finally:
        loop.close()


if __name__ == "__main__":
    cli()
