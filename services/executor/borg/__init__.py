"""The borg layer: the only place that builds borg command lines and reads borg's output.

One module per borg command builds an argument tuple (pure, no I/O) and parses that command's
output; ``environment`` builds the process environment; ``runner`` runs one borg process.
Import from the modules themselves (``from services.executor.borg.create import create_args``).

Where this differs from the agreed interface (/tmp/prompts/borg_iface.md), additions only:

- Every builder takes a keyword-only ``common: CommonOptions | None`` (``lock_wait`` seconds,
  ``remote_path``); every argv has ``--log-json`` and ends its options with ``--`` so a path
  starting with ``-`` stays a path.
- ``borg_env`` has two more keywords, ``accept_unknown_repository`` (importing an unencrypted or
  moved repository) and ``confirm_repository_delete`` (``delete_repository_args`` needs it).
  Leave ``passphrase_fd=None``: ``run_borg`` makes the pipe and sets ``BORG_PASSPHRASE_FD``; it
  refuses an env holding ``BORG_PASSPHRASE``/``BORG_PASSCOMMAND``/``BORG_NEW_PASSPHRASE``.
- ``run_borg`` also takes ``cancel_grace`` (10 s) and ``term_grace`` (5 s). ``BorgRun`` also has
  ``warning_lines`` (the last 100 WARNING messages: unreadable or vanished files) and
  ``stdout_truncated``. A missing binary gives ``status="failed"``, ``pid=None``, failure code
  ``unavailable``. A cancel that arrives after borg already exited keeps borg's own outcome.
- ``errors.classify(returncode, records) -> BorgFailure``; disk full is code ``unavailable`` with
  the message ``"disk full: ..."``, unrecognised failures are ``internal`` with borg's last error.
- ``events.parse(line) -> ProgressEvent | LogRecord`` (``LogRecord.level``, ``.message``, ``.name``,
  ``.msgid``); ``ProgressEvent.kind`` is ``archive``/``percent``/``message``.
- Parsers next to their builders: ``create.parse_create_result``, ``info.parse_repository_info`` /
  ``parse_archive_info``, ``list.parse_archive_list``, ``prune.parse_prune_list`` /
  ``archives_to_prune``, ``break_lock.parse_lock_roster``, ``version.version_problem``.
- ``delete`` has ``delete_archives_args`` and ``delete_repository_args``; ``key_export`` has
  ``key_export_args(..., key_format="key"|"paper"|"qr-html")`` and ``key_import_args``.
- ``runner.stream_borg(argv, env, passphrase=..., cancel=..., cwd=...)`` is an async context manager
  yielding a ``BorgStream``: ``lines()`` / ``read(n)`` consume stdout as it comes (``list
  --json-lines``, ``extract --stdout``, ``export-tar -``), ``finish()`` gives the ``BorgRun``;
  leaving the block while borg runs stops it. ``run_borg`` and ``stream_borg`` also take ``cwd``.
- ``extract.extract_args`` (``dry_run``, ``stdout``, ``strip_components``, ``list_files``,
  ``progress``) and ``export_tar.export_tar_args`` (``tar_filter="gzip"``) pass archive paths as
  ``pp:`` patterns, so a name like ``re:x`` stays a name. ``list.list_archives_args(details=True)``
  with ``parse_archive_details`` adds end time, host, user and comment.
"""
