"""The auth service's database schema, one migration per entry."""

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE users (
        username TEXT PRIMARY KEY COLLATE NOCASE,
        password_hash TEXT,
        role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
        disabled INTEGER NOT NULL DEFAULT 0,
        must_change_password INTEGER NOT NULL DEFAULT 0,
        auth_source TEXT NOT NULL CHECK (auth_source IN ('local', 'proxy')),
        created_at TEXT NOT NULL,
        last_login_at TEXT
    );
    -- Outlives its user on purpose: a name deleted and created again must not revive old tokens.
    CREATE TABLE session_versions (
        username TEXT PRIMARY KEY COLLATE NOCASE,
        version INTEGER NOT NULL
    );
    CREATE TABLE login_failures (
        username TEXT NOT NULL COLLATE NOCASE,
        ip TEXT NOT NULL,
        failed_at REAL NOT NULL
    );
    CREATE INDEX login_failures_bucket ON login_failures (username, ip, failed_at);
    CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL COLLATE NOCASE REFERENCES users (username) ON DELETE CASCADE,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        last_used_at TEXT
    );
    CREATE INDEX api_tokens_owner ON api_tokens (username);
    """,
)
