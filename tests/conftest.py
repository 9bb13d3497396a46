"""Fixtures: a database built by the real build code, the app, and contract validation."""

import json
import shutil

import pytest
import yaml
from openapi_core import OpenAPI
from openapi_core.configurations import Config
from openapi_core.contrib.flask import FlaskOpenAPIRequest, FlaskOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from werkzeug.exceptions import RequestEntityTooLarge

from api import create_app
from db import CONTENT_DIR, ROOT
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
def make_app(database, contract):
    """Return a factory of apps on the test database (extra config as keywords) whose every
    response is checked against the contract."""
    violations = []

    def make(**config):
        app = create_app({"TESTING": True, "DATABASE": str(database), **config})
        _check_responses(app, contract, violations)
        return app

    yield make
    assert not violations, "responses outside the contract:\n" + "\n".join(violations)


def _check_responses(app, contract, violations):
    def validate(response):
        from flask import request

        try:
            contract.validate_response(FlaskOpenAPIRequest(request),
                                       FlaskOpenAPIResponse(response))
        except (PathNotFound, OperationNotFound):
            pass  # routes outside the contract (unknown URLs, wrong methods) are not described
        except RequestEntityTooLarge:
            pass  # the validator would read the over-long body again; the tests check the 413
        except Exception as exc:  # noqa: BLE001 - report every kind of violation
            violations.append(f"{request.method} {request.full_path}: {exc!r}")
        return response

    # after_request hooks run last-registered first: put ours at the front so it runs last,
    # on the response exactly as the client receives it.
    app.after_request_funcs.setdefault(None, []).insert(0, validate)


@pytest.fixture
def content_copy(tmp_path):
    """Return (folder, edit): edit(relative path, change) changes a copy of the content files."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)

    def edit(relative, change):
        path = folder / relative
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))

    return folder, edit


@pytest.fixture
def app(make_app):
    """The app on the test database; every response it gives is checked against the contract."""
    return make_app()


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


def assert_outcome(response, status):
    """Assert a FHIR OperationOutcome (the CDS Hooks error body) with the given status."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"] and all(i["severity"] == "error" and i["code"] and i["diagnostics"]
                                 for i in body["issue"])
    assert "Traceback" not in response.get_data(as_text=True)
    return body
