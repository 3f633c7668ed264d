"""Running rules (linter.engine.run): what a declarative condition reads of
a service or of main.cf, where its finding sits, the run's notes, and
where a shared cause is reported."""

from __future__ import annotations

import pytest

from linter.engine.findings import Edit
from linter.engine.rules import rule_from_dict
from linter.engine.run import (
    MainSubject,
    Scope,
    ServiceSubject,
    cause_where,
    is_yes,
    join_names,
    notes,
    origin,
    run_rules,
    services_in_scope,
    template_fields,
)
from linter.postfix.main_cf import parse_main_cf
from linter.postfix.master_cf import parse_master_cf
from linter.postfix.resolve import resolve

MAIN = ("compatibility_level = 3.6\n"
        "smtpd_tls_security_level = may\n"
        "templated = {{ value }}\n"
        "smtpd_tls_auth_only = {{ auth_only }}\n")
MASTER = ("smtp inet n - y - - smtpd\n"
          "submission inet n - y - - smtpd\n"
          "  -o smtpd_tls_security_level=encrypt\n"
          "127.0.0.1:2525 inet n - n - - smtpd\n"
          "  -o smtpd_tls_auth_only=no\n"
          "pickup unix n - y 60 1 pickup\n")


def configuration(main: str | None = MAIN, master: str | None = MASTER):
    return resolve(None if main is None else parse_main_cf(main, "etc/main.cf"),
                   None if master is None else parse_master_cf(master, "etc/master.cf"))


def view(config, name: str):
    return next(v for v in config.services if v.name == name)


def rule(check: dict, applies_to: dict | None = None, **extra):
    data = {"id": "house-rule", "severity": "warning", "tags": ["house"], "profile": "basic",
            "summary": "A house rule for the tests.", "description": "d",
            "applies_to": applies_to or {"roles": ["any"]}, "check": check,
            "message": "{service}|{param}={value}|{origin}"} | extra
    return rule_from_dict(data, "house.yaml")


# --- what a condition reads ---------------------------------------------------------------

def test_service_attributes():
    config = configuration()
    smtp, submission = ServiceSubject(view(config, "smtp")), ServiceSubject(
        view(config, "submission"))
    local, pickup = ServiceSubject(view(config, "127.0.0.1:2525")), ServiceSubject(
        view(config, "pickup"))
    assert [smtp.attribute("tls"), submission.attribute("tls")] == ["optional", "required"]
    # required TLS implies auth only; main.cf's templated value is unknown; -o no is no
    assert submission.attribute("auth_only") == "yes"
    assert smtp.attribute("auth_only") is None
    assert local.attribute("auth_only") == "no"
    assert [smtp.attribute("port"), local.attribute("port"), pickup.attribute("port")] == \
        ["25", "2525", ""]
    assert [smtp.attribute("role"), local.attribute("role"), pickup.attribute("role")] == \
        ["mx", "other", ""]
    assert [smtp.attribute("name"), pickup.attribute("name")] == ["smtp", "pickup"]
    assert [smtp.attribute("type"), pickup.attribute("type")] == ["inet", "unix"]
    assert [smtp.attribute("command"), pickup.attribute("command")] == ["smtpd", "pickup"]
    assert smtp.attribute("no_such_attribute") is None


def test_protocols_and_ciphers_follow_the_tls_mode():
    config = configuration(MAIN + "smtpd_tls_protocols = !SSLv2\n"
                                  "smtpd_tls_mandatory_protocols = >=TLSv1.2\n"
                                  "smtpd_tls_ciphers = low\n"
                                  "smtpd_tls_mandatory_ciphers = high\n")
    smtp, submission = ServiceSubject(view(config, "smtp")), ServiceSubject(
        view(config, "submission"))
    assert smtp.attribute("protocols") == "!SSLv2"
    assert submission.attribute("protocols") == ">=TLSv1.2"
    assert smtp.attribute("ciphers") == "low"
    assert submission.attribute("ciphers") == "high"


def test_service_values_known_unknown_and_not_a_parameter():
    subject = ServiceSubject(view(configuration(), "submission"))
    assert subject.value("smtpd_tls_security_level") == "encrypt"      # its own -o
    assert subject.value("templated") is None                          # a template
    assert subject.value("not_a_postfix_parameter") == ""


