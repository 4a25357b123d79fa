"""Chinese help, usage lines and usage errors for every `jixiao` command (typer's own are English).

`main.build_app` calls `chinese(app)` once every module has registered its commands: each command becomes a
ChineseCommand and each group a ChineseGroup, unless it brings its own subclass of them (check's
CheckCommand, the lazily loaded eval group). So a command added later speaks Chinese without doing anything.

- help: panels 参数 / 选项 / 命令, the help option 显示本说明并退出, value types in words (整数, 数值,
  文本, 路径; none for a switch), ranges as 1～50, [默认：…] and [必填];
- the usage line: 用法：jixiao users add [选项] 用户名;
- usage errors (unknown option or command, a missing or bad value, extra arguments): the usage line, one red
  Chinese sentence naming the option or argument, a hint to --help, exit code 2 — never typer's English panel.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath
from typing import Any, NoReturn, get_args

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import DefaultPlaceholder

PANEL_ARGS, PANEL_OPTIONS, PANEL_COMMANDS = "参数", "选项", "命令"
HELP_OPTION_HELP = "显示本说明并退出。"

# typer.rich_utils reads these module constants while it renders help (typer's documented way to restyle it)
_HELP_STRINGS = {
    "ARGUMENTS_PANEL_TITLE": PANEL_ARGS,
    "OPTIONS_PANEL_TITLE": PANEL_OPTIONS,
    "COMMANDS_PANEL_TITLE": PANEL_COMMANDS,
    "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "DEPRECATED_STRING": "（已停用）",
}
_TYPE_WORDS = {int: "整数", float: "数值", str: "文本"}
_PYDANTIC_REASONS = {
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数值",
    "bool_parsing": "应为 true 或 false",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "应小于 {lt}",
}


def chinese(app: typer.Typer) -> typer.Typer:
    """Give every command and group of `app` (sub-apps included) the Chinese classes; returns `app`.

    Only typer's plain classes are replaced: a command or group that brings its own class keeps it."""
    if _unset(app.info.cls) or app.info.cls is TyperGroup:
        app.info.cls = ChineseGroup
    for info in app.registered_commands:
        if info.cls is None or info.cls is TyperCommand:
            info.cls = ChineseCommand
    for group in app.registered_groups:
        if group.cls is TyperGroup:  # set in add_typer(); unset, the sub-app's own class counts
            group.cls = ChineseGroup
        if group.typer_instance is not None:
            chinese(group.typer_instance)
    return app


def _unset(value: Any) -> bool:
    return value is None or isinstance(value, DefaultPlaceholder)


class ChineseCommand(TyperCommand):
    """A command whose help, usage line and usage errors are Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _prepare_params(self.params)

    def get_usage(self, ctx: Any) -> str:
        return f"用法：{ctx.command_path} {' '.join(_usage_pieces(self, ctx))}"

    def get_help_option(self, ctx: Any) -> Any:
        return _chinese_help_option(super().get_help_option(ctx))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with _help_strings():
            super().format_help(ctx, formatter)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:
            if not is_usage_error(exc) or _is_help_request(exc):
                raise
            usage_error(ctx, usage_error_zh(exc))


class ChineseGroup(TyperGroup):
    """A command group whose help, usage line and usage errors (an unknown command too) are Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _prepare_params(self.params)

    def get_usage(self, ctx: Any) -> str:
        pieces = [*_usage_pieces(self, ctx), "命令", "[参数]..."]
        return f"用法：{ctx.command_path} {' '.join(pieces)}"

    def get_help_option(self, ctx: Any) -> Any:
        return _chinese_help_option(super().get_help_option(ctx))

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with _help_strings():
            super().format_help(ctx, formatter)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:
            if not is_usage_error(exc) or _is_help_request(exc):
                raise
            usage_error(ctx, usage_error_zh(exc))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except Exception as exc:
            if not is_usage_error(exc) or _is_help_request(exc):
                raise
            name = args[0] if args else ""
            if name and self.get_command(ctx, name) is None and not name.startswith("-"):
                usage_error(ctx, self._no_such_command(ctx, name))
            usage_error(ctx, usage_error_zh(exc))

    def _no_such_command(self, ctx: Any, name: str) -> str:
        names = self.list_commands(ctx)
        close = difflib.get_close_matches(name, names)
        if close:
            return f"没有命令“{name}”，是否要用 {'、'.join(close)}？"
        return f"没有命令“{name}”。可用的命令：{'、'.join(names)}。"


def usage_error(ctx: Any, message: str) -> NoReturn:
    """The usage line, the problem in one red Chinese sentence and a hint to --help on stderr; exit code 2."""
    from rich.console import Console
    from rich.text import Text

    err = Console(stderr=True, soft_wrap=True)
    err.print(Text(ctx.command.get_usage(ctx)))
    err.print(Text(message, style="red"))
    err.print(Text(f"运行“{ctx.command_path} --help”查看说明。", style="dim"))
    raise typer.Exit(2)


def is_usage_error(exc: BaseException) -> bool:
    # typer vendors its own click: its exception classes are known by name, not imported from a private module
    return any(cls.__name__ == "UsageError" for cls in type(exc).__mro__)


def _is_help_request(exc: BaseException) -> bool:
    return type(exc).__name__ == "NoArgsIsHelpError"  # a group or command called bare shows its help


