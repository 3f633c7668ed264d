"""A user rule may reuse a builtin check with only the options it needs:
the builtins' defaults for the rest are part of the rule language
(docs/custom-rules.md), so each is pinned here, on the lint's own path;
and what a builtin does with a user's severity."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.engine.builtins.diagnostics import severity
from linter.engine.rules import rule_from_dict
from linter.lint import lint_pair
from linter.postfix.load import pair_for


def _rule(check: dict, **extra) -> object:
    data = dict(id="custom", severity="warning", tags=["custom"], profile="basic",
                summary="s", description="d", applies_to={"file": "master.cf"},
                check=check, message="no port-2525 service{state}") | extra
    return rule_from_dict(data, "custom.yaml")


def _lint(tmp_path: Path, master: str, rule, main: str = "compatibility_level = 3.6\n"):
    (tmp_path / "main.cf").write_text(main)
    (tmp_path / "master.cf").write_text(master)
    return lint_pair(pair_for(str(tmp_path)), [rule])


def test_service_missing_with_a_port_only(tmp_path):
    """No ``names``: nothing counts as a commented-out entry, the fix names
    the service after its first line, and the fix is unsafe by default."""
    rule = _rule({"builtin": "service_missing", "options": {"port": 2525}},
                 fix={"description": "add it", "lines": ["2525 inet n - y - - smtpd",
                                                         "  -o smtpd_sasl_auth_enable=yes"]})
    [finding] = _lint(tmp_path, "smtp inet n - y - - smtpd\n#2525 inet n - y - - smtpd\n",
                      rule)
    assert (finding.rule, finding.line, finding.message) == ("custom", 1, "no port-2525 service")
    assert finding.tags == ("custom",)
    assert finding.fix.safety == "unsafe"
    [edit] = finding.fix.edits
    assert (edit.action, edit.name, edit.service) == ("add-service", "2525", "2525/inet")
    assert edit.value == "2525 inet n - y - - smtpd\n  -o smtpd_sasl_auth_enable=yes"


def test_service_missing_keeps_the_rules_fix_safety(tmp_path):
    """The fix names the service after ``names`` (the entry to activate),
    not after the first word of the lines it would add."""
    rule = _rule({"builtin": "service_missing", "options": {"port": 2525, "names": ["x"]}},
                 fix={"description": "add it", "lines": ["2525 inet n - y - - smtpd"]},
                 fix_safety="safe")
    [finding] = _lint(tmp_path, "smtp inet n - y - - smtpd\n", rule)
    assert finding.fix.safety == "safe"
    assert (finding.fix.edits[0].name, finding.fix.edits[0].service) == ("x", "x/inet")


def test_invalid_parameter_value_without_options(tmp_path):
    """No ``tls_levels`` and no ``not_boolean``: every boolean is judged, no
    TLS level is, and the boolean fix is unsafe unless the rule says so."""
    rule = _rule({"builtin": "invalid_parameter_value"}, applies_to={"file": "main.cf"},
                 message="")
    main = ("compatibility_level = 3.6\nsmtpd_forbid_bare_newline = on\n"
            "smtpd_tls_security_level = bogus\n")
    [finding] = _lint(tmp_path, "smtp inet n - y - - smtpd\n", rule, main)
    assert (finding.line, finding.parameter) == (2, "smtpd_forbid_bare_newline")
    assert finding.fix.safety == "unsafe"
    assert finding.tags == ("custom",)


def test_undefined_parameter_without_suggestions(tmp_path):
    """No ``suggestions``: the fix defines the name empty, which is safe."""
    rule = _rule({"builtin": "undefined_parameter"}, applies_to={"file": "main.cf"},
                 message="")
    main = "compatibility_level = 3.6\nsmtpd_client_restrictions = $mua_client_restrictions\n"
    [finding] = _lint(tmp_path, "smtp inet n - y - - smtpd\n", rule, main)
    assert finding.fix.lines == ("mua_client_restrictions =",)
    assert finding.fix.safety == "safe"


@pytest.mark.parametrize("rule_severity, diagnostic_severity, kept", [
    ("error", "error", "error"), ("error", "warning", "warning"),
    ("warning", "error", "warning"), ("warning", "info", "info"),
    ("info", "warning", "info"), ("error", "info", "info"), ("info", "error", "info"),
])
def test_a_diagnostic_finding_keeps_the_milder_severity(rule_severity, diagnostic_severity,
                                                         kept):
    assert severity(rule_severity, diagnostic_severity) == kept


def test_obsolete_parameter_without_options_reports_nothing(tmp_path):
    rule = _rule({"builtin": "obsolete_parameter"}, applies_to={"file": "main.cf"})
    assert _lint(tmp_path, "smtp inet n - y - - smtpd\n", rule,
                 main="smtpd_use_tls = yes\n") == []


@pytest.mark.parametrize("entry, says", [
    ({"replacement": "new_name", "values": {"yes": "on"}},
     "old_name = yes (main.cf:1) is obsolete: use new_name=on instead"),
    ({}, "old_name = yes (main.cf:1) is obsolete: remove it"),
    ({"obsolete_since": "2.3"}, "old_name = yes (main.cf:1) is obsolete since Postfix 2.3: "
                                "remove it"),
])
def test_obsolete_parameter_entries_need_no_since(tmp_path, entry, says):
    """Without ``obsolete_since`` or ``status`` an entry is plainly
    "obsolete"; without ``since`` it applies to every version."""
    rule = _rule({"builtin": "obsolete_parameter",
                  "options": {"parameters": {"old_name": entry}}},
                 applies_to={"file": "main.cf"})
    [finding] = _lint(tmp_path, "smtp inet n - y - - smtpd\n", rule, main="old_name = yes\n")
    assert finding.message == says


@pytest.mark.parametrize("options", [None, {}])
def test_unknown_parameter_without_later_parameters(tmp_path, options):
    """No options, or no ``later_parameters``: no name is accepted as one
    a later Postfix knows, and typos are still found."""
    check = {"builtin": "unknown_parameter"} | ({"options": options} if options is not None
                                                 else {})
    rule = _rule(check, applies_to={"file": "main.cf"})
    [finding] = _lint(tmp_path, "smtp inet n - y - - smtpd\n", rule,
                      main="compatibility_level = 3.6\nsmtpd_tls_securty_level = may\n")
    assert finding.parameter == "smtpd_tls_securty_level"


def test_duplicate_service_fills_the_fix_template_for_the_later_entry(tmp_path):
    """The builtin rule's fix names no field, so only a user rule shows that
    the template is filled for the later entry and its edit goes there
    (the builtin reports the resolver's diagnostic of the rule's id)."""
    rule = _rule({"builtin": "duplicate_service"}, id="duplicate-service",
                 fix={"description": "merge {service} ({name}, {tls})",
                      "edits": [{"action": "remove", "name": "syslog_name"}]})
    master = ("smtp inet n - y - - smtpd\n2525 inet n - y - - smtpd\n"
              "2525 inet n - y - - smtpd\n  -o syslog_name=postfix/later\n")
    [finding] = _lint(tmp_path, master, rule)
    assert finding.fix.description == "merge 2525 (master.cf:3) (2525, none)"
    [edit] = finding.fix.edits
    assert (edit.path, edit.service) == (str(tmp_path / "master.cf"), "2525/inet")


def test_diagnostics_fills_the_fix_template_for_the_entry(tmp_path):
    """The builtin rules' fixes name no field and no edit: a user rule with
    the id of a diagnostic shows that the template is filled for the entry
    the diagnostic is in and that its edit goes to that service."""
    rule = _rule({"builtin": "diagnostics"}, id="master-entry-invalid", severity="error",
                 fix={"description": "rewrite {name} ({service})",
                      "edits": [{"action": "remove", "name": "syslog_name"}]})
    master = ("smtp inet n - y - - smtpd\nsubmission inet - - y - - smtpd\n"
              "  -o syslog_name=postfix/submission\n")
    [finding] = _lint(tmp_path, master, rule)
    assert finding.fix.description == "rewrite submission (submission (master.cf:2))"
    [edit] = finding.fix.edits
    assert (edit.path, edit.service) == (str(tmp_path / "master.cf"), "submission/inet")
