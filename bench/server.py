"""A local stand-in for api.twilio.com's Calls list, fast enough not to be what is measured.

    GET /2010-04-01/Accounts/{AccountSid}/Calls.json         a page of the 2010 list envelope
    GET /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json   one Call

Records start from the Call example in Twilio's OpenAPI spec, read at startup from the shared
spec folder (never copied into this repo), and every field varies with the record's index.
Pages of the benchmark's page size are rendered to bytes before the port is printed, so a
request costs a dictionary lookup and a socket write.

    python bench/server.py --total 20000 --port 0     # prints port=<port>
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import re
import sys
import time
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

from contract import ACCOUNT_SID, PAGE_SIZE

DEFAULT_SPEC = Path(__file__).resolve().parents[2] / "shared/twilio-oai/twilio_api_v2010.json"
LIST_PATH = "/2010-04-01/Accounts/{AccountSid}/Calls.json"
LIST_ROUTE = re.compile(r"/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Calls\.json")
INSTANCE_ROUTE = re.compile(
    r"/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Calls/(CA[0-9a-fA-F]{32})\.json"
)
MAX_PAGE_SIZE = 1000  # Twilio's own cap
DEFAULT_PAGE_SIZE = 50  # what Twilio serves when PageSize is absent

# i -> i * K mod 2**128 is a bijection for odd K: SIDs look random, stay unique, and invert.
_SID_SPACE = 1 << 128
_SID_K = 0x9E3779B97F4A7C15F39CC0605CEDC835
_SID_K_INVERSE = pow(_SID_K, -1, _SID_SPACE)

NEWEST = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
DIRECTIONS = ("inbound", "outbound-api", "outbound-dial")
ANSWERED_BY = ("human", "machine_start", "machine_end_beep", "unknown")
UNFINISHED = frozenset({"queued", "ringing", "in-progress"})  # no end, duration or price yet


def make_sid(prefix: str, index: int) -> str:
    """Return the 34-character SID of record index under prefix."""
    return prefix + format((index * _SID_K + _offset(prefix)) % _SID_SPACE, "032x")


def index_of(sid: str) -> int:
    """Return the index make_sid encoded in sid."""
    return (int(sid[2:], 16) - _offset(sid[:2])) * _SID_K_INVERSE % _SID_SPACE


@functools.cache
def _offset(prefix: str) -> int:
    # Keeps record 0 away from an all-zero SID and each prefix on its own hex digits.
    return int.from_bytes(hashlib.sha256(prefix.upper().encode()).digest()[:16], "big")


def page_token(size: int, page: int) -> str:
    """Return the token that leads to page: PA and the SID of the record just before it."""
    return "PA" + make_sid("CA", page * size - 1)


def rfc2822(moment: datetime) -> str:
    """Format moment the way the 2010 API does: 'Fri, 18 Oct 2019 17:00:00 +0000'."""
    return format_datetime(moment)


def phone(index: int, area: int) -> tuple[str, str]:
    """Return an E.164 number and its North American display form."""
    line = 100 + index % 9900
    return f"+1{area}555{line:04d}", f"({area}) 555-{line:04d}"


def load_spec_example(spec_path: Path) -> tuple[dict[str, Any], list[str]]:
    """Return the spec's first example Call record and the Call status enum."""
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    content = spec["paths"][LIST_PATH]["get"]["responses"]["200"]["content"]
    examples = content["application/json"]["examples"].values()
    template = next(
        example["value"]["calls"][0] for example in examples if example["value"]["calls"]
    )
    statuses = spec["components"]["schemas"]["call_enum_status"]["enum"]
    return template, statuses


