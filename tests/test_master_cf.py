"""master.cf as master(8), smtpd and postconf read it."""

from __future__ import annotations

import subprocess

import pytest
from conftest import requires_postconf
from postconf_oracle import POSTCONF

from linter.postfix.master_cf import parse_master_cf


def service(text: str, index: int = 0):
    return parse_master_cf(text).services[index]


def codes(text: str) -> list[str]:
    return [d.code for d in parse_master_cf(text).diagnostics if d.severity == "error"]


def test_eight_fields_and_the_command():
    entry = service("submission inet n - y - - smtpd -o syslog_name=x\n")
    assert (entry.name, entry.type, entry.command, entry.key) == (
        "submission", "inet", "smtpd", "submission/inet")
    assert [entry.field_value(f) for f in ("private", "unpriv", "chroot", "wakeup",
                                           "maxproc")] == ["n", "-", "y", "-", "-"]
    assert entry.valid and entry.line == 1


def test_command_path_is_reduced_to_its_name():
    assert service("smtp inet n - y - - /usr/libexec/postfix/smtpd\n").command == "smtpd"


@pytest.mark.parametrize("kind", ["inet", "unix", "unix-dgram", "fifo", "pass"])
def test_valid_types(kind):
    private = "n" if kind == "inet" else "-"
    assert codes(f"x {kind} {private} - y - - smtpd\n") == []


def test_invalid_type_is_refused_with_its_location():
    master = parse_master_cf("smtp inet n - y - - smtpd\nsubmission tcp n - y - - smtpd\n")
    (error,) = master.diagnostics
    assert (error.line, error.column, error.code) == (2, 12, "master-entry-invalid")
    assert not master.services[1].valid


@pytest.mark.parametrize("value", ["yes", "no", "Y", "1"])
def test_yes_no_fields_accept_only_y_n_dash(value):
    assert codes(f"smtp inet n {value} y - - smtpd\n") == ["master-entry-invalid"]


def test_field_count():
    master = parse_master_cf("submission inet n - y -\n")
    (error,) = master.diagnostics
    assert "6 fields" in error.message and not master.services[0].valid


@pytest.mark.parametrize("private", ["y", "-"])
def test_inet_service_cannot_be_private(private):
    master = parse_master_cf(f"smtp inet {private} - y - - smtpd\n")
    (error,) = master.diagnostics
    assert "inet service cannot be private" in error.message
    assert error.column == 11


def test_private_unix_service_is_fine():
    assert codes("pickup unix - - y 60 1 pickup\nproxy unix y - n - - proxymap\n") == []


def test_option_forms():
    entry = service(
        "submission inet n - y - - smtpd\n"
        "  -o syslog_name=postfix/submission\n"
        "  -osmtpd_sasl_auth_enable=yes\n"
        "  -o { smtpd_client_restrictions = permit_sasl_authenticated , reject }\n"
        "  -o {smtpd_tls_security_level=encrypt}\n")
    assert {o.name: o.raw for o in entry.overrides} == {
        "syslog_name": "postfix/submission",
        "smtpd_sasl_auth_enable": "yes",
        "smtpd_client_restrictions": "permit_sasl_authenticated , reject",
        "smtpd_tls_security_level": "encrypt",
    }
    assert [(o.line, o.column) for o in entry.overrides] == [(2, 6), (3, 3), (4, 6), (5, 6)]


def test_long_form_may_span_lines():
    entry = service("s inet n - n - - smtpd -o { smtpd_banner = a\n   b }\n")
    assert entry.override_map()["smtpd_banner"].raw == "a b"


def test_last_option_of_a_name_wins():
    entry = service("s inet n - n - - smtpd -o smtpd_tls_auth_only=no "
                    "-o smtpd_tls_auth_only=yes\n")
    assert entry.override_map()["smtpd_tls_auth_only"].raw == "yes"
    assert len(entry.overrides) == 2


def test_blanks_around_equals_break_the_entry_and_hide_later_options_from_postconf():
    master = parse_master_cf("submission inet n - y - - smtpd\n"
                             "  -o syslog_name=x\n"
                             "  -o smtpd_sasl_type = dovecot\n"
                             "  -o smtpd_sasl_path=private/auth\n")
    entry = master.services[0]
    assert {o.name: o.postconf_visible for o in entry.overrides} == {
        "syslog_name": True, "smtpd_sasl_path": False}
    (error,) = master.diagnostics
    assert error.code == "master-option-syntax" and (error.line, error.column) == (3, 6)


