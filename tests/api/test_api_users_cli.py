"""`jixiao users …`: accounts and tokens from the command line; the printed token works on the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jixiao.cli.main import app as cli


def test_add_list_token_then_use_it(tmp_data_dir):
    runner = CliRunner()
    added = runner.invoke(cli, ["users", "add", "li", "--role", "reviewer", "--display-name", "李审核"])
    assert added.exit_code == 0, added.output
    assert "李审核" in added.output and "审核人员" in added.output
    listed = runner.invoke(cli, ["users", "list"])
    assert "li" in listed.output and "审核人员" in listed.output
    issued = runner.invoke(cli, ["users", "token", "li"])
    assert issued.exit_code == 0
    token = issued.stdout.strip().splitlines()[0]
    assert token.startswith("jx_")

    from api.app import create_app
    from core.settings import get_settings

    application = create_app(get_settings())
    try:
        me = TestClient(application).get("/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
        assert (me["username"], me["display_name"], me["role"]) == ("li", "李审核", "reviewer")
    finally:
        application.state.services.close()

    revoked = runner.invoke(cli, ["users", "revoke", "li"])
    assert revoked.exit_code == 0 and "1 个令牌" in revoked.output


def test_cli_errors_are_chinese_without_traceback(tmp_data_dir):
    runner = CliRunner()
    bad_role = runner.invoke(cli, ["users", "add", "wang", "--role", "boss"])
    assert bad_role.exit_code == 1 and "未知角色" in bad_role.output and "Traceback" not in bad_role.output
    unknown = runner.invoke(cli, ["users", "token", "nobody"])
    assert unknown.exit_code == 1 and "不存在" in unknown.output
    runner.invoke(cli, ["users", "add", "wang", "--role", "submitter"])
    again = runner.invoke(cli, ["users", "add", "wang", "--role", "submitter"])
    assert again.exit_code == 1 and "已存在" in again.output


def test_serve_command_is_registered():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output
