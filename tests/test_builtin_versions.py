"""Rules whose judgement depends on the target Postfix version, on both
sides of each boundary: a boundary moved by one release fails here."""

from __future__ import annotations

from pathlib import Path

from linter.lint import lint_pair
from linter.postfix.load import pair_for

FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def _findings(rule_id: str, fixture: str, version: str, tmp_path=None, main=None):
    directory = FIXTURES / rule_id / fixture
    if main is not None:
        (tmp_path / "main.cf").write_text(main)
        (tmp_path / "master.cf").write_bytes((directory / "master.cf").read_bytes())
        directory = tmp_path
    return [f for f in lint_pair(pair_for(str(directory)), version=version)
            if f.rule == rule_id]


def test_smtps_is_a_legacy_name_from_postfix_3_6():
    """3.6 renamed smtps to submissions in its services list."""
    assert len(_findings("smtps-legacy-service-name", "fires", "3.6")) == 1
    assert _findings("smtps-legacy-service-name", "fires", "3.5") == []


def test_legacy_protocols_fix_uses_ranges_from_3_6_and_exclusions_before():
    [at_36] = [f for f in _findings("tls-legacy-protocols", "fires", "3.6")
               if f.parameter == "smtpd_tls_protocols"]
    assert at_36.fix.lines == ("smtpd_tls_protocols = >=TLSv1.2",)
    [at_35] = [f for f in _findings("tls-legacy-protocols", "fires", "3.5")
               if f.parameter == "smtpd_tls_protocols"]
    assert at_35.fix.lines == ("smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1",)


def test_a_range_before_3_6_is_no_protocol_list(tmp_path):
    """Postfix before 3.6 knows no >= ranges: the list is invalid (smtpd then
    disables TLS), so no legacy version is admitted, and none is reported."""
    main = ("compatibility_level = 3.6\nsmtpd_tls_security_level = may\n"
            "smtpd_tls_chain_files = /k.pem, /c.pem\n"
            "smtpd_tls_protocols = >=TLSv1\nsmtpd_tls_mandatory_protocols = >=TLSv1.2\n")
    assert _findings("tls-legacy-protocols", "fires", "3.5", tmp_path, main) == []
    assert [f.parameter for f in _findings("tls-legacy-protocols", "fires", "3.6",
                                           tmp_path, main)] == ["smtpd_tls_protocols"]


def test_obsolete_parameter_judges_an_entry_from_its_since_version():
    """smtpd_tls_dh1024_param_file is judged from 3.7; entries without a
    ``since`` at every version, the oldest too."""
    assert len(_findings("obsolete-parameter", "fires-dh1024", "3.7")) == 1
    assert _findings("obsolete-parameter", "fires-dh1024", "3.6") == []
    assert _findings("obsolete-parameter", "fires-override-replacement", "3.4") != []


def test_every_certificate_parameter_exists_in_every_supported_version():
    """tls-cert-missing reads all four without a None check."""
    from linter.engine.builtins.tls_cert_missing import CERTIFICATE_PARAMETERS
    from linter.postfix.params import SUPPORTED_VERSIONS, parameter_data

    for version in SUPPORTED_VERSIONS:
        defaults = parameter_data(version).defaults
        assert all(name in defaults for name in CERTIFICATE_PARAMETERS), version
