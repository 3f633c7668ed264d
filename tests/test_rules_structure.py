"""Exact messages, locations and fix lines of the parse/structure and
service rules, and what they say about the shared corpus."""

from __future__ import annotations

import re

from pathlib import Path

import pytest
from conftest import corpus_dir, requires_corpus, requires_postconf

from linter.engine.rules import builtin_rules
from linter.engine.run import run_rules
from linter.postfix.load import ConfigPaths, load_configuration
from linter.postfix.main_cf import parse_main_cf
from linter.postfix.master_cf import parse_master_cf
from linter.postfix.resolve import resolve

MINE = ("parse-error", "master-entry-invalid", "master-option-syntax", "duplicate-service",
        "duplicate-parameter", "undefined-parameter", "unknown-parameter",
        "obsolete-parameter", "invalid-parameter-value", "submission-service-missing",
        "submissions-service-missing", "smtps-legacy-service-name", "submission-wrappermode",
        "submissions-wrappermode-missing", "wrappermode-in-main-cf")
RULES = {rule.id: rule for rule in builtin_rules() if rule.id in MINE}


def lint(main: str | None, master: str | None, *ids: str, version: str = "3.7"):
    config = resolve(parse_main_cf(main) if main is not None else None,
                     parse_master_cf(master) if master is not None else None, version)
    return run_rules(config, [RULES[i] for i in ids])


SMTP = "smtp      inet  n       -       y       -       -       smtpd\n"


def test_all_rules_present():
    assert set(RULES) == set(MINE)


def test_submissions_without_wrappermode_names_service_value_origin_and_fix():
    master = SMTP + "smtps     inet  n       -       y       -       -       smtpd\n" \
                    "  -o smtpd_sasl_auth_enable=yes\n"
    [finding] = lint("", master, "submissions-wrappermode-missing")
    assert finding.message == ("smtps (master.cf:2) listens on port 465 without implicit TLS: "
                               "smtpd_tls_wrappermode=no, the Postfix default")
    assert (finding.line, finding.service) == (2, "smtps/inet")
    assert finding.fix.lines == ("  -o smtpd_tls_wrappermode=yes",)
    assert finding.fix.edits[0].service == "smtps/inet"


def test_wrappermode_in_main_cf_satisfies_465_but_is_reported_in_main():
    main = "smtpd_tls_wrappermode = yes\n"
    master = SMTP + "smtps     inet  n       -       y       -       -       smtpd\n"
    assert lint(main, master, "submissions-wrappermode-missing") == []
    [finding] = lint(main, master, "wrappermode-in-main-cf")
    assert (finding.path, finding.line) == ("main.cf", 1)
    assert "smtp (master.cf:1) on port 25" in finding.message
    assert finding.fix.lines == ("  -o smtpd_tls_wrappermode=yes",)
    assert [(e.action, e.service) for e in finding.fix.edits] == [
        ("remove", None), ("set", "smtps/inet")]


def test_wrappermode_on_587_is_an_error_with_the_override_line():
    master = "submission inet n - y - - smtpd\n  -o smtpd_tls_wrappermode=yes\n"
    [finding] = lint("", master, "submission-wrappermode")
    assert (finding.line, finding.column) == (2, 6)
    assert "set by -o at master.cf:2" in finding.message
    assert finding.fix.lines[0] == "  -o smtpd_tls_wrappermode=no"


@pytest.mark.parametrize("option, expected", [
    ("-o smtpd_sasl_type = dovecot", "  -o smtpd_sasl_type=dovecot"),
    ("-o smtpd_client_restrictions=permit_sasl_authenticated, reject",
     "  -o smtpd_client_restrictions=permit_sasl_authenticated,reject"),
    ("-o smtpd_sasl_type= dovecot", "  -o smtpd_sasl_type=dovecot"),
])
def test_master_option_syntax_fix_is_the_intended_option(option, expected):
    master = SMTP + f"submission inet n - y - - smtpd\n  {option}\n"
    found = lint("", master, "master-option-syntax")
    assert found and all(f.service == "submission/inet" for f in found)
    assert found[0].fix.lines == (expected,)


