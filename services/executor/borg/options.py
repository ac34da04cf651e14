"""Options of borg commands as typed values, and the checks that keep user input inside borg's grammar.

Everything here is pure. Validators raise ``OptionError`` with a message fit to show the user; the
argument builders assume validated options and never re-check them.
"""

from __future__ import annotations

import re
import string
import msgspec

from libs.contracts.executor import ENCRYPTIONS, KEY_EXPORT_MODES, PASSPHRASE_MODES


class OptionError(ValueError):
    """A user-supplied borg option is outside what we accept; the message says why."""


ENCRYPTION_MODES = ENCRYPTIONS


def needs_passphrase(encryption: str) -> bool:
    """Every mode except ``none`` protects its key (or its authentication key) with a passphrase."""
    return encryption in PASSPHRASE_MODES


def has_exportable_key(encryption: str) -> bool:
    return encryption in KEY_EXPORT_MODES


class CommonOptions(msgspec.Struct, frozen=True, kw_only=True):
    """Options every repository command takes."""

    lock_wait: int | None = None  # seconds to wait for the repository lock; borg's default is 1
    remote_path: str | None = None  # the borg program on an SSH remote


class CreateOptions(msgspec.Struct, frozen=True, kw_only=True):
    compression: str = "lz4"
    exclude_patterns: tuple[str, ...] = ()
    exclude_if_present: tuple[str, ...] = ()
    exclude_caches: bool = False
    one_file_system: bool = False
    upload_ratelimit_kib: int | None = None
    extra_flags: tuple[str, ...] = ()


class PruneOptions(msgspec.Struct, frozen=True, kw_only=True):
    keep_within: str | None = None
    keep_secondly: int | None = None
    keep_minutely: int | None = None
    keep_hourly: int | None = None
    keep_daily: int | None = None
    keep_weekly: int | None = None
    keep_monthly: int | None = None
    keep_yearly: int | None = None
    glob_archives: str | None = None  # restrict pruning to one series of archives, e.g. "web-*"
    dry_run: bool = False


class CheckOptions(msgspec.Struct, frozen=True, kw_only=True):
    repository_only: bool = False
    archives_only: bool = False
    verify_data: bool = False
    max_duration: int | None = None  # seconds; a partial repository check, resumed next time


# --- compression -------------------------------------------------------------------------------

_LEVELS = {"zstd": (1, 22), "zlib": (0, 9), "lzma": (0, 9)}


def validate_compression(spec: str) -> str:
    """Accept ``none``, ``lz4``, ``zstd[,1-22]``, ``zlib[,0-9]``, ``lzma[,0-9]`` and ``auto,<one of those>``."""
    parts = spec.split(",")
    if parts[0] == "auto":
        if len(parts) < 2 or parts[1] in ("auto", "none"):
            raise OptionError(f"compression {spec!r}: auto needs an algorithm, e.g. auto,zstd,6")
        _validate_algorithm(spec, parts[1:])
    else:
        _validate_algorithm(spec, parts)
    return spec


def _validate_algorithm(spec: str, parts: list[str]) -> None:
    name, args = parts[0], parts[1:]
    if name in ("none", "lz4"):
        if args:
            raise OptionError(f"compression {spec!r}: {name} takes no level")
        return
    if name not in _LEVELS:
        raise OptionError(f"compression {spec!r}: unknown algorithm {name!r} (none, lz4, zstd, zlib, lzma, auto)")
    if not args:
        return
    low, high = _LEVELS[name]
    if len(args) != 1 or not args[0].isdigit() or not low <= int(args[0]) <= high:
        raise OptionError(f"compression {spec!r}: {name} level must be a number from {low} to {high}")


# --- archive names -----------------------------------------------------------------------------

# The placeholders borg itself expands in archive names; anything else would make borg fail.
ARCHIVE_PLACEHOLDERS = frozenset(
    {
        "hostname",
        "fqdn",
        "reverse-fqdn",
        "now",
        "utcnow",
        "user",
        "pid",
        "uuid4",
        "borgversion",
        "borgmajor",
        "borgminor",
        "borgpatch",
    }
)
_TIME_PLACEHOLDERS = frozenset({"now", "utcnow"})


def validate_archive_template(template: str) -> str:
    """Check an archive name template (borg expands it): known placeholders, no ``/`` or ``::``."""
    if not template or template != template.strip():
        raise OptionError("archive name must not be empty or start or end with a space")
    if len(template) > 200:
        raise OptionError("archive name template is longer than 200 characters")
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise OptionError(f"archive name {template!r}: {exc} (write {{{{ and }}}} for literal braces)") from None
    literal = "".join(text for text, _, _, _ in fields)
    for _, field, spec, conversion in fields:
        if field is None:
            continue
        if field not in ARCHIVE_PLACEHOLDERS:
            known = ", ".join(sorted(ARCHIVE_PLACEHOLDERS))
            raise OptionError(f"archive name {template!r}: unknown placeholder {{{field}}} (known: {known})")
        if conversion or (spec and field not in _TIME_PLACEHOLDERS):
            raise OptionError(f"archive name {template!r}: only {{now}} and {{utcnow}} take a format")
        if spec and "/" in spec:
            raise OptionError(f"archive name {template!r}: the time format must not contain '/'")
    if "/" in literal or "::" in literal or _has_control(literal):
        raise OptionError(f"archive name {template!r} must not contain '/', '::' or control characters")
    return template


