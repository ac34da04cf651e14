"""The executor's database schema, one numbered migration per step."""

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE repositories (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        location TEXT NOT NULL UNIQUE,
        encryption TEXT NOT NULL,
        passphrase_sealed TEXT,
        keyfile_sealed TEXT,
        defaults TEXT NOT NULL,
        stats TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    -- Jobs outlive their repository's removal: the history stays readable.
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        repository_id TEXT NOT NULL,
        status TEXT NOT NULL,
        actor TEXT,
        params TEXT NOT NULL,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        duration_seconds REAL,
        stats TEXT,
        result TEXT,
        error TEXT,
        error_lines TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX jobs_by_status ON jobs (status, created_at);
    CREATE INDEX jobs_by_repository ON jobs (repository_id, created_at);
    CREATE INDEX jobs_by_created ON jobs (created_at);
    """,
    # Archives of each repository (cached from borg; sizes known for archives made here) and the
    # last successful verify job of each repository.
    """
    CREATE TABLE archives (
        repository_id TEXT NOT NULL,
        name TEXT NOT NULL,
        archive_id TEXT NOT NULL,
        start TEXT,
        end_time TEXT,
        duration_seconds REAL,
        original_size INTEGER,
        compressed_size INTEGER,
        deduplicated_size INTEGER,
        files INTEGER,
        hostname TEXT,
        username TEXT,
        comment TEXT,
        index_job_id TEXT,
        PRIMARY KEY (repository_id, name)
    );
    -- When each repository's archive list was last read from borg (absent: never).
    CREATE TABLE archive_lists (repository_id TEXT PRIMARY KEY, refreshed_at TEXT NOT NULL);
    ALTER TABLE repositories ADD COLUMN last_verified_at TEXT;
    ALTER TABLE repositories ADD COLUMN last_verified_archive TEXT;
    """,
)