def test_main_subject_reads_main_cf_only():
    config = configuration()
    subject = MainSubject(config.context)
    assert subject.value("smtpd_tls_security_level") == "may"
    assert subject.value("templated") is None
    assert subject.value("not_a_postfix_parameter") == ""
    assert subject.attribute("tls") is None
    assert subject.attribute("role") is None


# --- declarative rules end to end ---------------------------------------------------------

def test_a_service_rule_fires_only_where_true_and_not_where_unknown():
    config = configuration()
    found = run_rules(config, [rule({"all": [{"service": "role", "in": ["mx", "other"]},
                                             {"service": "auth_only", "equals": "no"}],
                                     "subject": "smtpd_tls_auth_only"})])
    # smtp's auth_only is unknown (template): no finding there
    assert [(f.service, f.line, f.column, f.parameter) for f in found] == [
        ("127.0.0.1:2525/inet", 5, 6, "smtpd_tls_auth_only")]
    assert found[0].message == ("127.0.0.1:2525 (master.cf:4)|smtpd_tls_auth_only=no|"
                                "set by -o at master.cf:5")
    assert found[0].path == "etc/master.cf" and found[0].severity == "warning"
    assert found[0].tags == ("house",)


def test_a_roles_rule_sees_only_smtpd_services_of_its_roles():
    config = configuration()
    assert [v.name for v in services_in_scope(config, {"roles": ["submission", "mx"]})] == \
        ["smtp", "submission"]
    assert [v.name for v in services_in_scope(config, {"roles": ["any"]})] == \
        ["smtp", "submission", "127.0.0.1:2525"]
    assert [v.name for v in services_in_scope(config, {"file": "master.cf"})] == \
        ["smtp", "submission", "127.0.0.1:2525", "pickup"]
    assert services_in_scope(config, {"file": "main.cf"}) == []
    assert services_in_scope(config, {"file": "configuration"}) == []


def test_a_master_cf_rule_judges_every_service():
    found = run_rules(configuration(), [rule({"service": "type", "equals": "unix"},
                                             {"file": "master.cf"})])
    assert [(f.service, f.line, f.column, f.parameter) for f in found] == [
        ("pickup/unix", 6, 1, None)]


def test_a_main_cf_rule_points_at_the_parameter():
    config = configuration()
    found = run_rules(config, [rule({"param": "smtpd_tls_security_level", "equals": "may"},
                                    {"file": "main.cf"}, message="{param}={value} ({origin})",
                                    fix={"description": "Set {param}",
                                         "edits": [{"action": "set", "name": "{param}",
                                                    "value": "encrypt", "where": "service"}]})])
    assert [(f.path, f.line, f.column, f.parameter, f.service) for f in found] == [
        ("etc/main.cf", 2, 1, "smtpd_tls_security_level", None)]
    assert (found[0].rule, found[0].severity, found[0].tags) == ("house-rule", "warning",
                                                                 ("house",))
    assert found[0].message == "smtpd_tls_security_level=may (inherited from main.cf:2)"
    # without a service, a "service" edit goes to main.cf
    assert found[0].fix.description == "Set smtpd_tls_security_level"
    assert found[0].fix.edits == (Edit("set", "etc/main.cf", "smtpd_tls_security_level",
                                       "encrypt", None),)
    assert found[0].fix.safety == "unsafe"


def test_a_main_cf_rule_on_a_default_sits_on_line_1():
    found = run_rules(configuration(), [rule({"param": "smtpd_tls_protocols", "is_empty": False},
                                             {"file": "main.cf"}, message="{param} {origin}")])
    assert [(f.line, f.column, f.parameter, f.message) for f in found] == [
        (1, 1, "smtpd_tls_protocols", "smtpd_tls_protocols the Postfix default")]


def test_a_main_cf_rule_without_a_parameter_sits_on_line_1():
    found = run_rules(configuration(), [rule({"not": {"service": "tls", "equals": "x"}},
                                             {"file": "main.cf"}, message="m {param}.")])
    # a main.cf subject has no attributes: unknown, so nothing fires
    assert found == []
    found = run_rules(configuration(), [rule({"any": [{"service": "tls", "equals": "x"},
                                                      {"param": "templated", "equals": "y"},
                                                      {"param": "compatibility_level",
                                                       "equals": "3.6"}],
                                              "subject": "no_such_parameter"},
                                             {"file": "main.cf"}, message="m {param}.")])
    assert [(f.line, f.column, f.parameter, f.message) for f in found] == [(1, 1, None, "m .")]
    found = run_rules(configuration(), [rule({"any": [{"param": "templated", "equals": "y"},
                                                      {"param": "compatibility_level",
                                                       "equals": "3.6"}]},
                                             {"file": "main.cf"}, message="m {param}.")])
    # without a subject, the first parameter the condition names
    assert [(f.line, f.parameter, f.message) for f in found] == [(3, "templated", "m templated.")]


