DROP TABLE sendfiles;
