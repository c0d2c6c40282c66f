"""Tags: create, rename, merge, delete, colour, (un)tag many documents; suggestions per document."""

from __future__ import annotations

import json
import logging
import math
import random
import re
import sqlite3
import threading
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.errors import ArchiveError
from core.models import Tag
from core.store.connection import immediate

if TYPE_CHECKING:
    from core.archive import Archive

log = logging.getLogger(__name__)

MAX_TAG_CHARS = 40
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")

# Report boilerplate that carries no meaning as a tag (the raw jieba output is dominated by these).
STOP_WORDS = frozenset("""
工作 加强 我局 我委 我办 我市 我区 我县 本局 推进 进一步 落实 开展 全面 深入 持续 不断 积极 有效 坚持 提升 提高
推动 健全 完善 强化 建立 实施 组织 做好 认真 严格 切实 贯彻 重要 情况 方面 问题 有关 相关 以及 一是 二是 三是
四是 五是 六是 七是 八是 九是 十是 主要 单位 部门 全年 今年 去年 年度 报告 一年 一批 一系列 共计 累计 同比 其中
目前 通过 进行 加大 力度 水平 能力 机制 制度 体系 建设 发展 管理 服务 依法 法治 政府 行政 领导 干部 人员 同志
要求 规定 按照 根据 结合 围绕 确保 保障 实现 取得 成效 明显 显著 不断完善 扎实 稳步 全力 大力 着力 统筹 注重 充分
发挥 作用 意识 责任 任务 措施 计划 安排 部署 会议 召开 研究 学习 培训 宣传 开展了 进一步加强 下一步 存在 不足
下一 步 今后 将 继续 努力 更加 新 工作报告 情况报告 有关情况 各项 各类 各级 全市 全区 全县 全省 全国 本级 区级
市级 县级 省级 共有 合计 以上 以下 左右 多个 一个 两个 各个 个 项 次 件 人次 万元 亿元 百分点 第一 第二 第三
加快 打造 完成 新增 建成 支持 促进 行动 增长 优化 实现 创建 形成 开展 聚焦 深化 巩固 构建 增强 突出 高质量
""".split())

# Agency type from words in the agency's name (the longest matching word wins).
AGENCY_TYPES: tuple[tuple[str, str], ...] = (
    ("人力资源和社会保障", "人社"), ("人力资源", "人社"), ("人社", "人社"), ("市场监督管理", "市场监管"), ("市场监管", "市场监管"),
    ("司法", "司法"), ("公安", "公安"), ("生态环境", "生态环境"), ("自然资源", "自然资源"),
    ("住房和城乡建设", "住建"), ("住建", "住建"), ("交通运输", "交通运输"), ("卫生健康", "卫健"),
    ("卫健", "卫健"), ("应急管理", "应急管理"), ("税务", "税务"), ("财政", "财政"), ("民政", "民政"),
    ("农业农村", "农业农村"), ("文化和旅游", "文旅"), ("文化广电旅游", "文旅"), ("文旅", "文旅"),
    ("教育", "教育"), ("商务", "商务"), ("水务", "水务"), ("水利", "水利"), ("城市管理", "城管"),
    ("城管", "城管"), ("发展和改革", "发改"), ("发改", "发改"), ("退役军人", "退役军人"),
    ("医疗保障", "医保"), ("医保", "医保"), ("统计", "统计"), ("审计", "审计"), ("行政审批", "行政审批"),
    ("政务服务", "政务服务"), ("科学技术", "科技"), ("工业和信息化", "工信"), ("林业", "林业"),
    ("人民代表大会", "人大"), ("人大", "人大"), ("政协", "政协"), ("人民政府", "政府"), ("管委会", "政府"),
    ("管理委员会", "政府"),
)

_AGENCY_TYPES_LONGEST_FIRST = sorted(AGENCY_TYPES, key=lambda pair: -len(pair[0]))
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
IDF_SAMPLE = 300  # documents whose words estimate the archive's document frequencies
_jieba_lock = threading.Lock()
# archive path → (keywords table signature, document frequencies): read once per change of the cache
_df_cache: dict[str, tuple[tuple[Any, ...], tuple[int, Counter[str]]]] = {}
_df_lock = threading.Lock()


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def clean_name(name: str) -> str:
    text = " ".join(str(name).split())
    if not text:
        raise ArchiveError("标签名不能为空。")
    if len(text) > MAX_TAG_CHARS:
        raise ArchiveError(f"标签名太长（最多 {MAX_TAG_CHARS} 个字）。")
    return text


