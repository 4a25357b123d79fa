"""A list (or an object) given for a text field is read as its items joined with "；" — never as Python's
form of it ("['a', 'b']") — in the model and through the JSON importer, and the report shows the text."""

from __future__ import annotations

import json

import pytest

from core.models import Indicator, Submission, text_field
from ingest.targets import parse_submissions_json


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (["完成改造", "提升服务"], "完成改造；提升服务"),
        (("甲", 2, 3.0), "甲；2；3"),
        (["完成改造", None, "", "  ", ["提升服务", "群众满意"]], "完成改造；提升服务；群众满意"),
        ({"产出": "改造2处", "效益": "惠及300户"}, "产出：改造2处；效益：惠及300户"),
        ([{"内容": "改造"}, "验收"], "内容：改造；验收"),
        ([], None),
        ([None, ""], None),
        ("  保持原文  ", "保持原文"),
        (95.0, "95"),
        (None, None),
    ],
)
def test_text_field_joins_lists_and_objects(raw, text):
    assert text_field(raw) == text


def test_deep_nesting_is_cut_not_recursed_forever():
    deep: object = "底"
    for _ in range(500):
        deep = [deep]
    assert text_field(["顶", deep]) == "顶"


def test_the_model_never_keeps_the_python_form_of_a_list():
    sub = Submission.model_validate(
        {
            "id": ["A-1"],
            "project": ["农村道路", "养护"],
            "annual_goal": ["完成道路养护120公里", "群众满意度达到90%"],
            "indicators": [{"name": ["道路养护里程"], "op": ["≥"], "value": [120], "unit": ["公里"]}],
        }
    )
    assert (sub.id, sub.project) == ("A-1", "农村道路；养护")
    assert sub.annual_goal == "完成道路养护120公里；群众满意度达到90%"
    ind = sub.indicators[0]
    assert (ind.name, ind.op, ind.value, ind.value_num, ind.unit) == ("道路养护里程", "≥", "120", 120, "公里")
    dumped = json.dumps(sub.canonical(), ensure_ascii=False)
    assert "['" not in dumped and '["' not in dumped.replace('"indicators": [', "")
    assert Indicator.model_validate({"name": {"名称": "完成率"}}).name == "名称：完成率"


def test_the_json_importer_reads_list_fields_as_joined_text_without_issues():
    result = parse_submissions_json(
        {
            "project": "老旧小区改造",
            "unit": ["某区住建局"],
            "overall_goal": ["改造老旧小区3个", "惠及居民1200户"],
            "indicators": [
                {"level1": "产出指标", "level2": "数量指标", "name": "改造小区数", "op": "≥", "value": "3"},
                {
                    "level1": ["效益指标"],
                    "name": "受益户数",
                    "basis": ["住建部文件", "改造计划"],
                    "value": 1200,
                },
            ],
        },
        source="申报.json",
    )
    assert result.issues == []
    [sub] = result.submissions
    assert sub.unit == "某区住建局" and sub.overall_goal == "改造老旧小区3个；惠及居民1200户"
    assert sub.indicators[1].level1_norm == "效益" and sub.indicators[1].basis == "住建部文件；改造计划"
