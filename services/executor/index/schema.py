"""Schema of a repository's index database (``$DATA_DIR/executor/index/<repository-id>.db``)."""

INDEX_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE archives (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        archive_time TEXT NOT NULL,
        -- Borg keeps archive times to the second: the archive's place in the repository breaks ties.
        seq INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL CHECK (state IN ('building', 'ready', 'failed')),
        entries INTEGER NOT NULL DEFAULT 0,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        error TEXT
    );
    -- Folder paths and names are shared by every archive of the repository, so each is stored once;
    -- entries refer to them by id.
    CREATE TABLE folders (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
    CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE entries (
        archive_id INTEGER NOT NULL REFERENCES archives(id) ON DELETE CASCADE,
        folder_id INTEGER NOT NULL REFERENCES folders(id),
        name_id INTEGER NOT NULL REFERENCES names(id),
        type TEXT NOT NULL,
        size INTEGER NOT NULL,
        mode TEXT NOT NULL,
        user TEXT NOT NULL,
        grp TEXT NOT NULL,
        mtime TEXT NOT NULL,
        target TEXT NOT NULL,
        hardlink INTEGER NOT NULL DEFAULT 0,
        implied INTEGER NOT NULL DEFAULT 0,
        total_size INTEGER,
        total_files INTEGER,
        PRIMARY KEY (archive_id, folder_id, name_id)
    ) WITHOUT ROWID;
    CREATE INDEX entries_by_name ON entries (name_id, archive_id);
    -- A trigram index of the distinct names: substring and glob search without scanning entries.
    CREATE VIRTUAL TABLE names_fts USING fts5(name, content='names', content_rowid='id', tokenize='trigram');
    """,
)
