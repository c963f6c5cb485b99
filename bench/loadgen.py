"""A lean Socket.IO v5 / Engine.IO v4 visitor client over aiohttp websockets, and the load
generator process that drives many of them.

Why not python-socketio's ``AsyncClient``: it saturates a core at ~11-14k msg/s, the same point
as the server under test (../shared/PERFORMANCE.md). This client does only what the benchmark
needs: the websocket transport directly (no polling upgrade), the ``/visitor`` CONNECT, the
``session`` event, events with acks, and answering Engine.IO pings. Acks are matched by their
id without decoding the JSON body; ``message`` events are counted, not decoded.

Wire format (one websocket text frame per packet)::

    server: 0{"sid":...,"pingInterval":25000,...}        Engine.IO OPEN
    client: 40/visitor,{}                                 Socket.IO CONNECT with auth {}
    server: 40/visitor,{"sid":"..."}                      CONNECT ok (44/visitor,{...} = refused)
    server: 42/visitor,["session",{...}]                  EVENT
    client: 42/visitor,17["message",{"client_id":...}]    EVENT with ack id 17
    server: 43/visitor,17[{"ok":true,"message":{...}}]    ACK
    server: 2 / client: 3                                 Engine.IO PING / PONG

A generator process is driven by the parent (bench/realtime.py) over a multiprocessing pipe:
``("connect", {...})``, ``("step", {...})``, ``("step_stats", {})``, ``("drop", {})``,
``("exit", {})``; every command gets one reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import resource
import signal
import time
from array import array
from dataclasses import dataclass, field
from typing import Any

import aiohttp

NAMESPACE = "/visitor"
_ACK = "43" + NAMESPACE + ","
_EVENT_MESSAGE = "42" + NAMESPACE + ',["message",'
_CONNECTED = "40" + NAMESPACE + ","
_SESSION = "42" + NAMESPACE + ',["session",'
_OK = '[{"ok":true'
#: What every benchmark message says (~70 characters, a typical chat line).
TEXT = "Hello! My invoice #4711 looks wrong, could someone please check it for me?"


@dataclass
class Window:
    """What one load step measures: messages *scheduled* in [start, end)."""

    start: float = float("inf")
    end: float = float("inf")
    lat_send: array[float] = field(default_factory=lambda: array("d"))
    lat_sched: array[float] = field(default_factory=lambda: array("d"))
    acks_in_window: int = 0
    events_in_window: int = 0
    outstanding: int = 0
    errors: int = 0
    first_error: str = ""
    #: Set once every message scheduled in the window is sent *and* acked.
    done: asyncio.Event = field(default_factory=asyncio.Event)
    sending: bool = True


class Client:
    """One visitor connection."""

    __slots__ = ("cid", "next_id", "pending", "reader", "ws")

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, cid: str) -> None:
        self.ws = ws
        self.cid = cid
        self.next_id = 0
        # ack id -> (scheduled time, send time)
        self.pending: dict[int, tuple[float, float]] = {}
        self.reader: asyncio.Task[None] | None = None


class Generator:
    """Many visitor clients in one process, paced by one open-loop scheduler."""

    def __init__(self, index: int, url: str) -> None:
        self.index = index
        self.url = url.rstrip("/") + "/socket.io/?EIO=4&transport=websocket"
        self.clients: list[Client] = []
        self.window = Window()
        self.dead = 0
        #: Successful acks received, late ones included (chatdesk: messages stored).
        self.acked_ok = 0
        #: Events received on a connection before its namespace CONNECT packet.
        self.early_events = 0
        self._session: aiohttp.ClientSession | None = None
        self._serial = 0

    async def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, force_close=True)
            )
        return self._session

    async def connect(self, n: int, compress: int, concurrency: int = 64) -> dict[str, Any]:
        """Open ``n`` visitor connections; return how many made it and how long it took."""
        session = await self._http()
        gate = asyncio.Semaphore(concurrency)
        errors: list[str] = []
        deflate = 0
        t0 = time.monotonic()

        async def one() -> None:
            nonlocal deflate
            async with gate:
                try:
                    client = await self._open(session, compress)
                except Exception as exc:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                    return
            deflate += bool(client.ws.compress)
            self.clients.append(client)
            client.reader = asyncio.ensure_future(self._read(client))

        await asyncio.gather(*(one() for _ in range(n)))
        elapsed = time.monotonic() - t0
        # Everything made so far lives until the end of the phase: keep the collector off it.
        gc.collect()
        gc.freeze()
        return {
            "connected": len(self.clients),
            "failed": len(errors),
            "errors": errors[:3],
            "deflate": deflate,
            "seconds": elapsed,
            "early_events": self.early_events,
        }

    async def _open(self, session: aiohttp.ClientSession, compress: int) -> Client:
        ws = await session.ws_connect(
            self.url,
            compress=compress,
            autoping=True,
            max_msg_size=0,
            timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=2.0),
        )
        try:
            opened = await ws.receive(timeout=20)
            if opened.type is not aiohttp.WSMsgType.TEXT or not opened.data.startswith("0{"):
                raise ConnectionError(f"no Engine.IO OPEN packet: {opened.data!r:.80}")
            await ws.send_str("40" + NAMESPACE + ",{}")
            connected = False
            while True:
                msg = await ws.receive(timeout=20)
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    raise ConnectionError(f"closed while connecting: {msg.type!r}")
                data: str = msg.data
                if data == "2":
                    await ws.send_str("3")
                elif data.startswith(_CONNECTED):
                    connected = True
                elif data.startswith("44" + NAMESPACE):
                    raise ConnectionError(f"CONNECT refused: {data!r:.120}")
                elif data.startswith(_SESSION):
                    break
                elif not connected:
                    # An event before the CONNECT packet (a broadcast that reached the
                    # connection while the server's connect handler was running).
                    self.early_events += 1
                # Other events (e.g. a `desk` broadcast) are not ours to check here.
            if not connected:
                raise ConnectionError("session event before the CONNECT packet")
        except BaseException:
            await ws.close()
            raise
        self._serial += 1
        return Client(ws, f"g{self.index}c{self._serial}m")

    async def _read(self, client: Client) -> None:
        ws = client.ws
        pending = client.pending
        mono = time.monotonic
        text = aiohttp.WSMsgType.TEXT
        try:
            while True:
                msg = await ws.receive()
                if msg.type is not text:
                    break
                data: str = msg.data
                if data.startswith(_ACK):
                    now = mono()
                    bracket = data.index("[", 11)
                    ok = data.startswith(_OK, bracket)
                    self.acked_ok += ok
                    entry = pending.pop(int(data[11:bracket]), None)
                    if entry is None:
                        continue  # a late ack for an earlier step
                    w = self.window
                    if w.start <= now < w.end:
                        w.acks_in_window += 1
                    sched, sent = entry
                    if w.start <= sched < w.end:
                        w.lat_send.append(now - sent)
                        w.lat_sched.append(now - sched)
                        w.outstanding -= 1
                        if not w.outstanding and not w.sending:
                            w.done.set()
                    if not ok:
                        w.errors += 1
                        if not w.first_error:
                            w.first_error = data[:200]
                elif data.startswith(_EVENT_MESSAGE):
                    w = self.window
                    if w.start <= mono() < w.end:
                        w.events_in_window += 1
                elif data == "2":
                    await ws.send_str("3")
                elif data.startswith("41"):
                    break  # the server disconnected the namespace
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            self.dead += 1

    async def step(
        self,
        *,
        rate: float,
        t_start: float,
        warmup: float,
        duration: float,
        drain: float,
        phase: float,
    ) -> dict[str, Any]:
        """Offer ``rate`` messages/s (this process's share) from ``t_start`` for
        ``warmup + duration`` seconds; measure the messages scheduled in the last ``duration``.

        Open loop: message ``j`` is due at ``t_start + (j + phase) / rate`` and goes to client
        ``j % n`` whatever happened to earlier ones. Each pending message keeps its scheduled
        and actual send times; latency is measured from both.
        """
        clients = [c for c in self.clients if not c.ws.closed]
        if not clients:
            raise RuntimeError("no open connections")
        loop = asyncio.get_running_loop()
        n = len(clients)
        interval = 1.0 / rate
        w0 = t_start + warmup
        t_end = w0 + duration
        self.window = w = Window(start=w0, end=t_end)
        cpu: dict[str, float] = {}
        loop.call_at(w0, lambda: cpu.__setitem__("start", time.process_time()))
        loop.call_at(t_end, lambda: cpu.__setitem__("end", time.process_time()))
        mono = time.monotonic
        lags = array("d")
        scheduled = 0
        j = 0
        burst = 0
        gc.disable()
        try:
            while True:
                due = t_start + (j + phase) * interval
                if due >= t_end:
                    break
                now = mono()
                if due - now > 0.0005:
                    burst = 0
                    await asyncio.sleep(due - now)
                    continue
                client = clients[j % n]
                j += 1
                ack_id = client.next_id
                client.next_id = ack_id + 1
                client.pending[ack_id] = (due, now)
                if due >= w0:
                    scheduled += 1
                    w.outstanding += 1
                    lags.append(now - due)
                await client.ws.send_str(
                    f'42/visitor,{ack_id}["message",{{"client_id":"{client.cid}{ack_id}",'
                    f'"text":"{TEXT}"}}]'
                )
                burst += 1
                if burst >= 32:
                    # Behind schedule: still let the readers run.
                    burst = 0
                    await asyncio.sleep(0)
            w.sending = False
            if w.outstanding:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(w.done.wait(), max(0.0, t_end + drain - mono()))
        finally:
            gc.enable()
        lost = w.outstanding
        for client in clients:
            client.pending.clear()
        self.window = Window()
        lags_sorted = sorted(lags)
        return {
            "scheduled": scheduled,
            "lat_send": w.lat_send.tobytes(),
            "lat_sched": w.lat_sched.tobytes(),
            "lost": lost,
            "acks_in_window": w.acks_in_window,
            "events_in_window": w.events_in_window,
            "errors": w.errors,
            "first_error": w.first_error,
            "cpu": cpu.get("end", time.process_time()) - cpu.get("start", 0.0),
            "lag_p99": _quantile(lags_sorted, 0.99),
            "lag_max": lags_sorted[-1] if lags_sorted else 0.0,
            "dead": self.dead,
            "acked_ok": self.acked_ok,
        }

    async def drop(self) -> dict[str, Any]:
        """Close every connection (the server sees ordinary disconnects)."""
        clients, self.clients = self.clients, []
        for client in clients:
            if client.reader is not None:
                client.reader.cancel()

        async def close(client: Client) -> None:
            with contextlib.suppress(Exception):  # closing is best effort
                await asyncio.wait_for(client.ws.close(), 5)

        await asyncio.gather(*(close(c) for c in clients))
        gc.unfreeze()
        gc.collect()
        self.dead = 0
        return {"closed": len(clients)}

    async def exit(self) -> None:
        await self.drop()
        if self._session is not None:
            await self._session.close()


def _quantile(sorted_values: Any, q: float) -> float:
    if not sorted_values:
        return 0.0
    return float(sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))])


def process_main(pipe: Any, index: int, url: str, cpu: int | None, nice: int | None) -> None:
    """Entry point of a generator process: obey the parent's commands until ``exit``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent cleans up on Ctrl-C
    if nice is not None:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    asyncio.run(_serve(pipe, index, url))


async def _serve(pipe: Any, index: int, url: str) -> None:
    loop = asyncio.get_running_loop()
    gen = Generator(index, url)
    while True:
        command, kwargs = await loop.run_in_executor(None, pipe.recv)
        try:
            if command == "connect":
                reply: Any = await gen.connect(**kwargs)
            elif command == "step":
                reply = await gen.step(**kwargs)
            elif command == "step_stats":
                reply = {"acked_ok": gen.acked_ok}
            elif command == "drop":
                reply = await gen.drop()
            elif command == "exit":
                await gen.exit()
                pipe.send({"ok": True})
                return
            else:
                reply = {"error": f"unknown command {command!r}"}
        except Exception as exc:
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        pipe.send(reply)
