"""`jixiao eval checks` over several labelled sets: one line per set (real and invented apart), the summary
last; both label formats (`indicator` and `target`, OTHER not scored); labels found beside the data."""

from __future__ import annotations

import json
import re
import shutil

from typer.testing import CliRunner

from eval.checks import evaluate_checks, load_labels, score_pairs, set_kind
from jixiao.cli.main import app

runner = CliRunner()
LINE = re.compile(
    r"^checks\[(?P<name>[^\]]+)\] (?P<kind>real|invented): precision=(?P<p>[\d.]+) recall=(?P<r>[\d.]+) "
    r"f1=[\d.]+ tp=(?P<tp>\d+) fp=(?P<fp>\d+) fn=(?P<fn>\d+) submissions=(?P<n>\d+)"
)


def _lines(result) -> list[re.Match]:
    return [m for line in result.stdout.splitlines() if (m := LINE.match(line))]


def test_several_sets_one_line_each_then_the_summary(data_dir_shared):
    dev, real = data_dir_shared / "targets_dev.json", data_dir_shared / "real_dev_targets.json"
    dev_labels, real_labels = (
        data_dir_shared / "targets_dev_labels.json",
        data_dir_shared / "real_dev_labels.json",
    )
    args = ["eval", "checks", "--dataset", str(dev), "--labels", str(dev_labels)]
    args += ["--dataset", str(real), "--labels", str(real_labels)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = _lines(result)
    assert [(m["name"], m["kind"]) for m in lines] == [
        ("targets_dev", "invented"),
        ("real_dev_targets", "real"),
    ]
    assert [int(m["n"]) for m in lines] == [40, 12]
    totals = [0, 0, 0]
    for m, (data, labels) in zip(lines, [(dev, dev_labels), (real, real_labels)], strict=True):
        alone = evaluate_checks(data, labels).micro  # each line is that set on its own
        assert (int(m["tp"]), int(m["fp"]), int(m["fn"])) == (alone.tp, alone.fp, alone.fn)
        assert float(m["p"]) == round(alone.precision, 2)
        totals = [totals[0] + alone.tp, totals[1] + alone.fp, totals[2] + alone.fn]
    last = result.stdout.strip().splitlines()[-1]
    p = totals[0] / (totals[0] + totals[1])
    assert last.startswith(f"checks: precision={p:.2f} recall=") and "sets=2" in last
    assert "real: 1 set p=" in last and "invented: 1 set p=" in last


def test_both_label_formats_and_other_is_not_scored(data_dir_shared):
    raw = json.loads((data_dir_shared / "real_dev_labels.json").read_text(encoding="utf-8"))
    assert all("target" in x for x in raw)
    pairs = load_labels(data_dir_shared / "real_dev_labels.json")
    others = {(x["id"], "OTHER") for x in raw if x["code"] == "OTHER"}
    assert others and not others & pairs
    assert pairs == {(x["id"], x["code"]) for x in raw if x["code"] != "OTHER"}
    assert score_pairs({("R01", "OTHER")}, pairs).micro.fp == 0  # never a false alarm either
    dev = json.loads((data_dir_shared / "targets_dev_labels.json").read_text(encoding="utf-8"))
    assert load_labels(data_dir_shared / "targets_dev_labels.json") == {(x["id"], x["code"]) for x in dev}


def test_only_real_named_sets_are_real(tmp_path, data_dir_shared):
    """A set written in the real tables' style and labelled with `target` is still invented."""
    shutil.copy(data_dir_shared / "real_dev_targets.json", tmp_path / "style1_targets.json")
    shutil.copy(data_dir_shared / "real_dev_labels.json", tmp_path / "style1_labels.json")
    args = ["eval", "checks", "--dataset", str(tmp_path / "style1_targets.json")]
    result = runner.invoke(app, [*args, "--dataset", str(data_dir_shared / "real_dev_targets.json")])
    assert result.exit_code == 0, result.output
    assert [(m["name"], m["kind"]) for m in _lines(result)] == [
        ("style1_targets", "invented"),
        ("real_dev_targets", "real"),
    ]
    assert set_kind(data_dir_shared / "real_dev_targets.json") == "real"


def test_labels_beside_the_data_and_verbose_misses(tmp_path, data_dir_shared):
    shutil.copy(data_dir_shared / "real_dev_targets.json", tmp_path / "real_dev_targets.json")
    shutil.copy(data_dir_shared / "real_dev_labels.json", tmp_path / "real_dev_labels.json")
    subs = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))["submissions"][:5]
    (tmp_path / "five.json").write_text(
        json.dumps({"submissions": subs}, ensure_ascii=False), encoding="utf-8"
    )
    ids = {s["id"] for s in subs}
    dev_labels = json.loads((data_dir_shared / "targets_dev_labels.json").read_text(encoding="utf-8"))
    mine = [x for x in dev_labels if x["id"] in ids] + [{"id": "D01", "code": "NO_UNIT", "indicator": 0}]
    (tmp_path / "five_labels.json").write_text(json.dumps(mine, ensure_ascii=False), encoding="utf-8")
    args = ["eval", "checks", "--dataset", str(tmp_path / "five.json"), "--dataset"]
    result = runner.invoke(app, [*args, str(tmp_path / "real_dev_targets.json"), "--verbose"])
    assert result.exit_code == 0, result.output
    assert [m["name"] for m in _lines(result)] == ["five", "real_dev_targets"]
    assert re.search(
        r"漏报（标注有、未报出）\d+：.*NO_UNIT×1（D01）", result.stdout
    )  # the planted miss, by code
    assert result.stdout.strip().splitlines()[-1].startswith("checks: precision=")


def test_unpaired_or_missing_inputs_are_chinese_errors(tmp_path, data_dir_shared):
    dev = str(data_dir_shared / "targets_dev.json")
    two = runner.invoke(
        app,
        ["eval", "checks", "--dataset", dev, "--dataset", dev, "--labels", str(data_dir_shared / "x.json")],
    )
    assert two.exit_code == 2 and "2 个 --dataset 和 1 个 --labels" in two.stderr
    lone = tmp_path / "lone.json"
    lone.write_text("[]", encoding="utf-8")
    beside = runner.invoke(app, ["eval", "checks", "--dataset", str(lone)])
    assert beside.exit_code == 2 and "旁没有标注文件" in beside.stderr
    none = runner.invoke(app, ["eval", "checks"])
    assert none.exit_code == 2 and "--dataset" in none.stderr
    bad = tmp_path / "bad_labels.json"
    bad.write_text('[{"code": "X"}]', encoding="utf-8")
    broken = runner.invoke(app, ["eval", "checks", "--dataset", dev, "--labels", str(bad)])
    assert broken.exit_code == 2 and "第1条缺少 id 或 code" in broken.stderr
