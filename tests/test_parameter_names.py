"""Which configurations may hold template text (parameter_names): the
unknown-parameter rule then reports only names that look like typos."""

from __future__ import annotations

import pytest

from linter.engine.builtins.parameter_names import config_has_placeholders, main_is_templated
from linter.postfix.main_cf import parse_main_cf
from linter.postfix.master_cf import parse_master_cf
from linter.postfix.resolve import resolve

PLAIN_MAIN = "compatibility_level = 3.6\n"
PLAIN_MASTER = "smtp inet n - y - - smtpd\n"


@pytest.mark.parametrize("main, master, templated", [
    (PLAIN_MAIN, PLAIN_MASTER, False),
    (PLAIN_MAIN, None, False),                      # a lone main.cf without templates
    (None, PLAIN_MASTER, False),
    (None, None, False),
    ("{% if x %}\na = b\n{% endif %}\n", None, True),
    ("a = {{ b }}\n", PLAIN_MASTER, True),
    (PLAIN_MAIN, "{% if x %}\n" + PLAIN_MASTER + "{% endif %}\n", True),
    (PLAIN_MAIN, PLAIN_MASTER + "  -o smtpd_banner={{ banner }}\n", True),
    (PLAIN_MAIN, "{{name}} inet n - y - - smtpd\n", True),    # a templated entry
])
def test_config_has_placeholders(main, master, templated):
    config = resolve(parse_main_cf(main, "main.cf") if main is not None else None,
                     parse_master_cf(master, "master.cf") if master is not None else None)
    assert config_has_placeholders(config) is templated


@pytest.mark.parametrize("main, templated", [
    (None, False), (PLAIN_MAIN, False), ("{% if x %}\na = b\n{% endif %}\n", True)])
def test_main_is_templated(main, templated):
    config = resolve(parse_main_cf(main, "main.cf") if main is not None else None,
                     parse_master_cf(PLAIN_MASTER, "master.cf"))
    assert main_is_templated(config) is templated
