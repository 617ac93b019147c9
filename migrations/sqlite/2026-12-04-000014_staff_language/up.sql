-- The dashboard's language each staff member chose on their account page (a catalogue tag: en, pl, de);
-- none means their browser's.
ALTER TABLE admin_users ADD COLUMN language TEXT;
