"""App findings go through the same engine as the Postfix ones: in-file
suppression in YAML comments, profiles, skip/warn lists, the baseline;
user mappings; the cross-check with Postfix (myhostname and `servers`)."""

from __future__ import annotations

import json
import shutil
import textwrap

import pytest
from conftest import FIXTURES, ROOT
from limits import assert_no_traceback, smtplint_limited
from lint_helpers import lint, lint_process, project

HA = FIXTURES / "rules" / "app-port-mode-mismatch" / "fires-home-assistant" / "notify.yaml"


def _repo(tmp_path, text=None, name="notify.yaml"):
    root = project(tmp_path, isolate=False)
    if text is None:
        shutil.copy(HA, root / name)
    else:
        (root / name).write_text(textwrap.dedent(text))
    return root


def test_trailing_noqa_and_own_line_directive_suppress(tmp_path):
    root = _repo(tmp_path, """\
        - name: mail
          platform: smtp
          server: mail.example.org
          port: 587
          encryption: tls  # noqa: app-port-mode-mismatch
        # smtplint: disable=app-tls-not-required
        - name: other
          platform: smtp
          server: relay.example.org
          encryption: none
        - name: third
          platform: smtp
          server: relay.example.org
          encryption: none
        """)
    result = lint(root, ".", "--format", "json")
    found = [(f["rule"], f["line"]) for f in result.json()["findings"]]
    assert found == [("app-tls-not-required", 14)]


def test_disable_file_and_bare_noqa(tmp_path):
    root = _repo(tmp_path, """\
        # smtplint: disable-file=app-tls-not-required
        - platform: smtp
          server: relay.example.org
          encryption: none
        - platform: smtp
          server: relay.example.org
          port: 465
          encryption: starttls  # noqa
        """)
    assert lint(root, ".", "--format", "json").json()["findings"] == []


def test_profiles_skip_warn_and_baseline_apply(tmp_path):
    root = _repo(tmp_path)
    assert lint(root, ".", "--format", "json").code == 1
    (root / ".smtplint.yml").write_text("warn_list: [app-port-mode-mismatch]\n")
    result = lint(root, ".", "--format", "json")
    assert result.code == 0 and result.json()["findings"][0]["severity"] == "warning"
    (root / ".smtplint.yml").write_text("skip_list: [app]\n")
    assert lint(root, ".", "--format", "json").json()["findings"] == []
    (root / ".smtplint.yml").write_text("profile: min\n")
    assert lint(root, ".", "--format", "json").rules() == ["app-port-mode-mismatch"]
    (root / ".smtplint.yml").unlink()
    assert lint(root, ".", "--generate-ignore").code == 0
    assert "notify.yaml app-port-mode-mismatch" in (root / ".smtplint-ignore").read_text()
    assert lint(root, ".", "--format", "json").json()["findings"] == []


def test_user_mapping_from_apps_dir_is_validated_and_used(tmp_path):
    root = project(tmp_path, isolate=False)
    mappings = root / "mappings"
    mappings.mkdir()
    (mappings / "mailer.yaml").write_text(textwrap.dedent("""\
        # A team's own app.
        app: mailer
        name: Mailer
        references: [https://example.org/mailer]
        recognize:
          text: [smtp]
          signals: [{file: "mailer.yml"}, {key: smtp/server}]
        endpoints:
          - at: smtp
            fields:
              server: {path: server}
              port: {path: port, type: port}
              tls: {path: tls, type: enum}
            model:
              host: server
              port: [port]
              transport:
                - {when: {field: tls, equals: implicit}, value: implicit_tls}
                - {value: starttls}
        """))
    (root / "mailer.yml").write_text("smtp:\n  server: mail.example.org\n  port: 587\n"
                                     "  tls: implicit\n")
    assert lint(root, ".", "--format", "json").json()["findings"] == []
    result = lint(root, ".", "--format", "json", "--apps-dir", str(mappings))
    assert result.rules() == ["app-port-mode-mismatch"]
    (root / ".smtplint.yml").write_text("apps_dir: mappings\n")
    assert lint(root, ".", "--format", "json").rules() == ["app-port-mode-mismatch"]
    (mappings / "mailer.yaml").write_text("app: mailer\nname: Mailer\n")
    broken = lint(root, ".", "--format", "json")
    assert broken.code == 2 and "mailer.yaml" in broken.err


def test_servers_config_key_maps_a_host_to_its_postfix(tmp_path):
    fixture = FIXTURES / "rules" / "app-endpoint-not-offered" / "clean-other-host"
    root = project(tmp_path, isolate=False)
    shutil.copytree(fixture / "postfix", root / "mail")
    shutil.copytree(fixture / "authelia", root / "authelia")
    # The app's host is not the server's myhostname: nothing to compare...
    assert lint(root, "authelia", "--format", "json").json()["findings"] == []
    # ...until the config says which Postfix serves it (465 is not offered).
    (root / ".smtplint.yml").write_text("servers:\n  smtp.provider.example: mail\n")
    result = lint(root, "authelia", "--format", "json")
    [finding] = result.json()["findings"]
    assert finding["rule"] == "app-endpoint-not-offered"
    assert "no active submissions (465) service" in finding["message"]
    assert finding["related"] == []


