"""``--fix`` is right by construction, checked on every rule fixture, the
risky example and the corpus: re-linting the fixed files no longer reports
a fixed finding, no new error appears, comments survive, a second run
changes nothing, and the real postconf has no new warning."""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from linter.engine.rules import builtin_rules
from linter.fix.apply import _configuration, fix_pairs, identity
from linter.fix.compose import FixPolicy
from linter.fix.files import read_texts
from linter.lint import lint_configuration
from linter.postfix.load import ConfigPaths, pair_for
from linter.postfix.syntax import NodeKind, line_kind
from postconf_oracle import POSTCONF, corpus_pairs, write_pair

from conftest import FIXTURES, REQUIRE_ALL, ROOT, corpus_dir, requires_postconf

RULES = builtin_rules()
VERSION = "3.7"
UNSAFE = FixPolicy(unsafe=True)
SAFE = FixPolicy()


def _lint(config):
    return lint_configuration(config, RULES)


def _fixture_pairs() -> list[ConfigPaths]:
    dirs = sorted(p for p in (FIXTURES / "rules").glob("*/*") if p.is_dir())
    dirs.append(ROOT / "examples" / "postfix-risky")
    pairs = [pair_for(str(directory)) for directory in dirs]
    return [pair for pair in pairs if pair.main or pair.master]   # not the app fixtures


def _corpus() -> list[ConfigPaths]:
    root = corpus_dir()
    if root is None:
        return []
    return [ConfigPaths(str(p.main) if p.main else None, str(p.master) if p.master else None)
            for p in corpus_pairs(root)]


FIXTURE_PAIRS = _fixture_pairs()
CORPUS_PAIRS = _corpus()
ALL_PAIRS = FIXTURE_PAIRS + CORPUS_PAIRS


def _name(pair: ConfigPaths) -> str:
    path = Path(pair.main or pair.master)
    return f"{path.parent.parent.name}/{path.parent.name}:{Path(pair.main or '').name}" \
           f"+{Path(pair.master or '').name}"


def wanted_fixed(before, result, policy: FixPolicy = UNSAFE) -> set:
    """The findings the fix set out to mend and did not refuse (a refused
    fix may be refused again after another fix changed its parameter)."""
    refused = {key[:3] for key in result.refused}
    return {identity(f) for f in before
            if policy.allows(f) and identity(f)[:3] not in refused}


@lru_cache(maxsize=None)
def fixed(pair: ConfigPaths, policy: FixPolicy = UNSAFE):
    """(texts, findings before, FixResult, findings after); each pair is
    fixed once per policy for all the tests here."""
    texts, _ = read_texts([pair])
    before = _lint(_configuration(pair, texts, VERSION))
    result = fix_pairs([pair], texts, _lint, policy.allows, VERSION)
    after = _lint(_configuration(pair, result.fixed, VERSION))
    return texts, before, result, after


def test_the_corpus_is_fixed_too():
    if corpus_dir() is None and not REQUIRE_ALL:
        pytest.skip("SMTPLINT_CORPUS does not name the shared corpus (.ci/run sets it)")
    assert len(CORPUS_PAIRS) >= 40


@pytest.mark.parametrize("pair", ALL_PAIRS, ids=_name)
def test_fix_leaves_no_fixed_finding_and_no_new_error(pair):
    texts, before, result, after = fixed(pair)
    if result.skipped:  # a pair with a parse error is never rewritten
        assert result.changed() == {}
        return
    wanted = wanted_fixed(before, result)
    remaining = {result.original_identity(f) for f in after}
    assert not wanted & remaining, (result.changed(), result.messages)
    # by rule, file and service: a fix may change which parameter decides
    new_errors = ({result.original_identity(f)[:3] for f in after if f.severity == "error"}
                  - {identity(f)[:3] for f in before})
    assert not new_errors, result.messages
    # every refused fix says why
    assert len(result.refused) <= sum("fix not applied" in m for m in result.messages) \
        or not result.refused


@pytest.mark.parametrize("pair", ALL_PAIRS, ids=_name)
def test_fix_keeps_every_comment_and_is_idempotent(pair):
    texts, _, result, _ = fixed(pair)
    for path, new_text in result.changed().items():
        lost = Counter(_comments(texts[path])) - Counter(_comments(new_text))
        # only a commented-out entry that a fix activated may lose its '#'
        assert all(COMMENTED_ENTRY.match(line) for line in lost), lost
    again = fix_pairs([pair], result.fixed, _lint, UNSAFE.allows, VERSION)
    assert again.changed() == {}


COMMENTED_ENTRY = re.compile(r"^\s*#\s*(-o\s|\S+\s+inet\s)")


@pytest.mark.parametrize("pair", ALL_PAIRS, ids=_name)
def test_every_untouched_line_survives_byte_for_byte(pair):
    texts, _, result, _ = fixed(pair)
    assert_untouched_lines_survive(pair, texts, result)


