"""Check that two versions of the Excel export write the same workbook, cell by cell.

Usage:
  .venv/bin/python bench/export_identity.py --baseline SRC [--work DIR]
      SRC is a checkout (or `git archive` copy) of the code to compare with, e.g.
      `mkdir /tmp/base && git archive main | tar -x -C /tmp/base`.
      Builds one archive from ../shared/samples and ../shared/gold/dev, then exports it, and a synthetic set
      of documents (bench_export.synthetic: disagreements, comments, links, money cells), with SRC's code and
      with this checkout's code (each in its own process), and compares every sheet: values, number formats,
      fonts, fills, alignment, protection, comments, hyperlinks, column widths/hidden, row heights, merged
      cells, freeze panes, autofilter, print titles. Exit status 1 on any difference.
  .venv/bin/python bench/export_identity.py --compare A.xlsx B.xlsx
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
_VOLATILE = {("说明", "导出时间")}  # the export's own timestamp


def build(archive: Path) -> None:
    sys.path.insert(0, str(REPO))
    from core import Archive

    folders = [SHARED / "samples", SHARED / "gold" / "dev"]
    with Archive.open(archive) as arc:
        arc.import_paths([f for f in folders if f.is_dir()])
        print(f"# archive: {arc.count()} documents")


def export(src: Path, archive: Path, out: Path, synth_docs: int) -> None:
    """Run in a subprocess with `src` first on sys.path."""
    sys.path.insert(0, str(src))
    sys.path.insert(1, str(src / "bench"))
    from bench_export import synthetic  # type: ignore[import-not-found]

    from core import Archive
    from core.export import export_xlsx, load_indicators, write_workbook

    with Archive.open(archive) as arc:
        export_xlsx(arc, out.with_name(out.stem + "-archive.xlsx"), selection="一致性检查")
    write_workbook(out.with_name(out.stem + "-synthetic.xlsx"), synthetic(synth_docs, 30), load_indicators(),
                   synth_docs, selection="一致性检查")


def _style(cell: Any) -> tuple[Any, ...]:
    return (cell.number_format, repr(cell.font), repr(cell.fill), repr(cell.alignment), repr(cell.border),
            repr(cell.protection), cell.quotePrefix if hasattr(cell, "quotePrefix") else None)


def compare(a: Path, b: Path) -> list[str]:
    from openpyxl import load_workbook

    problems: list[str] = []
    wa, wb = load_workbook(a), load_workbook(b)
    if wa.sheetnames != wb.sheetnames:
        return [f"sheets {wa.sheetnames} != {wb.sheetnames}"]
    for name in wa.sheetnames:
        sa, sb = wa[name], wb[name]
        for what, x, y in (
            ("dimensions", sa.dimensions, sb.dimensions),
            ("freeze", sa.freeze_panes, sb.freeze_panes),
            ("filter", sa.auto_filter.ref, sb.auto_filter.ref),
            ("merged", str(sa.merged_cells), str(sb.merged_cells)),
            ("print titles", (sa.print_title_rows, sa.print_title_cols), (sb.print_title_rows, sb.print_title_cols)),
            ("page setup", repr(sa.page_setup), repr(sb.page_setup)),
            ("columns", {k: (d.width, d.hidden) for k, d in sa.column_dimensions.items()},
             {k: (d.width, d.hidden) for k, d in sb.column_dimensions.items()}),
            ("rows", {k: d.height for k, d in sa.row_dimensions.items()},
             {k: d.height for k, d in sb.row_dimensions.items()}),
        ):
            if x != y:
                problems.append(f"{name}: {what} {x!r} != {y!r}")
        cells = 0
        for ra, rb in zip(sa.iter_rows(), sb.iter_rows(), strict=True):
            label = str(ra[1].value) if len(ra) > 1 else ""
            for ca, cb in zip(ra, rb, strict=True):
                cells += 1
                where = f"{name}!{ca.coordinate}"
                if (name, label) in _VOLATILE and ca.column == 3:
                    continue
                if ca.value != cb.value or type(ca.value) is not type(cb.value):
                    problems.append(f"{where}: value {ca.value!r} != {cb.value!r}")
                if _style(ca) != _style(cb):
                    problems.append(f"{where}: style {_style(ca)} != {_style(cb)}")
                ta = ca.comment.text if ca.comment else None
                tb = cb.comment.text if cb.comment else None
                if ta != tb:
                    problems.append(f"{where}: comment {ta!r} != {tb!r}")
                la = (ca.hyperlink.location, ca.hyperlink.target) if ca.hyperlink else None
                lb = (cb.hyperlink.location, cb.hyperlink.target) if cb.hyperlink else None
                if la != lb:
                    problems.append(f"{where}: link {la!r} != {lb!r}")
                if len(problems) > 50:
                    return problems
        print(f"#   {a.name} {name}: {cells} cells compared")
    return problems


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", type=Path)
    ap.add_argument("--compare", nargs=2, type=Path)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--synthetic-docs", type=int, default=300)
    ap.add_argument("--_build", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--_export", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._build:
        build(args._build)
        return
    if args._export:
        export(Path(args._export[0]), Path(args._export[1]), Path(args._export[2]), args.synthetic_docs)
        return
    if args.compare:
        problems = compare(*args.compare)
    else:
        if args.baseline is None:
            ap.error("--baseline or --compare")
        with tempfile.TemporaryDirectory() as tmp:
            work = args.work or Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            archive = work / "identity.sqlite"
            if not archive.exists():
                subprocess.run([sys.executable, __file__, "--_build", str(archive)], check=True)
            for tag, src in (("before", args.baseline.resolve()), ("after", REPO)):
                subprocess.run([sys.executable, __file__, "--synthetic-docs", str(args.synthetic_docs),
                                "--_export", str(src), str(archive), str(work / f"{tag}.xlsx")], check=True)
            problems = []
            for kind in ("archive", "synthetic"):
                problems += compare(work / f"before-{kind}.xlsx", work / f"after-{kind}.xlsx")
    for p in problems:
        print(p)
    print("IDENTICAL" if not problems else f"DIFFERENT ({len(problems)} differences shown)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
