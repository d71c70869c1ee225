-- Each claim of a job stamps the rows it takes with a token of that claim (JobWorker in platform/jobs.ts). When a
-- claim's answer is lost — the session cut after the UPDATE committed, before its rows reached the worker — the
-- worker hands the claim's jobs back by that token once the database answers again, instead of leaving them
-- leased and unrun for the lease (60 s). Not indexed: the hand-back is rare and reads only the claimed queues'
-- due rows (jobs_due_order_idx); the claim UPDATE stays HOT.
ALTER TABLE jobs ADD COLUMN claim_token text;
