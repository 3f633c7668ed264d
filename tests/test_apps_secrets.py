"""No password or secret value appears in any output format, whatever
rules fire on the file that holds it (masked where a value is shown)."""

from __future__ import annotations

import pytest
from lint_helpers import lint, lint_process

from linter.apps.findings import mask
from linter.report import FORMATS

SECRET = "Zz9-very-secret-Zz9"
FILES = {
    "alertmanager.yml": f"""global:
  smtp_smarthost: 'mail.example.org:587'
  smtp_auth_username: alerts
  smtp_auth_password: '{SECRET}'
  smtp_require_tls: false
route: {{receiver: ops}}
receivers:
  - name: ops
    email_configs:
      - to: ops@example.org
        force_implicit_tls: true
        tls_config: {{insecure_skip_verify: true}}
""",
    "docker-compose.yml": f"""services:
  vaultwarden:
    image: vaultwarden/server
    environment:
      - SMTP_HOST=mail.example.org
      - SMTP_PORT=25
      - SMTP_SECURITY=off
      - SMTP_USERNAME=vault
      - SMTP_PASSWORD={SECRET}
""",
    "sentry/config.yml": f"""system.secret-key: x
mail.host: mail.example.org
mail.port: 465
mail.use-tls: true
mail.use-ssl: true
mail.username: sentry
mail.password: "{SECRET}"
""",
}


@pytest.fixture
def repository(tmp_path):
    (tmp_path / ".git").mkdir()
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


@pytest.mark.parametrize("output_format", FORMATS)
def test_no_format_prints_the_password(repository, output_format):
    result = lint(repository, ".", "--format", output_format)
    assert result.code == 1, result.err
    assert "app-plaintext-credentials" in result.out or output_format == "junit"
    assert SECRET not in result.out and SECRET not in result.err


def test_show_and_the_real_process_do_not_print_it(repository):
    for name in FILES:
        shown = lint_process(repository, name, "--format", "json", command="show")
        assert shown.code == 0 and SECRET not in shown.out + shown.err
        text = lint_process(repository, name, command="show")
        assert SECRET not in text.out + text.err
    process = lint_process(repository, ".", "--format", "sarif")
    assert SECRET not in process.out + process.err


def test_masking_replaces_whole_tokens_only():
    assert mask("user:hunter22@mail password hunter22x", ["hunter22"]) == \
        "user:****@mail password hunter22x"
