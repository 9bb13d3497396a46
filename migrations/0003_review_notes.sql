-- The wording that medication reviews and CDS Hooks cards add to the drug records
-- (db/content/review_notes.yaml): one row per section of that file, stored whole as JSON.

CREATE TABLE review_notes (
    section TEXT PRIMARY KEY,
    body TEXT NOT NULL
);
