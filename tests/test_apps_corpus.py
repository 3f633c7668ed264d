"""The real application files of the shared corpus (SMTPLINT_CORPUS, see
apps/ in its MANIFEST.tsv): every app is recognised from its files, and
every finding is a real problem (each is explained below) -- anything
else is a bug."""

from __future__ import annotations

import pytest
from apps_helpers import APP_RULES
from conftest import corpus_dir, requires_corpus

from linter.apps.lint import analyse, file_findings
from linter.apps.mapping import builtin_mappings

APP_OF_DIRECTORY = {
    "alertmanager": "alertmanager", "ansible-mail": "ansible-mail", "authelia": "authelia",
    "authentik-helm": "authentik", "discourse": "discourse", "gitlab-chart": "gitlab",
    "grafana-helm": "grafana", "home-assistant": "home-assistant",
    "mastodon-chart": "mastodon", "nextcloud-helm": "nextcloud", "sentry": "sentry",
    "spring-boot": "spring-boot", "vaultwarden": "vaultwarden",
}
# Not claimed, on purpose: a Jinja template of alertmanager.yml ({% for %} is
# not YAML until Ansible renders it), and SFTPGo, which has no mapping.
NOT_CLAIMED = {"alertmanager/cloudalchemy-ansible-alertmanager-alertmanager.yml.j2",
               "sftpgo/gurkengewuerz-compose-sftpgo-compose.yml"}

# (file, line, rule): why each is a real problem.
EXPECTED = {
    # Upstream fixtures and the vendor example write the SMTP password inline
    # (global smtp_auth_password / a receiver's auth_password).
    ("alertmanager/prometheus-alertmanager-conf.good.yml", 6, "app-plaintext-credentials"),
    ("alertmanager/prometheus-alertmanager-conf.smtp-both-password-and-file.yml", 5,
     "app-plaintext-credentials"),
    ("alertmanager/prometheus-alertmanager-conf.smtp-password-global-and-local.yml", 22,
     "app-plaintext-credentials"),
    ("alertmanager/prometheus-alertmanager-simple.yml", 6, "app-plaintext-credentials"),
    # smtp.gmail.com:587 without `secure`: the default `try` falls back to
    # plain text when STARTTLS is stripped, and the task logs in; the password
    # is inline.
    ("ansible-mail/sebinxavi-ansible-email-email.yml", 8, "app-tls-not-required"),
    ("ansible-mail/sebinxavi-ansible-email-email.yml", 11, "app-plaintext-credentials"),
    # The same without `secure` (credentials from vars_files): try is opportunistic.
    ("ansible-mail/soumyabiswas37-ansible-send-email-email.yml.txt", 8, "app-tls-not-required"),
    # The compose example logs in on port 25 (STARTTLS is required, so no
    # tls finding) with an inline password.
    ("authelia/authelia-compose-lite-configuration.yml", 71, "app-plaintext-credentials"),
    ("authelia/authelia-compose-lite-configuration.yml", 72, "app-submission-port-25"),
    ("authelia/authelia-testres-config_bad_quoting.yml", 54, "app-plaintext-credentials"),
    # The samples leave the port at Discourse's default 25 (discourse_defaults.conf),
    # STARTTLS only when offered (smtp_enable_start_tls -> enable_starttls_auto),
    # and log in with an inline password.
    ("discourse/discourse-docker-standalone.yml", 40, "app-submission-port-25"),
    ("discourse/discourse-docker-standalone.yml", 40, "app-tls-not-required"),
    ("discourse/discourse-docker-standalone.yml", 71, "app-plaintext-credentials"),
    ("discourse/discourse-docker-web_only.yml", 32, "app-submission-port-25"),
    ("discourse/discourse-docker-web_only.yml", 32, "app-tls-not-required"),
    ("discourse/discourse-docker-web_only.yml", 62, "app-plaintext-credentials"),
    # global.smtp enabled on 2525 with the chart's starttls_auto: false and no
    # tls: _smtp.tpl writes enable_starttls_auto: false and authentication
    # :plain (the chart's default), so AUTH PLAIN in clear text (the password
    # itself is a Secret).
    ("gitlab-chart/gitlab-charts-mirror-values-base.yaml", 7, "app-tls-not-required"),
    # enable_starttls: "auto" to smtp.mailgun.org: Mastodon passes enable_starttls
    # :auto, STARTTLS only when offered (email_configuration_helper.rb).
    ("mastodon-chart/mastodon-chart-values.yaml", 335, "app-tls-not-required"),
    # `smtp.ssl.enable` lacks the `mail.` prefix, so Jakarta Mail ignores it
    # (SMTPTransport reads "mail." + protocol + ".ssl.enable"): AUTH on port 25
    # in clear text, password inline.
    ("spring-boot/jeecgboot-application-dev.yml", 37, "app-submission-port-25"),
    ("spring-boot/jeecgboot-application-dev.yml", 37, "app-tls-not-required"),
    ("spring-boot/jeecgboot-application-dev.yml", 39, "app-plaintext-credentials"),
    ("spring-boot/piggymetrics-notification-service.yml", 39, "app-plaintext-credentials"),
}