class CallFactory:
    """Build the record at any index, deterministically, from the spec's example Call."""

    def __init__(self, template: Mapping[str, Any], statuses: list[str], account_sid: str) -> None:
        self.template = dict(template)
        self.statuses = statuses
        self.account_sid = account_sid
        # The example's subresource URIs name its own account and call: swap in ours per record.
        self._example_ids = (template["account_sid"], template["sid"])

    def record(self, index: int) -> dict[str, Any]:
        """Return the Call at index, newest first like Twilio's own list."""
        sid = make_sid("CA", index)
        status = self.statuses[index % len(self.statuses)]
        finished = status not in UNFINISHED
        direction = DIRECTIONS[index % len(DIRECTIONS)]
        created = NEWEST - timedelta(seconds=37 * index)
        start = created + timedelta(seconds=index % 30)
        duration = (index * 7) % 3600
        price = (index * 131) % 200_000  # in 1/100,000 of the price unit
        parent = make_sid("CA", index + 1) if direction == "outbound-dial" else None
        to, to_formatted = phone(index, 415)
        from_, from_formatted = phone(index * 3, 305)
        account, example_sid = self._example_ids
        record = dict(self.template)
        record.update(
            {
                "sid": sid,
                "account_sid": self.account_sid,
                "parent_call_sid": parent,
                "date_created": rfc2822(created),
                "date_updated": rfc2822(start + timedelta(seconds=duration + 1)),
                "start_time": rfc2822(start),
                "end_time": rfc2822(start + timedelta(seconds=duration)) if finished else None,
                "duration": str(duration) if finished else None,
                "price": f"-{price // 100_000}.{price % 100_000:05d}" if finished else None,
                "price_unit": ("USD", "EUR", "GBP")[index % 3],
                "status": status,
                "direction": direction,
                "answered_by": ANSWERED_BY[index % len(ANSWERED_BY)],
                "to": to,
                "to_formatted": to_formatted,
                "from": from_,
                "from_formatted": from_formatted,
                "forwarded_from": phone(index * 7, 212)[0],
                "caller_name": f"caller{index % 997}",
                "phone_number_sid": make_sid("PN", index % 50),
                "group_sid": make_sid("GP", index % 200),
                "trunk_sid": make_sid("TK", index % 20),
                "queue_time": str(index % 5000),
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Calls/{sid}.json",
                "subresource_uris": {
                    name: uri.replace(account, self.account_sid).replace(example_sid, sid)
                    for name, uri in self.template["subresource_uris"].items()
                },
            }
        )
        return record

    def unvaried_fields(self) -> set[str]:
        """Return the example's fields that keep one value across records."""
        sample = [self.record(index) for index in range(12)]
        varied = {key for key in self.template if len({json.dumps(r[key]) for r in sample}) > 1}
        return set(self.template) - varied - {"account_sid", "api_version"}  # one of each per list


