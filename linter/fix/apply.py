"""``--fix``: apply the findings' edits, re-lint, repeat until nothing changes.

Works on texts in memory: every pass parses the current texts, lints them,
plans the allowed fixes (compose.plan), turns each edit into patches on
the file it changes (edits.py) and applies them in one go (patch.py). A
file whose new text would read worse to Postfix (a new parse error, an
invalid entry, a broken ``-o``) keeps the edits that do not cause that,
one by one; a pair with a parse error is never rewritten. A fix that would
bring an error no allowed fix mends (requiring TLS where no certificate is
configured, activating an entry that refers to undefined parameters) is
left out, with a message. Like ruff, the loop stops when a pass changes
nothing, after at most ``MAX_PASSES``. Writing is the caller's, so
``--diff`` and ``--fix`` share everything up to that point.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from linter.engine.findings import Edit, Finding
from linter.fix.blame import culprits
from linter.fix.compose import Plan, plan
from linter.fix.edits import (
    EditError,
    MainIndex,
    main_patches,
    master_patches,
    service_index,
)
from linter.fix.patch import PatchConflict, Patches, apply
from linter.postfix.load import ConfigPaths
from linter.postfix.main_cf import MainCf, parse_main_cf
from linter.postfix.master_cf import MasterCf, parse_master_cf
from linter.postfix.resolve import Configuration, resolve

MAX_PASSES = 10
# What a fix must never make worse: Postfix refuses to run with these.
REFUSED = ("parse-error", "master-entry-invalid", "master-option-syntax")
# Diagnostics a fix must not bring even where no rule reports them (a lone
# master.cf): postconf warns about the first, smtpd stops on the second.
UNWANTED = ("undefined-parameter", "invalid-parameter-value")

Lint = Callable[[Configuration], list[Finding]]
Allows = Callable[[Finding], bool]


def identity(finding: Finding) -> tuple:
    """A finding across passes: its line may move, its cause does not."""
    return (finding.rule, finding.path, finding.service, finding.parameter)


@dataclass
class FixResult:
    """The texts after fixing, and what happened."""

    original: dict[str, str]
    fixed: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    fixes: list[Finding] = field(default_factory=list)   # whose fixes were applied
    refused: set = field(default_factory=set)            # identities left out on purpose
    skipped: list[str] = field(default_factory=list)     # files not fixed, and why
    renamed: dict = field(default_factory=dict)          # new service key -> old
    passes: int = 0

    def original_identity(self, finding: Finding) -> tuple:
        """``identity`` with a renamed service under its old name."""
        return _original_identity(finding, self.renamed)

    def changed(self) -> dict[str, str]:
        return {path: text for path, text in self.fixed.items()
                if text != self.original[path]}


def fix_pairs(pairs: Sequence[ConfigPaths], texts: dict[str, str], lint: Lint,
              allows: Allows, version: str) -> FixResult:
    """Fix every pair; ``texts`` holds each file's text as read."""
    result = FixResult(original=dict(texts))
    current = dict(texts)
    states = [_PairState(pair, version) for pair in pairs]
    for number in range(1, MAX_PASSES + 1):
        result.passes = number
        changed = False
        conflicts: list[str] = []
        for state in states:
            new_texts = state.step(current, lint, allows, conflicts)
            for path, text in new_texts.items():
                if text != current[path]:
                    current[path] = text
                    changed = True
        if not changed:
            break
    result.fixed = current
    _parse.cache_clear()
    for state in states:
        result.fixes.extend(state.fixes)
        result.refused |= state.excluded
        result.skipped.extend(state.skipped)
        result.renamed.update(state.renamed)
    # the last pass's conflicts (the ones still true), then every refusal
    result.messages = conflicts + [m for state in states for m in state.refusals]
    return result


