"""Which waiting jobs may start now: one per repository, at most the free slots overall."""

from __future__ import annotations


def pick_runnable(queued: list[tuple[str, str]], busy_repositories: set[str], free_slots: int) -> list[str]:
    """``queued`` is (job id, repository id), oldest first; returns the job ids to start, in order.

    A repository with a running job, or with an older waiting job, is skipped: jobs of one
    repository run one at a time in the order they came.
    """
    picked: list[str] = []
    taken = set(busy_repositories)
    for job_id, repository_id in queued:
        if len(picked) >= free_slots:
            break
        if repository_id in taken:
            continue
        taken.add(repository_id)
        picked.append(job_id)
    return picked
