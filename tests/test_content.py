"""The knowledge base: schema errors name file and field; clinical rules hold for every record."""


import pytest

from db.audit import MAX_GRADE, grade, patient_summaries
from db.content import load_content
from db.files import ContentError


@pytest.fixture(scope="module")
def content():
    return load_content()


def _set(path, value):
    def change(data):
        node = data
        *parents, last = path.split(".")
        for key in parents:
            node = node[key]
        if value is KeyError:
            del node[last]
        else:
            node[last] = value
    return change


@pytest.mark.parametrize(("file", "field", "value", "message"), [
    ("drugs/anastrozole.yaml", "bone_joint.risk", "severe", "bone_joint.risk"),
    ("drugs/anastrozole.yaml", "bone_joint.summary", KeyError, "bone_joint.summary"),
    ("drugs/anastrozole.yaml", "drug_class", "not-a-class", "drug_class: unknown id"),
    ("drugs/anastrozole.yaml", "management", ["not-a-strategy"], "management: unknown id"),
    ("drugs/anastrozole.yaml", "bone_joint.sources", ["not-a-source"],
     "bone_joint.sources: unknown id"),
    ("drugs/anastrozole.yaml", "bone_joint.citations",
     [{"source": "fda-label-letrozole", "section": "5.1 Bone Effects"}],
     "`fda-label-letrozole` is cited but not listed in drugs/anastrozole.yaml: bone_joint.sources"),
    ("drugs/anastrozole.yaml", "bone_joint.risk_basis", KeyError, "bone_joint.risk_basis"),
    ("drugs/anastrozole.yaml", "clinician", KeyError, "clinician"),
    ("drugs/anastrozole.yaml", "brand_names", ["Femara"], "already used by"),
    ("drugs/anastrozole.yaml", "bone_loss.warning", False, "bone_loss.warning"),
    ("drugs/denosumab.yaml", "onj.prevention", None, "onj.warning"),
    ("drugs/anastrozole.yaml", "codes.rxcui", "84857x", "codes.rxcui"),
    ("drugs/anastrozole.yaml", "id", "anastrozol", "does not match its file name"),
    ("drugs/anastrozole.yaml", "onj.warning", "yes", "onj.warning"),
])
def test_a_bad_file_fails_the_build_naming_file_and_field(content_copy, file, field, value,
                                                          message):
    folder, edit = content_copy
    edit(file, _set(field, value))
    with pytest.raises(ContentError) as info:
        load_content(folder)
    text = str(info.value)
    assert message in text
    assert file in text


def test_a_missing_file_is_named(content_copy):
    folder, _ = content_copy
    (folder / "guidance.yaml").unlink()
    with pytest.raises(ContentError, match="guidance.yaml: cannot read"):
        load_content(folder)


# CONTENT.md, "Coverage": every one of these is a record (ids are the slugs of the names).
ROUND_1 = """anastrozole exemestane letrozole tamoxifen elacestrant imlunestrant fulvestrant
goserelin leuprolide triptorelin ovary-removal paclitaxel docetaxel nab-paclitaxel
cyclophosphamide cisplatin doxorubicin abemaciclib ribociclib palbociclib
ado-trastuzumab-emtansine fam-trastuzumab-deruxtecan sacituzumab-govitecan olaparib pembrolizumab
filgrastim pegfilgrastim alendronate zoledronic-acid denosumab duloxetine gabapentin pregabalin
diazepam lorazepam metaxalone ibuprofen celecoxib acetaminophen oxycodone morphine""".split()
ROUND_2 = """trastuzumab trastuzumab-hyaluronidase pertuzumab pertuzumab-trastuzumab-hyaluronidase
margetuximab lapatinib neratinib tucatinib datopotamab-deruxtecan alpelisib capivasertib
inavolisib everolimus talazoparib carboplatin capecitabine gemcitabine eribulin vinorelbine
methotrexate fluorouracil epirubicin ixabepilone doxorubicin-liposomal toremifene megestrol
raloxifene eflapegrastim efbemalenograstim-alfa dexamethasone prednisone methylprednisolone
pamidronate ibandronate risedronate romosozumab teriparatide abaloparatide omeprazole
esomeprazole pantoprazole lansoprazole levothyroxine medroxyprogesterone-injection
ciprofloxacin levofloxacin""".split()
GLUCOCORTICOIDS = ["dexamethasone", "prednisone", "methylprednisolone"]
PPIS = ["omeprazole", "esomeprazole", "pantoprazole", "lansoprazole"]
SUPPRESSION = ["goserelin", "leuprolide", "triptorelin", "ovary-removal"]
OVARY_DAMAGING = ["cyclophosphamide", "cisplatin", "doxorubicin"]


