#!/usr/bin/env python3
"""A free TCP port for a server a check starts, below the kernel's ephemeral range.

A port the kernel hands out for `bind(0)` comes from the ephemeral range, the same range it takes
the local ports of outgoing connections from: between the check closing its probe and the server
binding, another case's client connection may take it (`EADDRINUSE`). A port below that range is
never given to a connection; this one is also free on the dual-stack any-address (the servers
listen there) and on 127.0.0.1 when it is chosen. Imported by the Python checks; run, it prints
one (for the shell checks).
"""

import random
import socket

FIRST, LAST = 20000, 32000


def ephemeral_start() -> int:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def is_free(port: int) -> bool:
    for family, address in ((socket.AF_INET6, "::"), (socket.AF_INET, "127.0.0.1")):
        with socket.socket(family) as probe:
            try:
                probe.bind((address, port))
            except OSError:
                return False
    return True


def free_port() -> int:
    last = min(LAST, ephemeral_start() - 1)
    for _ in range(200):
        port = random.randint(FIRST, last)
        if is_free(port):
            return port
    raise RuntimeError(f"no free port in {FIRST}-{last}")


if __name__ == "__main__":
    print(free_port())
