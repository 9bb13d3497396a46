"""Cards: indicators from the flags, markdown detail, CDS Hooks rules, links and ids."""

import uuid

from tests.cds_payloads import SIGN, bundle, call, coding, drug_ids, order, sign


def test_onj_on_a_bone_modifying_agent_is_a_warning_in_the_clinician_voice(client):
    [card] = sign(client, order("1", coding("1046399", "Xgeva")))
    assert card["indicator"] == "warning"
    clinician = client.get("/v1/drugs/denosumab").get_json()["clinician"]
    assert clinician["summary"] in card["detail"]
    assert all(action["text"] in card["detail"] for action in clinician["actions"])


def test_bone_loss_that_adds_up_across_orders_warns_on_each_card(client):
    cards = sign(client, order("1", coding("84857")), order("2", text="Zoladex"))
    assert [c["indicator"] for c in cards] == ["warning", "warning"]
    assert drug_ids(cards) == ["anastrozole", "goserelin"]
    assert "goserelin" in cards[0]["summary"] and "anastrozole" in cards[1]["summary"]


def test_a_medicine_with_nothing_to_act_on_gets_no_card(client):
    assert sign(client, order("1", text="Tylenol")) == []
    assert sign(client, order("1", text="acetaminophen 500 MG Oral Tablet")) == []


def test_cards_hold_the_cds_hooks_rules(client):
    disclaimer = client.get("/v1/meta").get_json()["disclaimer"]
    names = ["Cymbalta", "Xgeva", "letrozole", "Neulasta"]
    cards = sign(client, order("1", coding("10324")),
                 *(order(str(i), text=name) for i, name in enumerate(names, 2)))
    # tamoxifen, Xgeva, letrozole and Neulasta have their own cards; Cymbalta only its
    # interaction with tamoxifen; tamoxifen + letrozole is a pair a label says not to combine
    assert len(cards) == 6
    for card in cards:
        assert len(card["summary"]) < 140
        assert card["detail"].endswith(f"_{disclaimer}_")
        assert all(link["type"] == "absolute" for link in card["links"])
        _assert_no_empty_values(card)
    assert len({c["uuid"] for c in cards}) == len(cards)


def test_markdown_detail_never_carries_raw_html(make_app, monkeypatch):
    import api.cds.cards as cards

    original = cards._CardMaker._paragraphs

    def with_html(self, drug, stacked, onj_with):
        return [*original(self, drug, stacked, onj_with), "<script>alert(1)</script>"]

    monkeypatch.setattr(cards._CardMaker, "_paragraphs", with_html)
    [card] = sign(make_app().test_client(), order("1", text="Femara"))
    assert "<script>" not in card["detail"] and "&lt;script>" in card["detail"]


def _assert_no_empty_values(node):
    if isinstance(node, dict):
        for value in node.values():
            assert value not in (None, "", [], {})
            _assert_no_empty_values(value)
    elif isinstance(node, list):
        for value in node:
            _assert_no_empty_values(value)


def test_card_uuids_are_stable_per_call_and_differ_between_calls(client):
    payload = call("order-sign", {"draftOrders": bundle(order("1", text="Femara"))})
    first = client.post(SIGN, json=payload).get_json()["cards"][0]["uuid"]
    assert client.post(SIGN, json=payload).get_json()["cards"][0]["uuid"] == first
    payload["hookInstance"] = str(uuid.uuid4())
    assert client.post(SIGN, json=payload).get_json()["cards"][0]["uuid"] != first


def test_links_use_the_public_url_when_configured(make_app):
    client = make_app(PUBLIC_URL="https://ossa.example.org/").test_client()
    [card] = sign(client, order("1", text="Femara"))
    assert card["links"][0]["url"] == "https://ossa.example.org/v1/drugs/letrozole"
    assert card["source"]["url"] == "https://ossa.example.org/v1/meta"