def _check_color(color: str) -> str:
    color = (color or "").strip()
    if color and not _COLOR_RE.match(color):
        raise ArchiveError(f"颜色“{color}”无效，应为 #RRGGBB 格式。")
    return color.lower()


def _tag_row(conn: sqlite3.Connection, tag_id: int) -> tuple[Any, ...]:
    row = conn.execute("SELECT id, name, color FROM tags WHERE id = ?", (tag_id,)).fetchone()
    if row is None:
        raise ArchiveError(f"没有编号为 {tag_id} 的标签。")
    return tuple(row)


def _by_name(conn: sqlite3.Connection, name: str) -> int | None:
    row = conn.execute("SELECT id FROM tags WHERE name = ? COLLATE NOCASE", (name,)).fetchone()
    return None if row is None else int(row[0])


def list_tags(conn: sqlite3.Connection) -> list[Tag]:
    """Every tag with the number of its documents outside the trash.

    Counted on the document_tags(tag_id) index, less the trashed documents' tags (found from the few
    trashed rows): a join of every tagging with `documents` made SQLite build a temporary index on each
    call (0.3–0.4 s of CPU at 100,000 tagged reports; this is about 10 ms)."""
    trashed = dict(conn.execute(
        "SELECT dt.tag_id, count(*) FROM documents d CROSS JOIN document_tags dt ON dt.doc_id = d.id"
        " WHERE d.deleted_at > '' GROUP BY dt.tag_id"
    ).fetchall())
    rows = conn.execute(
        "SELECT t.id, t.name, t.color, (SELECT count(*) FROM document_tags dt WHERE dt.tag_id = t.id)"
        " FROM tags t ORDER BY t.name COLLATE NOCASE"
    ).fetchall()
    return [Tag(id=int(r[0]), name=str(r[1]), color=str(r[2] or ""), count=int(r[3]) - int(trashed.get(r[0], 0)))
            for r in rows]


def create_tag(conn: sqlite3.Connection, name: str, color: str = "") -> Tag:
    name = clean_name(name)
    color = _check_color(color)
    if _by_name(conn, name) is not None:
        raise ArchiveError(f"标签“{name}”已存在。")
    cur = conn.execute("INSERT INTO tags(name, color, created_at) VALUES (?, ?, ?)", (name, color, _now()))
    return Tag(id=int(cur.lastrowid or 0), name=name, color=color, count=0)


def _ensure_tag(conn: sqlite3.Connection, name: str) -> int:
    name = clean_name(name)
    found = _by_name(conn, name)
    if found is not None:
        return found
    return int(conn.execute("INSERT INTO tags(name, color, created_at) VALUES (?, '', ?)",
                            (name, _now())).lastrowid or 0)


def rename_tag(conn: sqlite3.Connection, tag_id: int, name: str) -> None:
    _tag_row(conn, tag_id)
    name = clean_name(name)
    other = _by_name(conn, name)
    if other is not None and other != tag_id:
        raise ArchiveError(f"标签“{name}”已存在；如要合并两个标签，请使用“合并”。")
    conn.execute("UPDATE tags SET name = ? WHERE id = ?", (name, tag_id))


def merge_tags(conn: sqlite3.Connection, src_ids: list[int], dst_id: int) -> None:
    """Every document tagged with a source tag gets the destination tag; the source tags go."""
    _tag_row(conn, dst_id)
    for src in src_ids:
        if src == dst_id:
            continue
        _tag_row(conn, src)
        conn.execute(
            "INSERT OR IGNORE INTO document_tags(doc_id, tag_id) SELECT doc_id, ? FROM document_tags WHERE tag_id = ?",
            (dst_id, src),
        )
        conn.execute("DELETE FROM tags WHERE id = ?", (src,))


def delete_tag(conn: sqlite3.Connection, tag_id: int) -> None:
    _tag_row(conn, tag_id)
    conn.execute("DELETE FROM tags WHERE id = ?", (tag_id,))


def set_tag_color(conn: sqlite3.Connection, tag_id: int, color: str) -> None:
    _tag_row(conn, tag_id)
    conn.execute("UPDATE tags SET color = ? WHERE id = ?", (_check_color(color), tag_id))