def test_stray_word_after_a_complete_option_is_not_glued_to_it():
    master = SMTP + "submission inet n - y - - smtpd\n  -o syslog_name=postfix/sub extra\n"
    [finding] = lint("", master, "master-option-syntax")
    assert finding.fix.lines == ()
    assert "Remove the stray word 'extra'" in finding.fix.description


@pytest.mark.parametrize("arguments", ["extra", "-v extra", "-o syslog_name=x -v extra",
                                       "-o smtpd_helo_restrictions=a, -v, extra"])
def test_stray_word_with_no_option_of_its_own_is_removed(arguments):
    """A stray word that no -o owns (first after the command, or after
    another flag such as -v) gets the safe edit that removes it alone."""
    master = SMTP + f"submission inet n - y - - smtpd\n  {arguments}\n"
    [finding] = lint("", master, "master-option-syntax")
    column = 3 + arguments.index("extra")
    assert (finding.line, finding.column) == (3, column)
    assert finding.fix.description.startswith("Remove the stray word 'extra'")
    [edit] = finding.fix.edits
    assert (edit.action, edit.span, finding.fix.safety) == ("replace", (3, column, 3, column + 5),
                                                            "safe")


@pytest.mark.parametrize("option", ["-o smtpd_sasl_auth_enable", "-o = yes", "-o a b=c"])
def test_master_option_syntax_without_a_name_says_how_to_write_it(option):
    """With no name=value to rebuild there is no edit, only advice, and the
    advice shows master.cf's brace form as written: -o { name = value }."""
    master = SMTP + f"submission inet n - y - - smtpd\n  {option}\n"
    first = lint("", master, "master-option-syntax")[0]
    assert (first.line, first.column, first.service) == (3, 6, "submission/inet")
    assert first.fix.description == (
        "Write the option of submission/inet as -o name=value (no blanks around '='), "
        "or as -o { name = value }")
    assert first.fix.edits == ()


def test_unknown_parameter_suggests_the_nearest_name():
    [finding] = lint("smtpd_tls_securty_level = encrypt\n", SMTP, "unknown-parameter")
    assert finding.message.endswith("did you mean smtpd_tls_security_level?")
    assert finding.fix.lines == ("smtpd_tls_security_level = encrypt",)


def test_user_parameter_referenced_from_master_is_known():
    main = "mua_client_restrictions = permit_sasl_authenticated, reject\nmy_unused = x\n"
    master = SMTP + "submission inet n - y - - smtpd\n" \
                    "  -o smtpd_client_restrictions=$mua_client_restrictions\n"
    found = lint(main, master, "unknown-parameter", "undefined-parameter")
    assert [(f.rule, f.line) for f in found] == [("unknown-parameter", 2)]


def test_undefined_parameter_needs_main_cf_and_ignores_comments():
    master = SMTP + "submission inet n - y - - smtpd\n" \
                    "  -o smtpd_client_restrictions=$mua_client_restrictions\n" \
                    "#  -o smtpd_helo_restrictions=$mua_helo_restrictions\n"
    assert lint(None, master, "undefined-parameter") == []
    [finding] = lint("", master, "undefined-parameter")
    assert finding.message == ("submission (master.cf:2): -o smtpd_client_restrictions refers "
                               "to $mua_client_restrictions, which is never defined: Postfix "
                               "expands it to an empty value")
    assert finding.fix.lines == ("mua_client_restrictions = permit_sasl_authenticated, reject",)


def test_obsolete_parameter_names_its_replacement_value():
    [finding] = lint("smtpd_use_tls = yes\nsmtpd_enforce_tls = yes\n", None,
                     "obsolete-parameter")[:1]
    assert "use smtpd_tls_security_level=encrypt instead" in finding.message
    assert finding.fix.lines == ("smtpd_tls_security_level = encrypt",)
    [ignored] = lint("smtpd_tls_security_level = may\nsmtpd_use_tls = yes\n", None,
                     "obsolete-parameter")
    assert "ignored, because smtpd_tls_security_level=may (main.cf:1) is set" in ignored.message


