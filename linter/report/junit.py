"""JUnit XML, for the test-report views of GitLab and Jenkins.

One test case per finding (both render one failure per test case well; a
case with several failures shows only the first), and one passing case per
linted file without findings, so the counts say what was checked. Findings
below the failing level are passing cases with the details in system-out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from linter.report.escape import one_line, plain
from linter.report.identity import posix_path
from linter.report.text import finding_lines

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from linter.engine.findings import Finding
    from linter.report import Report

# What XML 1.0 forbids and ``plain`` leaves: the two non-characters.
NON_XML = re.compile("[\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry: controls and undecodable bytes as escapes."""
    return NON_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", plain(text))


def _case(parent: Element, finding: Finding, failing: bool) -> None:
    from xml.etree.ElementTree import SubElement

    path = xml_text(one_line(posix_path(finding.path)))
    case = SubElement(parent, "testcase", {
        "classname": xml_text(one_line(finding.rule)),
        "name": f"{path}:{finding.line}:{finding.column}",
        "file": path,
    })
    details = xml_text("\n".join(finding_lines(finding, color=False)) + "\n")
    if failing:
        failure = SubElement(case, "failure", {"message": xml_text(one_line(finding.message)),
                                               "type": finding.severity})
        failure.text = details
    else:
        SubElement(case, "system-out").text = details


def render(report: Report) -> str:
    from xml.etree.ElementTree import Element, SubElement, tostring

    root = Element("testsuites", {"name": "smtplint"})
    suite = SubElement(root, "testsuite", {"name": "smtplint"})
    failures = 0
    for finding in report.findings:
        failing = finding.severity in report.failing
        failures += failing
        _case(suite, finding, failing)
    with_findings = {finding.path for finding in report.findings}
    clean = [path for path in report.files if path not in with_findings]
    for path in clean:
        name = xml_text(one_line(posix_path(path)))
        SubElement(suite, "testcase", {"classname": "smtplint", "name": name, "file": name})
    counts = {"tests": str(len(report.findings) + len(clean)), "failures": str(failures),
              "errors": "0", "skipped": "0"}
    suite.attrib.update(counts)
    root.attrib.update({key: counts[key] for key in ("tests", "failures", "errors")})
    body = tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
