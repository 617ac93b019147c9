DROP TABLE job_rows;
DROP TABLE jobs;