@dataclass
class _PairState:
    """One pair across passes: what it reported first, the fixes applied,
    and the ones left out."""

    pair: ConfigPaths
    version: str
    initial_errors: set | None = None
    initial_diagnostics: Counter | None = None
    excluded: set = field(default_factory=set)
    refusals: list[str] = field(default_factory=list)
    # Services renamed by earlier passes, new key -> the key at the start:
    # a renamed service's findings are the same findings.
    renamed: dict = field(default_factory=dict)
    fixes: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # The last texts linted (as applied), their configuration and findings:
    # the next pass starts from them without parsing or linting again.
    linted: tuple = ((), None, ())

    def _texts_key(self, texts: dict[str, str]) -> tuple:
        return tuple(texts.get(path) for path in (self.pair.main, self.pair.master) if path)

    def step(self, texts: dict[str, str], lint: Lint, allows: Allows,
             conflicts: list[str]) -> dict[str, str]:
        key = self._texts_key(texts)
        again = self.linted[0] == key
        config = self.linted[1] if again else _configuration(self.pair, texts, self.version)
        if config is None:
            return {}
        if _refused(config):
            if not self.skipped:
                self.skipped.extend(f"{path}: not fixed: the configuration has a parse error"
                                    for path in (self.pair.main, self.pair.master) if path)
            return {}
        findings = self.linted[2] if again else lint(config)
        if self.initial_errors is None:
            self.initial_errors = {identity(f) for f in findings if f.severity == "error"}
            self.initial_diagnostics = _unwanted(config)
        while True:
            chosen = plan([f for f in findings if identity(f) not in self.excluded], allows)
            if not chosen.edits:
                conflicts.extend(chosen.messages)
                return {}
            new_texts, applied, problems = apply_edits(config, chosen.edits, texts)
            fresh = self._fresh(texts, new_texts, applied, lint, allows)
            if not fresh:
                conflicts.extend(chosen.messages + problems)
                self.fixes.extend(_sources(chosen, applied))
                self.renamed.update(_renames(applied, self.renamed))
                return new_texts
            for finding, caused in self._blame(fresh, chosen, findings, config, texts,
                                               lint, allows).items():
                self.excluded.add(identity(finding))
                self.refusals.append(f"{finding.path}:{finding.line}: {finding.rule}: fix not "
                                     f"applied: it would bring {caused}")

    def _fresh(self, texts: dict[str, str], new_texts: dict[str, str], edits: list[Edit],
               lint: Lint, allows: Allows) -> list[tuple[str | None, tuple, str]]:
        """What the edits would bring that was not there at the start and
        that no allowed fix mends: (service, key, description); the key
        holds no line number, so another fix moving the lines leaves it."""
        trial_texts = {**texts, **new_texts}
        trial = _configuration(self.pair, trial_texts, self.version)
        findings = lint(trial)
        self.linted = (self._texts_key(trial_texts), trial, findings)
        renamed = self.renamed | _renames(edits, self.renamed)
        fresh = [(f.service, _original_identity(f, renamed), f"{f.rule} ({f.message})")
                 for f in findings if f.severity == "error" and not allows(f)
                 and _original_identity(f, renamed) not in self.initial_errors]
        mended = {(f.rule, f.path, f.service) for f in findings if allows(f)}
        for key, count in _unwanted(trial).items():
            code, path, message, service = key
            if count > self.initial_diagnostics[key] and (code, path, service) not in mended:
                fresh.append((service, key, f"{code} ({message})"))
        return fresh

    def _blame(self, fresh, chosen: Plan, findings, config, texts, lint,
               allows) -> dict[Finding, str]:
        """Which fixes bring each new problem (linter.fix.blame): of the
        fixes that edit the service it is about (else main.cf), the fewest
        without which it does not appear."""
        problems: dict[tuple, list[Finding]] = {}
        caused_by: dict[tuple, str] = {}
        for service, key, caused in fresh:
            problems.setdefault(key, _suspects(service, chosen))
            caused_by.setdefault(key, caused)

        def trial(left_out: Iterable[Finding]) -> set:
            skip = self.excluded | {identity(f) for f in left_out}
            trial_plan = plan([f for f in findings if identity(f) not in skip], allows)
            trial_texts, trial_edits, _ = apply_edits(config, trial_plan.edits, texts)
            return {found for _, found, _ in self._fresh(texts, trial_texts, trial_edits,
                                                         lint, allows)}

        blamed: dict[Finding, str] = {}
        for key, found in culprits(problems, trial).items():
            for finding in found:
                blamed.setdefault(finding, caused_by[key])
        return blamed


def _renames(edits: Iterable[Edit], earlier: dict) -> dict:
    """new service key -> the key it had at the start, for renames in ``edits``."""
    found = {}
    for edit in edits:
        if edit.action == "rename-service" and edit.service:
            kind = edit.service.partition("/")[2]
            found[f"{edit.name}/{kind}"] = earlier.get(edit.service, edit.service)
    return found


def _original_identity(finding: Finding, renamed: dict) -> tuple:
    rule, path, service, parameter = identity(finding)
    return (rule, path, renamed.get(service, service), parameter)


def _sources(chosen: Plan, applied: list[Edit]) -> list[Finding]:
    found: dict[tuple, Finding] = {}
    for edit in applied:
        for finding in chosen.sources.get(edit, ()):
            found.setdefault(identity(finding), finding)
    return list(found.values())


def _suspects(service: str | None, chosen: Plan) -> list[Finding]:
    """Findings whose fixes edit ``service``, else those editing main.cf,
    else all."""
    by_service = [e for e in chosen.edits if service and e.service == service]
    edits = by_service or [e for e in chosen.edits if e.service is None] or chosen.edits
    return _sources(chosen, edits)


def _unwanted(config: Configuration) -> Counter:
    """The pair's UNWANTED diagnostics, with the service each is in."""
    found: Counter = Counter()
    for diagnostic in config.diagnostics:
        if diagnostic.code in UNWANTED:
            view = config.line_index.service_at(diagnostic)   # bisection, not a scan
            service = view.service.key if view is not None else None
            found[(diagnostic.code, diagnostic.path, diagnostic.message, service)] += 1
    return found


