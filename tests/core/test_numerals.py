"""Chinese numerals → numbers, checked against known values and against cn2an as an oracle."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.numerals import cn_to_number, parse_arabic, split_magnitude


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("三", 3),
        ("两", 2),
        ("十", 10),
        ("十三", 13),
        ("二十一", 21),
        ("一百零五", 105),
        ("三百五", 350),
        ("两千", 2000),
        ("千", 1000),
        ("百", 100),
        ("一万二", 12000),
        ("一千零五", 1005),
        ("四十五万", 450_000),
        ("一亿两千万", 120_000_000),
        ("三点五", 3.5),
        ("三点五亿", 350_000_000),
        ("零", 0),
        ("二〇二三", 2023),
        ("1.5万", 15_000),
        ("3亿", 300_000_000),
    ],
)
def test_known_numerals(numeral: str, value: float) -> None:
    assert cn_to_number(numeral) == value


@pytest.mark.parametrize("bad", ["", "十余", "abc", "三点", "三五百", "十十", "百千", "两千余人"])
def test_malformed_numerals_are_none(bad: str) -> None:
    assert cn_to_number(bad) is None


def test_cn2an_leaves_what_we_handle() -> None:
    # The reason for our own converter (DESIGN.md): cn2an refuses these.
    for numeral in ("三点五亿", "千"):
        with pytest.raises(ValueError):
            cn2an.cn2an(numeral, "smart")
    assert cn_to_number("三点五亿") == 350_000_000
    assert cn_to_number("千") == 1000


@given(st.integers(min_value=0, max_value=999_999_999))
def test_round_trip_against_cn2an(number: int) -> None:
    written = cn2an.an2cn(str(number), "low")
    assert cn_to_number(written) == number
    assert cn2an.cn2an(written, "strict") == number


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,234.5", 1234.5), ("1，234", 1234), ("12.0", 12), ("0.5", 0.5), ("", None), ("1.2.3", None)],
)
def test_parse_arabic(text: str, value: float | None) -> None:
    assert parse_arabic(text) == value


def test_split_magnitude_keeps_the_unit_prefix() -> None:
    assert split_magnitude("三点五亿") == ("三点五", "亿")
    assert split_magnitude("两万") == ("两", "万")
    assert split_magnitude("万") == ("万", "")
    assert split_magnitude("一万二千") == ("一万二千", "")