def test_cross_check_names_the_postfix_service(tmp_path):
    fixture = (FIXTURES / "rules" / "app-endpoint-not-offered"
               / "fires-home-assistant-587-wrappermode")
    root = project(tmp_path, isolate=False)
    shutil.copytree(fixture, root, dirs_exist_ok=True)
    findings = lint(root, ".", "--format", "json").json()["findings"]
    [finding] = [f for f in findings if f["rule"] == "app-endpoint-not-offered"]
    assert finding["related"][0]["label"].startswith("submission (master.cf:2)")
    assert finding["path"].endswith("notify.yaml")


def test_apps_command_lists_every_app(tmp_path):
    result = lint_process(tmp_path, "--format", "json", command="apps")
    assert result.code == 0, result.err
    apps = {item["app"]: item for item in json.loads(result.out)}
    assert len(apps) >= 14 and all(item["signals"] for item in apps.values())
    text = lint_process(tmp_path, command="apps")
    assert "recognised by 2 of" in text.out


def test_lint_without_yaml_never_imports_the_app_machinery(tmp_path):
    import subprocess
    import sys

    code = ("import io, sys\nfrom linter.cli import main\n"
            f"main(['lint', {str(ROOT / 'examples' / 'postfix')!r}, '--format', 'brief'], "
            "stdout=io.StringIO())\n"
            "bad = [m for m in sys.modules if m.startswith(('linter.apps', 'ruamel'))]\n"
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, env={"PYTHONPATH": str(ROOT)}, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def _notes(root) -> list[tuple[str, str]]:
    return [(note["path"], note["message"]) for note in
            lint(root, ".", "--format", "json").json()["notifications"] if note["level"] == "note"]


def test_yaml_ids_by_blanks_with_a_reason(tmp_path):
    root = _repo(tmp_path, """\
        - name: mail
          platform: smtp
          server: mail.example.org
          port: 587
          encryption: tls  # noqa: app-tls-not-required app-port-mode-mismatch  # ticket 7
        # smtplint: disable=app-tls-not-required, app-port-mode-mismatch  # the relay
        - name: other
          platform: smtp
          server: relay.example.org
          encryption: none
        """)
    assert lint(root, ".", "--format", "json").json()["findings"] == []
    assert _notes(root) == []


@pytest.mark.parametrize("comment, expected", [
    ("# noqa: app-port-mode-mismatc",
     "'# noqa:' names 'app-port-mode-mismatc', which is no rule (did you mean "
     "app-port-mode-mismatch?): it suppresses nothing"),
    ("# noqa:", "'# noqa:' names no rule, so it suppresses nothing"),
    ("# smtplint: disable=nope", "'# smtplint: disable=' names 'nope', which is no rule"),
    ("# smtplint disable app-port-mode-mismatch", "this '# smtplint' comment is no directive"),
])
def test_yaml_directives_that_suppress_nothing_get_a_located_note(tmp_path, comment,
                                                                   expected):
    root = _repo(tmp_path, f"""\
        - name: mail
          platform: smtp
          server: mail.example.org
          port: 587
          encryption: tls  {comment}
        """)
    assert lint(root, ".", "--format", "json").rules() == ["app-port-mode-mismatch"]
    [(path, message)] = _notes(root)
    assert path == "notify.yaml" and message.startswith(f"line 5: {expected}")


@pytest.mark.parametrize("comment", ["# noqa: a" + " " * 300_000 + "#",
                                     "# smtplint: disable=a" + " " * 300_000 + "x#"])
def test_long_yaml_directives_take_linear_time(tmp_path, comment):
    root = _repo(tmp_path)
    with open(root / "notify.yaml", "a") as stream:
        stream.write(comment + "\n")
    result = smtplint_limited("lint", "--format", "json", ".", cwd=root, seconds=20,
                              memory_mb=600)
    assert_no_traceback(result)
    assert result.code == 1 and len(result.out) < 20_000


def test_many_bad_yaml_directives_are_counted_after_the_first_few(tmp_path):
    from linter.engine.suppress import MAX_NOTES

    root = _repo(tmp_path)
    with open(root / "notify.yaml", "a") as stream:
        stream.write("".join(f"# noqa: nope-{n}\n" for n in range(100_000)))
    result = smtplint_limited("lint", "--format", "json", ".", cwd=root, seconds=30,
                              memory_mb=900)
    assert_no_traceback(result)
    notes = [n["message"] for n in json.loads(result.out)["notifications"]]
    assert len(notes) == MAX_NOTES + 1 and notes[-1].startswith(
        f"{100_000 - MAX_NOTES} more suppression comments after line ")
