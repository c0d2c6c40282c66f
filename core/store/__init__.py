"""The SQL layer behind core.archive.Archive (the one public entry): queries, rows, writes, maintenance."""
