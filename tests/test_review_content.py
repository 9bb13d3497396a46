"""db/content/review_notes.yaml: validated like every content file, stored by the build."""

import shutil
import sqlite3

import pytest
import yaml

from db import CONTENT_DIR
from db.build import build
from db.checks import ContentError
from db.content import load_content
from db.review_content import get_review_notes, load_review_notes


@pytest.fixture
def notes_folder(tmp_path):
    """Return (folder, edit) where edit(change) alters a copy of the review notes."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "review_notes.yaml"

    def edit(change):
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False))

    return folder, edit


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["bone_loss"].update(stacked="These add up."), "bone_loss.stacked: must use"),
    (lambda d: d["bone_loss"].update(stacked="{drugs} and {dose}"), "bone_loss.stacked"),
    (lambda d: d["bone_loss"].update(depends_on_menopause="{drug} depends"),
     "bone_loss.depends_on_menopause"),
    (lambda d: d["cards"]["summary"].update(high="{drug}: " + "x" * 100), "cards.summary.high"),
    (lambda d: d["induced_menopause"].update(classes=[]), "induced_menopause.classes"),
    (lambda d: d["orders"]["dental-examination"]["code"].pop("code"),
     "orders.dental-examination.code.code"),
    (lambda d: d["cards"]["summary"].pop("none"), "cards.summary.none"),
    (lambda d: d["cards"].update(interaction="{first} + {second"), "cards.interaction"),
    (lambda d: d["services"].pop("order-sign"), "services.order-sign"),
    (lambda d: d.update(sources=["not-a-source"]), "sources: unknown id"),
    (lambda d: d.update(extra="x"), "extra"),
])
def test_a_bad_notes_file_is_refused_naming_the_field(notes_folder, change, message):
    folder, edit = notes_folder
    edit(change)
    with pytest.raises(ContentError) as info:
        load_content(folder)  # the notes' own fields, and their sources among the content's
    assert "review_notes.yaml" in str(info.value) and message in str(info.value)


def test_a_bad_notes_file_fails_the_build_and_keeps_the_old_database(notes_folder, tmp_path):
    folder, edit = notes_folder
    path = tmp_path / "ossa.db"
    build(path, folder, progress=lambda message: None)
    before = path.read_bytes()
    edit(lambda d: d["cards"].update(link="ossa"))
    with pytest.raises(ContentError, match="cards.link"):
        build(path, folder, progress=lambda message: None)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_build_stores_the_notes_as_written(database):
    with sqlite3.connect(database) as conn:
        assert get_review_notes(conn) == load_review_notes()


def test_the_services_are_described_in_the_notes_words(client):
    notes = load_review_notes()["services"]
    for service in client.get("/cds-services").get_json()["services"]:
        assert notes[service["hook"]] == {"title": service["title"],
                                          "description": service["description"]}
