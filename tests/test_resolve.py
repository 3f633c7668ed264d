"""Effective settings per service, as smtpd computes them: main.cf, then the
service's -o options, then expansion; defaults from the target version and
compatibility_level; TLS mode, roles, duplicates and master.cf field
defaults."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from conftest import requires_postconf

from linter.postfix.main_cf import parse_main_cf
from linter.postfix.master_cf import parse_master_cf
from linter.postfix.resolve import HOSTNAME, resolve

SMTP = "smtp inet n - y - - smtpd\n"


def configure(main: str | None = "", master: str | None = SMTP, version: str = "3.7",
              host_values: dict | None = None):
    return resolve(parse_main_cf(main) if main is not None else None,
                   parse_master_cf(master) if master is not None else None,
                   version, host_values)


def view(config, name: str):
    return next(v for v in config.services if v.service.name == name)


def test_overrides_apply_before_expansion():
    config = configure("smtpd_tls_security_level = $sub_level\nsub_level = may\n",
                       SMTP + "submission inet n - y - - smtpd -o sub_level=encrypt\n")
    assert config.context.value("smtpd_tls_security_level") == "may"
    assert view(config, "smtp").value("smtpd_tls_security_level") == "may"
    submission = view(config, "submission")
    setting = submission.setting("smtpd_tls_security_level")
    assert (setting.value, setting.raw, setting.source.label) == ("encrypt", "$sub_level",
                                                                  "main.cf:1")
    assert submission.tls == "required"


def test_default_key_file_follows_an_overridden_cert_file():
    config = configure("smtpd_tls_cert_file = /main.pem\n",
                       SMTP + "submission inet n - y - - smtpd\n"
                              "  -o smtpd_tls_cert_file=/sub.pem\n")
    assert view(config, "smtp").value("smtpd_tls_key_file") == "/main.pem"
    key = view(config, "submission").setting("smtpd_tls_key_file")
    assert (key.value, key.raw, key.source.label) == ("/sub.pem", "$smtpd_tls_cert_file",
                                                      "default")
    cert = view(config, "submission").setting("smtpd_tls_cert_file")
    assert cert.source.label == "master.cf:3"


def test_service_name_is_the_raw_name_field():
    config = configure("", "127.0.0.1:10025 inet n - n - - smtpd "
                           "-o syslog_name=postfix/$service_name\n")
    assert view(config, "127.0.0.1:10025").value("syslog_name") == "postfix/127.0.0.1:10025"


def test_relay_restrictions_depend_on_compatibility_level():
    assert configure("").context.value("smtpd_relay_restrictions") == ""
    for level in ("1", "2", "3.6"):
        value = configure(f"compatibility_level = {level}\n").context.value(
            "smtpd_relay_restrictions")
        assert value == "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination"


@pytest.mark.parametrize("version, protocols", [
    ("3.5", "!SSLv2, !SSLv3"), ("3.6", ">=TLSv1"), ("3.7", ">=TLSv1")])
def test_protocol_defaults_by_version(version, protocols):
    config = configure("", SMTP, version)
    assert config.context.value("smtpd_tls_protocols") == protocols
    assert config.context.value("smtpd_tls_mandatory_protocols") == protocols
    assert config.version == version


def test_mail_version_default_is_the_generating_postfix_for_the_same_series():
    assert configure("", SMTP, "3.7").context.value("mail_version").startswith("3.7.")
    assert configure("", SMTP, "3.5").context.value("mail_version") == "3.5"


@pytest.mark.parametrize("options, mode", [
    ("", "none"),
    ("-o smtpd_tls_security_level=may", "optional"),
    ("-o smtpd_tls_security_level=encrypt", "required"),
    ("-o smtpd_tls_security_level=verify", "required"),
    ("-o smtpd_tls_security_level=secure", "required"),
    ("-o smtpd_tls_security_level=fingerprint", "required"),
    ("-o smtpd_tls_security_level=none", "none"),
    ("-o smtpd_tls_wrappermode=yes", "wrapper"),
    ("-o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=none", "wrapper"),
    ("-o smtpd_tls_wrappermode=YES -o smtpd_tls_security_level=encrypt", "wrapper"),
    ("-o smtpd_use_tls=yes", "optional"),
    ("-o smtpd_enforce_tls=yes", "required"),
    ("-o smtpd_use_tls=yes -o smtpd_tls_security_level=none", "none"),
    ("-o smtpd_enforce_tls=yes -o smtpd_tls_security_level=may", "optional"),
    ("-o smtpd_tls_security_level=bogus", None),
    ("-o smtpd_tls_wrappermode=maybe", None),
    ("-o smtpd_use_tls=true", None),            # not a Postfix boolean: unknown
    ("-o smtpd_enforce_tls=on -o smtpd_use_tls=yes", None),
    ("-o smtpd_tls_security_level={{ level }}", None),
])
def test_tls_mode_as_smtpd_derives_it(options, mode):
    config = configure("", f"submission inet n - y - - smtpd {options}\n")
    assert view(config, "submission").tls == mode


def test_tls_mode_of_an_unknown_wrappermode_is_unknown():
    """${t?{yes}} is "yes" only if the template value t is set: unknown."""
    config = configure("t = {{ v }}\nsmtpd_tls_wrappermode = ${t?{yes}}\n", SMTP)
    assert view(config, "smtp").value("smtpd_tls_wrappermode") == "yes"
    assert view(config, "smtp").tls is None


def test_tls_level_from_main_cf_and_legacy_fallback():
    config = configure("smtpd_tls_security_level =\nsmtpd_use_tls = yes\n")
    assert view(config, "smtp").tls == "optional"
    config = configure("smtpd_tls_wrappermode = yes\n")
    assert view(config, "smtp").tls == "wrapper"


def test_required_tls_means_auth_only_and_mandatory_parameters():
    config = configure("smtpd_tls_auth_only = no\n",
                       SMTP + "submission inet n - y - - smtpd "
                              "-o smtpd_tls_security_level=encrypt\n")
    smtp, submission = view(config, "smtp"), view(config, "submission")
    assert smtp.auth_only is False and submission.auth_only is True
    assert smtp.protocols_parameter == "smtpd_tls_protocols"
    assert submission.protocols_parameter == "smtpd_tls_mandatory_protocols"
    assert submission.ciphers_parameter == "smtpd_tls_mandatory_ciphers"
    assert submission.tls_required and not smtp.tls_required


@pytest.mark.parametrize("name, role", [
    ("smtp", "mx"), ("25", "mx"), ("submission", "submission"), ("587", "submission"),
    ("submissions", "submissions"), ("smtps", "submissions"), ("465", "submissions"),
    ("127.0.0.1:submission", "submission"), ("[::1]:465", "submissions"),
    ("2525", "other"), ("10.0.0.1:smtp", "mx"),
])
def test_roles_by_port(name, role):
    config = configure("", f"{name} inet n - y - - smtpd\n")
    assert view(config, name).role == role


def test_known_tcp_ports_decide_before_the_services_database():
    config = configure("known_tcp_ports = submission=2587\n",
                       "submission inet n - y - - smtpd\n")
    assert view(config, "submission").listener.port == 2587
    assert view(config, "submission").role == "other"


def test_an_smtpd_on_a_unix_socket_has_no_role():
    """A valid unix-socket smtpd (a local content-filter return path) has no
    network listener, so no port decides a role for it."""
    config = configure("", SMTP + "local-in unix n - n - - smtpd\n")
    local = view(config, "local-in")
    assert local.service.valid and local.listener is None and local.role is None
    assert [v.service.name for v in config.smtpd_services()] == ["smtp"]


def test_non_smtpd_services_have_no_role():
    config = configure("", "smtp inet n - y - - postscreen\npickup unix n - y 60 1 pickup\n"
                           "smtpd pass - - y - - smtpd\n"
                           "bad tcp n - y - - smtpd\n")
    assert view(config, "smtp").role is None and view(config, "pickup").role is None
    assert view(config, "smtpd").role == "mx"   # behind postscreen on port 25
    assert view(config, "bad").role is None


def test_listener_host_and_port():
    config = configure("", "[::1]:2525 inet n - y - - smtpd\n"
                           "127.0.0.1:smtp inet n - y - - smtpd\n")
    assert (view(config, "[::1]:2525").listener.host,
            view(config, "[::1]:2525").listener.port) == ("::1", 2525)
    assert view(config, "127.0.0.1:smtp").listener.port == 25


def test_duplicates_per_canonical_listener():
    config = configure("", SMTP + "submission inet n - y - - smtpd\n"
                                  "587 inet n - y - - smtpd\n"
                                  "127.0.0.1:587 inet n - y - - smtpd\n"
                                  "pickup unix n - y 60 1 pickup\npickup unix n - y 60 1 pickup\n")
    found = [(d.line, d.code) for d in config.diagnostics if d.code == "duplicate-service"]
    assert found == [(3, "duplicate-service"), (6, "duplicate-service")]
    assert "port 587" in next(d.message for d in config.diagnostics if d.line == 3)


def test_bracketed_inet_interfaces_address_is_the_socket_of_a_hostless_entry():
    """inet_interfaces = [::1] is the address ::1 (brackets dropped): a bare
    2525 entry and [::1]:2525 are one socket. A token that is not an
    address (X127.0.0.1X) leaves the socket unknown: no duplicate."""
    master = "2525 inet n - y - - smtpd\n[::1]:2525 inet n - y - - smtpd\n"
    config = configure("inet_interfaces = [::1]\n", master)
    assert [(d.line, d.severity, d.message) for d in config.diagnostics
            if d.code == "duplicate-service"] == [
        (2, "error", "[::1]:2525/inet and 2525/inet (master.cf:1) both listen on port 2525: "
                     "master starts both, and each connection reaches either one at random")]
    other = configure("inet_interfaces = X127.0.0.1X\n",
                      "2525 inet n - y - - smtpd\n127.0.0.1:2525 inet n - y - - smtpd\n")
    assert [d for d in other.diagnostics if d.code == "duplicate-service"] == []


def test_entries_in_different_template_branches_are_not_duplicates():
    config = configure("", "{% if postscreen %}\nsmtp inet n - y - 1 postscreen\n"
                           "{% else %}\nsmtp inet n - y - - smtpd\n{% endif %}\n")
    assert [d for d in config.diagnostics if d.code == "duplicate-service"] == []


@pytest.mark.parametrize("level, chroot", [("0", "y"), ("1", "n"), ("3.6", "n"),
                                           ("junk", "y")])   # unreadable: level 0
def test_chroot_dash_depends_on_compatibility_level(level, chroot):
    config = configure(f"compatibility_level = {level}\n", "smtp inet n - - - - smtpd\n")
    assert view(config, "smtp").field("chroot") == chroot


def test_derived_myhostname_depends_on_a_service_mydomain_written_one_does_not():
    """The machine's name without a dot is completed with mydomain: a
    service's -o mydomain changes its $myhostname. A written myhostname
    refers to nothing."""
    derived = configure("mydomain = example.org\nx = $myhostname\n",
                        "smtp inet n - y - - smtpd -o mydomain=svc.org\n",
                        host_values={HOSTNAME: "host"})
    assert (derived.context.value("x"), view(derived, "smtp").value("x")) == (
        "host.example.org", "host.svc.org")
    assert derived.context.setting("x").expansion.references == {"myhostname", "mydomain"}
    written = configure("myhostname = mail.example.org\nx = $myhostname\n",
                        host_values={HOSTNAME: "host"})
    assert written.context.setting("myhostname").expansion.references == set()
    assert written.context.setting("x").expansion.references == {"myhostname"}


def test_a_dash_in_a_field_without_a_default_stays_a_dash():
    config = configure("", SMTP + "x unix - - n - - -\n")
    assert (view(config, "x").field("command"), view(config, "x").field("private")) == ("-", "y")


def test_smtpd_services_are_computed_once():
    config = configure("", SMTP + "pickup unix n - y 60 1 pickup\n")
    smtpd = config.smtpd_services()
    assert [v.service.name for v in smtpd] == ["smtp"]
    assert config.smtpd_services() is smtpd


def test_field_defaults():
    config = configure("default_process_limit = 42\n",
                       "pickup unix - - n 60 1 pickup\nsmtp inet n - y - - smtpd\n")
    smtp = view(config, "smtp")
    assert [smtp.field(f) for f in ("private", "unpriv", "chroot", "wakeup", "maxproc")] \
        == ["n", "y", "y", "0", "42"]
    pickup = view(config, "pickup")
    assert (pickup.field("private"), pickup.field("wakeup"), pickup.field("maxproc")) == (
        "y", "60", "1")


def test_host_derived_defaults_are_unknown_without_host_values():
    config = configure("myorigin = $myhostname\n")
    assert not config.context.setting("myorigin").known
    assert not config.context.setting("mynetworks").known


def test_mydomain_follows_a_written_myhostname():
    config = configure("myhostname = mail.example.org\n")
    setting = config.context.setting("mydomain")
    assert (setting.value, setting.known, setting.source.label) == ("example.org", True,
                                                                    "default")
    assert config.context.value("mydestination") == (
        "mail.example.org, localhost.example.org, localhost")
    assert configure("myhostname = localhost\n").context.value("mydomain") == "localdomain"


def test_myhostname_from_a_short_host_name_takes_mydomain():
    hosts = {HOSTNAME: "vm"}
    assert configure("mydomain = example.net\n", SMTP, host_values=hosts).context.value(
        "myhostname") == "vm.example.net"
    assert configure("", SMTP, host_values=hosts).context.value("myhostname") == (
        "vm.localdomain")
    assert configure("", SMTP, host_values={HOSTNAME: "a.b.c"}).context.value(
        "mydomain") == "b.c"


def test_template_values_are_unknown_not_wrong():
    config = configure("smtpd_tls_security_level = {{ level }}\n")
    setting = config.context.setting("smtpd_tls_security_level")
    assert not setting.known and view(config, "smtp").tls is None


def test_undefined_references_are_located_warnings_but_legacy_names_are_known():
    config = configure("proxy_read_maps = $virtual_maps $nonexistent_x\n",
                       "smtp inet n - y - - smtpd -o smtpd_banner=$also_missing\n")
    found = [(d.path, d.line, d.column, d.message.split("$")[1].split(",")[0])
             for d in config.diagnostics if d.code == "undefined-parameter"]
    assert found == [("main.cf", 1, 19, "nonexistent_x"), ("master.cf", 1, 30, "also_missing")]


def test_macro_errors_become_diagnostics():
    config = configure("custom_a = $custom_b\ncustom_b = $custom_a\nsmtpd_banner = ${x\n")
    errors = {d.line for d in config.diagnostics if d.code == "invalid-parameter-value"}
    assert errors == {1, 2, 3}


def test_no_main_cf_means_defaults_and_no_master_cf_means_no_services():
    config = configure(None, None)
    assert config.services == [] and config.context.value("smtpd_tls_security_level") == ""


def postconf(tmp_path, main: str, master: str, *args: str) -> subprocess.CompletedProcess:
    """The real postconf on these files (aged: postconf re-reads young files)."""
    for name, text in (("main.cf", main), ("master.cf", master)):
        path = tmp_path / name
        path.write_text(text)
        os.utime(path, (path.stat().st_mtime - 10,) * 2)
    binary = shutil.which("postconf") or "/usr/sbin/postconf"
    return subprocess.run([binary, "-c", str(tmp_path), *args],
                          capture_output=True, text=True, check=False)


def test_a_short_host_name_with_a_template_mydomain_makes_myhostname_unknown():
    """check_myhostname() appends mydomain as main.cf writes it: a template
    there leaves myhostname unknown, not "vm.{{ domain }}"."""
    config = configure("mydomain = {{ domain }}\n", SMTP, host_values={HOSTNAME: "vm"})
    assert not config.context.setting("myhostname").known
    assert not config.context.setting("mydomain").known
    known = configure("mydomain = example.net\n", SMTP, host_values={HOSTNAME: "vm"})
    assert known.context.setting("myhostname").known


KNOWN_PORTS = "known_tcp_ports = lmtp=24, smtp=25, submission 587, 25=foo, smtps=submissions=465\n"


@requires_postconf
def test_known_tcp_ports_warnings_are_the_ones_postfix_gives(tmp_path):
    """mail_params_init() (postconf -m runs it) warns about each bad item
    and skips it; the model reports the same items for the same reasons,
    located at the value in main.cf."""
    oracle = postconf(tmp_path, KNOWN_PORTS, SMTP, "-m")
    item = re.compile(r"""known_tcp_ports: in ["'](.*?)["'](?::| is) (.*?)(?:: Postfix|$)""")
    postfix = [item.search(line).groups() for line in oracle.stderr.splitlines()
               if "known_tcp_ports" in line]
    assert postfix == [(" submission 587", 'not in "name = value" form'),
                       (" 25=foo", "numerical service name")]
    config = configure(KNOWN_PORTS)
    problems = config.value_problems
    assert [item.search(d.message).groups() for d in problems] == postfix
    assert {(d.line, d.column, d.code, d.severity) for d in problems} == {
        (1, 19, "invalid-parameter-value", "warning")}
    assert view(config, "smtp").listener.port == 25   # the good items still apply


@requires_postconf
def test_a_raw_parameter_names_no_undefined_parameter(tmp_path):
    """smtpd_reject_footer is expanded at reply time ($client_address), so
    postconf does not call its names undefined, in main.cf or in an -o."""
    main = "smtpd_reject_footer = Your address: $client_address\nsmtpd_banner = $nonesuch\n"
    master = SMTP + "submission inet n - y - - smtpd\n  -o { smtpd_reject_footer = $client_name }\n"
    oracle = postconf(tmp_path, main, master, "-n")
    assert "undefined parameter: nonesuch" in oracle.stderr
    assert "client_address" not in oracle.stderr
    assert "client_name" not in postconf(tmp_path, main, master, "-P").stderr
    config = configure(main, master)
    undefined = [d.message for d in config.diagnostics if d.code == "undefined-parameter"]
    assert len(undefined) == 1 and "$nonesuch" in undefined[0]


@requires_postconf
@pytest.mark.parametrize("level, valid", [("3.x", False), ("3.1024", False), ("3.6", True),
                                          ("1024.0", True)])
def test_malformed_compatibility_level_is_an_error_in_main_cf_and_in_o(tmp_path, level, valid):
    """compat_level_from_string() rejects what postconf rejects; an -o level
    is read by the daemon the same way (postconf -P does not check it)."""
    oracle = postconf(tmp_path, f"compatibility_level = {level}\n", SMTP, "compatibility_level")
    assert (oracle.returncode == 0) is valid
    assert ("malformed compatibility level syntax" in oracle.stderr) is not valid
    master = SMTP + f"submission inet n - y - - smtpd\n  -o compatibility_level={level}\n"
    config = configure(f"compatibility_level = {level}\n", master)
    found = [(d.path, d.line, d.column, d.severity) for d in config.diagnostics
             if "compatibility level" in d.message]
    expected = [("main.cf", 1, 23, "error"), ("master.cf", 3, 6, "error")]
    assert found == ([] if valid else expected)
    if not valid:
        assert any(d.message.startswith("submission/inet: -o compatibility_level = ")
                   for d in config.diagnostics)


def test_a_service_shares_its_parents_setting_unless_it_writes_a_dependency():
    """show keeps one copy of a shared setting: a service that writes a name
    the value depends on has its own; main.cf's context shares nothing."""
    config = configure("smtpd_banner = hi $sub\nsub = a\n",
                       SMTP + "submission inet n - y - - smtpd -o sub=b\n")
    smtp, submission = view(config, "smtp"), view(config, "submission")
    assert (smtp.value("smtpd_banner"), submission.value("smtpd_banner")) == ("hi a", "hi b")
    assert smtp.context.shares("smtpd_banner") is True
    assert submission.context.shares("smtpd_banner") is False
    assert config.context.shares("smtpd_banner") is False
    assert config.context.shares("myorigin") is False
