-- A code or link is replaced at most once (re-issuing twice would leave two live
-- replacements of one printed card), and finding the replacement is an index lookup.
CREATE UNIQUE INDEX access_codes_replaces ON access_codes (replaces) WHERE replaces IS NOT NULL;
-- The participants page names the code each participant joined with.
CREATE INDEX participants_code ON participants (code_id) WHERE code_id IS NOT NULL;
