"""`smtplint show`: each service's effective settings and their origin.

``show_document`` builds the JSON document (a stable shape other tools
read); ``render_text`` formats the same document for people.
"""

from __future__ import annotations

from linter.postfix.resolve import Configuration, ServiceView, Setting, chroot_default

# Besides what main.cf and -o set, show what decides TLS, SASL and relaying.
DECISIVE_PARAMETERS = (
    "compatibility_level", "mynetworks", "mynetworks_style",
    "smtpd_tls_wrappermode", "smtpd_tls_security_level", "smtpd_use_tls",
    "smtpd_enforce_tls", "smtpd_tls_auth_only", "smtpd_tls_cert_file",
    "smtpd_tls_key_file", "smtpd_tls_chain_files", "smtpd_tls_protocols",
    "smtpd_tls_mandatory_protocols", "smtpd_tls_ciphers", "smtpd_tls_mandatory_ciphers",
    "smtpd_tls_exclude_ciphers", "smtpd_tls_mandatory_exclude_ciphers",
    "smtpd_sasl_auth_enable", "smtpd_sasl_type", "smtpd_sasl_path",
    "smtpd_sasl_security_options", "smtpd_sasl_tls_security_options",
    "smtpd_client_restrictions", "smtpd_helo_restrictions", "smtpd_sender_restrictions",
    "smtpd_relay_restrictions", "smtpd_recipient_restrictions", "smtpd_data_restrictions",
    "smtpd_end_of_data_restrictions", "smtpd_sender_login_maps",
)


def show_document(config: Configuration) -> dict:
    main_defs = config.main.definitions() if config.main else {}
    main = {}
    for name, param in main_defs.items():
        setting = config.context.setting(name)
        main[name] = {"value": setting.value, "raw": param.raw, "line": param.line,
                      "known": setting.known}
    return {
        "postfix_version": config.version,
        "main": main,
        "services": [_service(view, main_defs) for view in config.services],
        "diagnostics": [_diagnostic(d) for d in config.diagnostics],
    }


def _service(view: ServiceView, main_defs: dict) -> dict:
    service = view.service
    names = list(main_defs) + [o.name for o in service.overrides]
    if view.role is not None:
        names += DECISIVE_PARAMETERS
    params = {}
    for name in dict.fromkeys(names):
        setting = view.setting(name)
        if setting is not None:
            params[name] = _setting(setting)
    return {
        "name": service.name, "type": service.type, "line": service.line,
        "command": service.command,
        "port": view.listener.port if view.listener else None,
        "host": view.listener.host if view.listener else None,
        "role": view.role, "tls": view.tls if view.role is not None else None,
        "chroot": _chroot(view), "valid": service.valid,
        "params": params,
    }


def _chroot(view: ServiceView) -> str:
    written = view.service.field_value("chroot")
    return chroot_default(view.context) if written == "-" else written


def _setting(setting: Setting) -> dict:
    return {"value": setting.value, "raw": setting.raw, "source": setting.source.label,
            "known": setting.known}


def _diagnostic(diagnostic) -> dict:
    return {"path": diagnostic.path, "line": diagnostic.line, "column": diagnostic.column,
            "severity": diagnostic.severity, "code": diagnostic.code,
            "message": diagnostic.message}


def render_text(document: dict) -> str:
    from linter.report.escape import plain

    out = [f"Postfix {document['postfix_version']}"]
    for service in document["services"]:
        where = f"port {service['port']}" if service["port"] is not None else service["type"]
        role = f", role {service['role']}, TLS {service['tls']}" if service["role"] else ""
        out.append("")
        out.append(plain(f"{service['name']}/{service['type']} (master.cf:{service['line']}, "
                         f"{service['command']}, {where}{role})"))
        if service["role"] is None:
            continue
        for name, param in service["params"].items():
            shown = param["value"] if param["known"] else f"{param['value']} (unknown)"
            raw = f"   [{param['raw']}]" if param["raw"] != param["value"] else ""
            out.append(plain(f"  {name} = {shown}   <- {param['source']}{raw}"))
    if document["diagnostics"]:
        out.append("")
        for d in document["diagnostics"]:
            out.append(plain(f"{d['path']}:{d['line']}:{d['column']}: {d['severity']}: "
                             f"{d['message']} [{d['code']}]"))
    return "\n".join(out) + "\n"
