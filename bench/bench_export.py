"""Benchmark: Excel export of synthetic documents and facts vs a bare openpyxl write-only dump of the same cells.

Usage: .venv/bin/python bench/bench_export.py [--docs 10000] [--facts 30] [--archive PATH | --build-archive N]
  --archive PATH       also export every document of an existing archive
  --build-archive N    first build a temporary archive of N real-text reports (../shared corpus and samples,
                       each with a unique line so none is a duplicate), then export it
Each variant runs in its own subprocess so that its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core.export import load_indicators, write_workbook  # noqa: E402
from core.models import Document, Fact, StructureCheck  # noqa: E402

AGENCIES = ["某某市某某区司法局", "某某县人力资源和社会保障局", "某某市市场监督管理局", "某某区人民政府"]
SENTENCES = [
    "全年共收到行政复议申请{v}件，同比上升12%，依法审结{v}件，其中维持{v}件。",
    "行政机关负责人出庭应诉率达{v}%，较上年提高5个百分点。",
    "开展普法宣传活动{v}场次，发放宣传资料3000余份，受众达2万人次。",
    "查处违法案件{v}起，罚没金额{v}万元，挽回经济损失120万元。",
]


def synthetic(n_docs: int, n_facts: int, seed: int = 7) -> Iterator[tuple[Document, StructureCheck, list[Fact]]]:
    """Documents and facts shaped like real ones (keys from the indicator dictionary, Chinese sentences)."""
    rng = random.Random(seed)
    inds = load_indicators()
    n_inds = len(inds)
    keyed = [(ind.key, ind.name, ind.units[0] if ind.units else "件") for ind in inds]
    randint, uniform, choice = rng.randint, rng.uniform, rng.choice
    # what depends only on the fact's place j in its document (the same for every document)
    per_fact = [((j - 1 if j % 5 == 4 else j) * 7 if j % 6 else None, SENTENCES[j % len(SENTENCES)],
                 "余" if j % 9 == 0 else "", "up" if j % 11 == 0 else None) for j in range(n_facts)]
    for i in range(1, n_docs + 1):
        year = 2015 + i % 9
        agency = AGENCIES[i % len(AGENCIES)]
        doc = Document(
            id=i,
            title=f"{agency}{year}年法治政府建设年度报告",
            source_name=f"report_{i:05d}.docx",
            agency=agency,
            region="某某省某某市某某区",
            report_year=year,
            publish_date=f"{year + 1}-03-{1 + i % 28:02d}",
            doc_type="法治政府建设年度报告",
            tags=["年度报告", f"{year}年"],
            missing_parts=[2] if i % 5 == 0 else [],
            late=i % 7 == 0,
        )
        facts: list[Fact] = []
        for j, (step, template, qualifier, direction) in enumerate(per_fact):
            # every sixth fact has no indicator; every fifth restates the previous one's indicator with
            # another value (a disagreement: highlighted cell with a comment in 报告)
            ind = keyed[(i + step) % n_inds] if step is not None else None
            a = randint(0, 5000)
            b = round(uniform(0, 100), 2)
            value = choice([a, b])
            pos = 120 * j
            facts.append(Fact(float(value), ind[2] if ind else "件", pos, pos + 6, template.format(v=value),
                              ind[0] if ind else None, ind[1] if ind else None, qualifier, direction))
        yield doc, StructureCheck(missing=doc.missing_parts, late=doc.late), facts


def bare(n_docs: int, n_facts: int, out: Path,
         source: Iterator[tuple[Document, StructureCheck, list[Fact]]] | None = None) -> None:
    """Reference: the same fact rows and document rows dumped with openpyxl write-only, no formatting."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws_rep = wb.create_sheet("报告")
    ws_fact = wb.create_sheet("指标明细")
    for doc, _, facts in source if source is not None else synthetic(n_docs, n_facts):
        for f in facts:
            ws_fact.append([doc.id, doc.title, doc.agency, doc.report_year, f.key or "", f.name or "", f.value,
                            f.unit, f.qualifier, f.direction or "", f.sentence, f"{f.start}-{f.end}", f.status])
        values: dict[str, float] = {}
        for f in facts:
            if f.key:
                values.setdefault(f.key, f.value)
        ws_rep.append([doc.id, doc.title, doc.agency, doc.region, doc.report_year, doc.period, doc.publish_date,
                       doc.doc_type, "、".join(doc.tags), doc.source_name, "", "", len(facts),
                       *values.values()])
    wb.save(out)


