"""A port-465 service named ``smtps``: RFC 8314 registers ``submissions``.

Postfix (3.6 and later) maps both names to 465 through known_tcp_ports, so
the entry keeps working and still counts as the implicit-TLS submission
service; the rename only makes the configuration say what it is. Before
3.6 the new name depends on /etc/services, so older targets are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.findings import Edit, Finding, Fix
from linter.engine.run import template_fields
from linter.postfix.params import version_key
from linter.postfix.ports import split_listener

NEW_NAME = "submissions"


def check(rule, scope) -> Iterator[Finding]:
    if version_key(scope.config.version) < (3, 6):
        return
    for view in scope.config.services:
        service = view.service
        if service.type != "inet" or not service.valid or service.templated:
            continue
        _host, port_name = split_listener(service.name)
        if port_name != "smtps" or view.listener is None or view.listener.port != 465:
            continue
        new_name = service.name[: len(service.name) - len(port_name)] + NEW_NAME
        first = service.node.lines[0]
        name_token = service.fields[0]
        start = name_token.column - 1
        new_line = first.content[:start] + new_name + first.content[start + len(service.name):]
        fields = template_fields(view, None)
        yield Finding(
            rule=rule.id, severity=rule.severity, path=scope.master_path,
            line=name_token.line, column=name_token.column,
            message=rule.message.format(**fields, new_name=new_name),
            service=service.key,
            fix=Fix(f"Rename the service field {service.name} to {new_name} "
                    "(same port 465, same options)", (new_line,),
                    (Edit("rename-service", scope.master_path, new_name,
                          service=service.key),), safety="safe"),
            tags=rule.tags)
