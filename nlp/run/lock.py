"""One writer per output directory, and workers that die with their parent.

Two runs writing one OUTDIR would each consolidate their own documents over the other's tables, and
both would exit 0. The lock is a file holding the writer's pid, held with an exclusive lock
for the whole run. It is a POSIX record lock (``lockf``): owned by this process only, so forked
workers do not inherit it, and released by the kernel when the process dies however it dies, so a
lock left by a killed run is taken over (with a notice) instead of blocking forever.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from nlp.errors import GovnlpError

LOCK_NAME = ".govnlp-run.lock"


class OutdirLocked(GovnlpError):
    """Another live run writes to the same output directory."""


@contextlib.contextmanager
def outdir_lock(outdir: str | Path) -> Iterator[Path]:
    """Hold the output directory's lock for the block; raise :class:`OutdirLocked` if a live run holds it."""
    path = Path(outdir) / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise OutdirLocked(f"{outdir}: another govnlp run (pid {holder}) is writing to this output "
                               "directory; wait for it to finish or choose another -o") from None
        previous = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
        if previous and previous != str(os.getpid()):
            print(f"notice: {outdir}: taking over the lock of an earlier run (pid {previous}) that "
                  "is no longer running", file=sys.stderr)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield path
        os.ftruncate(fd, 0)  # a clean finish leaves no pid behind
    finally:
        os.close(fd)  # releases the lock


def die_with_parent(poll_seconds: float = 1.0) -> None:
    """Make this worker process exit when its parent dies (kill -9 included).

    On Linux the kernel sends SIGKILL on the parent's death (``PR_SET_PDEATHSIG``); elsewhere, and
    as a second guard, a daemon thread notices that the process was re-parented and exits.
    """
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(poll_seconds)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="govnlp-parent-watch", daemon=True).start()