def corpus_files():
    base = corpus_dir()
    if base is None:
        return []
    return sorted(p for p in (base / "apps").rglob("*") if p.is_file())


def _relative(path) -> str:
    return str(path.relative_to(corpus_dir() / "apps"))


@requires_corpus
def test_every_listed_app_is_recognised_from_its_real_files():
    mappings = builtin_mappings()
    recognised = set()
    for path in corpus_files():
        name = _relative(path)
        result = analyse(str(path), mappings)
        if name in NOT_CLAIMED:
            assert result.apps == [], name
            continue
        expected = APP_OF_DIRECTORY[path.parent.name]
        assert result.apps == [expected], name
        recognised.add(expected)
    assert recognised == set(APP_OF_DIRECTORY.values())


@requires_corpus
def test_every_finding_on_the_corpus_is_a_known_real_problem():
    from linter.apps.lint import AppContext

    mappings = builtin_mappings()
    found = set()
    for path in corpus_files():
        result = analyse(str(path), mappings)
        for finding in file_findings(result, APP_RULES, AppContext()):
            found.add((_relative(path), finding.line, finding.rule))
    assert found == EXPECTED


@requires_corpus
@pytest.mark.parametrize("name, expected", [
    # Placeholders are unknown, not wrong.
    ("vaultwarden/gurkengewuerz-compose-vaultwarden-compose.yml",
     [(None, None, None, "secret-reference")]),
    ("alertmanager/aeronotix-home-monitoring-alertmanager.yml",
     [(None, None, None, "secret-reference")]),
    ("authelia/cilenco-selfhosted-configuration.yml",
     [(None, None, "implicit_tls", "unresolved")]),
    ("home-assistant/knapoc-homeassistant-config-notify.yaml",
     [(None, 587, "starttls", "secret-reference")]),
    ("spring-boot/piggymetrics-notification-service.yml",
     [("smtp.gmail.com", 465, "implicit_tls", "literal")]),
    ("authelia/authelia-testres-config.deprecated.yml",
     [("127.0.0.47", 2025, "starttls", "absent")]),
])
def test_corpus_endpoints(name, expected):
    result = analyse(str(corpus_dir() / "apps" / name), builtin_mappings())
    assert [(e.host, e.port, e.transport, e.credentials) for e in result.endpoints] == expected


@requires_corpus
def test_the_command_line_reports_the_same_on_the_corpus(tmp_path):
    """``smtplint lint FILE...`` as a user runs it on these files: the app
    findings above and nothing else (no file taken for a Postfix one:
    ``email.yml.txt`` and ``alertmanager.yml.j2`` are YAML by name)."""
    from lint_helpers import lint

    base = corpus_dir() / "apps"
    (tmp_path / ".git").mkdir()
    names = [_relative(path) for path in corpus_files()]
    result = lint(base, "--project-root", str(base), "--format", "json", *names)
    found = {(f["path"], f["line"], f["rule"]) for f in result.json()["findings"]}
    assert found == EXPECTED, result.err
