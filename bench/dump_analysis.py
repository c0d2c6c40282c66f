"""Everything the import worker computes for each real report (core.ingest.pipeline.process_bytes): the
analysis (metadata, evidence, sections, structure, facts with confidence and review pattern, warnings), the
reuse signature and keys, the search body, as one JSON line per report — to compare two checkouts byte for
byte after a change that must not change any output:

    .venv/bin/python bench/dump_analysis.py > /tmp/new.jsonl
    .venv/bin/python bench/dump_analysis.py --tree /work/ref > /tmp/old.jsonl && cmp /tmp/old.jsonl /tmp/new.jsonl
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_analysis import report_files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    sys.path.insert(0, str(args.tree.resolve()))
    from core.ingest.pipeline import process_bytes

    for path in report_files():
        item = process_bytes(path.name, path.read_bytes())
        analysis = dataclasses.asdict(item.analysis) if item.analysis else None
        row = {
            "file": str(path.relative_to(path.parents[2]) if len(path.parents) > 2 else path),
            "error": item.error, "warnings": item.warnings, "sha_text": item.sha_text, "fmt": item.fmt,
            "index_body": hashlib.sha256(item.index_body.encode()).hexdigest(),
            "reuse_signature": item.reuse_signature.hex(), "reuse_keys": item.reuse_keys,
            "analysis": analysis,
        }
        print(json.dumps(row, ensure_ascii=False, sort_keys=True, default=repr))


if __name__ == "__main__":
    main()
