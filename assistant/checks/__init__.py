"""Precheck engine: the rule catalog, the checks, grading (see README.md in this package).

check_submission(sub) -> CheckResult
check_submissions(subs) -> list[CheckResult]
load_catalog() -> Catalog
grade_findings(findings) -> (Grade, consequence)
"""

from assistant.checks.catalog import load_catalog
from assistant.checks.engine import check_submission, check_submissions
from assistant.checks.grading import GRADE_CONSEQUENCES, grade_findings

__all__ = ["GRADE_CONSEQUENCES", "check_submission", "check_submissions", "grade_findings", "load_catalog"]
