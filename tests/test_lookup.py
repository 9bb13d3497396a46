"""GET /v1/lookup, /v1/lookup/rxcui/{rxcui} and /v1/lookup/atc/{code}."""

import csv
import re
import sqlite3
from pathlib import Path

import pytest

from db.text import normalize
from tests.conftest import assert_problem

REFERENCE = list(csv.DictReader(
    (Path(__file__).parent / "data" / "drug_codes.csv").read_text().splitlines()))
ALIASES = {"paclitaxel-protein-bound": "nab-paclitaxel"}


def _drug_id(generic):
    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"\s*\(.*\)", "", generic).lower()).strip("-")
    return ALIASES.get(slug, slug)


def _brands(cell):
    cell = cell.strip("()")
    names = [re.sub(r"^(OTC|IV):\s*", "", part.strip()) for part in cell.split(";")]
    return [name for name in names if name]


BRANDS = [(brand, _drug_id(row["generic"]))
          for row in REFERENCE for brand in _brands(row["brands"])]


def lookup(client, name):
    return client.get("/v1/lookup", query_string={"name": name})


@pytest.mark.parametrize(("brand", "drug_id"), BRANDS)
def test_every_reference_brand_resolves_to_its_drug(client, brand, drug_id):
    body = lookup(client, brand).get_json()
    assert body["drug"]["id"] == drug_id
    assert body["match"] == {"type": "brand", "matched_name": brand, "score": 1.0,
                             "ambiguous": False}
    assert body["drug"]["management"] or "management" in body["drug"]["roles"]
    assert body["drug"]["sources"]


def test_arimidex_is_a_high_risk_aromatase_inhibitor_with_bone_loss(client):
    drug = lookup(client, "Arimidex").get_json()["drug"]
    assert drug["id"] == "anastrozole"
    assert drug["drug_class"] == {"id": "aromatase-inhibitor", "name": "Aromatase inhibitor"}
    assert drug["bone_joint"]["risk"] == "high"
    assert drug["bone_loss"]["warning"] is True
    assert drug["onj"]["warning"] is False
    assert {"switch-hormonal-therapy", "exercise"} <= {m["id"] for m in drug["management"]}
    assert "lbbc-bone-joint-pain" in {s["id"] for s in drug["sources"]}


def test_tamoxifen_bone_effect_depends_on_menopause_and_it_interacts_with_duloxetine(client):
    drug = lookup(client, "tamoxifen").get_json()["drug"]
    status = drug["bone_loss"]["by_menopausal_status"]
    assert status["premenopausal"] == "increased"
    assert status["postmenopausal"] == "decreased"
    interactions = {i["drug_id"]: i for i in drug["interactions"]}
    assert interactions["duloxetine"]["severity"] == "major"
    assert not interactions["duloxetine"]["do_not_combine"]
    # the labels say tamoxifen must not be combined with anastrozole or letrozole
    assert interactions["anastrozole"]["do_not_combine"]


@pytest.mark.parametrize("name", ["Xgeva", "Prolia", "Zometa", "Reclast", "Fosamax"])
def test_bone_modifying_agents_carry_an_onj_warning_with_prevention(client, name):
    onj = lookup(client, name).get_json()["drug"]["onj"]
    assert onj["warning"] is True
    assert onj["prevention"] and onj["sources"]


@pytest.mark.parametrize(("name", "drug_id", "match_type"), [
    ("  ARIMIDEX  ", "anastrozole", "brand"),
    ("Arimidex®", "anastrozole", "brand"),
    ("Ibrance™", "palbociclib", "brand"),
    ("zoledronic-acid", "zoledronic-acid", "id"),
    ("Zoledronic Acid", "zoledronic-acid", "generic"),
    ("zoledronate", "zoledronic-acid", "synonym"),
    ("paracetamol", "acetaminophen", "synonym"),
    ("T-DXd", "fam-trastuzumab-deruxtecan", "synonym"),
    ("t-dm1", "ado-trastuzumab-emtansine", "synonym"),
    ("leuprorelin", "leuprolide", "synonym"),
])
def test_names_match_ignoring_case_spaces_punctuation_and_marks(client, name, drug_id, match_type):
    body = lookup(client, name).get_json()
    assert (body["drug"]["id"], body["match"]["type"]) == (drug_id, match_type)
    assert body["query"] == name