@pytest.mark.parametrize("main, line, advice, lines", [
    # the obsolete switch's own value is unknown (a template, or yes only if
    # a templated name is set): no replacement value
    ("smtpd_use_tls = {{ use_tls }}\n", 1, "use smtpd_tls_security_level instead", ()),
    ("tls = {{ tls }}\nsmtpd_use_tls = ${tls?yes}\n", 2,
     "use smtpd_tls_security_level instead", ()),
    # smtpd_enforce_tls=yes would win over smtpd_use_tls=yes (encrypt, not
    # may): while it is unknown, "may" could weaken TLS, so no value
    ("smtpd_use_tls = yes\nsmtpd_enforce_tls = {{ enforce }}\n", 1,
     "use smtpd_tls_security_level instead", ()),
    # smtpd_enforce_tls=no leaves the answer to smtpd_use_tls, which is unknown
    ("smtpd_enforce_tls = no\ntls = {{ tls }}\nsmtpd_use_tls = ${tls?yes}\n", 1,
     "use smtpd_tls_security_level instead", ()),
    # ... and when it is known, its value decides
    ("smtpd_enforce_tls = no\nsmtpd_use_tls = yes\n", 1,
     "use smtpd_tls_security_level=may instead", ("smtpd_tls_security_level = may",)),
])
def test_obsolete_tls_switch_gives_a_value_only_when_it_is_known(main, line, advice, lines):
    """A replacement value is a safe fix only when every setting that
    decides it is known; an unknown one leaves just the advice (unsafe)."""
    found = {f.line: f for f in lint(main, None, "obsolete-parameter")}
    finding = found[line]
    assert finding.message.endswith(f"is obsolete since Postfix 2.3: {advice}")
    assert finding.fix.lines == lines
    assert finding.fix.safety == ("safe" if lines else "unsafe")


@pytest.mark.parametrize("main, fires", [
    ("smtpd_sasl_auth_enable = true\n", True),
    ("smtpd_sasl_auth_enable = YES\n", False),
    ("smtpd_tls_security_level = dane\n", True),
    ("smtp_tls_security_level = dane\n", False),
    ("smtpd_tls_security_level = verify\n", False),
    ("smtpd_sasl_auth_enable = {{ sasl }}\n", False),
    ("enable = true\nsmtpd_sasl_auth_enable = $enable\n", True),
])
def test_invalid_parameter_value(main, fires):
    assert bool(lint(main, None, "invalid-parameter-value")) is fires


def test_service_missing_points_at_the_commented_block_and_never_calls_465_legacy():
    master = SMTP + "#submission inet n - y - - smtpd\n#smtps inet n - y - - smtpd\n"
    sub, subs = lint("", master, "submission-service-missing", "submissions-service-missing")
    assert (sub.rule, sub.line) == ("submission-service-missing", 2)
    assert (subs.rule, subs.line) == ("submissions-service-missing", 3)
    assert "preferred" in subs.message and "legacy" not in subs.message.lower()
    assert subs.fix.lines[2] == "  -o smtpd_tls_wrappermode=yes"
    assert lint("", None, "submission-service-missing") == []


def test_smtps_counts_as_465_and_rename_keeps_the_fields():
    master = SMTP + "smtps     inet  n       -       y       -       -       smtpd\n"
    assert lint("", master, "submissions-service-missing") == []
    [finding] = lint("", master, "smtps-legacy-service-name")
    assert finding.severity == "info"
    assert finding.fix.lines == ("submissions     inet  n       -       y       -       -       smtpd",)
    assert lint("", master, "smtps-legacy-service-name", version="3.5") == []


