"""The restriction-list model: three-valued, as smtpd evaluates the lists."""

from __future__ import annotations

from linter.engine.restrictions import (
    Client,
    evaluate,
    has_working_relay_check,
    split,
    steps,
)
from linter.postfix.main_cf import parse_main_cf
from linter.postfix.resolve import resolve

STRANGER_LOCAL = Client(authenticated=False, in_mynetworks=False, local_recipient=True)
STRANGER_REMOTE = Client(authenticated=False, in_mynetworks=False, local_recipient=False)


def context(text: str):
    return resolve(parse_main_cf(text, "main.cf"), None).context


def test_split_keeps_braced_groups_and_arguments():
    assert split("check_policy_service { inet:127.0.0.1:10023, timeout=10s }, reject") == \
        ["check_policy_service", "{ inet:127.0.0.1:10023, timeout=10s }", "reject"]
    assert [(s.name, s.argument) for s in steps("check_client_access hash:/x, REJECT")] == \
        [("check_client_access", "hash:/x"), ("reject", "")]


def test_default_relay_restrictions_accept_a_stranger_for_local_mail_only():
    config = context("compatibility_level = 3.6\n")
    assert evaluate(config, STRANGER_LOCAL).outcome == "accept"
    assert evaluate(config, STRANGER_REMOTE).outcome == "refuse"


def test_a_map_before_the_decision_is_unknown_but_a_later_known_refusal_decides():
    config = context("compatibility_level = 3.6\n"
                     "smtpd_client_restrictions = check_client_access hash:/x, reject\n")
    assert evaluate(config, STRANGER_LOCAL).outcome == "unknown"
    config = context("compatibility_level = 3.6\n"
                     "smtpd_client_restrictions = check_client_access hash:/x\n"
                     "smtpd_relay_restrictions = permit_sasl_authenticated, reject\n")
    assert evaluate(config, STRANGER_LOCAL).outcome == "refuse"


def test_warn_if_reject_only_logs_and_defer_if_permit_refuses():
    config = context("compatibility_level = 3.6\n"
                     "smtpd_relay_restrictions = warn_if_reject reject, permit\n")
    assert evaluate(config, STRANGER_REMOTE).outcome == "accept"
    config = context("compatibility_level = 3.6\n"
                     "smtpd_relay_restrictions = defer_if_permit, check_client_access hash:/x\n")
    assert evaluate(config, STRANGER_REMOTE).outcome == "refuse"


def test_undefined_reference_and_unknown_names_are_unknown():
    config = context("compatibility_level = 3.6\n"
                     "smtpd_client_restrictions = $mua_client_restrictions\n")
    assert evaluate(config, STRANGER_LOCAL).outcome == "unknown"
    config = context("compatibility_level = 3.6\n"
                     "smtpd_client_restrictions = my_own_class, reject\n")
    assert evaluate(config, STRANGER_LOCAL).outcome == "unknown"


def test_relay_check_as_smtpd_start_up_sees_it():
    """Verified against smtpd 3.7 -S: permit ends the search, warn_if_reject
    hides the next word, a class is searched, names are case-insensitive."""
    def working(relay: str, extra: str = "") -> bool | None:
        return has_working_relay_check(
            context(f"smtpd_relay_restrictions = {relay}\n{extra}"), "smtpd_relay_restrictions")
    assert working("permit_mynetworks, reject_unauth_destination") is True
    assert working("REJECT_UNAUTH_DESTINATION") is True
    assert working("permit, reject_unauth_destination") is False
    assert working("warn_if_reject reject_unauth_destination") is False
    assert working("permit_mynetworks, relay_check",
                   "smtpd_restriction_classes = relay_check\n"
                   "relay_check = reject_unauth_destination\n") is True
    assert working("{{ relay_restrictions }}") is None
    assert has_working_relay_check(context(""), "smtpd_relay_restrictions") is False


def test_a_class_is_judged_by_its_own_list():
    from linter.engine.restrictions import expanded_steps

    config = context("compatibility_level = 3.6\n"
                     "smtpd_restriction_classes = submitters, inner\n"
                     "submitters = inner, reject\n"
                     "inner = permit_sasl_authenticated\n"
                     "smtpd_client_restrictions = submitters\n")
    assert [s.name for s in expanded_steps(config, "smtpd_client_restrictions")] == [
        "permit_sasl_authenticated", "reject"]
    assert evaluate(config, STRANGER_LOCAL).outcome == "refuse"


def test_classes_naming_each_other_terminate_and_stay_unknown():
    from linter.engine.restrictions import expanded_steps

    config = context("compatibility_level = 3.6\n"
                     "smtpd_restriction_classes = a, b\n"
                     "a = b, permit_mynetworks\nb = a\n"
                     "smtpd_client_restrictions = a\n")
    assert [s.name for s in expanded_steps(config, "smtpd_client_restrictions")] == [
        "a", "permit_mynetworks"]
    assert evaluate(config, STRANGER_LOCAL).outcome == "unknown"


def test_many_nested_classes_are_bounded():
    from linter.engine.restrictions import expanded_steps

    names = [f"c{i}" for i in range(40)]
    text = "smtpd_restriction_classes = " + " ".join(names) + "\n"
    text += "".join(f"c{i} = c{i + 1}, c{i + 1}, c{i + 1}\n" for i in range(39)) + "c39 = reject\n"
    text += "smtpd_client_restrictions = c0\n"
    assert expanded_steps(context(text), "smtpd_client_restrictions") is None


def test_undefined_reference_is_empty_when_every_definition_is_in_view():
    config = context("compatibility_level = 3.6\n"
                     "smtpd_relay_restrictions = $mua_relay_restrictions\n")
    assert evaluate(config, STRANGER_LOCAL).outcome == "unknown"
    assert evaluate(config, STRANGER_REMOTE, undefined_empty=True).outcome == "accept"
    assert has_working_relay_check(config, "smtpd_relay_restrictions", True) is False


def test_a_class_naming_itself_terminates():
    from linter.engine.restrictions import expanded_steps

    config = context("smtpd_restriction_classes = loop\nloop = loop, reject\n"
                     "smtpd_client_restrictions = loop\n")
    assert [s.name for s in expanded_steps(config, "smtpd_client_restrictions")] == [
        "loop", "reject"]
    assert evaluate(config, STRANGER_LOCAL).outcome == "unknown"
