"""``python -m elk_mock --host 127.0.0.1 --port 8765 [options]``: run the mock ELK/OSO endpoint.

With ``--port 0`` the system picks a free port. The first line on stdout is always
``elk_mock listening on http://HOST:PORT`` so a parent process can read the address.
SIGTERM and SIGINT stop it cleanly (hung responses are released first).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from datetime import date

from elk_mock.dataset import DEMO_CLOCK_START, Pupil, demo_dataset, generated_pupils
from elk_mock.faults import KINDS, FaultPlan, FaultSettings
from elk_mock.notifications import DEMO_SECRET, SECRET_ENV
from elk_mock.server import MockServer
from elk_mock.state import EndpointState


def load_dataset(spec: str) -> list[Pupil]:
    """``demo``, ``generated:N[:SEED]`` or ``demo+generated:N[:SEED]``."""
    pupils: list[Pupil] = []
    for part in spec.split("+"):
        name, _, rest = part.partition(":")
        if name == "demo" and not rest:
            pupils.extend(demo_dataset())
        elif name == "generated" and rest:
            count, _, seed = rest.partition(":")
            pupils.extend(generated_pupils(int(count), seed=int(seed or 0)))
        else:
            raise ValueError(f"unknown dataset: {part!r}")
    return pupils


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a rate is between 0 and 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m elk_mock", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--dataset", default="demo", help="demo | generated:N[:SEED] | demo+...")
    parser.add_argument("--clock", type=date.fromisoformat, default=DEMO_CLOCK_START)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each call")
    parser.add_argument("--error-rate", type=_rate, default=0.0, help="share of calls with 5xx")
    parser.add_argument("--timeout-rate", type=_rate, default=0.0, help="share of hung calls")
    parser.add_argument("--truncate-rate", type=_rate, default=0.0, help="share cut halfway")
    parser.add_argument(
        "--invalid-xml-rate", type=_rate, default=0.0, help="share of request ids served broken XML"
    )
    parser.add_argument("--hang-seconds", type=float, default=60.0, help="length of a hung call")
    parser.add_argument("--max-consecutive", type=int, default=3, help="bound on faults in a row")
    parser.add_argument("--fault-budget", type=int, default=None, help="bound on faults in all")
    parser.add_argument(
        "--next-faults", default="", help=f"comma-separated kinds forced in order: {KINDS}"
    )
    parser.add_argument("--refuse-pupil", action="append", default=[], metavar="KEY_OR_BSN")
    parser.add_argument("--seed", type=int, default=0, help="seed of the fault generator")
    parser.add_argument(
        "--notify-url",
        default="",
        help="the school's callback URL for notifications (a registration may name its own); "
        f"the shared secret comes from {SECRET_ENV} (default: the demo secret)",
    )
    parser.add_argument("--quiet", action="store_true", help="no access log")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s elk_mock %(message)s",
        stream=sys.stderr,
    )
    try:
        pupils = load_dataset(args.dataset)
        plan = FaultPlan(
            FaultSettings(
                latency=args.latency,
                error_rate=args.error_rate,
                timeout_rate=args.timeout_rate,
                truncate_rate=args.truncate_rate,
                invalid_xml_rate=args.invalid_xml_rate,
                hang_seconds=args.hang_seconds,
                max_consecutive=args.max_consecutive,
                budget=args.fault_budget,
                seed=args.seed,
                next=[kind for kind in args.next_faults.split(",") if kind],
            )
        )
    except ValueError as exc:
        print(f"elk_mock: {exc}", file=sys.stderr)
        return 2
    state = EndpointState(pupils, args.clock)
    state.set_refused(set(args.refuse_pupil))
    server = MockServer(
        (args.host, args.port),
        state,
        plan,
        dataset=args.dataset,
        notify_url=args.notify_url,
        notify_secret=os.environ.get(SECRET_ENV) or DEMO_SECRET,
    )

    def stop(signum, frame) -> None:
        # shutdown() waits for serve_forever to return, so it cannot run on this thread.
        threading.Thread(target=server.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = server.server_address[:2]
    if isinstance(host, bytes):
        host = host.decode()
    print(f"elk_mock listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    print("elk_mock stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
