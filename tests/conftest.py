from __future__ import annotations

from pathlib import Path

import pytest

from tocsin.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


def shared_or_skip() -> Path:
    if not (SHARED / "gold" / "seeds.jsonl").exists():
        pytest.skip("../shared is absent")
    return SHARED
