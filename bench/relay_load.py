"""The two sides of the relay benchmark (bench/cluster.py), each a process of its own.

- :class:`Sender`: lean visitor connections (Engine.IO/Socket.IO over aiohttp websockets, as
  bench/loadgen.py) on process A, sending acked ``message`` events open loop at a given
  rate. Each text carries a unique id and its send time (``time.monotonic``: one clock for
  every process of the machine).
- :class:`Receiver`: one lean operator connection on process B that ``watch``es every
  visitor's conversation and times each ``message`` it is relayed.

Both obey the parent over a multiprocessing pipe (``(command, kwargs)`` -> one reply).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import signal
import time
from array import array
from typing import Any

import aiohttp

FILLER = "Hello! My invoice looks wrong, could someone please check it?"


async def _open(
    session: aiohttp.ClientSession,
    url: str,
    namespace: str,
    headers: dict[str, str],
    first_event: str | None,
) -> tuple[aiohttp.ClientWebSocketResponse, dict[str, Any]]:
    """Open a websocket and CONNECT to ``namespace``; with ``first_event``, also wait for
    that event (chatdesk's ``session``) and return its payload."""
    ws = await session.ws_connect(
        url.rstrip("/") + "/socket.io/?EIO=4&transport=websocket",
        headers=headers,
        max_msg_size=0,
        timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=2.0),
    )
    opened = await ws.receive(timeout=20)
    if not str(opened.data).startswith("0{"):
        raise ConnectionError(f"no Engine.IO OPEN: {opened.data!r:.80}")
    await ws.send_str(f"40{namespace},{{}}")
    wanted = f'42{namespace},["{first_event}",'
    connected = False
    while True:
        msg = await ws.receive(timeout=20)
        if msg.type is not aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"closed while connecting: {msg.type!r}")
        data: str = msg.data
        if data == "2":
            await ws.send_str("3")
        elif data.startswith(f"44{namespace}"):
            raise ConnectionError(f"refused: {data:.200}")
        elif data.startswith(f"40{namespace},"):
            connected = True
            if first_event is None:
                return ws, {}
        elif connected and data.startswith(wanted):
            return ws, json.loads(data[len(wanted) : -1])


