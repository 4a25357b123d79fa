"""The CLI starts cheaply: building the app imports no knowledge-base stack (chromadb, bm25s, numpy), and
`jixiao check` runs without it; `jixiao eval` still finds its commands, loaded when it runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from jixiao.cli.main import app

REPO = Path(__file__).resolve().parents[2]
HEAVY = (
    "chromadb",
    "bm25s",
    "numpy",
    "vectorstore",
    "eval.retrieval",
    "eval.bench_api",
    "sentence_transformers",
)

_PROBE = """
import json, sys
from jixiao.cli.main import app
try:
    app(sys.argv[1:], prog_name="jixiao")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted(name for name in json.loads(__import__("os").environ["HEAVY"]) if name in sys.modules)
sys.stderr.write("\\nPROBE " + json.dumps({"code": code, "heavy": heavy}) + "\\n")
"""


def _probe(*args: str, tmp_path: Path) -> dict:
    env = {**os.environ, "HEAVY": json.dumps(HEAVY), "JIXIAO_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("PROBE ")]
    assert line, done.stderr
    return json.loads(line[-1].removeprefix("PROBE "))


def test_help_and_check_import_no_knowledge_base_stack(tmp_path, data_dir_shared):
    assert _probe("--help", tmp_path=tmp_path) == {"code": 0, "heavy": []}
    checked = _probe(
        "check", str(data_dir_shared / "targets_dev.json"), "--format", "json", tmp_path=tmp_path
    )
    assert checked == {"code": 0, "heavy": []}


def test_eval_commands_are_loaded_when_eval_runs():
    result = CliRunner().invoke(app, ["eval", "--help"], terminal_width=120)
    assert result.exit_code == 0, result.output
    for name in ("bench-api", "bench-checks", "bench-dashboard", "checks", "retrieval", "train-reranker"):
        assert name in result.stdout
    sub = CliRunner().invoke(app, ["eval", "bench-checks", "--help"], terminal_width=120)
    assert sub.exit_code == 0 and "用法：jixiao eval bench-checks" in sub.stdout
