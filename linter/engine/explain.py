"""One rule as a markdown page: used by `smtplint explain` and for
docs/rules/<id>.md (tools/gen_rule_docs.py), so the two never differ."""

from __future__ import annotations

from linter.engine.rules import Rule


def applies_text(rule: Rule) -> str:
    if "app" in rule.applies_to:
        apps = rule.applies_to["app"]
        return "application SMTP-client endpoints" + (
            "" if apps == "any" else " of " + ", ".join(apps))
    if "probe" in rule.applies_to:
        return "live servers (smtplint probe), targets of role " + ", ".join(
            rule.applies_to["probe"])
    if "host" in rule.applies_to:
        return "the mail host (smtplint audit): " + rule.applies_to["host"]
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
    lines += ["## Fix safety", "", fix_safety_text(rule), ""]
    return "\n".join(lines)


SAFETY_TEXT = {
    "safe": "Safe: `smtplint lint --fix` applies it. It cannot change which clients "
            "can connect, authenticate or relay.",
    "unsafe": "Unsafe: it changes policy, so `smtplint lint --fix` applies it only with "
              "`--unsafe-fixes`; read the diff (`--diff --unsafe-fixes`) first.",
    "": "No automatic fix: the change needs a decision only you can make.",
}


def fix_safety_text(rule: Rule) -> str:
    text = SAFETY_TEXT[rule.fix_safety]
    return f"{text} {rule.fix_safety_note.strip()}" if rule.fix_safety_note else text