def _drug(content, drug_id):
    return next(d for d in content.drugs if d["id"] == drug_id)


def test_every_medicine_on_both_coverage_lists_is_a_record(content):
    assert sorted(d["id"] for d in content.drugs) == sorted(ROUND_1 + ROUND_2)


# CONTENT.md, "Risk rubric": the levels its authors expect from the evidence already seen.
@pytest.mark.parametrize("drug_id", ["anastrozole", "exemestane", "letrozole", "paclitaxel",
                                     "docetaxel", "nab-paclitaxel", "filgrastim",
                                     "pegfilgrastim", "eflapegrastim", "elacestrant"])
def test_the_drugs_the_rubric_names_are_high(content, drug_id):
    assert _drug(content, drug_id)["bone_joint"]["risk"] == "high"


def test_figures_decide_the_level(content):
    """A label figure of 20 % or more (above any placebo arm) is never `low`/`none`, 5 % or
    more never `none`; `high` is never given on figures that sit at the placebo arm's."""
    def above_placebo(row):
        comparator = row["comparator"]
        return not comparator or comparator["arm"].lower() != "placebo" or (
            row["percent"] - comparator["percent"] >= 2)

    for drug in content.drugs:
        bone_joint = drug["bone_joint"]
        figures = [row for row in bone_joint["incidence"] if row["grade"] is None]
        top = max((row["percent"] for row in figures if above_placebo(row)), default=0)
        if top >= 20:
            assert bone_joint["risk"] in ("high", "moderate"), drug["id"]
        if top >= 5:
            assert bone_joint["risk"] != "none", drug["id"]
        placebo = [row for row in figures if row["comparator"]
                   and row["comparator"]["arm"].lower() == "placebo"]
        if placebo and all(r["percent"] - r["comparator"]["percent"] < 1 for r in placebo):
            assert bone_joint["risk"] != "high", drug["id"]


def test_denosumab_is_decided_against_placebo(content):
    """FREEDOM: back pain and the other pain terms sit at the placebo arm's figures."""
    denosumab = _drug(content, "denosumab")["bone_joint"]
    assert denosumab["risk"] in ("low", "moderate")
    assert any(r["comparator"] and r["comparator"]["arm"] == "placebo"
               for r in denosumab["incidence"])


def test_onj_is_flagged_exactly_for_bisphosphonates_denosumab_and_romosozumab(content):
    bisphosphonates = {d["id"] for d in content.drugs if d["drug_class"] == "bisphosphonate"}
    assert {"alendronate", "zoledronic-acid", "pamidronate", "ibandronate",
            "risedronate"} <= bisphosphonates
    flagged = {d["id"] for d in content.drugs if d["onj"]["warning"]}
    assert flagged == bisphosphonates | {"denosumab", "romosozumab"}
    for drug_id in flagged:
        onj = _drug(content, drug_id)["onj"]
        assert onj["prevention"] and onj["citations"]


@pytest.mark.parametrize(("drug_id", "order"), [("zoledronic-acid", "dental-examination"),
                                                ("denosumab", "dental-examination"),
                                                ("anastrozole", "bone-density-scan"),
                                                ("letrozole", "bone-density-scan"),
                                                ("goserelin", "bone-density-scan")])
def test_the_step_before_starting_is_an_action_with_its_order(content, drug_id, order):
    actions = _drug(content, drug_id)["clinician"]["actions"]
    assert order in {a["order"] for a in actions}


def test_oral_bisphosphonates_do_not_ask_for_a_dental_exam_before_starting(content):
    for drug_id in ("alendronate", "risedronate"):
        actions = _drug(content, drug_id)["clinician"]["actions"]
        assert "dental-examination" not in {a["order"] for a in actions}


@pytest.mark.parametrize("drug_id", GLUCOCORTICOIDS + ["medroxyprogesterone-injection"])
def test_non_estrogen_bone_loss_applies_at_every_menopausal_status(content, drug_id):
    bone_loss = _drug(content, drug_id)["bone_loss"]
    assert bone_loss["warning"]
    assert set(bone_loss["by_menopausal_status"].values()) == {"increased"}