class CallCatalog:
    """Answer list and instance requests for `total` Calls with ready-made bytes."""

    def __init__(self, factory: CallFactory, total: int, page_size: int) -> None:
        self.factory = factory
        self.total = total
        self.base = f"/2010-04-01/Accounts/{factory.account_sid}/Calls.json"
        pages = range((total + page_size - 1) // page_size)
        self._pages = {(page_size, page): self.render_page(page_size, page) for page in pages}
        self._instances: dict[int, bytes] = {}
        self.delay = 0.0

    def page_uri(self, size: int, page: int) -> str:
        """Return the relative URI of a page, with the token Twilio would put in it."""
        uri = f"{self.base}?PageSize={size}&Page={page}"
        return f"{uri}&PageToken={page_token(size, page)}" if page > 0 else uri

    def render_page(self, size: int, page: int) -> bytes:
        """Return the JSON body of one page of the list."""
        start = page * size
        stop = min(start + size, self.total)
        calls = [self.factory.record(index) for index in range(start, stop)]
        envelope = {
            "calls": calls,
            "end": max(stop - 1, start),
            "first_page_uri": self.page_uri(size, 0),
            "next_page_uri": self.page_uri(size, page + 1) if stop < self.total else None,
            "page": page,
            "page_size": size,
            "previous_page_uri": self.page_uri(size, page - 1) if page > 0 else None,
            "start": start,
            "uri": self.page_uri(size, page),
        }
        return json.dumps(envelope).encode()

    def list_page(self, query: str) -> tuple[int, bytes]:
        """Answer a list request given its query string."""
        params = {key: values[-1] for key, values in parse_qs(query).items()}
        try:
            size = min(int(params.get("PageSize", DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE)
            page = int(params.get("Page", 0))
        except ValueError:
            return error(HTTPStatus.BAD_REQUEST, 20001, "Invalid Page or PageSize")
        if size < 1 or page < 0:
            return error(HTTPStatus.BAD_REQUEST, 20001, "Invalid Page or PageSize")
        # A client that mangles the token it was handed would page wrongly against Twilio.
        token = params.get("PageToken")
        if token is not None and page > 0 and token != page_token(size, page):
            return error(HTTPStatus.BAD_REQUEST, 20001, f"PageToken {token} does not match Page")
        body = self._pages.get((size, page))
        return HTTPStatus.OK, body if body is not None else self.render_page(size, page)

    def instance(self, sid: str) -> tuple[int, bytes]:
        """Answer a fetch of one Call."""
        index = index_of(sid)
        if index >= self.total or make_sid("CA", index) != "CA" + sid[2:].lower():
            return error(HTTPStatus.NOT_FOUND, 20404, f"Call {sid} was not found")
        body = self._instances.get(index)
        if body is None:  # rendered once, so repeated fetches time the client, not this
            body = self._instances[index] = json.dumps(self.factory.record(index)).encode()
        return HTTPStatus.OK, body


def error(status: HTTPStatus, code: int, message: str) -> tuple[int, bytes]:
    """Return a Twilio-shaped error body."""
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": int(status),
    }
    return status, json.dumps(body).encode()


class CallServer(ThreadingHTTPServer):
    """A threaded server holding the catalog its handlers answer from."""

    daemon_threads = True
    # Many clients connect at once in the async runs: a short backlog would drop their SYNs
    # and make them wait a second to send them again.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], catalog: CallCatalog) -> None:
        super().__init__(address, CallHandler)
        self.catalog = catalog


class CallHandler(BaseHTTPRequestHandler):
    """Route GET requests to the catalog over keep-alive HTTP/1.1."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; Nagle would hold the second back for an ACK.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        catalog = cast(CallServer, self.server).catalog
        if catalog.delay:  # a slow network, for the async benchmark (threads wait apart)
            time.sleep(catalog.delay)
        url = urlsplit(self.path)
        if match := LIST_ROUTE.fullmatch(url.path):
            status, body = self.check_account(match[1]) or catalog.list_page(url.query)
        elif match := INSTANCE_ROUTE.fullmatch(url.path):
            status, body = self.check_account(match[1]) or catalog.instance(match[2])
        else:
            status, body = error(HTTPStatus.NOT_FOUND, 20404, f"No route for {url.path}")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def check_account(self, account_sid: str) -> tuple[int, bytes] | None:
        """Return a 404 for any account but the served one, as Twilio would."""
        catalog = cast(CallServer, self.server).catalog
        if account_sid == catalog.factory.account_sid:
            return None
        return error(HTTPStatus.NOT_FOUND, 20404, f"Account {account_sid} was not found")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        """Stay quiet: a line per request would cost more than the request."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--total", type=int, required=True, help="number of Call records")
    parser.add_argument("--page-size", type=int, default=PAGE_SIZE, help="page size to pre-render")
    parser.add_argument("--account", default=ACCOUNT_SID, help="the AccountSid served")
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="twilio_api_v2010.json")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument(
        "--warm", type=int, default=0, help="render the first WARM Calls for fetches up front"
    )
    args = parser.parse_args()

    if not args.spec.is_file():
        sys.exit(f"spec not found: {args.spec} (pass --spec path/to/twilio_api_v2010.json)")
    template, statuses = load_spec_example(args.spec)
    factory = CallFactory(template, statuses, args.account)
    if unvaried := factory.unvaried_fields():
        print(f"kept as in the spec example: {', '.join(sorted(unvaried))}", file=sys.stderr)
    catalog = CallCatalog(factory, args.total, args.page_size)
    catalog.delay = args.delay
    for index in range(min(args.warm, args.total)):  # so a fetch costs a lookup, not a render
        catalog.instance(make_sid("CA", index))

    with CallServer(("127.0.0.1", args.port), catalog) as server:
        print(f"port={server.server_address[1]}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a person stops it
            server.serve_forever()


if __name__ == "__main__":
    main()
