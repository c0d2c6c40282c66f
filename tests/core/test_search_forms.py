"""core.search's index forms against their definitions: the UTF-32 fast path of escaped/char_form must give
exactly the str.translate forms (what archives already hold), for every kind of character."""

from __future__ import annotations

import random
import re
import sys

import pytest

from core import search
from tests.conftest import SAMPLES


def _escaped_by_definition(text: str) -> str:
    spaced = re.sub(r"\s+", " ", search._fold(search.normalise(text)))
    return re.sub(r"[\W_]", lambda m: search._stand_in(m.group()), spaced)


_ALPHABET = [
    *"政府信息公开年度报告，。、；：（）《》“” \n\t\r\u3000\u00a0\u2028\u0085_-—.,1234567890０１２ＡＺａｚabcXYZΣσςİß#%",
    *"0123456789abcxyz" * 3,
    "\U0001f600", "\U00020000", "\ufffe", "\uffff", "\ue000", "\U000f0020", "\u200b", "\x00", "\x1c", "①", "²",
    "\ud800",  # a lone surrogate
]


def _texts() -> list[str]:
    rng = random.Random(7)
    out = ["", " ", "\n", "  a  ", "政府", " \u3000\n政 府\t", "\ufffe", "İstanbul ΣΑΣ", "a_b", "编号9999 ABC1234x",
           "http://www.gov.cn/2022/ab12 3456789 ID123456789012"]
    out += ["".join(rng.choice(_ALPHABET) for _ in range(rng.choice([1, 5, 40, 300]))) for _ in range(400)]
    out += [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))[:4]]
    return out


@pytest.mark.parametrize("text", _texts())
def test_forms_are_their_definitions(text: str) -> None:
    expected = _escaped_by_definition(text)
    assert search.escaped(text) == expected
    assert search.char_form(text) == " ".join(expected)
    assert search.index_form(text) == " ".join(expected)


def test_collapse_spaces_is_the_regex_for_every_whitespace_character() -> None:
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))]
    assert spaces == [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]  # what str.split uses
    rng = random.Random(3)
    for _ in range(300):
        text = "".join(rng.choice([*spaces, "政", "a", "，"]) for _ in range(rng.randint(0, 12)))
        assert search._collapse_spaces(text) == re.sub(r"\s+", " ", text)


def test_characters_beyond_the_bmp_take_the_translate() -> None:
    assert search._escaped_units("政府\U0001f600") is None
    assert search._escaped_units("政府\uffff") is None
    assert search._escaped_units("政府，") is not None


def _runs_tokens_by_definition(text: str) -> set[str]:
    tokens: set[str] = set()
    for match in re.finditer(r"[0-9a-z]{3,}", text):
        run, size = match.group(), len(match.group())
        before = f"{ord(text[match.start() - 1]):x}首" if match.start() > 0 else ""
        after = f"尾{ord(text[match.end()]):x}" if match.end() < len(text) else ""
        for k in range(search.RUN_MIN, min(size, search.RUN_MAX) + 1):
            tokens.update(run[i : i + k] for i in range(size - k + 1))
            if before:
                tokens.add(before + run[:k])
            if after:
                tokens.add(run[-k:] + after)
        if before and after and size <= search.RUN_MAX:
            tokens.add(before + run + after)
    at = text.find("\U000f0020", 1)
    while 0 < at < len(text) - 1:
        tokens.add(f"{ord(text[at - 1]):x}空{ord(text[at + 1]):x}")
        at = text.find("\U000f0020", at + 1)
    return tokens


@pytest.mark.parametrize("text", _texts())
def test_run_tokens_are_their_definition(text: str) -> None:
    escaped = search.escaped(text)
    assert search._runs_tokens(escaped) == _runs_tokens_by_definition(escaped)
    assert search._runs_tokens(text) == _runs_tokens_by_definition(text)  # any text: upper case, raw spaces
    title = text[:9]
    expected = " ".join(sorted(_runs_tokens_by_definition(search.escaped(title))
                               | _runs_tokens_by_definition(escaped)))
    assert search.runs_form(search.index_form(title), search.index_form(text)) == expected
    assert search.runs_form_of_text(title, text) == expected


def test_run_tokens_of_runs_with_and_without_neighbours() -> None:
    for text in ("abc", "x12345678y", "编号9999收到 ab1234cd \U000f0020 2022", "aa", "12ab", "\U000f0020a\U000f0020"):
        assert search._runs_tokens(text) == _runs_tokens_by_definition(text)


def test_the_bmp_set_is_the_category_for_every_bmp_character() -> None:
    bmp = "".join(chr(c) for c in range(0x10000))
    assert search._bmp_non_token().findall(bmp) == re.findall(r"[\W_]", bmp)
    assert re.findall(search.bmp_char_set(r"\d"), bmp) == re.findall(r"\d", bmp)


@pytest.mark.parametrize("text", _texts()[::4])
def test_index_forms_and_merged_runs_forms_are_the_separate_ones(text: str) -> None:
    title = text[:12]
    body_form, body_runs = search.index_forms(text)
    assert (body_form, body_runs) == (search.index_form(text), search.runs_form_of_text(text))
    title_runs = search.index_forms(title)[1]
    assert search.merge_runs_forms(title_runs, body_runs) == search.runs_form(search.index_form(title), body_form)


def test_the_common_punctuation_is_non_token() -> None:
    assert all(re.fullmatch(r"[\W_]", ch) for ch in search._COMMON_NON_TOKEN)
