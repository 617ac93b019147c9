# Das Dashboard auf Deutsch (dieselben Kennungen wie in en/dashboard.ftl).

## Zahlen und Zeiten (chrono-Muster; Zeiten in UTC)
format-group = .
format-decimal = ,
format-datetime = %d.%m.%Y %H:%M UTC
format-date = %d.%m.%Y
duration-seconds = { $count ->
    [one] 1 Sekunde
   *[other] { $count } Sekunden
}
duration-minutes = { $count ->
    [one] 1 Minute
   *[other] { $count } Minuten
}
duration-hours = { $count ->
    [one] 1 Stunde
   *[other] { $count } Stunden
}
duration-days = { $count ->
    [one] 1 Tag
   *[other] { $count } Tage
}

## Jede Seite
dash-skip = Zum Inhalt springen
# After each page's title: "Profiles · Shop dashboard".
dash-title-suffix = Dashboard
dash-menu = Menü
dash-menu-close = Menü schließen
dash-nav = Dashboard
dash-sign-out = Abmelden
dash-role-admin = Admin
dash-role-marketer = Marketing
nav-people = Personen
nav-overview = Übersicht
nav-profiles = Profile
nav-audiences = Zielgruppen
nav-consent = Einwilligungen
nav-agreements = Einwilligungen
nav-forms = Anmeldeformular
nav-data = Daten
nav-imports = Import
nav-exports = Export
nav-integrations = Integrationen
nav-webhooks = Webhooks
nav-sendfiles = Dateiversand
nav-settings = Einstellungen
nav-users = Benutzer
nav-apikeys = API-Schlüssel
nav-email = E-Mail-Zustellung
nav-audit = Änderungsprotokoll
nav-health = Systemzustand

## Ihr Konto
account-title = Ihr Konto
account-language = Sprache des Dashboards
account-language-browser = Die Sprache meines Browsers
account-language-save = Speichern
account-language-saved = Gespeichert: Das Dashboard spricht jetzt die gewählte Sprache.
account-no-such-language = Es gibt keine Dashboard-Sprache „{ $value }“; wählen Sie eine aus der Liste.

## Systemzustand
health-title = Systemzustand
health-intro = Was ein Monitoring-System aus /metrics liest, auf einen Blick. Laden Sie die Seite neu für aktuelle Werte.
health-engine = Datenbank
health-version = Version
health-database-size = Größe der Datenbank
health-pool = Verbindungen in Gebrauch
health-lanes = Wartende Zustellungen
health-lane = Kanal
health-lane-email = E-Mail
health-lane-webhook = Webhooks
health-waiting = Wartend
health-oldest-due = Älteste fällig seit
health-dead = Unzustellbar
health-last-error = Letzter Fehler
health-none = keiner
health-jobs = Laufende Aufträge
health-no-jobs = Kein Import, Export oder Dateiversand läuft.
health-job-kind = Auftrag
health-running = Laufend
health-rows-done = Erledigte Zeilen
health-sendfiles-failing = { $count ->
    [one] 1 Dateiversand schlägt fehl.
   *[other] { $count } Dateiversände schlagen fehl.
}
health-see-sendfiles = Zum Dateiversand.
health-sendfiles-ok = Jeder Dateiversand hat seinen letzten Lauf zugestellt.
health-workers = Hintergrundprozesse
health-workers-intro = Hintergrundprozesse dieses Serverprozesses ({ $node }). Ein abgestürzter Prozess wird neu gestartet; jeder Neustart wird hier gezählt und protokolliert.
health-worker = Prozess
health-state = Zustand
health-alive = läuft
health-stopped = angehalten
health-started = Gestartet
health-restarts = Neustarts
health-last-panic = Letzter Absturz
