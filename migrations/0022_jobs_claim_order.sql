-- The job claim (src/platform/jobs.ts JobWorker.runOne) takes, per queue of its lane, the first due job in
-- (run_at, id) order. With (queue, run_at) the tie on run_at (a bulk enqueues hundreds of jobs with one run_at) left
-- the planner a scan and sort of every open job of the queue for each claim: 22 ms per claim with 8,000 mail jobs
-- pending on PGlite. With id in the index each queue's first due job is one index descent.
CREATE INDEX jobs_due_order_idx ON jobs (queue, run_at, id) WHERE state IN ('pending', 'running');
DROP INDEX jobs_due_idx;