def tag_documents(conn: sqlite3.Connection, doc_ids: list[int], tag_names: list[str]) -> None:
    tag_ids = [_ensure_tag(conn, name) for name in tag_names]
    conn.executemany(
        "INSERT OR IGNORE INTO document_tags(doc_id, tag_id) SELECT id, ? FROM documents WHERE id = ?",
        [(tag_id, doc_id) for tag_id in tag_ids for doc_id in doc_ids],
    )


def untag_documents(conn: sqlite3.Connection, doc_ids: list[int], tag_names: list[str]) -> None:
    for name in tag_names:
        tag_id = _by_name(conn, " ".join(str(name).split()))
        if tag_id is None:
            continue
        conn.executemany("DELETE FROM document_tags WHERE doc_id = ? AND tag_id = ?",
                         [(doc_id, tag_id) for doc_id in doc_ids])


# --- suggestions ------------------------------------------------------------------------------------


def agency_type(agency: str | None) -> str | None:
    if not agency:
        return None
    for word, label in _AGENCY_TYPES_LONGEST_FIRST:  # 人民政府 must win over the 民政 inside it
        if word in agency:
            return label
    return None


def metadata_suggestions(meta: dict[str, Any]) -> list[str]:
    out: list[str] = []
    year = meta.get("report_year")
    if isinstance(year, int):
        out.append(f"{year}年")
    region = meta.get("region")
    if region:
        out.append(_short_region(str(region)))
    kind = agency_type(meta.get("agency"))
    if kind:
        out.append(kind)
    doc_type = meta.get("doc_type")
    if doc_type and doc_type != "其他":
        out.append(str(doc_type))
    return out


def _short_region(region: str) -> str:
    """The most specific unit of a region: 浙江省杭州市余杭区 → 余杭区 (via the division table)."""
    try:
        from core import regions

        code = regions.region_code(region)
        found = regions.unit(code) if code else None
        if found is not None and found.name:
            return found.name
    except Exception:  # the table is an aid here, never a reason to fail
        log.warning("region lookup failed for %r", region, exc_info=True)
    cuts = [region.rfind(mark, 0, len(region) - 2) + len(mark) for mark in ("自治区", "自治州", "省", "市", "盟")
            if region.rfind(mark, 0, len(region) - 2) >= 0]
    return region[max(cuts, default=0):] or region


def _jieba() -> Any:
    """jieba, initialised once with its cache in the per-user cache folder (a fixed file name)."""
    with _jieba_lock:
        import jieba

        from core.paths import cache_dir, resource

        if not getattr(jieba, "_report_archive_ready", False):
            jieba.setLogLevel(logging.WARNING)
            jieba.dt.tmp_dir = str(cache_dir())
            jieba.dt.cache_file = "jieba.cache"
            jieba.initialize()
            user_dict = resource("jieba_user_dict.txt")
            if user_dict.is_file():
                try:
                    jieba.load_userdict(str(user_dict))
                except Exception:
                    log.exception("could not load %s", user_dict)
            jieba._report_archive_ready = True
        return jieba


def candidate_words(text: str) -> Counter[str]:
    """Term frequencies of the words that could be tags (2–8 Chinese characters, not boilerplate)."""
    jieba = _jieba()
    counts: Counter[str] = Counter()
    for word in jieba.cut(text):
        if _CJK_WORD.match(word) and word not in STOP_WORDS:
            counts[word] += 1
    return counts


