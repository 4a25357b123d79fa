""".zip of a round: each member read and named; bounded; nested archives refused; bad members stop nothing."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from support.target_docs import flat_pdf, form_docx, load_subs

from ingest.targets import ImportLimits, archive, load_file_parts, load_submissions_bytes
from ingest.targets.limits import MB


@pytest.fixture(scope="module")
def real(data_dir_shared: Path) -> list[dict]:
    return load_subs(data_dir_shared / "real_dev_targets.json")


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def test_round_zip_of_every_kind_in_archive_order(real: list[dict], data_dir_shared: Path) -> None:
    data = _zip(
        [
            ("教育局/申报表.docx", form_docx(real[:2])),
            ("__MACOSX/._申报表.docx", b"junk"),
            ("民政局/~$申报表.docx", b"lock"),
            ("财政公开/预算公开.pdf", flat_pdf(real[2:4])),
            ("单位D07.xlsx", (data_dir_shared / "targets_form_D07.xlsx").read_bytes()),
            ("一体化导出.json", json.dumps(real[4:6], ensure_ascii=False).encode("utf-8")),
            ("说明.txt", "请查收".encode()),
        ]
    )
    parts = load_file_parts(data, "第一批.zip")
    assert [p.name for p in parts] == [
        "第一批.zip/教育局/申报表.docx",
        "第一批.zip/财政公开/预算公开.pdf",
        "第一批.zip/单位D07.xlsx",
        "第一批.zip/一体化导出.json",
        "第一批.zip/说明.txt",
    ]
    projects = [[s.project for s in p.result.submissions] for p in parts]
    assert projects[0] == [real[0]["project"], real[1]["project"]]
    assert projects[1] == [real[2]["project"], real[3]["project"]]
    assert projects[2] == ["农村中小学校舍维修改造项目"]
    assert projects[3] == [real[4]["project"], real[5]["project"]]
    [txt] = parts[4].result.issues
    assert txt.file == "第一批.zip/说明.txt" and "不支持的文件类型" in txt.message
    merged = load_submissions_bytes(data, "第一批.zip")
    assert len(merged.submissions) == 7 and [str(i) for i in merged.issues] == [str(txt)]
    assert parts[0].result.submissions[0].source.startswith("第一批.zip/教育局/申报表.docx#第1个表格")


def test_member_names_from_chinese_windows_zip_tools_are_gbk() -> None:
    placeholder = b"abcdef.json"
    gbk = "申报表.json".encode("gbk")
    assert len(gbk) == len(placeholder)
    data = _zip([(placeholder.decode(), b'{"project": "a", "indicators": []}')]).replace(placeholder, gbk)
    [part] = load_file_parts(data, "round.zip")
    assert part.name == "round.zip/申报表.json" and part.result.submissions[0].project == "a"


def test_nested_zip_is_refused_and_the_rest_still_reads(real: list[dict]) -> None:
    inner = _zip([("x.json", b'{"project": "inner", "indicators": []}')])
    data = _zip([("内层.zip", inner), ("伪装.bin", inner), ("ok.docx", form_docx(real[:1]))])
    parts = load_file_parts(data, "外层.zip")
    assert [p.name for p in parts] == ["外层.zip/内层.zip", "外层.zip/伪装.bin", "外层.zip/ok.docx"]
    for p in parts[:2]:
        [issue] = p.result.issues
        assert "压缩包中的压缩包" in issue.message and issue.file == p.name
    assert [s.project for s in parts[2].result.submissions] == [real[0]["project"]]


def test_member_count_and_sizes_follow_the_limits_passed_down() -> None:
    member = b'{"project": "p", "indicators": []}'
    few = ImportLimits(max_zip_members=3)
    parts = load_file_parts(_zip([(f"{i}.json", member) for i in range(5)]), "多.zip", few)
    assert "超过上限 3 个" in parts[0].result.issues[0].message and len(parts) == 4
    assert len(load_file_parts(_zip([(f"{i}.json", member) for i in range(5)]), "多.zip")) == 5  # defaults
    small = ImportLimits(max_archive_mb=(len(member) * 2 + 5) / MB)
    parts = load_file_parts(_zip([(f"{i}.json", member) for i in range(4)]), "大.zip", small)
    assert [len(p.result.submissions) for p in parts] == [1, 1, 0, 0]
    assert all("总大小超过" in p.result.issues[0].message for p in parts[2:])
    one = ImportLimits(max_unzipped_mb=100 / MB, max_archive_mb=10_000 / MB)
    parts = archive.archive_parts(
        _zip([("a.json", member), ("big.json", b" " * 500)]), "z.zip", lambda d, n: None, one
    )
    assert parts[0].result is None  # read and handed on
    assert "超出单个申报文件的上限" in parts[1].result.issues[0].message


def test_encrypted_member_empty_and_damaged_archives() -> None:
    data = bytearray(_zip([("secret.json", b"{}"), ("ok.json", b'{"project": "ok", "indicators": []}')]))
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 6] |= 0x1  # the "encrypted" flag, as a password-protected member carries it
    data[central + 8] |= 0x1
    parts = load_file_parts(bytes(data), "加密.zip")
    assert "密码" in parts[0].result.issues[0].message and parts[1].result.submissions[0].project == "ok"
    [empty] = load_file_parts(_zip([("文件夹/", b"")]), "空.zip")
    assert "没有文件" in empty.result.issues[0].message
    whole = _zip([("a.json", b"{}")])
    [broken] = load_file_parts(whole[:-30], "坏.zip")
    assert broken.name == "坏.zip" and "损坏" in broken.result.issues[0].message