@pytest.mark.parametrize(("name", "drug_id"), [
    ("anastrazole", "anastrozole"),
    ("Femera", "letrozole"),
    ("tamoxifin", "tamoxifen"),
    ("Neulsta", "pegfilgrastim"),
    ("paclitaxol", "paclitaxel"),
    ("denosumob", "denosumab"),
])
def test_misspellings_resolve_by_fuzzy_match_with_a_score_below_one(client, name, drug_id):
    body = lookup(client, name).get_json()
    assert body["drug"]["id"] == drug_id
    assert body["match"]["type"] == "fuzzy"
    assert 0.8 <= body["match"]["score"] < 1


def test_unknown_name_is_404_with_suggestions(client):
    body = assert_problem(lookup(client, "zzqqxx"), 404)
    assert body["code"] == "not_found" and body["suggestions"] == []
    body = assert_problem(lookup(client, "Kisqalixyzw"), 404)
    assert body["code"] == "not_found" and body["suggestions"][0] == "Kisqali"


@pytest.mark.parametrize("name", ["metformin", "lisinopril", "atorvastatin", "Glucophage",
                                  "metformin 500 MG Oral Tablet", "Lipitor 20 mg"])
def test_a_recognised_medicine_without_a_record_is_not_covered(client, name):
    body = assert_problem(lookup(client, name), 404)
    assert body["code"] == "not_covered"
    assert "suggestions" not in body  # never another drug for a recognised medicine
    assert body["recognized"]["reason"] == "not_in_knowledge_base"
    assert body["recognized"]["name"].lower() in {"metformin", "lisinopril", "atorvastatin"}


@pytest.mark.parametrize(("name", "drug_id"), [("letrozol", "letrozole"),
                                              ("tamoxifeno", "tamoxifen"),
                                              ("acetominophen", "acetaminophen")])
def test_dictionary_misspellings_of_covered_medicines_resolve_by_fuzzy_match(client, name,
                                                                            drug_id):
    body = lookup(client, name).get_json()
    assert (body["drug"]["id"], body["match"]["type"]) == (drug_id, "fuzzy")


@pytest.mark.parametrize(("name", "record"), [("Genox", "tamoxifen"), ("Nurofen", "ibuprofen"),
                                              ("Efudix", "fluorouracil")])
def test_unchecked_dictionary_names_of_covered_medicines_point_at_the_record(client, name,
                                                                            record):
    body = assert_problem(lookup(client, name), 404)
    assert body["code"] == "not_covered" and "does not cover yet" not in body["detail"]
    assert body["recognized"]["reason"] == "unverified_name"
    assert body["recognized"]["covered_form"] == record
    assert record in body["detail"]


def test_no_covered_medicine_is_called_not_in_the_knowledge_base(database):
    """The name dictionary knows 20,000 medicines; those ossa covers must never read as
    uncovered, whatever spelling of theirs the dictionary lists."""
    with sqlite3.connect(database) as conn:
        covered = {norm for (norm,) in conn.execute(
            "SELECT norm FROM names WHERE name_type IN ('generic', 'brand', 'synonym')")}
        uncovered = conn.execute("SELECT key, name FROM uncovered"
                                 " WHERE reason = 'not_in_knowledge_base'").fetchall()
    assert len(uncovered) > 50_000
    wrong = [(key, name) for key, name in uncovered if normalize(name) in covered]
    assert not wrong


@pytest.mark.parametrize(("name", "reason", "record"), [
    ("Maxidex", "local_form", "dexamethasone"),
    ("dexamethasone 0.1% ophthalmic solution", "local_form", "dexamethasone"),
    ("Ciprodex otic suspension", "local_form", "ciprofloxacin"),
    ("fluorouracil 5% topical cream", "local_form", "fluorouracil"),
    ("Efudex", "local_form", "fluorouracil"),
    ("Zortress 0.75 mg", "other_product", "everolimus"),
    ("medroxyprogesterone acetate 10 MG Oral Tablet", "other_product",
     "medroxyprogesterone-injection"),
])
def test_local_and_other_forms_do_not_answer_with_the_systemic_record(client, name, reason,
                                                                     record):
    body = assert_problem(lookup(client, name), 404)
    assert body["code"] == "not_covered" and "suggestions" not in body
    assert body["recognized"]["reason"] == reason
    assert body["recognized"]["covered_form"] == record


