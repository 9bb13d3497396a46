"""The contract: valid, complete, matching the routes, with examples equal to live answers."""

import re

import pytest
import yaml
from openapi_spec_validator import validate

from api import create_app
from api.contract import EXAMPLE_BASE, EXAMPLES
from db import ROOT

SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text())
METHODS = {"get", "post", "put", "patch", "delete"}


def test_contract_is_valid_openapi_3_1():
    validate(SPEC)
    assert SPEC["openapi"].startswith("3.1")


def _contract_operations():
    return {(method.upper(), path, op["operationId"])
            for path, item in SPEC["paths"].items()
            for method, op in item.items() if method in METHODS}


def test_routes_and_contract_list_the_same_operations(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((method, path, rule.endpoint))
    assert routes == _contract_operations()


def _operations():
    """Yield (method, path, operation) for every operation of the contract."""
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield method, path, op


def test_every_operation_is_documented_with_a_summary_and_errors():
    for method, path, op in _operations():
        responses = op["responses"]
        assert op.get("summary"), (method, path)
        assert any(code.startswith("4") for code in responses), (method, path)
        # CDS Hooks clients expect FHIR OperationOutcomes; everyone else gets RFC 9457 problems.
        envelope = ("application/json", "OperationOutcome") if path.startswith("/cds-services") \
            else ("application/problem+json", "Problem")
        for code, response in responses.items():
            if code == "414":  # refused before routing (the path is not read): problem+json
                assert response["$ref"].endswith("/UriTooLong"), (path, code)
                continue
            if code.startswith(("4", "5")) or code == "default":
                ref = response["$ref"].rsplit("/", 1)[1]
                content = SPEC["components"]["responses"][ref]["content"]
                assert list(content) == [envelope[0]], (path, code)
                assert content[envelope[0]]["schema"]["$ref"].endswith(envelope[1]), (path, code)


def test_every_operation_with_a_body_documents_413_and_415():
    for method, path, op in _operations():
        if "requestBody" in op:
            assert {"400", "413", "415"} <= set(op["responses"]), (method, path)


def test_every_parameter_is_bounded():
    def bounded(schema):
        schema = _resolve(schema)
        if schema.get("type") == "integer":
            return "maximum" in schema and "minimum" in schema
        if schema.get("type") == "string":
            return "maxLength" in schema or "enum" in schema or "pattern" in schema
        if schema.get("type") == "array":
            return "maxItems" in schema and bounded(schema["items"])
        return schema.get("type") == "boolean"

    for _method, path, op in _operations():
        for param in op.get("parameters", []):
            param = _resolve(param)
            assert bounded(param["schema"]), (path, param["name"])


def _resolve(node):
    while "$ref" in node:
        target = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@pytest.mark.parametrize("name", EXAMPLES)
def test_docs_examples_are_still_the_live_answers_to_their_requests(client, name):
    """A docs check, not a behaviour test: the examples are snapshots of the live answers."""
    example = SPEC["components"]["examples"][name]
    response = client.get(example["x-request"])
    assert response.get_json() == example["value"], (
        f"{name} is out of date: run `make examples`"
    )


def test_every_json_operation_has_an_example():
    for method, path, op in _operations():
        ok = op["responses"]["200"]["content"]
        if "application/json" in ok:
            media = ok["application/json"]
            assert media.get("examples") or media.get("example"), (method, path)
        if "requestBody" in op:
            assert op["requestBody"]["content"]["application/json"]["examples"], (method, path)


POST_EXAMPLES = [
    (path, name)
    for _method, path, op in _operations() if "requestBody" in op
    for name in op["requestBody"]["content"]["application/json"]["examples"]
]


@pytest.fixture
def public_client(database):
    """A client of an app that knows its public URL, as the POST examples were made."""
    return create_app({"TESTING": True, "DATABASE": str(database),
                       "PUBLIC_URL": EXAMPLE_BASE}).test_client()


@pytest.mark.parametrize(("path", "name"), POST_EXAMPLES)
def test_docs_post_examples_are_still_the_live_answers(public_client, path, name):
    """A docs check: the POST examples are snapshots of the live answers."""
    op = SPEC["paths"][path]["post"]
    sent = op["requestBody"]["content"]["application/json"]["examples"][name]["value"]
    answer = op["responses"]["200"]["content"]["application/json"]["examples"][name]
    documented = _resolve(answer)["value"]
    response = public_client.post(path, json=sent)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == documented, (
        f"the {name} example of POST {path} is out of date: run `make examples`"
    )
