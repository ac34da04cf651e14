"""The pure helpers of the repository, backup and activity pages, run in the browser from the
modules as they ship."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CHECKS = """async () => {
  const units = await import('/static/js/units.js');
  const jobs = await import('/static/js/jobs.js');
  const backup = await import('/static/js/pages/backup.js');
  const activity = await import('/static/js/pages/activity.js');
  const maintenance = await import('/static/js/pages/repository-maintenance.js');
  const events = await import('/static/js/events.js');
  const download = await import('/static/js/download.js');
  const now = Date.parse('2026-05-03T12:00:00Z');
  const repo = (last) => ({ stats: { last_backup_at: last } });
  return {
    bytes: [units.formatBytes(0), units.formatBytes(999), units.formatBytes(1500), units.formatBytes(242_000_000), units.formatBytes(3.5e12), units.formatBytes(null)],
    durations: [units.formatDuration(0.42), units.formatDuration(42), units.formatDuration(125), units.formatDuration(3900), units.formatDuration(null)],
    ages: [units.formatAge(null, now), units.formatAge('2026-05-03T11:59:30Z', now), units.formatAge('2026-05-03T11:00:00Z', now), units.formatAge('2026-04-28T12:00:00Z', now)],
    ratio: [units.formatRatio(1.9234), units.formatRatio(null)],
    health: [
      jobs.repositoryHealth(repo(null), undefined, now),
      jobs.repositoryHealth(repo('2026-05-03T10:00:00Z'), { status: 'succeeded' }, now),
      jobs.repositoryHealth(repo('2026-04-20T10:00:00Z'), { status: 'succeeded' }, now),
      jobs.repositoryHealth(repo('2026-05-03T10:00:00Z'), { status: 'failed' }, now),
      jobs.repositoryHealth(repo('2026-05-03T10:00:00Z'), { status: 'running' }, now),
      jobs.repositoryHealth(repo('2026-05-03T10:00:00Z'), { status: 'warning' }, now),
    ],
    latest: jobs.latestByRepository([{ id: 'b', repository_id: 'r1' }, { id: 'a', repository_id: 'r1' }, { id: 'c', repository_id: 'r2' }]),
    strength: ['', 'abc', 'aaaaaaaaaaaaaaaaaaaa', 'Tr0ub4dor&3', 'seven unrelated words make a strong passphrase'].map((p) => jobs.passphraseStrength(p).label),
    tones: ['succeeded', 'warning', 'failed', 'interrupted', 'running', 'cancelled'].map(jobs.statusTone),
    compression: [backup.parseCompression('auto,zstd,10'), backup.parseCompression('lz4'), backup.parseCompression('lzma,6'), backup.parseCompression('bogus')],
    specs: [
      backup.compressionSpec({ algorithm: 'zstd', level: '10', auto: true }),
      backup.compressionSpec({ algorithm: 'lz4', level: '', auto: false }),
      backup.compressionSpec({ algorithm: 'none', level: '', auto: true }),
      backup.compressionSpec({ algorithm: 'zlib', level: ' ', auto: false }),
    ],
    options: backup.optionsFrom({
      sources: ' /data/a \\n\\n/data/b', exclude_patterns: '*.tmp', exclude_if_present: '', exclude_caches: true, one_file_system: false,
      compression: { algorithm: 'lzma', level: '6', auto: false }, archive_name_template: ' {hostname}-{now} ', upload_ratelimit_kib: '',
      extra_flags: '--noatime', pre_command: 'pg_dump\\n-f\\n/tmp/db.sql', pre_timeout: '60', pre_on_failure: 'continue', post_command: '', post_timeout: '300',
    }),
    jobsPath: [activity.jobsPath(new URLSearchParams('')), activity.jobsPath(new URLSearchParams('kind=backup&status=failed&page=3&repository_id=r1'))],
    prune: maintenance.pruneRules({ keep_within: ' 2d ', keep_hourly: '', keep_daily: '7', keep_weekly: '4', keep_monthly: '0', keep_yearly: '' }),
    messages: [events.parseMessage('{"subject":"live.job.x","seq":null,"body":{"percent":5}}'), events.parseMessage('not json'), events.parseMessage('{"other":1}')],
    names: [
      download.dispositionName('attachment; filename="job-1.log"', 'x'),
      download.dispositionName("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt", 'x'),
      download.dispositionName(null, 'fallback.txt'),
    ],
  };
}"""


async def test_backup_page_helpers(stack_factory, open_page) -> None:
    stack = await stack_factory()
    page = await open_page(stack.url)
    await page.goto("/login")
    got = await page.evaluate(CHECKS)
    assert got["bytes"] == ["0 B", "999 B", "1.50 KB", "242 MB", "3.50 TB", "—"]
    assert got["durations"] == ["0.4 s", "42 s", "2 min 05 s", "1 h 05 min", "—"]
    assert got["ages"] == ["never", "just now", "1 h ago", "5 days ago"]
    assert got["ratio"] == ["1.92×", "—"]
    assert [h["label"] for h in got["health"]] == [
        "No backup yet", "Healthy", "Backup overdue", "Last backup failed", "Backing up", "Last backup had warnings",
    ]
    assert [h["tone"] for h in got["health"]] == ["quiet", "ok", "warning", "error", "active", "warning"]
    assert {k: v["id"] for k, v in got["latest"].items()} == {"r1": "b", "r2": "c"}
    assert got["strength"] == ["Empty", "Weak", "Weak", "Good", "Strong"]
    assert got["tones"] == ["ok", "warning", "error", "error", "active", "quiet"]
    assert got["compression"] == [
        {"algorithm": "zstd", "level": "10", "auto": True},
        {"algorithm": "lz4", "level": "", "auto": False},
        {"algorithm": "lzma", "level": "6", "auto": False},
        {"algorithm": "lz4", "level": "", "auto": False},
    ]
    assert got["specs"] == ["auto,zstd,10", "lz4", "none", "zlib"]
    assert got["options"] == {
        "sources": ["/data/a", "/data/b"],
        "exclude_patterns": ["*.tmp"],
        "exclude_if_present": [],
        "exclude_caches": True,
        "one_file_system": False,
        "compression": "lzma,6",
        "archive_name_template": "{hostname}-{now}",
        "upload_ratelimit_kib": None,
        "extra_flags": ["--noatime"],
        "pre_command": {"argv": ["pg_dump", "-f", "/tmp/db.sql"], "timeout_seconds": 60, "on_failure": "continue"},
        "post_command": None,
    }
    assert got["jobsPath"] == [
        "/api/jobs?limit=25&offset=0",
        "/api/jobs?limit=25&repository_id=r1&kind=backup&status=failed&offset=50",
    ]
    assert got["prune"] == {"keep_within": "2d", "keep_daily": 7, "keep_weekly": 4, "keep_monthly": 0}
    assert got["messages"] == [{"subject": "live.job.x", "seq": None, "body": {"percent": 5}}, None, None]
    assert got["names"] == ["job-1.log", "résumé.txt", "fallback.txt"]
