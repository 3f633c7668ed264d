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


def test_diff_shows_no_password_and_still_applies(repository, tmp_path):
    """--diff prints the file around each fix: a context line holding the
    password is left out (fewer context lines), so ``patch`` still gives
    what --fix writes. The password sits just above the fixed line."""
    import shutil
    import subprocess

    name = "docker-compose.yml"
    text = FILES[name].replace("SMTP_PORT=25", "SMTP_PORT=587").replace(
        "SMTP_SECURITY=off", "SMTP_SECURITY=force_tls")
    lines = text.splitlines(keepends=True)
    lines.insert(-1, lines.pop(lines.index("      - SMTP_SECURITY=force_tls\n")))
    (repository / name).write_text("".join(lines))
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(repository / name, copy / name)
    result = lint(repository, name, "--diff")
    assert "+      - SMTP_SECURITY=starttls\n" in result.out
    assert SECRET not in result.out + result.err
    if shutil.which("patch") is not None:
        subprocess.run(["patch", "-p1", "-s"], input=result.out, text=True, cwd=copy,
                       check=True)
        lint(repository, name, "--fix")
        assert (copy / name).read_text() == (repository / name).read_text()


def test_a_changed_line_holding_the_password_is_masked():
    from linter.apps.fix import FileFix, _masked_diff

    before = f"a: 1\nsmtp: {{port: 587, tls: true, password: {SECRET}}}\nb: 2\n"
    fix = FileFix("x.yml", before, before.replace("tls: true", "tls: false"))
    shown = _masked_diff(fix, [SECRET])
    assert SECRET not in shown
    assert shown.splitlines()[2:] == ["@@ -1,3 +1,3 @@", " a: 1",
                                      "-smtp: {port: 587, tls: true, password: ****}",
                                      "+smtp: {port: 587, tls: false, password: ****}", " b: 2"]
