"""The indicator dictionary: shipped resources/indicators.tsv merged with the user's additions."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import paths

log = logging.getLogger(__name__)

COLUMNS: tuple[str, ...] = ("key", "area", "name", "kind", "units", "synonyms_in_real_text")
USER_FILE_NAME = "indicators_user.tsv"
KINDS: frozenset[str] = frozenset({"count", "rate", "money", "rank", "score"})

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")
_ANNOTATION_RE = re.compile(r"[(（][^)）]*[)）]")
_PLACEHOLDER_RE = re.compile(r"[\u4e00-\u9fff]X")  # 出庭X宗: X stands for the number
MAX_SYNONYM_LENGTH = 40
_MAGNITUDE_PREFIX = ("万", "亿", "千", "百")
_MONEY_UNITS = ("元", "美元")
SPECIFIC_LENGTH = 4  # synonyms this long name their area; shorter ones (审结, 维持) are generic
GENERIC_REACH = 6  # outside a known area, a generic synonym must sit this close to the number
_GAP_NOISE = re.compile(r"[\d.%％、，,从由到至升降增减为达了和及与分别均]")  # not counted in that distance
# Words before a bare rate word that say what is rated, when it is no indicator's object.
_OTHER_OBJECT = re.compile(r"线索|按期|信访|投诉|举报|热线|工单|诉求|来信|来访|咨询|留言")
_COMPARISONS = ("同比", "较往年", "较上年", "较去年", "比上年", "比去年", "环比")

# Words that say a sentence is about an area's work. A synonym without one of its area's words (满意率, 发布信息,
# 受理, 专题培训, 轮训) names its indicator only where the sentence says the area (诉求, 普法, 复议 …): 企业满意率,
# 抢救成功率, 网站发布信息 and 轮训党员 are other figures. Areas not listed (a user's own) have no such bound.
_AREA_STEMS: dict[str, re.Pattern[str]] = {
    area: re.compile(words)
    for area, words in {
        "行政复议": r"复议|纠错|收案",
        "行政诉讼": r"诉讼|应诉|被诉|出庭|败诉|被告|庭审|司法建议|检察建议",
        "规范性文件": r"规范性文件|文件|报备|备案|合法性|涉法事务|法制审核|前置审查",
        "重大行政决策": r"决策|听证",
        "行政执法": r"执法|处罚|检查|抽查|巡查|排查|督查|检测|核查|罚没|罚款|案卷|查处|违法|监管",
        "政务服务": r"事项|政务服务|审批|证明|办事|网办|网上|办理|一件事|集成服务|窗口|大厅|通办|跑|秒批|秒办|秒报",
        "政务公开": r"公开",
        "普法学法": r"法治|法律|普法|学法|法制|宪法|民法典|依法|法规|考试",
        "矛盾纠纷化解": r"调解|纠纷|矛盾|争议|仲裁|援助|诉求|热线|12345|工单|信访|调处|化解|来电|投诉",
        "人大建议政协提案": r"建议|提案|议案",
        "监督": r"审计|处分|移送|问责|监督",
        "考评": r"考核|考评|评估|测评|评价|评比|排名",
    }.items()
}
# Joins two objects that share one number (代表建议与委员提案40件): the number names neither alone.
_COORDINATION = re.compile(r"^(?:和|与|及|以及|、)$")
# A counted noun directly after a number + unit is that number's object (审议3项重大决策事项及1项听证事项).
_OWN_NUMBER_BEFORE = re.compile(r"\d[\d.,]*\s?[万亿]?(?![年月日号时])[\u4e00-\u9fff]{1,4}(?:的)?$")
# Verbs listed with one object (制定、修改、废止规范性文件N份): the number counts all of them together.
_LISTED_VERBS = re.compile(r"(?:制定|修改|修订|废止|清理|出台|印发|起草|审查|审核|宣布失效)[、和及与]$")
# A synonym in a coverage predicate (N家公司实现法律顾问全覆盖) names no count of the number before it.
_COVERAGE = re.compile(r"全覆盖|覆盖|全面覆盖")
_JOINED = re.compile(r"[及和与、]")
_NEGATION = re.compile(r"(?:尚未|未|没有|不)$")
_NEGATIVE_SYNONYM = re.compile(r"不|未|零|无")


def is_generic(synonym: str) -> bool:
    """A synonym that names an indicator only inside its area's sentences: 审结, 满意率, 同比下降."""
    return len(synonym) < SPECIFIC_LENGTH or synonym.startswith(_COMPARISONS)