def validate_archive_name(name: str) -> str:
    """Check a literal archive name (rename target, delete, list): borg's rules, no braces."""
    if not name or name != name.strip():
        raise OptionError("archive name must not be empty or start or end with a space")
    if "/" in name or "::" in name or _has_control(name):
        raise OptionError(f"archive name {name!r} must not contain '/', '::' or control characters")
    if "{" in name or "}" in name:
        # borg would expand them as placeholders, naming a different archive than the one meant.
        raise OptionError(f"archive name {name!r} must not contain braces")
    return name


def _has_control(text: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text)


# --- extra create flags ------------------------------------------------------------------------

# Flags that change what is stored but cannot redirect borg's output, read arbitrary files as
# commands, or weaken the repository: safe to let an operator add to a backup.
ALLOWED_CREATE_SWITCHES = frozenset(
    {
        "--noatime",
        "--atime",
        "--noctime",
        "--nobirthtime",
        "--noflags",
        "--noacls",
        "--noxattrs",
        "--numeric-ids",
        "--sparse",
        "--exclude-nodump",
        "--keep-exclude-tags",
    }
)
_FILES_CACHE_MODE = re.compile(r"^(disabled|(ctime|mtime|size|inode|rechunk)(,(ctime|mtime|size|inode|rechunk))*)$")
_CHUNKER_PARAMS = re.compile(r"^(buzhash,\d+,\d+,\d+,\d+|fixed,\d+(,\d+)?|\d+,\d+,\d+,\d+|default)$")
ALLOWED_CREATE_VALUE_FLAGS: dict[str, re.Pattern[str]] = {
    "--files-cache": _FILES_CACHE_MODE,
    "--checkpoint-interval": re.compile(r"^[1-9]\d{0,6}$"),
    "--chunker-params": _CHUNKER_PARAMS,
    "--comment": re.compile(r"^[^\x00-\x1f\x7f{}]{0,500}$"),
}


def validate_extra_create_flags(flags: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Accept only allow-listed ``borg create`` flags; flags with a value must use ``--flag=value``."""
    for flag in flags:
        name, has_value, value = flag.partition("=")
        if name in ALLOWED_CREATE_SWITCHES and not has_value:
            continue
        pattern = ALLOWED_CREATE_VALUE_FLAGS.get(name)
        if pattern is None:
            allowed = sorted(ALLOWED_CREATE_SWITCHES | set(ALLOWED_CREATE_VALUE_FLAGS))
            raise OptionError(f"borg create flag {flag!r} is not allowed (allowed: {', '.join(allowed)})")
        if not has_value:
            raise OptionError(f"borg create flag {name} needs a value: write {name}=VALUE")
        if not pattern.match(value):
            raise OptionError(f"borg create flag {flag!r} has an invalid value")
    return tuple(flags)


# --- whole option sets -------------------------------------------------------------------------


def _check_pattern_list(label: str, items: tuple[str, ...]) -> None:
    for item in items:
        if not item or item != item.strip() or _has_control(item):
            raise OptionError(f"{label} {item!r} must not be empty, padded with spaces or hold control characters")


def validate_create_options(options: CreateOptions) -> CreateOptions:
    validate_compression(options.compression)
    _check_pattern_list("exclude pattern", options.exclude_patterns)
    _check_pattern_list("exclude-if-present marker", options.exclude_if_present)
    for marker in options.exclude_if_present:
        if "/" in marker:
            raise OptionError(f"exclude-if-present marker {marker!r} must be a file name, not a path")
    if options.upload_ratelimit_kib is not None and options.upload_ratelimit_kib <= 0:
        raise OptionError("upload rate limit must be a positive number of KiB/s")
    validate_extra_create_flags(options.extra_flags)
    return options


_INTERVAL = re.compile(r"^[1-9]\d*[Hdwmy]$")
KEEP_FIELDS: tuple[str, ...] = (
    "keep_secondly",
    "keep_minutely",
    "keep_hourly",
    "keep_daily",
    "keep_weekly",
    "keep_monthly",
    "keep_yearly",
)


def validate_prune_options(options: PruneOptions) -> PruneOptions:
    if options.keep_within is not None and not _INTERVAL.match(options.keep_within):
        raise OptionError(
            f"keep-within {options.keep_within!r} must be a positive number followed by H, d, w, m or y (e.g. 7d)"
        )
    counts = [getattr(options, name) for name in KEEP_FIELDS]
    if any(count is not None and count < 0 for count in counts):
        raise OptionError("keep counts must not be negative")
    if options.keep_within is None and not any(counts):
        raise OptionError("prune needs at least one rule (keep-within or a keep count above 0)")
    if options.glob_archives is not None:
        _check_pattern_list("archive glob", (options.glob_archives,))
    return options


def validate_check_options(options: CheckOptions) -> CheckOptions:
    if options.repository_only and options.archives_only:
        raise OptionError("check: choose repository-only or archives-only, not both")
    if options.verify_data and options.repository_only:
        raise OptionError("check: verify-data checks archive data, it cannot be repository-only")
    if options.max_duration is not None:
        if options.max_duration <= 0:
            raise OptionError("check: max-duration must be a positive number of seconds")
        if not options.repository_only or options.verify_data:
            raise OptionError("check: max-duration is only possible with a repository-only check")
    return options
