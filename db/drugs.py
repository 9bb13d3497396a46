"""Drug records: one by id, or a filtered page.

Records come parsed from the dataset's vocabulary (each body is parsed once per process and
dataset version, then shared: callers must not change them).
"""

from db import NotFound
from db.suggest import suggest
from db.vocabulary import vocabulary

FILTERS = {
    "drug_class": "drug_class = :drug_class",
    "therapy_type": "therapy_type = :therapy_type",
    "risk": "risk = :risk",
    "bone_loss": "bone_loss = :bone_loss",
    "onj": "onj = :onj",
}


def get_drug(conn, drug_id):
    """Return one drug record; raise NotFound with suggestions for an unknown id."""
    record = vocabulary(conn).records.get(drug_id)
    if record is None:
        raise NotFound(f"No drug has the id `{drug_id}`.", suggestions=suggest(conn, drug_id))
    return record


def get_drugs(conn, drug_ids):
    """Return the records for drug_ids, in the order given (unknown ids are left out)."""
    records = vocabulary(conn).records
    return [records[d] for d in drug_ids if d in records]


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
        f"SELECT id FROM drugs {clause} ORDER BY risk_rank DESC, id LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )
    items = get_drugs(conn, [row[0] for row in rows])
    return {"items": items, "total": total, "limit": limit, "offset": offset}