def _configuration(pair: ConfigPaths, texts: dict[str, str],
                   version: str) -> Configuration | None:
    if (pair.main and pair.main not in texts) or (pair.master and pair.master not in texts):
        return None  # a file that could not be read is not fixed
    main = _parse("main", texts[pair.main], pair.main) if pair.main else None
    master = _parse("master", texts[pair.master], pair.master) if pair.master else None
    return resolve(main, master, version)


@lru_cache(maxsize=8)
def _parse(kind: str, text: str, path: str) -> MainCf | MasterCf:
    """Parse trees by text: a pass checks each new text, then lints it;
    the trees are read, never changed. Cleared after each fix run."""
    return parse_master_cf(text, path) if kind == "master" else parse_main_cf(text, path)


def _refused(config: Configuration) -> bool:
    """A pair with a parse error is never rewritten."""
    return any(d.code == "parse-error" and d.severity == "error" for d in config.diagnostics)


def apply_edits(config: Configuration, edits: Iterable[Edit],
                texts: dict[str, str]) -> tuple[dict[str, str], list[Edit], list[str]]:
    """New texts for the pair's files, the edits that landed, and why any
    did not."""
    by_path: dict[str, list[Edit]] = {}
    for edit in edits:
        by_path.setdefault(edit.path, []).append(edit)
    new_texts: dict[str, str] = {}
    applied: list[Edit] = []
    problems: list[str] = []
    for path, file_edits in by_path.items():
        parsed = _parsed(config, path)
        if parsed is None:
            problems.append(f"{path}: not part of this configuration; edits dropped")
            continue
        text, landed, why = _apply_to_file(parsed, file_edits, texts[path])
        new_texts[path] = text
        applied.extend(landed)
        problems.extend(why)
    return new_texts, applied, problems


def _parsed(config: Configuration, path: str) -> MainCf | MasterCf | None:
    for parsed in (config.main, config.master):
        if parsed is not None and parsed.path == path:
            return parsed
    return None


def _apply_to_file(parsed: MainCf | MasterCf, edits: list[Edit],
                   text: str) -> tuple[str, list[Edit], list[str]]:
    """All edits at once when the result is sound; else one at a time,
    keeping each edit that does not make the file worse."""
    problems: list[str] = []
    patches: list[tuple[Edit, Patches]] = []
    index = service_index(parsed) if isinstance(parsed, MasterCf) else MainIndex(parsed)
    for edit in edits:
        try:
            patches.append((edit, _patches(edit, parsed, index)))
        except EditError as error:
            problems.append(f"{parsed.path}: {_label(edit)} not applied: {error}")
    together = Patches()
    for _, patch in patches:
        together.merge(patch)
    new_text = _applied(parsed, together)
    if new_text is not None and _sound(parsed, new_text):
        return new_text, [edit for edit, _ in patches], problems
    kept = []
    for edit, _ in patches:  # one at a time, each on the result of the last
        current = _reparse(parsed, text)
        try:
            candidate = _applied(current, _patches(edit, current))
        except EditError as error:
            problems.append(f"{parsed.path}: {_label(edit)} not applied: {error}")
            continue
        if candidate is not None and _sound(current, candidate):
            text = candidate
            kept.append(edit)
        else:
            problems.append(f"{parsed.path}: {_label(edit)} not applied: the result "
                            "would not be valid for Postfix")
    return text, kept, problems


def _patches(edit: Edit, parsed: MainCf | MasterCf, index=None) -> Patches:
    """``index``: the file's MainIndex or service_index, shared by its edits."""
    if isinstance(parsed, MasterCf):
        return master_patches(edit, parsed, index)
    return main_patches(edit, parsed, index)


def _applied(parsed: MainCf | MasterCf, patches: Patches) -> str | None:
    lines = [line for node in parsed.nodes for line in node.lines]
    try:
        return apply(lines, patches)
    except PatchConflict:
        return None


def _reparse(parsed: MainCf | MasterCf, text: str) -> MainCf | MasterCf:
    return _parse("master" if isinstance(parsed, MasterCf) else "main", text, parsed.path)


def _sound(before: MainCf | MasterCf, new_text: str) -> bool:
    """No diagnostic Postfix refuses to run with that was not there before."""
    after = _reparse(before, new_text)
    return not (_refusals(after) - _refusals(before))


def _refusals(parsed: MainCf | MasterCf) -> Counter:
    return Counter((d.code, d.message) for d in parsed.diagnostics
                   if d.code in REFUSED and d.severity == "error")


def _label(edit: Edit) -> str:
    where = f" of {edit.service}" if edit.service else ""
    return f"{edit.action} {edit.name}{where}"
