"""CDS Hooks answers: the services we offer, and cards built from the medication review."""

import uuid

from api.fhir import medication_orders
from db.review_content import get_review_notes
from db.reviews import review_medications

SPEC_VERSION = "2.0.1"
# service id -> (hook, the context field that holds the orders)
SERVICES = {
    "ossa-order-select": ("order-select", "draftOrders"),
    "ossa-order-sign": ("order-sign", "draftOrders"),
    "ossa-medication-prescribe": ("medication-prescribe", "medications"),
}
TOPIC_SYSTEM = "urn:ossa:cds-card-topic"
TOPICS = {"drug": "bone-joint-effects", "interaction": "drug-interaction"}
CARD_IDS = uuid.UUID("6f5a4c1e-0b1d-5c8e-9a51-0553a0e9c0de")  # namespace of our card uuids
MAX_SUMMARY = 139  # CDS Hooks: fewer than 140 characters


def discovery(conn):
    """Return the discovery document: one service per hook, none needing prefetch."""
    services = get_review_notes(conn)["services"]
    return {"version": SPEC_VERSION, "services": [
        {"hook": hook, "id": service_id, **services[hook]}
        for service_id, (hook, _) in SERVICES.items()]}


def advise(conn, service_id, call, *, base_url):
    """Return the cards for one hook call: one per resolved drug, one per interaction."""
    context = call["context"]
    orders = [o for o in medication_orders(context.get(SERVICES[service_id][1]),
                                           call.get("prefetch"))
              if o["alternatives"]]
    if not orders:
        return {"cards": []}
    review = review_medications(conn, [o["alternatives"] for o in orders])
    chosen = _chosen(orders, context.get("selections"))
    drugs = {d["id"]: d for item in review["medications"] if item["index"] in chosen
             for d in item["drugs"]}
    card = _CardMaker(get_review_notes(conn)["cards"], review, call["hookInstance"], base_url)
    cards = [card.for_drug(drug) for drug in drugs.values()]
    cards += [card.for_interaction(pair) for pair in review["combined"]["interactions"]
              if drugs.keys() & set(pair["drug_ids"])]
    return {"cards": cards}


def _chosen(orders, selections):
    """Return the indexes of the orders to advise on: the selected ones when a list is sent."""
    if not isinstance(selections, list):
        return set(range(len(orders)))
    wanted = {str(s) for s in selections}
    # Some clients select by bare id ("123") rather than "MedicationRequest/123".
    return {i for i, o in enumerate(orders)
            if o["ref"] and (o["ref"] in wanted or o["ref"].split("/", 1)[1] in wanted)}


def _clip(text):
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1].rstrip() + "…"


def _title(name):
    return name[:1].upper() + name[1:]


class _CardMaker:
    """Build cards for one hook call from the review and the card wording in the notes."""

    def __init__(self, words, review, hook_instance, base_url):
        self.words, self.combined, self.base = words, review["combined"], base_url
        self.disclaimer, self.hook_instance = review["disclaimer"], hook_instance

    def _card(self, key, summary, indicator, paragraphs, topic, drugs):
        card_id = uuid.uuid5(CARD_IDS, f"{self.hook_instance}/{key}")
        body = "\n\n".join([*(p for p in paragraphs if p), f"_{self.disclaimer}_"])
        return {
            "uuid": str(card_id), "summary": _clip(summary), "indicator": indicator,
            "detail": body.replace("<", "&lt;"),  # markdown only: no raw HTML reaches the EHR
            "source": {"label": "ossa", "url": f"{self.base}/v1/meta", "topic": {
                "system": TOPIC_SYSTEM, "code": TOPICS[topic],
                "display": self.words["topics"][topic]}},
            "links": [{"label": self.words["link"].format(drug=d["generic_name"]),
                       "url": f"{self.base}/v1/drugs/{d['id']}", "type": "absolute"}
                      for d in drugs],
        }

    def for_drug(self, drug):
        """Return the card of one drug: effects, how, bone loss, ONJ and what helps."""
        bone_loss = self.combined["bone_loss"]
        stacked = bone_loss["stacked"] and drug["id"] in bone_loss["contributors"]
        flags, marks = self.words["flags"], []
        if drug["bone_loss"]["warning"]:
            marks.append(flags["stacked"] if stacked else flags["bone_loss"])
        if drug["onj"]["warning"]:
            marks.append(flags["onj"])
        summary = self.words["summary"][drug["risk"]].format(drug=_title(drug["generic_name"]))
        # Alert on what needs action now (ONJ prevention, bone loss that adds up), not on
        # common side effects: too many warnings teach clinicians to ignore them.
        indicator = "warning" if stacked or drug["onj"]["warning"] else "info"
        return self._card(f"drug/{drug['id']}", "; ".join([summary, *marks]), indicator,
                          self._paragraphs(drug, stacked), "drug", [drug])

    def _paragraphs(self, drug, stacked):
        record, heads = drug["record"], self.words["headings"]
        paragraphs = [_para(heads["effects"], record["bone_joint"]["summary"]),
                      _para(heads["mechanism"], record["bone_joint"]["mechanism"])]
        if drug["bone_loss"]["warning"]:
            # the stacking note is the first of the combined notes when there is one
            notes = self.combined["bone_loss"]["notes"][:1] if stacked else []
            notes += [drug["bone_loss"]["note"]] if "note" in drug["bone_loss"] else []
            text = " ".join([record["bone_loss"]["detail"] or "", *notes]).strip()
            paragraphs.append(_para(heads["bone_loss"], text))
        if drug["onj"]["warning"]:
            paragraphs += [_para(heads["onj"], record["onj"]["detail"]),
                           _para(heads["prevention"], record["onj"]["prevention"])]
        if record["management"]:
            items = "\n".join(f"- {m['title']}" for m in record["management"])
            paragraphs.append(f"**{heads['management']}:**\n\n{items}")
        return paragraphs

    def for_interaction(self, pair):
        """Return the card of one interacting pair, naming both drugs."""
        first, second = pair["drug_names"]
        summary = self.words["interaction"].format(first=_title(first), second=second,
                                                   severity=pair["severity"])
        indicator = "info" if pair["severity"] == "minor" else "warning"
        names = zip(pair["drug_ids"], pair["drug_names"], strict=True)
        drugs = [{"id": drug_id, "generic_name": name} for drug_id, name in names]
        return self._card(f"interaction/{'+'.join(sorted(pair['drug_ids']))}", summary, indicator,
                          [_para(self.words["headings"]["interaction"], pair["detail"])],
                          "interaction", drugs)


def _para(heading, text):
    return f"**{heading}:** {text}" if text else ""
