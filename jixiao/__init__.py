"""jixiao — 绩效目标审核助手. This package holds the settings object and the CLI (the composition root)."""

__version__ = "0.1.0"
