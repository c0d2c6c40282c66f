"""The indicator dictionary: shipped keys, user additions, and mapping a context to a key."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from core.errors import ArchiveError
from core.indicators import (
    USER_FILE_NAME,
    Indicator,
    IndicatorDictionary,
    add_user_row,
    add_user_synonym,
    default_dictionary,
    load_dictionary,
    parse_rows,
    shipped_path,
)
from tests.conftest import DOMAIN


def _domain_rows() -> list[dict[str, str]]:
    path = DOMAIN / "indicators.tsv"
    if not path.is_file():
        pytest.skip("../shared/domain is not present")
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_shipped_file_keeps_every_domain_key_and_name(tmp_path: Path) -> None:
    rows = _domain_rows()
    dictionary = load_dictionary(tmp_path)
    assert len(rows) == 78
    assert dictionary.keys() == [row["key"] for row in rows]
    for row in rows:
        indicator = dictionary.get(row["key"])
        assert indicator is not None
        assert indicator.name == row["name"]
        assert indicator.kind == row["kind"]
    assert not dictionary.problems


def test_shipped_synonyms_extend_the_domain_file(tmp_path: Path) -> None:
    dictionary = load_dictionary(tmp_path)
    for row in _domain_rows():
        indicator = dictionary.get(row["key"])
        assert indicator is not None
        assert indicator.synonyms, row["key"]


def test_user_rows_add_synonyms_and_keys_but_never_rename(tmp_path: Path) -> None:
    (tmp_path / USER_FILE_NAME).write_text(
        "key\tarea\tname\tkind\tunits\tsynonyms_in_real_text\n"
        "review.received\t别的领域\t改掉的名字\tcount\t起\t复议申请登记\n"
        "custom.hotline_calls\t热线\t热线来电数\tcount\t个;通\t接听来电\n"
        "not a key\t\t\t\t\t\n",
        encoding="utf-8",
    )
    dictionary = load_dictionary(tmp_path)
    received = dictionary.get("review.received")
    assert received is not None
    assert received.name == "行政复议申请(收案)数"
    assert received.area == "行政复议"
    assert "复议申请登记" in received.synonyms
    assert "起" in received.units
    custom = dictionary.get("custom.hotline_calls")
    assert custom is not None
    assert custom.user_added
    assert custom.name == "热线来电数"
    assert len(dictionary) == 79
    assert any("not a key" in problem for problem in dictionary.problems)
    assert dictionary.find_key("今年复议申请登记", "件") == "review.received"
    assert dictionary.find_key("全年接听来电", "通") == "custom.hotline_calls"


def test_unreadable_user_file_does_not_break_loading(tmp_path: Path) -> None:
    (tmp_path / USER_FILE_NAME).write_bytes(b"\xff\xfe\x00\x81\x00garbage\x00")
    dictionary = load_dictionary(tmp_path)
    assert len(dictionary) == 78


def test_appending_to_a_file_without_final_newline(tmp_path: Path) -> None:
    (tmp_path / USER_FILE_NAME).write_text("review.received\t\t\t\t\t复议申请登记", encoding="utf-8")
    add_user_synonym("litigation.lost", "输掉官司", tmp_path)
    dictionary = load_dictionary(tmp_path)
    assert dictionary.find_key("复议申请登记", "件") == "review.received"
    assert dictionary.find_key("输掉官司", "件") == "litigation.lost"


def test_missing_shipped_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("core.indicators.shipped_path", lambda: tmp_path / "nothing.tsv")
    dictionary = load_dictionary(tmp_path)
    assert len(dictionary) == 0
    assert dictionary.problems
    assert dictionary.find_key("行政复议案件", "件") is None


def test_add_user_synonym_round_trip(tmp_path: Path) -> None:
    add_user_synonym("litigation.lost", "输掉官司", tmp_path)
    add_user_row(Indicator("custom.visits", "走访", "走访企业数", "count", ("家",), ("走访企业",)), tmp_path)
    dictionary = load_dictionary(tmp_path)
    assert dictionary.find_key("行政诉讼输掉官司", "件") == "litigation.lost"
    assert dictionary.find_key("共走访企业", "家") == "custom.visits"
    with pytest.raises(ArchiveError):
        add_user_synonym("坏 代码", "x", tmp_path)


def test_unit_kind_decides_between_rate_and_count(tmp_path: Path) -> None:
    dictionary = load_dictionary(tmp_path)
    assert dictionary.find_key("行政复议直接纠错率", "%") == "review.correction_rate"
    assert dictionary.find_key("行政复议纠错", "件") == "review.corrected"
    # A count key never takes a percentage, a rate key never takes a count.
    assert dictionary.find_key("办理行政处罚案件", "%") is None
    assert dictionary.find_key("调解成功率", "件") is None
    assert dictionary.find_key("调解成功率", "%") == "disputes.mediation_success_rate"
    assert dictionary.find_key("罚没金额", "万元") == "enforcement.fines"
    assert dictionary.find_key("罚没金额", "件") is None


def test_nearest_synonym_wins_and_verbs_after_the_number_count(tmp_path: Path) -> None:
    dictionary = load_dictionary(tmp_path)
    # Both 法律援助案件 and 调处矛盾纠纷 are in the clause; the nearer one names the number.
    assert dictionary.find_key("办理法律援助案件后调处矛盾纠纷", "件") == "disputes.mediated"
    assert dictionary.find_key("调处矛盾纠纷并办理法律援助案件", "件") == "disputes.legal_aid_cases"
    # Nothing before the number: the verb after it decides (Chinese puts it last).
    assert dictionary.find_key("对", "件", "行政规范性文件进行了全面清理") == "normdoc.reviewed"
    # A synonym read across the number's place.
    assert dictionary.find_key("出台", "件", "规范性文件") == "normdoc.issued"
    assert dictionary.find_key("今年", "件") is None


def test_parse_rows_reads_annotations_and_placeholders() -> None:
    rows, problems = parse_rows(
        "x.a\t区\t名\tcount\t件;宗\t被纠错案件(未发生=0);出庭X宗\nx.b\t区\t名\tweird\t\t\n"
    )
    assert not any("x.a" in problem for problem in problems)
    assert rows[0].synonyms == ("被纠错案件", "出庭")
    assert rows[0].units == ("件", "宗")
    assert rows[1].kind == "count"
    assert problems


def test_odd_user_synonyms_are_safe(tmp_path: Path) -> None:
    (tmp_path / USER_FILE_NAME).write_text(
        "custom.xray\t\tX射线检查数\tcount\t次\tX射线检查;" + "很长" * 3000 + ";(只有注释);a\n",
        encoding="utf-8",
    )
    dictionary = load_dictionary(tmp_path)
    custom = dictionary.get("custom.xray")
    assert custom is not None
    assert custom.synonyms == ("X射线检查",)
    assert dictionary.find_key("开展X射线检查", "次") == "custom.xray"


def test_empty_dictionary_maps_nothing() -> None:
    dictionary = IndicatorDictionary.from_rows([])
    assert dictionary.find_key("行政复议案件", "件") is None
    assert len(dictionary) == 0


def test_shipped_path_exists() -> None:
    assert shipped_path().is_file()


def test_dictionary_synonyms_are_shapes_not_sentences() -> None:
    # issue 9: synonyms grown from the development set are short phrase shapes, never a sentence
    dictionary = default_dictionary()
    for indicator in dictionary:
        for synonym in indicator.synonyms:
            assert len(synonym) <= 16, synonym
            assert not re.search(r"[，。；0-9]", synonym), synonym
