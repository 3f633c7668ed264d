"""The fix loop on small pairs a careless user could write: which fix is
left out when a result would bring a new error, and why."""

from __future__ import annotations

from linter.engine.rules import builtin_rules
from linter.fix.apply import _configuration, fix_pairs
from linter.fix.compose import FixPolicy
from linter.lint import lint_configuration
from linter.postfix.load import ConfigPaths

from conftest import FIXTURES

RULES = builtin_rules()
PAIR = ConfigPaths("p/main.cf", "p/master.cf")


def _lint(config):
    return lint_configuration(config, RULES)


def fix(main: str, master: str, policy: FixPolicy = FixPolicy(unsafe=True)):
    texts = {PAIR.main: main, PAIR.master: master}
    result = fix_pairs([PAIR], texts, _lint, policy.allows, "3.7")
    after = _lint(_configuration(PAIR, result.fixed, "3.7"))
    return result, {f.rule for f in after}


def fix_counting_lints(main: str, master: str):
    """fix, and how many times the fix loop linted the pair (each trial
    of the search for a fix's culprits is one)."""
    calls = []

    def counting(config):
        calls.append(1)
        return _lint(config)

    texts = {PAIR.main: main, PAIR.master: master}
    return fix_pairs([PAIR], texts, counting, FixPolicy(unsafe=True).allows, "3.7"), len(calls)


NO_CERTIFICATE_MAIN = (
    "smtpd_tls_security_level = may\n"
    "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, "
    "reject_unauth_destination\n")
SUBMISSION = ("smtp      inet  n       -       y       -       -       smtpd\n"
              "submission inet n       -       y       -       -       smtpd\n"
              "  -o smtpd_sasl_auth_enable=yes\n"
              "  -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n")


def test_only_the_fix_that_brings_a_new_error_is_left_out_when_lines_move():
    # Requiring TLS without a certificate brings tls-cert-missing; the
    # sender-login fix on the same service does not, although leaving it
    # out moves the -o line the tls-cert-missing message names.
    result, after = fix(NO_CERTIFICATE_MAIN, SUBMISSION)
    refused = [m for m in result.messages if "fix not applied" in m]
    assert any("submission-tls-not-required" in m for m in refused), result.messages
    assert not any("sender-login-mismatch-not-enforced" in m for m in refused), refused
    assert "-o smtpd_sender_restrictions=reject_sender_login_mismatch" \
        in result.fixed[PAIR.master]
    assert "sender-login-mismatch-not-enforced" not in after
    assert "tls-cert-missing" in after and "submission-tls-not-required" in after


def test_the_one_culprit_among_hundreds_of_fixes_is_found_in_a_few_trials():
    """Each trial lints the pair: the culprit (requiring TLS without a
    certificate) sits before 400 safe fixes of the same entry, and is found
    by bisection, not by leaving the fixes out one at a time. (Adding the
    465 service would need a certificate too.)"""
    master = ("submission inet n - n - - smtpd\n  -o smtpd_sasl_auth_enable=yes\n"
              "  -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n"
              + "".join(f"  -o smtpd_tls_loglevel = {i % 2}\n  -o foo_{i}=1\n"
                        for i in range(200)))
    result, lints = fix_counting_lints(NO_CERTIFICATE_MAIN, master)
    refused = [m for m in result.messages if "fix not applied" in m]
    assert sorted(m.split(": ")[1] for m in refused) == [   # both would need a certificate
        "submission-tls-not-required", "submissions-service-missing"], refused
    fixed = result.fixed[PAIR.master]
    assert "foo_" not in fixed and " = " not in fixed and "smtpd_tls_security_level" not in fixed
    assert fixed.count("-o smtpd_tls_loglevel=") == 200
    assert lints < 30, lints   # one trial per fix: over 400


def test_the_culprits_of_hundreds_of_services_are_searched_side_by_side():
    """300 submission services without a certificate: each requires TLS in
    a fix of its own that would bring tls-cert-missing. One search judges
    all of them in each trial (one search per service was 300 times its
    trials)."""
    master = "".join(f"10.0.{i // 250}.{i % 250 + 1}:587 inet n - n - - smtpd\n"
                     "  -o smtpd_sasl_auth_enable=yes\n"
                     "  -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n"
                     for i in range(300))
    result, lints = fix_counting_lints(NO_CERTIFICATE_MAIN, master)
    refused = [m for m in result.messages if "fix not applied" in m]
    assert sum("submission-tls-not-required" in m for m in refused) == 300
    fixed = result.fixed[PAIR.master]
    assert fixed.count("-o smtpd_sender_restrictions=reject_sender_login_mismatch") == 300
    assert "smtpd_tls_security_level" not in fixed
    assert lints < 40, lints


OBSOLETE_MAIN = ("smtpd_tls_chain_files = /k.pem, /c.pem\n"
                 "smtpd_use_tls = yes\n"
                 "smtpd_enforce_tls = yes\n"
                 "smtp_use_tls = yes\n"
                 "smtpd_tls_auth_only = true\n")


def test_fixes_beside_the_ones_that_together_bring_an_error_are_still_applied():
    # Rewriting smtpd_use_tls or smtpd_enforce_tls as smtpd_tls_security_level
    # names a new parameter in mx-tls-required; neither alone explains it
    # (the other still derives encrypt). The smtp_use_tls and boolean fixes,
    # also in main.cf, have nothing to do with it.
    result, after = fix(OBSOLETE_MAIN, "smtp inet n - y - - smtpd\n", FixPolicy())
    main = result.fixed[PAIR.main]
    assert "smtpd_tls_auth_only = yes\n" in main
    assert "smtp_use_tls" not in main and "smtp_tls_security_level = may\n" in main
    assert "smtpd_use_tls = yes\n" in main and "smtpd_enforce_tls = yes\n" in main
    refused = [m for m in result.messages if "fix not applied" in m]
    assert [m.split(":")[1] for m in refused] == ["3", "2"], refused
    assert "invalid-parameter-value" not in after


def test_mx_sasl_fix_leaves_no_auth_on_port_25_from_an_option_or_a_duplicate():
    # The case: removing smtp's -o alone left main.cf's yes (set
    # twice) in force, and removing one of the two lines left the other.
    directory = FIXTURES / "rules" / "mx-sasl-enabled" / "fires-option-and-main-cf-twice"
    main, master = ((directory / name).read_text() for name in ("main.cf", "master.cf"))
    result, after = fix(main, master, FixPolicy(unsafe=True, only=frozenset({"mx-sasl-enabled"})))
    assert "mx-sasl-enabled" not in after
    assert "smtpd_sasl_auth_enable" not in result.fixed[PAIR.main]
    assert result.fixed[PAIR.master].startswith(
        "smtp      inet  n       -       y       -       -       smtpd\nsubmission ")
    assert "  -o smtpd_sasl_auth_enable=yes\n" in result.fixed[PAIR.master]
