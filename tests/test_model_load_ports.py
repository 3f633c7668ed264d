"""Loading a pair from disk, the numbers and ports leftovers, and per-service
parameter names."""

from __future__ import annotations

import os

from linter.files import FileProblem
from linter.postfix.load import ConfigPaths, load_configuration, pair_for
from linter.postfix.numbers import LONG_MIN, atoi, strtol
from linter.postfix import ports
from linter.postfix.params import parameter_data, service_derived_names
from linter.postfix.ports import (
    KnownPorts,
    known_tcp_ports,
    listener,
    parse_known_tcp_ports,
    resolve_port,
    split_listener,
)


def test_pair_for_a_directory_and_for_either_file(tmp_path):
    (tmp_path / "main.cf").write_text("a = 1\n")
    assert pair_for(str(tmp_path)) == ConfigPaths(str(tmp_path / "main.cf"), None)
    (tmp_path / "master.cf").write_text("")
    both = ConfigPaths(str(tmp_path / "main.cf"), str(tmp_path / "master.cf"))
    assert pair_for(str(tmp_path)) == both
    assert pair_for(str(tmp_path / "main.cf")) == both
    assert pair_for(str(tmp_path / "master.cf")) == both
    (tmp_path / "x.main.cf").write_text("")
    (tmp_path / "x.master.cf").write_text("")
    assert pair_for(str(tmp_path / "x.main.cf")).main == str(tmp_path / "x.main.cf")
    assert pair_for(str(tmp_path / "x.master.cf")).master == str(tmp_path / "x.master.cf")
    other = tmp_path / "other.txt"
    other.write_text("")
    assert pair_for(str(other)) == both


def test_pair_for_keeps_a_dangling_sibling(tmp_path):
    os.symlink(tmp_path / "missing", tmp_path / "master.cf")
    assert pair_for(str(tmp_path)).master == str(tmp_path / "master.cf")


def test_unreadable_files_are_located_errors_and_problems(tmp_path):
    (tmp_path / "main.cf").write_text("myorigin = example.org\n")
    os.mkfifo(tmp_path / "master.cf")
    problems: list[FileProblem] = []
    config = load_configuration(pair_for(str(tmp_path)), problems=problems)
    assert config.master is None and config.context.value("myorigin") == "example.org"
    (first,) = [d for d in config.diagnostics if d.code == "parse-error"]
    assert (first.path, first.line, first.column, first.severity) == (
        str(tmp_path / "master.cf"), 1, 1, "error")
    assert first.message.startswith("not linted: this file")
    assert [p.path for p in problems] == [str(tmp_path / "master.cf")]
    again = load_configuration(pair_for(str(tmp_path)))   # problems not collected
    assert again.diagnostics[0] == first


def test_an_unreadable_main_cf_is_an_error_and_a_problem_with_one_message(tmp_path):
    """The same message in the diagnostic and in the problem; the master.cf
    beside it is still read."""
    os.mkfifo(tmp_path / "main.cf")
    (tmp_path / "master.cf").write_text("smtp inet n - y - - smtpd\n")
    problems: list[FileProblem] = []
    config = load_configuration(pair_for(str(tmp_path)), problems=problems)
    assert config.main is None and [s.name for s in config.master.services] == ["smtp"]
    (error,) = [d for d in config.diagnostics if d.code == "parse-error"]
    assert (error.path, error.line, error.column, error.severity) == (
        str(tmp_path / "main.cf"), 1, 1, "error")
    assert error.message.startswith("not linted: this file")
    assert [(p.path, p.message) for p in problems] == [(str(tmp_path / "main.cf"),
                                                       error.message)]


def test_load_both_files_and_no_files(tmp_path):
    (tmp_path / "main.cf").write_text("submission_x = 1\n")
    (tmp_path / "master.cf").write_text("smtp inet n - n - - smtpd\n")
    config = load_configuration(pair_for(str(tmp_path)), version="3.5")
    assert config.version == "3.5" and [v.name for v in config.services] == ["smtp"]
    empty = load_configuration(ConfigPaths(None, None))
    assert empty.main is None and empty.master is None and empty.services == []


def test_strtol_clamps_below_long_min_and_atoi_wraps():
    parsed = strtol("-" + "9" * 30)
    assert (parsed.value, parsed.overflow, parsed.negative) == (LONG_MIN, True, True)
    assert strtol("-9223372036854775808").overflow is False
    assert atoi("4294967297") == 1 and atoi(" -5x") == -5 and atoi("x") == 0