@pytest.mark.parametrize("drug_id", PPIS)
def test_ppis_carry_their_fracture_warning(content, drug_id):
    bone_loss = _drug(content, drug_id)["bone_loss"]
    assert bone_loss["fracture_risk"] == "increased"
    assert any(c["source"] == f"fda-label-{drug_id}" for c in bone_loss["citations"])


@pytest.mark.parametrize("drug_id", SUPPRESSION + ["anastrozole", "letrozole", "exemestane"])
def test_ovarian_suppression_and_ais_thin_bone_before_menopause(content, drug_id):
    status = _drug(content, drug_id)["bone_loss"]["by_menopausal_status"]
    assert status["premenopausal"] == "increased"


@pytest.mark.parametrize("drug_id", SUPPRESSION + OVARY_DAMAGING)
def test_what_acts_through_the_ovaries_does_nothing_after_menopause(content, drug_id):
    status = _drug(content, drug_id)["bone_loss"]["by_menopausal_status"]
    assert status["postmenopausal"] == "no_known_effect"


@pytest.mark.parametrize("drug_id", ["tamoxifen", "raloxifene"])
def test_serms_spare_bone_after_menopause(content, drug_id):
    assert _drug(content, drug_id)["bone_loss"]["by_menopausal_status"][
        "postmenopausal"] == "decreased"


def test_tamoxifen_thins_bone_before_menopause(content):
    assert _drug(content, "tamoxifen")["bone_loss"]["by_menopausal_status"][
        "premenopausal"] == "increased"


@pytest.mark.parametrize("drug_id", OVARY_DAMAGING)
def test_ovary_damaging_chemotherapy_keeps_the_seeds_hedge(content, drug_id):
    bone_loss = _drug(content, drug_id)["bone_loss"]
    assert bone_loss["fracture_risk"] == "possibly_increased"
    assert "possibl" in bone_loss["detail"].lower()


@pytest.mark.parametrize("drug_id", ["ciprofloxacin", "levofloxacin"])
def test_fluoroquinolones_carry_their_tendon_warning(content, drug_id):
    clinician = _drug(content, drug_id)["clinician"]
    assert "tendon" in clinician["summary"].lower()
    sections = {c["section"] for c in clinician["citations"] if c["source"].startswith(
        f"fda-label-{drug_id}")}
    assert any(s.startswith(("Boxed Warning", "5.2", "5.1")) for s in sections), sections


def test_taxane_pain_starts_within_days(content):
    for drug_id in ("paclitaxel", "docetaxel", "nab-paclitaxel"):
        bone_joint = _drug(content, drug_id)["bone_joint"]
        assert "day" in bone_joint["onset"].lower()


def test_imlunestrant_and_alpelisib_have_no_invented_codes(content):
    assert _drug(content, "imlunestrant")["codes"]["rxcui"] is None
    assert _drug(content, "imlunestrant")["codes"]["atc"] == []
    assert _drug(content, "alpelisib")["codes"]["rxcui"] is None


def test_nab_paclitaxel_carries_its_atc_code(content):
    assert _drug(content, "nab-paclitaxel")["codes"]["atc"] == ["L01CD01"]


def test_classes_strategies_and_topics_cite_the_seed(content):
    for record in [*content.classes, *content.management, *content.guidance]:
        assert record["citations"], record["id"]
    seed_based = [*content.guidance, *[m for m in content.management
                                       if m["id"] in ("acupuncture", "exercise")]]
    for record in seed_based:
        assert "lbbc-bone-joint-pain" in record["sources"], record["id"]


def test_every_patient_summary_reads_at_grade_8_or_lower(content):
    """Flesch-Kincaid grade of every patient summary, measured with textstat (fix the text)."""
    too_hard = {f"{record} {field}": round(grade(text), 1)
                for record, field, text in patient_summaries(content) if grade(text) > MAX_GRADE}
    assert not too_hard, too_hard


def test_the_readability_measure_tells_plain_from_dense_text():
    plain = "This pill can make your joints ache. Tell your care team if it hurts."
    dense = ("Concomitant administration of aromatase inhibitors precipitates accelerated "
             "trabecular demineralization, necessitating densitometric surveillance.")
    assert grade(plain) <= MAX_GRADE < grade(dense)
