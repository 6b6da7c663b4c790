"""Fetch one Call `--count` times in one process and print the time the fetches took.

    requests  requests.get + json.loads, a new connection per call (the issue's floor)
    session   requests.Session().get + json.loads, one keep-alive connection
    sdk       client.api.v2010.account.calls(sid).fetch()
    twiorm    Call.objects.using(client).get(sid)

One untimed fetch first, so lazy imports and the first connection are not counted.
Prints `seconds=<float> count=<n>`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from contract import ACCOUNT_SID, AUTH_TOKEN

CLIENTS = ("requests", "session", "sdk", "twiorm")


def requests_fetcher(base_url: str, sid: str, keep_alive: bool) -> Callable[[], Any]:
    import requests

    url = f"{base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/{sid}.json"
    auth = (ACCOUNT_SID, AUTH_TOKEN)
    get = requests.Session().get if keep_alive else requests.get

    def fetch() -> Any:
        response = get(url, auth=auth)
        response.raise_for_status()
        return json.loads(response.content)["sid"]

    return fetch


def sdk_fetcher(base_url: str, sid: str) -> Callable[[], Any]:
    from sdk_stream import LocalHttpClient
    from twilio.rest import Client

    calls = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=LocalHttpClient(base_url)).api.v2010
    return lambda: calls.account.calls(sid).fetch().sid


def twiorm_fetcher(base_url: str, sid: str) -> Callable[[], Any]:
    import twiorm
    from twiorm.resources import Call

    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_urls={"api": base_url})
    return lambda: Call.objects.using(client).get(sid).sid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="local server, e.g. http://127.0.0.1:8765")
    parser.add_argument("--sid", required=True, help="a Call SID the server holds")
    parser.add_argument("--client", choices=CLIENTS, required=True)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()

    if args.client == "sdk":
        fetch = sdk_fetcher(args.url, args.sid)
    elif args.client == "twiorm":
        fetch = twiorm_fetcher(args.url, args.sid)
    else:
        fetch = requests_fetcher(args.url, args.sid, keep_alive=args.client == "session")

    fetch()
    start = time.perf_counter()
    for _ in range(args.count):
        if fetch() != args.sid:  # a fetch that returned the wrong record measured nothing
            sys.exit(f"{args.client} fetched another record than {args.sid}")
    print(f"seconds={time.perf_counter() - start:.6f} count={args.count}", flush=True)


if __name__ == "__main__":
    main()
