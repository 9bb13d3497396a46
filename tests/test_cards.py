"""Cards: indicators from the flags, markdown detail, CDS Hooks rules, links and ids."""

import uuid

from tests.cds_payloads import SIGN, bundle, call, coding, drug_ids, order, sign


def test_onj_on_a_bone_modifying_agent_is_a_warning_with_prevention(client):
    [card] = sign(client, order("1", coding("1046399", "Xgeva")))
    assert card["indicator"] == "warning"
    onj = client.get("/v1/drugs/denosumab").get_json()["onj"]
    assert onj["detail"] in card["detail"] and onj["prevention"] in card["detail"]


def test_bone_loss_that_adds_up_across_orders_warns_on_each_card(client):
    cards = sign(client, order("1", coding("84857")), order("2", text="Zoladex"))
    assert [c["indicator"] for c in cards] == ["warning", "warning"]
    assert drug_ids(cards) == ["anastrozole", "goserelin"]


def test_a_management_medicine_alone_is_an_info_card(client):
    [card] = sign(client, order("1", text="Tylenol"))
    assert card["indicator"] == "info" and drug_ids([card]) == ["acetaminophen"]


def test_cards_hold_the_cds_hooks_rules(client):
    disclaimer = client.get("/v1/meta").get_json()["disclaimer"]
    names = ["Cymbalta", "Xgeva", "letrozole", "Neulasta"]
    cards = sign(client, order("1", coding("10324")),
                 *(order(str(i), text=name) for i, name in enumerate(names, 2)))
    assert len(cards) == 6
    for card in cards:
        assert len(card["summary"]) < 140
        assert card["detail"].endswith(f"_{disclaimer}_") and "<" not in card["detail"]
        assert all(link["type"] == "absolute" for link in card["links"])
        _assert_no_empty_values(card)
    assert len({c["uuid"] for c in cards}) == len(cards)


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
