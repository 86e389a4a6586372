"""`python -m bench` (what `make bench` runs): generate or reuse the data, start the system, load it, report.

BENCH_SCALE=0.05 for a quick run; see bench/README.md for every setting.
"""

import argparse
import asyncio
import contextlib
import json
import platform
import signal
import time

from bench import regions as tree
from bench.config import BenchConfig
from bench.generate import generate
from bench.system import make_stack, restart_all, sign_in
from halfsky_gateway.stack import Stack


def serve(config: BenchConfig, stack: Stack) -> None:
    """Keep the loaded system up for a closer look; tokens of the bench users go to a file."""
    users = sign_in(stack)
    path = config.data_dir / "tokens.json"
    path.write_text(json.dumps({"base": stack.base_url, "urls": stack.urls, "ports": stack.ports, **users.tokens}))
    print(f"serving at {stack.base_url} (services on {stack.ports}); tokens in {path}; Ctrl-C stops", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(1)


def interrupt(signum: int, frame: object) -> None:
    """SIGTERM (and SIGINT, even when started in the background) stop the run cleanly: processes, database."""
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--generate-only", action="store_true", help="make the data, then stop")
    parser.add_argument("--serve", action="store_true", help="make the data, start the system and keep it up")
    args = parser.parse_args()
    config = BenchConfig()
    print(f"HalfSky bench at scale {config.scale:g} on {platform.node()}; data in {config.data_dir}", flush=True)
    csv = tree.tree_csv(config.cache_dir)
    regions = tree.load(csv)
    stack = make_stack(config)
    started = time.perf_counter()
    try:
        stack.start()
        print(f"system up in {time.perf_counter() - started:.0f} s at {stack.base_url}", flush=True)
        state = asyncio.run(generate(config, stack, regions, csv))
        if args.generate_only:
            return 0
        restart_all(stack)
        if args.serve:
            serve(config, stack)
            return 0
        from bench.run import run

        run(config, stack, regions, state)
    except KeyboardInterrupt:
        print("interrupted; stopping the system", flush=True)
        return 130
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
