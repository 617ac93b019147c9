# The dashboard's People and Consent pages in English: the overview and its chart, profiles, audiences,
# agreements and the sign-up form builder. Every language folder holds a dashboard-people.ftl with the
# same message ids; { $name } values are filled in by Assent.

## Overview
overview-title = Overview
overview-profiles = Profiles
overview-audiences-hint = Combinations of agreements are on the { $link } page.
overview-audiences-link = Audiences
overview-chart-heading = { $count ->
    [one] Opt-ins and opt-outs, last day
   *[other] Opt-ins and opt-outs, last { $count } days
}
overview-agreement = Agreement
overview-all-agreements = (all agreements)
overview-show = Show
overview-key-ins = opt-ins (above the line)
overview-key-outs = opt-outs (below), per UTC day as recorded.
overview-day-by-day = The numbers, day by day
overview-day = Day (UTC)
overview-ins = Opt-ins
overview-outs = Opt-outs
overview-enabled-caption = Profiles with each agreement enabled
overview-key = Key
overview-enabled = Enabled
overview-not-enabled = Not enabled
overview-no-such-agreement = There is no agreement "{ $value }" to chart; choose one from the list.

## The overview's chart (drawn as SVG)
chart-title = Opt-ins and opt-outs per day
chart-desc = From { $first } to { $last }: { $ins } and { $outs }; the busiest day had { $peak }.
chart-opt-ins = { $count ->
    [one] { $count } opt-in
   *[other] { $count } opt-ins
}
chart-opt-outs = { $count ->
    [one] { $count } opt-out
   *[other] { $count } opt-outs
}
chart-day = { $day }: { $ins }, { $outs }
# A day under the chart's axis: the month (from chart-month) and the day of the month.
chart-axis-day = { $month } { $day }
chart-month = { $count ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
}

## Profiles
profiles-title = Profiles
profiles-search-label = Email, customId, uuid or phone
profiles-search-help = The beginning of an email address or customId, or a whole uuid or phone number.
profiles-search = Search
profiles-none = No profiles.
profiles-none-match = No profiles match “{ $query }”.
profiles-email = Email
profiles-custom-id = customId
profiles-name = Name
profiles-created = Created
profiles-erased = Erased profile { $id }
profiles-no-email = (no email)
profiles-next = Next page

## One profile
profile-title = Profile
profile-heading = Profile { $id }
profile-erased-on = Erased on { $time }. Its personal data is gone; the ledger below keeps only digests.
profile-phone = Phone
profile-first-name = First name
profile-last-name = Last name
profile-email-confirmed = Email confirmed
profile-not-confirmed = no
profile-created = Created
profile-agreements = Agreements
profile-current-values = Current values: tick to enable, untick to withdraw
profile-enabled = enabled
profile-pending = waiting for confirmation
profile-disabled = disabled
profile-archived-enabled = (archived): enabled
profile-archived-disabled = (archived): disabled
profile-reason = Reason for the change
profile-reason-help = Required. Recorded in the ledger with your name as the source ({ $source }).
profile-save = Save changes
profile-history = Consent history
profile-chain-broken = The ledger chain of this profile does NOT verify: event { $event }: { $reason }
profile-chain-intact = { $count ->
    [one] Chain intact: { $count } event verified.
   *[other] Chain intact: { $count } events verified.
}
profile-when = When (UTC)
# How the ledger writes the moment of each event (a chrono pattern; UTC, to the second).
profile-when-format = %Y-%m-%d %H:%M:%S
profile-agreement = Agreement
profile-change = Change
profile-source = Source
profile-gpc = The browser sent Global Privacy Control
profile-uuid = uuid
profile-receipt = Download the signed consent record
profile-receipt-help = For the person to keep: it proves what is recorded, checked against the keys at /.well-known/assent-receipt-keys.json. The download is written in the audit log.
profile-detail = { $field ->
    [displayName] Display name
    [company] Company
    [address] Address
    [city] City
    [province] Province
    [zipCode] Postal code
    [countryCode] Country
    [birthDate] Date of birth
    [sex] Sex
    [avatarUrl] Avatar
    [anonymous] Anonymous
    [tags] Tags
   *[other] { $field }
}
profile-wording = Wording shown
profile-client = Client
profile-reason-given = Reason: { $reason }
profile-origin = imported from { $tool }
# A consent value as the ledger shows it.
profile-value = { $value ->
    [enabled] enabled
    [disabled] disabled
   *[unknown] { $value }
}
profile-erase = Erase
profile-erase-intro = Right to erasure: withdraws every agreement, blanks this person's data (address, customId, phone, names, attributes, and the IP addresses and user agents in the ledger) and keeps only digests, so the ledger still verifies. An import can never re-create the address. This cannot be undone.
profile-erase-reason = Reason
profile-erase-default-reason = Right to erasure requested by the person
profile-erase-confirm = I understand that erasing cannot be undone
profile-erase-button = Erase this profile
profile-saved = Saved: the changes are in the ledger below.
profile-unchanged = Nothing to save: no value was changed.
profile-erased = Erased: the personal data is gone; the ledger keeps only digests, and the chain still verifies.
profile-not-found = There is no profile with this id.
profile-gone = There is no profile with this id (or it was erased).
profile-reason-missing = Say why you are making this change (e.g. “asked us by phone on 3 May”): it is kept in the ledger.
profile-reason-one-line = The reason must be on one line.
profile-reason-control = The reason contains control characters; remove them.
profile-reason-too-long = The reason is too long: at most { $max } characters.
profile-bad-form = The form names an agreement or value that does not exist ({ $value }). Reload the profile and try again.
# $titles: the titles of the agreements, separated by commas.
profile-conflict-one = Nothing was saved: { $titles } changed while you had this page open (the person or another staff member acted). The values below are current; review them and submit again.
profile-conflict-many = Nothing was saved: { $titles } changed while you had this page open (the person or another staff member acted). The values below are current; review them and submit again.
profile-erase-unconfirmed = Tick the box to confirm: erasure cannot be undone.