def test_list_with_a_blank_leaves_a_stray_argument_smtpd_refuses():
    master = parse_master_cf("submission inet n - y - - smtpd\n"
                             "  -o smtpd_client_restrictions=permit_sasl_authenticated, reject\n"
                             "  -o smtpd_sasl_auth_enable=yes\n")
    entry = master.services[0]
    assert entry.override_map()["smtpd_client_restrictions"].raw == "permit_sasl_authenticated,"
    assert not entry.override_map()["smtpd_sasl_auth_enable"].postconf_visible
    (error,) = master.diagnostics
    assert "stray argument 'reject'" in error.message and error.column == 59


def test_hash_in_the_middle_of_an_entry_is_an_argument():
    master = parse_master_cf("submission inet n - y - - smtpd # note\n"
                             "  -o smtpd_tls_security_level=encrypt\n")
    entry = master.services[0]
    assert [a.text for a in entry.arguments][:2] == ["#", "note"]
    assert not entry.override_map()["smtpd_tls_security_level"].postconf_visible
    assert "stray argument '#'" in master.diagnostics[0].message


def test_other_commands_keep_their_own_arguments():
    master = parse_master_cf(
        "dovecot unix - n n - - pipe\n"
        "  flags=DRhu user=vmail argv=/usr/lib/dovecot/deliver -f ${sender} -o x=y\n")
    assert master.diagnostics == []
    assert master.services[0].overrides == []


def test_comment_and_blank_lines_inside_an_entry():
    master = parse_master_cf("submission inet n - y - - smtpd\n# note\n\n"
                             "  -o syslog_name=x\npickup unix n - y 60 1 pickup\n")
    assert [s.name for s in master.services] == ["submission", "pickup"]
    assert master.services[0].override_map()["syslog_name"].line == 4


def test_templated_fields_are_unknown_not_wrong():
    master = parse_master_cf("smtp-amavis unix - - n - {{ max }} smtp\n")
    assert master.services[0].templated and master.diagnostics == [] and master.templated


def test_options_after_a_template_placeholder():
    master = parse_master_cf("s inet n - n - - smtpd -o {{ item }} -o syslog_name=x\n")
    assert master.diagnostics == []
    assert master.services[0].override_map()["syslog_name"].raw == "x"


def test_indented_first_line_is_ignored_with_a_warning():
    master = parse_master_cf("  -o x=y\nsmtp inet n - y - - smtpd\n")
    assert [s.name for s in master.services] == ["smtp"]
    assert master.diagnostics[0].severity == "warning"


# An entry whose first field a template fills in, and lines that are
# template text only (a whole-line placeholder or a statement).
TEMPLATED_ENTRY_LINES = [
    "{{ svc.name }} inet n - y - - smtpd",
    "{{svc}} inet n - y - - smtpd",
    "{{- name -}}  inet n - y - - smtpd",
    "%{name} inet n - y - - smtpd",
]
TEMPLATE_ONLY_LINES = ["{{ extra_services }}", '{{- "\\n" }}', "{% if tls %}",
                       "{# a comment #}", "<% if tls %>", "<%= @name %> inet n - y - - smtpd",
                       "%{name}"]


@pytest.mark.parametrize("line", TEMPLATED_ENTRY_LINES)
def test_a_placeholder_that_starts_an_entry_owns_the_options_below_it(line):
    """The -o lines under ``{{ svc.name }} inet ...`` are that entry's, not
    the entry's before it (which once got them, and a wrappermode with
    them: a false error on port 25)."""
    master = parse_master_cf(f"smtp inet n - y - - smtpd\n{line}\n"
                             "  -o smtpd_tls_wrappermode=yes\n")
    smtp, templated = master.services
    assert smtp.overrides == [] and smtp.arguments == []
    assert templated.templated and templated.line == 2
    assert master.diagnostics == []


@pytest.mark.parametrize("line", TEMPLATE_ONLY_LINES)
def test_a_template_line_is_not_an_entry(line):
    master = parse_master_cf(f"smtp inet n - y - - smtpd\n{line}\n"
                             "  -o syslog_name=x\n")
    [smtp] = master.services
    assert smtp.override_map()["syslog_name"].raw == "x"
    assert master.templated


@requires_postconf
def test_postconf_reads_a_templated_name_as_its_own_entry(tmp_path):
    """What master makes of it: postconf -M lists the placeholder entry
    with the -o below it, and smtp without."""
    (tmp_path / "main.cf").write_text("")
    (tmp_path / "master.cf").write_text(
        "smtp inet n - y - - smtpd\n{{svc}} inet n - y - - smtpd\n"
        "  -o smtpd_tls_wrappermode=yes\n")
    listed = subprocess.run([POSTCONF, "-c", str(tmp_path), "-M"], capture_output=True,
                            text=True, check=True).stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["smtp", "{{svc}}"]
    assert "wrappermode" not in listed[0] and "wrappermode" in listed[1]
    master = parse_master_cf((tmp_path / "master.cf").read_text())
    assert [service.name for service in master.services] == ["smtp", "{{svc}}"]
