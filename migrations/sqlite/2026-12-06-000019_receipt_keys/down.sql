DROP TABLE receipt_keys;
