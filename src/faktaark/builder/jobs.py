"""How many sheets a run builds at a time (`worker_count`), and what `jobs` a caller may ask
for (`check_jobs`). Apart from the pool (`faktaark.builder.pool`): a run of one sheet, or with
one job, never imports the pool and its process machinery."""

from __future__ import annotations

import os

from faktaark.core.limits import MAX_JOBS
from faktaark.errors import UsageError

__all__ = ["check_jobs", "worker_count"]


def worker_count(jobs: int | None, sheets: int) -> int:
    """How many sheets a run of `sheets` sheets builds at a time when asked for `jobs` (None:
    one per core): never more than the sheets, 4 per core or `MAX_JOBS`. The run uses this
    process and one worker process fewer than that."""
    cores = os.cpu_count() or 1
    return max(1, min(jobs or cores, sheets or 1, 4 * cores, MAX_JOBS))


def check_jobs(jobs: object) -> None:
    """`jobs` as a caller may give it: None (one per core) or a whole number from 1; above
    the limits it is clamped (`worker_count`), as `--jobs` is."""
    if jobs is None:
        return
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise UsageError(
            f"jobs must be a whole number of worker processes, 1 or more (or None: one per "
            f"core), as --jobs; got {jobs!r}."
        )
