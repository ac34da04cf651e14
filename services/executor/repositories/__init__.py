"""Repositories: their records, paths, locks and the borg calls that manage them."""