def assert_untouched_lines_survive(pair: ConfigPaths, texts: dict, result) -> None:
    """Every line outside the parameters and entries the applied fixes name
    (and the commented-out entries activation may uncomment) is in the fixed
    file, in order, byte for byte."""
    config = _configuration(pair, texts, VERSION)
    edits = [edit for finding in result.fixes for edit in finding.fix.edits]
    for path, new_text in result.changed().items():
        parsed = config.main if config.main and config.main.path == path else config.master
        touched = _touched_lines(parsed, [e for e in edits if e.path == path], result.renamed)
        old_lines = _physical(texts[path])
        kept = [(line, number == len(old_lines) and not texts[path].endswith("\n"))
                for number, line in enumerate(old_lines, 1)
                if number not in touched and not COMMENTED_ENTRY.match(line)]
        new_lines = _physical(new_text)
        after = iter(enumerate(new_lines, 1))
        unended = len(new_lines) if not new_text.endswith("\n") else None
        # a subsequence; a line that gains or loses the file's end of line
        # (the old unended last one, the new last one) may gain or lose its CR
        for line, was_unended in kept:
            assert any(line == new or ((was_unended or number == unended)
                                       and line.removesuffix("\r") == new.removesuffix("\r"))
                       for number, new in after), (path, line)


def _physical(text: str) -> list[str]:
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def _touched_lines(parsed, edits, renamed: dict) -> set[int]:
    if hasattr(parsed, "parameters"):
        names = {edit.name for edit in edits}
        nodes = [param.node for param in parsed.parameters if param.name in names]
    else:
        keys = {renamed.get(edit.service, edit.service) for edit in edits}
        nodes = [service.node for service in parsed.services if service.key in keys]
    return {line.number for node in nodes for line in node.lines}


def _comments(text: str) -> list[str]:
    """Comment lines, without the CR of a CRLF file (an old last line that
    gains an ending gains the file's CR too)."""
    return [line.removesuffix("\r") for line in text.split("\n")
            if line_kind(line) is NodeKind.COMMENT]


@pytest.mark.parametrize("pair", FIXTURE_PAIRS, ids=_name)
def test_safe_fixes_never_apply_unsafe_ones(pair):
    _, before, result, after = fixed(pair, SAFE)
    assert {f.fix.safety for f in result.fixes} <= {"safe"}
    unsafe = {identity(f) for f in before if f.fix and f.fix.edits and f.fix.safety == "unsafe"}
    assert not unsafe & {identity(f) for f in result.fixes}


def test_fixes_are_labelled_and_the_risky_example_is_fixed_whole():
    pair = pair_for(str(ROOT / "examples" / "postfix-risky"))
    _, before, result, after = fixed(pair)
    assert result.changed(), "the risky example has fixable findings"
    assert {f.fix.safety for f in before if f.fix} <= {"safe", "unsafe"}
    assert [f.rule for f in after if UNSAFE.allows(f)] == []


def _warnings(directory: Path) -> set[str]:
    found = set()
    for flag in ("-n", "-P"):
        completed = subprocess.run([POSTCONF, "-c", str(directory), flag], capture_output=True,
                                   text=True, errors="replace", timeout=60, check=False,
                                   env=dict(os.environ, LC_ALL="C"))
        found |= {line.split("warning: ", 1)[1].replace(str(directory), "DIR")
                  for line in completed.stderr.splitlines() if "warning: " in line}
        if completed.returncode != 0:
            found.add(f"exit {completed.returncode}")
    return found


def _postconf_pairs() -> list[ConfigPaths]:
    """Pairs with a fix, and whose original postconf accepts (a fatal
    original costs postconf a one-second sleep and says nothing)."""
    chosen = []
    for pair in ALL_PAIRS:
        texts, _ = read_texts([pair])
        if any(f.fix and f.fix.edits for f in _lint(_configuration(pair, texts, VERSION))):
            chosen.append(pair)
    return chosen


@requires_postconf
@pytest.mark.parametrize("pair", _postconf_pairs(), ids=_name)
def test_fixed_configuration_has_no_new_postconf_warning(pair, tmp_path):
    texts, _, result, _ = fixed(pair)
    if not result.changed():
        return
    original, fixed_dir = tmp_path / "before", tmp_path / "after"

    def data(texts, path):
        return texts[path].encode("utf-8", "surrogateescape") if path in texts else None

    write_pair(original, data(texts, pair.main), data(texts, pair.master))
    write_pair(fixed_dir, data(result.fixed, pair.main), data(result.fixed, pair.master))
    before = _warnings(original)
    if any(w.startswith("exit") for w in before):
        return  # postconf refuses the original: nothing to compare
    assert _warnings(fixed_dir) - before == set()


# -- generated configurations -------------------------------------------------------

from test_postconf_differential import main_cf, master_cf  # noqa: E402


@settings(max_examples=int(os.environ.get("SMTPLINT_FIX_EXAMPLES", "30")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(main=main_cf(), master=master_cf())
def test_generated_configs_fix_cleanly(main, master):
    pair = ConfigPaths("gen/main.cf", "gen/master.cf")
    texts = {"gen/main.cf": main, "gen/master.cf": master}
    before = _lint(_configuration(pair, texts, VERSION))
    result = fix_pairs([pair], texts, _lint, UNSAFE.allows, VERSION)
    after = _lint(_configuration(pair, result.fixed, VERSION))
    wanted = wanted_fixed(before, result)
    assert not wanted & {result.original_identity(f) for f in after}
    assert_untouched_lines_survive(pair, texts, result)
    for path, text in result.fixed.items():
        config = _configuration(pair, result.fixed, VERSION)
        parsed = config.main if path.endswith("main.cf") else config.master
        assert parsed.serialize() == text          # re-parses losslessly
        assert Counter(_comments(texts[path])) - Counter(_comments(text)) == Counter() \
            or path.endswith("master.cf")        # only activation uncomments lines
