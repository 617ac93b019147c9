DROP TABLE integration_replays;
DROP TABLE integrations;
