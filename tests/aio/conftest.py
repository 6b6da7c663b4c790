"""Async tests run on asyncio with the pytest plugin that ships with anyio."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
