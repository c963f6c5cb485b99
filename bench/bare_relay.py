"""The cluster baseline: a bare python-socketio relay across processes through Redis.

Two of these run (A and B) on one Redis with python-socketio's ``AsyncRedisManager`` as
documented (``client_manager=socketio.AsyncRedisManager(url)``: redis-py's default,
unbounded pool). A visitor's ``message`` on A is emitted to the room ``relay`` of the
``/operator`` namespace, where B's operator connections sit, then acked. Nothing is
validated or stored: the difference with chatdesk is chatdesk's own work (store, two
emits, flood control) and its bounded pool.

Run: ``python bench/bare_relay.py --port 8765 --redis redis://127.0.0.1:6379/0``.
"""

from __future__ import annotations

import argparse
import gc
import resource
from typing import Any

import socketio
from aiohttp import web


def create_app(redis_url: str) -> web.Application:
    """Return the aiohttp app with the relay attached."""
    sio = socketio.AsyncServer(
        async_mode="aiohttp",
        client_manager=socketio.AsyncRedisManager(redis_url),
        cors_allowed_origins=None,
        logger=False,
        engineio_logger=False,
    )

    async def visitor_message(sid: str, data: Any = None) -> dict[str, Any]:
        await sio.emit(
            "message",
            {"author": "visitor", "text": data["text"], "client_id": data["client_id"]},
            to="relay",
            namespace="/operator",
        )
        return {"ok": True}

    async def operator_connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        await sio.enter_room(sid, "relay", namespace="/operator")

    async def operator_watch(sid: str, data: Any = None) -> dict[str, Any]:
        return {"ok": True}  # every operator hears every message already

    sio.on("message", visitor_message, namespace="/visitor")
    sio.on("connect", operator_connect, namespace="/operator")
    sio.on("watch", operator_watch, namespace="/operator")
    app = web.Application()
    sio.attach(app)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def tune_gc(_: web.Application) -> None:
        # As `chatdesk serve` does.
        gc.collect()
        gc.freeze()
        gc.set_threshold(10_000, 50, 100)

    app.router.add_get("/healthz", healthz)
    app.on_startup.append(tune_gc)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis", required=True)
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    web.run_app(create_app(args.redis), host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
