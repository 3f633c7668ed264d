"""`smtplint show` streams its document: the same bytes as before,
escaped like lint's JSON, in bounded memory, and exit 2 when a file of the
pair cannot be read."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, REQUIRE_ALL, ROOT, corpus_dir
from limits import assert_no_traceback, run_limited, smtplint_limited
from postconf_oracle import corpus_pairs

from linter.postfix.load import ConfigPaths, load_configuration, pair_for
from linter.report.escape import unicode_data
from linter.show import render_text, show_document, write_json, write_text


def _pairs() -> list[tuple[str, ConfigPaths]]:
    found = [(path.name, pair_for(str(path))) for path in
             [ROOT / "examples" / "postfix", *sorted((FIXTURES / "model").iterdir())]
             if path.is_dir()]
    if corpus_dir() is not None:
        found += [(pair.name, ConfigPaths(str(pair.main) if pair.main else None,
                                          str(pair.master) if pair.master else None))
                  for pair in corpus_pairs(corpus_dir())]
    return [(name, paths) for name, paths in found if paths.main or paths.master]


@pytest.mark.parametrize("name, paths", _pairs(), ids=lambda value: value
                         if isinstance(value, str) else "")
def test_streamed_output_is_the_document_byte_for_byte(name, paths):
    config = load_configuration(paths)
    streamed = io.StringIO()
    write_json(config, streamed)
    document = show_document(config)
    assert streamed.getvalue() == json.dumps(unicode_data(document), indent=2) + "\n"
    text = io.StringIO()
    write_text(config, text)
    assert text.getvalue() == render_text(document)


@pytest.mark.parametrize("chars, total", [(0, 10**9), (10**9, 0), (10**9, 3000)])
def test_members_not_kept_are_rendered_the_same(monkeypatch, chars, total):
    """Past either limit on what is kept, members are rendered again: the
    same bytes."""
    import linter.show

    monkeypatch.setattr(linter.show._Fragments, "KEPT_CHARS", chars)
    monkeypatch.setattr(linter.show._Fragments, "KEPT_TOTAL", total)
    config = load_configuration(pair_for(str(ROOT / "examples" / "postfix-risky")))
    streamed = io.StringIO()
    write_json(config, streamed)
    assert streamed.getvalue() == json.dumps(unicode_data(show_document(config)), indent=2) + "\n"


def test_undecodable_bytes_are_escaped_as_in_lint_json(tmp_path):
    (tmp_path / "main.cf").write_bytes(b"smtpd_banner = caf\xe9 \xff\nx\xfe = 1\n")
    (tmp_path / "master.cf").write_bytes(b"smtp inet n - n - - smtpd -o syslog_name=p\xe9\n")
    result = smtplint_limited("show", "--format", "json", str(tmp_path), seconds=30)
    assert_no_traceback(result)
    assert result.code == 0 and result.out.isascii()
    document = json.loads(result.out)
    assert document["main"]["smtpd_banner"]["value"] == "caf\\xe9 \\xff"
    assert "x\\xfe" in document["main"]
    assert not any("\ud800" <= char <= "\udfff" for char in result.out)


def _unreadable(path: Path) -> list[str]:
    """A command prefix under which ``path`` cannot be read (root reads
    everything: drop the capabilities that let it)."""
    path.chmod(0)
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        if REQUIRE_ALL:
            pytest.fail("setpriv is needed to make a file unreadable for root")
        pytest.skip("setpriv is needed to make a file unreadable for root")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.parametrize("unreadable", ["main.cf", "master.cf"])
@pytest.mark.parametrize("output_format", ["json", "text"])
def test_an_unreadable_file_exits_2(tmp_path, unreadable, output_format):
    (tmp_path / "main.cf").write_text("myorigin = example.org\n")
    (tmp_path / "master.cf").write_text("smtp inet n - n - - smtpd\n")
    prefix = _unreadable(tmp_path / unreadable)
    result = run_limited(prefix + [sys.executable, "-m", "linter", "show", "--format",
                                   output_format, str(tmp_path)], seconds=30)
    assert_no_traceback(result)
    assert result.code == 2 and result.out == ""
    assert unreadable in result.err and "error" in result.err


def test_a_large_main_cf_is_streamed_in_bounded_memory(tmp_path):
    """50,000 parameters under 26 services is about 300 MB of JSON: built
    in memory as one document that took gigabytes."""
    (tmp_path / "main.cf").write_text("".join(
        f"custom_parameter_{i} = value {i} with some text\n" for i in range(50000)))
    shutil.copy(ROOT / "examples" / "postfix" / "master.cf", tmp_path / "master.cf")
    out = tmp_path / "show.json"
    _show_json_limited(tmp_path, str(out), memory_mb=700)
    assert out.stat().st_size > 200_000_000
    with out.open() as handle:
        assert handle.read(2) == "{\n"


@pytest.mark.parametrize("services", [
    "smtp inet n - y - - smtpd\n",
    # the names' values are the service's own (not main.cf's), rendered apart
    "submission inet n - y - - smtpd -o b13=$b12$b12\n",
])
def test_many_names_for_one_large_value_are_not_kept_rendered(tmp_path, services):
    """200 names all referring to one 512 KiB value: the model holds the
    value once, and show must not keep 200 rendered copies of it (600 such
    names took 1.2 GB); the output, some 200 MB, goes to /dev/null."""
    lines = ["b0 = " + "x" * 64, *(f"b{i} = $b{i - 1}$b{i - 1}" for i in range(1, 14)),
             *(f"p{j} = $b13" for j in range(200))]
    (tmp_path / "main.cf").write_text("\n".join(lines) + "\n")
    (tmp_path / "master.cf").write_text(services)
    _show_json_limited(tmp_path, os.devnull, memory_mb=100)


def _show_json_limited(directory: Path, out: str, memory_mb: int) -> None:
    """``show --format json`` of ``directory`` into ``out``, in a child
    under the limits; it must succeed."""
    code = (f"import sys\nfrom linter.show import run\n"
            f"with open({out!r}, 'w') as handle:\n"
            f"    sys.exit(run({str(directory)!r}, 'json', None, handle, sys.stderr))\n")
    result = run_limited([sys.executable, "-c", code], seconds=120, memory_mb=memory_mb)
    assert_no_traceback(result)
    assert result.code == 0, result.err[-2000:]
