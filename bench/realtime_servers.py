"""The processes of the realtime benchmark: the servers under test, the load generator
processes (bench/loadgen.py), and what /proc says about them and about everyone else."""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import loadgen

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HOST = "127.0.0.1"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Ports from below the kernel's ephemeral range: a port from bind(0) may be taken as the
# source port of another connection before the server under test binds it.
from tests.ports import free_port  # noqa: E402

#: Every server runs as ``python -c EXEC_WRAPPER <program> <args>``: raise the open-files soft
#: limit to the hard limit, pin to one CPU and set the scheduling priority (before any thread
#: starts, so all inherit them), then exec the program itself (same PID), e.g. exactly
#: ``.venv/bin/chatdesk serve ...``.
EXEC_WRAPPER = """\
import os, resource, sys
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
if os.environ.get("BENCH_CPU"):
    os.sched_setaffinity(0, {int(os.environ.pop("BENCH_CPU"))})
if os.environ.get("BENCH_NICE"):
    os.setpriority(os.PRIO_PROCESS, 0, int(os.environ.pop("BENCH_NICE")))
os.execv(sys.argv[1], sys.argv[1:])
"""


# ---------------------------------------------------------------------------------------------
# Servers under test


class Server:
    """One server under test, as a subprocess pinned to ``cpu``."""

    def __init__(
        self, kind: str, workdir: Path, cpu: int | None, serial: int, chatdesk: Sequence[str]
    ) -> None:
        self.kind = kind
        self.chatdesk = list(chatdesk)
        self.nice: int | None = None
        self.synchronous: str | None = None  # None: chatdesk's default
        self.loop: str | None = None  # None: asyncio (chatdesk's default)
        #: Run the server through bench/gc_signal.py (SIGUSR1: one timed full collection).
        self.gc_signal = False
        #: Seconds to wait for /healthz (a bot's knowledge loads before the server listens).
        self.start_timeout = 30.0
        #: More CHATDESK_* settings for chatdesk (e.g. CHATDESK_DATABASE_URL: bench/store.py).
        self.env: dict[str, str] = {}
        self.workdir = workdir
        self.cpu = cpu
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.name = f"{kind}-{serial}"
        self.data_dir = workdir / f"{self.name}-data"
        self.log_path = workdir / f"{self.name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def db_path(self) -> Path:
        return self.data_dir / "chatdesk.sqlite3"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHATDESK_")}
        if self.cpu is not None:
            env["BENCH_CPU"] = str(self.cpu)
        if self.nice is not None:
            env["BENCH_NICE"] = str(self.nice)
        if self.loop is not None:
            env["BENCH_LOOP"] = self.loop  # read by bare_server.py
        if self.kind == "bare":
            program = [sys.executable, str(BENCH / "bare_server.py")]
            cwd = ROOT
        else:
            self.data_dir.mkdir(parents=True)
            program = [*self.chatdesk, "serve"]
            env.update(
                CHATDESK_DATA_DIR=str(self.data_dir),
                CHATDESK_VISITOR_RATE="100000",
                CHATDESK_VISITOR_BURST="100000",
                CHATDESK_LOG_LEVEL="WARNING",
                # No FAQ bot and no desk configuration file: the message path only (store,
                # publish, ack), the same socket work as the bare server (see README).
                CHATDESK_KNOWLEDGE_DIR="",
                CHATDESK_CONFIG_FILE="",
            )
            if self.synchronous is not None:
                env["CHATDESK_SQLITE_SYNCHRONOUS"] = self.synchronous
            if self.loop is not None:
                env["CHATDESK_LOOP"] = self.loop
            env.update(self.env)
            # Not the repository: a developer's .env there must not change the settings.
            cwd = self.data_dir
        if self.gc_signal:
            if program[0] != sys.executable:  # a script: run it by this Python, not its #!
                program = [sys.executable, *program]
            program = [program[0], str(BENCH / "gc_signal.py"), *program[1:]]
        cmd = [sys.executable, "-c", EXEC_WRAPPER, *program, "--host", HOST]
        cmd += ["--port", str(self.port)]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start-up:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer /healthz:\n{self.log_tail()}")
            time.sleep(0.1)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the whole process (all threads)."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def thread_cpu_seconds(self) -> tuple[float, float]:
        """CPU time of the main thread (the event loop) and of all other threads together."""
        tick = os.sysconf("SC_CLK_TCK")
        main = other = 0
        for task in os.scandir(f"/proc/{self.pid}/task"):
            try:
                stat = Path(task.path, "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            ticks = int(fields[11]) + int(fields[12])
            if int(task.name) == self.pid:
                main += ticks
            else:
                other += ticks
        return main / tick, other / tick

    def wait_idle(self, timeout: float = 15.0) -> None:
        """Wait until the server stops burning CPU (a backlog left by an overload step)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            c0 = self.cpu_seconds()
            time.sleep(0.25)
            if self.cpu_seconds() - c0 < 0.05:
                return

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def loop_lag_max_ms(self) -> float | None:
        """chatdesk's longest event-loop stall so far (its /metrics), in ms; None for bare."""
        if self.kind == "bare":
            return None
        with urllib.request.urlopen(self.url + "/metrics", timeout=10) as response:
            text = response.read().decode()
        for line in text.splitlines():
            if line.startswith("chatdesk_event_loop_lag_max_seconds"):
                return float(line.rsplit(" ", 1)[1]) * 1000
        return None

    def loop_lag_counts(self) -> dict[float, int] | None:
        """chatdesk's loop-lag histogram (its /metrics): wake-ups at most ``le`` seconds
        late, cumulative, by ``le`` (``inf`` for all); None for bare."""
        if self.kind == "bare":
            return None
        with urllib.request.urlopen(self.url + "/metrics", timeout=10) as response:
            text = response.read().decode()
        counts: dict[float, int] = {}
        for line in text.splitlines():
            if line.startswith("chatdesk_event_loop_lag_seconds_bucket{"):
                le = line.split('le="', 1)[1].split('"', 1)[0]
                counts[float(le)] = int(float(line.rsplit(" ", 1)[1]))
        return counts

    def full_gc_ms(self, timeout: float = 30.0) -> tuple[float, float] | None:
        """Make the server (run with ``gc_signal``) collect once; its (wall, CPU) ms."""
        seen = self.log_path.read_text(errors="replace").count("BENCH_GC ")
        assert self.proc is not None
        self.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = [
                x
                for x in self.log_path.read_text(errors="replace").splitlines()
                if x.startswith("BENCH_GC ")
            ]
            if len(lines) > seen:
                words = lines[-1].split()
                return float(words[1]), float(words[3])
            time.sleep(0.1)
        return None

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


# ---------------------------------------------------------------------------------------------
# Load generator processes


class Generators:
    """``count`` generator processes (bench/loadgen.py), each driving a share of the clients."""

    def __init__(self, count: int, url: str, cpu: int | None, nice: int | None) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.pipes: list[Any] = []
        self.procs: list[Any] = []
        for index in range(count):
            parent, child = ctx.Pipe()
            proc = ctx.Process(
                target=loadgen.process_main, args=(child, index, url, cpu, nice), daemon=True
            )
            proc.start()
            child.close()
            self.pipes.append(parent)
            self.procs.append(proc)
        self.shares: list[int] = [0] * count

    def send(self, command: str, kwargs: Sequence[dict[str, Any]]) -> None:
        for pipe, kw in zip(self.pipes, kwargs, strict=True):
            pipe.send((command, kw))

    def recv(self) -> list[dict[str, Any]]:
        replies = [pipe.recv() for pipe in self.pipes]
        for reply in replies:
            if "error" in reply:
                raise RuntimeError(f"load generator failed: {reply['error']}")
        return replies

    def call(self, command: str, kwargs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        self.send(command, kwargs)
        return self.recv()

    def connect(self, total: int, compress: int) -> dict[str, Any]:
        n = len(self.pipes)
        self.shares = [total // n + (i < total % n) for i in range(n)]
        replies = self.call(
            "connect", [{"n": share, "compress": compress} for share in self.shares]
        )
        self.shares = [r["connected"] for r in replies]
        return {
            "connected": sum(r["connected"] for r in replies),
            "failed": sum(r["failed"] for r in replies),
            "errors": [e for r in replies for e in r["errors"]][:3],
            "deflate": sum(r["deflate"] for r in replies),
            "seconds": max(r["seconds"] for r in replies),
            "early_events": sum(r["early_events"] for r in replies),
        }

    def drop(self) -> None:
        self.call("drop", [{}] * len(self.pipes))
        self.shares = [0] * len(self.pipes)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.call("exit", [{}] * len(self.pipes))
        for proc in self.procs:
            proc.join(10)
            if proc.is_alive():
                proc.terminate()
                proc.join()


# ---------------------------------------------------------------------------------------------
# /proc


def core_times() -> dict[int, tuple[int, int]]:
    """``{cpu: (busy ticks, total ticks)}`` from /proc/stat (steal counts as busy)."""
    times = {}
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu") and line[3].isdigit():
            name, *values = line.split()
            user, nice, system, idle, iowait, irq, softirq, steal = map(int, values[:8])
            busy = user + nice + system + irq + softirq + steal
            times[int(name[3:])] = (busy, busy + idle + iowait)
    return times


def busy_fraction(
    before: dict[int, tuple[int, int]], after: dict[int, tuple[int, int]], cpu: int | None
) -> float:
    """How busy ``cpu`` (None: all CPUs together, as a number of CPUs) was between two reads."""
    cpus = [cpu] if cpu is not None else sorted(before)
    busy = sum(after[c][0] - before[c][0] for c in cpus)
    total = sum(after[c][1] - before[c][1] for c in cpus)
    return len(cpus) * busy / total if total else math.nan


def process_times() -> dict[int, tuple[str, int]]:
    """``{pid: (name, user + system ticks)}`` of every process (all its threads)."""
    times = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        times[int(entry.name)] = (name, int(fields[11]) + int(fields[12]))
    return times


def top_foreign(
    before: dict[int, tuple[str, int]],
    after: dict[int, tuple[str, int]],
    ours: set[int],
    seconds: float,
) -> str:
    """The other processes that used the most CPU between two reads, e.g. ``pytest[812] 85%``."""
    tick = os.sysconf("SC_CLK_TCK")
    used = []
    for pid, (name, ticks) in after.items():
        if pid in ours:
            continue
        share = (ticks - before.get(pid, (name, 0))[1]) / tick / seconds
        if share >= 0.03:
            with contextlib.suppress(OSError):
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                name = " ".join(Path(a.decode(errors="replace")).name for a in argv[:2] if a)
            used.append((share, f"{name[:40]}[{pid}] {share:.0%}"))
    return ", ".join(text for _, text in sorted(used, reverse=True)[:3])
