"""Repository records in the executor's database; secrets are sealed before they are written."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite
import msgspec

from libs.contracts.base import utc_now
from libs.contracts.envelope import RpcError
from libs.contracts.executor import BackupOptions, Repository, RepositoryStats
from libs.secrets import SecretBox, mask


@dataclass(frozen=True)
class RepositoryRecord:
    """A repository with its secrets opened; stays inside the executor."""

    id: str
    name: str
    location: str
    encryption: str
    passphrase: str | None
    keyfile: str | None
    defaults: BackupOptions
    stats: RepositoryStats | None
    created_at: str
    updated_at: str
    last_verified_at: str | None = None
    last_verified_archive: str | None = None

    def public(self) -> Repository:
        return Repository(
            id=self.id,
            name=self.name,
            location=self.location,
            encryption=self.encryption,  # type: ignore[arg-type]
            passphrase=mask(self.passphrase) if self.passphrase else "",
            has_keyfile=self.keyfile is not None,
            defaults=self.defaults,
            stats=self.stats,
            created_at=self.created_at,
            updated_at=self.updated_at,
            last_verified_at=self.last_verified_at,
            last_verified_archive=self.last_verified_archive,
        )


def _context(repository_id: str, what: str) -> str:
    # Binding each token to its row and field stops a sealed value being replayed elsewhere.
    return f"executor.repository.{repository_id}.{what}"


class RepositoryStore:
    def __init__(self, db: aiosqlite.Connection, box: SecretBox) -> None:
        self.db = db
        self.box = box

    def _record(self, row: aiosqlite.Row) -> RepositoryRecord:
        rid = row["id"]
        return RepositoryRecord(
            id=rid,
            name=row["name"],
            location=row["location"],
            encryption=row["encryption"],
            passphrase=self.box.open(row["passphrase_sealed"], _context(rid, "passphrase")) if row["passphrase_sealed"] else None,
            keyfile=self.box.open(row["keyfile_sealed"], _context(rid, "keyfile")) if row["keyfile_sealed"] else None,
            defaults=msgspec.json.decode(row["defaults"], type=BackupOptions),
            stats=msgspec.json.decode(row["stats"], type=RepositoryStats) if row["stats"] else None,
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            last_verified_at=row["last_verified_at"],
            last_verified_archive=row["last_verified_archive"],
        )

    async def all(self) -> list[RepositoryRecord]:
        async with self.db.execute("SELECT * FROM repositories ORDER BY name COLLATE NOCASE") as cur:
            return [self._record(row) for row in await cur.fetchall()]

    async def find(self, repository_id: str) -> RepositoryRecord | None:
        async with self.db.execute("SELECT * FROM repositories WHERE id = ?", (repository_id,)) as cur:
            row = await cur.fetchone()
        return self._record(row) if row else None

    async def get(self, repository_id: str) -> RepositoryRecord:
        record = await self.find(repository_id)
        if record is None:
            raise RpcError("not_found", f"no repository with id {repository_id}")
        return record

    async def check_unique(self, name: str, location: str | None, exclude_id: str | None = None) -> None:
        async with self.db.execute(
            "SELECT name, location FROM repositories WHERE (name = ? COLLATE NOCASE OR location = ?) AND id IS NOT ?",
            (name, location, exclude_id),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return
        if row["name"].lower() == name.lower():
            raise RpcError("conflict", f"a repository named {name!r} exists already")
        raise RpcError("conflict", f"repository {location} is registered already as {row['name']!r}")

    async def insert(self, record: RepositoryRecord) -> None:
        await self.db.execute(
            "INSERT INTO repositories (id, name, location, encryption, passphrase_sealed, keyfile_sealed, defaults,"
            " stats, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.id,
                record.name,
                record.location,
                record.encryption,
                self._seal(record.id, "passphrase", record.passphrase),
                self._seal(record.id, "keyfile", record.keyfile),
                msgspec.json.encode(record.defaults).decode(),
                msgspec.json.encode(record.stats).decode() if record.stats else None,
                record.created_at,
                record.updated_at,
            ),
        )
        await self.db.commit()

    async def update(
        self,
        repository_id: str,
        *,
        name: str | None = None,
        defaults: BackupOptions | None = None,
        passphrase: str | None = None,
    ) -> None:
        sets, values = ["updated_at = ?"], [utc_now()]
        if name is not None:
            sets.append("name = ?")
            values.append(name)
        if defaults is not None:
            sets.append("defaults = ?")
            values.append(msgspec.json.encode(defaults).decode())
        if passphrase is not None:
            sets.append("passphrase_sealed = ?")
            values.append(self._seal(repository_id, "passphrase", passphrase))
        await self.db.execute(f"UPDATE repositories SET {', '.join(sets)} WHERE id = ?", (*values, repository_id))
        await self.db.commit()

    async def set_stats(self, repository_id: str, stats: RepositoryStats) -> None:
        await self.db.execute(
            "UPDATE repositories SET stats = ? WHERE id = ?", (msgspec.json.encode(stats).decode(), repository_id)
        )
        await self.db.commit()

    async def delete(self, repository_id: str) -> None:
        await self.db.execute("DELETE FROM repositories WHERE id = ?", (repository_id,))
        await self.db.commit()

    def _seal(self, repository_id: str, what: str, value: str | None) -> str | None:
        return self.box.seal(value, _context(repository_id, what)) if value is not None else None
