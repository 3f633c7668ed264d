"""The restriction-list model: three-valued, as smtpd evaluates the lists."""

from __future__ import annotations

import sys

from limits import run_limited

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
    # in a limited child first: without the bound, 3**40 steps would never end
    script = ("import sys; from linter.engine.restrictions import expanded_steps; "
              "from linter.postfix.main_cf import parse_main_cf; "
              "from linter.postfix.resolve import resolve; "
              "context = resolve(parse_main_cf(sys.argv[1], 'main.cf'), None).context; "
              "print(expanded_steps(context, 'smtpd_client_restrictions'))")
    result = run_limited([sys.executable, "-c", script, text], seconds=10, memory_mb=512)
    assert (result.code, result.out.strip()) == (0, "None"), result.err[-500:]
    assert expanded_steps(context(text), "smtpd_client_restrictions") is None


def test_undefined_reference_is_empty_when_every_definition_is_in_view():
    config = context("compatibility_level = 3.6\n"
                     "smtpd_relay_restrictions = $mua_relay_restrictions\n")
    assert evaluate(config, STRANGER_LOCAL).outcome == "unknown"
    assert evaluate(config, STRANGER_REMOTE, undefined_empty=True).outcome == "accept"
    assert has_working_relay_check(config, "smtpd_relay_restrictions", True) is False


def test_undefined_references_in_classes_are_empty_only_when_asked():
    """undefined_empty reaches every class, however deep; without it (the
    default of each function) an undefined name keeps the list unknown."""
    from linter.engine.restrictions import evaluate_list, expanded_steps, list_steps

    relay = "smtpd_relay_restrictions"
    direct = context("compatibility_level = 3.6\nsmtpd_restriction_classes = outer\n"
                     "outer = $nowhere reject_unauth_destination\nsmtpd_relay_restrictions = outer\n")
    nested = context("compatibility_level = 3.6\nsmtpd_restriction_classes = outer, inner\n"
                     "outer = inner\ninner = $nowhere reject_unauth_destination\n"
                     "smtpd_relay_restrictions = outer\n")
    for config in (direct, nested):
        assert has_working_relay_check(config, relay, True) is True
        assert has_working_relay_check(config, relay) is None
        assert [s.name for s in expanded_steps(config, relay, True)] == [
            "reject_unauth_destination"]
        assert evaluate(config, STRANGER_REMOTE, True).outcome == "refuse"
    assert [s.name for s in expanded_steps(nested, relay)] == ["inner"]     # stays a name
    undefined = context("smtpd_relay_restrictions = $nowhere\n").setting(relay)
    assert list_steps(undefined) is None and list_steps(undefined, True) == []
    assert evaluate_list(relay, undefined, STRANGER_REMOTE).outcome == "unknown"


def test_an_unknown_list_keeps_its_name_and_setting():
    """Verdict.result finds an unknown list like any other, with its setting."""
    from linter.engine.restrictions import evaluate_list

    config = context("compatibility_level = 3.6\nsmtpd_relay_restrictions = {{ relay }}\n"
                     "smtpd_helo_restrictions = $nowhere\n")
    verdict = evaluate(config, STRANGER_LOCAL)
    assert verdict.outcome == "unknown" and len(verdict.lists) == 5
    for name in ("smtpd_relay_restrictions", "smtpd_helo_restrictions"):
        result = verdict.result(name)
        assert (result.parameter, result.setting, result.outcome) == (
            name, config.setting(name), "unknown")
        result = evaluate_list(name, config.setting(name), STRANGER_LOCAL)
        assert (result.parameter, result.setting, result.outcome) == (
            name, config.setting(name), "unknown")