def test_duplicates_in_template_branches_are_not_judged():
    main = "{% if a %}\nrelayhost = [a]\n{% else %}\nrelayhost = [b]\n{% endif %}\n" \
           "mydomain = x\nmydomain = y\n"
    [finding] = lint(main, None, "duplicate-parameter")
    assert finding.line == 7 and "wins over main.cf:6" in finding.message


def test_duplicate_service_submission_and_587():
    master = SMTP + "submission inet n - y - - smtpd\n587 inet n - y - - smtpd\n"
    [finding] = lint("", master, "duplicate-service")
    assert (finding.line, finding.service, finding.severity) == (3, "587/inet", "error")
    assert [(r.line, r.label) for r in finding.related] == [(2, "earlier submission/inet")]


def test_a_block_pasted_twice_is_one_finding():
    block = SMTP + "".join(f"svc{i} unix n - y - - pipe\n  flags=R argv=/bin/true\n"
                           for i in range(22))
    [finding] = lint("", block + block, "duplicate-service")
    assert finding.severity == "warning" and finding.line == 46
    assert finding.message == (
        "master.cf:46-90 repeats the 23 entries of master.cf:1-45 (smtp/inet, svc0/unix, "
        "svc1/unix, svc2/unix, ...): master uses only the later entries and ignores the "
        "earlier block")
    assert len(finding.related) == 23


def test_a_block_repeated_under_port_numbers_says_master_runs_both():
    """Consecutive entries whose names differ but whose sockets are the
    same: master binds both blocks (an error), so the message and fix must
    not say that master ignores the earlier block."""
    master = (SMTP + "submission inet n - y - - smtpd\nsubmissions inet n - y - - smtpd\n"
              "587 inet n - y - - smtpd\n465 inet n - y - - smtpd\n")
    [finding] = lint("", master, "duplicate-service")
    assert (finding.line, finding.severity, finding.service) == (4, "error", "587/inet")
    assert finding.message == (
        "master.cf:4-5 repeats the 2 entries of master.cf:2-3 (587/inet and 465/inet): "
        "master starts both blocks, and each connection reaches either one at random")
    assert finding.fix.description == (
        "Keep one block of these listeners: delete master.cf:2-3 or master.cf:4-5, or bind "
        "the two to different addresses (host:port)")
    assert [r.line for r in finding.related] == [2, 3]


PICKUP = "pickup unix n - y 60 1 pickup\n"
CLEANUP = "cleanup unix n - y - 0 cleanup\n"
QMGR = "qmgr unix n - n 300 1 qmgr\n"


@pytest.mark.parametrize("master, lines", [
    # the later entries are not next to each other
    (SMTP + PICKUP + CLEANUP + PICKUP + QMGR + CLEANUP, [4, 6]),
    # the later entries are, but the earlier ones they repeat are not
    (SMTP + PICKUP + QMGR + CLEANUP + PICKUP + CLEANUP, [5, 6]),
    # both are, but one is a second name for a socket (an error) and the
    # other the same entry again (a warning): two different problems
    (SMTP + "submission inet n - y - - smtpd\n" + PICKUP + "587 inet n - y - - smtpd\n"
     + PICKUP, [4, 5]),
], ids=["later-apart", "earlier-apart", "severities-differ"])
def test_duplicates_that_are_not_one_block_are_separate_findings(master, lines):
    """A block finding needs consecutive entries repeating consecutive
    entries with one kind of problem; anything else is one finding each."""
    found = lint("", master, "duplicate-service")
    assert [finding.line for finding in found] == lines
    assert all(" repeats the " not in finding.message for finding in found)


def test_duplicate_parameter_says_whether_the_values_differ():
    [same] = lint("mydomain = example.org\nmydomain = example.org\n", None,
                  "duplicate-parameter")
    assert (same.severity, same.fix.safety, same.parameter) == ("info", "safe", "mydomain")
    assert "a harmless duplicate" in same.message
    [different] = lint("relayhost = [a]\nrelayhost = [b]\n", None, "duplicate-parameter")
    assert (different.severity, different.fix.safety) == ("warning", "unsafe")
    assert different.message == (
        "relayhost is set twice with different values: main.cf:2 (relayhost = [b]) wins over "
        "main.cf:1 (relayhost = [a]), which Postfix ignores (postconf: overriding earlier "
        "entry)")


