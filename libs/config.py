"""Configuration read from the environment.

Every variable the system reads is declared once in ``SETTINGS`` so that the README table, the
compose file check and the parser cannot drift apart.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import msgspec


class ConfigError(Exception):
    """A setting is missing or malformed; the message tells the user what to change."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    parse: Callable[[str, str], object]


def _text(name: str, raw: str) -> str:
    return raw


def _int_in(low: int, high: int) -> Callable[[str, str], int]:
    def parse(name: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
        if not low <= value <= high:
            raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
        return value

    return parse


def _positive_float(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be greater than zero, got {raw!r}")
    return value


def _bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _log_level(name: str, raw: str) -> str:
    level = raw.strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigError(f"{name} must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got {raw!r}")
    return level


def _networks(name: str, raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ConfigError(f"{name} holds {part!r}, which is not an address or CIDR range") from None
    return tuple(networks)


def _role(name: str, raw: str) -> str:
    if raw not in ("admin", "operator", "viewer"):
        raise ConfigError(f"{name} must be admin, operator or viewer, got {raw!r}")
    return raw


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", "./data", "Folder for every service's database, logs, keys and the embedded NATS store.", _text),
    Setting("BIND", "127.0.0.1", "Address the gateway listens on (0.0.0.0 for all interfaces).", _text),
    Setting("PORT", "8081", "HTTP port of the gateway.", _int_in(1, 65535)),
    Setting("LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING, ERROR or CRITICAL.", _log_level),
    Setting("NATS_URL", "", "Use this NATS server (with JetStream) instead of starting an embedded one.", _text),
    Setting("NATS_PORT", "0", "Port of the embedded NATS server; 0 picks a free one.", _int_in(0, 65535)),
    Setting("RPC_TIMEOUT", "5", "Seconds the gateway waits for a service before answering 503.", _positive_float),
    Setting("EVENTS_MAX_AGE_DAYS", "30", "How long the EVENTS stream keeps events.", _int_in(1, 3650)),
    Setting("EVENTS_MAX_MB", "1024", "Size bound of the EVENTS stream in MiB.", _int_in(1, 1_048_576)),
    Setting("INITIAL_ADMIN_PASSWORD", "admin123", "Password of the first admin account (must be changed at first login).", _text),
    Setting("TOKEN_TTL", "28800", "Lifetime of a sign-in token in seconds.", _int_in(60, 31_536_000)),
    Setting("DISABLE_AUTHENTICATION", "false", "Trust a reverse proxy's user header instead of the login screen.", _bool),
    Setting("PROXY_AUTH_HEADER", "X-Forwarded-User", "Header that carries the user name from the proxy.", _text),
    Setting("TRUSTED_PROXIES", "127.0.0.1/32,::1/128", "Peers (CIDR list) whose proxy header is believed.", _networks),
    Setting("PROXY_AUTH_DEFAULT_ROLE", "viewer", "Role of a user first seen through the proxy header.", _role),
    Setting("BORG_BINARY", "borg", "The borg program the executor runs.", _text),
    Setting("MAX_CONCURRENT_JOBS", "2", "How many borg jobs the executor runs at once.", _int_in(1, 64)),
    Setting("LOG_RETENTION_DAYS", "30", "Days job logs are kept.", _int_in(1, 36500)),
    Setting("JOB_LOG_MAX_MB", "20", "Size bound of one job's log file in MiB (the middle is cut, the end kept).", _int_in(1, 10240)),
    Setting("SOURCE_ROOTS", "/", "Folders (comma-separated) backup sources must lie under.", _text),
    Setting("REPOSITORY_ROOTS", "/", "Folders (comma-separated) local repositories may be created or imported under.", _text),
    Setting("RESTORE_ROOTS", "/", "Folders (comma-separated) restores may write under.", _text),
    Setting("INDEX_AFTER_BACKUP", "true", "Index each new archive for browsing and search right after its backup.", _bool),
    Setting("DOWNLOAD_IDLE_TIMEOUT", "60", "Seconds an unread download stream is kept before its borg is stopped.", _positive_float),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    data_dir: Path
    bind: str
    port: int
    log_level: str
    nats_url: str
    nats_port: int
    rpc_timeout: float
    events_max_age_days: int
    events_max_mb: int
    initial_admin_password: str
    token_ttl: int
    disable_authentication: bool
    proxy_auth_header: str
    trusted_proxies: tuple
    proxy_auth_default_role: str
    borg_binary: str
    max_concurrent_jobs: int
    log_retention_days: int
    job_log_max_mb: int
    source_roots: str
    repository_roots: str
    restore_roots: str
    index_after_backup: bool
    download_idle_timeout: float

    def service_dir(self, service: str) -> Path:
        return self.data_dir / service


def setting_names() -> tuple[str, ...]:
    return tuple(_BY_NAME)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Parse every setting; raises ``ConfigError`` naming the first bad variable."""
    env = os.environ if env is None else env
    values: dict[str, object] = {}
    for setting in SETTINGS:
        raw = env.get(setting.name)
        if raw is None:
            raw = setting.default
        values[setting.name.lower()] = setting.parse(setting.name, raw)
    values["data_dir"] = Path(str(values["data_dir"])).expanduser().resolve()
    return Settings(**values)