## Audiences
audiences-title = Audiences
audiences-saved = Saved.
audiences-deleted = Deleted.
audiences-intro = Profiles that have all of, any of, or none of the agreements you choose enabled. Counts are current; erased profiles are never counted.
audiences-profiles-with = Profiles with
audiences-rule = { $rule ->
    [all] all of
    [any] any of
   *[none] none of
}
audiences-these-enabled = these agreements enabled
audiences-count = Count
# After the number of profiles, in bold.
audiences-result-all = { $count ->
    [one] profile has all of the chosen agreements enabled.
   *[other] profiles have all of the chosen agreements enabled.
}
audiences-result-any = { $count ->
    [one] profile has any of the chosen agreements enabled.
   *[other] profiles have any of the chosen agreements enabled.
}
audiences-result-none = { $count ->
    [one] profile has none of the chosen agreements enabled.
   *[other] profiles have none of the chosen agreements enabled.
}
audiences-save-as = Save this audience as
audiences-save = Save audience
audiences-saved-heading = Saved audiences
audiences-none-yet = None yet.
audiences-name = Name
audiences-column-rule = Profiles with
audiences-profiles = Profiles
audiences-actions = Actions
audiences-export = Export CSV
audiences-delete = Delete
audiences-delete-label = Delete the audience { $name }
# A saved audience as it reads; $titles: the agreements' titles, separated by commas.
audiences-reads = { $rule ->
    [all] all of { $titles }
    [any] any of { $titles }
   *[none] none of { $titles }
}
audiences-choose-rule = Choose all, any or none.
audiences-no-rule = { "\"" }{ $value }" is not a rule; use all, any or none
audiences-choose-agreement = Choose at least one agreement.
audiences-no-agreement = There is no agreement "{ $value }".
audiences-name-missing = Give the audience a name, e.g. “Newsletter and SMS”.
audiences-name-one-line = The name must be on one line.
audiences-name-control = The name contains control characters; remove them.
audiences-name-too-long = The name is too long: at most { $max } characters.
audiences-name-taken = An audience named “{ $name }” already exists; choose another name.
audiences-not-found = There is no saved audience with this id.

## Agreements
agreements-title = Agreements
agreements-new = New agreement
agreements-order-note = Forms show active agreements in this order, and the CSV export has a column for each, in this order.
agreements-agreement = Agreement
agreements-key = Key
agreements-channel = Channel
agreements-version = Version
agreements-status = Status
agreements-enabled = Enabled
agreements-waiting = Waiting to confirm
agreements-order = Order
agreements-active = active
agreements-archived = archived
agreements-move-up = Move { $title } up
agreements-move-down = Move { $title } down

