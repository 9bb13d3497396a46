-- Medicines ossa recognises without holding a record for them: a name dictionary, and RxNorm
-- concepts of covered ingredients that are other products (local eye, ear and skin forms;
-- other medicines sharing an ingredient code). `kind` is `name` (key: the normalized name) or
-- `code` (key: the RxCUI). A lookup that lands here answers 404 `not_covered`.

CREATE TABLE uncovered (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    rxcui TEXT,
    reason TEXT NOT NULL,
    covered_form TEXT REFERENCES drugs (id),
    PRIMARY KEY (kind, key)
);