def test_duplicate_parameter_set_three_times_names_the_one_that_wins():
    """Only the last definition wins: a middle one does not 'win over' the
    one before it, it overrides it and is overridden in turn."""
    found = lint("relayhost = [a]\nrelayhost = [b]\nrelayhost = [b]\nrelayhost = [c]\n", None,
                 "duplicate-parameter")
    assert [(f.line, f.severity) for f in found] == [(2, "warning"), (3, "info"), (4, "warning")]
    assert found[0].message == (
        "relayhost is set again with a different value: main.cf:2 (relayhost = [b]), itself "
        "overridden by main.cf:4, overrides main.cf:1 (relayhost = [a]), which Postfix ignores "
        "(postconf: overriding earlier entry)")
    assert found[1].message.startswith("relayhost is set again to the same value (main.cf:2 "
                                       "and main.cf:3")
    assert found[2].message.startswith("relayhost is set again with a different value: "
                                       "main.cf:4 (relayhost = [c]) wins over main.cf:3 ")


@requires_postconf
@pytest.mark.parametrize("text, warns", [
    ("relayhost = [a]\nrelayhost = [b]\n", True),
    ("relayhost = [a]\nrelayhost = [a]\n", False),
])
def test_postconf_warns_only_when_the_values_differ(tmp_path, text, warns):
    import os
    import shutil
    import subprocess

    (tmp_path / "main.cf").write_text(text)
    (tmp_path / "master.cf").write_text("")
    old = os.path.getmtime(tmp_path / "main.cf") - 10
    os.utime(tmp_path / "main.cf", (old, old))
    postconf = shutil.which("postconf") or "/usr/sbin/postconf"
    result = subprocess.run([postconf, "-c", str(tmp_path), "-n"], capture_output=True,
                            text=True, check=False)
    assert ("overriding earlier entry" in result.stderr) is warns
    assert bool(lint(text, None, "duplicate-parameter")[0].severity == "warning") is warns


def test_obsolete_dh1024_is_info_in_postconf_words():
    [finding] = lint("smtpd_tls_dh1024_param_file = /etc/postfix/dh2048.pem\n", None,
                     "obsolete-parameter")
    assert finding.severity == "info" and finding.parameter == "smtpd_tls_dh1024_param_file"
    assert "is not obsolete (Postfix 3.7 still uses it)" in finding.message
    assert lint("smtpd_tls_dh1024_param_file = auto\n", None, "obsolete-parameter") == []


@requires_postconf
def test_obsolete_table_names_only_what_postfix_knows_or_used_to():
    """Every table entry is a parameter postconf -d knows, or one that the
    installed postconf(5) still documents (renamed or no longer used)."""
    import gzip
    import re
    import shutil
    import subprocess
    from pathlib import Path

    from linter.engine.builtins.obsolete_parameter import obsolete_table

    postconf = shutil.which("postconf") or "/usr/sbin/postconf"
    known = {line.split("=")[0].strip() for line in subprocess.run(
        [postconf, "-d"], capture_output=True, text=True, check=True).stdout.splitlines()}
    page = Path("/usr/share/man/man5/postconf.5.gz")
    documented = set(re.findall(r"^\.SH (\S+) \(default", gzip.decompress(
        page.read_bytes()).decode(errors="replace"), re.MULTILINE)) if page.exists() else set()
    assert documented or not known, "postconf(5) is not installed"
    assert set(obsolete_table()) - known - documented == set()
    assert {"smtpd_tls_cipherlist", "fallback_relay"} <= documented - known


# postconf(5)'s words for a parameter it calls obsolete, deprecated or ignored
OBSOLETE_WORDS = re.compile(r"DSA is obsolete|DSA algorithm is obsolete|silently ignored|"
                            r"Obsolete feature|this parameter is deprecated|always ignored|"
                            r"ignored in Postfix 3\.6|Obsolete Postfix < 2\.3")