def test_class_inlining_bounds_are_exact():
    """Classes inline 16 deep (the 17th stays a name) and up to 2000 steps
    in all (each class name counts one); beyond that the list is unknown."""
    from linter.engine.restrictions import expanded_steps

    names = [f"c{i}" for i in range(17)]
    text = "smtpd_restriction_classes = " + " ".join(names) + "\n"
    text += "".join(f"c{i} = c{i + 1}\n" for i in range(16)) + "c16 = permit\n"
    text += "smtpd_client_restrictions = c0\nsmtpd_helo_restrictions = c1\n"
    config = context(text)
    assert [s.name for s in expanded_steps(config, "smtpd_client_restrictions")] == ["c16"]
    assert [s.name for s in expanded_steps(config, "smtpd_helo_restrictions")] == ["permit"]

    def big(count: int):
        return expanded_steps(context(
            "smtpd_restriction_classes = big\nbig = " + ", ".join(["permit_mynetworks"] * count)
            + "\nsmtpd_client_restrictions = big\n"), "smtpd_client_restrictions")
    assert len(big(1999)) == 1999                         # with "big" itself: 2000 steps
    assert big(2000) is None


def test_a_class_naming_itself_terminates():
    from linter.engine.restrictions import expanded_steps

    config = context("smtpd_restriction_classes = loop\nloop = loop, reject\n"
                     "smtpd_client_restrictions = loop\n")
    assert [s.name for s in expanded_steps(config, "smtpd_client_restrictions")] == [
        "loop", "reject"]
    assert evaluate(config, STRANGER_LOCAL).outcome == "unknown"


# --- every restriction, every client --------------------------------------------------

def _outcome(name: str, **client) -> str:
    from linter.engine.restrictions import Step, step_outcome

    return step_outcome(Step(name), Client(**client))


def test_step_outcomes_for_each_kind_of_client():
    auth, trusted = {"authenticated": True}, {"in_mynetworks": True}
    remote = {"local_recipient": False}
    assert _outcome("permit") == "permit"
    for refusal in ("reject", "defer", "defer_if_permit"):
        assert _outcome(refusal) == "refuse" and _outcome(refusal, **auth) == "refuse"
    assert (_outcome("permit_mynetworks"), _outcome("permit_mynetworks", **trusted)) == (
        "dunno", "permit")
    assert _outcome("permit_mynetworks", **auth) == "dunno"
    assert (_outcome("permit_sasl_authenticated"),
            _outcome("permit_sasl_authenticated", **auth)) == ("dunno", "permit")
    assert _outcome("permit_sasl_authenticated", **trusted) == "dunno"
    for name in ("reject_unauth_destination", "defer_unauth_destination"):
        assert (_outcome(name), _outcome(name, **remote)) == ("dunno", "refuse")
        assert _outcome(name, authenticated=True, local_recipient=False) == "refuse"
    assert (_outcome("permit_auth_destination"),
            _outcome("permit_auth_destination", **remote)) == ("permit", "dunno")
    for name in ("reject_sender_login_mismatch", "reject_known_sender_login_mismatch",
                 "reject_authenticated_sender_login_mismatch", "check_sasl_access"):
        # a stranger uses an address nobody owns; a login's own address is its maps' call
        assert (_outcome(name), _outcome(name, **auth)) == ("dunno", "unknown"), name
    assert (_outcome("reject_unauthenticated_sender_login_mismatch"),
            _outcome("reject_unauthenticated_sender_login_mismatch", **auth)) == (
        "dunno", "dunno")
    for name in ("reject_non_fqdn_helo_hostname", "reject_unknown_sender_domain",
                 "reject_unauth_pipelining", "permit_tls_clientcerts", "sleep"):
        assert _outcome(name) == "dunno" and _outcome(name, **auth) == "dunno"
    for name in ("check_client_access", "reject_rbl_client", "check_policy_service",
                 "permit_dnswl_client", "my_class", "warn_if_reject"):
        assert _outcome(name) == "unknown"


