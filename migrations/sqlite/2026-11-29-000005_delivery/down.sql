DROP INDEX profiles_phone;
DROP INDEX email_outbox_recipient;
DROP INDEX email_outbox_sent;
DROP INDEX email_outbox_dead;
