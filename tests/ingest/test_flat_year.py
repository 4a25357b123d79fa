"""The 年度 of flat-export projects when the sheet has no 年度 column: a single year stated in a title row
above the header, else in the file name; a range, two years or a 填报日期 state none."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from ingest.targets import load_submissions_bytes

HEADER = [
    "单位名称",
    "项目名称",
    "预算数",
    "年度目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "度量单位",
]
ROW = [
    "常宁市教育局",
    "校舍维修",
    1000000,
    "完成校舍维修2000平方米",
    "产出指标",
    "数量指标",
    "维修面积",
    "2000",
    "平方米",
]


def _flat(*titles: str, year_column: int | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    for t in titles:
        ws.append([t])
    header, row = list(HEADER), list(ROW)
    if year_column is not None:
        header.insert(0, "年度")
        row.insert(0, year_column)
    ws.append(header)
    ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _years(data: bytes, name: str) -> list[int | None]:
    result = load_submissions_bytes(data, name)
    assert result.submissions, result.issues
    return [s.year for s in result.submissions]


@pytest.mark.parametrize(
    ("titles", "name", "year"),
    [
        (("2024年部门预算项目绩效目标表",), "targets.xlsx", 2024),
        (("项目支出绩效目标表", "金额单位：元"), "2025年项目支出绩效目标.xlsx", 2025),
        (("2023年度项目绩效目标表",), "2025年汇总.xlsx", 2023),  # the sheet's own title wins
        (("2019—2025年部门预算项目绩效目标表（汇编）",), "2024年.xlsx", None),  # a range states no year
        (("项目绩效目标表", "填报日期：2024年10月8日"), "targets.xlsx", None),  # a date is no budget year
        ((), "targets.xlsx", None),
        ((), "导出20240305.xlsx", None),  # digits of a date in the name are no year
    ],
)
def test_flat_year_from_title_or_file_name(titles, name, year):
    assert _years(_flat(*titles), name) == [year]


def test_a_year_column_is_kept_over_the_title():
    assert _years(_flat("2024年部门预算项目绩效目标表", year_column=2022), "2024年.xlsx") == [2022]
