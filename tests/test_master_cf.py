"""master.cf as master(8), smtpd and postconf read it."""

from __future__ import annotations

import pytest

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