def test_a_main_cf_rule_without_a_main_cf_is_quiet():
    check = {"param": "smtpd_tls_security_level", "is_empty": False}
    assert run_rules(configuration(None), [rule(check, {"file": "main.cf"})]) == []
    assert run_rules(configuration(), [rule(check, {"file": "main.cf"})]) != []


def test_needs_main_cf_skips_the_rule_without_one_and_other_stages_never_run():
    check = {"service": "role", "equals": "mx"}
    assert len(run_rules(configuration(), [rule(check, needs_main_cf=True)])) == 1
    assert run_rules(configuration(None), [rule(check, needs_main_cf=True)]) == []
    assert len(run_rules(configuration(None), [rule(check)])) == 1
    assert run_rules(configuration(), [rule(check, {"host": "services"})]) == []
    assert run_rules(configuration(), [rule(check, {"probe": ["smtp"]})]) == []


def test_undefined_names_are_empty_only_beside_a_main_cf():
    """Without main.cf, a $name master.cf uses may be defined there: a
    builtin check (here relay_control, in a rule that does not need main.cf)
    must not judge it as empty. With a main.cf that lacks it, it is."""
    import yaml
    from conftest import ROOT

    data = yaml.safe_load((ROOT / "rules" / "postfix" / "relay-control-missing.yaml").read_text())
    house = rule_from_dict(data | {"id": "house-relay", "needs_main_cf": False}, "house.yaml")
    master = ("smtp inet n - y - - smtpd\n  -o smtpd_relay_restrictions=$custom_relay\n"
              "  -o smtpd_recipient_restrictions=$custom_rcpt\n")
    assert run_rules(configuration(None, master), [house]) == []
    found = run_rules(configuration("compatibility_level = 3.6\n", master), [house])
    assert [(f.rule, f.line) for f in found] == [("house-relay", 2)]        # at the -o
    assert "$custom_relay is never defined" in found[0].message


def test_a_fix_is_rendered_for_its_place_with_the_rules_safety():
    """Edit values are templates too; the rule's fix_safety is the fix's
    (without one, "unsafe")."""
    fix = {"description": "d", "edits": [{"action": "set", "name": "smtpd_tls_loglevel",
                                          "value": "{param}-for-{name}", "where": "service"}]}
    found = _shared_findings(MAIN + "smtpd_tls_loglevel = 0\n", fix=fix, fix_safety="safe")
    assert [(f.fix.edits[0].value, f.fix.safety) for f in found] == [
        ("smtpd_tls_loglevel-for-smtp", "safe"), ("smtpd_tls_loglevel-for-127.0.0.1:2525", "safe")]
    found = _shared_findings(MAIN + "smtpd_tls_loglevel = 0\n", fix=fix)
    assert {f.fix.safety for f in found} == {"unsafe"}


def test_template_fields():
    """Every field is text: empty where there is no service or value, the
    value and its raw form on one line, "unknown" TLS when it is."""
    assert template_fields(None, None) == {
        "param": "", "value": "", "raw": "", "origin": "not set", "service": "", "name": "",
        "role": "", "tls": "", "port": ""}
    config = configuration("smtpd_tls_security_level = {{ level }}\nbanner_name = mail\n"
                           "smtpd_banner = $banner_name   ESMTP\n")
    smtp = view(config, "smtp")
    assert template_fields(smtp, smtp.setting("smtpd_banner")) == {
        "param": "smtpd_banner", "value": "mail ESMTP", "raw": "$banner_name ESMTP",
        "origin": "inherited from main.cf:3 (written as $banner_name ESMTP)",
        "service": "smtp (master.cf:1)", "name": "smtp", "role": "mx", "tls": "unknown",
        "port": "25"}
    pickup = view(configuration(), "pickup")                  # not smtpd, no listener
    assert template_fields(pickup, None) | {"origin": ""} == {
        "param": "", "value": "", "raw": "", "origin": "", "service": "pickup (master.cf:6)",
        "name": "pickup", "role": "", "tls": "optional", "port": ""}