def usage_error_zh(exc: BaseException) -> str:
    """typer's usage errors (English), said in Chinese: which option or argument, and what is wrong."""
    kind = type(exc).__name__
    message = str(getattr(exc, "message", "") or "")
    option = getattr(exc, "option_name", None)
    param = getattr(exc, "param", None)
    if kind == "NoSuchOption":
        hint = "、".join(getattr(exc, "possibilities", None) or ())
        return f"没有选项“{option}”" + (f"，是否要用 {hint}？" if hint else "。")
    if kind == "BadOptionUsage":
        if "does not take a value" in message:
            return f"选项“{option}”是开关，不带取值。"
        return f"选项“{option}”用法不对：其后缺少取值。"
    if kind == "MissingParameter":
        if param is None:
            return "缺少必需的参数，请检查命令。"
        if param.param_type_name == "argument":
            return f"缺少参数“{_param_name(param)}”。"
        return f"缺少必需的选项“{_param_name(param)}”。"
    if kind == "BadParameter":
        return _bad_value(exc, param)
    extra = re.match(r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)$", message)
    if extra:
        return f"多余的参数：{extra.group(1)}。含空格的取值请加引号。"
    return "命令行参数有误，请检查命令。"


def _bad_value(exc: BaseException, param: Any) -> str:
    name = _param_name(param) if param is not None else "参数"
    cause = exc.__cause__
    errors = cause.errors() if cause is not None and hasattr(cause, "errors") else []
    if errors:
        first = errors[0]
        given = first.get("input")
        reason = _PYDANTIC_REASONS.get(first.get("type", ""))
        said = f"“{name}”的取值“{given}”无效" if isinstance(given, str) else f"“{name}”的取值无效"
        if reason:
            try:
                reason = reason.format(**(first.get("ctx") or {}))
            except (KeyError, IndexError):
                reason = None
        if reason is None:
            word = _type_word(param) if param is not None else None
            reason = f"应为{word}" if word else None
        return said + (f"：{reason}。" if reason else "。")
    return f"“{name}”的取值无效。"


def _param_name(param: Any) -> str:
    if param.param_type_name == "argument":
        return str(param.metavar or param.name)
    longs = [o for o in param.opts if o.startswith("--")] or list(param.opts)
    return longs[0] if longs else str(param.name)


def _type_word(param: Any) -> str | None:
    """What a value of `param` is, in words; None for a switch."""
    desc = getattr(param, "type_descriptor", None)
    if desc is None or getattr(param, "is_flag", False):
        return None
    if desc.is_choice:
        return "|".join(str(getattr(c, "value", c)) for c in desc.choices or ())
    annotation = desc.annotation
    if desc.is_list and get_args(annotation):
        annotation = get_args(annotation)[0]
    if annotation is bool:
        return None
    if desc.is_path or (isinstance(annotation, type) and issubclass(annotation, PurePath)):
        return "路径"
    return _TYPE_WORDS.get(annotation, "取值")


def _range_zh(param: Any) -> str | None:
    info = param.type_descriptor.parameter_info
    low, high = info.min, info.max
    if low is not None and high is not None:
        return f"{low}～{high}"
    if low is not None:
        return f"≥{low}"
    if high is not None:
        return f"≤{high}"
    return None


def _prepare_params(params: list[Any]) -> None:
    """Panels, metavars and type words in Chinese (set on each parameter object of one command)."""
    for param in params:
        if not hasattr(param, "type_descriptor"):
            continue  # not a typer parameter
        if param.param_type_name == "argument":
            if param.metavar is None:
                param.metavar = (_type_word(param) or "参数") + ("..." if param.nargs != 1 else "")
            param.rich_help_panel = param.rich_help_panel or PANEL_ARGS
            setattr(param, "display_type_rich", _no_type)  # noqa: B010  the name column already says it
        else:
            param.rich_help_panel = param.rich_help_panel or PANEL_OPTIONS
            if param.metavar is None:
                word = _type_word(param)
                setattr(param, "display_type_rich", lambda ctx, word=word: word)  # noqa: B010
        if getattr(param.type_descriptor, "is_ranged", False):
            rng = _range_zh(param)
            setattr(param, "_get_number_range_help_str", lambda rng=rng: rng)  # noqa: B010


def _chinese_help_option(option: Any) -> Any:
    if option is not None:
        option.help = HELP_OPTION_HELP
        option.rich_help_panel = PANEL_OPTIONS  # read by typer's help
        setattr(option, "display_type_rich", _no_type)  # noqa: B010  a flag: no <bool>
    return option


def _usage_pieces(command: Any, ctx: Any) -> list[str]:
    pieces = ["[选项]"]
    for param in command.get_params(ctx):
        if param.param_type_name != "argument":
            continue
        name = str(param.metavar or param.name)
        pieces.append(name if param.required else f"[{name}]")
    return pieces


def _no_type(ctx: Any) -> None:
    return None


@contextmanager
def _help_strings() -> Iterator[None]:
    """typer's help words in Chinese while one help text is rendered (restored afterwards)."""
    from typer import rich_utils

    saved = {name: getattr(rich_utils, name) for name in _HELP_STRINGS}
    for name, value in _HELP_STRINGS.items():
        setattr(rich_utils, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(rich_utils, name, value)
