-- Whose a failed job's failure is (request, model_unavailable, server): how the front door answers
-- a task call that ran as a job. Jobs that failed before this column existed have none (server).
ALTER TABLE jobs ADD COLUMN failure VARCHAR(32);
