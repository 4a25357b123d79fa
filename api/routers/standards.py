"""支出标准库 (formats.md §5): list (staff), add / edit / delete / import from xlsx or CSV (admin), export
CSV.

Every precheck the service runs compares unit costs with this library: `check_options` is what the
submissions and assessment routes pass to the checks (the library as stored now, and the 事前绩效评估
threshold of the settings).
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from api.deps import CurrentUser, ServicesDep, SessionDep, Staff
from api.state import AppServices
from assistant.auth import Permission, has_permission, role_zh
from assistant.records import User, transaction
from assistant.records.standards import (
    StandardRecord,
    add_standard,
    delete_standard,
    import_standards,
    library,
    list_standards,
    update_standard,
)
from core.errors import Forbidden, UnsupportedMediaType, UserError
from core.models import Standard
from ingest.standards import FIELD_ZH, load_standards_bytes, parse_cost_unit
from ingest.targets import ImportLimits

router = APIRouter(prefix="/standards", tags=["支出标准"])
EXPORT_COLUMNS = ("事项", "关键词", "计量单位", "标准值", "类型", "适用地区", "年度", "依据")


def check_options(services: AppServices, session: Session) -> dict[str, Any]:
    """What every service precheck passes to the rules: the stored 支出标准 and the 事前绩效评估 threshold."""
    return {
        "standards": library(session),
        "ex_ante_min_yuan": services.settings.exante_min_budget_wan * 10_000,
    }


async def _standards_admin(user: CurrentUser) -> User:
    if not has_permission(user, Permission.manage_docs):
        raise Forbidden(
            f"当前角色（{role_zh(user.role)}）无权维护支出标准库，请联系管理员。",
            details={"required": Permission.manage_docs.value, "role": user.role},
        )
    return user


StandardsAdmin = Annotated[User, Depends(_standards_admin)]


class StandardIn(BaseModel):
    item: str = Field(min_length=1, max_length=256, description="事项，如 城市道路清扫保洁")
    keywords: list[str] | str = Field(default_factory=list, description="关键词（列表或以、分隔）")
    unit: str = Field(min_length=1, max_length=64, description="计量单位，如 元/平方米·年")
    value: float = Field(description="标准值（按计量单位）")
    kind: str = Field(default="上限", description="上限 或 参考")
    region: str | None = Field(default=None, max_length=128)
    year: int | None = Field(default=None, ge=1990, le=2100)
    basis: str | None = Field(default=None, max_length=2000, description="依据（文号或来源）")

    def to_standard(self) -> Standard:
        if parse_cost_unit(self.unit) is None:
            raise UserError(
                f"计量单位“{self.unit}”不是“金额/计量单位[·期间]”的形式"
                "（如 元/平方米·年、万元/公里、元/人·月），无法与成本指标比对。",
                code="bad_standard_unit",
            )
        if self.kind not in ("上限", "参考"):
            raise UserError(f"类型“{self.kind}”应为“上限”或“参考”。", code="bad_standard_kind")
        if self.value <= 0:
            raise UserError("标准值应大于0。", code="bad_standard_value")
        try:
            return Standard(
                item=self.item,
                keywords=self.keywords,
                unit=self.unit,
                value=self.value,
                kind=self.kind,  # type: ignore[arg-type]
                region=(self.region or "").strip() or None,
                year=self.year,
                basis=(self.basis or "").strip() or None,
                source="网页录入",
            )
        except ValidationError as exc:
            raise UserError(
                "支出标准的内容不完整：事项、计量单位和标准值都必须填写。", code="bad_standard"
            ) from exc


def standard_public(record: StandardRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "item": record.item,
        "keywords": list(record.keywords or []),
        "unit": record.unit,
        "value": record.value,
        "kind": record.kind,
        "region": record.region,
        "year": record.year,
        "basis": record.basis,
        "source": record.source,
        "updated_by": record.updated_by,
        "updated_at": record.updated_at.isoformat() if record.updated_at else None,
    }


@router.get("", summary="支出标准库（全部标准）")
def list_all(_user: Staff, session: SessionDep) -> dict[str, Any]:
    return {"items": [standard_public(r) for r in list_standards(session)], "columns": dict(FIELD_ZH)}


@router.post("", status_code=201, summary="新增一条支出标准（管理员）")
def create(body: StandardIn, user: StandardsAdmin, services: ServicesDep) -> dict[str, Any]:
    standard = body.to_standard()
    return transaction(
        services.session_factory,
        lambda session: standard_public(add_standard(session, standard, actor=user.username)),
    )


@router.put("/{standard_id}", summary="修改一条支出标准（管理员）")
def update(standard_id: int, body: StandardIn, user: StandardsAdmin, services: ServicesDep) -> dict[str, Any]:
    standard = body.to_standard()
    return transaction(
        services.session_factory,
        lambda session: standard_public(update_standard(session, standard_id, standard, actor=user.username)),
    )


@router.delete("/{standard_id}", status_code=204, summary="删除一条支出标准（管理员）")
def remove(standard_id: int, user: StandardsAdmin, services: ServicesDep) -> Response:
    transaction(
        services.session_factory, lambda session: delete_standard(session, standard_id, actor=user.username)
    )
    return Response(status_code=204)


@router.post(
    "/import",
    summary="导入支出标准表（.xlsx 或 .csv，列按含义识别；管理员）",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    },
)
async def import_file(
    request: Request,
    user: StandardsAdmin,
    services: ServicesDep,
    replace: Annotated[bool, Query(description="以本文件为准：库中有、文件中没有的标准一并删除")] = False,
) -> dict[str, Any]:
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise UnsupportedMediaType("请以 multipart/form-data 上传支出标准表（字段名 file）。")
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise UserError("请以 multipart 字段 file 上传支出标准表（.xlsx 或 .csv）。", code="file_missing")
    name = (upload.filename or "支出标准表").rsplit("/", 1)[-1]
    data = await upload.read()
    result = await run_in_threadpool(
        load_standards_bytes, data, name, ImportLimits.from_settings(services.settings)
    )
    issues = [{**i.model_dump(exclude_none=True), "text": str(i)} for i in result.issues]
    if not result.standards:
        raise UserError(
            "支出标准表中没有可用的标准：" + "；".join(str(i) for i in result.issues[:5]),
            code="no_standards",
            details={"issues": issues},
        )
    counts = await run_in_threadpool(
        transaction,
        services.session_factory,
        lambda session: import_standards(
            session, result.standards, actor=user.username, source=name, replace=replace
        ),
    )
    return {**counts, "read": len(result.standards), "issues": issues}


@router.get("/export.csv", summary="导出支出标准库（CSV，可修改后重新导入）", response_class=Response)
def export_csv(_user: Staff, session: SessionDep) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for s in library(session):
        writer.writerow(
            [
                s.item,
                "、".join(s.keywords),
                s.unit,
                f"{s.value:g}",
                s.kind,
                s.region or "",
                s.year or "",
                s.basis or "",
            ]
        )
    return Response(
        buffer.getvalue().encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="standards.csv"; '
            f"filename*=UTF-8''{quote('支出标准库.csv')}"
        },
    )
