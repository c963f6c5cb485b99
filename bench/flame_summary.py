"""Summarise a py-spy ``--format raw`` (collapsed stacks) profile as text: top frames by share.

Usage::

    py-spy record --format raw --idle --threads -o prof.txt -p PID -d 20
    .venv/bin/python bench/flame_summary.py prof.txt [--top 25] [--match chatdesk]

Prints, as shares of all samples (with ``--busy``: of the samples where a thread works, not
waits): each thread's share, the top frames by *self* time (the frame on top of the
stack) and by *inclusive* time (anywhere on the stack, counted once per sample).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_LINE = re.compile(r"^(.*) (\d+)$")
# py-spy frames look like "function (path/to/file.py:123)"; the line number splits one
# function into many frames, so it is dropped.
_FRAME = re.compile(r"^(.*?) \((.*?)(?::\d+)?\)$")


#: Leaf frames that are a thread waiting, not working (py-spy cannot always tell): the
#: event loop's epoll, the SQLite worker's queue, the checkpointer's timer.
IDLE_LEAVES = (
    "select (selectors.py",
    "Condition.wait (threading.py",
    "SqliteWorker._main (chatdesk/store/sqlite/worker.py",  # its queue
    "_worker (concurrent/futures/thread.py",  # an idle executor thread
)


def frame_name(frame: str) -> str:
    match = _FRAME.match(frame)
    if match is None:
        return frame
    function, path = match.groups()
    for marker in ("site-packages/", "chatdesk/", "lib/python3"):
        index = path.find(marker)
        if index >= 0:
            path = path[index + (len(marker) if marker == "site-packages/" else 0) :]
            break
    return f"{function} ({path})"


def _thread(frames: list[str]) -> str:
    """Name a sample's thread by its entry function (thread ids change between runs)."""
    for frame in frames[1:]:
        name = frame_name(frame)
        if "_main" in name or "_checkpoint" in name or "run_forever" in name:
            return name
    return frame_name(frames[1]) if len(frames) > 1 else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--match", default="", help="inclusive table: only frames containing this")
    parser.add_argument(
        "--busy", action="store_true", help="drop samples whose leaf is a wait (IDLE_LEAVES)"
    )
    args = parser.parse_args()
    total = 0
    threads: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for line in args.profile.read_text().splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        stack, count = match.group(1), int(match.group(2))
        frames = stack.split(";")
        if args.busy and any(idle in frames[-1] for idle in IDLE_LEAVES):
            continue
        total += count
        threads[_thread(frames)] += count
        names = [frame_name(f) for f in frames[1:]] or [frames[0]]
        self_time[names[-1]] += count
        for name in set(names):
            inclusive[name] += count
    print(f"samples: {total}" + (" (waits left out)" if args.busy else ""))
    print("\n| thread | share |\n|---|---:|")
    for name, count in threads.most_common(8):
        print(f"| {name} | {100 * count / total:.1f}% |")
    print("\n| top frames, self | share |\n|---|---:|")
    for name, count in self_time.most_common(args.top):
        print(f"| `{name}` | {100 * count / total:.1f}% |")
    print("\n| top frames, inclusive | share |\n|---|---:|")
    shown = 0
    for name, count in inclusive.most_common():
        if args.match and args.match not in name:
            continue
        print(f"| `{name}` | {100 * count / total:.1f}% |")
        shown += 1
        if shown >= args.top:
            break


if __name__ == "__main__":
    main()