@pytest.mark.parametrize(("rxcui", "reason"), [("2045404", "local_form"),  # Dexycu, in the eye
                                                ("203705", "local_form"),  # Maxidex
                                                ("977428", "other_product")])  # Zortress
def test_codes_of_local_and_other_products_are_not_covered(client, rxcui, reason):
    body = assert_problem(client.get(f"/v1/lookup/rxcui/{rxcui}"), 404)
    assert body["code"] == "not_covered"
    assert body["recognized"] == {**body["recognized"], "rxcui": rxcui, "reason": reason}


@pytest.mark.parametrize("name", ["Depo-Provera 150 MG/ML Injection", "dexamethasone 4 MG Oral "
                                  "Tablet", "ciprofloxacin 500 MG Oral Tablet"])
def test_the_systemic_forms_still_resolve(client, name):
    assert lookup(client, name).status_code == 200


@pytest.mark.parametrize("name", ["   ", "®", "qqqqqqqq"])
def test_names_with_nothing_to_match_are_404_not_400(client, name):
    assert_problem(lookup(client, name), 404)


@pytest.mark.parametrize("query", [{}, {"name": ""}, {"name": "x" * 201}])
def test_missing_empty_or_overlong_name_is_400_naming_the_field(client, query):
    body = assert_problem(client.get("/v1/lookup", query_string=query), 400)
    assert list(body["errors"]) == ["name"]


@pytest.mark.parametrize("row", [r for r in REFERENCE if r["ingredient_rxcui"]],
                         ids=lambda r: r["generic"])
def test_ingredient_rxcuis_resolve_except_the_shared_trastuzumab_code(client, row):
    response = client.get(f"/v1/lookup/rxcui/{row['ingredient_rxcui']}")
    body = response.get_json()
    if row["ingredient_rxcui"] == "224905":  # trastuzumab itself: never T-DM1 or T-DXd
        assert body["drug"]["id"] == "trastuzumab"
        return
    expected = _drug_id(row["generic"])
    assert body["drug"]["id"] == ("paclitaxel" if expected == "nab-paclitaxel" else expected)
    assert body["match"]["type"] == "code"
    assert body["match"]["concept"]["system"] == "rxnorm"


@pytest.mark.parametrize(("rxcui", "drug_id", "tty"), [
    ("84857", "anastrozole", "IN"),
    ("203769", "letrozole", "BN"),
    ("1046399", "denosumab", "BN"),
    ("2102695", "pegfilgrastim", "BN"),
    ("589511", "nab-paclitaxel", "BN"),
    ("2267574", "fam-trastuzumab-deruxtecan", "PIN"),
])
def test_ingredient_and_brand_rxcuis_name_the_concept(client, rxcui, drug_id, tty):
    body = client.get(f"/v1/lookup/rxcui/{rxcui}").get_json()
    assert body["drug"]["id"] == drug_id
    assert body["match"]["concept"]["tty"] == tty
    assert body["match"]["concept"]["code"] == rxcui


@pytest.mark.parametrize(("code", "drug_id", "retired"), [
    ("L02BG04", "letrozole", False),
    ("l02bg03", "anastrozole", False),
    ("L01FD03", "ado-trastuzumab-emtansine", False),
    ("L01XC14", "ado-trastuzumab-emtansine", True),
    ("N03AX12", "gabapentin", True),
    ("L01XC18", "pembrolizumab", True),
])
def test_current_and_retired_atc_codes_resolve(client, code, drug_id, retired):
    body = client.get(f"/v1/lookup/atc/{code}").get_json()
    assert body["drug"]["id"] == drug_id
    assert body["match"]["concept"]["retired"] is retired


