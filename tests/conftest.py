"""Fixtures: a database built by the real build code, the app, and contract validation."""

import json

import pytest
import yaml
from openapi_core import OpenAPI
from openapi_core.configurations import Config
from openapi_core.contrib.flask import FlaskOpenAPIRequest, FlaskOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

from api import create_app
from db import ROOT
from db.build import build

PROBLEM = "application/problem+json"


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """Build the database once, through the same code `make run` uses."""
    path = tmp_path_factory.mktemp("db") / "ossa.db"
    build(path, progress=lambda message: None)
    return path


@pytest.fixture(scope="session")
def contract():
    """The contract as openapi-core sees it."""
    config = Config(extra_media_type_deserializers={
        PROBLEM: json.loads,
        "application/yaml": yaml.safe_load,
        "text/yaml": yaml.safe_load,
    })
    return OpenAPI.from_file_path(str(ROOT / "openapi.yaml"), config=config)


@pytest.fixture
def app(database, contract):
    """The app on the test database; every response it gives is checked against the contract."""
    app = create_app({"TESTING": True, "DATABASE": str(database)})
    violations = []

    def validate(response):
        from flask import request

        try:
            contract.validate_response(FlaskOpenAPIRequest(request),
                                       FlaskOpenAPIResponse(response))
        except (PathNotFound, OperationNotFound):
            pass  # routes outside the contract (unknown URLs, wrong methods) are not described
        except Exception as exc:  # noqa: BLE001 - report every kind of violation
            violations.append(f"{request.method} {request.full_path}: {exc!r}")
        return response

    # after_request hooks run last-registered first: put ours at the front so it runs last,
    # on the response exactly as the client receives it.
    app.after_request_funcs.setdefault(None, []).insert(0, validate)
    yield app
    assert not violations, "responses outside the contract:\n" + "\n".join(violations)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def assert_problem(response, status):
    """Assert an RFC 9457 problem with the given status; return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["code"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body
