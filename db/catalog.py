"""Classes, management strategies, pain guidance, sources and dataset metadata."""

from db import NotFound, dataset_info, loads
from db.suggest import closest


def _get(conn, table, record_id, what):
    row = conn.execute(f"SELECT body FROM {table} WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        ids = [r[0] for r in conn.execute(f"SELECT id FROM {table} ORDER BY id")]
        raise NotFound(f"No {what} has the id `{record_id}`.",
                       suggestions=closest(record_id, ids))
    return loads(row["body"])


def _page(conn, table, where, params, limit, offset):
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total = conn.execute(f"SELECT count(*) FROM {table} {clause}", params).fetchone()[0]
    rows = conn.execute(f"SELECT body FROM {table} {clause} ORDER BY id LIMIT ? OFFSET ?",
                        [*params, limit, offset])
    return {"items": [loads(r["body"]) for r in rows], "total": total,
            "limit": limit, "offset": offset}


def get_class(conn, class_id):
    """Return one drug class with its members."""
    return _get(conn, "classes", class_id, "drug class")


def list_classes(conn, *, limit, offset):
    """Return a page of drug classes."""
    return _page(conn, "classes", [], [], limit, offset)


def get_strategy(conn, strategy_id):
    """Return one management strategy."""
    return _get(conn, "management", strategy_id, "management strategy")


def list_strategies(conn, *, limit, offset, pain_type=None, cause=None, kind=None):
    """Return a page of management strategies, filtered by pain type, cause and kind."""
    where, params = [], []
    if pain_type:
        where.append("EXISTS (SELECT 1 FROM json_each(body, '$.pain_types') WHERE value = ?)")
        params.append(pain_type)
    if cause:
        where.append("EXISTS (SELECT 1 FROM json_each(body, '$.causes') WHERE value = ?)")
        params.append(cause)
    if kind:
        where.append("kind = ?")
        params.append(kind)
    return _page(conn, "management", where, params, limit, offset)


def get_topic(conn, topic_id):
    """Return one pain-guidance topic."""
    return _get(conn, "guidance", topic_id, "guidance topic")


def list_topics(conn, *, limit, offset):
    """Return a page of pain-guidance topics."""
    return _page(conn, "guidance", [], [], limit, offset)


def get_source(conn, source_id):
    """Return one source record."""
    return _get(conn, "sources", source_id, "source")


def list_sources(conn, *, limit, offset, kind=None, drug_id=None):
    """Return a page of sources, filtered by kind and by the drug record that cites them."""
    where, params = [], []
    if kind:
        where.append("kind = ?")
        params.append(kind)
    if drug_id:
        where.append("id IN (SELECT source_id FROM source_drugs WHERE drug_id = ?)")
        params.append(drug_id)
    return _page(conn, "sources", where, params, limit, offset)


COUNTED = ("drugs", "classes", "management", "guidance", "sources", "names", "codes")


def get_meta(conn):
    """Return the dataset's version, counts and the ids of its sources."""
    info = dataset_info(conn)
    counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in COUNTED}
    sources = [r[0] for r in conn.execute("SELECT id FROM sources ORDER BY id")]
    return {**info, "counts": counts, "sources": sources}
