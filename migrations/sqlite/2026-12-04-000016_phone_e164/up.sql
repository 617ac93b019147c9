-- Phone numbers become an identifier, stored in E.164. Numbers already written with + or 00 lose their
-- spacing and punctuation here (and "(0)", the trunk prefix not dialled from abroad); the rest keep
-- what they were, since only their country (ASSENT_DEFAULT_PHONE_REGION) could say what they mean,
-- and are normalised when a write next gives them.
UPDATE profiles
SET phone = replace(replace(replace(replace(replace(replace(replace(replace(
        phone, '(0)', ''), ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '/', ''), char(160), '')
WHERE phone LIKE '+%' OR phone LIKE '00%';
UPDATE profiles SET phone = '+' || substr(phone, 3) WHERE phone LIKE '00%';
