"""Batch review of a budget round (`jixiao batch`, DESIGN.md §7): every file units sent, one 汇总表.

    from assistant.batch import BatchOptions, ScopeRules, run_batch
    report = run_batch(paths, out_dir, BatchOptions(scope=ScopeRules(min_budget_wan=50), opinions=True))

Rows come in input order, one per submission (a file or item that cannot be read or checked is a row with
its error); grades are those of `jixiao check`; summary.json counts what the 汇总表 shows.
"""

from assistant.batch.rows import BatchRow
from assistant.batch.run import BatchOptions, BatchReport, run_batch
from assistant.batch.scope import ScopeRules, split_words

__all__ = ["BatchOptions", "BatchReport", "BatchRow", "ScopeRules", "run_batch", "split_words"]
