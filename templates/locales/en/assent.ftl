# Assent's public pages and emails in English. A translator edits only these files: each language is a
# folder named by its language tag (pl, de, pt-BR) holding assent.ftl with the same message ids.
# { $email } and { $link } are filled in by Assent; keep them where the sentence needs them.

# The language's own name, as the dashboard lists it.
language-name = English

## Every page
skip-link = Skip to content
footer = Your choices are recorded with the exact wording you agreed to. You can change them at any time in { $link }.
footer-link = your preferences

## Sign-up
subscribe-title = Sign up
subscribe-intro = Choose what you want to receive. We will email you a link to confirm; nothing starts until you do.
form-errors = Please correct the marked fields.
field-email = Email address
field-name = Your name
field-optional = (optional)
receive-legend = I would like to receive
subscribe-button = Sign up
embed-note = We will email you a link to confirm; nothing starts until you do.
error-email-missing = Enter your email address.
error-email-invalid = “{ $value }” is not a valid email address; use the form name@example.com.
error-email-too-long = That email address is too long: at most { $max } characters.
error-name = Enter your name on one line, in at most 200 characters.
error-agreement-none = Tick at least one box to choose what you want to receive.
error-agreement-unknown = “{ $value }” is not something you can sign up for here.
error-wording-changed = The wording of “{ $title }” has changed since this page was opened. Please read it again below and submit once more.

## Check your inbox
subscribed-title = Check your inbox
subscribed-sent = We have sent an email to { $email }. Open the link in it and press the button to confirm.
subscribed-nothing = Nothing arrived after a few minutes? Look in your spam folder, or { $link }.
subscribed-again = sign up again

## Confirmation
confirm-title = Confirm your subscription
confirm-intro = Press the button to confirm that you agree to:
confirm-button = Yes, confirm
confirm-not-you = If you did not ask for this, close this page: nothing happens unless you press the button.
confirmed-title = Thank you, you are subscribed
confirmed-body = Your consent has been recorded. You can withdraw it at any time, as easily as you gave it.
already-title = Already confirmed
already-body = This link has been used already; your subscription is confirmed and nothing changed.
manage-button = Manage your preferences
renewed-title = New link sent
renewed-body = We have sent a new confirmation link to the same address. Open it and press the button to confirm.

## Preferences
ask-title = Manage your preferences
ask-sent = If { $email } is registered with us, a link to your preferences is on its way. It can take a few minutes.
ask-intro = Enter your email address and we will send you a personal link to see and change what you receive.
ask-button = Email me a link
prefs-title = Your preferences
prefs-for = For { $email }. Tick what you want to receive; changes apply as soon as you save.
prefs-saved = Saved. { $count ->
    [0] Nothing needed to change.
    [one] 1 change recorded.
   *[other] { $count } changes recorded.
  }
prefs-pending = waiting for your confirmation email
prefs-save = Save my choices
prefs-unsubscribe-all = Unsubscribe from everything

## Unsubscribe
unsub-title = Unsubscribe
unsub-stop = Stop sending { $email }:
unsub-done-title = You are unsubscribed
unsub-done-body = We will no longer send { $email } the following. Your withdrawal has been recorded.
state-on = currently on
state-off = off
unsub-button = Unsubscribe
unsub-instead = Want to choose in detail instead? { $link }.
unsub-open-prefs = Open your preferences

## Emails
mail-hello = Hello,
mail-hello-name = Hello { $name },
mail-unsubscribe = Unsubscribe
mail-unsubscribe-all = Unsubscribe from everything
mail-preferences = Your preferences
mail-confirm-subject = Please confirm your subscription
mail-confirm-intro = please confirm that you want to receive:
mail-confirm-button = Confirm my subscription
mail-confirm-here = Confirm here (the page has a single button; nothing happens until you press it):
mail-confirm-or-link = Or open this link:
mail-confirm-valid = The link is valid for { $hours } hours. If you did not ask for this, ignore this email and nothing will be sent to you.
mail-already-subject = You are already subscribed
mail-already-intro = someone (probably you) just signed up with this address, but you already receive:
mail-already-nothing = Nothing has changed. { $link } to change what you receive.
mail-already-nothing-text = Nothing has changed. To change what you receive, open your preferences:
mail-open-preferences = Open your preferences
mail-prefs-subject = Your link to manage your preferences
mail-prefs-intro = here is the link to see and change what you have agreed to receive:
mail-prefs-button = Manage my preferences
mail-prefs-keep = Keep it to yourself: anyone with this link can change your preferences. If you did not ask for it, you can ignore this email.

