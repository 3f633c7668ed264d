"""The authentication and relay rules: exact messages, locations and fixes,
and what they say about real configurations in the shared corpus."""

from __future__ import annotations

import os

import pytest
from conftest import FIXTURES, corpus_dir, requires_corpus

from linter.engine.rules import builtin_rules
from linter.lint import lint_pair
from linter.postfix.load import ConfigPaths, pair_for

AUTH_RULES = ("submission-sasl-disabled", "sasl-auth-before-tls", "sasl-anonymous-allowed",
              "mx-sasl-enabled", "submission-auth-not-enforced", "open-relay",
              "relay-control-missing", "sender-login-mismatch-not-enforced",
              "sender-login-maps-missing")
RULES = [rule for rule in builtin_rules() if rule.id in AUTH_RULES]


def findings(rule_id: str, case: str):
    directory = FIXTURES / "rules" / rule_id / case
    return [f for f in lint_pair(pair_for(str(directory)), RULES) if f.rule == rule_id]


def write_pair(tmp_path, main: str, master: str) -> list:
    (tmp_path / "main.cf").write_text(main)
    (tmp_path / "master.cf").write_text(master)
    return lint_pair(pair_for(str(tmp_path)), RULES)


def test_all_nine_rules_are_shipped():
    assert sorted(rule.id for rule in RULES) == sorted(AUTH_RULES)


def test_submission_auth_not_enforced_names_the_default_relay_list():
    [finding] = findings("submission-auth-not-enforced", "fires")
    assert finding.message == (
        "submission (master.cf:1) lets clients that have not logged in send to local "
        "addresses: no restriction list rejects them, and smtpd_relay_restrictions="
        "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination (the Postfix "
        "default at compatibility_level 3.6) stops only mail to other domains")
    assert (finding.line, finding.severity, finding.service) == (1, "error", "submission/inet")
    assert finding.fix.lines == ("  -o smtpd_client_restrictions=permit_sasl_authenticated,reject",)
    [edit] = finding.fix.edits
    assert (edit.action, edit.name, edit.value, edit.service) == (
        "set", "smtpd_client_restrictions", "permit_sasl_authenticated,reject", "submission/inet")


@pytest.mark.parametrize("override", [
    "smtpd_client_restrictions=permit_sasl_authenticated,reject",
    "smtpd_recipient_restrictions=permit_sasl_authenticated,reject",
    "smtpd_relay_restrictions=permit_sasl_authenticated,reject",
])
def test_any_list_that_rejects_unauthenticated_clients_enforces_auth(tmp_path, override):
    found = write_pair(tmp_path, "compatibility_level = 3.6\n",
                       "submission inet n - y - - smtpd\n  -o smtpd_sasl_auth_enable=yes\n"
                       f"  -o smtpd_tls_security_level=encrypt\n  -o {override}\n")
    assert [f for f in found if f.rule == "submission-auth-not-enforced"] == []


def test_sasl_auth_before_tls_on_port_25_points_at_main_cf():
    [finding] = findings("sasl-auth-before-tls", "fires")
    assert finding.message == (
        "smtpd_tls_auth_only=no (the Postfix default) lets plaintext passwords through "
        "before STARTTLS on smtp (master.cf:1, TLS optional, "
        "smtpd_sasl_security_options=noanonymous)")
    assert (finding.path.rsplit("/", 1)[-1], finding.line, finding.service) == ("main.cf", 1, None)
    assert finding.parameter == "smtpd_tls_auth_only"
    assert [(r.label, r.line) for r in finding.related] == [("smtp/inet", 1)]
    assert finding.fix.lines == ("smtpd_tls_auth_only = yes",)
    assert finding.fix.edits[0].service is None


def test_sasl_auth_before_tls_from_an_override_is_located_at_the_override():
    [finding] = findings("sasl-auth-before-tls", "fires-override")
    assert (finding.line, finding.column) == (3, 6)
    assert "set by -o at master.cf:3" in finding.message
    assert finding.fix.lines == ("  -o smtpd_tls_auth_only=yes",)


def test_mx_sasl_enabled_moves_the_switch_to_the_submission_service():
    [finding] = findings("mx-sasl-enabled", "fires")
    assert finding.message == ("smtpd_sasl_auth_enable=yes (main.cf:3) turns on SMTP AUTH on "
                               "port 25, where mail servers never log in: smtp (master.cf:1)")
    assert (finding.line, finding.service, finding.parameter) == (
        3, None, "smtpd_sasl_auth_enable")
    assert finding.severity == "warning"
    assert [(e.action, e.path.rsplit("/", 1)[-1], e.service) for e in finding.fix.edits] == [
        ("remove", "main.cf", None), ("set", "master.cf", "submission/inet")]
    assert finding.fix.lines == ("  -o smtpd_sasl_auth_enable=yes",)


