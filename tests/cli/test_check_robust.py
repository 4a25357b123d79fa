"""`jixiao check` never falls over: a failing rule, a bad file or a hostile name costs only itself; every
submission keeps its place; usage errors, help and import problems are Chinese; piped tables keep numbers
whole; findings come in the JSON's order."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import assistant.checks.engine as engine
import ingest.targets
from jixiao.cli.main import app

runner = CliRunner()
ENGLISH = re.compile(r"Usage|Error|Traceback|Exception|Missing|Try '|Show this")


def _subs(data_dir_shared: Path, *ids: str) -> list[dict]:
    subs = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))["submissions"]
    by_id = {s["id"]: s for s in subs}
    return [by_id[i] for i in ids]


def _write(tmp_path: Path, name: str, subs: list[dict]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"submissions": subs}, ensure_ascii=False), encoding="utf-8")
    return path


def _json(result) -> list[dict]:
    return json.loads(result.stdout)["submissions"]


def test_a_rule_that_raises_costs_only_its_submission(tmp_path, data_dir_shared, monkeypatch, caplog):
    subs = _subs(data_dir_shared, "D01", "D24", "D02")
    subs[1]["project"] = "注入故障的项目"
    rule_id = next(iter(engine.RULE_FUNCTIONS))
    real = engine.RULE_FUNCTIONS[rule_id]

    def faulty(ctx):
        if ctx.project == "注入故障的项目":
            raise IndexError("injected fault")
        return real(ctx)

    monkeypatch.setattr(engine, "RULE_FUNCTIONS", {**engine.RULE_FUNCTIONS, rule_id: faulty})
    path = _write(tmp_path, "three.json", subs)

    result = runner.invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    got = _json(result)
    assert [s["id"] for s in got] == ["D01", "D24", "D02"]
    broken = got[1]
    assert "grade" not in broken and broken["findings"] == []
    assert rule_id in broken["error"] and re.search(r"[\u4e00-\u9fff]", broken["error"])
    assert got[0]["grade"] and got[2]["grade"] == "优"
    assert rule_id in caplog.text  # logged with the rule id

    table = runner.invoke(app, ["check", str(path)])
    assert table.exit_code == 0 and "未能完成预审" in table.stdout and "注入故障的项目" in table.stdout
    markdown = runner.invoke(app, ["check", str(path), "--format", "markdown"])
    assert markdown.exit_code == 0 and "**未能完成预审**" in markdown.stdout
    assert (
        markdown.stdout.index("## D01")
        < markdown.stdout.index("注入故障的项目")
        < markdown.stdout.index("## D02")
    )


def test_one_unreadable_file_exits_1_and_the_others_are_still_checked(tmp_path, data_dir_shared):
    good = _write(tmp_path, "good.json", _subs(data_dir_shared, "D02"))
    text = tmp_path / "说明.txt"
    text.write_text("不是申报", encoding="utf-8")
    result = runner.invoke(app, ["check", str(text), str(good), "--format", "json"])
    assert result.exit_code == 1
    assert [s["id"] for s in _json(result)] == ["D02"]
    err = result.stderr
    assert err.count("说明.txt") == 1  # one clear message naming the file and what is accepted
    assert ".xlsx" in err and ".json" in err and not ENGLISH.search(err)
    assert runner.invoke(app, ["check", str(good), "--format", "json"]).exit_code == 0


def test_an_importer_bug_on_one_file_does_not_stop_the_rest(tmp_path, data_dir_shared, monkeypatch):
    good = _write(tmp_path, "good.json", _subs(data_dir_shared, "D02"))
    bad = _write(tmp_path, "bad.json", _subs(data_dir_shared, "D01"))
    real = ingest.targets.load_submissions

    def load(path, limits=None):
        if Path(path).name == "bad.json":
            raise KeyError("injected importer bug")
        return real(path, limits)

    monkeypatch.setattr(ingest.targets, "load_submissions", load)
    result = runner.invoke(app, ["check", str(bad), str(good), "--format", "json"])
    assert result.exit_code == 1
    assert [s["id"] for s in _json(result)] == ["D02"]
    assert "bad.json" in result.stderr and "内部错误" in result.stderr and "KeyError" not in result.stderr


def test_word_and_damaged_workbooks_never_leak_exception_names(tmp_path):
    import docx

    word = tmp_path / "x.docx"
    docx.Document().save(word)
    damaged = tmp_path / "坏.xlsx"
    damaged.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    result = runner.invoke(app, ["check", str(word), str(damaged), "--format", "json"])
    assert result.exit_code == 1 and _json(result) == []
    assert "x.docx" in result.stderr and "坏.xlsx" in result.stderr
    assert not re.search(r"（[A-Za-z]+(Error)?）|OSError|BadZipFile|KeyError", result.stderr), result.stderr


def test_hostile_names_are_printed_as_text_not_markup(tmp_path):
    sub = {
        "id": "[/x]",
        "project": "[/bold]项目[red]",
        "annual_goal": "[/]",
        "indicators": [{"name": "[/i]人数", "op": "≥", "value": "进一步提高", "unit": "人"}],
    }
    path = _write(tmp_path, "[red]名.json", [sub])
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "[/bold]项目[red]" in result.stdout and "[/i]人数" in result.stdout
    missing = runner.invoke(app, ["check", str(tmp_path / "[bold]无[/bold]" / "[/x].json"), str(path)])
    assert (
        missing.exit_code == 1
        and "[bold]无[/bold]/[/x].json" in missing.stderr
        and "不存在" in missing.stderr
    )


def test_piped_table_keeps_every_cell_whole_in_json_order(tmp_path, data_dir_shared):
    subs = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))["submissions"][:12]
    path = _write(tmp_path, "twelve.json", subs)
    findings = [
        f for s in _json(runner.invoke(app, ["check", str(path), "--format", "json"])) for f in s["findings"]
    ]
    assert len(findings) > 10
    table = runner.invoke(app, ["check", str(path)])  # CliRunner's stdout is not a terminal
    assert table.exit_code == 0
    pos = 0
    for f in findings:  # each cell on one line (nothing split, "1 00%" impossible), in the JSON's order
        pos = table.stdout.index(f["message"], pos)
        assert f["suggestion"] in table.stdout[pos:]
        assert re.search(rf"│ \d+\s+│ {f['severity_zh']}", table.stdout[table.stdout.rfind("\n", 0, pos) :])


def test_markdown_lists_findings_in_json_order(tmp_path, data_dir_shared):
    path = _write(tmp_path, "d.json", _subs(data_dir_shared, "D24", "D01"))
    got = _json(runner.invoke(app, ["check", str(path), "--format", "json"]))
    md = runner.invoke(app, ["check", str(path), "--format", "markdown"]).stdout
    for sub, section in zip(got, md.split("\n## ")[1:], strict=True):
        numbered = re.findall(r"^(\d+)\. \*\*［.+?］.+?\*\*：(.+)$", section, re.M)
        assert [int(n) for n, _ in numbered] == list(range(1, len(sub["findings"]) + 1))
        assert [m for _, m in numbered] == [f["message"] for f in sub["findings"]]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ([], "请指定至少一个申报文件"),
        (["--foo", "x.json"], "没有选项“--foo”"),
        (["x.json", "--format"], "选项“--format”用法不对"),
        (["x.json", "--format", "pdf"], "不支持的输出格式“pdf”"),
    ],
)
def test_usage_errors_are_chinese(args, said):
    result = runner.invoke(app, ["check", *args])
    assert result.exit_code == 2
    assert said in result.stderr and "用法：jixiao check [选项] 文件..." in result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr


def test_help_is_chinese():
    result = runner.invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    out = result.stdout
    assert "用法：jixiao check [选项] 文件..." in out and "显示本说明并退出" in out
    assert "参数" in out and "选项" in out and "输出格式" in out
    assert not re.search(
        r"Usage|Arguments|Options|Show this message|\[required\]|\[default|<bool>|<list", out
    ), out


def test_a_failing_rule_logs_its_traceback_to_a_file_not_the_screen(
    tmp_path, tmp_data_dir, data_dir_shared, monkeypatch
):
    import logging

    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])  # as in a plain `jixiao check` run: logging not configured
    monkeypatch.setattr(root, "level", root.level)
    rule_id = next(iter(engine.RULE_FUNCTIONS))

    def faulty(ctx):
        raise ZeroDivisionError("injected fault")

    monkeypatch.setattr(engine, "RULE_FUNCTIONS", {**engine.RULE_FUNCTIONS, rule_id: faulty})
    path = _write(tmp_path, "one.json", _subs(data_dir_shared, "D02"))
    result = runner.invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert "error" in _json(result)[0]
    assert "Traceback" not in result.stderr and "ZeroDivisionError" not in result.stderr
    log_file = tmp_data_dir / "logs" / "check.log"
    assert "有 1 条申报未能完成预审" in result.stderr and str(log_file.resolve()) in result.stderr
    logged = log_file.read_text(encoding="utf-8")
    assert rule_id in logged and "Traceback" in logged and "ZeroDivisionError" in logged
