"""Slow clients: open N connections that send half a request line and wait, then time normal
requests. Prints the p50/p99/max latency of the normal requests while the slow ones hang."""

import argparse
import socket
import statistics
import sys
import time
import urllib.request


def hold_slow(host, port, count):
    """Open count sockets that each send a partial request line, and keep them open."""
    socks = []
    for _ in range(count):
        sock = socket.create_connection((host, port), timeout=5)
        sock.sendall(b"GET /v1/drugs/anastrozole HTTP/1.1\r\nHost: x\r\n")  # no final CRLF
        socks.append(sock)
    return socks


def timed_requests(url, count, timeout):
    times = []
    for _ in range(count):
        started = time.perf_counter()
        try:
            urllib.request.urlopen(url, timeout=timeout).read()
            times.append(time.perf_counter() - started)
        except OSError:
            times.append(float("inf"))
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--slow", type=int, default=64)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    host, port = args.url.split("//")[1].split("/")[0].split(":")
    socks = hold_slow(host, int(port), args.slow)
    time.sleep(0.5)
    times = sorted(timed_requests(args.url, args.requests, args.timeout))
    for sock in socks:
        sock.close()
    p50 = statistics.median(times) * 1000
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))] * 1000
    print(f"{args.slow} slow connections open: {len(times)} normal requests, p50 {p50:.1f} ms, "
          f"p99 {p99:.1f} ms, max {max(times) * 1000:.1f} ms")
    return 0 if max(times) < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