class Sender:
    """Visitor connections on A."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.conns: list[aiohttp.ClientWebSocketResponse] = []
        self.readers: list[asyncio.Task[None]] = []
        self.http: aiohttp.ClientSession | None = None
        # (connection, ack id) -> (uid, send time)
        self.pending: dict[tuple[int, int], tuple[str, float]] = {}
        self.acked: list[str] = []
        self.ack_lat = array("d")
        self.errors = 0
        self.first_error = ""

    async def connect(self, n: int, session_event: bool) -> dict[str, Any]:
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        conversations = []
        first = "session" if session_event else None
        for i in range(n):
            ws, session = await _open(self.http, self.url, "/visitor", {}, first)
            self.conns.append(ws)
            if "conversation_id" in session:
                conversations.append(session["conversation_id"])
            self.readers.append(asyncio.ensure_future(self._read(i, ws)))
        return {"connected": len(self.conns), "conversations": conversations}

    async def _read(self, index: int, ws: aiohttp.ClientWebSocketResponse) -> None:
        prefix = "43/visitor,"
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            async for msg in ws:
                data: str = msg.data
                if data.startswith(prefix):
                    bracket = data.index("[", len(prefix))
                    entry = self.pending.pop((index, int(data[len(prefix) : bracket])), None)
                    if entry is None:
                        continue
                    if data.startswith('[{"ok":true', bracket):
                        self.acked.append(entry[0])
                        self.ack_lat.append(time.monotonic() - entry[1])
                    else:
                        self.errors += 1
                        self.first_error = self.first_error or data[:200]
                elif data == "2":
                    await ws.send_str("3")

    async def step(
        self, *, name: str, rate: float, start: float, duration: float
    ) -> dict[str, Any]:
        """Send ``rate`` msg/s from ``start`` for ``duration`` s (open loop), round robin."""
        self.acked, self.ack_lat, self.errors, self.first_error = [], array("d"), 0, ""
        interval = 1.0 / rate
        n = len(self.conns)
        next_id = [0] * n
        j = 0
        lag_max = 0.0
        while True:
            due = start + j * interval
            if due >= start + duration:
                break
            now = time.monotonic()
            if due - now > 0.0005:
                await asyncio.sleep(due - now)
                continue
            lag_max = max(lag_max, now - due)
            c = j % n
            ack = next_id[c]
            next_id[c] += 1
            uid = f"{name}-{j}"
            self.pending[(c, ack)] = (uid, now)
            text = f"{uid} {now:.6f} {FILLER}"
            await self.conns[c].send_str(
                f'42/visitor,{ack}["message",{{"client_id":"{uid}","text":"{text}"}}]'
            )
            j += 1
            if j % 32 == 0:
                await asyncio.sleep(0)
        return {"scheduled": j, "lag_max": lag_max}

    async def waiting(self) -> int:
        """Return how many messages still wait for their ack."""
        return len(self.pending)

    async def collect(self) -> dict[str, Any]:
        """Return what was acked since the step began (the parent waited for the drain)."""
        lost = len(self.pending)
        self.pending.clear()
        return {
            "acked": self.acked,
            "ack_lat": self.ack_lat.tobytes(),
            "unacked": lost,
            "errors": self.errors,
            "first_error": self.first_error,
        }

    async def close(self) -> None:
        for reader in self.readers:
            reader.cancel()
        for ws in self.conns:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 2)
        if self.http is not None:
            await self.http.close()


class Receiver:
    """One operator console on B."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.http: aiohttp.ClientSession | None = None
        self.reader: asyncio.Task[None] | None = None
        self.received: dict[str, float] = {}
        self.acks: dict[int, asyncio.Future[str]] = {}

    async def connect(self, cookie: str, conversations: list[str]) -> dict[str, Any]:
        self.http = aiohttp.ClientSession()
        headers = {"Cookie": cookie} if cookie else {}
        self.ws, _ = await _open(self.http, self.url, "/operator", headers, None)
        self.reader = asyncio.ensure_future(self._read())
        loop = asyncio.get_running_loop()
        for i, cid in enumerate(conversations):
            self.acks[i] = loop.create_future()
            await self.ws.send_str(f'42/operator,{i}["watch",{{"conversation_id":"{cid}"}}]')
        replies = await asyncio.gather(*self.acks.values())
        bad = [r for r in replies if not r.startswith('[{"ok":true')]
        return {"watched": len(replies) - len(bad), "refused": bad[:1]}

    async def _read(self) -> None:
        assert self.ws is not None
        event = '42/operator,["message",'
        ack = "43/operator,"
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            async for msg in self.ws:
                data: str = msg.data
                if data.startswith(event):
                    now = time.monotonic()
                    text = json.loads(data[len(event) : -1])["text"]
                    uid, sent, _ = text.split(" ", 2)
                    self.received[uid] = now - float(sent)
                elif data.startswith(ack):
                    bracket = data.index("[", len(ack))
                    future = self.acks.pop(int(data[len(ack) : bracket]), None)
                    if future is not None:
                        future.set_result(data[bracket:])
                elif data == "2":
                    await self.ws.send_str("3")

    async def count(self) -> int:
        """Return how many messages were relayed here since the last collect."""
        return len(self.received)

    async def collect(self) -> dict[str, Any]:
        received, self.received = self.received, {}
        return {"received": received}

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 2)
        if self.http is not None:
            await self.http.close()


def process_main(pipe: Any, role: str, url: str) -> None:
    """Entry point of a sender or receiver process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent cleans up on Ctrl-C
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with contextlib.suppress(PermissionError):
        os.setpriority(os.PRIO_PROCESS, 0, -5)
    asyncio.run(_serve(pipe, Sender(url) if role == "sender" else Receiver(url)))


async def _serve(pipe: Any, side: Sender | Receiver) -> None:
    loop = asyncio.get_running_loop()
    while True:
        command, kwargs = await loop.run_in_executor(None, pipe.recv)
        try:
            if command == "exit":
                await side.close()
                pipe.send({"ok": True})
                return
            reply = await getattr(side, command)(**kwargs)
        except Exception as exc:
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        pipe.send(reply)
