"""--fix for application YAML: only the changed scalars change; comments,
quoting, key order and indentation stay (a diff of before and after)."""

from __future__ import annotations

import difflib
import textwrap

import pytest
from lint_helpers import lint, project

from linter.apps.fix import FixError, apply_edits, fix_yaml

CASES = {
    "notify.yaml": ("""\
        # Home Assistant notifiers
        - name: mail   # the main one
          platform: smtp
          server: mail.example.org
          port: 587
          encryption:   tls    # wrong for 587
          sender: "ha@example.org"
        """, ["  encryption:   starttls    # wrong for 587"]),
    "docker-compose.yml": ("""\
        services:
          vaultwarden:
            image: vaultwarden/server   # pinned elsewhere
            environment:
              - DOMAIN=https://vault.example.org
              - SMTP_HOST=mail.example.org
              - SMTP_PORT=587
              - "SMTP_SECURITY=force_tls"
        """, ['      - "SMTP_SECURITY=starttls"']),
    "configuration.yml": ("""\
        access_control: {default_policy: deny}
        notifier:
          smtp:
            username: authelia
            address: 'submissions://mail.example.org:587'  # provider docs
        """, ["    address: 'submission://mail.example.org:587'  # provider docs"]),
    "alertmanager.yml": ("""\
        global:
          smtp_smarthost: "mail.example.org:587"
        route: {receiver: ops}
        receivers:
        - name: ops
          email_configs:
          - to: ops@example.org
            force_implicit_tls: true
        """, ["    force_implicit_tls: false"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fix_changes_only_the_scalar(tmp_path, name):
    text, expected_new_lines = CASES[name]
    root = project(tmp_path, isolate=False)
    path = root / name
    before = textwrap.dedent(text)
    path.write_text(before)
    result = lint(root, ".", "--format", "json")
    findings = [f for f in result.json()["findings"] if f["rule"] == "app-port-mode-mismatch"]
    assert findings and findings[0]["fix"]["safety"] == "safe"
    assert lint(root, ".", "--fix", "--format", "json").err.startswith("smtplint: fixed 1")
    after = path.read_text()
    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert [line[1:] for line in diff if line.startswith("+")] == expected_new_lines
    assert len(diff) == 2
    again = lint(root, ".", "--format", "json").json()["findings"]
    assert "app-port-mode-mismatch" not in {f["rule"] for f in again}


def test_fix_yaml_without_safe_fixes_returns_the_text(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text("a: 1  # keep\n")
    assert fix_yaml(str(path), []) == "a: 1  # keep\n"


def test_apply_edits_refuses_what_it_cannot_edit():
    with pytest.raises(FixError):
        apply_edits("a:\n  b: |\n    x\n    y\n", [("a/b", "z")])
    with pytest.raises(FixError):
        apply_edits("a: 1\n", [("missing/key", "z")])


def test_fix_turns_the_exclusive_flag_off_too(tmp_path):
    root = project(tmp_path, isolate=False)
    path = root / "sentry" / "config.yml"
    path.parent.mkdir()
    before = ("system.secret-key: x\nmail.host: 'mail.example.org'\nmail.port: 465\n"
              "mail.use-tls: true   # STARTTLS\nmail.use-ssl: false\n")
    path.write_text(before)
    lint(root, ".", "--fix")
    assert path.read_text() == before.replace("use-tls: true", "use-tls: false").replace(
        "use-ssl: false", "use-ssl: true")
    assert lint(root, ".", "--format", "json").json()["findings"] == []


def test_fix_leaves_baselined_and_skipped_findings_alone(tmp_path):
    root = project(tmp_path, isolate=False)
    path = root / "notify.yaml"
    before = "- platform: smtp\n  server: mail.example.org\n  port: 587\n  encryption: tls\n"
    path.write_text(before)
    (root / ".smtplint.yml").write_text("skip_list: [app-port-mode-mismatch]\n")
    lint(root, ".", "--fix")
    assert path.read_text() == before
    (root / ".smtplint.yml").unlink()
    lint(root, ".", "--generate-ignore")
    lint(root, ".", "--fix")
    assert path.read_text() == before
