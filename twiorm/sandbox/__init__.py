"""A local Twilio for tests and demos: a stateful HTTP server driven by the declarations.

::

    import twiorm.sandbox
    from twiorm.resources import Call

    with twiorm.sandbox.run() as sandbox:
        call = Call.objects.using(sandbox.client).create(
            to="+14155550100", from_="+15005550006", url="https://example.com/twiml"
        )
        sandbox.seed(Call, n=5000)
        print(sandbox.records(Call)[0].sid == call.sid)   # False: seeded ones are newer

Every declared resource, twiorm's own and a user's, is served with list, fetch, create,
update and delete as its verbs allow, with Twilio's URLs, parameters, envelopes, dates
and error bodies. ``python -m twiorm sandbox --port 8099`` runs one from the shell.

The modules, from the outside in: ``runner`` (``Sandbox``, ``run``), ``checks``
(``assert_requests``), ``server`` (HTTP, and its limits), ``operations`` (the API and its
request log), ``routes`` (URL -> declaration), ``records`` (building JSON records),
``filters`` and ``envelopes`` (lists and paging), ``store`` (state), ``accounts``
(authentication), ``behaviours`` and ``magic_numbers`` (what a declaration cannot say, as
data), ``seeding``, ``wire`` (value shapes) and ``refusals`` (errors).
"""

from twiorm.sandbox.runner import Sandbox, run

__all__ = ["Sandbox", "run"]
