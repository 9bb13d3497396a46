-- Sources become records of their own (kind, URL of the copy read, label set id, version,
-- retrieved date), served at /v1/sources; `source_drugs` says which drug records cite each one.

DROP TABLE sources;
CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX sources_kind ON sources (kind);

CREATE TABLE source_drugs (
    source_id TEXT NOT NULL REFERENCES sources (id),
    drug_id TEXT NOT NULL REFERENCES drugs (id),
    PRIMARY KEY (source_id, drug_id)
);
CREATE INDEX source_drugs_drug ON source_drugs (drug_id);
