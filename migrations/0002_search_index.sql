-- Name resolution at scale: stable integer ids for names, a space-free key, and two FTS5
-- indexes over the normalized names (word prefixes, and trigrams for substrings and fuzzy
-- candidates). Both FTS tables are external-content tables over `names`; the loader rebuilds
-- them after writing names. `names` gets an INTEGER PRIMARY KEY because VACUUM may renumber
-- the implicit rowid of other tables, which would silently break external-content FTS.

CREATE TABLE names_new (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    norm TEXT NOT NULL,
    squash TEXT NOT NULL,
    drug_id TEXT NOT NULL REFERENCES drugs (id),
    name_type TEXT NOT NULL,
    UNIQUE (norm, drug_id, name_type)
);
INSERT INTO names_new (name, norm, squash, drug_id, name_type)
    SELECT name, norm, replace(norm, ' ', ''), drug_id, name_type FROM names;
DROP TABLE names;
ALTER TABLE names_new RENAME TO names;
CREATE INDEX names_drug ON names (drug_id);
CREATE INDEX names_squash ON names (squash);

CREATE VIRTUAL TABLE names_words USING fts5 (
    norm, content = 'names', content_rowid = 'id', prefix = '1 2 3'
);
CREATE VIRTUAL TABLE names_trigrams USING fts5 (
    norm, content = 'names', content_rowid = 'id', tokenize = 'trigram'
);

-- Which RxNorm release a code comes from ("cite the release").
ALTER TABLE codes ADD COLUMN release TEXT;
