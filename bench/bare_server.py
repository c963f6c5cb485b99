"""The baseline: a bare python-socketio AsyncServer (aiohttp mode) that echoes visitor messages.

It speaks just enough of chatdesk's ``/visitor`` protocol for the benchmark: on connect it emits
``session`` (same shape as chatdesk's), and a ``message`` event gets an ack
``{"ok": true, "message": {...}}`` of the same shape and size as chatdesk's plus one ``message``
event back to the sender (chatdesk emits the stored message to the conversation's room, which
holds the sender's connection). Nothing is validated, stored or published elsewhere, so the
difference between the two servers is chatdesk's own work.

The GC is tuned exactly as ``chatdesk serve`` does (``chatdesk.gctune.GcTuner``, frozen in
steps; ``BENCH_GC_MODE=python`` for CPython's own, as ``CHATDESK_GC=python``) so that difference
is not hidden behind, or caused by, collector settings.

Run: ``python bench/bare_server.py --host 127.0.0.1 --port 8765 [--cpu 0]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import socketio
from aiohttp import web

from chatdesk.gctune import GcTuner

NAMESPACE = "/visitor"


def _ts() -> str:
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def create_app() -> web.Application:
    """Return the aiohttp app with the bare echo Socket.IO server attached."""
    sio = socketio.AsyncServer(
        async_mode="aiohttp",
        cors_allowed_origins=None,
        max_http_buffer_size=1_000_000,
        ping_interval=25,
        ping_timeout=20,
        logger=False,
        engineio_logger=False,
    )
    # sid -> [conversation_id, last_seq]; chatdesk keeps the equivalent in its session + store.
    conversations: dict[str, list[Any]] = {}

    async def welcome(sid: str, conversation_id: str) -> None:
        # Like chatdesk: the CONNECT packet must go out before the first event.
        for _ in range(100):
            if sio.manager.is_connected(sid, NAMESPACE):
                break
            await asyncio.sleep(0)
        else:
            return
        await sio.emit(
            "session",
            {
                "token": secrets.token_urlsafe(60),
                "visitor_id": uuid.uuid4().hex,
                "conversation_id": conversation_id,
                "seq": 0,
                "lang": "en",
            },
            to=sid,
            namespace=NAMESPACE,
        )

    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        conversation_id = uuid.uuid4().hex
        conversations[sid] = [conversation_id, 0]
        sio.start_background_task(welcome, sid, conversation_id)

    async def disconnect(sid: str, reason: str = "") -> None:
        conversations.pop(sid, None)

    async def message(sid: str, data: Any = None) -> dict[str, Any]:
        state = conversations[sid]
        state[1] += 1
        payload = {
            "id": uuid.uuid4().hex,
            "seq": state[1],
            "conversation_id": state[0],
            "author": "visitor",
            "text": data["text"],
            "ts": _ts(),
            "client_id": data["client_id"],
        }
        await sio.emit("message", payload, to=sid, namespace=NAMESPACE)
        return {"ok": True, "message": payload}

    sio.on("connect", connect, namespace=NAMESPACE)
    sio.on("disconnect", disconnect, namespace=NAMESPACE)
    sio.on("message", message, namespace=NAMESPACE)

    app = web.Application(client_max_size=1024**2)
    sio.attach(app)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def tuned_gc(_: web.Application) -> AsyncIterator[None]:
        # The same as `chatdesk serve` (chatdesk/commands/serve.py): the heap frozen every
        # second (CHATDESK_GC=steps, its default), or BENCH_GC_MODE=python as with CHATDESK_GC.
        # Connections close only at the end of a run here: no thaw is ever due.
        tuner = GcTuner(closed=lambda: 0)
        tuner.start_up()
        if os.environ.get("BENCH_GC_MODE", "steps") == "steps":
            tuner.start()
        yield
        await tuner.stop()

    app.router.add_get("/healthz", healthz)
    app.cleanup_ctx.append(tuned_gc)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--cpu", type=int, default=None, help="pin the process to this CPU")
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    # BENCH_LOOP=uvloop: the same loop as chatdesk's CHATDESK_LOOP=uvloop (bench/realtime.py
    # --loop), so the comparison stays like for like.
    loop = None
    if os.environ.get("BENCH_LOOP") == "uvloop":
        import uvloop

        loop = uvloop.new_event_loop()
    web.run_app(
        create_app(), host=args.host, port=args.port, access_log=None, print=None, loop=loop
    )


if __name__ == "__main__":
    main()
