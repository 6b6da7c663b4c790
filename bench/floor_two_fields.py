"""Floor: the least any Python client does to stream Calls — requests, json.loads, two raw fields.

Follows next_page_uri with one keep-alive session and reads `sid` and `date_created` as the
strings the server sent. Nothing is typed, so its checksum is its own ("two" mode).
"""

from __future__ import annotations

import json

import requests
from contract import ACCOUNT_SID, AUTH_TOKEN, fold, list_url, parse_args, report


def main() -> None:
    args = parse_args(__doc__, modes=("two",))
    session = requests.Session()
    session.auth = (ACCOUNT_SID, AUTH_TOKEN)
    url: str | None = list_url(args.url)
    checksum = records = 0
    while url:
        response = session.get(url)
        response.raise_for_status()
        page = json.loads(response.content)
        for call in page["calls"]:
            checksum += fold(call["sid"]) + fold(call["date_created"])
        records += len(page["calls"])
        next_uri = page["next_page_uri"]
        url = args.url + next_uri if next_uri else None
    report(checksum, records, args.n)


if __name__ == "__main__":
    main()