def test_steps_take_arguments_only_where_smtpd_reads_one():
    assert [(s.name, s.argument) for s in steps(
        "Check_Sender_Access hash:/a reject_rbl_client zen.example, sleep 1, "
        "check_recipient_maps permit_dnswl_client list.example check_sasl_access x "
        "check_reverse_client_hostname_access pcre:/p check_client_a_access cidr:/c "
        "reject_rhsbl_helo h.example check_policy_service")] == [
        ("check_sender_access", "hash:/a"), ("reject_rbl_client", "zen.example"),
        ("sleep", "1"), ("check_recipient_maps", ""), ("permit_dnswl_client", "list.example"),
        ("check_sasl_access", "x"), ("check_reverse_client_hostname_access", "pcre:/p"),
        ("check_client_a_access", "cidr:/c"), ("reject_rhsbl_helo", "h.example"),
        ("check_policy_service", "")]                       # no argument left to take
    assert split(" a,,b\tc\r\nd ") == ["a", "b", "c", "d"]
    assert split("aXb, X") == ["aXb", "X"]                  # only blanks and commas
    assert split("x { a { b } c }, y } z") == ["x", "{ a { b } c }", "y", "}", "z"]


def test_evaluate_list_walks_its_own_setting():
    from linter.engine.restrictions import evaluate_list

    config = context("smtpd_client_restrictions = permit_mynetworks, reject\n"
                     "smtpd_helo_restrictions = {{ helo }}\n")
    client = config.setting("smtpd_client_restrictions")
    result = evaluate_list("smtpd_client_restrictions", client, STRANGER_LOCAL)
    assert (result.parameter, result.setting, result.outcome, result.decided_by) == (
        "smtpd_client_restrictions", client, "refuse", "reject")
    result = evaluate_list("smtpd_client_restrictions", client, Client(in_mynetworks=True))
    assert (result.outcome, result.decided_by) == ("permit", "permit_mynetworks")
    helo = config.setting("smtpd_helo_restrictions")
    assert evaluate_list("smtpd_helo_restrictions", helo, STRANGER_LOCAL).outcome == "unknown"
    unset = evaluate_list("smtpd_data_restrictions", None, STRANGER_LOCAL)
    assert (unset.outcome, unset.decided_by) == ("permit", "")      # empty: end of list


def test_warn_if_reject_covers_only_the_next_restriction():
    from linter.engine.restrictions import Step, evaluate_list

    def run(text):
        result = evaluate_list("x", None, STRANGER_REMOTE, steps(text))
        return result.outcome, result.decided_by
    assert run("warn_if_reject reject_unauth_destination, reject") == ("refuse", "reject")
    assert run("warn_if_reject permit_mynetworks, reject") == ("refuse", "reject")
    assert run("warn_if_reject warn_if_reject reject, permit") == ("permit", "permit")
    assert run("warn_if_reject permit") == ("permit", "permit")
    assert run("warn_if_reject check_client_access hash:/x, permit") == (
        "unknown", "check_client_access")
    assert evaluate_list("x", None, STRANGER_REMOTE, [Step("warn_if_reject")]).outcome == \
        "permit"


def test_verdict_any_refusal_decides_then_any_unknown():
    base = "compatibility_level = 3.6\n"
    verdict = evaluate(context(base + "smtpd_helo_restrictions = check_helo_access hash:/h\n"
                                      "smtpd_sender_restrictions = reject\n"), STRANGER_LOCAL)
    assert verdict.outcome == "refuse"
    assert [r.outcome for r in verdict.lists] == ["permit", "unknown", "refuse", "permit",
                                                  "permit"]
    assert [r.parameter for r in verdict.lists] == [
        "smtpd_client_restrictions", "smtpd_helo_restrictions", "smtpd_sender_restrictions",
        "smtpd_relay_restrictions", "smtpd_recipient_restrictions"]
    assert verdict.result("smtpd_sender_restrictions").decided_by == "reject"
    verdict = evaluate(context(base + "smtpd_recipient_restrictions = "
                                      "check_recipient_access hash:/r\n"), STRANGER_LOCAL)
    assert verdict.outcome == "unknown"
    assert evaluate(context(base + "smtpd_client_restrictions = permit\n"
                                   "smtpd_relay_restrictions = reject\n"),
                    STRANGER_LOCAL).outcome == "refuse"     # a permit ends only its list


