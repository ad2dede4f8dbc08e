"""Starting the worker processes of a batch early, from a module that imports nothing heavy.

The fork server imports the modules drawing needs (`PRELOAD`) once; every worker is forked
from it. `faktaark build --all` starts it before it loads anything itself, so the server's
imports overlap with the command line's own start-up and data loading.
"""

from __future__ import annotations

import multiprocessing as mp
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

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    multiprocessing.forkserver.ensure_running()
    return ctx
