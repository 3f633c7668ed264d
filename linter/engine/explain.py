"""One rule as a markdown page: used by `smtplint explain` and for
docs/rules/<id>.md (tools/gen_rule_docs.py), so the two never differ."""

from __future__ import annotations

from linter.engine.rules import Rule


def applies_text(rule: Rule) -> str:
    if "app" in rule.applies_to:
        apps = rule.applies_to["app"]
        return "application SMTP-client endpoints" + (
            "" if apps == "any" else " of " + ", ".join(apps))
    if "roles" in rule.applies_to:
        return "smtpd services with role " + ", ".join(rule.applies_to["roles"])
    return rule.applies_to["file"]


def rule_markdown(rule: Rule) -> str:
    lines = [
        f"# {rule.id}",
        "",
        rule.summary,
        "",
        f"- Severity: {rule.severity}"
        + "".join(f" ({role}: {severity})" for role, severity in rule.severity_by_role.items()),
        f"- Profile: {rule.profile}",
        f"- Tags: {', '.join(rule.tags)}",
        f"- Applies to: {applies_text(rule)}",
        "",
        rule.description.strip(),
        "",
    ]
    if rule.fix and rule.fix.get("lines"):
        lines += ["## Suggested lines", "", "```", *rule.fix["lines"], "```", ""]
    return "\n".join(lines)
