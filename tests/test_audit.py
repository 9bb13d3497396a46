"""The content audit: it lists each claim's source and section and flags every gap."""



from db.audit import audit
from db.content import load_content


def _flags(folder, record):
    return [message for name, message in audit(load_content(folder, keep_going=True)).flags
            if name == record]


def test_the_knowledge_base_passes_its_own_audit():
    report = audit(load_content(keep_going=True))
    assert report.flags == []


def test_the_audit_lists_every_claim_with_its_source_and_section():
    report = audit(load_content(keep_going=True))
    claims = report.claims["drugs/letrozole"]
    label = [c for c in claims if c[1] == "fda-label-letrozole"]
    assert {block for block, _, _ in label} >= {"bone_joint", "bone_loss"}
    assert all(section for _, _, section in claims)


def test_a_label_listed_without_a_section_is_flagged(content_copy):
    folder, edit = content_copy

    def drop_label_citations(data):
        block = data["bone_loss"]
        block["citations"] = [c for c in block["citations"] if c["source"] != "fda-label-letrozole"]

    edit("drugs/letrozole.yaml", drop_label_citations)
    assert ("bone_loss: lists the label fda-label-letrozole but cites no section of it"
            in _flags(folder, "drugs/letrozole"))


def test_a_fact_without_any_citation_is_flagged(content_copy):
    folder, edit = content_copy

    def uncite(data):
        data["bone_joint"]["citations"] = []
        data["bone_joint"]["incidence"] = []

    edit("drugs/letrozole.yaml", uncite)
    assert "bone_joint: states facts with no citation" in _flags(folder, "drugs/letrozole")


def test_a_label_citation_must_name_a_section_of_the_label(content_copy):
    folder, edit = content_copy

    def vague(data):
        cite = next(c for c in data["bone_loss"]["citations"]
                    if c["source"] == "fda-label-letrozole")
        cite["section"] = "somewhere in the label"

    edit("drugs/letrozole.yaml", vague)
    flags = _flags(folder, "drugs/letrozole")
    assert any("`somewhere in the label` does not name a section" in f for f in flags)


def test_a_citation_of_a_source_the_block_does_not_list_is_a_load_error(content_copy):
    folder, edit = content_copy

    def foreign(data):
        data["onj"]["citations"] = [{"source": "fda-label-anastrozole", "section": "5.2 BMD"}]

    edit("drugs/letrozole.yaml", foreign)
    report = audit(load_content(folder, keep_going=True))
    assert any("`fda-label-anastrozole` is cited but not listed" in message
               for _, message in report.flags)


def test_placeholders_and_hard_summaries_are_flagged(content_copy):
    folder, edit = content_copy

    def spoil(data):
        data["clinician"]["summary"] = "TODO"
        data["bone_joint"]["summary"] = (
            "Concomitant administration precipitates accelerated trabecular demineralization, "
            "necessitating longitudinal densitometric surveillance and pharmacological "
            "intervention.")

    edit("drugs/letrozole.yaml", spoil)
    flags = _flags(folder, "drugs/letrozole")
    assert any(f.startswith("clinician.summary: placeholder left") for f in flags)
    assert any(f.startswith("bone_joint.summary: reads at grade") for f in flags)


def test_the_audit_command_exits_non_zero_on_a_flag(content_copy, monkeypatch, capsys):
    import db.audit
    import db.content

    folder, edit = content_copy
    edit("drugs/letrozole.yaml", lambda data: data["clinician"].update(summary="TODO"))
    real = db.content.load_content
    monkeypatch.setattr(db.content, "load_content",
                        lambda keep_going=False: real(folder, keep_going=keep_going))
    assert db.audit.main(["--only", "drugs/letrozole", "--flags-only"]) == 1
    out = capsys.readouterr().out
    assert "FLAG drugs/letrozole: clinician.summary: placeholder left" in out
