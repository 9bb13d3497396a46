"""Schemathesis, in process: every operation, positive and negative data, every check."""

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from api import create_app
from db import ROOT
from db.build import build

# Schemathesis collects tests at import time, so the app (and its database) exist at import time.
_DB = Path(tempfile.mkdtemp(prefix="ossa-fuzz-")) / "ossa.db"
build(_DB, progress=lambda message: None)

schema = schemathesis.openapi.from_path(ROOT / "openapi.yaml")
schema.app = create_app({"TESTING": True, "DATABASE": str(_DB)})


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_breaks_the_contract(case):
    case.call_and_validate()