def test_open_relay_by_mynetworks_names_the_network():
    [finding] = findings("open-relay", "fires-mynetworks")
    assert finding.message == (
        "smtp (master.cf:1) is an open relay: mynetworks=127.0.0.0/8, 0.0.0.0/0 (inherited "
        "from main.cf:2) covers every address (0.0.0.0/0), and permit_mynetworks lets all "
        "of them relay, so any client can send mail to any domain")
    assert finding.fix.lines == ("mynetworks = 127.0.0.0/8 [::1]/128",)


def test_relay_control_missing_explains_the_hidden_check():
    [finding] = findings("relay-control-missing", "fires-override")
    assert finding.message == (
        "submission (master.cf:2) will not start: neither smtpd_relay_restrictions="
        "permit_sasl_authenticated,warn_if_reject,reject_unauth_destination (set by -o at "
        "master.cf:3; its warn_if_reject makes the next check only log) nor "
        "smtpd_recipient_restrictions= (the Postfix default) holds a working relay check "
        "such as reject_unauth_destination")
    assert (finding.line, finding.column) == (3, 6)
    assert finding.fix.lines == (("  -o smtpd_relay_restrictions=permit_mynetworks,"
                                 "permit_sasl_authenticated,reject_unauth_destination"),)


def test_relay_control_missing_below_compatibility_level_1():
    [finding] = findings("relay-control-missing", "fires-compat0")
    assert "smtpd_relay_restrictions= (the Postfix default at compatibility_level 0)" \
        in finding.message
    assert finding.fix.lines == (("smtpd_relay_restrictions = permit_mynetworks, "
                                 "permit_sasl_authenticated, reject_unauth_destination"),)


def test_sender_login_check_behind_permit_sasl_authenticated_is_reported():
    [finding] = findings("sender-login-mismatch-not-enforced", "fires-shadowed")
    assert finding.message == (
        "submission (master.cf:1) lets a logged-in user send as any address: "
        "smtpd_sender_restrictions=permit_sasl_authenticated, reject_sender_login_mismatch "
        "(inherited from main.cf:3) puts permit_sasl_authenticated before "
        "reject_sender_login_mismatch, which logged-in clients never reach")
    assert finding.fix.lines == (("  -o smtpd_sender_restrictions=reject_sender_login_mismatch,"
                                 "permit_sasl_authenticated"),)


def test_unauthenticated_only_mismatch_check_does_not_stop_logged_in_users(tmp_path):
    found = write_pair(tmp_path, "compatibility_level = 3.6\n"
                       "smtpd_sender_login_maps = hash:/etc/postfix/logins\n",
                       "submission inet n - y - - smtpd\n  -o smtpd_sasl_auth_enable=yes\n"
                       "  -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n"
                       "  -o smtpd_sender_restrictions="
                       "reject_unauthenticated_sender_login_mismatch\n")
    assert [f.rule for f in found if f.rule.startswith("sender-login")] == [
        "sender-login-mismatch-not-enforced"]


def test_sender_login_maps_missing_is_located_where_the_maps_belong():
    """The maps are empty by default: the fix is one main.cf line, so the
    finding is in main.cf, with the service that uses the check related."""
    [finding] = findings("sender-login-maps-missing", "fires")
    assert (finding.path.rsplit("/", 1)[-1], finding.line) == ("main.cf", 1)
    assert finding.message == (
        "smtpd_sender_login_maps is empty (the Postfix default), so the sender login checks "
        "never reject on submission (master.cf:1, smtpd_sender_restrictions: "
        "reject_sender_login_mismatch)")
    assert [r.label for r in finding.related] == ["submission/inet"]


def test_without_main_cf_nothing_is_assumed(tmp_path):
    (tmp_path / "master.cf").write_text("smtp inet n - y - - smtpd\n"
                                        "submission inet n - y - - smtpd\n")
    assert lint_pair(pair_for(str(tmp_path)), RULES) == []


# -- the shared corpus ------------------------------------------------------

def corpus_pair(name: str) -> ConfigPaths:
    directory = corpus_dir() / "postfix" / name
    files = sorted(os.listdir(directory))
    main = next((f for f in files if f.startswith(("main.cf", "etc_postfix_main.cf"))
                 and f not in ("main.cf.dovecot", "main.cf.dist", "main.cf.debian")), None)
    master = next((f for f in files if "master.cf" in f), None)
    return ConfigPaths(str(directory / main) if main else None,
                       str(directory / master) if master else None)


