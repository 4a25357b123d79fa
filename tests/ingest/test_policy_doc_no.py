"""The 文号 read from a policy file keeps the whole agency abbreviation, not just its last two characters."""

import pytest

from ingest.policy.metadata import extract_doc_no


@pytest.mark.parametrize(
    ("line", "doc_no"),
    [
        ("湘财绩〔2013〕29号　2013年9月26日　湖南省财政厅", "湘财绩〔2013〕29号"),
        ("（湘财绩〔2013〕29号，节选）", "湘财绩〔2013〕29号"),
        ("常财预〔2023〕5号", "常财预〔2023〕5号"),
        ("湘政办发〔2019〕5号", "湘政办发〔2019〕5号"),
        ("关于印发财预〔2015〕88号文件的通知", "财预〔2015〕88号"),
        ("财政部关于印发财预〔2020〕10号", "财预〔2020〕10号"),
        ("印发湘财绩〔2013〕29号", "湘财绩〔2013〕29号"),
        ("按照中办发〔2019〕5号", "中办发〔2019〕5号"),
        ("意见 中发〔2018〕34号", "中发〔2018〕34号"),
    ],
)
def test_doc_no_keeps_the_agency_prefix(line: str, doc_no: str) -> None:
    assert extract_doc_no([line]) == doc_no