def test_service_derived_names():
    assert service_derived_names("relay", "smtp")[0] == "relay_delivery_slot_cost"
    assert len(service_derived_names("relay", "pipe")) == 16
    assert service_derived_names("sp", "spawn") == ("sp_time_limit",)
    assert service_derived_names("x", "smtpd") == ()
    data = parameter_data("3.7")
    assert data.is_known("myorigin") and not data.is_known("no_such_parameter")


def test_known_tcp_ports_compatibility_mapping():
    assert known_tcp_ports("smtp=25, zero=0, bad=x, s=submissions=465") == {
        "smtp": 25, "s": 465, "submissions": 465}
    assert parse_known_tcp_ports("a=1,,b=2").warnings == ()


def test_pair_for_a_bare_file_name_looks_beside_it_in_the_current_directory(tmp_path,
                                                                            monkeypatch):
    (tmp_path / "main.cf").write_text("a = 1\n")
    (tmp_path / "master.cf").write_text("")
    monkeypatch.chdir(tmp_path)
    assert pair_for("main.cf") == ConfigPaths("main.cf", os.path.join(".", "master.cf"))
    assert pair_for("master.cf") == ConfigPaths(os.path.join(".", "main.cf"), "master.cf")


def test_split_listener_splits_at_the_last_colon_and_the_first_bracket():
    """Without brackets the port is after the last ":" (an IPv6 host keeps
    its colons); with them, the host ends at the first "]"."""
    assert split_listener("::1:smtp") == ("::1", "smtp")
    assert split_listener("[::1]:25]") == ("::1", "25]")
    assert split_listener("[::1]:X25") == ("::1", "X25")


def test_split_listener():
    assert split_listener("[::1]:587") == ("::1", "587")
    assert split_listener("[FE80::1]") == ("fe80::1", "")
    assert split_listener("MX.Example:smtp") == ("mx.example", "smtp")
    assert split_listener("587") == ("", "587")


def test_listener_problems_and_plain_dict_ports():
    assert listener("[::1", {}).problems[0].message.startswith('missing "]"')
    assert listener("[::1", {}).port is None
    zero = listener("0", {})
    assert zero.port is None and zero.problems[0].severity == "warning"
    wrapped = listener("99999", {})
    assert wrapped.port == 34463 and wrapped.problems[0].severity == "warning"
    negative = listener("-1", {})
    assert negative.port is None and negative.problems[0].severity == "error"
    assert resolve_port("mine", {"mine": 2525}) == 2525
    assert resolve_port("25", {"25": 99}) == 25
    assert resolve_port("mine", KnownPorts({"mine": "2526"})) == 2526
    assert resolve_port("smtp", {}) == 25


def _services_database(tmp_path, monkeypatch, nsswitch: str, services: str) -> None:
    """nsswitch.conf and /etc/services as the test writes them."""
    for cached in (ports._services_file, ports._getservbyname):
        cached.cache_clear()
    (tmp_path / "nsswitch.conf").write_text(nsswitch)
    (tmp_path / "services").write_text(services)
    monkeypatch.setattr(ports, "NSSWITCH", str(tmp_path / "nsswitch.conf"))
    monkeypatch.setattr(ports, "SERVICES_FILE", str(tmp_path / "services"))
    monkeypatch.setattr(ports, "SERVICES_DB", str(tmp_path / "no-db"))


def test_services_port_reads_the_services_file_and_rejects_what_nss_would(tmp_path,
                                                                          monkeypatch):
    """With files only, a name is looked up in the file as written there
    (X11 included); names getservbyname could not take (not ASCII, blanks,
    NUL) are no port even when the file lists them."""
    try:
        _services_database(tmp_path, monkeypatch, "services: files\n",
                           "X11 6000/tcp\nsmtplint-only 4321/tcp\nsmtp\u00e9 26/tcp\n")
        assert ports.services_port("X11") == 6000
        assert ports.services_port("smtplint-only") == 4321
        assert ports.services_port("smtp\u00e9") is None
        assert ports.services_port("smtp\x00") is None and ports.services_port("") is None
    finally:
        for cached in (ports._services_file, ports._getservbyname):
            cached.cache_clear()


def test_services_port_asks_getservbyname_when_nss_has_other_sources(tmp_path, monkeypatch):
    """With another source in nsswitch.conf, the file is not the answer:
    getservbyname is (smtp is 25 in every services database); a name with
    a NUL never reaches it."""
    try:
        _services_database(tmp_path, monkeypatch, "services: files ldap\n",
                           "smtplint-only 4321/tcp\n")
        assert ports.services_port("smtp") == 25
        assert ports.services_port("smtp\x00") is None
    finally:
        for cached in (ports._services_file, ports._getservbyname):
            cached.cache_clear()
