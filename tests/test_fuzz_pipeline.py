"""The whole pipeline on generated configurations: nothing raises, every
JSON output is valid (see tests/fuzz_pipeline.py). A small budget here;
``scripts/fuzz --examples N`` runs the same property for as long as wanted."""

from __future__ import annotations

import os

from fuzz_pipeline import check_pipeline, optional_main, optional_master
from hypothesis import HealthCheck, given, settings

EXAMPLES = int(os.environ.get("SMTPLINT_FUZZ_EXAMPLES", "150"))


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(main=optional_main, master=optional_master)
def test_pipeline_never_raises_and_json_is_valid(main, master):
    check_pipeline(main, master)
