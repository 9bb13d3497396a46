"""The knowledge base: schema errors name file and field; clinical rules hold for every record."""

import shutil

import pytest
import yaml

from db import CONTENT_DIR
from db.checks import ContentError
from db.content import load_content


@pytest.fixture(scope="module")
def content():
    return load_content()


@pytest.fixture
def broken(tmp_path):
    """Return (folder, edit) where edit(relative path, change) breaks a copy of the content."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)

    def edit(relative, change):
        path = folder / relative
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False))

    return folder, edit


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
    ("drugs/anastrozole.yaml", "sources", ["not-a-source"], "sources: unknown id"),
    ("drugs/anastrozole.yaml", "brand_names", ["Femara"], "already used by"),
    ("drugs/anastrozole.yaml", "bone_loss.warning", False, "bone_loss.warning"),
    ("drugs/denosumab.yaml", "onj.prevention", None, "onj.warning"),
    ("drugs/anastrozole.yaml", "codes.rxcui", "84857x", "codes.rxcui"),
    ("drugs/anastrozole.yaml", "id", "anastrozol", "does not match its file name"),
    ("drugs/duloxetine.yaml", "interactions", [], "lacks the reverse entry"),
    ("drugs/anastrozole.yaml", "onj.warning", "yes", "onj.warning"),
])
def test_a_bad_file_fails_the_build_naming_file_and_field(broken, file, field, value, message):
    folder, edit = broken
    edit(file, _set(field, value))
    with pytest.raises(ContentError) as info:
        load_content(folder)
    text = str(info.value)
    assert message in text
    assert file in text


def test_a_missing_file_is_named(broken):
    folder, _ = broken
    (folder / "guidance.yaml").unlink()
    with pytest.raises(ContentError, match="guidance.yaml: cannot read"):
        load_content(folder)


COVERAGE = """anastrozole exemestane letrozole tamoxifen elacestrant imlunestrant fulvestrant
goserelin leuprolide triptorelin ovary-removal paclitaxel docetaxel nab-paclitaxel
cyclophosphamide cisplatin doxorubicin abemaciclib ribociclib palbociclib
ado-trastuzumab-emtansine fam-trastuzumab-deruxtecan
sacituzumab-govitecan olaparib pembrolizumab filgrastim pegfilgrastim alendronate zoledronic-acid
denosumab duloxetine gabapentin pregabalin diazepam lorazepam metaxalone ibuprofen celecoxib
acetaminophen oxycodone morphine""".split()

# The risk rubric of the clinical content brief, level by level.
RUBRIC = {
    "high": "anastrozole exemestane letrozole paclitaxel docetaxel nab-paclitaxel filgrastim "
            "pegfilgrastim",
    "moderate": "tamoxifen elacestrant imlunestrant fulvestrant goserelin leuprolide triptorelin "
                "ovary-removal abemaciclib ribociclib palbociclib ado-trastuzumab-emtansine "
                "fam-trastuzumab-deruxtecan sacituzumab-govitecan olaparib pembrolizumab "
                "alendronate zoledronic-acid denosumab",
    "low": "cyclophosphamide cisplatin doxorubicin",
    "none": "duloxetine gabapentin pregabalin diazepam lorazepam metaxalone ibuprofen celecoxib "
            "acetaminophen oxycodone morphine",
}


def test_every_treatment_on_the_coverage_list_is_a_record(content):
    assert sorted(d["id"] for d in content.drugs) == sorted(COVERAGE)


@pytest.mark.parametrize(("risk", "drug_id"),
                         [(risk, d) for risk, ids in RUBRIC.items() for d in ids.split()])
def test_risk_levels_follow_the_rubric(content, risk, drug_id):
    drug = next(d for d in content.drugs if d["id"] == drug_id)
    assert drug["bone_joint"]["risk"] == risk


def test_bone_loss_and_onj_flags_are_exactly_where_the_sources_put_them(content):
    bone_loss = {d["id"] for d in content.drugs if d["bone_loss"]["warning"]}
    assert {"anastrozole", "exemestane", "letrozole", "goserelin", "leuprolide", "triptorelin",
            "ovary-removal", "tamoxifen", "cyclophosphamide", "cisplatin",
            "doxorubicin"} == bone_loss
    assert {d["id"] for d in content.drugs if d["onj"]["warning"]} == {
        "alendronate", "zoledronic-acid", "denosumab"}


def test_ovary_damaging_chemotherapy_matters_only_while_ovaries_work(content):
    for drug_id in ("cyclophosphamide", "cisplatin", "doxorubicin"):
        status = next(d for d in content.drugs if d["id"] == drug_id)["bone_loss"]
        assert status["by_menopausal_status"]["premenopausal"] == "increased"


def test_taxane_pain_starts_within_days_and_lasts_about_a_week(content):
    for drug_id in ("paclitaxel", "docetaxel", "nab-paclitaxel"):
        bone_joint = next(d for d in content.drugs if d["id"] == drug_id)["bone_joint"]
        assert "day" in bone_joint["onset"].lower()
        assert "week" in bone_joint["duration"].lower()


def test_imlunestrant_has_no_invented_codes(content):
    codes = next(d for d in content.drugs if d["id"] == "imlunestrant")["codes"]
    assert codes["rxcui"] is None and codes["atc"] == [] and codes["brands"] == []


def test_every_record_cites_the_primary_source(content):
    for record in [*content.drugs, *content.classes, *content.management, *content.guidance]:
        assert "lbbc-bone-joint-pain" in record["sources"], record["id"]
