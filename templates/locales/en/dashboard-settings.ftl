# The dashboard's Settings pages (users, API keys, email delivery, audit log), the sign-in page and the
# dashboard's error pages, in English. Every language folder holds a dashboard-settings.ftl with the same
# message ids; { $name } values are filled in by Assent.

## Users
users-title = Users
users-email = Email
users-role = Role
users-status = Status
users-created = Created (UTC)
users-disabled-on = disabled { $date }
users-active = active
users-new = New user
users-not-created = Nobody was created: please correct the fields marked below.
users-email-label = Email (their sign-in name)
users-role-help = Marketers manage agreements, profiles and audiences; admins also users, API keys, exports and email delivery.
users-password-label = First password
users-password-help = At least { $min } characters; a few unrelated words work well. Give it to them by a separate channel.
users-create = Create user
users-exists = A dashboard user with this email already exists.
users-role-invalid = { $value } is not a role; use admin or marketer
users-password-too-short = The password is too short: use at least { $min } characters (a few unrelated words work well).
users-password-too-long = The password is too long: at most { $max } characters.
users-password-repetitive = The password repeats too few different characters.
users-password-has-email = The password must not contain the account's email address.
users-password-common = The password contains a very common password; choose something less guessable.

## One user
user-back = ← Users
user-disabled-since = disabled since { $when }
user-created = Created { $created }; password set { $password }.
user-password = Password
user-current = Your current password
user-new-password = New password
user-password-help-self = At least { $min } characters. Every session of yours but this one ends at once.
user-password-help-other = At least { $min } characters. Every session of this user ends at once.
user-set-password = Set password
user-access = Access
user-cannot-sign-in = This user cannot sign in.
user-enable = Enable: let them sign in again
user-disable-help = Disabling ends their sessions at once, on every node. Their actions stay in the audit log.
user-disable = Disable
user-done-created = Created. They can sign in at /admin/login with the password you chose.
user-done-password = Password set. Their other sessions have ended.
user-done-disable = Disabled: they are signed out everywhere and cannot sign in.
user-done-enable = Enabled: they can sign in again.
user-not-found = There is no dashboard user with this id.
user-wrong-current = That is not your current password.
user-not-yourself = You cannot disable or enable your own account; ask another admin.
user-only-admin = { $email } is the only admin who can sign in; make another admin first.

## API keys
apikeys-title = API keys
apikeys-created = Created the key { $name }. Copy it now: it is shown only this once and only its hash is stored.
apikeys-intro-header = Other systems send a key as { $header }.
apikeys-intro-source = Changes they make are recorded with the source { $source }.
apikeys-name = Name of the new key
apikeys-create = Create key
apikeys-col-name = Name
apikeys-col-created = Created (UTC)
apikeys-col-last-used = Last used (UTC)
apikeys-col-status = Status
apikeys-never = never
apikeys-revoked-on = revoked { $date }
apikeys-revoke-label = Revoke the key { $name }
apikeys-revoke = Revoke
apikeys-done-revoked = Revoked: requests with that key are refused from now on.
apikeys-name-invalid = Use 1 to 64 letters, digits, '-', '_' or '.' (it appears in the ledger as api:<name>).
apikeys-name-taken = A key named “{ $name }” already exists (names stay in the ledger); choose another.
apikeys-not-found = There is no live API key with this id.

## Email delivery
email-title = Email delivery
email-works-smtp = The connection works: the SMTP server { $target } answered.
email-works-files = The connection works: files in { $dir } (no ASSENT_SMTP_URL is set, so nothing reaches an inbox) answered.
email-check-failed = The connection check failed: { $error }
email-check-waits = Emails wait in the outbox and are retried; nothing is lost while the server is away.
email-goes-smtp = Emails go to the SMTP server { $target }.
email-goes-files = Emails go to files in { $dir } (no ASSENT_SMTP_URL is set, so nothing reaches an inbox).
email-queued = Queued
email-due = Due now
email-sent-last-day = Sent in the last 24 hours
email-dead = Dead letters
email-sent = Sent
email-last-sent = Last email sent: { $when }.
email-none-yet = none yet
email-oldest = Oldest queued email: created { $when }.
email-oldest-error = Oldest queued email: created { $when }, last error: { $error }.
email-check = Check the connection now
email-retry-all = Retry every dead letter
email-shelves = Which emails
email-none = No emails here.
email-col-kind = Kind
email-col-to = To
email-col-created = Created (UTC)
email-col-attempts = Attempts
email-col-next = Next attempt
email-col-sent = Sent
email-col-dead = Dead since
email-col-error = Last error
email-col-action = Action
email-not-kept = (not kept)
email-retry-label = Retry email { $id }
email-retry = Retry
email-older = Older emails
email-retried = { $count ->
    [one] One email is queued again and will be sent shortly.
   *[other] { $count } emails are queued again and will be sent shortly.
}
email-no-such-shelf = { $value } is not a list of emails here; use queued, sent or dead.
email-no-dead-letter = There is no dead letter with this id (it may have been retried already).

## Audit log
audit-title = Audit log
audit-intro = Every change made in the dashboard or with the command line, newest first.
audit-when = When (UTC)
audit-who = Who
audit-action = Action
audit-what = What
audit-detail = Detail
audit-ip = IP
audit-older = Older entries

## Sign-in
login-title = Sign in
login-heading = Sign in to the dashboard
login-first-run = No one can sign in yet. Create the first admin on the server with { $command } (it asks for a password of at least { $min } characters), then sign in here.
login-email = Email address
login-password = Password
login-submit = Sign in
login-refused = The email address or the password is not right.

## The dashboard's error pages
dash-error-code = Error { $status }
dash-error-forbidden = Not allowed
dash-error-to-dashboard = Back to the dashboard
dash-error-throttled-title = Too many sign-in attempts
dash-error-throttled = There were too many failed sign-ins for this account or from your network in the last minute. Wait a minute, then try again.
dash-error-to-sign-in = Back to sign-in
dash-error-not-found = Not found
dash-error-bad-request = Bad request
dash-error-too-large-title = Too much data
dash-error-too-large = the request body is larger than { $max } bytes
dash-error-too-slow-title = The form took too long to arrive
dash-error-too-slow = Your connection stopped while the form was being sent, so nothing was saved. Please submit the form again.
dash-error-unavailable-title = Temporarily unavailable
dash-error-unavailable = We could not save or load your data just now. Nothing was changed; please try again in a minute.
dash-error-csrf = This form has expired or did not come from this site (its security token is missing or wrong). Go back, reload the page and submit it again.
dash-error-admins-only = Only admins can open this page. Ask an admin if you need something here.
dash-error-no-page = There is no dashboard page at this address.
