"""``smtplint show FILE.yml``: the endpoints an app file configures.

The JSON shape is a contract (other tools read it): ``{"endpoints": [{app,
path, line, host, port, transport, starttls, verify, credentials}]}``,
unknown fields ``null``. Credentials are only a kind, never a value.
"""

from __future__ import annotations

import json


def show_document(path: str, apps_dirs=()) -> dict:
    from linter.apps.lint import analyse
    from linter.apps.mapping import all_mappings

    result = analyse(path, all_mappings(tuple(apps_dirs)))
    return {"endpoints": [endpoint.to_json() for endpoint in result.endpoints]}


def render_json(document: dict) -> str:
    from linter.report.escape import unicode_data

    return json.dumps(unicode_data(document), indent=2, ensure_ascii=True) + "\n"


def render_text(document: dict) -> str:
    from linter.report.escape import one_line

    if not document["endpoints"]:
        return "no application SMTP endpoints found\n"
    out = []
    for endpoint in document["endpoints"]:
        shown = {key: ("unknown" if value is None else value) for key, value in endpoint.items()}
        out.append(one_line(f"{shown['path']}:{shown['line']}: {shown['app']} -> "
                            f"{shown['host']}:{shown['port']} transport={shown['transport']} "
                            f"starttls={shown['starttls']} verify={shown['verify']} "
                            f"credentials={shown['credentials']}"))
    return "\n".join(out) + "\n"
