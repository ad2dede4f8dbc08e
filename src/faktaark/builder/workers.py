"""Starting the worker processes of a batch early, from a module that imports nothing heavy.

The fork server imports the modules drawing needs (`PRELOAD`) once; every worker is forked
from it. `faktaark build --all` starts it before it loads anything itself, so the server's
imports overlap with the command line's own start-up and data loading.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from typing import Any

__all__ = ["PRELOAD", "start_workers_early"]

# what the fork server imports once for all workers (render and fonts import these ReportLab
# modules only when they first draw: without them here, each worker paid ~15 ms on its first sheet)
PRELOAD = [
    "faktaark.api",
    "faktaark.plan.planner",
    "faktaark.pdf.render",
    "faktaark.pdf.pdfa",
    "faktaark.pdf.validate",
    "faktaark.pdf.scan",
    "faktaark.builder.batch",
    "faktaark.builder.sheet",
    "reportlab.pdfgen.canvas",
    "reportlab.pdfbase.ttfonts",
    "reportlab.lib.colors",
]


def start_workers_early() -> Any:
    """Start the fork server (it imports the heavy modules once) if it is not running yet;
    returns the multiprocessing context to make the pool with."""
    import multiprocessing.forkserver
    import signal
    import threading

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    if threading.current_thread() is not threading.main_thread():
        multiprocessing.forkserver.ensure_running()
        return ctx
    # The server (and every worker forked from it) inherits a blocked SIGINT, so a Ctrl-C
    # during its imports prints no traceback (the parent handles Ctrl-C: blocked, not ignored,
    # so a Ctrl-C meanwhile reaches the parent once it is unblocked), and a stderr on
    # /dev/null: a worker being started when the parent stops (Ctrl-C, SIGTERM) must not print
    # its failure. A worker's errors reach the parent with its results, never via stderr.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    saved = os.dup(2)
    quiet = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(quiet, 2)
        multiprocessing.forkserver.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(quiet)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    return ctx
