from pathlib import Path

import pytest

from libs.store import open_store, schema_version

MIGRATIONS = (
    "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id));",
)


async def test_migrations_apply_once_and_in_order(tmp_path: Path) -> None:
    path = tmp_path / "svc" / "svc.db"
    db = await open_store(path, MIGRATIONS[:1])
    assert await schema_version(db) == 1
    await db.execute("INSERT INTO parent (name) VALUES ('kept')")
    await db.commit()
    await db.close()

    db = await open_store(path, MIGRATIONS)
    assert await schema_version(db) == 2
    async with db.execute("SELECT name FROM parent") as cur:
        assert [r["name"] for r in await cur.fetchall()] == ["kept"]
    async with db.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    with pytest.raises(Exception, match="FOREIGN KEY"):
        await db.execute("INSERT INTO child (parent_id) VALUES (999)")
    await db.close()


async def test_failed_migration_leaves_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "svc.db"
    db = await open_store(path, MIGRATIONS[:1])
    await db.close()
    with pytest.raises(Exception):
        await open_store(path, (MIGRATIONS[0], "CREATE TABLE broken (;"))
    db = await open_store(path, MIGRATIONS[:1])
    assert await schema_version(db) == 1
    await db.close()


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "svc.db"
    db = await open_store(path, MIGRATIONS)
    await db.close()
    with pytest.raises(RuntimeError, match="newer than this program"):
        await open_store(path, MIGRATIONS[:1])
