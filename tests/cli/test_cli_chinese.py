"""Every `jixiao` command speaks Chinese: `--help` of the top level, of each group and of each command, the
usage line, and the usage errors (unknown command or option, a missing or bad value, extra arguments)."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from jixiao.cli.main import app

runner = CliRunner()
ENGLISH_HELP = re.compile(
    r"Usage|Arguments|Options|Commands|Show this message|\[required\]|\[default|\[env var"
    r"|<(bool|int|float|str|path|list)|COMMAND|ARGS|\(deprecated\)"
)
ENGLISH_ERROR = re.compile(r"Usage|Error|Try '|Missing|No such|Invalid value|Got unexpected|requires an")


def _command_paths() -> list[tuple[str, ...]]:
    """Every group and command of the app, as argument paths (eval's commands loaded on demand)."""
    root = typer.main.get_command(app)
    paths: list[tuple[str, ...]] = [()]
    stack = [((), root)]
    while stack:
        path, group = stack.pop()
        ctx = group.make_context("jixiao", ["--help"], resilient_parsing=True)
        for name in group.list_commands(ctx):
            sub = group.get_command(ctx, name)
            paths.append((*path, name))
            if hasattr(sub, "list_commands"):
                stack.append(((*path, name), sub))
    return paths


PATHS = _command_paths()


def test_the_tree_is_walked_whole():
    names = {" ".join(p) for p in PATHS}
    assert {"", "check", "batch", "users add", "docs remove", "standards import", "eval checks"} <= names


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "jixiao")
def test_every_help_is_chinese(path):
    result = runner.invoke(app, [*path, "--help"], terminal_width=120)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"用法：jixiao {' '.join(path)}".replace("  ", " ").strip() in out
    assert "显示本说明并退出" in out and "选项" in out
    assert not ENGLISH_HELP.search(out), out


def test_top_level_help_lists_commands_under_a_chinese_panel():
    out = runner.invoke(app, ["--help"], terminal_width=120).stdout
    assert "用法：jixiao [选项] 命令 [参数]..." in out
    assert "─ 命令 ─" in out and "check" in out and "eval" in out


def test_help_shows_types_ranges_defaults_and_required_in_chinese():
    search = runner.invoke(app, ["search", "--help"], terminal_width=120).stdout
    assert "用法：jixiao search [选项] 问题" in search
    assert "[1～50]" in search and "[默认：5]" in search
    batch = runner.invoke(app, ["batch", "--help"], terminal_width=120).stdout
    assert "用法：jixiao batch [选项] 文件..." in batch and "[必填]" in batch and "目录" in batch


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["chek"], "没有命令“chek”，是否要用 check？"),
        (["zzzz"], "没有命令“zzzz”。可用的命令："),
        (["users", "ad"], "没有命令“ad”，是否要用 add？"),
        (["--bogus"], "没有选项“--bogus”"),
        (["search"], "缺少参数“问题”"),
        (["users", "add"], "缺少参数“用户名”"),
        (["search", "预算", "--k", "abc"], "“--k”的取值“abc”无效：应为整数。"),
        (["search", "预算", "--k", "0"], "“--k”的取值“0”无效：不能小于 1。"),
        (["search", "预算", "--k", "99"], "“--k”的取值“99”无效：不能大于 50。"),
        (["search", "预算", "绩效"], "多余的参数：绩效。"),
        (["serve", "--port"], "选项“--port”用法不对：其后缺少取值。"),
        (["serve", "--port", "http"], "“--port”的取值“http”无效：应为整数。"),
        (["batch", "x.json"], "缺少必需的选项“--out”。"),
        (["batch", "x.json", "-o", "out", "--json=1"], "选项“--json”是开关，不带取值。"),
        (
            ["batch", "x.json", "-o", "out", "--min-budget", "many"],
            "“--min-budget”的取值“many”无效：应为数值。",
        ),
        (["ask", "问题", "--bogus"], "没有选项“--bogus”"),
        (["eval", "checks", "--bogus"], "没有选项“--bogus”"),
        (["check", "--foo", "x.json"], "没有选项“--foo”"),
    ],
)
def test_usage_errors_are_chinese(args, said):
    result = runner.invoke(app, args, terminal_width=120)
    assert result.exit_code == 2, result.output
    assert said in result.stderr, result.stderr
    assert result.stderr.startswith("用法：jixiao"), result.stderr
    assert "--help”查看说明" in result.stderr
    assert not ENGLISH_ERROR.search(result.stderr), result.stderr


def test_a_group_called_bare_shows_its_help():
    result = runner.invoke(app, ["users"], terminal_width=120)
    assert "用法：jixiao users [选项] 命令 [参数]..." in result.output and "add" in result.output
    assert not ENGLISH_HELP.search(result.output), result.output
