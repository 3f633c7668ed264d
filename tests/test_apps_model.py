"""The endpoint model: placeholders, transforms, paths with fallbacks,
Compose environment forms, Spring's relaxed keys and profiles, and the
``smtplint show`` contract."""

from __future__ import annotations

import json
import textwrap

import pytest

from linter.apps.lint import analyse
from linter.apps.mapping import builtin_mappings
from linter.apps.values import classify, is_local, split_host_port, split_url

MAPPINGS = builtin_mappings()
SHOW_KEYS = ["app", "path", "line", "host", "port", "transport", "starttls", "verify",
             "credentials"]


def endpoints(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return analyse(str(path), MAPPINGS).endpoints


@pytest.mark.parametrize("text, tag, expected", [
    ("mail.example.org", None, ("value", "mail.example.org")),
    ("${SMTP_HOST}", None, ("reference", None)),
    ("$SMTP_HOST", None, ("reference", None)),
    ("${SMTP_PORT:-465}", None, ("value", "465")),
    ("${SMTP_PORT-587}", None, ("value", "587")),
    ("${mail.port:2525}", None, ("value", "2525")),        # Spring placeholder default
    ("pa$$word", None, ("value", "pa$word")),              # Compose's escaped dollar
    ("{{ smtp_host }}", None, ("unknown", None)),
    ('{{env "SMTP_HOST"}}', None, ("unknown", None)),
    ("smtp_password", "!secret", ("reference", None)),
    ("$ANSIBLE_VAULT;1.1", "!vault", ("reference", None)),
    ("MyBucket", "!Ref", ("unknown", None)),
    ("", None, ("empty", None)),
    ("~", None, ("empty", None)),
])
def test_placeholders_are_unknown_or_references_with_their_defaults(text, tag, expected):
    assert classify(text, tag) == expected


@pytest.mark.parametrize("text, expected", [
    ("mail.example.org:587", ("mail.example.org", "587")),
    ("[2001:db8::1]:465", ("2001:db8::1", "465")),
    ("[::1]", ("::1", None)),
    ("mail.example.org", ("mail.example.org", None)),
])
def test_host_port(text, expected):
    assert split_host_port(text) == expected


def test_url_schemes_and_userinfo():
    url = split_url("submissions://user@mail.example.org:465/x")
    assert (url.scheme, url.host, url.port, url.has_userinfo) == (
        "submissions", "mail.example.org", "465", True)


@pytest.mark.parametrize("host, local", [("localhost", True), ("127.0.0.53", True),
                                         ("::1", True), ("smtp", True), ("mailhog", True),
                                         ("mail.example.org", False), ("10.0.0.5", False)])
def test_local_hosts(host, local):
    assert is_local(host) is local


def test_alertmanager_receivers_fall_back_to_global_and_give_several_endpoints(tmp_path):
    found = endpoints(tmp_path, "alertmanager.yml", """\
        global:
          smtp_smarthost: 'mail.example.org:465'
          smtp_auth_username: am
          smtp_auth_password_file: /run/secrets/smtp
        route: {receiver: a}
        receivers:
          - name: a
            email_configs:
              - to: a@example.org
          - name: b
            email_configs:
              - to: b@example.org
                smarthost: 'relay.example.org:587'
                require_tls: false
        """)
    assert [(e.label, e.host, e.port, e.port_source, e.transport, e.starttls, e.credentials)
            for e in found] == [
        ("Alertmanager (receiver a)", "mail.example.org", 465, "explicit", "implicit_tls",
         "disabled", "secret-reference"),
        ("Alertmanager (receiver b)", "relay.example.org", 587, "explicit", "plain",
         "disabled", "secret-reference")]
    assert found[0].fields["smarthost"].scalar.line == 2
    assert found[0].fields["smarthost"].scalar.path == "global/smtp_smarthost"


@pytest.mark.parametrize("environment", [
    "    environment:\n      SMTP_HOST: mail.example.org\n      SMTP_SECURITY: force_tls\n",
    "    environment:\n      - SMTP_HOST=mail.example.org\n      - \"SMTP_SECURITY=force_tls\"\n",
    # Compose makes the list a mapping: a later duplicate wins.
    "    environment:\n      - SMTP_SECURITY=starttls\n      - SMTP_HOST=mail.example.org\n"
    "      - SMTP_SECURITY=force_tls\n",
])
def test_compose_environment_map_and_list_forms(tmp_path, environment):
    [endpoint] = endpoints(tmp_path, "docker-compose.yml",
                           "services:\n  vw:\n    image: vaultwarden/server\n" + environment)
    assert (endpoint.host, endpoint.port, endpoint.port_source, endpoint.transport) == (
        "mail.example.org", 465, "default", "implicit_tls")
    scalar = endpoint.fields["security"].scalar
    line = (tmp_path / "docker-compose.yml").read_text().splitlines()[scalar.line - 1]
    assert line[scalar.column - 1:].startswith("force_tls")


def test_compose_bare_variable_is_taken_from_the_host(tmp_path):
    [endpoint] = endpoints(tmp_path, "docker-compose.yml", """\
        services:
          vw:
            image: vaultwarden/server
            environment:
              - SMTP_HOST=mail.example.org
              - SMTP_PORT
        """)
    assert endpoint.port is None and endpoint.transport == "starttls"


@pytest.mark.parametrize("mail", [
    "spring:\n  mail:\n    host: mail.example.org\n    port: 587\n    properties:\n"
    "      mail.smtp.starttls.enable: true\n      mail.smtp.starttls.required: true\n",
    "spring.mail.host: mail.example.org\nspring.mail.port: 587\n"
    "spring.mail.properties.mail.smtp.starttls.enable: true\n"
    "spring.mail.properties.mail.smtp.starttls.required: true\n",
    "spring:\n  mail:\n    host: mail.example.org\n    port: 587\n    properties:\n"
    "      \"[mail.smtp.starttls.enable]\": true\n      \"[mail.smtp.starttls.required]\": true\n",
])
def test_spring_nested_flat_and_bracketed_keys_are_the_same(tmp_path, mail):
    [endpoint] = endpoints(tmp_path, "application.yml", "spring.application.name: x\n" + mail)
    assert (endpoint.host, endpoint.port, endpoint.transport, endpoint.starttls) == (
        "mail.example.org", 587, "starttls", "required")


def test_spring_profile_documents_override_the_base(tmp_path):
    found = endpoints(tmp_path, "application.yml", """\
        spring:
          application: {name: x}
          mail:
            host: mail.example.org
            port: 587
            properties:
              mail.smtp.starttls.enable: true
        ---
        spring:
          config.activate.on-profile: prod
          mail:
            port: 465
            properties:
              mail.smtp.ssl.enable: true
        ---
        spring:
          config.activate.on-profile: test
          datasource.url: jdbc:h2:mem:x
        """)
    assert [(e.label, e.host, e.port, e.transport) for e in found] == [
        ("Spring Boot (spring.mail)", "mail.example.org", 587, "starttls"),
        ("Spring Boot (spring.mail, profile prod)", "mail.example.org", 465, "implicit_tls")]


def test_spring_profiles_active_does_not_make_the_base_a_profile(tmp_path):
    found = endpoints(tmp_path, "application.yml", """\
        spring:
          profiles:
            active: prod
          mail:
            host: mail.example.org
            port: 465
            properties: {mail.smtp.ssl.enable: true}
        ---
        spring:
          config.activate.on-profile: prod
          mail.port: 587
        """)
    assert [(e.label, e.port, e.transport) for e in found] == [
        ("Spring Boot (spring.mail)", 465, "implicit_tls"),
        ("Spring Boot (spring.mail, profile prod)", 587, "implicit_tls")]


def test_merge_keys_and_aliases_are_followed(tmp_path):
    """``<<: *anchor`` as Helm values and Alertmanager configs use it: the
    receiver's own keys win over the merged ones, the first merge over the
    later; a plain alias is the anchored mapping itself."""
    found = endpoints(tmp_path, "alertmanager.yml", """\
        defaults: &defaults
          smarthost: mail.example.org:465
          require_tls: true
        relay: &relay
          smarthost: relay.example.org:25
          tls_config: {insecure_skip_verify: true}
        route: {receiver: a}
        receivers:
          - name: a
            email_configs: [*defaults]
          - name: b
            email_configs:
              - <<: [*defaults, *relay]
                to: b@example.org
          - name: c
            email_configs:
              - <<: *relay
                smarthost: "'<<'.example.org:587"
                force_implicit_tls: true
        """)
    assert [(e.label, e.host, e.port, e.transport, e.verify) for e in found] == [
        ("Alertmanager (receiver a)", "mail.example.org", 465, "implicit_tls", "full"),
        ("Alertmanager (receiver b)", "mail.example.org", 465, "implicit_tls", "none"),
        ("Alertmanager (receiver c)", "'<<'.example.org", 587, "implicit_tls", "none")]
    merged = found[1].fields["smarthost"].scalar
    assert (merged.line, merged.shared) == (2, True)
    assert found[2].fields["smarthost"].scalar.shared is False


def test_home_assistant_secret_tags_and_platform_selection(tmp_path):
    found = endpoints(tmp_path, "notify.yaml", """\
        - platform: smtp
          name: mail
          server: !secret smtp_server
          port: 587
          password: !secret smtp_password
          username: ha
        - platform: kodi
          host: 192.168.0.2
        """)
    [endpoint] = found
    assert (endpoint.host, endpoint.transport, endpoint.credentials) == (
        None, "starttls", "secret-reference")


def test_disabled_and_unconfigured_endpoints_are_not_endpoints(tmp_path):
    assert endpoints(tmp_path, "values.yaml", """\
        global:
          hosts: {domain: example.org}
          smtp:
            enabled: false
            address: smtp.example.org
        """) == []


def test_authentik_empty_host_is_its_default_localhost(tmp_path):
    # The chart leaves an empty value out of the environment, and
    # authentik/lib/default.yml has email.host localhost: mail goes there.
    found = endpoints(tmp_path, "a/values.yaml", """\
        authentik:
          secret_key: x
          email:
            host: ""
            port: 587
        """)
    assert [(e.host, e.port, e.transport) for e in found] == [("localhost", 587, "plain")]


def test_show_json_has_exactly_the_contract_keys(tmp_path, capsys):
    from linter.apps.show import render_json, show_document

    path = tmp_path / "notify.yaml"
    path.write_text("- platform: smtp\n  server: mail.example.org\n  port: ${SMTP_PORT}\n"
                    "  password: hunter2hunter2\n  username: ha\n")
    document = json.loads(render_json(show_document(str(path))))
    assert list(document) == ["endpoints"]
    [endpoint] = document["endpoints"]
    assert list(endpoint) == SHOW_KEYS
    assert endpoint["port"] is None and endpoint["credentials"] == "literal"
    assert "hunter2hunter2" not in json.dumps(document)


def test_show_command_on_a_yaml_file(tmp_path):
    from lint_helpers import lint_process

    path = tmp_path / "notify.yaml"
    path.write_text("- platform: smtp\n  server: mail.example.org\n  encryption: tls\n"
                    "  port: 465\n")
    result = lint_process(tmp_path, str(path), "--format", "json", command="show")
    assert result.code == 0, result.err
    assert json.loads(result.out)["endpoints"][0]["transport"] == "implicit_tls"


def test_literal_parts_around_placeholders_are_known(tmp_path):
    [authelia] = endpoints(tmp_path, "configuration.yml", """\
        access_control: {default_policy: deny}
        notifier:
          smtp:
            address: 'submissions://{{ env "SMTP_HOST" }}:{{ env "SMTP_PORT" }}'
        """)
    assert (authelia.host, authelia.port, authelia.transport) == (None, None, "implicit_tls")
    [alertmanager] = endpoints(tmp_path, "alertmanager.yml", """\
        global: {smtp_smarthost: '${SMTP_HOST}:465'}
        route: {receiver: a}
        receivers: [{name: a, email_configs: [{to: a@example.org}]}]
        """)
    assert (alertmanager.host, alertmanager.port, alertmanager.transport) == (
        None, 465, "implicit_tls")


@pytest.mark.parametrize("fixture, quoted", [
    # The client's own words, with the endpoint's host and port filled in.
    ("app-port-mode-mismatch/fires-nextcloud", 'host \\"ssl://mail.example.org:587\\"'),
    ("app-port-mode-mismatch/fires-spring-boot",
     "Could not connect to SMTP host: mail.example.org, port: 587"),
    ("app-port-mode-mismatch/fires-vaultwarden", "received corrupt message of type InvalidContentType"),
    ("app-port-mode-mismatch/fires-sentry", "[SSL: WRONG_VERSION_NUMBER] wrong version number"),
    ("app-port-mode-mismatch/fires-discourse", "Net::ReadTimeout"),
])
def test_port_mode_messages_quote_the_client_error(fixture, quoted):
    from apps_helpers import lint_dir
    from conftest import FIXTURES

    findings, _, _ = lint_dir(FIXTURES / "rules" / fixture)
    [message] = [f.message for f in findings if f.rule == "app-port-mode-mismatch"]
    assert quoted.replace('\\"', '"') in message, message


def test_double_star_matches_any_number_of_levels():
    from linter.apps import source as tree

    [root] = tree.parse("x.yml", "mail: {subject: a}\nt: [{mail: {subject: b}},"
                                 " {block: [{mail: {subject: c}}]}]\nk: mail\n").documents
    found = tree.resolve(root, ["**", "mail", "subject"])
    assert [(node.value, "/".join(path)) for node, path in found] == [
        ("a", "mail/subject"), ("b", "t/0/mail/subject"), ("c", "t/1/block/0/mail/subject")]


def test_messages_bracket_an_ipv6_host_before_its_port(tmp_path):
    from apps_helpers import APP_RULES

    from linter.apps.lint import AppContext, file_findings

    path = tmp_path / "configuration.yml"
    path.write_text("access_control: {default_policy: deny}\nnotifier:\n  smtp:\n"
                    "    address: 'smtp://[2001:db8::1]:465'\n")
    [finding] = file_findings(analyse(str(path), MAPPINGS), APP_RULES, AppContext())
    assert "STARTTLS on [2001:db8::1]:465 (" in finding.message


@pytest.mark.parametrize("login, severity", [
    ("", "warning"),
    ("        username: ops\n        password: '{{ vault_smtp }}'\n", "warning"),   # unknown
    ("        username: ops\n        password: !vault |\n          $ANSIBLE_VAULT;1.1\n",
     "error"),
    ("        username: ops\n        password: hunter22\n", "error"),
])
def test_tls_not_required_is_an_error_when_the_password_is_sent(tmp_path, login, severity):
    from apps_helpers import APP_RULES

    from linter.apps.lint import AppContext, file_findings

    path = tmp_path / "site.yml"
    path.write_text("- hosts: all\n  tasks:\n    - community.general.mail:\n"
                    "        host: mail.example.org\n        port: 587\n        secure: try\n"
                    "        subject: x\n" + login)
    found = file_findings(analyse(str(path), MAPPINGS), APP_RULES, AppContext())
    assert [f.severity for f in found if f.rule == "app-tls-not-required"] == [severity]
