"""Prompt files -> LangChain prompt objects.

Each prompt is a file `prompts/<name>.v<N>.md` with YAML front matter (`name`, `version`,
`description`) and a body in LangChain f-string template syntax (`{variable}`, literal braces
doubled). The highest version is used unless one is pinned. Values passed at render time are never
re-parsed as templates, so submission text (even with braces or instructions) stays data.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from pydantic import BaseModel

PROMPTS_DIR = Path(__file__).resolve().parent
_FILE_RE = re.compile(r"^(?P<name>[a-z0-9_]+)\.v(?P<version>\d+)\.md$")
_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*\n(?P<body>.*)\Z", re.DOTALL)


class PromptFile(BaseModel):
    name: str
    version: str
    description: str = ""
    text: str
    path: str

    @property
    def ref(self) -> str:
        """`chat_system@v1` — recorded with every output the prompt produced."""
        return f"{self.name}@v{self.version}"


class PromptNotFound(LookupError):
    pass


def available_prompts(directory: Path = PROMPTS_DIR) -> dict[str, list[int]]:
    """{name: [versions ascending]} for every prompt file in the directory."""
    found: dict[str, list[int]] = {}
    for path in directory.glob("*.md"):
        m = _FILE_RE.match(path.name)
        if m:
            found.setdefault(m["name"], []).append(int(m["version"]))
    return {name: sorted(versions) for name, versions in found.items()}


@lru_cache(maxsize=64)
def load_prompt(name: str, version: int | None = None, directory: Path = PROMPTS_DIR) -> PromptFile:
    """The prompt file `name` at `version` (default: the highest on disk)."""
    versions = available_prompts(directory).get(name)
    if not versions:
        raise PromptNotFound(f"提示词文件不存在：{name}（目录 {directory}）")
    chosen = version if version is not None else versions[-1]
    if chosen not in versions:
        raise PromptNotFound(f"提示词文件 {name} 没有版本 v{chosen}（现有：{versions}）")
    path = directory / f"{name}.v{chosen}.md"
    raw = path.read_text(encoding="utf-8")
    m = _FRONT_MATTER_RE.match(raw)
    if not m:
        raise ValueError(f"提示词文件 {path.name} 缺少 YAML 头（--- … ---）")
    meta = yaml.safe_load(m["meta"]) or {}
    if str(meta.get("version")) != str(chosen) or meta.get("name") != name:
        raise ValueError(f"提示词文件 {path.name} 的头信息 name/version 与文件名不一致")
    return PromptFile(
        name=name,
        version=str(chosen),
        description=str(meta.get("description", "")),
        text=m["body"].strip() + "\n",
        path=str(path),
    )


def chat_prompt(system: str, human: str, *, with_history: bool = False) -> ChatPromptTemplate:
    """System + (optional history placeholder) + human message, each loaded from its prompt file."""
    messages: list = [("system", load_prompt(system).text)]
    if with_history:
        messages.append(MessagesPlaceholder("history", optional=True))
    messages.append(("human", load_prompt(human).text))
    return ChatPromptTemplate.from_messages(messages)


def prompt_refs(*names: str) -> list[str]:
    """Version references of the prompts used, e.g. ["chat_system@v1", "chat_user@v1"]."""
    return [load_prompt(name).ref for name in names]
