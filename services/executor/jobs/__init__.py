"""Jobs: their records, the queue that runs them, and one module per kind of work."""
