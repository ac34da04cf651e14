"""Downloads out of archives, pulled by the gateway chunk by chunk over NATS.

Each open download is one borg process (``extract --stdout`` or ``export-tar -``) whose stdout a
pump task cuts into chunks of at most ``CHUNK`` bytes and puts in a queue of ``AHEAD`` chunks: when
nobody reads, the queue fills, the pump stops reading and borg blocks on its pipe (backpressure).
A stream nobody read for ``idle_timeout`` seconds, or one closed early, has its borg stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

from libs.contracts.archives import DownloadChunk
from libs.contracts.base import new_id
from libs.contracts.envelope import RpcError
from services.executor.archives.jobs import borg_error
from services.executor.borg.runner import BorgStream

log = logging.getLogger("executor.downloads")

CHUNK = 512 * 1024
AHEAD = 4
MAX_OPEN = 32


@dataclass
class _Stream:
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(AHEAD))
    last_read: float = field(default_factory=time.monotonic)
    task: asyncio.Task | None = None


class _End:
    """Put in the queue after the last chunk: ``error`` says borg failed."""

    def __init__(self, error: RpcError | None) -> None:
        self.error = error


StartBorg = Callable[..., AbstractAsyncContextManager[BorgStream]]


class DownloadStreams:
    def __init__(self, idle_timeout: float, start_borg: StartBorg) -> None:
        self.idle_timeout = idle_timeout
        self.start_borg = start_borg
        self._streams: dict[str, _Stream] = {}
        self._reaper: asyncio.Task | None = None

    def start(self) -> None:
        self._reaper = asyncio.create_task(self._reap())

    async def stop(self) -> None:
        if self._reaper is not None:
            self._reaper.cancel()
        for stream_id in list(self._streams):
            await self.close(stream_id)

    def open(self, argv: Sequence[str], env: Mapping[str, str], passphrase: str | None) -> str:
        if len(self._streams) >= MAX_OPEN:
            raise RpcError("rate_limited", "too many downloads at once; try again when one has finished")
        stream_id = new_id()
        stream = self._streams[stream_id] = _Stream()
        stream.task = asyncio.create_task(self._pump(stream, argv, env, passphrase), name=f"download-{stream_id}")
        return stream_id

    async def _pump(self, stream: _Stream, argv: Sequence[str], env: Mapping[str, str], passphrase: str | None) -> None:
        async with self.start_borg(argv, env, passphrase=passphrase) as borg:
            pending = bytearray()
            while True:
                data = await borg.read(CHUNK - len(pending))
                if data:
                    pending += data
                    if len(pending) < CHUNK:
                        continue
                if pending:
                    await stream.queue.put(bytes(pending))
                    pending = bytearray()
                if not data:
                    break
            run = await borg.finish()
        error = None if run.status in ("succeeded", "warning") else borg_error(run, "the download failed")
        await stream.queue.put(_End(error))

    async def read(self, stream_id: str, wait: float) -> DownloadChunk:
        stream = self._streams.get(stream_id)
        if stream is None:
            raise RpcError("not_found", "no such download (finished, closed, or idle too long)")
        stream.last_read = time.monotonic()
        if stream.task is not None and stream.task.done() and stream.queue.empty():
            self._streams.pop(stream_id, None)
            raise RpcError("internal", "the download stopped unexpectedly")
        try:
            item = await asyncio.wait_for(stream.queue.get(), wait)
        except TimeoutError:
            # Borg is slow (a large archive to seek through); the caller asks again.
            return DownloadChunk(data=b"", eof=False)
        stream.last_read = time.monotonic()
        if isinstance(item, _End):
            self._streams.pop(stream_id, None)
            if item.error is not None:
                raise item.error
            return DownloadChunk(data=b"", eof=True)
        return DownloadChunk(data=item, eof=False)

    async def close(self, stream_id: str) -> None:
        stream = self._streams.pop(stream_id, None)
        if stream is None or stream.task is None:
            return
        stream.task.cancel()  # leaving the stream's block stops borg
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await stream.task

    async def _reap(self) -> None:
        while True:
            await asyncio.sleep(min(5.0, self.idle_timeout / 2))
            now = time.monotonic()
            for stream_id, stream in list(self._streams.items()):
                if now - stream.last_read > self.idle_timeout:
                    log.info("closing download %s: not read for %.0f s", stream_id, self.idle_timeout)
                    await self.close(stream_id)