@dataclass(frozen=True, slots=True)
class Indicator:
    key: str
    area: str
    name: str
    kind: str  # count / rate / money / rank / score
    units: tuple[str, ...]
    synonyms: tuple[str, ...]
    user_added: bool = False  # the whole key comes from the user's file
    user_synonyms: tuple[str, ...] = ()  # synonyms the user added (they name the key wherever they stand)


def _split_list(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[;；]", cell) if part.strip())


def _synonym_forms(raw: str) -> list[str]:
    """Searchable forms of a synonym cell entry: annotations dropped, 出庭X宗 → 出庭."""
    text = _ANNOTATION_RE.sub("", raw).strip()
    placeholder = _PLACEHOLDER_RE.search(text)
    if placeholder:
        text = text[: placeholder.start() + 1]
    return [text] if 2 <= len(text) <= MAX_SYNONYM_LENGTH else []


def parse_rows(text: str, *, user: bool = False) -> tuple[list[Indicator], list[str]]:
    """Parse a dictionary TSV (header optional); returns (indicators, problems in Chinese)."""
    indicators: list[Indicator] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if cells[0] == "key":
            continue
        if len(cells) < len(COLUMNS):
            cells += [""] * (len(COLUMNS) - len(cells))
        key, area, name, kind, units, synonyms = cells[: len(COLUMNS)]
        if not _KEY_RE.match(key):
            problems.append(f"第{number}行：指标代码“{key}”格式不正确，已跳过")
            continue
        if kind and kind not in KINDS:
            problems.append(f"第{number}行：指标类型“{kind}”无法识别，已按计数处理")
            kind = "count"
        forms: list[str] = []
        for raw in _split_list(synonyms):
            forms.extend(_synonym_forms(raw))
        indicators.append(
            Indicator(
                key=key,
                area=area,
                name=name,
                kind=kind or "count",
                units=_split_list(units),
                synonyms=tuple(dict.fromkeys(forms)),
                user_added=user,
            )
        )
    return indicators, problems


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    keys: tuple[str, ...]


@dataclass
class IndicatorDictionary:
    """Indicators by key, plus a matcher that finds the indicator a number's context names."""

    indicators: dict[str, Indicator] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._build()

    @classmethod
    def from_rows(cls, rows: Iterable[Indicator]) -> IndicatorDictionary:
        return cls({row.key: row for row in rows})

    def _build(self) -> None:
        by_synonym: dict[str, list[str]] = {}
        for indicator in self.indicators.values():
            names = [*indicator.synonyms]
            if indicator.name and "(" not in indicator.name and "/" not in indicator.name:
                names.append(indicator.name)
            for synonym in [*names, *(v for name in names for v in _level_variants(name))]:
                keys = by_synonym.setdefault(synonym, [])
                if indicator.key not in keys:
                    keys.append(indicator.key)
        self._by_synonym = {syn: tuple(keys) for syn, keys in by_synonym.items()}
        # One regex shaped as a trie of all synonyms (Python's re would try a flat alternation of
        # hundreds of words one by one at every position); the lookahead finds the longest synonym at
        # every start, overlapping ones included.
        pattern = _trie_pattern(self._by_synonym)
        # The first lookahead, a class of the synonyms' first characters, lets re skip the other positions
        # before it tries the trie's first branches one by one (three times as fast on a number's clause).
        firsts = "".join(re.escape(char) for char in sorted({synonym[0] for synonym in self._by_synonym}))
        self._matcher = re.compile(f"(?=[{firsts}])(?=({pattern}))") if pattern else None
        # Whether any synonym occurs at all: one plain search, twice as fast as listing them (most of the
        # clauses around numbers hold none).
        self._probe = re.compile(pattern) if pattern else None
        # Area names (行政复议, 规范性文件 …) mark what a sentence is about without naming an indicator.
        by_area: dict[str, list[str]] = {}
        for indicator in self.indicators.values():
            by_area.setdefault(indicator.area, []).append(indicator.key)
        markers = {area: tuple(keys) for area, keys in by_area.items() if len(area) >= SPECIFIC_LENGTH}
        if "行政诉讼" in markers:
            markers["行政应诉"] = markers["行政诉讼"]
        # What tells a sentence's area: area names and the specific synonyms of a single area.
        area_words: dict[str, tuple[str, ...]] = {}
        for synonym, synonym_keys in self._by_synonym.items():
            areas = {self.indicators[key].area for key in synonym_keys}
            # 发布信息 says nothing of 普法 by itself: only a synonym that names its area marks a sentence's area
            if not is_generic(synonym) and len(areas) == 1 and self.names_area(synonym, synonym_keys[0]):
                area_words[synonym] = synonym_keys
        area_words.update(markers)
        self._area_words = area_words
        area_pattern = _trie_pattern(area_words)
        # No lookahead: non-overlapping matches let re skip quickly to the possible first characters.
        self._area_matcher = re.compile(area_pattern) if area_pattern else None

    # --- mapping -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.indicators)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators.values())

    def __contains__(self, key: object) -> bool:
        return key in self.indicators

    def get(self, key: str | None) -> Indicator | None:
        return self.indicators.get(key) if key else None

    def name(self, key: str | None) -> str | None:
        indicator = self.get(key)
        return indicator.name if indicator else None

    def keys(self) -> list[str]:
        return list(self.indicators)

    # --- matching ------------------------------------------------------------------------------
    def unit_fits(self, key: str, unit: str) -> bool:
        """Whether a fact with this unit can be an instance of the indicator (rate ↔ %, count ↔ 件 …)."""
        indicator = self.indicators[key]
        base = unit
        if base.startswith(_MAGNITUDE_PREFIX) and len(base) > 1:
            base = base[1:]
        if indicator.kind == "rate":
            return unit in ("%", "％", "个百分点")
        if unit in ("%", "％", "个百分点"):
            return False
        if indicator.kind == "money":
            return base.endswith(_MONEY_UNITS)
        if indicator.kind == "rank":
            return unit in ("名", "位")
        if indicator.kind == "score":
            return unit == "分"
        if not indicator.units:
            return True
        return unit in indicator.units or base in indicator.units

    def hits(self, context: str) -> list[tuple[int, int, tuple[str, ...]]]:
        """Every synonym occurrence in `context`: (start, end, keys), overlapping ones included."""
        if self._matcher is None or self._probe is None or self._probe.search(context) is None:
            return []
        by_synonym = self._by_synonym
        found: list[tuple[int, int, tuple[str, ...]]] = []
        for match in self._matcher.finditer(context):
            synonym = match.group(1)
            start = match.start()
            found.append((start, start + len(synonym), by_synonym[synonym]))
            # Shorter synonyms starting at the same place (审计覆盖率 / 审计) count too.
            for length in range(len(synonym) - 1, 1, -1):
                keys = by_synonym.get(synonym[:length])
                if keys is not None:
                    found.append((start, start + length, keys))
        return found

    def area_hits(self, text: str) -> list[tuple[int, int, tuple[str, ...]]]:
        """Occurrences of area names (行政复议 …) and area-specific synonyms, for `area_from_hits`."""
        if self._area_matcher is None:
            return []
        words = self._area_words
        return [(m.start(), m.end(), words[m.group()]) for m in self._area_matcher.finditer(text)]

    def area_of(self, text: str) -> str | None:
        """The area (行政复议, 行政诉讼 …) the text last names with a specific synonym (4+ characters)."""
        return self.area_from_hits(self.area_hits(text), text, len(text))

    def area_from_hits(
        self, hits: list[tuple[int, int, tuple[str, ...]]], text: str, limit: int
    ) -> str | None:
        """`area_of` over hits precomputed on `text`, counting only those ending at or before `limit`."""
        area: str | None = None
        for start, end, keys in hits:
            if end > limit:
                break
            if is_generic(text[start:end]):
                continue
            areas = {self.indicators[key].area for key in keys}
            if len(areas) == 1:
                area = areas.pop()
        return area

    def names_area(self, synonym: str, key: str) -> bool:
        """Whether `synonym` itself says the area of `key` (受理复议申请 does, 受理 does not)."""
        indicator = self.indicators[key]
        if indicator.user_added or synonym in indicator.user_synonyms:
            return True  # the user said so (review queue, own dictionary)
        stems = _AREA_STEMS.get(indicator.area)
        return stems is None or bool(stems.search(synonym))

    def in_area(self, key: str, scope: str) -> bool:
        """Whether `scope` (the sentence around a number) says the area of `key`."""
        stems = _AREA_STEMS.get(self.indicators[key].area)
        return stems is None or bool(stems.search(scope))

    def find_key(
        self, context: str, unit: str, after: str = "", area: str | None = None, scope: str | None = None
    ) -> str | None:
        """The indicator a number's context names, among those whose unit kind fits `unit`.

        `context` is the clause text before the number, `after` the rest of the clause after it, `area`
        the area the sentence is about (see `area_of`), if known.
        Preference: a synonym spanning the number's place (出台 + 规范性文件 read across the number),
        then the synonym ending nearest the number before it, then the last one after it (Chinese puts
        the verb last: 45件规范性文件进行了全面清理). Ties go to the longer synonym. Among keys sharing a
        synonym, one of `area` first, then dictionary order. A short, generic synonym (审结, 维持,
        满意率) of another area than `area` names nothing: 审结 in a sentence about 行政诉讼 is not the
        行政复议 count; with no area known it must stand within GENERIC_REACH characters of the number.

        Structure decides too: a synonym that does not say its area (满意率, 发布信息) names its indicator only
        when `scope` (the sentence around the number; default the clause) says the area; a synonym right
        after another number + unit is that number's object; one after the number but beyond another number
        is the other number's; two synonyms of one area joined by 和/、 (建议和提案N件) share the number, which
        then names neither (left unkeyed).
        """
        return self.key_from_hits(self.hits(context + after), context, unit, after=after, area=area, scope=scope)

    def key_from_hits(
        self,
        found: list[tuple[int, int, tuple[str, ...]]],
        context: str,
        unit: str,
        *,
        after: str = "",
        area: str | None = None,
        scope: str | None = None,
    ) -> str | None:
        """`find_key` over `found`, the hits of `context + after` (None when there are none: a caller that
        has the hits first can leave the area and the scope unread)."""
        if not found:
            return None
        joint = len(context)
        best: tuple[int, int, int] | None = None
        best_key: str | None = None
        best_span = (0, 0)
        whole = context + after
        scope = whole if scope is None else scope
        for start, end, keys in found:
            if end <= joint:
                rank = (2, end, end - start)
            elif start < joint:
                rank = (3, 0, end - start)
            else:
                rank = (1, end, end - start)
            if best is not None and rank <= best:
                continue
            fitting = [key for key in keys if self.unit_fits(key, unit)]
            between = whole[end:joint] if end <= joint else whole[joint:start]
            gap = len(_GAP_NOISE.sub("", between))
            if area is None and is_generic(whole[start:end]) and unit in ("%", "％") and _OTHER_OBJECT.search(
                whole[max(0, start - 4) : start]
            ):
                fitting = []  # 案件线索办结率, 按期办结率: a bare rate word of another object names nothing
            elif area is None and is_generic(whole[start:end]) and _OTHER_OBJECT.search(between):
                fitting = []  # 受理信访件48件: the generic verb's object is another kind of case
            elif area is None and gap > GENERIC_REACH and is_generic(whole[start:end]):
                fitting = []  # 检查 … 项目增至325个: a generic word far from the number names nothing
            elif area is not None:
                local = [key for key in fitting if self.indicators[key].area == area]
                if local:
                    fitting = local
                elif is_generic(whole[start:end]):
                    fitting = []
            elif whole.startswith(_COMPARISONS, start):
                fitting = []  # 同比增长 alone says nothing about which indicator changed
            if fitting and _NEGATION.search(whole[max(0, start - 2) : start]) and not _NEGATIVE_SYNONYM.match(
                whole[start:end]
            ):
                fitting = []  # 尚未审结N件: the negated verb counts what was not done
            if (
                fitting
                and end <= joint
                and _JOINED.search(whole[end:joint])
                and _OWN_NUMBER_BEFORE.search(whole[max(0, start - 8) : start])
            ):
                fitting = []  # 3项重大决策事项及1项…: the synonym is the object of the number before it
            elif fitting and end <= joint and _LISTED_VERBS.search(whole[max(0, start - 5) : start]):
                fitting = []  # 制定、修改、废止规范性文件N份: several verbs share the number
            elif fitting and start >= joint and _COVERAGE.match(whole, end):
                fitting = []  # N家公司实现法律顾问全覆盖: the synonym is in the predicate, not the count
            elif (
                fitting
                and start >= joint
                and (
                    re.search(r"\d", whole[joint:start])
                    or whole[joint:start].startswith(("、", "和", "及"))
                    or re.match(r"\s?\d", whole[end:])
                )
            ):
                fitting = []  # 9件、代表建议40件: the next item's synonym, followed by its own number
            if fitting:
                fitting = [
                    key
                    for key in fitting
                    if self.names_area(whole[start:end], key) or self.in_area(key, scope)
                ]
            if fitting:
                best, best_key, best_span = rank, fitting[0], (start, end)
        if (
            best_key is not None
            and "分别" not in whole
            and self._coordinated(found, whole, best_key, best_span, joint)
        ):
            return None
        return best_key

    def _coordinated(
        self,
        found: list[tuple[int, int, tuple[str, ...]]],
        whole: str,
        key: str,
        span: tuple[int, int],
        joint: int,
    ) -> bool:
        """Whether the chosen synonym is joined by 和/与/及/、 to a synonym of another key of the same area
        (代表建议与委员提案, 建议、提案): the number counts both together."""
        area = self.indicators[key].area
        start, end = span
        for other_start, other_end, keys in found:
            if (other_end <= joint) != (end <= joint):
                continue  # the number stands between them: each names its own side
            if key in keys or not any(self.indicators[k].area == area for k in keys):
                continue
            gap = (
                whole[other_end:start]
                if other_end <= start
                else whole[end:other_start]
                if other_start >= end
                else None
            )
            if gap is not None and _COORDINATION.match(gap):
                return True
        return False


_LEVELS = ("省", "市", "区", "县", "镇", "乡")


def _level_variants(synonym: str) -> list[str]:
    """列席政府常务会议 also as 列席区政府常务会议, 列席镇政府常务会议 …: reports name their own level."""
    index = synonym.find("政府")
    if index < 0 or synonym[index - 1 : index] in (*_LEVELS, "民"):
        return []
    return [synonym[:index] + level + synonym[index:] for level in _LEVELS]


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of `words`, longest first, shaped as a trie: 行政(?:复议|诉讼) …."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _read_tsv(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as error:
        log.warning("cannot read %s: %s", path, error)
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def shipped_path() -> Path:
    return paths.resource("indicators.tsv")


def user_path(user_dir: Path | None = None) -> Path:
    return (user_dir if user_dir is not None else paths.user_data_dir()) / USER_FILE_NAME


def merge(shipped: Iterable[Indicator], additions: Iterable[Indicator]) -> dict[str, Indicator]:
    """User rows add synonyms/units to existing keys (never renaming them) or add new keys."""
    merged = {row.key: row for row in shipped}
    for row in additions:
        current = merged.get(row.key)
        if current is None:
            merged[row.key] = Indicator(
                key=row.key,
                area=row.area or "自定义",
                name=row.name or row.key,
                kind=row.kind,
                units=row.units,
                synonyms=row.synonyms,
                user_added=True,
                user_synonyms=row.synonyms,
            )
            continue
        merged[row.key] = Indicator(
            key=current.key,
            area=current.area,
            name=current.name,
            kind=current.kind,
            units=tuple(dict.fromkeys((*current.units, *row.units))),
            synonyms=tuple(dict.fromkeys((*current.synonyms, *row.synonyms))),
            user_added=current.user_added,
            user_synonyms=tuple(dict.fromkeys((*current.user_synonyms, *row.synonyms))),
        )
    return merged


def load_dictionary(user_dir: Path | None = None) -> IndicatorDictionary:
    """The shipped dictionary merged with `user_dir/indicators_user.tsv` (default: the per-user folder).

    A missing or damaged user file never fails the load; its problems are listed in `.problems`.
    """
    shipped_text = _read_tsv(shipped_path())
    shipped, problems = parse_rows(shipped_text or "")
    if not shipped:
        problems.insert(0, "内置指标词典（resources/indicators.tsv）缺失或无法读取，指标将不归类")
    additions: list[Indicator] = []
    path = user_path(user_dir)
    if path.is_file():
        text = _read_tsv(path)
        if text is None:
            problems.append(f"用户指标词典“{path.name}”无法读取，已忽略")
        else:
            additions, user_problems = parse_rows(text, user=True)
            problems.extend(f"用户指标词典{problem}" for problem in user_problems)
    dictionary = IndicatorDictionary(merge(shipped, additions), problems)
    return dictionary


_DEFAULT: IndicatorDictionary | None = None


def default_dictionary() -> IndicatorDictionary:
    """The dictionary loaded once per process (reload with `reload_default()` after user edits)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_dictionary()
    return _DEFAULT


def reload_default() -> IndicatorDictionary:
    global _DEFAULT
    _DEFAULT = load_dictionary()
    return _DEFAULT


def add_user_synonym(key: str, synonym: str, user_dir: Path | None = None) -> None:
    """Append a synonym for an existing or new key to the user's additions file."""
    add_user_row(Indicator(key, "", "", "", (), (synonym,)), user_dir)


def add_user_row(row: Indicator, user_dir: Path | None = None) -> None:
    """Append one row (same columns as the shipped file) to the user's additions file."""
    if not _KEY_RE.match(row.key):
        from core.errors import ArchiveError

        raise ArchiveError(f"指标代码“{row.key}”格式不正确，应类似 review.received")
    path = user_path(user_dir)
    new_file = not path.exists()
    needs_newline = not new_file and not path.read_bytes().endswith(b"\n") and path.stat().st_size > 0
    cells = [row.key, row.area, row.name, row.kind, ";".join(row.units), ";".join(row.synonyms)]
    cells = [cell.replace("\t", " ").replace("\n", " ") for cell in cells]
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        if new_file:
            handle.write("\t".join(COLUMNS) + "\n")
        elif needs_newline:
            handle.write("\n")
        handle.write("\t".join(cells) + "\n")


def remove_user_synonym(key: str, synonym: str, user_dir: Path | None = None) -> bool:
    """Take a synonym of `key` out of the user's additions file (undo of add_user_synonym); a row left with
    nothing else to say goes too. Returns whether the file changed."""
    path = user_path(user_dir)
    if not path.is_file():
        return False
    text = _read_tsv(path)
    if text is None:
        return False
    out: list[str] = []
    changed = False
    for line in text.splitlines():
        cells = line.split("\t")
        if len(cells) >= 6 and cells[0] == key and synonym in _split_list(cells[5]):
            rest = [s for s in _split_list(cells[5]) if s != synonym]
            changed = True
            if not rest and not any(c.strip() for c in cells[1:5]):
                continue
            cells[5] = ";".join(rest)
        out.append("\t".join(cells))
    if changed:
        path.write_text("\n".join(out) + "\n", encoding="utf-8", newline="\n")
    return changed
