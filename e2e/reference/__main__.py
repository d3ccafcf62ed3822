"""python3 -m reference [--profile rest|graphql] [--auth] [--port N] [--mutant NAME]: serves the
reference (or one mutant) on 127.0.0.1 until interrupted. Run from e2e/."""

from __future__ import annotations

import argparse
import time

from .mutants import MUTANTS, build
from .wire import serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", choices=("rest", "graphql"), default="rest")
    parser.add_argument("--auth", action="store_true")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mutant", choices=sorted(MUTANTS), help="serve this mutant instead of the reference")
    args = parser.parse_args()
    app = build(args.profile, args.auth, args.mutant)
    app.print_faults = True
    server, url = serve(app, port=args.port)
    print(url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()


main()
