ALTER TABLE admin_users DROP COLUMN language;
