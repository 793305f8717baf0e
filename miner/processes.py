"""Process lifetimes: whether a process runs, and worker processes that die with their parent.

A worker forked by ``miner mine --workers N`` must not outlive the miner that started
it: an orphan would hold memory, and any descriptor it inherited, for good. On Linux the
kernel kills it when its parent dies (``PR_SET_PDEATHSIG``); everywhere, a watchdog thread
in the worker ends it once its parent is gone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from pathlib import Path

#: ``prctl`` option that asks the kernel for a signal when the parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1
#: How often the watchdog looks at its parent (seconds).
WATCHDOG_INTERVAL = 0.5


def pid_running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not exited (a zombie counts as exited)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: os.kill said it exists
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def die_with_parent(parent: int) -> None:
    """Make this (forked) process end when ``parent`` does.

    Call it first thing in a child process. The kernel's parent-death signal is asked
    for where there is one (Linux); then, since the parent may have died before that,
    and for other systems, a daemon thread checks every :data:`WATCHDOG_INTERVAL`
    seconds that the parent is still this process's parent, and ends the process
    (``os._exit``) when it is not.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still covers it
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the signal was asked for
    threading.Thread(target=_watch_parent, args=(parent,), name="miner-parent-watchdog", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(WATCHDOG_INTERVAL)
