"""Property-based tests of the read API against its own OpenAPI document (schemathesis).

Every operation gets generated requests, valid and invalid; every response must be documented,
match its schema, and never be a server error. Runs on each engine over the API tests' data.

The operations are driven through `APIOperation.as_strategy` with plain Hypothesis, not through
schemathesis' pytest plugin, whose lazy-fixture loader does not run under pytest 9.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from aggregator.api import create_app
from tests.test_api import seed

# Examples per operation and mode; raise it for a deeper run (the default keeps the suite quick).
MAX_EXAMPLES = int(os.environ.get("AGGREGATOR_FUZZ_EXAMPLES", "60"))


def _operations(app: Any) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # an operation schemathesis cannot read is a failure
        operations.append(result.ok())
    return operations


def _fuzz(operation: Any, mode: GenerationMode, examples: int, check: Any = None) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: schemathesis.Case) -> None:
        response = case.call_and_validate()
        if check is not None:
            check(case, response)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_schema(database_url: str, mode: GenerationMode) -> None:
    seed(database_url)
    operations = _operations(create_app(database_url))
    assert len(operations) == 13
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not list(operation.iter_parameters()):
            continue  # nothing to get wrong in a request without parameters
        _fuzz(operation, mode, MAX_EXAMPLES)


def test_api_with_keys_refuses_keyless_requests_and_conforms(sqlite_url: str) -> None:
    seed(sqlite_url)

    def refused(case: schemathesis.Case, response: Any) -> None:
        # No generated request carries the key: every data endpoint must answer 401.
        if case.operation.path != "/healthz":
            assert response.status_code == 401, (case.operation.path, response.status_code)

    for operation in _operations(create_app(sqlite_url, api_keys={"secret"})):
        _fuzz(operation, GenerationMode.POSITIVE, 15, refused)
