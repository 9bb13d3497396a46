"""`flask --app api db import-rxnorm`: a release's concepts and names of covered drugs."""

import shutil

import pytest

from api import create_app

# RXNCONSO.RRF columns: RXCUI|LAT|TS|LUI|STT|SUI|ISPREF|RXAUI|SAUI|SCUI|SDUI|SAB|TTY|CODE|STR|SRL|
# SUPPRESS|CVF. Real rows from RxNorm plus made-up ones (99900x) for what the release might add.
ROWS = [
    ("58930", "RXNORM", "BN", "Arimidex", "N"),
    ("151124", "RXNORM", "SBD", "anastrozole 1 MG Oral Tablet [Arimidex]", "N"),
    ("151124", "RXNORM", "SY", "Arimidex 1 MG Oral Tablet", "N"),
    ("999001", "RXNORM", "SBD", "duloxetine 30 MG Delayed Release Oral Capsule [Dulonova]", "N"),
    ("999002", "RXNORM", "BN", "Dulonova", "N"),
    ("999006", "RXNORM", "BN", "Unrelatedbrand", "N"),
    ("1049221", "RXNORM", "SCD",
     "Acetaminophen 325 MG / Oxycodone Hydrochloride 5 MG Oral Tablet", "N"),
    ("999003", "RXNORM", "SCD", "ondansetron 4 MG Oral Tablet", "N"),
    ("999004", "MMSL", "SCD", "anastrozole tab", "N"),
    ("999005", "RXNORM", "SCD", "anastrozole 2 MG Oral Tablet", "O"),
    ("999007", "RXNORM", "SCD", "doxorubicin hydrochloride liposomal 2 MG/ML Injection", "N"),
]


def write_release(folder):
    rrf = folder / "RxNorm_full_10062025" / "rrf"
    rrf.mkdir(parents=True)
    lines = [f"{cui}|ENG||||||A{i}||||{sab}|{tty}|{cui}|{text}||{sup}|4096|\n"
             for i, (cui, sab, tty, text, sup) in enumerate(ROWS)]
    (rrf / "RXNCONSO.RRF").write_text("".join(lines))
    return rrf.parent


@pytest.fixture
def imported(tmp_path, database):
    """A copy of the test database with the small release imported through the CLI."""
    path = tmp_path / "ossa.db"
    shutil.copyfile(database, path)
    runner = create_app({"DATABASE": str(path), "CHECK_DATABASE": False}).test_cli_runner()
    result = runner.invoke(args=["db", "import-rxnorm", str(write_release(tmp_path))])
    assert result.exit_code == 0, result.output
    app = create_app({"TESTING": True, "DATABASE": str(path)})
    return app.test_client(), runner, result.output, tmp_path


def test_import_reports_progress_and_what_it_added(imported):
    _, _, output, _ = imported
    assert "reading RXNCONSO.RRF" in output
    assert "imported RxNorm 2025-10-06: 6 codes" in output


@pytest.mark.parametrize(("rxcui", "drug_id", "tty"), [
    ("999001", "duloxetine", "SBD"),
    ("999002", "duloxetine", "BN"),
    ("58930", "anastrozole", "BN"),
])
def test_imported_concepts_resolve_with_their_tty_and_release(imported, rxcui, drug_id, tty):
    client = imported[0]
    body = client.get(f"/v1/lookup/rxcui/{rxcui}").get_json()
    assert body["drug"]["id"] == drug_id
    assert body["match"]["concept"]["tty"] == tty
    assert body["match"]["concept"]["release"] == "2025-10-06"


def test_combination_concepts_name_every_covered_drug(imported):
    body = imported[0].get("/v1/lookup/rxcui/1049221").get_json()
    assert body["match"]["contains"] == ["acetaminophen", "oxycodone"]


@pytest.mark.parametrize("rxcui", ["999003", "999004", "999005", "999006", "999007"])
def test_unrelated_suppressed_foreign_or_excluded_concepts_are_not_imported(imported, rxcui):
    assert imported[0].get(f"/v1/lookup/rxcui/{rxcui}").status_code == 404


def test_imported_brand_names_become_searchable_and_resolvable(imported):
    client = imported[0]
    assert client.get("/v1/lookup?name=Dulonova").get_json()["match"]["type"] == "brand"
    results = client.get("/v1/search?q=dulon").get_json()["results"]
    assert results[0]["drug_id"] == "duloxetine"


def test_import_is_idempotent_and_changes_the_dataset_version(imported):
    client, runner, _, tmp_path = imported
    version = client.get("/v1/meta").get_json()["dataset_version"]
    assert "+rx" in version
    again = runner.invoke(args=["db", "import-rxnorm", str(tmp_path / "RxNorm_full_10062025")])
    assert "6 codes" in again.output
    assert create_app({"DATABASE": str(tmp_path / "ossa.db")}).test_client().get(
        "/v1/meta").get_json()["dataset_version"] == version


def test_a_wrong_folder_is_a_clear_error(tmp_path, database):
    runner = create_app({"DATABASE": str(database), "CHECK_DATABASE": False}).test_cli_runner()
    result = runner.invoke(args=["db", "import-rxnorm", str(tmp_path)])
    assert result.exit_code == 1
    assert "not an RxNorm release: no RXNCONSO.RRF" in result.output
