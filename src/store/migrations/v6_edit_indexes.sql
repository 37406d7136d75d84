-- Version 6: indexes that a text edit does not have to rewrite (issue 16, edit speed).
-- Shipped migration: never edit; later changes add a new step.
-- An edit moves every coding and turn after it. An index holding `start` made each moved row
-- also move its index entry; every lookup of these rows is by document, so the turns' index
-- keeps only the document, and the codings' lookups by document use the prefix of their unique
-- index (document_id, code_id, coder_id, start, end).
DROP INDEX coding_by_document;
DROP INDEX turn_by_document;
CREATE INDEX turn_by_document ON turn (document_id);