## One agreement (new or edited)
# How an agreement reaches people ($channel: email, sms, push, other).
agreement-channel-name = { $channel ->
    [email] email
    [sms] sms
    [push] push
    [other] other
   *[unknown] { $channel }
}
agreement-version = version { $version }
agreement-language-version = { $language } version { $version }
agreement-archived = archived
agreement-current = current
agreement-saved = Saved.
agreement-not-saved = Nothing was saved: please correct the fields marked below.
agreement-key = Key
agreement-key-help = The attribute name other systems see, e.g. { $example }. It cannot be changed later.
agreement-channel = Channel
agreement-language = Language of the consent text
agreement-language-help = Pages in a language without a translation show this text. Add translations once the agreement exists.
agreement-title = Title
agreement-text = Consent text
agreement-text-in = Consent text in { $language } ({ $code })
agreement-text-help = The exact words people agree to. Changing them makes a new version; consents already given keep the version they were given under.
agreement-gpc = A Global Privacy Control signal means no
agreement-gpc-help = For agreements to sell or share personal data or to targeted advertising. A browser that sends GPC sees this agreement unticked on the sign-up form with a note; where the person is known (confirmation, preference centre, resignation page), an enabled agreement is withdrawn with the source gpc. Consent the person gives while their browser sends the signal is kept, and the ledger notes the signal.
agreement-gpc-invalid = Tick the box or leave it empty (the form sends on or nothing).
agreement-translations = Translations
agreement-translations-help = Pages in a language show its title and text here instead of the ones above (without a title of its own, the title above); a page in a language left empty shows the text above. Each language has its own versions, and the ledger records the language and version each person saw. Emptying a text takes that translation away.
agreement-title-in = Title in { $language } ({ $code })
agreement-optional = optional
agreement-save = Save
agreement-create = Create agreement
agreement-archive = Archive: take it off every form (its history stays)
agreement-versions = Versions
agreement-title-missing = Give the agreement a title people will recognise.
agreement-title-one-line = The title must be on one line.
agreement-title-control = The title contains control characters; remove them.
agreement-title-too-long = The title is too long: at most { $max } characters.
agreement-text-missing = Write the consent text: the exact words people agree to.
agreement-text-too-long = The consent text is too long: at most { $max } characters.
agreement-text-control = The consent text contained invisible control characters; they are taken out below. Check the text and save again.
agreement-translation-missing = Give the consent text in { $language } too, or leave its title empty.
agreement-key-invalid = Use 2 to 63 lower-case letters, digits and _, starting with a letter (e.g. alcohol_agreement).
agreement-key-reserved = The key new is reserved by the dashboard; choose another.
agreement-key-taken = The key { $key } is already in use (or was, by an archived agreement): a key keeps its meaning for ever. Choose another.
agreement-channel-invalid = Choose how people are reached: email, SMS, push or other.
agreement-language-invalid = Choose the language the consent text is written in.
agreement-full = Assent holds at most { $max } agreements, archived ones included, and that many exist. Edit or reuse an existing agreement instead.
agreement-not-found = There is no agreement with this key.
agreement-bad-direction = Say which way to move the agreement: direction=up or direction=down.

## Sign-up form builder (the form itself and its code speak the form's language, from assent.ftl)
forms-title = Sign-up form
forms-heading = Sign-up form for your website
forms-intro = Choose the agreements, then copy the code into any page. It posts to this Assent's { $path }, which records exactly the wording and version shown, and sends the confirmation email. It needs no JavaScript.
forms-agreements = Agreements on the form
forms-with-name = Ask for a name (optional for the person)
forms-language = Language of the form
forms-language-help = Its labels, and each agreement's title and text in that language where there is one (else the agreement's own). The confirmation email and the pages that follow speak it too.
forms-button = Button text
forms-button-help = Empty: { $button }, in the form's language.
forms-show = Show the form and its code
forms-preview = Preview
forms-preview-note = As it will look with your site's styles unset. The preview cannot be submitted.
forms-code = Code to copy
forms-none-ticked = Tick at least one agreement to see the form and its code.
forms-unknown-agreement = “{ $value }” is not an active agreement; pick from the list on this page.
forms-unknown-language = “{ $value }” is not a language Assent has; pick one from the list on this page.
forms-button-one-line = Button text must be on one line.
forms-button-control = Button text contains control characters; remove them.
forms-button-too-long = Button text is too long: at most { $max } characters.
