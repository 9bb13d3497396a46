"""Drug records: one by id, or a filtered page."""

from db import NotFound, loads
from db.suggest import suggest

FILTERS = {
    "drug_class": "drug_class = :drug_class",
    "therapy_type": "therapy_type = :therapy_type",
    "risk": "risk = :risk",
    "bone_loss": "bone_loss = :bone_loss",
    "onj": "onj = :onj",
}


def get_drug(conn, drug_id):
    """Return one drug record; raise NotFound with suggestions for an unknown id."""
    row = conn.execute("SELECT body FROM drugs WHERE id = ?", (drug_id,)).fetchone()
    if row is None:
        raise NotFound(f"No drug has the id `{drug_id}`.", suggestions=suggest(conn, drug_id))
    return loads(row["body"])


def get_drugs(conn, drug_ids):
    """Return the records for drug_ids, in the order given."""
    marks = ",".join("?" * len(drug_ids))
    rows = conn.execute(f"SELECT id, body FROM drugs WHERE id IN ({marks})", list(drug_ids))
    found = {row["id"]: loads(row["body"]) for row in rows}
    return [found[d] for d in drug_ids if d in found]


def list_drugs(conn, *, limit, offset, ids=None, **filters):
    """Return {items, total, limit, offset} for the drugs matching every filter given."""
    where = [FILTERS[key] for key, value in filters.items() if value is not None]
    params = {key: int(value) if isinstance(value, bool) else value
              for key, value in filters.items() if value is not None}
    if ids:
        marks = ",".join(f":id{i}" for i in range(len(ids)))
        where.append(f"id IN ({marks})")
        params.update({f"id{i}": drug_id for i, drug_id in enumerate(ids)})
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    # Filters come only from the FILTERS table above; values are always bound parameters.
    total = conn.execute(f"SELECT count(*) FROM drugs {clause}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT body FROM drugs {clause} ORDER BY risk_rank DESC, id LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )
    items = [loads(row["body"]) for row in rows]
    return {"items": items, "total": total, "limit": limit, "offset": offset}
