"""Helpers for the sandbox tests: raw HTTP against a sandbox, below twiorm's client."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from twiorm.sandbox import Sandbox


class Raw:
    """Send requests to a sandbox with ``requests`` directly, to see the wire as it is."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def account_path(self, tail: str) -> str:
        return f"/2010-04-01/Accounts/{self.sandbox.account_sid}/{tail}"

    def __call__(
        self, method: str, path: str, *, auth: Any = True, **options: Any
    ) -> requests.Response:
        credentials = (self.sandbox.account_sid, self.sandbox.auth_token) if auth is True else auth
        url = path if path.startswith("http") else self.sandbox.url + path
        return requests.request(method, url, auth=credentials, timeout=10, **options)


@pytest.fixture
def raw(twilio_sandbox: Sandbox) -> Raw:
    return Raw(twilio_sandbox)
