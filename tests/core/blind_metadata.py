"""Metadata on a blind check set: real reports and office files from ../shared that no rule was tuned on.

`blind_meta.tsv` (beside this file) holds only judged values and each file's path relative to ../shared;
the texts are read from ../shared at run time. A cell may list alternatives separated by "|" (an empty
alternative means "nothing" is also right); an empty cell expects None. The bar fields are agency,
region, report_year and publish_date (the quality bar of issue 9: ≥ 0.92 on unseen real reports);
doc_type and title are reported beside them.

Usage: .venv/bin/python -m tests.core.blind_metadata [--ocr]
(--ocr includes the scans, which take about a minute to read.)
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from core.extract import analyse, read_clean  # noqa: E402

SHARED = Path(os.environ.get("REPORT_ARCHIVE_SHARED", REPO.parent / "shared"))
TABLE = Path(__file__).resolve().parent / "blind_meta.tsv"
BAR_FIELDS = ("agency", "region", "report_year", "publish_date")
FIELDS = (*BAR_FIELDS, "doc_type", "title")


@dataclass(frozen=True, slots=True)
class Row:
    file: str
    expected: dict[str, tuple[str, ...]]  # field → accepted values ('' = None)
    note: str

    @property
    def needs_ocr(self) -> bool:
        return "ocr" in self.note.split(";")[0].split()


def load_rows(path: Path = TABLE) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Row(r["file"], {f: tuple(v.strip() for v in (r[f] or "").split("|")) for f in FIELDS}, r.get("note") or "")
            for r in reader
        ]


def predicted(row: Row) -> dict[str, str]:
    """The extractor's values for one file, as strings ('' for None)."""
    path = SHARED / row.file
    text = read_clean(path)
    a = analyse(text, path.name)
    values = {name: getattr(a, name) for name in FIELDS}
    return {name: "" if value is None else str(value) for name, value in values.items()}


def score(rows: list[Row]) -> dict[str, float]:
    hits = dict.fromkeys(FIELDS, 0)
    misses: list[str] = []
    for row in rows:
        got = predicted(row)
        for name in FIELDS:
            if got[name] in row.expected[name]:
                hits[name] += 1
            else:
                misses.append(f"  {row.file} {name}: want {'|'.join(row.expected[name])!r} got {got[name]!r}")
    n = len(rows) or 1
    result = {name: hits[name] / n for name in FIELDS}
    result["metadata"] = sum(hits[f] for f in BAR_FIELDS) / (n * len(BAR_FIELDS))
    print(f"Blind metadata check — {len(rows)} files from {SHARED}")
    for name in FIELDS:
        print(f"{name:<14}{hits[name]:>3}/{len(rows)}")
    print(f"metadata (agency, region, report_year, publish_date): {result['metadata']:.3f}  (bar ≥ 0.92)")
    if misses:
        print("misses:")
        print("\n".join(misses))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ocr", action="store_true", help="include the scans (slow OCR)")
    args = parser.parse_args(argv)
    rows = [r for r in load_rows() if args.ocr or not r.needs_ocr]
    score(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
