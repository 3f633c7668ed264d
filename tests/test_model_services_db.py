"""How a service name becomes a port without known_tcp_ports: /etc/services
read directly when nsswitch consults only files, getservbyname otherwise."""

from __future__ import annotations

import pytest

from linter.postfix import ports


@pytest.fixture
def services(tmp_path, monkeypatch):
    def setup(nsswitch: str | None, services_text: str | None, db: bool = False):
        for cached in (ports._services_file, ports._getservbyname,
                       ports.services_database_works):
            cached.cache_clear()
        ns = tmp_path / "nsswitch.conf"
        sv = tmp_path / "services"
        if nsswitch is not None:
            ns.write_text(nsswitch)
        if services_text is not None:
            sv.write_text(services_text)
        monkeypatch.setattr(ports, "NSSWITCH", str(ns))
        monkeypatch.setattr(ports, "SERVICES_FILE", str(sv))
        monkeypatch.setattr(ports, "SERVICES_DB", str(tmp_path / ("db" if db else "nodb")))
        if db:
            (tmp_path / "db").write_text("")
    yield setup
    for cached in (ports._services_file, ports._getservbyname, ports.services_database_works):
        cached.cache_clear()


TABLE = "smtp 25/tcp mail\ndomain 53/tcp\nweird 123456/tcp\nudp 99/udp\nbad\n# c\nx 1/tcp # y\n"


def test_services_file_is_read_when_only_files_are_consulted(services):
    services("services: files # comment\n", TABLE)
    assert ports._services_file() == {"smtp": 25, "mail": 25, "domain": 53, "x": 1}
    assert ports.services_port("mail") == 25 and ports.services_port("nope") is None
    assert ports.services_database_works()
    problem = ports.listener("nope", {}).problems[0]
    assert problem.severity == "error" and "services database" in problem.message


def test_no_nsswitch_means_files(services):
    services(None, TABLE)
    assert ports.services_port("smtp") == 25


@pytest.mark.parametrize("nsswitch, db", [("services: files ldap\n", False),
                                          ("services: db files\n", True),
                                          ("services:\n", False)])
def test_other_sources_ask_getservbyname(services, nsswitch, db):
    services(nsswitch, TABLE, db)
    assert ports._services_file() is None


def test_missing_services_file_asks_getservbyname(services):
    services("services: files\n", None)
    assert ports._services_file() is None
    assert ports.services_port("x y") is None and ports.services_port("") is None
    assert ports.services_port("\u00e9") is None


def test_without_a_database_unknown_names_are_not_errors(services):
    services("services: files\n", "")
    assert not ports.services_database_works()
    assert ports.listener("nope", {}).problems == ()


def test_other_sources_resolve_names_through_getservbyname(services, monkeypatch):
    """With nsswitch naming another source (ldap), /etc/services alone is not
    the answer: the name goes to getservbyname(name, "tcp"), once, and a name
    it does not know (OSError) is no port."""
    import socket

    asked = []

    def fake(name, protocol):
        asked.append((name, protocol))
        table = {"smtp": 25, "domain": 53, "imaps": 993}
        if name not in table:
            raise OSError("service/proto not found")
        return table[name]

    monkeypatch.setattr(socket, "getservbyname", fake)
    services("services: files ldap\n", TABLE)
    assert ports.services_port("imaps") == 993
    assert ports.services_port("imaps") == 993 and asked == [("imaps", "tcp")]  # cached
    assert ports.services_port("x") is None        # in TABLE, but the file is not consulted
    assert ports.services_database_works()
    problem = ports.listener("nope", {}).problems[0]
    assert problem.severity == "error" and "services database" in problem.message


def test_the_real_getservbyname_places_submission_on_587(services):
    """Unpatched, the fallback asks this host's services database, as
    master's getaddrinfo() does: "submission" is 587 there."""
    import socket

    services("services: files ldap\n", None)
    try:
        expected = socket.getservbyname("submission", "tcp")
    except OSError:
        pytest.skip("this host's services database has no 'submission'")
    assert ports.services_port("submission") == expected == 587
