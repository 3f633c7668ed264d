"""Fixes chosen by safety, applied once, conflicts settled by the stated rule."""

from __future__ import annotations

from linter.engine.findings import Edit, Finding, Fix
from linter.fix.compose import FixPolicy, plan


def finding(rule: str, *edits: Edit, safety: str = "unsafe", line: int = 1) -> Finding:
    return Finding(rule=rule, severity="error", path="master.cf", line=line, column=1,
                   message="m", fix=Fix("d", (), edits, safety))


LEVEL = "smtpd_tls_security_level"


def test_safety_and_fix_only_choose_the_findings():
    safe = finding("a", Edit("set", "main.cf", "x", "1"), safety="safe")
    unsafe = finding("b", Edit("set", "main.cf", "y", "1"))
    no_edits = Finding(rule="c", severity="error", path="p", line=1, column=1, message="m",
                       fix=Fix("d"))
    assert [f.rule for f in (safe, unsafe, no_edits) if FixPolicy().allows(f)] == ["a"]
    assert [f.rule for f in (safe, unsafe, no_edits) if FixPolicy(unsafe=True).allows(f)] \
        == ["a", "b"]
    only = FixPolicy(unsafe=True, only=frozenset({"b"}))
    assert [f.rule for f in (safe, unsafe) if only.allows(f)] == ["b"]
    sub = finding("tls-cert-invalid[expired]", Edit("set", "main.cf", "z", "1"))
    assert FixPolicy(unsafe=True, only=frozenset({"tls-cert-invalid"})).allows(sub)


def test_identical_edits_are_applied_once():
    edit = Edit("set", "main.cf", "smtpd_tls_auth_only", "yes")
    result = plan([finding("a", edit), finding("a", edit, line=2), finding("b", edit)],
                  FixPolicy(unsafe=True).allows)
    assert result.edits == [edit] and result.messages == []


def test_two_additions_to_one_entry_both_land_in_order():
    first = Edit("set", "master.cf", "a", "1", "submission/inet")
    second = Edit("set", "master.cf", "b", "2", "submission/inet")
    assert plan([finding("r", first), finding("s", second)],
                FixPolicy(unsafe=True).allows).edits == [first, second]


def test_the_stricter_tls_level_wins_whatever_the_order():
    may = Edit("set", "master.cf", LEVEL, "may", "submission/inet")
    encrypt = Edit("set", "master.cf", LEVEL, "encrypt", "submission/inet")
    for order in ([may, encrypt], [encrypt, may]):
        result = plan([finding("r", edit) for edit in order], FixPolicy(unsafe=True).allows)
        assert result.edits == [encrypt] and result.messages == []


def test_unordered_conflict_drops_the_later_fix_whole_with_a_message():
    one = Edit("set", "main.cf", "mynetworks", "127.0.0.0/8")
    other = Edit("set", "main.cf", "mynetworks", "10.0.0.0/8")
    extra = Edit("set", "main.cf", "unrelated", "x")
    result = plan([finding("r", one), finding("s", other, extra, line=7)],
                  FixPolicy(unsafe=True).allows)
    assert result.edits == [one]
    assert len(result.messages) == 1
    assert "master.cf:7: s: fix not applied" in result.messages[0]
    assert "10.0.0.0/8" in result.messages[0] and "127.0.0.0/8" in result.messages[0]


def test_set_and_remove_of_one_setting_conflict():
    remove = Edit("remove", "master.cf", "x", None, "smtp/inet")
    set_ = Edit("set", "master.cf", "x", "no", "smtp/inet")
    result = plan([finding("r", remove), finding("s", set_)], FixPolicy(unsafe=True).allows)
    assert result.edits == [remove] and len(result.messages) == 1