## Error pages
err-code = Error { $status }
err-not-found = Not found
err-unknown-confirm = This confirmation link is not valid. Check that you copied the whole link from the email, or sign up again.
err-bad-link = This link is not valid. Check that you copied the whole link from the email, or ask for a new one at /preferences.
err-ended-title = This link is no longer valid
err-cancelled = This confirmation link was cancelled when you unsubscribed, so it can no longer subscribe you. If you want to receive it after all, sign up again.
err-to-signup = Go to the sign-up form
err-expired-title = This link has expired
err-expired = Confirmation links are valid for a limited time. We can send a new one to the same address.
err-expired-button = Send me a new link
err-page-missing = There is no page at this address. Check the link, or go to the sign-up form.
err-agreement-unknown-link = There is no agreement called “{ $value }”. Check the link you followed.
err-agreements-ended = None of the agreements in this link can be signed up for any more.
err-bad-request-title = The form could not be read
err-bad-form = The form data could not be read. Please go back and submit the form again.
err-too-large-title = Too much data
err-too-large = The form sent more data than this page accepts, so nothing was saved. Please shorten what you typed and submit it again.
err-too-slow-title = The form took too long to arrive
err-too-slow = Your connection stopped while the form was being sent, so nothing was saved. Please submit the form again.
err-unavailable-title = Temporarily unavailable
err-unavailable = We could not save or load your data just now. Nothing was changed; please try again in a minute.

# Global Privacy Control
gpc-noted = Your browser sends a Global Privacy Control signal: it asks that your personal data is not sold or shared.
gpc-override = Your browser asks not to sell or share your data. Tick this only if you want it anyway; we will note that you chose it with the signal on.
gpc-confirm-override = Your browser asks not to sell or share your data. Confirming this agreement overrides that signal for it, and we will note that you chose it with the signal on.
gpc-withdrawn = Because your browser sent a Global Privacy Control signal, we withdrew: { $titles }.

# Consent receipts
prefs-receipt = Download my consent record
receipt-title = Your consent record
receipt-intro = What { $organisation } has recorded for { $subject }, as of { $time }: each agreement, where it stands, the exact words it refers to, and every change.
receipt-contact = Questions about your data: { $contact }
receipt-state = { $state ->
    [given] given
    [withdrawn] withdrawn
    [refused] refused
    [pending] waiting for your confirmation
   *[other] never given
}
receipt-value = { $value ->
    [enabled] agreed
   *[other] said no
}
receipt-wording = Wording version { $version }, in { $language }.
receipt-history = Changes of { $title }
receipt-when = When
receipt-what = Change
receipt-how = How
receipt-keep-title = Keep a signed copy
receipt-keep = The signed copy holds the same record, signed by the organisation. Anyone can check it with the organisation's public keys at /.well-known/assent-receipt-keys.json, so it proves what was recorded even if the organisation later says otherwise.
receipt-download = Download the signed copy
receipt-id = Record { $id }
receipt-email = Email the signed copy to me
receipt-sent = On its way: we are emailing the signed copy to your address.
receipt-not-sent = We have sent you several emails just now, so we did not send another. Please try again in an hour, or download the signed copy here.
mail-receipt-subject = Your consent record
mail-receipt-intro = attached is the signed copy of everything we have recorded about your consents. Keep it: anyone can check it against our published keys.
mail-receipt-read = Read it in your browser:
mail-receipt-button = Read my consent record