# pages with those words about something else
NOT_OBSOLETE = {"smtpd_client_restrictions", "tls_config_file"}


def test_every_parameter_postconf_calls_obsolete_is_in_the_table():
    """The other direction: each section of the installed postconf(5) (3.7)
    that calls its parameter obsolete, deprecated or ignored has an entry
    (the tlsproxy and lmtp twins of the DSA and DH512 files were missing)."""
    import gzip
    from pathlib import Path

    from linter.engine.builtins.obsolete_parameter import obsolete_table

    page = Path("/usr/share/man/man5/postconf.5.gz")
    if not page.exists():
        pytest.skip("postconf(5) is not installed")
    sections = re.split(r"\n\.SH ", gzip.decompress(page.read_bytes()).decode(errors="replace"))
    said = {section.split()[0] for section in sections[1:]
            if OBSOLETE_WORDS.search(re.sub(r"\s+", " ", section))}
    assert len(said) > 15
    assert said - NOT_OBSOLETE - set(obsolete_table()) == set()
    assert NOT_OBSOLETE <= said        # the exceptions still say it: keep them honest


# -- the shared corpus ---------------------------------------------------------

def corpus_pair(name: str, main: str | None = "main.cf", master: str | None = "master.cf"):
    base = corpus_dir() / "postfix" / name
    paths = ConfigPaths(str(base / main) if main else None, str(base / master) if master else None)
    config = load_configuration(paths)
    return run_rules(config, list(RULES.values()))


def ids(findings, rule):
    return [f for f in findings if f.rule == rule]


@requires_corpus
def test_corpus_adabru_global_wrappermode():
    found = corpus_pair("adabru-dovecot-postfix")
    assert ids(found, "wrappermode-in-main-cf")
    assert ids(found, "submissions-wrappermode-missing") == []
    assert ids(found, "smtps-legacy-service-name")


@requires_corpus
def test_corpus_teekups_smtps_without_wrappermode():
    [finding] = ids(corpus_pair("teekups-mail"), "submissions-wrappermode-missing")
    assert finding.service == "smtps/inet" and "the Postfix default" in finding.message


@requires_corpus
def test_corpus_sejonj_undefined_mua_and_duplicate_level():
    found = corpus_pair("sejonj-mailserverconfig")
    names = {f.message.split("$")[1].split(",")[0] for f in ids(found, "undefined-parameter")}
    assert names == {"mua_client_restrictions", "mua_helo_restrictions", "mua_sender_restrictions"}
    assert [f.message.split()[0] for f in ids(found, "duplicate-parameter")] == [
        "smtpd_tls_security_level"]
    assert ids(found, "obsolete-parameter")


@requires_corpus
def test_corpus_reverentengineer_option_with_blanks():
    [finding] = ids(corpus_pair("reverentengineer-mail-server"), "master-option-syntax")
    assert finding.fix.lines == ("  -o smtpd_sasl_type=dovecot",)


@requires_corpus
@pytest.mark.parametrize("name", ["debian-bookworm-postfix", "postfix-upstream"])
def test_corpus_commented_submission_blocks_count_as_missing(name):
    found = corpus_pair(name)
    assert ids(found, "submission-service-missing") and ids(found, "submissions-service-missing")
    assert ids(found, "undefined-parameter") == []  # $mua_* only in comments


@requires_corpus
def test_corpus_465_only_and_smtps_only():
    graphene = corpus_pair("grapheneos-mail")
    assert ids(graphene, "submission-service-missing")
    assert ids(graphene, "submissions-service-missing") == []
    nothing = corpus_pair("nothing4you-config")
    assert ids(nothing, "submissions-service-missing") == []
    assert ids(nothing, "smtps-legacy-service-name")


