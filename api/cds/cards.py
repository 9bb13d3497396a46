"""CDS Hooks cards: the draft orders reviewed together with the patient's active medicines.

One card per advised draft drug that has something actionable (a bone/joint risk, a bone-loss or
ONJ warning), and one per interacting pair that involves an advised draft; nothing for the rest
(alert fatigue is why clinicians switch CDS off). Cards speak in the clinician voice of the
records, name which medicine is already active, and carry a FHIR R4 ServiceRequest suggestion
where a label or guideline gives a concrete step at the start of a drug.
"""

import uuid

from api.cds.fhir import medication_orders
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


def discovery(conn, prefetch):
    """Return the discovery document: one service per hook, each declaring its prefetch."""
    services = get_review_notes(conn)["services"]
    return {"version": SPEC_VERSION, "services": [
        {"hook": hook, "id": service_id, **services[hook], "prefetch": prefetch}
        for service_id, (hook, _) in SERVICES.items()]}


def collect_orders(call, service_id, active):
    """Return (draft orders, advised draft indexes, active orders) of one hook call."""
    context, prefetch = call["context"], call.get("prefetch")
    extra = tuple(active.containers)
    drafts = [o for o in medication_orders(context.get(SERVICES[service_id][1]), prefetch,
                                           context=extra) if o["alternatives"]]
    refs = {o["ref"] for o in drafts if o["ref"]}
    current = [o for container in extra
               for o in medication_orders(container, prefetch, context=extra, active_only=True)
               if o["alternatives"] and o["ref"] not in refs]
    return drafts, _chosen(drafts, context.get("selections")), current


def advise(conn, call, *, drafts, advised, current, problem, base_url):
    """Return the cards for one hook call from its orders and the active medicines."""
    if not advised:
        return {"cards": []}
    review = review_medications(conn, [o["alternatives"] for o in drafts + current],
                                suggest=False)
    roles = _roles(review, len(drafts), advised)
    maker = _CardMaker(get_review_notes(conn), review, call, base_url, roles, problem)
    maker.taking = {d["id"] for item in review["medications"] if item["index"] >= len(drafts)
                    for d in item["drugs"]}  # already taken: nothing is being started
    flags = {d["id"]: d for item in review["medications"] for d in item["drugs"]}
    cards = [maker.for_drug(flags[drug_id]) for drug_id, role in roles.items()
             if role == "advised"]
    cards += [maker.for_interaction(pair) for pair in review["combined"]["interactions"]
              if "advised" in {roles[i] for i in pair["drug_ids"]}]
    return {"cards": [card for card in cards if card]}


ROLE_RANK = {"advised": 0, "draft": 1, "active": 2}


