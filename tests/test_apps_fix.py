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
    # In a flow mapping a plain scalar ends at "," or "}".
    "flow/alertmanager.yml": ("""\
        global: {smtp_smarthost: "mail.example.org:587"}
        route: {receiver: ops}
        receivers:
        - {name: ops, email_configs: [{force_implicit_tls: true, to: ops@example.org}]}
        """, ["- {name: ops, email_configs: [{force_implicit_tls: false, to: ops@example.org}]}"]),
    "flow/docker-compose.yml": ("""\
        services:
          vaultwarden:
            image: vaultwarden/server
            environment: [SMTP_HOST=mail.example.org, SMTP_SECURITY=force_tls, SMTP_PORT=587]
        """, ["    environment: [SMTP_HOST=mail.example.org, SMTP_SECURITY=starttls, "
              "SMTP_PORT=587]"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fix_changes_only_the_scalar(tmp_path, name):
    text, expected_new_lines = CASES[name]
    root = project(tmp_path, isolate=False)
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
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


# --- the YAML half follows the Postfix half's options -----------------------------

NOTIFY = ("- platform: smtp\n  server: mail.example.org\n  port: 587\n"
          "  encryption: tls   # the safe fix changes this\n")
MASTODON = ("mastodon:\n  local_domain: example.org\n  smtp:\n    server: mail.example.org\n"
            "    port: 587\n    login: mastodon\n    existingSecret: mastodon-smtp\n"
            "    enable_starttls: auto   # the unsafe fix changes this\n")


def _two_apps(tmp_path):
    root = project(tmp_path, isolate=False)
    (root / "notify.yaml").write_text(NOTIFY)
    (root / "values.yaml").write_text(MASTODON)
    return root


def test_diff_shows_the_yaml_changes_and_writes_nothing(tmp_path):
    root = _two_apps(tmp_path)
    result = lint(root, ".", "--diff")
    assert result.code == 1, result.err
    assert "--- a/notify.yaml\n+++ b/notify.yaml\n" in result.out
    assert "+  encryption: starttls   # the safe fix changes this\n" in result.out
    assert "values.yaml" not in result.out             # an unsafe fix: not without --unsafe-fixes
    assert (root / "notify.yaml").read_text() == NOTIFY
    unsafe = lint(root, ".", "--diff", "--unsafe-fixes")
    assert "+    enable_starttls: always   # the unsafe fix changes this\n" in unsafe.out
    assert (root / "values.yaml").read_text() == MASTODON
    assert lint(root, ".", "--diff", "--fix-only", "app-tls-verify-disabled").out == ""


def test_diff_applies_with_patch_to_what_fix_writes(tmp_path):
    import os
    import shutil
    import subprocess

    if shutil.which("patch") is None:
        if os.environ.get("SMTPLINT_REQUIRE_ALL"):
            pytest.fail("patch is not installed (scripts/test installs it)")
        pytest.skip("patch is not installed")
    root = _two_apps(tmp_path)
    patch = lint(root, ".", "--diff", "--unsafe-fixes").out
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("notify.yaml", "values.yaml"):
        (copy / name).write_text((root / name).read_text())
    subprocess.run(["patch", "-p1", "-s"], input=patch, text=True, cwd=copy, check=True)
    lint(root, ".", "--fix", "--unsafe-fixes")
    for name in ("notify.yaml", "values.yaml"):
        assert (copy / name).read_text() == (root / name).read_text()


def test_unsafe_fixes_and_fix_only_apply_to_the_yaml(tmp_path):
    root = _two_apps(tmp_path)
    lint(root, ".", "--fix", "--unsafe-fixes", "--fix-only", "app-tls-not-required")
    assert (root / "notify.yaml").read_text() == NOTIFY         # not the rule asked for
    assert "enable_starttls: always   #" in (root / "values.yaml").read_text()
    lint(root, ".", "--fix")
    assert "encryption: starttls   #" in (root / "notify.yaml").read_text()


def test_two_fixes_for_one_setting_keep_the_one_that_makes_it_work(tmp_path):
    # Port 465 without TLS: app-port-mode-mismatch (safe) wants force_tls,
    # app-tls-not-required (unsafe) wants starttls. The error's fix wins.
    root = project(tmp_path, isolate=False)
    path = root / "docker-compose.yml"
    path.write_text("services:\n  vaultwarden:\n    image: vaultwarden/server\n"
                    "    environment:\n      - SMTP_HOST=mail.example.org\n"
                    "      - SMTP_PORT=465\n      - SMTP_SECURITY=off\n")
    result = lint(root, ".", "--fix", "--unsafe-fixes")
    assert "- SMTP_SECURITY=force_tls\n" in path.read_text()
    assert "fix not applied" in result.err


def test_fix_does_not_overwrite_a_file_changed_since_it_was_read(tmp_path):
    from linter.apps.fix import plan_fixes, write_fixes

    root = _two_apps(tmp_path)
    findings = _findings(root)
    [fix] = plan_fixes(findings)
    assert fix.path.endswith("notify.yaml") and fix.changed
    edited = NOTIFY.replace("587", "2525")      # someone else's edit, same size
    (root / "notify.yaml").write_text(edited)
    errors = write_fixes([fix])
    assert errors and "changed on disk" in errors[0]
    assert (root / "notify.yaml").read_text() == edited


def test_fix_never_writes_into_what_replaced_the_file(tmp_path):
    import os

    from linter.apps.fix import plan_fixes, write_fixes

    root = _two_apps(tmp_path)
    [fix] = plan_fixes(_findings(root))
    (root / "notify.yaml").unlink()
    os.mkfifo(root / "notify.yaml")      # a writer would block or write into a pipe
    errors = write_fixes([fix])
    assert errors and "regular file" in errors[0]


def _findings(root):
    from apps_helpers import lint_dir

    findings, _, _ = lint_dir(root)
    return findings


def test_a_setting_merged_in_with_an_anchor_is_fixed_by_hand_only(tmp_path):
    """``<<: *common`` shares the anchor's scalar with its other users: the
    receiver that merges it gets no edit; the one that aliases the anchor
    itself edits it where it is written."""
    root = project(tmp_path, isolate=False)
    path = root / "alertmanager.yml"
    path.write_text(textwrap.dedent("""\
        common: &common
          smarthost: mail.example.org:465
          force_implicit_tls: false
        route: {receiver: a}
        receivers:
          - name: a
            email_configs: [*common]
          - name: b
            email_configs:
              - <<: *common
                to: b@example.org
        """))
    findings = [f for f in lint(root, ".", "--format", "json").json()["findings"]
                if f["rule"] == "app-port-mode-mismatch"]
    assert sorted((f["service"], bool(f["fix"]["edits"])) for f in findings) == [
        ("Alertmanager (receiver a)", True), ("Alertmanager (receiver b)", False)]
    with pytest.raises(FixError, match="merge"):
        apply_edits(path.read_text(), [("receivers/1/email_configs/0/force_implicit_tls",
                                        "true")])


def test_fix_edits_the_compose_list_item_compose_uses():
    text = ("services:\n  vw:\n    environment:\n      - SMTP_SECURITY=starttls\n"
            "      - SMTP_SECURITY=force_tls\n      - SMTP_PORT\n      - SMTP_PORT=25\n")
    assert apply_edits(text, [("services/vw/environment/SMTP_SECURITY", "starttls")]) == \
        text.replace("=force_tls", "=starttls")
    with pytest.raises(FixError, match="not found"):
        apply_edits(text.replace("      - SMTP_PORT=25\n", ""),
                    [("services/vw/environment/SMTP_PORT", "587")])
