"""The service runtime against a real nats-server: requests, envelopes, durable commands, events."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import msgspec
import pytest

from libs.bus import Bus
from libs.bus.streams import COMMANDS_STREAM
from libs.contracts import Command, Event, RpcError
from libs.runtime import Service, command, on_event, rpc
from tests.support import NatsServer, make_settings, running_service


class Echo(msgspec.Struct):
    text: str


class Record(Command, kw_only=True):
    payload: str


class Happened(Event, kw_only=True):
    what: str


class Probe(Service):
    name = "probe"
    migrations = (
        "CREATE TABLE received (id TEXT PRIMARY KEY, payload TEXT NOT NULL);"
        "CREATE TABLE deliveries (n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL);"
        "CREATE TABLE seen_events (id TEXT PRIMARY KEY, what TEXT NOT NULL);",
    )

    @rpc("echo", Echo)
    async def echo(self, req: Echo) -> dict[str, str]:
        return {"text": req.text}

    @rpc("taken")
    async def taken(self, _: object) -> None:
        raise RpcError("conflict", "that name is taken", {"name": "x"})

    @rpc("crash")
    async def crash(self, _: object) -> None:
        raise ValueError("secret internals")

    @rpc("slow")
    async def slow(self, _: object) -> str:
        await asyncio.sleep(0.5)
        return "done"

    @command("record", Record)
    async def record(self, cmd: Record) -> None:
        assert self.db is not None
        await self.db.execute("INSERT INTO deliveries (id) VALUES (?)", (cmd.id,))
        await self.db.execute("INSERT OR IGNORE INTO received (id, payload) VALUES (?, ?)", (cmd.id, cmd.payload))
        await self.db.commit()


def probe_class(suffix: str) -> type[Probe]:
    """A probe with its own name, so durable consumers of one test never see another test's messages."""
    return type(f"Probe{suffix}", (Probe,), {"name": f"probe{suffix}"})


async def rows(db_path: Path, sql: str) -> list[tuple]:
    import aiosqlite

    async with aiosqlite.connect(db_path) as db:
        async with db.execute(sql) as cur:
            return [tuple(r) for r in await cur.fetchall()]


