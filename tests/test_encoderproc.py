"""The sentence encoder in a child process: same vectors, threads, deaths, close."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

import numpy as np
import pytest

from chatdesk.bot.embeddings import SentenceEncoder, default_encoder
from chatdesk.bot.encoderproc import ProcessEncoder, child_niceness
from chatdesk.errors import EncoderUnavailable

TEXTS = [
    "Où trouver mes factures ?",
    "Comment changer mon mot de passe ?",
    "Waar vind ik mijn facturen?",
    "Ik ben mijn wachtwoord vergeten",
    "Which payment methods do you accept?",
    "My server does not answer any more",
]


@pytest.fixture(scope="module")
def in_thread() -> SentenceEncoder:
    return default_encoder()


@pytest.fixture(scope="module")
def encoder() -> Iterator[ProcessEncoder]:
    encoder = ProcessEncoder()
    yield encoder
    encoder.close()


def assert_same(got: np.ndarray, want: np.ndarray) -> None:
    assert got.dtype == np.float32 and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)  # float32 rounding


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_same_model_and_vectors_as_in_thread(
    encoder: ProcessEncoder, in_thread: SentenceEncoder
) -> None:
    assert encoder.name == in_thread.name  # one embedding cache for both
    assert encoder.dim == in_thread.dim
    assert_same(encoder.encode(TEXTS), in_thread.encode(TEXTS))
    assert_same(encoder.encode(TEXTS[:1]), in_thread.encode(TEXTS[:1]))
    assert encoder.encode([]).shape == (0, encoder.dim)


def test_child_runs_below_the_server_priority(encoder: ProcessEncoder) -> None:
    encoder.encode(TEXTS[:1])
    assert encoder.pid is not None and encoder.pid != os.getpid()
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, encoder.pid) == child_niceness(ours)


def test_threads_at_once_each_get_their_vectors(
    encoder: ProcessEncoder, in_thread: SentenceEncoder
) -> None:
    want = {text: in_thread.encode([text])[0] for text in TEXTS}
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            start.wait()
            for round_ in range(10):
                texts = [TEXTS[(offset + round_ + i) % len(TEXTS)] for i in range(1 + round_ % 3)]
                got = encoder.encode(texts)
                for text, vector in zip(texts, got, strict=True):
                    assert_same(vector, want[text])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert encoder.starts == 1  # one child served them all


def test_a_long_call_lets_a_question_through_between_its_chunks(
    encoder: ProcessEncoder, in_thread: SentenceEncoder
) -> None:
    long = [f"question number {i} about invoices" for i in range(1024)]  # 32 chunks
    done: list[np.ndarray] = []
    rebuild = threading.Thread(target=lambda: done.append(encoder.encode(long)))
    first = encoder.requests
    rebuild.start()
    started = threading.Event()
    while encoder.requests == first:  # until its first chunk is with the child
        started.wait(0.001)
    before = encoder.requests
    assert_same(encoder.encode(TEXTS[:1]), in_thread.encode(TEXTS[:1]))
    # It waited for a chunk or two (not for the 31 left): the long call is still going.
    assert encoder.requests < before + 10
    assert rebuild.is_alive()
    rebuild.join()
    assert done[0].shape == (len(long), encoder.dim)
    assert_same(done[0][:3], in_thread.encode(long[:3]))


def test_a_killed_child_is_replaced_at_the_next_call(in_thread: SentenceEncoder) -> None:
    encoder = ProcessEncoder()
    try:
        encoder.encode(TEXTS[:1])
        first = encoder.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert_same(encoder.encode(TEXTS[2:4]), in_thread.encode(TEXTS[2:4]))
        assert encoder.starts == 2 and encoder.pid not in (None, first)
        assert not alive(first)
    finally:
        encoder.close()


def test_two_failures_in_a_row_raise_and_the_next_call_starts_afresh() -> None:
    encoder = ProcessEncoder()
    stop = threading.Event()

    def kill_every_child() -> None:  # each dies while loading, long before it answers
        while not stop.wait(0.005):
            pid = encoder.pid
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_every_child)
    killer.start()
    try:
        with pytest.raises(EncoderUnavailable, match="failed twice"):
            encoder.encode(TEXTS[:1])
        assert encoder.starts == 2 and encoder.pid is None
    finally:
        stop.set()
        killer.join()
    try:
        assert encoder.encode(TEXTS[:1]).shape == (1, encoder.dim)
        assert encoder.starts == 3
    finally:
        encoder.close()


def test_close_leaves_no_child() -> None:
    encoder = ProcessEncoder()
    encoder.encode(TEXTS[:1])
    pid = encoder.pid
    assert pid is not None and alive(pid)
    encoder.close()
    assert encoder.pid is None
    assert not alive(pid)
    with pytest.raises(EncoderUnavailable, match="closed"):
        encoder.encode(TEXTS[:1])
    assert encoder.pid is None  # a closed encoder starts no child
