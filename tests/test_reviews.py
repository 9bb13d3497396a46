"""POST /v1/reviews: a whole medication list resolved, flagged and combined."""

import sqlite3

import pytest

from db.review_content import load_review_notes
from tests.conftest import assert_problem

NOTES = load_review_notes()


def review(client, *entries, status=None):
    body = {"medications": [dict([entry]) if isinstance(entry, tuple) else {"name": entry}
                            for entry in entries]}
    if status:
        body["menopausal_status"] = status
    response = client.post("/v1/reviews", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def drug(client, drug_id):
    return client.get(f"/v1/drugs/{drug_id}").get_json()


def test_tamoxifen_with_cymbalta_flags_the_interaction(client):
    body = review(client, "tamoxifen", "Cymbalta")
    [pair] = body["combined"]["interactions"]
    assert pair["drug_ids"] == ["tamoxifen", "duloxetine"]
    assert pair["severity"] == "major"
    record = next(i for i in drug(client, "tamoxifen")["interactions"]
                  if i["drug_id"] == "duloxetine")
    assert pair["detail"] == record["detail"]


def test_letrozole_with_zoladex_before_menopause_flags_stacked_bone_loss(client):
    bone_loss = review(client, "letrozole", "Zoladex", status="premenopausal")["combined"][
        "bone_loss"]
    assert bone_loss["warning"] and bone_loss["stacked"]
    assert bone_loss["contributors"] == ["letrozole", "goserelin"]
    stacked = NOTES["bone_loss"]["stacked"].format(drugs="letrozole, goserelin")
    assert bone_loss["notes"] == [stacked]
    assert bone_loss["stacked_drug_ids"] == ["letrozole", "goserelin"]


def test_an_aromatase_inhibitor_after_ovary_removal_before_menopause_stacks(client):
    body = review(client, "Arimidex", "oophorectomy", status="premenopausal")
    bone_loss = body["combined"]["bone_loss"]
    assert bone_loss["stacked"] and bone_loss["stacked_drug_ids"] == ["anastrozole",
                                                                       "ovary-removal"]
    assert body["status_basis"]["drug_ids"] == ["ovary-removal"]


def test_tamoxifen_with_ovarian_suppression_before_menopause_spares_bone(client):
    body = review(client, "tamoxifen", "Zoladex", status="premenopausal")
    assert body["status_basis"] == {
        "effective": "postmenopausal", "reason": "induced_menopause", "drug_ids": ["goserelin"],
        "note": NOTES["induced_menopause"]["notes"]["induced_menopause"].format(
            suppressors="goserelin").capitalize()}
    tamoxifen, goserelin = (m["drugs"][0] for m in body["medications"])
    assert tamoxifen["bone_loss"]["status"] == "postmenopausal"
    assert tamoxifen["bone_loss"]["effect"] == "decreased"
    assert goserelin["bone_loss"]["status"] == "premenopausal"
    bone_loss = body["combined"]["bone_loss"]
    assert not bone_loss["stacked"] and bone_loss["stacked_drug_ids"] == []
    assert bone_loss["contributors"] == ["goserelin"] and bone_loss["protective"] == ["tamoxifen"]
    offset = NOTES["bone_loss"]["offsets_suppression"].format(drugs="tamoxifen")
    assert offset[:1].upper() + offset[1:] in bone_loss["notes"]


@pytest.mark.parametrize("suppressor", ["goserelin", "Lupron", "triptorelin", "oophorectomy"])
def test_anastrozole_with_ovarian_suppression_stacks(client, suppressor):
    body = review(client, "anastrozole", suppressor, status="premenopausal")
    bone_loss = body["combined"]["bone_loss"]
    assert bone_loss["stacked"] and "anastrozole" in bone_loss["stacked_drug_ids"]
    assert len(bone_loss["stacked_drug_ids"]) == 2
    assert body["status_basis"]["reason"] == "induced_menopause"


@pytest.mark.parametrize("suppressor", ["goserelin", "leuprolide", "triptorelin",
                                        "ovary removal"])
def test_after_menopause_ovarian_suppression_does_not_stack_with_an_ai(client, suppressor):
    body = review(client, "letrozole", suppressor, status="postmenopausal")
    bone_loss = body["combined"]["bone_loss"]
    assert not bone_loss["stacked"]
    assert bone_loss["contributors"] == ["letrozole"]
    assert body["status_basis"]["reason"] == "given"


def test_without_a_status_ovarian_suppression_still_reads_the_rest_after_menopause(client):
    body = review(client, "tamoxifen", "goserelin")
    assert body["status_basis"]["effective"] == "postmenopausal"
    tamoxifen = body["medications"][0]["drugs"][0]["bone_loss"]
    assert (tamoxifen["status"], tamoxifen["effect"]) == ("postmenopausal", "decreased")


def test_one_bone_loss_drug_alone_does_not_stack(client):
    bone_loss = review(client, "letrozole", "Ibrance")["combined"]["bone_loss"]
    assert bone_loss["contributors"] == ["letrozole"]
    assert not bone_loss["stacked"] and bone_loss["notes"] == []


def test_xgeva_flags_onj_with_the_prevention_of_its_record(client):
    body = review(client, "Xgeva")
    assert body["medications"][0]["drugs"][0]["onj"] == {"warning": True}
    onj = body["combined"]["onj"]
    assert onj["warning"] and onj["contributors"] == ["denosumab"]
    assert onj["prevention"] == [{"drug_id": "denosumab",
                                  "text": drug(client, "denosumab")["onj"]["prevention"]}]


def test_an_unknown_name_is_listed_while_the_rest_is_answered(client):
    body = review(client, "Arimidex", "Ibranse capsules xyz qqq", "Zometa")
    [unknown] = body["unresolved"]
    assert unknown["index"] == 1 and unknown["input"] == {"name": "Ibranse capsules xyz qqq"}
    assert unknown["reason"]
    assert [(m["index"], m["drugs"][0]["id"]) for m in body["medications"]] == [
        (0, "anastrozole"), (2, "zoledronic-acid")]
    assert body["combined"]["highest_risk"]["risk"] == "high"
    assert body["combined"]["onj"]["contributors"] == ["zoledronic-acid"]


def test_nothing_resolved_is_still_an_answer(client):
    body = review(client, "qqqqzzzz")
    assert body["medications"] == [] and len(body["unresolved"]) == 1
    assert body["combined"]["highest_risk"] == {"risk": "none", "drug_ids": []}
    assert not body["combined"]["bone_loss"]["warning"]


@pytest.mark.parametrize(("status", "effect", "warning"), [
    ("premenopausal", "increased", True),
    ("perimenopausal", "increased", True),
    ("postmenopausal", "decreased", False),
])
def test_tamoxifen_bone_effect_follows_menopausal_status(client, status, effect, warning):
    body = review(client, "tamoxifen", status=status)
    flags = body["medications"][0]["drugs"][0]["bone_loss"]
    assert (flags["effect"], flags["warning"]) == (effect, warning)
    assert "note" not in flags
    assert (body["combined"]["bone_loss"]["protective"] == ["tamoxifen"]) is (effect == "decreased")


@pytest.mark.parametrize("status", ["unknown", None])
def test_with_unknown_status_tamoxifen_depends_and_both_answers_are_given(client, status):
    body = review(client, "tamoxifen", status=status)
    assert body["menopausal_status"] == "unknown"
    flags = body["medications"][0]["drugs"][0]["bone_loss"]
    assert flags["effect"] == "depends" and flags["warning"] is True
    words = NOTES["bone_loss"]["effects"]
    assert words["increased"] in flags["note"] and words["decreased"] in flags["note"]
    assert body["combined"]["bone_loss"]["depends_on_menopausal_status"] == ["tamoxifen"]
    assert flags["note"] in body["combined"]["bone_loss"]["notes"]


def test_codes_resolve_like_names(client):
    body = review(client, ("rxcui", "199224"), ("atc", "l02bg04"), ("name", "Femara"))
    ids = [m["drugs"][0]["id"] for m in body["medications"]]
    assert ids == ["anastrozole", "letrozole", "letrozole"]
    assert body["medications"][0]["match"]["concept"]["code"] == "199224"
    assert body["medications"][1]["input"] == {"atc": "l02bg04"}


def test_a_drug_listed_twice_counts_once(client):
    combined = review(client, "Arimidex", "anastrozole", "letrozole")["combined"]
    assert combined["bone_loss"]["contributors"] == ["anastrozole", "letrozole"]
    assert combined["interactions"] == []
    ids = [m["id"] for m in combined["management"]]
    assert len(ids) == len(set(ids))
    exercise = next(m for m in combined["management"] if m["id"] == "exercise")
    assert exercise["drug_ids"] == ["anastrozole", "letrozole"]


@pytest.mark.parametrize("entry", [
    ("name", "acetaminophen 325 MG / oxycodone hydrochloride 10 MG Oral Tablet [Percocet]"),
    ("rxcui", "1049625"),  # the same branded drug (SBD) by its RxNorm code
])
def test_a_combination_product_resolves_every_drug_it_contains(client, entry):
    body = review(client, entry, "Valium")
    [percocet, valium] = body["medications"]
    assert sorted(d["id"] for d in percocet["drugs"]) == ["acetaminophen", "oxycodone"]
    assert sorted(percocet["match"]["contains"]) == ["acetaminophen", "oxycodone"]
    assert [d["id"] for d in valium["drugs"]] == ["diazepam"]
    # the opioid inside the combination meets the benzodiazepine: their boxed-warning pair
    pairs = {frozenset(p["drug_ids"]) for p in body["combined"]["interactions"]}
    assert frozenset(("oxycodone", "diazepam")) in pairs


@pytest.mark.parametrize(("body", "field"), [
    ({}, "medications"),
    ({"medications": []}, "medications"),
    ({"medications": [{"name": "a"}] * 101}, "medications"),
    ({"medications": "tamoxifen"}, "medications"),
    ({"medications": [{}]}, "medications.0._schema"),
    ({"medications": [{"name": "tamoxifen", "rxcui": "10324"}]}, "medications.0._schema"),
    ({"medications": [{"brand": "Arimidex"}]}, "medications.0.brand"),
    ({"medications": [{"name": ""}]}, "medications.0.name"),
    ({"medications": [{"name": "a" * 201}]}, "medications.0.name"),
    ({"medications": [{"rxcui": "12a"}]}, "medications.0.rxcui"),
    ({"medications": [{"rxcui": "199224\n"}]}, "medications.0.rxcui"),
    ({"medications": [{"atc": "L02BG0"}]}, "medications.0.atc"),
    ({"medications": [{"name": 5}]}, "medications.0.name"),
    ({"medications": [{"name": "a"}], "menopausal_status": "post"}, "menopausal_status"),
    ({"medications": [{"name": "a"}], "menopausal_status": None}, "menopausal_status"),
    ({"medications": [{"name": "a"}], "patient": "x"}, "patient"),
])
def test_malformed_lists_are_400_naming_the_field(client, body, field):
    problem = assert_problem(client.post("/v1/reviews", json=body), 400)
    assert field in problem["errors"]


def test_a_body_that_is_not_json_is_400(client):
    response = client.post("/v1/reviews", data="{medications", content_type="application/json")
    assert_problem(response, 400)


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/x-www-form-urlencoded"])
def test_a_body_sent_as_anything_but_json_is_415(client, content_type):
    response = client.post("/v1/reviews", data='{"medications": [{"name": "a"}]}',
                           content_type=content_type)
    assert_problem(response, 415)


def test_a_lone_surrogate_is_refused_with_400_not_a_crash(client):
    # Regression: "\ud800" parses as JSON but cannot be encoded back; it used to end in a 500.
    data = '{"medications": [{"name": "tamoxifen\\ud800"}]}'
    response = client.post("/v1/reviews", data=data, content_type="application/json")
    assert_problem(response, 400)


def test_a_body_over_the_configured_limit_is_413(make_app):
    client = make_app(MAX_CONTENT_LENGTH=64).test_client()
    response = client.post("/v1/reviews", json={"medications": [{"name": "a" * 100}]})
    assert_problem(response, 413)


def test_a_database_built_without_review_notes_is_503_not_a_guess(tmp_path, database, make_app):
    path = tmp_path / "no-notes.db"
    path.write_bytes(database.read_bytes())
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM review_notes")
    client = make_app(DATABASE=str(path)).test_client()
    body = assert_problem(client.post("/v1/reviews", json={"medications": [{"name": "a"}]}), 503)
    assert body["code"] == "database_unavailable"
