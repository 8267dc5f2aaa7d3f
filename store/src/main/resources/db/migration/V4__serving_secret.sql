-- A serving process answers only callers that show the secret it announced here: anyone who can
-- reach its port is not thereby a front door (it would compute for any account, billed to none).

ALTER TABLE serving_processes ADD COLUMN secret VARCHAR(64) NOT NULL DEFAULT '';
