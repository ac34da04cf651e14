"""``borg prune``: apply retention rules; with ``--dry-run`` its ``--list`` output is the preview."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

import msgspec

from services.executor.borg.common import END_OF_OPTIONS, common_flags, repository
from services.executor.borg.events import LogRecord, parse
from services.executor.borg.options import KEEP_FIELDS, CommonOptions, PruneOptions, validate_prune_options


def prune_args(
    binary: str,
    repo: str,
    options: PruneOptions,
    *,
    progress: bool = False,
    common: CommonOptions | None = None,
) -> tuple[str, ...]:
    """Always ``--list``: one line per archive kept or pruned, what :func:`parse_prune_list` reads."""
    validate_prune_options(options)
    args = [binary, "prune", *common_flags(common), "--list"]
    if options.dry_run:
        args.append("--dry-run")
    if progress:
        args.append("--progress")
    if options.keep_within is not None:
        args.append(f"--keep-within={options.keep_within}")
    for field in KEEP_FIELDS:
        count = getattr(options, field)
        if count:
            args.append(f"--{field.replace('_', '-')}={int(count)}")
    if options.glob_archives is not None:
        args.append(f"--glob-archives={options.glob_archives}")
    return (*args, END_OF_OPTIONS, repository(repo))


class PruneDecision(msgspec.Struct, frozen=True, kw_only=True):
    action: Literal["keep", "prune"]
    archive: str
    id: str
    time: str  # "YYYY-MM-DDTHH:MM:SS", local time of the borg host (borg prints no zone)
    rule: str | None = None  # e.g. "daily", or "checkpoint"; None for pruned archives
    rule_number: int | None = None  # the n-th archive this rule keeps


# borg formats each archive as '%-36s %s [%s]': name padded to 36, "Fri, 2026-12-04 20:04:31", id.
_ARCHIVE = r"\s+(?P<name>.+?)\s+\S+, (?P<date>\d{4}-\d{2}-\d{2}) (?P<clock>\d{2}:\d{2}:\d{2}) \[(?P<id>[0-9a-f]{64})\]\s*$"
_KEEP_BY_RULE = re.compile(r"^Keeping archive \(rule: (?P<rule>[^#)]+?) #(?P<num>\d+)\):" + _ARCHIVE)
_KEEP_CHECKPOINT = re.compile(r"^Keeping checkpoint archive:" + _ARCHIVE)
_PRUNE = re.compile(r"^(?:Would prune|Pruning archive \(\d+/\d+\)):" + _ARCHIVE)


def parse_prune_list(lines: Iterable[str | bytes]) -> list[PruneDecision]:
    """Decisions from ``borg prune --list`` output, in borg's order (newest first).

    Takes raw ``--log-json`` stderr lines or already-extracted messages; other lines are skipped.
    """
    decisions = []
    for line in lines:
        message = _message(line)
        decision = _decision(message) if message else None
        if decision is not None:
            decisions.append(decision)
    return decisions


def archives_to_prune(decisions: Iterable[PruneDecision]) -> list[str]:
    return [decision.archive for decision in decisions if decision.action == "prune"]


def _message(line: str | bytes) -> str:
    record = parse(line)  # a plain-text line comes back as a record holding it
    return record.message if isinstance(record, LogRecord) else ""


def _decision(message: str) -> PruneDecision | None:
    match = _KEEP_BY_RULE.match(message)
    if match:
        return _build(match, "keep", match["rule"], int(match["num"]))
    match = _KEEP_CHECKPOINT.match(message)
    if match:
        return _build(match, "keep", "checkpoint", None)
    match = _PRUNE.match(message)
    if match:
        return _build(match, "prune", None, None)
    return None


def _build(match: re.Match[str], action: Literal["keep", "prune"], rule: str | None, number: int | None) -> PruneDecision:
    return PruneDecision(
        action=action,
        archive=match["name"],
        id=match["id"],
        time=f"{match['date']}T{match['clock']}",
        rule=rule,
        rule_number=number,
    )
