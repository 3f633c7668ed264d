"""Mutation testing of the rule data: a one-line change to a rule's YAML must
change what its fixtures report.

mutmut mutates Python; a rule is half YAML. Each mutant here is the rule with
one thing in its YAML changed as a careless edit would change it: a role
dropped from ``applies_to``, the ``needs_main_cf`` / ``partial_without_main_cf``
flags flipped, a ``severity_by_role`` entry removed, the severity changed, an
entry dropped from a list or mapping in ``check``. Each mutant is run on the
rule's fixtures (tests/fixtures/rules/<id>/, linted for two Postfix
versions) and must change the findings or
notes of at least one of them; a mutant that changes nothing means a branch of
the rule no fixture exercises. The few that cannot change behaviour are listed
in EQUIVALENT with the reason.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import itertools

import pytest

from linter.engine.rules import builtin_rules
from linter.lint import lint_pair_with_notes
from linter.postfix.load import pair_for
from linter.postfix.params import DEFAULT_VERSION, SUPPORTED_VERSIONS

from conftest import FIXTURES

ROLES = ("mx", "submission", "submissions", "other")
SEVERITIES = ("error", "warning", "info")
# The fixtures are linted for the default Postfix and the oldest supported
# one, so that what a rule does only from some version on ("since") shows.
VERSIONS = (DEFAULT_VERSION, SUPPORTED_VERSIONS[0])

# (rule id, mutant name) -> why no fixture can tell the mutant from the rule.
EQUIVALENT: dict[tuple[str, str], str] = {
    **{("duplicate-service", f"severity {severity}"):
       "each finding takes the severity of the model's diagnostic: a warning when "
       "master keeps the later of two same-name entries, an error when two names "
       "bind one socket" for severity in ("warning", "info")},
}


def _without(items: list, index: int) -> list:
    return items[:index] + items[index + 1:]


def _option_mutants(options, path: str = "check"):
    """Each entry of a list or mapping under ``check`` dropped, recursively,
    as (name, mutate(check) -> None)."""
    if isinstance(options, dict):
        for key, value in options.items():
            yield f"{path}.{key} dropped", _dropper(path, key)
            yield from _option_mutants(value, f"{path}.{key}")
    elif isinstance(options, list) and len(options) > 1:
        for index, item in enumerate(options):
            yield f"{path}[{item!r}] dropped", _dropper(path, index)


def _dropper(path: str, key):
    keys = path.split(".")[1:]

    def mutate(check: dict) -> None:
        node = check
        for part in keys:
            node = node[part]
        del node[key]
    return mutate


def mutants(rule):
    """(name, mutated rule) for one rule."""
    roles = rule.applies_to.get("roles")
    if roles:
        expanded = list(ROLES) if "any" in roles else list(roles)
        for index, role in enumerate(expanded):
            rest = _without(expanded, index)
            if rest:
                yield f"role {role} dropped", dataclasses.replace(
                    rule, applies_to={**rule.applies_to, "roles": rest})
    yield "needs_main_cf flipped", dataclasses.replace(rule, needs_main_cf=not rule.needs_main_cf)
    yield "partial_without_main_cf flipped", dataclasses.replace(
        rule, partial_without_main_cf=not rule.partial_without_main_cf)
    for severity in SEVERITIES:
        if severity != rule.severity:
            yield f"severity {severity}", dataclasses.replace(rule, severity=severity)
    for role in rule.severity_by_role:
        by_role = {k: v for k, v in rule.severity_by_role.items() if k != role}
        yield f"severity_by_role.{role} dropped", dataclasses.replace(
            rule, severity_by_role=by_role)
    for key in ("param", "equals"):
        if key in rule.check:
            yield f"check.{key} changed", dataclasses.replace(
                rule, check={**rule.check, key: rule.check[key] + "x"})
    for name, mutate in _option_mutants(rule.check.get("options", {}), "check.options"):
        check = copy.deepcopy(rule.check)
        mutate(check)
        yield name, dataclasses.replace(rule, check=check)


def _fixture_dirs(rule_id: str) -> list:
    base = FIXTURES / "rules" / rule_id
    return sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


def outcome(rule, directories) -> list:
    """What the rule reports on each fixture: findings (with their fixes)
    and notes, or the exception a broken rule raises (a crash tells the
    mutant apart too)."""
    results = []
    for directory, version in itertools.product(directories, VERSIONS):
        try:
            findings, notes = lint_pair_with_notes(pair_for(str(directory)), [rule], version)
        except Exception as error:  # noqa: BLE001 - any crash kills the mutant
            results.append(("crashed", type(error).__name__))
            continue
        results.append((
            sorted((f.rule, f.severity, f.message, f.path, f.line, repr(f.fix)) for f in findings),
            sorted(str(note) for note in notes if rule.id in str(note))))
    return results


@functools.cache
def original_outcome(rule_id: str) -> list:
    rule = next(rule for rule in LINT_RULES if rule.id == rule_id)
    return outcome(rule, _fixture_dirs(rule_id))


LINT_RULES = [rule for rule in builtin_rules() if rule.stage == "lint"]
CASES = [(rule, name, mutant) for rule in LINT_RULES for name, mutant in mutants(rule)]


@pytest.mark.parametrize(("rule", "name", "mutant"), CASES,
                         ids=[f"{rule.id}:{name}" for rule, name, _ in CASES])
def test_rule_data_mutant_is_killed(rule, name, mutant):
    survived = outcome(mutant, _fixture_dirs(rule.id)) == original_outcome(rule.id)
    if (rule.id, name) in EQUIVALENT:
        assert survived, f"listed as equivalent but a fixture tells it apart: {name}"
        return
    assert not survived, (
        f"{rule.id}: with {name} every fixture under tests/fixtures/rules/{rule.id}/ "
        "reports the same: add a fixture for that branch")


def test_every_lint_rule_has_data_mutants():
    """The generator did not go blind: every rule yields at least the flag
    and severity mutants."""
    counts = {rule.id: sum(1 for _ in mutants(rule)) for rule in LINT_RULES}
    assert counts and min(counts.values()) >= 4, counts


def test_later_parameters_are_all_newer_than_the_table():
    """unknown-parameter's later_parameters holds only names the generated
    Postfix table does not know: an entry the table has is dead data that
    no fixture could miss."""
    from linter.postfix.params import parameter_data

    rule = next(rule for rule in LINT_RULES if rule.id == "unknown-parameter")
    later = rule.check["options"]["later_parameters"]
    assert later and [name for name in later if name in parameter_data().defaults] == []
