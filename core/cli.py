"""Command line: `python -m core [--db PATH] COMMAND …` (also the console script report-archive-cli)."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from core.errors import ArchiveError
from core.models import OUTCOME_LABELS, Document, Outcome, Tag

if TYPE_CHECKING:
    from core.archive import Archive

EXIT_OK = 0
EXIT_PROBLEM = 1  # check found problems
EXIT_ERROR = 2  # an expected error (message on stderr) or bad arguments
EXIT_INTERRUPTED = 130

_OUTCOME_LABEL = OUTCOME_LABELS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"参数错误：{message}\n")


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1) + "\n")


CLI_TIMEOUT = 30.0  # seconds a command waits for another program's write (saying so after half a second)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _open(args: argparse.Namespace) -> Any:
    from core.archive import Archive

    archive = Archive.open(args.db, timeout=CLI_TIMEOUT)
    archive.on_wait = _say
    for warning in archive.warnings:
        print(f"注意：{warning}", file=sys.stderr)
    return archive


def _archive_path(args: argparse.Namespace) -> Path:
    from core.paths import default_archive_path

    return Path(args.db).expanduser() if args.db else default_archive_path()


def _doc_json(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "source_name": doc.source_name,
        "agency": doc.agency,
        "region": doc.region,
        "report_year": doc.report_year,
        "publish_date": doc.publish_date,
        "doc_type": doc.doc_type,
        "tags": list(doc.tags),
    }


# --- commands ---------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    with _open(args) as archive:
        print(f"档案：{archive.path}（{archive.count()} 个文档）")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    cancel = threading.Event()

    def on_interrupt(_signum: int, _frame: Any) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        print("正在停止导入（已完成的文件会保留）……", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_interrupt) if threading.current_thread() is threading.main_thread() else None
    try:
        with _open(args) as archive:
            progress = None
            if not args.json and not args.quiet and sys.stderr.isatty():
                def progress(done: int, total: int, message: str) -> None:
                    print(f"\r[{done}/{total}] {message[:60]:<60}", end="", file=sys.stderr, flush=True)
            report = archive.import_paths(args.paths, progress=progress, cancel=cancel, workers=args.workers)
            if progress is not None:
                print(file=sys.stderr)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    counts = {outcome.value: report.count(outcome) for outcome in Outcome}
    if args.json:
        _print_json({
            "items": [
                {"path": item.path, "outcome": item.outcome.value, "reason": item.reason, "id": item.doc_id}
                for item in report.items
            ],
            **counts,
            "cancelled": report.cancelled,
        })
    else:
        for item in report.items:
            line = f"{_OUTCOME_LABEL[item.outcome]}\t{item.path}"
            if item.doc_id is not None:
                line += f"\t#{item.doc_id}"
            if item.reason:
                line += f"\t{item.reason}"
            print(line)
        summary = (
            f"共 {len(report.items)} 个文件：已导入 {counts['imported']}，重复 {counts['duplicate']}，"
            f"失败 {counts['failed']}，跳过 {counts['skipped']}"
        )
        print(summary + ("（已取消）" if report.cancelled else ""))
    return EXIT_INTERRUPTED if report.cancelled else EXIT_OK


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if getattr(args, "tag", None):
        out["tags_all"] = list(args.tag)
    if getattr(args, "year", None) is not None:
        out["year"] = args.year
    if getattr(args, "agency", None):
        out["agency"] = args.agency
    if getattr(args, "doc_type", None):
        out["doc_type"] = args.doc_type
    return out


def cmd_list(args: argparse.Namespace) -> int:
    with _open(args) as archive:
        ids = archive.list_ids(deleted=args.trash, **_filters(args))
        docs = archive.get_documents(ids)
    if args.json:
        _print_json([_doc_json(doc) for doc in docs])
    else:
        for doc in docs:
            year = doc.report_year or ""
            tags = ("  [" + "，".join(doc.tags) + "]") if doc.tags else ""
            print(f"{doc.id}\t{year}\t{doc.agency or ''}\t{doc.title}{tags}")
        print(f"共 {len(docs)} 个文档")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    with _open(args) as archive:
        hits = archive.search(args.query, limit=args.limit, **_filters(args))
    if args.json:
        _print_json([
            {"id": hit.doc_id, "title": hit.title, "snippet": hit.snippet, "score": round(hit.score, 6)}
            for hit in hits
        ])
    else:
        for hit in hits:
            print(f"{hit.doc_id}\t{hit.score:.3f}\t{hit.title}\n\t{hit.snippet}")
        print(f"找到 {len(hits)} 个文档" + (f"（只显示前 {args.limit} 个）" if len(hits) >= args.limit else ""))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    with _open(args) as archive:
        doc = archive.get_document(args.id)
        analysis = archive.get_analysis(args.id)
        text = archive.get_text(args.id)
        facts = archive.get_facts(args.id)
        warnings = archive.get_warnings(args.id)
    if args.json:
        out = _doc_json(doc)
        out.update({
            "period": doc.period, "fmt": doc.fmt, "size": doc.size, "imported_at": doc.imported_at,
            "deleted": doc.deleted, "overrides": doc.overrides, "warnings": warnings,
            "sections": [asdict(s) for s in analysis.sections],
            "structure": asdict(analysis.structure),
            "facts": [{**fact.to_json(), "id": fact.id, "status": fact.status} for fact in facts],
            "text": text,
        })
        _print_json(out)
    else:
        print(f"#{doc.id} {doc.title}")
        for label, value in (("来源文件", doc.source_name), ("发布机关", doc.agency), ("地区", doc.region),
                             ("报告年度", doc.report_year), ("发布日期", doc.publish_date), ("类型", doc.doc_type),
                             ("标签", "，".join(doc.tags)), ("指标数", doc.fact_count),
                             ("结构", _structure_words(doc))):
            print(f"{label}：{value if value not in (None, '') else '—'}")
        if doc.deleted:
            print("（在回收站中）")
        print()
        print(text)
    return EXIT_OK


def _structure_words(doc: Any) -> str:
    """The structure check in the window's and Excel's words (core.domain)."""
    from core import domain

    if not domain.structure_applies(doc.doc_type):
        return domain.NOT_APPLICABLE
    text = ("缺少：" + "；".join(domain.part_name(p) for p in doc.missing_parts)) if doc.missing_parts else domain.COMPLETE
    return text + ("（逾期）" if doc.late else "")


def _tag_by_name(archive: Archive, name: str) -> Tag:
    for tag in archive.tags():
        if tag.name.casefold() == name.strip().casefold():
            return tag
    raise ArchiveError(f"没有名为“{name}”的标签。")


def cmd_tag(args: argparse.Namespace) -> int:
    with _open(args) as archive:
        action = args.tag_action
        if action == "list":
            tags = archive.tags()
            if args.json:
                _print_json([{"id": t.id, "name": t.name, "color": t.color, "count": t.count} for t in tags])
            else:
                for t in tags:
                    print(f"{t.name}\t{t.count}\t{t.color}")
        elif action == "add":
            archive.tag_documents(args.ids, [args.name])
            print(f"已给 {len(args.ids)} 个文档加上标签“{args.name}”")
        elif action == "remove":
            archive.untag_documents(args.ids, [args.name])
            print(f"已从 {len(args.ids)} 个文档去掉标签“{args.name}”")
        elif action == "rename":
            archive.rename_tag(_tag_by_name(archive, args.old).id, args.new)
            print(f"已把标签“{args.old}”改名为“{args.new}”")
        elif action == "merge":
            dst = _tag_by_name(archive, args.into)
            archive.merge_tags([_tag_by_name(archive, n).id for n in args.names], dst.id)
            print(f"已合并到标签“{dst.name}”")
        elif action == "delete":
            archive.delete_tag(_tag_by_name(archive, args.name).id)
            print(f"已删除标签“{args.name}”")
        elif action == "color":
            archive.set_tag_color(_tag_by_name(archive, args.name).id, args.color)
            print(f"已设置标签“{args.name}”的颜色")
        elif action == "suggest":
            suggestions = archive.suggest_tags(args.id, n=args.n)
            if args.json:
                _print_json(suggestions)
            else:
                print("，".join(suggestions))
    return EXIT_OK


def cmd_trash(args: argparse.Namespace) -> int:
    with _open(args) as archive:
        if args.command == "trash":
            archive.trash(args.ids)
            print(f"已把 {len(args.ids)} 个文档移到回收站")
        elif args.command == "restore":
            archive.restore(args.ids)
            print(f"已从回收站恢复 {len(args.ids)} 个文档")
        else:
            ids = archive.trashed_ids() if args.all else args.ids
            n = archive.purge(ids)
            print(f"已彻底删除 {n} 个文档" + ("（只能彻底删除回收站中的文档）" if n < len(ids) else ""))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    with _open(args) as archive:
        problems = archive.check(quick=args.quick)
        count = archive.count()
    if args.json:
        _print_json({"ok": not problems, "problems": problems, "documents": count})
    elif problems:
        for problem in problems:
            print(f"问题：{problem}")
    else:
        print(f"档案完好（{count} 个文档）")
    return EXIT_PROBLEM if problems else EXIT_OK


def cmd_reanalyse(args: argparse.Namespace) -> int:
    """重新分析: the stored texts analysed again with today's rules and the user's dictionary; the clerk's
    confirmations, corrections and added figures are kept."""
    with _open(args) as archive:
        ids = [int(i) for i in args.ids] if args.ids else None
        if ids is not None:
            missing = sorted(set(ids) - {d.id for d in archive.get_documents(ids)})
            if missing:
                raise ArchiveError("没有这些编号的文档：" + "、".join(str(i) for i in missing))
        progress = None
        if not args.json and sys.stderr.isatty():
            def progress(done: int, total: int, message: str) -> None:
                print(f"\r[{done}/{total}] {message[:60]:<60}", end="", file=sys.stderr, flush=True)
        count = archive.reanalyse(ids, progress=progress, workers=args.workers)
        if progress is not None:
            print(file=sys.stderr)
    if args.json:
        _print_json({"reanalysed": count})
    else:
        print(f"已重新分析 {count} 个文档（人工确认、更正和添加的数据保留）")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    with _open(args) as archive:
        dest = archive.backup(args.dest)
    print(f"已备份到 {dest}")
    return EXIT_OK


def cmd_backups(args: argparse.Namespace) -> int:
    from core.backups import backup_infos

    found = backup_infos(_archive_path(args))
    if args.json:
        _print_json([item.as_json() for item in found if item.usable])
        for item in found:
            if not item.usable:
                print(f"注意：备份文件 {item.path} 已损坏，无法读取，未列出", file=sys.stderr)
        return EXIT_OK
    if not found:
        print("这个档案还没有备份。")
    for item in found:
        print(f"{item.describe()}\t{item.path}")
    return EXIT_OK


def cmd_restore_backup(args: argparse.Namespace) -> int:
    from core.archive import Archive
    from core.backups import documents_in, restore_backup

    path = _archive_path(args)
    source = Path(args.backup).expanduser()
    expected = documents_in(source) if source.is_file() else None
    aside = restore_backup(source, path)
    with Archive.open(path) as archive:
        count = archive.count()
    if aside is not None:
        print(f"原来的档案保存在 {aside}")
    if expected is not None and count != expected:
        print(f"错误：恢复后的档案有 {count} 个文档，备份中有 {expected} 个", file=sys.stderr)
        return EXIT_PROBLEM
    print(f"已从备份恢复：{path}（{count} 个文档）")
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from core.extract import extract_file

    path = Path(args.file)
    if not path.is_file():
        raise ArchiveError(f"文件不存在：{path}")
    _print_json(extract_file(path))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from core.export import export_xlsx

    with _open(args) as archive:
        filters = _filters(args)
        if args.query:
            ids = archive.search_ids(args.query, **filters)
        else:
            ids = archive.list_ids(order_by="report_year", descending=False, **filters)
        out = Path(args.xlsx)
        export_xlsx(archive, out, ids, template=args.template)
    print(f"已导出 {len(ids)} 个文档到 {out}")
    return EXIT_OK


def cmd_reuse(args: argparse.Namespace) -> int:
    from core.reuse import reuse_of, reuse_text

    with _open(args) as archive:
        result = reuse_of(archive, args.id)
        if args.json:
            _print_json(result.to_json())
        else:
            print(reuse_text(archive, result))
    return EXIT_OK


# --- the parser -------------------------------------------------------------------------------------


def _add_filters(parser: argparse.ArgumentParser, *, tag_help: str = "只含有此标签的文档（可重复）") -> None:
    parser.add_argument("--tag", action="append", help=tag_help)
    parser.add_argument("--year", type=int, help="报告年度")
    parser.add_argument("--agency", help="发布机关（完全一致）")
    parser.add_argument("--doc-type", dest="doc_type", help="文档类型")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="report-archive-cli", description="报告档案命令行工具")
    parser.add_argument("--db", help="档案文件路径（默认：用户数据文件夹中的档案）")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令", parser_class=_Parser)

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    add("init", cmd_init, "创建（或打开）档案")
    p = add("import", cmd_import, "导入文件或文件夹（含子文件夹）")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="以 JSON 输出每个文件的结果")
    p.add_argument("--workers", type=int, default=None, help="分析用的进程数（0 = 不用子进程）")
    p.add_argument("--quiet", action="store_true", help="不显示进度")
    p = add("list", cmd_list, "列出文档")
    p.add_argument("--json", action="store_true")
    p.add_argument("--trash", action="store_true", help="列出回收站中的文档")
    _add_filters(p)
    p = add("search", cmd_search, "全文搜索（多个词同时出现；\"引号\"内为短语；-词 表示排除）")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    _add_filters(p)
    p = add("show", cmd_show, "显示一个文档")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")

    p = add("tag", cmd_tag, "标签管理")
    tsub = p.add_subparsers(dest="tag_action", required=True, metavar="操作", parser_class=_Parser)
    t = tsub.add_parser("list", help="列出标签及文档数")
    t.add_argument("--json", action="store_true")
    t = tsub.add_parser("add", help="给文档加标签：tag add 标签 编号…")
    t.add_argument("name")
    t.add_argument("ids", nargs="+", type=int)
    t = tsub.add_parser("remove", help="去掉文档的标签：tag remove 标签 编号…")
    t.add_argument("name")
    t.add_argument("ids", nargs="+", type=int)
    t = tsub.add_parser("rename", help="改名：tag rename 旧名 新名")
    t.add_argument("old")
    t.add_argument("new")
    t = tsub.add_parser("merge", help="合并：tag merge 标签… --into 目标标签")
    t.add_argument("names", nargs="+")
    t.add_argument("--into", required=True)
    t = tsub.add_parser("delete", help="删除标签（文档不受影响）")
    t.add_argument("name")
    t = tsub.add_parser("color", help="设置颜色：tag color 标签 #RRGGBB")
    t.add_argument("name")
    t.add_argument("color")
    t = tsub.add_parser("suggest", help="为文档推荐标签")
    t.add_argument("id", type=int)
    t.add_argument("-n", type=int, default=8)
    t.add_argument("--json", action="store_true")

    p = add("trash", cmd_trash, "把文档移到回收站")
    p.add_argument("ids", nargs="+", type=int)
    p = add("restore", cmd_trash, "从回收站恢复文档")
    p.add_argument("ids", nargs="+", type=int)
    p = add("purge", cmd_trash, "彻底删除回收站中的文档")
    p.add_argument("ids", nargs="*", type=int)
    p.add_argument("--all", action="store_true", help="清空回收站")
    p = add("check", cmd_check, "检查档案完整性（有问题时退出码非零）")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quick", action="store_true", help="快速检查（不检查全文索引）")
    p = add("backup", cmd_backup, "备份档案到文件或文件夹")
    p.add_argument("dest")
    p = add("backups", cmd_backups, "列出这个档案的自动备份（最新的在前）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出：path、created、documents")
    p = add("restore-backup", cmd_restore_backup, "用一份备份替换档案（原来的档案改名保留，不会删除）")
    p.add_argument("backup", metavar="PATH")
    p = add("reanalyse", cmd_reanalyse, "按当前规则和个人词典重新分析文档（人工确认、更正和添加的数据保留）")
    p.add_argument("ids", nargs="*", type=int, metavar="编号", help="文档编号（省略：全部文档）")
    p.add_argument("--workers", type=int, default=None, help="并行分析的进程数（默认：自动）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p = add("extract", cmd_extract, "分析单个文件并输出 JSON（不需要档案）")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="输出 JSON（默认即为 JSON）")
    p = add("export", cmd_export, "把文档及其数据导出为 Excel 工作簿")
    p.add_argument("--xlsx", required=True, metavar="OUT")
    p.add_argument("--query", help="只导出与此搜索匹配的文档")
    p.add_argument("--template", help="「报告」表的指标列模板（默认：设置中的默认模板，未设置时为“全部指标”）")
    _add_filters(p, tag_help="只导出含有此标签的文档（可重复）")
    p = add("reuse", cmd_reuse, "重复率：文档中有多少文字也出现在档案里更早的文档中（同一机关往年的优先）")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    return parser


def _setup_logging() -> None:
    root = logging.getLogger()
    if root.handlers:
        return
    try:
        from core.paths import log_dir

        handler: logging.Handler = logging.FileHandler(log_dir() / "cli.log", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    _setup_logging()
    args = build_parser().parse_args(argv)
    if getattr(args, "command", None) == "purge" and not args.all and not args.ids:
        print("参数错误：请给出要彻底删除的文档编号，或使用 --all 清空回收站", file=sys.stderr)
        return EXIT_ERROR
    try:
        return int(args.func(args))
    except ArchiveError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        newest = getattr(exc, "backup", None)
        if newest is not None and args.command != "restore-backup":
            db = f" --db \"{args.db}\"" if args.db else ""
            print(f"恢复：report-archive-cli{db} restore-backup \"{newest.path}\"", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: one line for the user, the traceback in the log
        logging.getLogger(__name__).exception("unexpected error")
        from core.paths import log_dir

        print(f"程序内部错误（{type(exc).__name__}: {exc}），详情见日志：{log_dir() / 'cli.log'}", file=sys.stderr)
        return 3