def test_is_yes():
    """yes/no as smtpd reads them; no setting, or an unknown one, is None."""
    context = configuration().context
    assert is_yes(None) is None
    assert is_yes(context.setting("smtpd_tls_auth_only")) is None       # a template
    assert is_yes(context.setting("smtpd_use_tls")) is False
    assert is_yes(configuration("smtpd_use_tls = YES\n").context.setting("smtpd_use_tls"))


# --- notes ------------------------------------------------------------------------------

def _note(config, *rules_):
    found = notes(config, rules_)
    assert len(found) <= 1
    return found[0].message if found else None


def test_notes_without_main_cf_name_the_rules():
    check = {"service": "role", "equals": "mx"}
    skipped = [rule(check, id="b-skipped", needs_main_cf=True),
               rule(check, id="a-skipped", needs_main_cf=True)]
    partial = [rule(check, id="z-partial", partial_without_main_cf=True)]
    plain = rule(check, id="plain")
    lonely = configuration(None)
    head = ("no main.cf beside this master.cf, so what main.cf sets (or a deployment "
            "writes with postconf) is unknown")
    assert _note(lonely, *skipped, *partial, plain) == (
        head + "; 2 rules could not judge: a-skipped, b-skipped"
        "; judged only what master.cf itself sets: z-partial")
    assert _note(lonely, *skipped) == head + "; 2 rules could not judge: a-skipped, b-skipped"
    assert _note(lonely, *partial) == head + "; judged only what master.cf itself sets: z-partial"
    assert _note(lonely, plain) is None
    assert _note(configuration(), *skipped, *partial) is None
    assert _note(configuration(MAIN, None), *skipped, *partial) is None
    note = notes(lonely, skipped)[0]
    assert note.path == "etc/master.cf" and note.level == "note"
    unread = notes(lonely, skipped, "etc/prod.main.cf")[0]       # there, but not read
    assert unread.message == ("prod.main.cf beside this master.cf could not be read, so what "
                              "it sets is unknown; 2 rules could not judge: a-skipped, b-skipped")
    # the file's name, whatever the separators and however deep
    for path in ("srv/etc/prod.main.cf", "prod.main.cf", "C:\\etc\\prod.main.cf"):
        assert notes(lonely, skipped, path)[0].message.startswith(
            "prod.main.cf beside this master.cf could not be read"), path


# --- shared causes ----------------------------------------------------------------------

SHARED = dict(cause_message="{param} at {where} for {services} ({count})",
              message="{service} {param}",
              fix={"description": "Set {param} in main.cf",
                   "edits": [{"action": "set", "name": "smtpd_tls_loglevel", "value": "1",
                              "where": "main"}]})


def _shared_findings(main=MAIN, **changes):
    return run_rules(configuration(main), [rule({"param": "smtpd_tls_loglevel", "equals": "0"},
                                                {"roles": ["mx", "other"]},
                                                **(SHARED | changes))])


def test_a_main_cf_cause_is_one_finding_there():
    found = _shared_findings(MAIN + "smtpd_tls_loglevel = 0\n")
    assert [(f.path, f.line, f.service) for f in found] == [("etc/main.cf", 5, None)]
    assert found[0].message == ("smtpd_tls_loglevel at main.cf:5 for smtp (master.cf:1) "
                                "and 127.0.0.1:2525 (master.cf:4) (2)")
    assert [(r.line, r.label) for r in found[0].related] == [
        (1, "smtp/inet"), (4, "127.0.0.1:2525/inet")]
    # the fix is rendered with the cause's fields too
    assert found[0].fix.description == "Set smtpd_tls_loglevel in main.cf"


def test_a_shared_finding_has_the_most_severe_services_severity():
    """error before warning before info, not the alphabet ("info" <
    "warning") nor the first service's."""
    found = _shared_findings(MAIN + "smtpd_tls_loglevel = 0\n", severity_by_role={"mx": "info"})
    assert [(f.line, f.severity) for f in found] == [(5, "warning")]
    found = _shared_findings(MAIN + "smtpd_tls_loglevel = 0\n", severity="info",
                             severity_by_role={"other": "error"})
    assert [(f.line, f.severity) for f in found] == [(5, "error")]


