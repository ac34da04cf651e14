"""The job kinds about archives' contents: index, restore, verify (their work lives in ``archives``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from services.executor.jobs.context import JobContext, Outcome


async def index(ctx: JobContext) -> Outcome:
    assert ctx.archives is not None
    return await ctx.archives.index_work(ctx)


async def restore(ctx: JobContext) -> Outcome:
    assert ctx.archives is not None
    return await ctx.archives.restore_work(ctx)


async def verify(ctx: JobContext) -> Outcome:
    assert ctx.archives is not None
    return await ctx.archives.verify_work(ctx)


ARCHIVE_WORK: dict[str, Callable[[JobContext], Awaitable[Outcome]]] = {"index": index, "restore": restore, "verify": verify}