@pytest.mark.parametrize(("url", "status"), [
    ("/v1/lookup/rxcui/999999999", 404),
    ("/v1/lookup/rxcui/12ab", 400),
    ("/v1/lookup/atc/Z99ZZ99", 404),
    ("/v1/lookup/atc/L02", 400),
])
def test_unknown_codes_are_404_and_malformed_codes_400(client, url, status):
    assert_problem(client.get(url), status)


@pytest.mark.parametrize(("name", "drug_id", "match_type"), [
    ("zoledronic acid monohydrate", "zoledronic-acid", "generic"),  # a salt word no record lists
    ("Oxycodone HCl", "oxycodone", "generic"),
    ("Pegfilgrastim-abcd", "pegfilgrastim", "generic"),  # a biosimilar suffix
    ("tdxd", "fam-trastuzumab-deruxtecan", "synonym"),  # T-DXd without its hyphen
])
def test_salt_words_suffixes_and_spacing_resolve_below_a_perfect_score(
        client, name, drug_id, match_type):
    body = lookup(client, name).get_json()
    assert (body["drug"]["id"], body["match"]["type"]) == (drug_id, match_type)
    assert body["match"]["score"] == 0.95  # the normalized step, not an exact name
    stored = {n.casefold() for n in [body["drug"]["generic_name"], *body["drug"]["synonyms"],
                                     *body["drug"]["brand_names"]]}
    assert name.casefold() not in stored


@pytest.mark.parametrize(("name", "drug_id"), [
    ("Arimidex 1mg tab", "anastrozole"),
    ("anastrozole 1 MG Oral Tablet [Arimidex]", "anastrozole"),
    ("pegfilgrastim-jmdb 6 MG/0.6ML Prefilled Syringe [Fulphila]", "pegfilgrastim"),
    ("paclitaxel 100 MG Injection [Abraxane]", "nab-paclitaxel"),
    ("Ibrance 125 mg capsule daily", "palbociclib"),
])
def test_free_text_from_ehrs_and_prescriptions_resolves_as_text(client, name, drug_id):
    body = lookup(client, name).get_json()
    assert body["drug"]["id"] == drug_id
    assert body["match"]["type"] == "text" and body["match"]["score"] < 1


def test_combination_brand_codes_name_every_covered_drug(client):
    body = client.get("/v1/lookup/rxcui/216903").get_json()  # Endocet
    assert body["match"]["contains"] == ["acetaminophen", "oxycodone"]


def test_combination_products_name_every_covered_drug(client):
    body = lookup(client, "Acetaminophen 325 MG / Oxycodone Hydrochloride 5 MG Oral Tablet "
                          "[Percocet]").get_json()
    assert body["match"]["contains"] == ["acetaminophen", "oxycodone"]


@pytest.mark.parametrize(("name", "drug_ids"), [
    ("AI", {"anastrozole", "exemestane", "letrozole"}),
    ("G-CSF", {"filgrastim", "pegfilgrastim", "eflapegrastim", "efbemalenograstim-alfa"}),
    ("PPI", {"omeprazole", "esomeprazole", "pantoprazole", "lansoprazole"}),
    ("SG", {"sacituzumab-govitecan"}),
])
def test_ambiguous_short_forms_are_never_silently_resolved(client, name, drug_ids):
    body = lookup(client, name).get_json()
    assert body["match"]["ambiguous"] is True
    assert {body["drug"]["id"], *(a["drug_id"] for a in body["alternatives"])} == drug_ids


@pytest.mark.parametrize(("rxcui", "drug_id", "tty"), [
    ("199224", "anastrozole", "SCD"),   # term types inferred from the name's shape where
    ("151124", "anastrozole", "SBD"),   # the source list gives none
    ("564931", "anastrozole", "SBDC"),
    ("1157703", "anastrozole", "SCDG"),
    ("583218", "nab-paclitaxel", "SBD"),
    ("312199", "paclitaxel", "SCD"),
])
def test_product_level_rxcuis_resolve_and_name_the_concept(client, rxcui, drug_id, tty):
    body = client.get(f"/v1/lookup/rxcui/{rxcui}").get_json()
    assert body["drug"]["id"] == drug_id
    assert body["match"]["concept"]["tty"] == tty
    assert body["match"]["concept"]["name"]
