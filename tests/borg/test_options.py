"""Validation of user-supplied borg options."""

from __future__ import annotations

import pytest

from services.executor.borg.options import (
    CreateOptions,
    OptionError,
    PruneOptions,
    has_exportable_key,
    needs_passphrase,
    validate_archive_name,
    validate_archive_template,
    validate_compression,
    validate_create_options,
    validate_extra_create_flags,
    validate_prune_options,
)


@pytest.mark.parametrize(
    "spec",
    ["none", "lz4", "zstd", "zstd,1", "zstd,22", "zlib,0", "zlib,9", "lzma", "lzma,6", "auto,zstd,6", "auto,lz4"],
)
def test_compression_accepted(spec: str) -> None:
    assert validate_compression(spec) == spec


@pytest.mark.parametrize(
    "spec",
    ["", "gzip", "zstd,0", "zstd,23", "zlib,10", "lz4,1", "none,1", "auto", "auto,none", "auto,auto,lz4", "zstd,x", "zstd,1,2"],
)
def test_compression_refused(spec: str) -> None:
    with pytest.raises(OptionError, match="compression"):
        validate_compression(spec)


@pytest.mark.parametrize(
    "template",
    [
        "{hostname}-{now:%Y-%m-%dT%H:%M:%S}",
        "{fqdn}-{utcnow}",
        "{reverse-fqdn}-{user}-{pid}-{uuid4}",
        "borg{borgversion}-{borgmajor}-{borgminor}-{borgpatch}",
        "plain name",
        "literal {{braces}}",
    ],
)
def test_archive_template_accepted(template: str) -> None:
    assert validate_archive_template(template) == template


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("", "empty"),
        (" padded", "space"),
        ("{home}", "unknown placeholder"),
        ("{hostname:%Y}", "take a format"),
        ("{now!r}", "take a format"),
        ("{now:%Y/%m}", "'/'"),
        ("a/b", "'/'"),
        ("a::b", "'::'"),
        ("tab\there", "control"),
        ("{unclosed", "braces"),
        ("x" * 201, "longer than 200"),
    ],
)
def test_archive_template_refused(template: str, reason: str) -> None:
    with pytest.raises(OptionError, match=reason):
        validate_archive_template(template)


def test_archive_name() -> None:
    assert validate_archive_name("web-2024-01-01") == "web-2024-01-01"
    for bad in ("", "a/b", "a::b", "{now}", "new\nline", " lead"):
        with pytest.raises(OptionError):
            validate_archive_name(bad)


def test_extra_create_flags() -> None:
    allowed = ("--noatime", "--numeric-ids", "--files-cache=ctime,size", "--checkpoint-interval=600",
               "--chunker-params=buzhash,19,23,21,4095", "--comment=nightly run", "--sparse")
    assert validate_extra_create_flags(allowed) == allowed


@pytest.mark.parametrize(
    ("flag", "reason"),
    [
        ("--repair", "not allowed"),
        ("--paths-from-command", "not allowed"),
        ("--content-from-command", "not allowed"),
        ("--patterns-from=/etc/shadow", "not allowed"),
        ("--rsh=sh -c evil", "not allowed"),
        ("--noatime=1", "not allowed"),
        ("--files-cache", "needs a value"),
        ("--files-cache=everything", "invalid value"),
        ("--checkpoint-interval=0", "invalid value"),
        ("--comment={now}", "invalid value"),
        ("-x", "not allowed"),
    ],
)
def test_extra_create_flags_refused(flag: str, reason: str) -> None:
    with pytest.raises(OptionError, match=reason):
        validate_extra_create_flags((flag,))


def test_create_options() -> None:
    good = CreateOptions(compression="zstd,3", exclude_patterns=("*.iso",), exclude_if_present=(".nobackup",))
    assert validate_create_options(good) is good
    for bad in (
        CreateOptions(compression="brotli"),
        CreateOptions(exclude_patterns=("",)),
        CreateOptions(exclude_if_present=("dir/.nobackup",)),
        CreateOptions(upload_ratelimit_kib=0),
        CreateOptions(extra_flags=("--list",)),
    ):
        with pytest.raises(OptionError):
            validate_create_options(bad)


def test_prune_options() -> None:
    assert validate_prune_options(PruneOptions(keep_within="36H"))
    assert validate_prune_options(PruneOptions(keep_daily=7, glob_archives="web-*"))
    for bad, reason in (
        (PruneOptions(), "at least one rule"),
        (PruneOptions(keep_within="2 days"), "keep-within"),
        (PruneOptions(keep_within="0d"), "keep-within"),
        (PruneOptions(keep_within="5s"), "keep-within"),
        (PruneOptions(keep_daily=-1), "negative"),
    ):
        with pytest.raises(OptionError, match=reason):
            validate_prune_options(bad)


def test_encryption_helpers() -> None:
    assert not needs_passphrase("none")
    assert needs_passphrase("authenticated") and needs_passphrase("keyfile-blake2")
    assert has_exportable_key("repokey") and has_exportable_key("keyfile-blake2")
    assert not has_exportable_key("authenticated") and not has_exportable_key("none")
