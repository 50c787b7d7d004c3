"""Work split over forked processes, for the two stages that pay for it: reading files and rendering pages.

A forked child starts in microseconds with the whole model already in its memory (nothing is
pickled on the way in), does its share, and sends back only its results. Where forking is not
safe or not possible (not Linux, or other threads running, as in ``serve``), everything runs in
this process: the results are the same either way.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from .diagnostics import OkrPagesError

T = TypeVar("T")
R = TypeVar("R")


def workers(requested: int | None = None) -> int:
    """How many processes to use: ``--jobs``, else one per CPU (at most 8)."""
    if requested is not None:
        return max(1, requested)
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:
        count = os.cpu_count() or 1
    return max(1, min(count, 8))


def can_fork() -> bool:
    """Forking is safe here: Linux, and no other thread that could hold a lock in the child."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def split(items: Sequence[T], parts: int) -> list[list[T]]:
    """``items`` dealt round-robin into ``parts`` lists (neighbours are often alike in cost)."""
    return [list(items[index::parts]) for index in range(parts) if items[index::parts]]


def balance(items: Sequence[T], parts: int, weight: Callable[[T], float]) -> list[list[T]]:
    """``items`` in ``parts`` lists of about equal total ``weight``: heaviest first, each to the
    lightest list so far (a few large pages among small ones). Ties keep the items' order."""
    chunks: list[list[T]] = [[] for _ in range(parts)]
    loads = [0.0] * parts
    for item in sorted(items, key=weight, reverse=True):
        lightest = loads.index(min(loads))
        chunks[lightest].append(item)
        loads[lightest] += weight(item)
    return [chunk for chunk in chunks if chunk]


def fork_map(func: Callable[[list[T]], R], chunks: list[list[T]]) -> list[R]:
    """``func(chunk)`` for every chunk: the first here, each other one in a forked child."""
    if len(chunks) <= 1 or not can_fork():
        return [func(chunk) for chunk in chunks]
    children: list[tuple[int, int]] = []
    try:
        for chunk in chunks[1:]:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: do the chunk, send the result, never return into the caller
                code = 1
                try:
                    os.close(read_end)
                    for _, sibling in children:  # only the parent reads: a sibling's pipe must not stay open here
                        os.close(sibling)
                    try:
                        payload = pickle.dumps((True, func(chunk)), protocol=pickle.HIGHEST_PROTOCOL)
                        code = 0
                    except BaseException as exc:  # noqa: BLE001 - the parent raises it
                        payload = pickle.dumps((False, _portable(exc)), protocol=pickle.HIGHEST_PROTOCOL)
                    with os.fdopen(write_end, "wb") as out:
                        out.write(payload)
                except BaseException:  # noqa: BLE001 - the parent stopped listening: it failed itself, and says why
                    code = 1
                finally:
                    os._exit(code)
            os.close(write_end)
            children.append((pid, read_end))
        results = [func(chunks[0])]
        for pid, read_end in children:
            with os.fdopen(read_end, "rb") as source:
                data = source.read()
            os.waitpid(pid, 0)
            if not data:
                raise OkrPagesError("a worker process stopped without finishing its share (out of memory?)")
            ok, value = pickle.loads(data)
            if not ok:
                raise value
            results.append(value)
        children.clear()
        return results
    finally:
        for pid, read_end in children:  # an error here: do not leave children behind
            try:
                os.close(read_end)
                os.waitpid(pid, 0)
            except OSError:
                pass


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else its message as an OkrPagesError."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        return OkrPagesError(f"{type(exc).__name__}: {exc}")