@requires_corpus
@pytest.mark.parametrize("name", ["docker-mailserver", "floeff-debian-configuration",
                                  "robbertkl-docker-mail", "mailcow-dockerized"])
def test_corpus_defined_user_parameters_are_neither_undefined_nor_unknown(name):
    found = corpus_pair(name)
    assert ids(found, "undefined-parameter") == []
    assert ids(found, "unknown-parameter") == []


@requires_corpus
def test_corpus_mailu_proxied_submission_is_not_missing():
    found = corpus_pair("mailu")
    assert ids(found, "submission-service-missing") == []
    assert ids(found, "submissions-service-missing") == []


def _template(directory: Path, kind: str) -> Path | None:
    found = sorted(p for p in directory.iterdir()
                   if kind in p.name and p.suffix in (".j2", ".tpl"))
    return found[0] if found else None


@requires_corpus
def test_corpus_templates_never_yield_syntax_or_value_errors():
    """Template text is unknown: no parse, entry, value or undefined findings."""
    checked = 0
    for directory in sorted((corpus_dir() / "postfix").iterdir()):
        main, master = _template(directory, "main"), _template(directory, "master")
        if main is None and master is None:
            continue
        checked += 1
        config = load_configuration(ConfigPaths(str(main) if main else None,
                                                str(master) if master else None))
        found = run_rules(config, [RULES[i] for i in (
            "parse-error", "master-entry-invalid", "master-option-syntax",
            "invalid-parameter-value", "undefined-parameter", "duplicate-service")])
        assert found == [], (directory.name, found)
    assert checked >= 10


# -- a proxy in front of the submission ports -------------------------------

def _without_ports(directory: Path, main: str, master: str, ports: set[int], tmp: Path):
    """The corpus pair with its entries for ``ports`` removed, in ``tmp``."""
    config = load_configuration(ConfigPaths(str(directory / main), str(directory / master)))
    dropped = {line.number for view in config.services
               if view.listener is not None and view.listener.port in ports
               for line in view.service.node.lines}
    lines = (directory / master).read_text().splitlines(keepends=True)
    (tmp / "master.cf").write_text("".join(text for number, text in enumerate(lines, 1)
                                           if number not in dropped))
    (tmp / "main.cf").write_text((directory / main).read_text())
    return run_rules(load_configuration(ConfigPaths(str(tmp / "main.cf"),
                                                    str(tmp / "master.cf"))),
                     [RULES["submission-service-missing"], RULES["submissions-service-missing"]])


# Each of these has a content filter's return path (127.0.0.1:10025 or
# :10026) that only inherits smtpd_sasl_auth_enable = yes from main.cf.
# Before, that listener counted as a proxied submission service and kept
# both rules silent once 587/465 were gone; it is not evidence of a proxy.
@requires_corpus
@pytest.mark.parametrize("name, main, master", [
    ("bendiscz-mail", "main.cf", "master.cf"),
    ("mailad-ansible-role", "main.cf.j2", "master.cf.j2"),
    ("hardware-mailserver", "main.cf", "master.cf"),
])
def test_corpus_content_filter_return_path_is_no_proxied_submission(name, main, master,
                                                                    tmp_path):
    found = _without_ports(corpus_dir() / "postfix" / name, main, master, {587, 465}, tmp_path)
    assert sorted((f.rule, f.severity) for f in found) == [
        ("submission-service-missing", "warning"), ("submissions-service-missing", "warning")]


@requires_corpus
def test_corpus_mailcow_haproxy_listeners_stand_in_and_are_named(tmp_path):
    """mailcow's 10465/10587 take the PROXY protocol from haproxy: with 465
    and 587 gone they are named as the stand-ins, as info."""
    found = _without_ports(corpus_dir() / "postfix" / "mailcow-dockerized", "main.cf",
                           "master.cf", {587, 465}, tmp_path)
    by_rule = {f.rule: f for f in found}
    assert {f.severity for f in found} == {"info"}
    assert by_rule["submissions-service-missing"].service == "10465/inet"
    assert by_rule["submission-service-missing"].service == "10587/inet"
    assert "smtpd_upstream_proxy_protocol=haproxy (set by -o at master.cf:" in \
        by_rule["submission-service-missing"].message