def corpus_findings(name: str) -> dict[str, set[str]]:
    """rule id -> names of the services it fired on."""
    found: dict[str, set[str]] = {}
    for finding in lint_pair(corpus_pair(name), RULES):
        keys = [finding.service] if finding.service else [r.label for r in finding.related]
        found.setdefault(finding.rule, set()).update(key.split("/")[0] for key in keys or [""])
    return found


# MANIFEST.tsv: global SASL with TLS optional and no smtpd_tls_auth_only:
# plaintext AUTH possible on port 25.
@requires_corpus
@pytest.mark.parametrize("name", ["nicholasngai-mailserver", "nothing4you-config",
                                  "teekups-mail", "bendiscz-mail", "arf20net-mail-conf"])
def test_corpus_plaintext_auth_on_port_25(name):
    found = corpus_findings(name)
    assert "smtp" in found.get("sasl-auth-before-tls", set())
    assert "smtp" in found.get("mx-sasl-enabled", set())


@requires_corpus
def test_corpus_danwin_switches_sasl_off_on_port_25():
    """The note says plaintext AUTH on 25, but master.cf has
    -o smtpd_sasl_auth_enable=no on smtp and on 26: smtpd offers no AUTH there."""
    found = corpus_findings("danwin-mail-hosting")
    assert "sasl-auth-before-tls" not in found and "mx-sasl-enabled" not in found


@requires_corpus
def test_corpus_arf20net_submission_without_encrypt_or_auth_only():
    assert "submission" in corpus_findings("arf20net-mail-conf")["sasl-auth-before-tls"]


@requires_corpus
def test_corpus_teekups_465_without_wrappermode_offers_plaintext_auth():
    assert "smtps" in corpus_findings("teekups-mail")["sasl-auth-before-tls"]


@requires_corpus
@pytest.mark.parametrize("name", ["kirilkirkov-postfix-dovecot-mysql",
                                  "mktsnix-infra-postfixdovecot", "robbertkl-docker-mail"])
def test_corpus_auth_only_in_main_cf_keeps_auth_behind_starttls(name):
    """587 with level=may, but smtpd_tls_auth_only = yes in main.cf."""
    assert "submission" not in corpus_findings(name).get("sasl-auth-before-tls", set())


@requires_corpus
@pytest.mark.parametrize("name", ["feministwiki", "hardware-mailserver", "danwin-mail-hosting",
                                  "jthvai-smtp-imap-configuration", "sovereign"])
def test_corpus_global_sasl_counts_for_submission(name):
    assert "submission-sasl-disabled" not in corpus_findings(name)


@requires_corpus
def test_corpus_docker_mailserver_submission_is_enforced_but_spoof_check_is_inert():
    """$mua_sender_restrictions uses reject_authenticated_sender_login_mismatch,
    but the shipped main.cf leaves smtpd_sender_login_maps empty."""
    found = corpus_findings("docker-mailserver")
    assert "submission-auth-not-enforced" not in found
    assert found["sender-login-maps-missing"] == {"submission", "submissions"}


@requires_corpus
@pytest.mark.parametrize("name", ["debian-bookworm-postfix", "feministwiki", "grapheneos-mail",
                                  "docker-mailserver", "filegarden-mail", "kirilkirkov-postfix-dovecot-mysql"])
def test_corpus_working_servers_are_not_open_relays(name):
    found = corpus_findings(name)
    assert "open-relay" not in found and "relay-control-missing" not in found


@requires_corpus
def test_corpus_main_cf_without_compatibility_level_or_relay_check_will_not_start():
    """No compatibility_level and no relay restrictions: smtpd 3.7 stops
    with "specify at least one working instance" (checked with smtpd -S)."""
    found = corpus_findings("vitalk-ansible-mail-stack")
    assert found.get("relay-control-missing") == {"smtp"}
    assert "open-relay" not in found


@requires_corpus
@pytest.mark.parametrize("name", ["ispmail-bookworm-ansible", "alchemiistcreative-ansible-ispconfig3"])
def test_corpus_master_cf_alone_says_nothing_about_main_cf_values(name):
    assert corpus_findings(name) == {}


@requires_corpus
@pytest.mark.parametrize("name", ["robertdebock-ansible-role-postfix", "roumano-ansible-role-postfix-dovecot",
                                  "stackfocus-ansible-role-postfix-dovecot", "iredmail",
                                  "modoboa-installer", "mailserver-ansible-role-postfix"])
def test_corpus_template_values_never_fire_restriction_rules(name):
    """Restriction lists and SASL switches written as template placeholders
    are unknown: none of the rules that read them fires."""
    found = corpus_findings(name)
    for rule_id in ("submission-auth-not-enforced", "open-relay", "relay-control-missing",
                    "sasl-auth-before-tls", "sasl-anonymous-allowed"):
        assert rule_id not in found, (rule_id, found[rule_id])


