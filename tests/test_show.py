"""`smtplint show`, run as a user runs it (a subprocess): the JSON shape,
the text output, and the errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

EXAMPLE = ROOT / "examples" / "postfix"
TLS_MODES = {"required", "optional", "none", "wrapper"}


def smtplint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "linter", *args], check=False, capture_output=True,
                          text=True, cwd=cwd, timeout=60)


def show_json(path: Path | str) -> dict:
    result = smtplint("show", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def write_pair(directory: Path, main: bytes | str, master: bytes | str) -> Path:
    for name, data in (("main.cf", main), ("master.cf", master)):
        raw = data.encode() if isinstance(data, str) else data
        (directory / name).write_bytes(raw)
    return directory


def test_json_shape():
    document = show_json(EXAMPLE)
    assert document["postfix_version"] == "3.7"
    assert set(document) >= {"postfix_version", "main", "services", "diagnostics"}
    for param in document["main"].values():
        assert set(param) >= {"value", "raw", "line"}
        assert isinstance(param["line"], int)
    for service in document["services"]:
        assert set(service) >= {"name", "type", "line", "port", "role", "tls", "params"}
        if service["role"] is not None:
            assert service["tls"] in TLS_MODES
            assert service["role"] in {"mx", "submission", "submissions", "other"}
        for param in service["params"].values():
            assert set(param) >= {"value", "raw", "source"}
            assert param["source"] == "default" or param["source"].startswith(
                ("master.cf:", "main.cf:"))
    for diagnostic in document["diagnostics"]:
        assert set(diagnostic) >= {"path", "line", "column", "severity", "message"}


def test_json_values_and_sources():
    document = show_json(EXAMPLE)
    assert document["main"]["myorigin"] == {
        "value": "example.org", "raw": "$mydomain", "line": 6, "known": True}
    services = {(s["name"], s["type"]): s for s in document["services"]}
    submission = services[("submission", "inet")]
    assert (submission["port"], submission["role"], submission["tls"], submission["line"]) \
        == (587, "submission", "required", 6)
    assert submission["params"]["smtpd_tls_security_level"] == {
        "value": "encrypt", "raw": "encrypt", "source": "master.cf:8", "known": True}
    assert submission["params"]["smtpd_sender_restrictions"]["value"] == (
        "reject_sender_login_mismatch")
    assert submission["params"]["smtpd_tls_wrappermode"]["source"] == "default"
    submissions = services[("submissions", "inet")]
    assert (submissions["port"], submissions["role"], submissions["tls"]) == (
        465, "submissions", "wrapper")
    assert services[("smtp", "inet")]["tls"] == "optional"
    assert services[("pickup", "unix")]["role"] is None


def test_one_file_of_the_pair_finds_its_sibling():
    assert show_json(EXAMPLE / "master.cf") == show_json(EXAMPLE)
    assert show_json(EXAMPLE / "main.cf") == show_json(EXAMPLE)


def test_text_output():
    result = smtplint("show", str(EXAMPLE))
    assert result.returncode == 0
    assert "submission/inet (master.cf:6, smtpd, port 587, role submission, TLS required)" \
        in result.stdout
    assert "smtpd_tls_security_level = encrypt   <- master.cf:8" in result.stdout


def test_override_changes_an_expanded_main_cf_value_in_that_service(tmp_path):
    write_pair(tmp_path, "smtpd_tls_security_level = $sub_level\nsub_level = may\n",
               "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n"
               "  -o sub_level=encrypt\n")
    services = {s["name"]: s for s in show_json(tmp_path)["services"]}
    level = services["submission"]["params"]["smtpd_tls_security_level"]
    assert (level["value"], level["raw"], level["source"]) == ("encrypt", "$sub_level",
                                                               "main.cf:1")
    assert services["submission"]["tls"] == "required" and services["smtp"]["tls"] == "optional"


@pytest.mark.parametrize("path", ["/nonexistent/postfix", "EMPTY"])
def test_bad_path_exits_2_with_a_message(path, tmp_path):
    target = str(tmp_path) if path == "EMPTY" else path
    result = smtplint("show", target, "--format", "json")
    assert result.returncode == 2
    assert target in result.stderr and "error" in result.stderr
    assert result.stdout == ""


def test_unsupported_version_exits_2():
    result = smtplint("show", str(EXAMPLE), "--postfix-version", "2.0")
    assert result.returncode == 2 and "unsupported Postfix version" in result.stderr


def test_invalid_utf8_is_a_diagnostic_not_a_crash(tmp_path):
    write_pair(tmp_path, b"myorigin = ok\nsmtpd_banner = caf\xe9 \xff\n",
               b"smtp inet n - y - - smtpd -o syslog_name=p\xe9\n")
    for fmt in ("json", "text"):
        result = smtplint("show", str(tmp_path), "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    document = show_json(tmp_path)
    located = {(Path(d["path"]).name, d["line"], d["column"]) for d in document["diagnostics"]
               if "UTF-8" in d["message"]}
    assert located == {("main.cf", 2, 19), ("master.cf", 1, 43)}
    assert document["main"]["myorigin"]["value"] == "ok"


def test_binary_file_does_not_crash(tmp_path):
    write_pair(tmp_path, bytes(range(256)), b"\x00\xff\xfe" * 50)
    result = smtplint("show", str(tmp_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["diagnostics"]


def test_markup_in_values_is_printed_literally(tmp_path):
    write_pair(tmp_path, "smtpd_banner = [bold]hi[/bold] $myhostname\n",
               "smtp inet n - y - - smtpd\n")
    result = smtplint("show", str(tmp_path))
    assert "[bold]hi[/bold]" in result.stdout
