"""The fuzz targets of ``tests/fuzz_targets.py``, a short pass (``make fuzz SECONDS=...`` runs
them for longer; see scripts/fuzz.py)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings

from tests.fuzz_targets import TARGETS, Target


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_fuzz_target_short_pass(target: Target) -> None:
    @hsettings(max_examples=target.ci_examples, deadline=None,
               suppress_health_check=list(HealthCheck))
    @given(target.strategy)
    def run(value: Any) -> None:
        target.check(value)

    run()