def test_without_a_cause_message_each_service_gets_its_own_finding():
    """Only a rule with a cause_message can say which services a shared
    cause reaches."""
    found = _shared_findings(MAIN + "smtpd_tls_loglevel = 0\n", cause_message="")
    assert [(f.path, f.service, f.message) for f in found] == [
        ("etc/master.cf", "smtp/inet", "smtp (master.cf:1) smtpd_tls_loglevel"),
        ("etc/master.cf", "127.0.0.1:2525/inet",
         "127.0.0.1:2525 (master.cf:4) smtpd_tls_loglevel")]


def test_a_default_cause_is_one_finding_on_line_1():
    found = _shared_findings()
    assert [(f.path, f.line, f.service) for f in found] == [("etc/main.cf", 1, None)]
    assert "at the Postfix default for" in found[0].message


def test_without_a_fix_or_without_main_cf_each_service_gets_its_own_finding():
    found = _shared_findings(MAIN + "smtpd_tls_loglevel = 0\n", fix=None)
    assert [(f.path, f.service) for f in found] == [
        ("etc/master.cf", "smtp/inet"), ("etc/master.cf", "127.0.0.1:2525/inet")]
    assert found[0].message == "smtp (master.cf:1) smtpd_tls_loglevel"
    found = _shared_findings(None)
    assert [(f.path, f.service) for f in found] == [
        ("etc/master.cf", "smtp/inet"), ("etc/master.cf", "127.0.0.1:2525/inet")]


def test_a_fix_that_edits_the_service_is_per_service():
    fix = {"description": "d", "edits": [{"action": "set", "name": "smtpd_tls_loglevel",
                                          "value": "1", "where": "service"}]}
    found = _shared_findings(MAIN + "smtpd_tls_loglevel = 0\n", fix=fix)
    assert [f.service for f in found] == ["smtp/inet", "127.0.0.1:2525/inet"]
    assert found[0].fix.edits[0].service == "smtp/inet"


# --- wording ----------------------------------------------------------------------------

def test_cause_where_and_origin():
    config = configuration("compatibility_level = 3.6\nalias = encrypt\n"
                           "smtpd_tls_security_level = $alias\n"
                           "smtpd_tls_loglevel = 0\n"
                           "smtpd_banner = $myhostname $undefined_thing\n")
    context = config.context
    written = context.setting("smtpd_tls_security_level")
    assert cause_where(written) == "main.cf:3, written as $alias"
    assert cause_where(context.setting("smtpd_tls_loglevel")) == "main.cf:4"
    assert cause_where(context.setting("smtpd_tls_protocols")) == "the Postfix default"
    syslog = context.setting("syslog_name")
    assert cause_where(syslog) == (
        "the Postfix default, ${multi_instance_name?{$multi_instance_name}:{postfix}}")
    relay = context.setting("smtpd_relay_restrictions")
    assert "level {" in relay.raw and cause_where(relay) == "the Postfix default"
    assert origin(None) == "not set"
    assert origin(written) == "inherited from main.cf:3 (written as $alias)"
    assert origin(context.setting("smtpd_banner")).endswith(
        "; $undefined_thing is never defined)")
    two = configuration("smtpd_banner = $zz_undefined $aa_undefined\n").context
    assert origin(two.setting("smtpd_banner")).endswith(
        "; $aa_undefined, $zz_undefined is never defined)")
    assert origin(context.setting("smtpd_tls_protocols")) == "the Postfix default"


@pytest.mark.parametrize("names, text", [
    ([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")])
def test_join_names(names, text):
    assert join_names(names) == text


@pytest.mark.parametrize("names, text", [
    (["a", "b", "c"], "a, b and c"),
    (["a", "b", "c", "d"], "a, b and 2 more services"),
    (["a", "b", "c", "d", "e"], "a, b and 3 more services")])
def test_join_names_beyond_the_limit_counts_the_rest(names, text):
    """A cause that reaches many services keeps its message one line."""
    assert join_names(names, limit=3) == text


def test_scope_paths_default_without_files():
    config = configuration(None, None)
    scope = Scope(config, [])
    assert (scope.main_path, scope.master_path) == ("main.cf", "master.cf")
    config = configuration()
    assert (Scope(config, []).main_path, Scope(config, []).master_path) == (
        "etc/main.cf", "etc/master.cf")