def test_stand_in_message_names_the_listener_and_the_evidence():
    fixtures = Path(__file__).parent / "fixtures" / "rules" / "submissions-service-missing"
    config = load_configuration(ConfigPaths(str(fixtures / "fires-proxied" / "main.cf"),
                                            str(fixtures / "fires-proxied" / "master.cf")))
    [finding] = run_rules(config, [RULES["submissions-service-missing"]])
    assert finding.message == (
        "master.cf has no port-465 service; 10465 (master.cf:5) is taken to stand in for it "
        "behind a proxy: smtpd_upstream_proxy_protocol=haproxy (set by -o at master.cf:6) "
        "accepts connections from a front end (the PROXY protocol). Check that the proxy "
        "listens on port 465")
    assert (finding.severity, finding.line, finding.service, finding.parameter) == (
        "info", 5, "10465/inet", "smtpd_upstream_proxy_protocol")
    assert finding.fix is None


@pytest.mark.parametrize("case, severity", [
    ("fires-content-filter", "warning"), ("fires-own-sasl-no-tls", "warning"),
    ("fires-proxied-mx", "warning"), ("fires-xclient-inherited", "warning"),
    # an empty smtpd_upstream_proxy_protocol is Postfix's "no proxy"
    ("fires-empty-proxy-protocol", "warning"),
    ("fires-proxied", "info"), ("fires-xclient", "info"),
])
def test_submissions_stand_in_branches(case, severity):
    directory = Path(__file__).parent / "fixtures" / "rules" / "submissions-service-missing" / case
    config = load_configuration(ConfigPaths(str(directory / "main.cf"),
                                            str(directory / "master.cf")))
    [finding] = run_rules(config, [RULES["submissions-service-missing"]])
    assert finding.severity == severity


@pytest.mark.parametrize("case, severity", [
    ("fires-content-filter", "warning"), ("fires-wrapper-stand-in", "warning"),
    ("fires-own-sasl-tls", "info"),
])
def test_submission_stand_in_branches(case, severity):
    directory = Path(__file__).parent / "fixtures" / "rules" / "submission-service-missing" / case
    config = load_configuration(ConfigPaths(str(directory / "main.cf"),
                                            str(directory / "master.cf")))
    [finding] = run_rules(config, [RULES["submission-service-missing"]])
    assert finding.severity == severity


# New on the corpus (a real problem): smacz42-ansible-role-postfix-server
# offers no port 465; its extra "2525 inet ... smtpd -v" listener only
# inherits smtpd_sasl_auth_enable = yes from main.cf, which used to count
# as a proxied submission service and kept submissions-service-missing quiet.
@requires_corpus
def test_corpus_smacz42_verbose_listener_is_no_stand_in():
    found = corpus_pair("smacz42-ansible-role-postfix-server", "main.cf.j2", "master.cf.j2")
    [finding] = ids(found, "submissions-service-missing")
    assert finding.severity == "warning"


@pytest.mark.parametrize("main, replacement", [
    ("smtpd_use_tls = yes\nsmtpd_enforce_tls = yes\n", ["encrypt", "encrypt"]),
    ("smtpd_use_tls = yes\nsmtpd_enforce_tls = no\n", ["may", "may"]),
    ("smtpd_use_tls = no\nsmtpd_enforce_tls = yes\n", ["encrypt", "encrypt"]),
    ("smtpd_enforce_tls = no\n", ["none"]),
])
def test_obsolete_tls_switches_map_to_the_level_smtpd_derives(main, replacement):
    """smtpd: enforce_tls=yes requires TLS whatever use_tls says; with
    enforce_tls=no, use_tls decides (used to say "may" for enforce=yes)."""
    found = lint(main, None, "obsolete-parameter")
    assert [f.fix.edits[-1].value for f in found] == replacement
