"""smtpd_tls_wrappermode=yes in main.cf: every smtpd, not just 465, then
expects a TLS handshake before the SMTP greeting.

Port 25 senders and port 587 clients speak plaintext first (STARTTLS), so
they fail. The finding lists the services that inherit it and moves the
setting to ``-o`` under each port-465 service.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.builtins.parameter_names import at
from linter.engine.findings import Edit, Finding, Fix
from linter.engine.run import is_yes

NAME = "smtpd_tls_wrappermode"


def check(rule, scope) -> Iterator[Finding]:
    config = scope.config
    if config.main is None:
        return
    param = config.main.definitions().get(NAME)
    setting = config.context.setting(NAME)
    if param is None or is_yes(setting) is not True:
        return
    smtpd = [view for view in config.services if view.service.command == "smtpd"
             and view.service.valid]
    implicit = [view for view in smtpd if view.role == "submissions"]
    broken = [view for view in smtpd if view.role != "submissions"
              and view.setting(NAME) is not None
              and view.setting(NAME).source.kind == "main"]
    if broken:
        hit = ", ".join(f"{view.label}" + (f" on port {view.listener.port}"
                                           if view.listener and view.listener.port else "")
                        for view in broken)
        impact = f"it breaks {hit}, whose clients expect a plaintext greeting"
    else:
        impact = ("any port-25 or port-587 smtpd (including one added later, or a "
                  "content-filter re-injection listener) would expect TLS first and fail")
    message = (f"{NAME} = {param.raw} ({at(scope.main_path, param.line)}) applies to every smtpd "
               f"service: {impact}; set it with -o only under the port-465 service")
    edits = [Edit(action="remove", path=scope.main_path, name=NAME)]
    for view in implicit:
        if view.service.override_map().get(NAME) is None:
            edits.append(Edit(action="set", path=scope.master_path, name=NAME, value="yes",
                              service=view.service.key))
    targets = ", ".join(view.label for view in implicit) or "the port-465 submissions service"
    fix = Fix(f"Remove {NAME} from main.cf (line {param.line}) and add -o {NAME}=yes "
              f"under {targets}", (f"  -o {NAME}=yes",), tuple(edits))
    yield Finding(rule=rule.id, severity=rule.severity, path=scope.main_path,
                  line=param.line, column=param.column, message=message, fix=fix,
                  tags=rule.tags, parameter=NAME)
