"""``Sandbox.assert_requests``: a check on the request log that cannot pass by going unrun.

A context manager called as a plain function runs nothing, and a check that runs nothing
passes: ``sandbox.assert_requests(2)`` without ``with`` would let any test through. So
each check is noted when it is made and crossed off when its block starts; a sandbox
closing with checks never entered raises, naming the lines that made them (the
``twilio_sandbox`` fixture closes its sandbox as each test ends, failing that test). A
check also refuses to be a truth value, so ``assert sandbox.assert_requests(2)`` fails at
once. Noting checks at creation, rather than when one is garbage-collected, makes the
failure certain and its place known: a finalizer may run late or never, and what it
raises is printed and dropped.
"""

from __future__ import annotations

from types import TracebackType

from twiorm.sandbox.operations import Exchange

__all__ = ["RequestCount"]


class RequestCount:
    """Fail unless the ``with`` block sends exactly ``expected`` requests to the sandbox.

    ``unentered`` is the sandbox's list of checks made and not entered yet; ``where``
    names the line that made this one.
    """

    def __init__(
        self, log: list[Exchange], expected: int, unentered: list[str], where: str
    ) -> None:
        self.expected = expected
        self._log = log
        self._unentered = unentered
        self._label = f"assert_requests({expected}) at {where}"
        self._before: int | None = None
        self._seen: list[Exchange] = []
        unentered.append(self._label)

    def __enter__(self) -> list[Exchange]:
        if self._before is not None:
            raise RuntimeError(f"{self._label} was entered already: make one check per block")
        if self._label in self._unentered:  # not if the sandbox closed and reported it
            self._unentered.remove(self._label)
        self._before = len(self._log)
        return self._seen

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is not None:  # the block's own failure says more than a count
            return
        self._seen.extend(self._log[self._before :])
        if len(self._seen) != self.expected:
            listed = "".join(f"\n  {e.method} {e.target} -> {e.status}" for e in self._seen)
            raise AssertionError(
                f"expected {self.expected} request(s), the sandbox got {len(self._seen)}:{listed}"
            )

    def __bool__(self) -> bool:
        raise TypeError(
            f"{self._label} is a context manager, not a truth value: "
            f"write `with sandbox.assert_requests({self.expected}): ...`"
        )

    def __repr__(self) -> str:
        return f"<RequestCount {self._label}>"
