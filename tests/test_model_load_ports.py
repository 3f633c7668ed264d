"""Loading a pair from disk, the numbers and ports leftovers, and per-service
parameter names."""

from __future__ import annotations

import os

from linter.files import FileProblem
from linter.postfix.load import ConfigPaths, load_configuration, pair_for
from linter.postfix.numbers import LONG_MIN, atoi, strtol
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