# New on the corpus with restriction classes and undefined names judged
# (both real problems, not bugs):
# - arf20net-mail-conf sets smtpd_restriction_classes = insiders_only, a
#   class reached only through an access map and holding no login check:
#   before, any class made the rule abstain; now submission and
#   submissions are reported, since no list checks the sender's login.
# - sejonj-mailserverconfig copies Debian's -o smtpd_sender_restrictions=
#   $mua_sender_restrictions without defining it: Postfix expands it to
#   empty, so submission and smtps check no sender login.
@requires_corpus
@pytest.mark.parametrize("name, services", [
    ("arf20net-mail-conf", {"submission", "submissions"}),
    ("sejonj-mailserverconfig", {"submission", "smtps"}),
])
def test_corpus_classes_and_undefined_lists_are_judged(name, services):
    assert corpus_findings(name)["sender-login-mismatch-not-enforced"] == services


def test_undefined_sender_list_is_judged_empty():
    [finding] = findings("sender-login-mismatch-not-enforced", "fires-undefined")
    assert finding.message == (
        "submission (master.cf:1) lets a logged-in user send as any address: no restriction "
        "list in force uses reject_sender_login_mismatch (smtpd_sender_restrictions=, set by "
        "-o at master.cf:4 (written as $mua_sender_restrictions; $mua_sender_restrictions is "
        "never defined))")


def test_sender_login_check_in_a_class_behind_permit_names_the_class():
    [finding] = findings("sender-login-mismatch-not-enforced", "fires-class-shadowed")
    assert finding.message.endswith(
        "puts permit_sasl_authenticated before reject_sender_login_mismatch, which logged-in "
        "clients never reach; restriction class sender_checks="
        "permit_sasl_authenticated, reject_sender_login_mismatch (main.cf:4)")


def test_a_lone_master_cf_says_once_which_rules_could_not_judge(tmp_path):
    from linter.engine.rules import builtin_rules
    from linter.lint import lint_all

    (tmp_path / "master.cf").write_text("smtp inet n - y - - smtpd\n"
                                        "submission inet n - y - - smtpd\n")
    result = lint_all([ConfigPaths(None, str(tmp_path / "master.cf"))], list(builtin_rules()))
    [note] = result.notifications
    assert (note.level, note.path) == ("note", str(tmp_path / "master.cf"))
    assert note.message.startswith("no main.cf beside this master.cf, so what main.cf "
                                   "sets (or a deployment writes with postconf) is unknown; "
                                   "9 rules could not judge: mx-sasl-enabled, open-relay,")
    assert "judged only what master.cf itself sets: mx-tls-required," in note.message
    (tmp_path / "main.cf").write_text("compatibility_level = 3.6\n")
    paths = ConfigPaths(str(tmp_path / "main.cf"), str(tmp_path / "master.cf"))
    assert lint_all([paths], list(builtin_rules())).notifications == []
    only_main_cf_free = [rule for rule in builtin_rules() if rule.id == "parse-error"]
    assert lint_all([ConfigPaths(None, str(tmp_path / "master.cf"))],
                    only_main_cf_free).notifications == []


def test_the_lint_command_shows_the_note_once(tmp_path):
    from lint_helpers import lint, project

    root = project(tmp_path, isolate=False)
    (root / "master.cf").write_text("smtp inet n - y - - smtpd\n")
    result = lint(root, "-f", "json", ".")
    notes = [n for n in result.json()["notifications"] if n["level"] == "note"]
    assert len(notes) == 1 and "9 rules could not judge" in notes[0]["message"]


def test_open_relay_judges_the_mynetworks_the_host_derives(tmp_path):
    """An unwritten mynetworks is the host's: unknown to lint, given by
    postconf to the audit (host values). In process here; the audit test in
    tests/test_audit_host.py derives it in a network namespace."""
    from linter.lint import lint_configuration
    from linter.postfix.load import load_configuration

    (tmp_path / "main.cf").write_text("compatibility_level = 3.6\nsmtpd_relay_restrictions = "
                                      "permit_mynetworks, reject_unauth_destination\n")
    (tmp_path / "master.cf").write_text("smtp inet n - n - - smtpd\n")
    rules = [rule for rule in builtin_rules() if rule.id == "open-relay"]
    for host, fires in (("127.0.0.0/8 0.0.0.0/0", True), ("127.0.0.0/8 10.9.8.0/24", False),
                        (None, False)):
        values = {"mynetworks": host} if host else None
        config = load_configuration(pair_for(str(tmp_path)), "3.7", values)
        found = lint_configuration(config, rules)
        assert bool(found) is fires, (host, found)
        if fires:
            assert "derived by Postfix from this host's interfaces" in found[0].message
