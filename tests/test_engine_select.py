"""Which rules run and how findings count (linter.engine.select): profile,
skip_list, enable_list (opt-in), warn_list, by id, base id or tag."""

from __future__ import annotations

from linter.engine.findings import Finding
from linter.engine.rules import Rule
from linter.engine.select import (
    apply_warn_list,
    base_id,
    drop_skipped,
    matches,
    select_rules,
)


def rule(rule_id: str, profile: str = "basic", tags: tuple[str, ...] = ()) -> Rule:
    return Rule(id=rule_id, severity="error", tags=tags, profile=profile, summary="s",
                description="d", applies_to={"roles": ["any"]}, check={})


def finding(rule_id: str, severity: str = "error", tags: tuple[str, ...] = ()) -> Finding:
    return Finding(rule=rule_id, severity=severity, path="main.cf", line=1, column=1,
                   message="m", tags=tags)


def ids(rules) -> list[str]:
    return [r.id for r in rules]


def test_base_id():
    assert base_id("tls-cert-invalid[expired]") == "tls-cert-invalid"
    assert base_id("plain") == "plain"
    assert base_id("a[b[c]]") == "a"


def test_matches_by_id_base_id_or_tag_never_by_part():
    assert matches("a-rule[sub]", (), ["a-rule[sub]"])
    assert matches("a-rule[sub]", (), ["a-rule"])                # an id covers its sub-ids
    assert not matches("a-rule", (), ["a-rule[sub]"])            # a sub-id not its parent
    assert not matches("a-rule[other]", (), ["a-rule[sub]"])
    assert matches("a-rule", ("tls", "mx"), ["mx"])
    assert not matches("a-rule", ("tls",), ["a", "rule", "tl", "a-rule-2"])
    assert not matches("a-rule", ("tls",), [])
    assert matches("a-rule", ("tls",), ["x", "y", "tls"])        # any selector


RULES = [rule("min-rule", "min"), rule("basic-rule", "basic", ("tls",)),
         rule("safety-rule", "safety", ("auth",)), rule("prod-rule", "production"),
         rule("optional-rule", "basic", ("opt-in", "tls")),
         rule("optional-sub[one]", "min", ("opt-in",))]


def test_profiles_nest_and_opt_in_rules_stay_off():
    assert ids(select_rules(RULES)) == ["min-rule", "basic-rule", "safety-rule", "prod-rule"]
    assert ids(select_rules(RULES, "min")) == ["min-rule"]
    assert ids(select_rules(RULES, "basic")) == ["min-rule", "basic-rule"]
    assert ids(select_rules(RULES, "safety")) == ["min-rule", "basic-rule", "safety-rule"]
    assert ids(select_rules(RULES, "production")) == ids(select_rules(RULES))


def test_enable_list_turns_on_opt_in_rules_by_id_base_id_or_tag():
    assert ids(select_rules(RULES, enable_list=["optional-rule"]))[-1] == "optional-rule"
    assert "optional-sub[one]" in ids(select_rules(RULES, enable_list=["optional-sub"]))
    assert ids(select_rules(RULES, enable_list=["opt-in"]))[-2:] == [
        "optional-rule", "optional-sub[one]"]
    # a tag the opt-in rule shares with others enables it
    assert "optional-rule" in ids(select_rules(RULES, enable_list=["tls"]))
    # enabling a rule that is not opt-in changes nothing
    assert ids(select_rules(RULES, enable_list=["min-rule"])) == ids(select_rules(RULES))


def test_enable_list_does_not_widen_the_profile():
    assert ids(select_rules(RULES, "min", enable_list=["optional-rule"])) == ["min-rule"]
    assert ids(select_rules(RULES, "min", enable_list=["optional-sub[one]"])) == [
        "min-rule", "optional-sub[one]"]


def test_skip_list_by_id_base_id_or_tag_wins_over_enable():
    assert ids(select_rules(RULES, skip_list=["basic-rule"])) == [
        "min-rule", "safety-rule", "prod-rule"]
    assert ids(select_rules(RULES, skip_list=["auth", "prod-rule"])) == ["min-rule",
                                                                         "basic-rule"]
    assert ids(select_rules(RULES, skip_list=["optional-sub"],
                            enable_list=["optional-sub"])) == ids(select_rules(RULES))
    assert ids(select_rules(RULES, skip_list=["tls"], enable_list=["optional-rule"])) == [
        "min-rule", "safety-rule", "prod-rule"]
    # iterables are read once each, not per rule
    assert ids(select_rules(RULES, "basic", iter(["basic-rule"]), iter(["opt-in"]))) == [
        "min-rule", "optional-rule", "optional-sub[one]"]


def test_drop_skipped_findings_by_id_base_id_or_tag():
    found = [finding("a"), finding("b[x]"), finding("c", tags=("tls",)), finding("d")]
    assert [f.rule for f in drop_skipped(found, ["b", "tls"])] == ["a", "d"]
    assert [f.rule for f in drop_skipped(iter(found), iter(["d", "a"]))] == ["b[x]", "c"]
    assert drop_skipped(found, []) == found


def test_warn_list_turns_errors_into_warnings_only():
    found = [finding("a"), finding("b[x]", "error"), finding("c", "info", ("tls",)),
             finding("d", "error", ("tls",)), finding("e", "warning")]
    changed = apply_warn_list(found, ["b", "tls", "e"])
    assert [(f.rule, f.severity) for f in changed] == [
        ("a", "error"), ("b[x]", "warning"), ("c", "info"), ("d", "warning"),
        ("e", "warning")]
    assert changed[1].message == "m" and changed[1].tags == ()
    changed = apply_warn_list(iter(found), iter(["a", "d"]))
    assert [f.severity for f in changed] == ["warning", "error", "info", "warning", "warning"]
    assert apply_warn_list(found, []) == found