def run_one(variant: str, n_docs: int, n_facts: int, archive: str | None) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.xlsx"
        ticks = [0]

        def progress(_done: int, _total: int, _message: str) -> None:
            ticks[0] += 1

        t0 = time.perf_counter()
        c0 = time.process_time()
        if variant == "bare":
            bare(n_docs, n_facts, out)
        elif variant == "archive-bare":
            from core import Archive

            with Archive.open(archive) as arc:
                ids = arc.list_ids()
                n_docs = len(ids)
                n_facts = sum(d.fact_count for d in arc.get_documents(ids))
                t0 = time.perf_counter()
                c0 = time.process_time()
                source = ((d, StructureCheck(), arc.get_facts(d.id)) for d in arc.get_documents(ids))
                bare(0, 0, out, source)
        elif variant == "archive":
            from core import Archive
            from core.export import export_xlsx

            with Archive.open(archive) as arc:
                n_docs = arc.count()
                n_facts = sum(d.fact_count for d in arc.get_documents(arc.list_ids()))
                t0 = time.perf_counter()
                c0 = time.process_time()
                export_xlsx(arc, out, progress=progress, cancel=threading.Event())
        else:
            write_workbook(out, synthetic(n_docs, n_facts), load_indicators(), n_docs, progress, threading.Event())
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - c0
        size = out.stat().st_size
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_rss_mb": round(rss, 1), "size_mb": round(size / 2**20, 1),
            "docs": n_docs, "facts": n_docs * n_facts if variant in ("bare", "export") else n_facts,
            "progress_calls": ticks[0]}


def build_archive(n: int, folder: Path) -> Path:
    """Import n report files made from the shared corpus and samples; returns the archive path."""
    from core import Archive

    shared = REPO.parent / "shared"
    sources = sorted((shared / "corpus").rglob("*.txt")) + sorted((shared / "samples").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sources]
    files = folder / "files"
    files.mkdir()
    for i in range(n):
        (files / f"{i:05d}_{sources[i % len(sources)].name}").write_text(
            texts[i % len(texts)] + f"\n（档案编号：BENCH-{i:05d}）\n", encoding="utf-8")
    path = folder / "bench.sqlite"
    t0 = time.perf_counter()
    with Archive.open(path) as archive:
        report = archive.import_paths([files])
        print(f"# built archive: {archive.count()} documents from {n} files in {time.perf_counter() - t0:.0f} s"
              f" ({report.count(report.items[0].outcome) if report.items else 0} {report.items[0].outcome if report.items else ''})")
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--facts", type=int, default=30)
    ap.add_argument("--archive", help="also export this real archive (all documents)")
    ap.add_argument("--build-archive", type=int, default=0)
    ap.add_argument("--only", choices=["export", "bare", "archive", "archive-bare"])
    args = ap.parse_args()
    if args.build_archive and not args.only:
        with tempfile.TemporaryDirectory() as tmp:
            args.archive = str(build_archive(args.build_archive, Path(tmp)))
            for variant in ("archive-bare", "archive"):
                cmd = [sys.executable, __file__, "--only", variant, "--archive", args.archive]
                result = subprocess.run(cmd, capture_output=True, text=True, check=True)
                print(variant, result.stdout.strip())
        return
    if args.only:
        print(json.dumps(run_one(args.only, args.docs, args.facts, args.archive)))
        return
    print(f"# {platform.node()} {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    variants = ["bare", "export"] + (["archive-bare", "archive"] if args.archive else [])
    for variant in variants:
        cmd = [sys.executable, __file__, "--only", variant, "--docs", str(args.docs), "--facts", str(args.facts)]
        if args.archive:
            cmd += ["--archive", args.archive]
        result = subprocess.run(cmd, capture_output=True, text=True, check=True)
        print(variant, result.stdout.strip())


if __name__ == "__main__":
    main()
