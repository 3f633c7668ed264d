"""Lossless parsing: serialising the tree gives back the exact bytes, for
every fixture, every corpus file and arbitrary text or bytes; no input
makes a parser raise."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, corpus_dir, requires_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.postfix.main_cf import parse_main_cf
from linter.postfix.master_cf import parse_master_cf
from linter.postfix.resolve import resolve
from linter.postfix.syntax import encode

PARSERS = {"main": parse_main_cf, "master": parse_master_cf}


def _files(root: Path | None) -> list[Path]:
    if root is None:
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "MANIFEST.tsv")


def _kind(path: Path) -> str:
    return "master" if "master" in path.name else "main"


def _roundtrip(data: bytes, kind: str) -> None:
    parsed = PARSERS[kind](data, path=f"x/{kind}.cf")
    assert encode(parsed.serialize()) == data
    for diagnostic in parsed.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1


FIXTURE_FILES = _files(FIXTURES)
CORPUS_FILES = _files(corpus_dir() / "postfix" if corpus_dir() else None)


def test_there_are_fixture_files():
    assert len(FIXTURE_FILES) >= 40


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_files_round_trip_with_both_parsers(path):
    data = path.read_bytes()
    _roundtrip(data, "main")
    _roundtrip(data, "master")


@requires_corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.parent.name + "/" + p.name)
def test_corpus_files_round_trip(path):
    data = path.read_bytes()
    _roundtrip(data, _kind(path))
    _roundtrip(data, "master" if _kind(path) == "main" else "main")


@requires_corpus
def test_corpus_is_all_there():
    assert len(CORPUS_FILES) >= 80


@pytest.mark.parametrize("data", [
    b"", b"\n", b"a = b", b"a = b\r\n", b"\r\n\r\n", b"\xff\xfe\x00", b" \n\t\n",
    b"a = caf\xe9\n  \xff\n", b"x inet n - n - - smtpd -o\n", b"-o { a = \n",
    b"\x00\x00\n\x00", b"a = ${\n", "smtpd_banner = caf\u00e9 \u2603\n".encode(),
])
def test_edge_inputs(data):
    _roundtrip(data, "main")
    _roundtrip(data, "master")
    resolve(parse_main_cf(data), parse_master_cf(data))


POSTFIXISH = st.lists(st.sampled_from(
    list("ab=$#{}()?:-o \t\r\n,/.[]") + ["smtpd", "inet", "unix", "-o ", " n - n - - ",
                                          "${a?{x}:{y}}", "{{ v }}", "{% if %}", "\u00e9"]),
    max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=300), POSTFIXISH))
def test_any_text_round_trips_and_resolves(text):
    data = text.encode("utf-8", "surrogatepass")
    for kind in PARSERS:
        _roundtrip(data, kind)
    resolved = resolve(parse_main_cf(text), parse_master_cf(text))
    for view in resolved.services:
        assert view.tls in (None, "none", "optional", "required", "wrapper")
        view.field("chroot")


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_round_trip(data):
    for kind in PARSERS:
        _roundtrip(data, kind)
    resolve(parse_main_cf(data), parse_master_cf(data))
