"""Archives of the executor's repositories: the cached list, index jobs, restore, verify, downloads."""
