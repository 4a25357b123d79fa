"""jixiao — 绩效目标审核助手: the command line (jixiao.cli), the top layer and composition root.

Settings, domain models and errors live in core/; nothing below the CLI imports this package."""

from core import __version__

__all__ = ["__version__"]