# --- classes ----------------------------------------------------------------------------

def test_a_class_listed_but_never_defined_stays_a_name():
    from linter.engine.restrictions import expanded_steps, restriction_classes

    config = context("compatibility_level = 3.6\n"
                     "smtpd_restriction_classes = ghost\n"
                     "smtpd_client_restrictions = ghost, permit\n")
    assert restriction_classes(config) == {"ghost": None}
    assert [s.name for s in expanded_steps(config, "smtpd_client_restrictions")] == [
        "ghost", "permit"]
    assert evaluate(config, STRANGER_LOCAL).outcome == "unknown"    # smtpd would not start


def test_a_class_with_an_unknown_list_stays_a_name():
    from linter.engine.restrictions import expanded_steps

    config = context("compatibility_level = 3.6\n"
                     "smtpd_restriction_classes = mine, other\n"
                     "mine = {{ rules }}\nother = reject\n"
                     "smtpd_client_restrictions = mine, other\n")
    assert [s.name for s in expanded_steps(config, "smtpd_client_restrictions")] == [
        "mine", "reject"]
    config = context("smtpd_restriction_classes = mine\nmine = $nowhere\n"
                     "smtpd_client_restrictions = mine\n")
    assert [s.name for s in expanded_steps(config, "smtpd_client_restrictions")] == ["mine"]
    assert expanded_steps(config, "smtpd_client_restrictions", undefined_empty=True) == []


def test_an_unknown_class_list_keeps_names_and_an_unknown_list_is_none():
    from linter.engine.restrictions import expanded_steps, mentions, restriction_classes

    config = context("smtpd_restriction_classes = {{ classes }}\n"
                     "smtpd_client_restrictions = permit_mynetworks, reject\n"
                     "smtpd_helo_restrictions = {{ helo }}\n")
    assert restriction_classes(config) is None
    assert [s.name for s in expanded_steps(config, "smtpd_client_restrictions")] == [
        "permit_mynetworks", "reject"]
    assert expanded_steps(config, "smtpd_helo_restrictions") is None
    assert mentions(config, {"reject"}) is None
    assert has_working_relay_check(config, "smtpd_client_restrictions") is True
    assert has_working_relay_check(context(
        "smtpd_restriction_classes = {{ classes }}\n"
        "smtpd_relay_restrictions = permit_mynetworks, permit\n"),
        "smtpd_relay_restrictions") is None


def test_relay_check_in_classes():
    def working(relay: str, classes: str) -> bool | None:
        return has_working_relay_check(
            context(f"smtpd_relay_restrictions = {relay}\n{classes}"),
            "smtpd_relay_restrictions")
    # a class without one: the search goes on in the list
    assert working("plain, reject_unauth_destination",
                   "smtpd_restriction_classes = plain\nplain = permit_mynetworks\n") is True
    assert working("plain", "smtpd_restriction_classes = plain\nplain = permit_mynetworks\n") \
        is False
    # a class's permit ends only the class
    assert working("early, defer",
                   "smtpd_restriction_classes = early\n"
                   "early = permit, reject_unauth_destination\n") is True
    assert working("early",
                   "smtpd_restriction_classes = early\n"
                   "early = permit, reject_unauth_destination\n") is False
    # a class with an unknown list: unknown unless the list has one after it
    assert working("mine", "smtpd_restriction_classes = mine\nmine = {{ x }}\n") is None
    assert working("mine, reject",
                   "smtpd_restriction_classes = mine\nmine = {{ x }}\n") is True
    assert working("mine, permit",
                   "smtpd_restriction_classes = mine\nmine = {{ x }}\n") is None
    # warn_if_reject hides only the next restriction from the start-up test
    assert working("warn_if_reject reject, reject_unauth_destination", "") is True
    assert working("warn_if_reject reject_unauth_destination", "") is False
    assert working("warn_if_reject reject, reject_unauth_destination",
                   "smtpd_restriction_classes = plain\nplain = permit_mynetworks\n") is True
    # a class naming itself ends
    assert working("loop", "smtpd_restriction_classes = loop\nloop = loop\n") is False
    assert working("loop", "smtpd_restriction_classes = loop\nloop = loop, defer\n") is True
    assert working("{{ x }}", "") is None


