-- The knowledge base as one read-only artifact. Records are stored whole as JSON in `body`
-- (what the API returns); the columns beside it exist only to filter and join.

CREATE TABLE dataset (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    publisher TEXT NOT NULL,
    url TEXT,
    reviewed TEXT NOT NULL
);

CREATE TABLE classes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    therapy_type TEXT NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE drugs (
    id TEXT PRIMARY KEY,
    generic_name TEXT NOT NULL,
    drug_class TEXT NOT NULL REFERENCES classes (id),
    therapy_type TEXT NOT NULL,
    risk TEXT NOT NULL,
    risk_rank INTEGER NOT NULL,
    bone_loss INTEGER NOT NULL,
    onj INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX drugs_class ON drugs (drug_class);

-- Every name a drug answers to: generic, brand, synonym and the id itself.
-- `norm` is the normalized form (lower case, no punctuation or marks) used for matching.
CREATE TABLE names (
    name TEXT NOT NULL,
    norm TEXT NOT NULL,
    drug_id TEXT NOT NULL REFERENCES drugs (id),
    name_type TEXT NOT NULL,
    PRIMARY KEY (norm, drug_id, name_type)
);
CREATE INDEX names_drug ON names (drug_id);

-- Codes that resolve to drugs: RxNorm concepts and WHO ATC codes (current and retired).
-- One code may name several drugs (combination products).
CREATE TABLE codes (
    system TEXT NOT NULL,
    code TEXT NOT NULL,
    drug_id TEXT NOT NULL REFERENCES drugs (id),
    tty TEXT,
    name TEXT,
    retired INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (system, code, drug_id)
);

CREATE TABLE management (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE guidance (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL
);
