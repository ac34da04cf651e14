"""Persistent per-repository index of archive contents: built once by streaming
``borg list --json-lines``, then browsed and searched without running borg again."""