def _roles(review, draft_count, advised):
    """Return {drug id: advised | draft | active}, in the order the drugs were sent.

    A drug both ordered and already active counts as ordered: the card is about this order.
    """
    roles = {}
    for item in review["medications"]:
        index = item["index"]
        role = "advised" if index in advised else "draft" if index < draft_count else "active"
        for drug in item["drugs"]:
            roles[drug["id"]] = min(role, roles.get(drug["id"], role), key=ROLE_RANK.get)
    return roles


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
    """Build the cards of one hook call from the review and the wording in the review notes."""

    def __init__(self, notes, review, call, base_url, roles, problem):
        self.words, self.orders = notes["cards"], notes["orders"]
        self.combined, self.basis = review["combined"], review["status_basis"]
        self.disclaimer, self.base = review["disclaimer"], base_url
        self.hook_instance = call["hookInstance"]
        self.patient = call["context"].get("patientId")
        self.roles, self.problem = roles, problem
        self.names = {d["id"]: d["generic_name"] for item in review["medications"]
                      for d in item["drugs"]}
        self.suggested = set()  # each coded order is proposed once per call
        self.taking = set()

    def _named(self, drug_ids):
        """Return "x, y (already active)" for a list of drug ids."""
        marks = self.words["roles"]
        return ", ".join(f"{self.names[d]}{marks['active'] if self.roles[d] == 'active' else ''}"
                         for d in drug_ids)

    def for_drug(self, drug):
        """Return the card of one advised drug, or None when it has nothing actionable."""
        record, words = drug["record"], self.words
        bone_loss, onj = self.combined["bone_loss"], self.combined["onj"]
        stacked = [d for d in bone_loss["stacked_drug_ids"] if d != drug["id"]] \
            if drug["id"] in bone_loss["stacked_drug_ids"] else []
        onj_with = [d for d in onj["contributors"] if d != drug["id"]] \
            if drug["onj"]["warning"] else []
        if drug["risk"] == "none" and not drug["bone_loss"]["warning"] and not drug["onj"][
                "warning"]:
            return None
        marks = []
        if stacked:
            marks.append(words["flags"]["stacked"].format(drugs=self._named(stacked)))
        elif drug["bone_loss"]["warning"]:
            marks.append(words["flags"]["bone_loss"])
        if onj_with:
            marks.append(words["flags"]["onj_with"].format(drugs=self._named(onj_with)))
        elif drug["onj"]["warning"]:
            marks.append(words["flags"]["onj"])
        summary = words["summary"][drug["risk"]].format(drug=_title(drug["generic_name"]))
        indicator = "warning" if stacked or drug["onj"]["warning"] else "info"
        card = self._card(f"drug/{drug['id']}", "; ".join([summary, *marks]), indicator,
                          self._paragraphs(drug, stacked, onj_with), "drug",
                          [drug["id"]], record)
        suggestions = self._suggestions(drug)
        if suggestions:
            card["suggestions"] = suggestions
        return card

    def _paragraphs(self, drug, stacked, onj_with):
        record, heads = drug["record"], self.words["headings"]
        clinician = record["clinician"]
        paragraphs = [_para(heads["effects"], clinician["summary"])]
        if stacked:
            text = self.words["stacked"].format(drugs=self._named([drug["id"], *stacked]))
            paragraphs.append(_para(heads["bone_loss"], f"{text} {self.basis['note']}"))
        if onj_with:
            text = self.words["onj_with"].format(drugs=self._named([drug["id"], *onj_with]))
            paragraphs.append(_para(heads["onj"], text))
        if clinician["actions"]:
            items = "\n".join(f"- {a['text']}" for a in clinician["actions"])
            paragraphs.append(f"**{heads['actions']}:**\n\n{items}")
        return paragraphs

    def _suggestions(self, drug):
        """Propose the coded orders of the drug's actions, when it is being started."""
        if not self.patient or drug["id"] in self.taking:
            return []
        out = []
        for action in drug["record"]["clinician"]["actions"]:
            order = action.get("order")
            if not order or order in self.suggested:
                continue
            self.suggested.add(order)
            out.append(self._suggestion(order, action, drug))
        return out

    def _suggestion(self, order, action, drug):
        spec = self.orders[order]
        resource = {
            "resourceType": "ServiceRequest", "status": "draft", "intent": "proposal",
            "code": {"coding": [spec["code"]], "text": spec["code"]["display"]},
            "subject": {"reference": f"Patient/{self.patient}"},
            "reasonCode": [{"text": spec["reason"].format(drug=drug["generic_name"])}],
            "note": [{"text": action["text"]}],
        }
        return {"label": spec["label"], "isRecommended": False,
                "uuid": str(uuid.uuid5(CARD_IDS, f"{self.hook_instance}/suggestion/{order}")),
                "actions": [{"type": "create", "description": spec["label"],
                             "resource": resource}]}

    def for_interaction(self, pair):
        """Return the card of one interacting pair, naming both and which one is active."""
        first, second = pair["drug_ids"]
        if self.roles[first] == "active":  # name the medicine being ordered first
            first, second = second, first
        key = "do_not_combine" if pair["do_not_combine"] else "interaction"
        summary = self.words[key].format(first=_title(self.names[first]),
                                         second=self._named([second]), severity=pair["severity"])
        indicator = ("critical" if pair["do_not_combine"] else
                     "warning" if pair["severity"] == "major" else "info")
        return self._card(f"interaction/{'+'.join(sorted(pair['drug_ids']))}", summary,
                          indicator, [_para(self.words["headings"]["interaction"],
                                            pair["clinician"])],
                          "interaction", [first, second], None)

    def _card(self, key, summary, indicator, paragraphs, topic, drug_ids, record):
        if self.problem:
            paragraphs = [*paragraphs, f"_{self.words['draft_only'].format(reason=self.problem)}_"]
        body = "\n\n".join([*(p for p in paragraphs if p), f"_{self.disclaimer}_"])
        links = [{"label": self.words["link"].format(drug=self.names[d]),
                  "url": f"{self.base}/v1/drugs/{d}", "type": "absolute"} for d in drug_ids]
        links += _label_links(record, self.words["label_link"]) if record else []
        return {
            "uuid": str(uuid.uuid5(CARD_IDS, f"{self.hook_instance}/{key}")),
            "summary": _clip(summary), "indicator": indicator,
            "detail": body.replace("<", "&lt;"),  # markdown only: no raw HTML reaches the EHR
            "source": {"label": "ossa", "url": f"{self.base}/v1/meta", "topic": {
                "system": TOPIC_SYSTEM, "code": TOPICS[topic],
                "display": self.words["topics"][topic]}},
            "links": links,
        }


def _label_links(record, template):
    """Link the labels the clinician block cites (the label itself when its set id is known)."""
    cited = {c["source"] for c in record["clinician"]["citations"]}
    cited |= {c["source"] for a in record["clinician"]["actions"] for c in a["citations"]}
    links = []
    for source in record["sources"]:
        url = source["dailymed_url"] or source["url"]
        if source["id"] in cited and source["kind"] == "label" and url:
            links.append({"label": template.format(title=source["title"]), "url": url,
                          "type": "absolute"})
    return links[:2]


def _para(heading, text):
    return f"**{heading}:** {text}" if text else ""