async def wait_for(predicate, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_request_reply_and_error_envelopes(nats_server: NatsServer, bus: Bus, data_dir: Path) -> None:
    cls = probe_class("rpc")
    async with running_service(cls, make_settings(data_dir, nats_server.url)):
        assert await bus.request("rpc.proberpc.echo", {"text": "hi"}) == {"text": "hi"}
        health = await bus.request("rpc.proberpc.health")
        assert health["service"] == "proberpc" and health["status"] == "ok"

        with pytest.raises(RpcError) as caught:
            await bus.request("rpc.proberpc.taken")
        assert (caught.value.code, caught.value.message, caught.value.details) == ("conflict", "that name is taken", {"name": "x"})

        with pytest.raises(RpcError) as caught:
            await bus.request("rpc.proberpc.echo", {"txt": 1})
        assert caught.value.code == "invalid" and "text" in caught.value.message

        with pytest.raises(RpcError) as caught:
            await bus.request("rpc.proberpc.crash")
        assert caught.value.code == "internal"
        assert "secret internals" not in caught.value.message


async def test_requests_are_answered_concurrently(nats_server: NatsServer, bus: Bus, data_dir: Path) -> None:
    cls = probe_class("conc")
    async with running_service(cls, make_settings(data_dir, nats_server.url)):
        started = time.monotonic()
        results = await asyncio.gather(*(bus.request("rpc.probeconc.slow") for _ in range(10)))
        assert results == ["done"] * 10
        assert time.monotonic() - started < 2.0


async def test_request_to_stopped_service_is_unavailable_quickly(bus: Bus) -> None:
    started = time.monotonic()
    with pytest.raises(RpcError) as caught:
        await bus.request("rpc.nobody.users.list", timeout=1.0)
    assert caught.value.code == "unavailable"
    assert caught.value.details == {"service": "nobody"}
    assert caught.value.http_status == 503
    assert time.monotonic() - started < 1.5


async def test_command_sent_while_consumer_down_runs_once_after_start(
    nats_server: NatsServer, bus: Bus, data_dir: Path
) -> None:
    cls = probe_class("cmd")
    settings = make_settings(data_dir, nats_server.url)
    db_path = data_dir / "probecmd" / "probecmd.db"

    first = Record(payload="one")
    await bus.send_command("cmd.probecmd.record", first)
    await bus.send_command("cmd.probecmd.record", first)  # a retried publish: same id
    await bus.send_command("cmd.probecmd.record", Record(payload="two"))

    async with running_service(cls, settings):
        await wait_for(lambda: rows(db_path, "SELECT id FROM received WHERE payload = 'two'"))
        await asyncio.sleep(0.3)
    assert sorted(r[0] for r in await rows(db_path, "SELECT payload FROM received")) == ["one", "two"]
    assert len(await rows(db_path, "SELECT id FROM deliveries")) == 2

    # Acknowledged commands are gone from the work queue: a restart does not run them again.
    async with running_service(cls, settings):
        await asyncio.sleep(0.5)
    assert len(await rows(db_path, "SELECT id FROM deliveries")) == 2
    info = await bus.js.consumer_info(COMMANDS_STREAM, "probecmd-commands")
    assert info.num_pending == 0 and info.num_ack_pending == 0


async def test_malformed_command_is_dropped_not_retried(nats_server: NatsServer, bus: Bus, data_dir: Path) -> None:
    cls = probe_class("bad")
    await bus.js.publish("cmd.probebad.record", b'{"no": "payload"}', headers={"Nats-Msg-Id": "bad-1"})
    good = Record(payload="fine")
    await bus.send_command("cmd.probebad.record", good)
    db_path = data_dir / "probebad" / "probebad.db"
    async with running_service(cls, make_settings(data_dir, nats_server.url)):
        await wait_for(lambda: rows(db_path, "SELECT id FROM received"))
        info = await bus.js.consumer_info(COMMANDS_STREAM, "probebad-commands")
        assert info.num_pending == 0 and info.num_ack_pending == 0
    assert [r[0] for r in await rows(db_path, "SELECT payload FROM received")] == ["fine"]


class ProbeEvt(Probe):
    name = "probeevt"

    @on_event("evt.probeevt.>", Happened, durable="events")
    async def happened(self, event: Happened) -> None:
        assert self.db is not None
        await self.db.execute("INSERT OR IGNORE INTO seen_events (id, what) VALUES (?, ?)", (event.id, event.what))
        await self.db.commit()


async def test_events_reach_a_durable_consumer_across_restarts(
    nats_server: NatsServer, bus: Bus, data_dir: Path
) -> None:
    cls = ProbeEvt
    settings = make_settings(data_dir, nats_server.url)
    db_path = data_dir / "probeevt" / "probeevt.db"
    async with running_service(cls, settings):
        await bus.publish_event("evt.probeevt.made", Happened(what="first"))
        await wait_for(lambda: rows(db_path, "SELECT id FROM seen_events"))
    # Published while the service is down: delivered when it is back.
    await bus.publish_event("evt.probeevt.made", Happened(what="second"))
    async with running_service(cls, settings):
        await wait_for(lambda: rows(db_path, "SELECT id FROM seen_events WHERE what = 'second'"))
    assert sorted(r[0] for r in await rows(db_path, "SELECT what FROM seen_events")) == ["first", "second"]


async def test_a_command_is_taken_at_once(nats_server: NatsServer, bus: Bus, data_dir: Path) -> None:
    cls = probe_class("fast")
    db_path = data_dir / "probefast" / "probefast.db"
    async with running_service(cls, make_settings(data_dir, nats_server.url)):
        await asyncio.sleep(0.5)  # the consumer is now waiting in a long poll
        delays = []
        for n in range(3):
            started = time.monotonic()
            await bus.send_command("cmd.probefast.record", Record(payload=f"p{n}"))
            await wait_for(lambda: rows(db_path, f"SELECT id FROM received WHERE payload = 'p{n}'"))
            delays.append(time.monotonic() - started)
    assert max(delays) < 0.5, delays
