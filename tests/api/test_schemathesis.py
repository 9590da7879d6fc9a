"""schemathesis against the app's own OpenAPI spec: generated valid (positive) and invalid
(negative) requests to every operation; no 5xx, no undocumented status, and every response
matches what the spec documents.

The operations are driven with Hypothesis directly (schemathesis' pytest plugin does not run
under pytest 9 yet); each operation gets EXAMPLES_PER_OPERATION examples, so it stays bounded.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from baocao.api.app import create_app

EXAMPLES_PER_OPERATION = 30


@pytest.fixture(scope="module")
def api_schema(bundled_index):
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(bundled_index))


OPERATIONS = [
    ("POST", "/search"), ("POST", "/ask"), ("POST", "/facts"), ("POST", "/similar"), ("GET", "/documents"),
    ("GET", "/documents/{doc_id}"), ("GET", "/documents/{doc_id}/text"),
    ("GET", "/documents/{doc_id}/file"), ("GET", "/passages/{passage_id}"), ("GET", "/health"),
    ("POST", "/reload"),
]  # fmt: skip


def test_the_spec_lists_every_operation(api_schema):
    listed = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert listed == set(OPERATIONS)


# Negative cases need something that can be wrong: the operations with a request body (a
# path id accepts any string, and unknown ones are 404, which the positive cases reach).
CASES = [(*op, GenerationMode.POSITIVE) for op in OPERATIONS] + [
    (*op, GenerationMode.NEGATIVE) for op in OPERATIONS if op[0] == "POST" and op[1] != "/reload"
]


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_operation_conforms(api_schema, method, path, mode):
    operation = api_schema[path][method]
    cases = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case):
        cases.append(case.call_and_validate())

    run()
    assert cases
