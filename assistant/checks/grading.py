"""Grade 优/良/中/差 from findings, with the consequence of each grade (财预〔2015〕88号 第二十五条).

The mapping is data (grading.yaml beside this module, or a file the caller names — the app and the CLI pass
their settings' grading_file); see README.md in this package. Rules decide the grade; nothing a language
model writes can change it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, model_validator

from assistant.models import Finding, Grade, Severity

DEFAULT_GRADING_FILE = Path(__file__).with_name("grading.yaml")


class GradeCondition(BaseModel):
    grade: Grade
    any_error_code: list[str] = []
    min_errors: int | None = None
    min_warnings: int | None = None

    def holds(self, findings: list[Finding]) -> bool:
        errors = [f for f in findings if f.severity == Severity.error]
        warnings = [f for f in findings if f.severity == Severity.warning]
        checks: list[bool] = []
        if self.any_error_code:
            checks.append(any(f.code in self.any_error_code for f in errors))
        if self.min_errors is not None:
            checks.append(len(errors) >= self.min_errors)
        if self.min_warnings is not None:
            checks.append(len(warnings) >= self.min_warnings)
        return any(checks) if checks else True


class GradingConfig(BaseModel):
    grades: list[GradeCondition]
    consequences: dict[Grade, str]
    citation: str

    @model_validator(mode="after")
    def _complete(self) -> GradingConfig:
        missing = [g.value for g in Grade if g not in self.consequences]
        if missing:
            raise ValueError(f"grading config lacks consequences for {missing}")
        if not self.grades:
            raise ValueError("grading config has no grades")
        return self


@lru_cache(maxsize=4)
def load_grading(path: Path | None = None) -> GradingConfig:
    """The grading mapping from `path`, or the packaged default (settings are the caller's business)."""
    source = path or DEFAULT_GRADING_FILE
    return GradingConfig.model_validate(yaml.safe_load(Path(source).read_text(encoding="utf-8")))


def _consequences() -> dict[Grade, str]:
    return dict(load_grading(DEFAULT_GRADING_FILE).consequences)


GRADE_CONSEQUENCES: dict[Grade, str] = _consequences()


def grade_findings(findings: list[Finding], config: GradingConfig | None = None) -> tuple[Grade, str]:
    """The grade the findings imply, and that grade's consequence per 88号 第二十五条."""
    cfg = config or load_grading()
    grade = next((c.grade for c in cfg.grades if c.holds(findings)), cfg.grades[-1].grade)
    return grade, f"{cfg.consequences[grade]}（{cfg.citation}）"
