# The dashboard in English. Same rules as assent.ftl: every language folder holds a dashboard.ftl with
# the same message ids; { $name } values are filled in by Assent.

## How this language writes numbers and times (chrono patterns; times are UTC)
format-group = ,
format-decimal = .
format-datetime = %Y-%m-%d %H:%M UTC
format-date = %Y-%m-%d
duration-seconds = { $count ->
    [one] 1 second
   *[other] { $count } seconds
}
duration-minutes = { $count ->
    [one] 1 minute
   *[other] { $count } minutes
}
duration-hours = { $count ->
    [one] 1 hour
   *[other] { $count } hours
}
duration-days = { $count ->
    [one] 1 day
   *[other] { $count } days
}

## Every page
dash-skip = Skip to content
# After each page's title: "Profiles · Shop dashboard".
dash-title-suffix = dashboard
dash-menu = Menu
dash-menu-close = Close the menu
dash-nav = Dashboard
dash-sign-out = Sign out
dash-role-admin = admin
dash-role-marketer = marketer
nav-people = People
nav-overview = Overview
nav-profiles = Profiles
nav-audiences = Audiences
nav-consent = Consent
nav-agreements = Agreements
nav-forms = Sign-up form
nav-data = Data
nav-imports = Import
nav-exports = Export
nav-integrations = Integrations
nav-webhooks = Webhooks
nav-sendfiles = Send-files
nav-settings = Settings
nav-users = Users
nav-apikeys = API keys
nav-email = Email delivery
nav-audit = Audit log
nav-health = Health

## Your account
account-title = Your account
account-language = Dashboard language
account-language-browser = The language of my browser
account-language-save = Save
account-language-saved = Saved: the dashboard now speaks the language you chose.
account-no-such-language = There is no dashboard language “{ $value }”; choose one from the list.

## Health
health-title = Health
health-intro = What a monitoring system reads from /metrics, at a glance. Reload the page for current figures.
health-engine = Database engine
health-version = Version
health-database-size = Database size
health-pool = Connections in use
health-lanes = Deliveries waiting
health-lane = Lane
health-lane-email = Email
health-lane-webhook = Webhooks
health-waiting = Waiting
health-oldest-due = Oldest due for
health-dead = Dead letters
health-last-error = Last error
health-none = none
health-jobs = Jobs running
health-no-jobs = No import, export or send-file job is running.
health-job-kind = Job
health-running = Running
health-rows-done = Rows done
health-sendfiles-failing = { $count ->
    [one] 1 send-file is failing.
   *[other] { $count } send-files are failing.
}
health-see-sendfiles = See the send-files.
health-sendfiles-ok = Every send-file delivered its last run.
health-workers = Workers
health-workers-intro = Background workers of this server process ({ $node }). A worker that panics is restarted; each restart is counted here and logged.
health-worker = Worker
health-state = State
health-alive = running
health-stopped = stopped
health-started = Started
health-restarts = Restarts
health-last-panic = Last panic
