"""Robustness suite: crashes mid-import, hostile files, fuzzed queries, export injection, bad archives, no network."""
