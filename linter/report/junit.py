"""JUnit XML, for the test-report views of GitLab and Jenkins.

Valid against the JUnit schema consumers validate with (Jenkins xUnit's
``junit-10.xsd``, vendored under tests/): a ``testcase`` has only ``name``,
``classname``, ``time`` and ``group``, so the file is in the name and the
suite carries no per-case attributes. One test case per finding (both views
render one failure per case well), one passing case per linted file without
findings, so the counts say what was checked, and one ``<error>`` case per
file or configuration that could not be linted. Findings below the failing
level are passing cases with the details in system-out. Test case names
are unique.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.report.escape import one_line, plain
from linter.report.identity import posix_path
from linter.report.text import finding_lines

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from linter.engine.findings import Finding
    from linter.report import Notification, Report


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry: ``plain`` escapes every character it forbids
    (controls, lone surrogates, U+FFFE/U+FFFF)."""
    return plain(text)


class Names:
    """Test case names, made unique by a ``(2)``, ``(3)``... suffix."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def unique(self, name: str) -> str:
        candidate, number = name, 1
        while candidate in self.used:
            number += 1
            candidate = f"{name} ({number})"
        self.used.add(candidate)
        return candidate


def _path(path: str) -> str:
    return xml_text(one_line(posix_path(path)))


def _case(parent: Element, finding: Finding, failing: bool, names: Names) -> None:
    from xml.etree.ElementTree import SubElement

    rule = xml_text(one_line(finding.rule))
    name = f"{_path(finding.path)}:{finding.line}:{finding.column} {rule}"
    case = SubElement(parent, "testcase", {"classname": rule, "name": names.unique(name)})
    details = xml_text("\n".join(finding_lines(finding, color=False)) + "\n")
    if failing:
        failure = SubElement(case, "failure", {"message": xml_text(one_line(finding.message)),
                                               "type": finding.severity})
        failure.text = details
    else:
        SubElement(case, "system-out").text = details


def _error_case(parent: Element, note: Notification, names: Names) -> None:
    from xml.etree.ElementTree import SubElement

    where = _path(note.path) if note.path else "smtplint run"
    case = SubElement(parent, "testcase", {"classname": "smtplint",
                                           "name": names.unique(f"{where}: could not be linted")})
    error = SubElement(case, "error", {"message": xml_text(one_line(note.message)),
                                       "type": "run-incomplete"})
    error.text = xml_text(note.message) + "\n"


def render(report: Report) -> str:
    from xml.etree.ElementTree import Element, SubElement, tostring

    root = Element("testsuites", {"name": "smtplint"})
    suite = SubElement(root, "testsuite", {"name": "smtplint"})
    names = Names()
    failures = 0
    for finding in report.findings:
        failing = finding.severity in report.failing
        failures += failing
        _case(suite, finding, failing, names)
    unlinted = {note.path for note in report.errors if note.path}
    for note in report.errors:
        _error_case(suite, note, names)
    with_findings = {finding.path for finding in report.findings}
    clean = [path for path in report.files if path not in with_findings | unlinted]
    for path in clean:
        SubElement(suite, "testcase", {"classname": "smtplint", "name": names.unique(_path(path))})
    tests = len(report.findings) + len(report.errors) + len(clean)
    counts = {"tests": str(tests), "failures": str(failures),
              "errors": str(len(report.errors)), "skipped": "0"}
    suite.attrib.update(counts)
    root.attrib.update({key: counts[key] for key in ("tests", "failures", "errors")})
    body = tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
