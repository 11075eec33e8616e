"""The OpenAPI document against the running server: schemathesis generates requests for every route from the
document, valid ones and invalid ones, and checks each answer against it: the status code and content type are
declared, the body fits the declared schema, nothing is a 5xx, invalid input is refused and valid input accepted.

The server is a real uvicorn server over a real SQLite store, read-only (so POST /api/reports answers its
declared 403 without running the extraction pipeline on generated text).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from test_api import populate, running, store_url

schemathesis = pytest.importorskip("schemathesis", reason="needs schemathesis")
from schemathesis import GenerationMode  # noqa: E402 - only once the skip above has passed
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

# Not checked: that every schema-valid request is accepted. JSON Schema cannot say that 2025-02-30 is no day,
# that since must not be after until, which countries exist or which cursors the server issued; those are
# refused with a declared 400 or 422, and test_api_hardening.py checks them one by one.
EXAMPLES = 25  # per route and mode: the whole file stays well under a minute on a shared 2-core machine
ROUTES = {"GET /api/events", "GET /api/events/{event_id}", "GET /api/reports/{report_id}", "GET /api/stats"}
ROUTES |= {"GET /api/export", "GET /api/health", "POST /api/reports"}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> Iterator[str]:
    from dateline.api import create_app

    url = store_url(tmp_path_factory.mktemp("openapi") / "events.db")
    populate(url)
    with running(create_app(url, None)) as base:
        yield base


def _failures(operation, mode: GenerationMode) -> str | None:
    """The first failure hypothesis finds on `operation` in `mode`, as text, or None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case) -> None:
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    try:
        check()
    except KeyboardInterrupt:
        raise
    except BaseException as err:  # schemathesis raises a group of failures: each is reported, with its route
        return f"{operation.label} ({mode}): {err}"
    return None


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_route_answers_as_documented(base_url, mode):
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} == ROUTES  # every route is in the document, and is checked
    if mode == GenerationMode.NEGATIVE:  # a route that takes no input has no invalid input to send
        operations = [op for op in operations if list(op.iter_parameters()) or list(op.body)]
    failures = [f for op in operations if (f := _failures(op, mode))]
    assert failures == [], "\n\n".join(failures)