def _words_for(archive: Archive, doc_ids: list[int]) -> dict[int, Counter[str]]:
    """Keyword candidates of documents: from the archive's cache, computed (and cached) when missing."""
    conn = archive.connection
    out: dict[int, Counter[str]] = {}
    for doc_id in doc_ids:
        row = conn.execute("SELECT words FROM keywords WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is not None:
            out[doc_id] = Counter(json.loads(row[0]))
    fresh = {doc_id: candidate_words(archive.get_text(doc_id)) for doc_id in doc_ids if doc_id not in out}
    if fresh and not archive.read_only:
        try:
            with immediate(conn):
                conn.executemany(
                    "INSERT OR REPLACE INTO keywords(doc_id, words) VALUES (?, ?)",
                    [(doc_id, json.dumps(dict(c), ensure_ascii=False)) for doc_id, c in fresh.items()],
                )
        except sqlite3.Error:  # a cache: never worth failing for (locked by the importer, disk full …)
            log.warning("could not cache keywords", exc_info=True)
    out.update(fresh)
    return out


def document_frequencies(archive: Archive) -> tuple[int, Counter[str]]:
    """(number of documents sampled, in how many of them each word occurs), learned from the archive.

    Up to IDF_SAMPLE documents (a fixed random sample) are segmented once and cached in `keywords`.
    """
    conn = archive.connection
    have = {int(r[0]) for r in conn.execute("SELECT doc_id FROM keywords")}
    missing_needed = max(0, IDF_SAMPLE - len(have))
    if missing_needed:
        rest = [int(r[0]) for r in conn.execute("SELECT id FROM documents WHERE deleted_at IS NULL")
                if int(r[0]) not in have]
        random.Random(0).shuffle(rest)
        if rest:
            _words_for(archive, rest[:missing_needed])
    signature = tuple(conn.execute("SELECT count(*), max(rowid) FROM keywords").fetchone())
    with _df_lock:
        cached = _df_cache.get(str(archive.path))
    if cached is not None and cached[0] == signature:
        return cached[1]
    df: Counter[str] = Counter()
    n = 0
    for (words,) in conn.execute("SELECT words FROM keywords"):
        n += 1
        df.update(json.loads(words).keys())
    with _df_lock:  # the same process's next suggestion (the viewer's worker) reads it from here
        _df_cache[str(archive.path)] = (signature, (n, df))
    return n, df


def suggest_tags(archive: Archive, doc_id: int, n: int = 8) -> list[str]:
    """Metadata suggestions first, then the document's most distinctive words; minus tags it already has."""
    doc = archive.get_document(doc_id)
    have = {t.casefold() for t in doc.tags}
    meta = {"report_year": doc.report_year, "region": doc.region, "agency": doc.agency, "doc_type": doc.doc_type}
    out: list[str] = []
    for tag in metadata_suggestions(meta):
        if tag.casefold() not in have and tag not in out:
            out.append(tag)
    words = _words_for(archive, [doc_id])[doc_id]
    total, df = document_frequencies(archive)
    scored = []
    min_tf = 2 if sum(words.values()) >= 200 else 1  # a word said once is rarely what a report is about
    for word, tf in words.items():
        if tf < min_tf or word in STOP_WORDS:  # the cache may predate a stop word
            continue
        idf = math.log((total + 1) / (df.get(word, 0) + 1)) + 1.0
        scored.append((tf * idf * (1.0 + 0.1 * min(len(word), 4)), word))
    scored.sort(reverse=True)
    for _score, word in scored:
        if len(out) >= n:
            break
        if word.casefold() not in have and not any(word in tag for tag in out):  # 龙岗 is in 龙岗区
            out.append(word)
    return out[:n]



WARM_RECENT = 50  # newest documents whose words are cached by warm_up (the ones a clerk opens next)
WARM_BATCH = 5  # documents segmented per cache write


def warm_up(
    archive: Archive,
    cancel: threading.Event | None = None,
    pause: float = 0.0,
    recent: int = WARM_RECENT,
) -> int:
    """Prepare tag suggestions in the background: initialise jieba, then cache the words of the IDF
    sample and of the `recent` newest documents, a few documents at a time (`pause` seconds between two batches,
    so a GUI thread sharing the interpreter stays responsive). Returns how many documents were segmented.

    After it, `suggest_tags` on any of those documents needs no segmentation at all. Stops early when
    `cancel` is set; everything cached so far is kept.
    """
    import time

    _jieba()
    conn = archive.connection
    have = {int(r[0]) for r in conn.execute("SELECT doc_id FROM keywords")}
    live = [int(r[0]) for r in conn.execute("SELECT id FROM documents WHERE deleted_at IS NULL ORDER BY id")]
    rest = [d for d in live if d not in have]
    random.Random(0).shuffle(rest)  # the same sample document_frequencies would take
    sample = rest[: max(0, IDF_SAMPLE - len(have))]
    newest = [d for d in reversed(live) if d not in have][:recent]
    todo = list(dict.fromkeys([*newest, *sample]))
    done = 0
    for start in range(0, len(todo), WARM_BATCH):
        if cancel is not None and cancel.is_set():
            break
        batch = todo[start : start + WARM_BATCH]
        _words_for(archive, batch)  # one short write transaction per batch
        done += len(batch)
        if pause:
            time.sleep(pause)
    if cancel is None or not cancel.is_set():
        document_frequencies(archive)  # kept in memory for this process's first suggestion
        from core.regions import table_ready

        table_ready()  # the division table (metadata suggestions name the region)
    return done
