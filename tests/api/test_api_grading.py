"""A grading file named in the app's settings reaches the precheck (the checks read no global settings)."""

from __future__ import annotations

import json
from pathlib import Path

from support.review_env import build_env

STRICT = (
    "grades:\n  - {grade: 差, min_errors: 1}\n  - {grade: 中, min_warnings: 1}\n  - {grade: 优}\n"
    "consequences: {优: 甲等, 良: 乙等, 中: 丙等, 差: 丁等}\ncitation: 本局等级映射\n"
)


def _d01(data_dir_shared: Path) -> dict:
    subs = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))["submissions"]
    return next(s for s in subs if s["id"] == "D01")


def test_a_grading_file_in_the_app_settings_decides_the_api_grade(tmp_path, data_dir_shared):
    strict = tmp_path / "grading.yaml"
    strict.write_text(STRICT, encoding="utf-8")
    d01 = _d01(data_dir_shared)

    default_env = build_env(tmp_path / "default", None)
    strict_env = build_env(tmp_path / "strict", None, grading_file=strict)
    try:
        default = default_env.client.post("/v1/prechecks", json=d01, headers=default_env.headers("unit1"))
        custom = strict_env.client.post("/v1/prechecks", json=d01, headers=strict_env.headers("unit1"))
        assert default.status_code == 200 and custom.status_code == 200
        before, after = default.json()["submissions"][0], custom.json()["submissions"][0]
        assert any(f["severity"] == "error" for f in after["findings"])  # D01 has error-level findings
        assert before["grade"] == "中" and after["grade"] == "差"
        assert "丁等" in json.dumps(after, ensure_ascii=False) and "本局等级映射" in json.dumps(
            after, ensure_ascii=False
        )

        stored = strict_env.client.post("/v1/submissions", json=d01, headers=strict_env.headers("unit1"))
        assert stored.status_code == 201
        assert stored.json()["items"][0]["precheck"]["grade"] == "差"  # the stored precheck too
    finally:
        default_env.app.state.services.close()
        strict_env.app.state.services.close()
