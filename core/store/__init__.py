"""The SQL layer behind core.archive.Archive (the one public entry): connection (the file: open, network share and
journal mode, copy, quick_check), queries (listing, search), records (rows → models), documents (the import's
writes), maintenance (check, index rebuild, stats)."""