def test_mentions_lists_and_classes_that_name_a_restriction():
    from linter.engine.restrictions import mentions

    config = context("smtpd_restriction_classes = zeta, alpha\n"
                     "zeta = reject_sender_login_mismatch\nalpha = permit\n"
                     "smtpd_sender_restrictions = zeta\n"
                     "smtpd_end_of_data_restrictions = reject_sender_login_mismatch\n")
    found = mentions(config, {"reject_sender_login_mismatch"})
    assert [name for name, _ in found] == ["smtpd_end_of_data_restrictions", "zeta"]
    assert found[1][1] is config.setting("zeta")
    assert mentions(config, {"permit"}) == [("alpha", config.setting("alpha"))]
    assert mentions(config, {"reject_sender_login_mismatch"},
                    parameters=["smtpd_sender_restrictions"]) == [
        ("zeta", config.setting("zeta"))]
    assert mentions(context("smtpd_restriction_classes = ghost\n"), {"ghost"}) == []
    assert mentions(context("smtpd_data_restrictions = $nowhere, reject\n"), {"reject"}) is None
    assert mentions(context("smtpd_data_restrictions = $nowhere, reject\n"), {"reject"},
                    undefined_empty=True) == [
        ("smtpd_data_restrictions", context("smtpd_data_restrictions = $nowhere, reject\n")
         .setting("smtpd_data_restrictions"))]


class Bare:
    """A Settings that defines nothing (the protocol allows None)."""

    def setting(self, name):
        return None


def test_settings_that_define_nothing():
    from linter.engine.restrictions import (
        delays_reject,
        expanded_steps,
        list_steps,
        restriction_classes,
    )

    assert list_steps(None) == []
    assert restriction_classes(Bare()) == {}
    assert expanded_steps(Bare(), "smtpd_client_restrictions") == []
    assert delays_reject(Bare()) is True
    assert has_working_relay_check(Bare(), "smtpd_relay_restrictions") is False
    assert evaluate(Bare(), STRANGER_REMOTE).outcome == "accept"


def test_delays_reject():
    from linter.engine.restrictions import delays_reject

    assert delays_reject(context("")) is True
    assert delays_reject(context("smtpd_delay_reject = NO\n")) is False
    assert delays_reject(context("smtpd_delay_reject = yes\n")) is True
    assert delays_reject(context("smtpd_delay_reject = {{ delay }}\n")) is None
    assert delays_reject(context("smtpd_delay_reject = maybe\n")) is None


def test_quoted_and_where():
    from linter.engine.restrictions import quoted, where

    config = context("compatibility_level = 3.6\n"
                     "smtpd_client_restrictions =  permit_mynetworks, reject \n")
    client = config.setting("smtpd_client_restrictions")
    assert quoted(client, "smtpd_client_restrictions") == \
        "smtpd_client_restrictions=permit_mynetworks, reject"
    assert quoted(None, "smtpd_data_restrictions") == "smtpd_data_restrictions="
    relay = config.setting("smtpd_relay_restrictions")
    assert where(relay, config) == "the Postfix default at compatibility_level 3.6"
    old = context("")
    assert where(old.setting("smtpd_relay_restrictions"), old) == \
        "the Postfix default at compatibility_level 0"
    empty = context("compatibility_level =\n")
    assert where(empty.setting("smtpd_relay_restrictions"), empty) == \
        "the Postfix default at compatibility_level 0"
    templated = context("compatibility_level = {{ level }}\n")
    assert where(templated.setting("smtpd_relay_restrictions"), templated) == \
        "the Postfix default at compatibility_level unknown"
    assert where(client, config) == "inherited from main.cf:2"
    assert where(None, config) == "not set"
