"""A client generated from the contract by openapi-python-client calls every GET operation."""

import importlib
import inspect
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from db import ROOT

BIN = Path(sys.executable).parent
ARGUMENTS = {"drug_id": "anastrozole", "rxcui": "199224", "code": "L02BG04",
             "class_id": "taxane", "strategy_id": "exercise", "topic_id": "describing-pain",
             "source_id": "fda-label-letrozole",
             "name": "Arimidex", "q": "ana"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Generate the client into a temporary package and import it."""
    out = tmp_path_factory.mktemp("client") / "ossa_client"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [BIN / "openapi-python-client", "generate", "--path", ROOT / "openapi.yaml",
         "--output-path", out, "--meta", "none"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(out.parent))
    yield importlib.import_module("ossa_client")
    sys.path.remove(str(out.parent))


SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text())
# Only GETs are called: the POST operations' bodies are tested against their examples elsewhere.
GET_OPERATIONS = sorted(item["get"]["operationId"].replace(".", "_")
                        for item in SPEC["paths"].values() if "get" in item)


def _operations(package):
    """Yield (name, module) for every generated GET operation module."""
    folder = Path(package.__file__).parent / "api"
    for path in sorted(folder.glob("*/*.py")):
        if path.stem in GET_OPERATIONS:
            yield path.stem, importlib.import_module(
                f"{package.__name__}.api.{path.parent.name}.{path.stem}")


def _arguments(function):
    """Fill the required parameters of a generated operation."""
    kwargs = {}
    for name, param in inspect.signature(function).parameters.items():
        if name == "client" or param.default is not inspect.Parameter.empty:
            continue
        if name == "filename":
            kwargs[name] = next(iter(param.annotation))
        else:
            kwargs[name] = ARGUMENTS[name]
    return kwargs


def test_every_get_operation_parses_into_its_model(generated, app):
    transport = httpx.WSGITransport(app=app)
    client = generated.Client(base_url="http://testserver")
    client.set_httpx_client(httpx.Client(transport=transport, base_url="http://testserver"))
    called = []
    for name, module in _operations(generated):
        response = module.sync_detailed(client=client, **_arguments(module.sync_detailed))
        assert response.status_code == 200, (name, response.content[:300])
        body = response.content
        if response.headers["content-type"] == "application/json":
            parsed = response.parsed
            assert type(parsed).__module__.startswith(f"{generated.__name__}.models"), name
            assert parsed.to_dict() == httpx.Response(200, content=body).json(), name
        called.append(name)
    assert sorted(called) == GET_OPERATIONS
