# Die Daten-Seiten des Dashboards auf Deutsch: Importe, Export, Integrationen, Webhooks und Dateiversand
# (dieselben Kennungen wie in en/dashboard-data.ftl).

## Importe
imports-title = Importe
imports-intro = Übernehmen Sie Profile und Einwilligungen aus einer CSV-, JSON- (ein Array), JSON-Lines- oder XML-Datei ({ $xml }). Nach dem Hochladen legen Sie anhand einer Vorschau der ersten Zeilen fest, was jede Spalte enthält. Jede Zeile wird wie ein Eintrag der Batch-API geprüft: Fehlerhafte Zeilen werden mit ihrer Nummer gemeldet und halten die gültigen nicht auf, und eine Zeile, die älter ist als die letzte Änderung einer Person, überschreibt diese nie. Änderungen werden mit der Quelle { $source } erfasst.
imports-source-example = import:<Nummer>
imports-format = Format
imports-format-auto = Anhand des Dateinamens
imports-format-json = JSON (ein Array von Profilen)
imports-delimiter = CSV-Trennzeichen
imports-delimiter-auto = Aus der Kopfzeile erkennen
imports-comma = Komma
imports-semicolon = Semikolon
imports-tab = Tabulator
imports-bar = senkrechter Strich
imports-file = Datei (UTF-8)
imports-upload = Hochladen und Spalten zuordnen
imports-recent = Letzte Importe
imports-none = Noch keine Importe.
imports-file-column = Datei
imports-status = Status
imports-rows = Zeilen
imports-counts = Angelegt · aktualisiert · unverändert · veraltet · abgelehnt
imports-by-when = Von wem, wann (UTC)
imports-dry-run = (Probelauf)
imports-done-of = { $done } von { $total }
imports-percent = { $value } %
imports-job-draft = Entwurf
imports-job-queued = wartend
imports-job-running = läuft
imports-job-done = fertig
imports-job-failed = fehlgeschlagen
imports-job-cancelled = abgebrochen

## Ein Import
import-title = Import { $id }
import-heading = Import { $id }: { $name }
import-back = ← Importe
import-map-intro = Legen Sie fest, was jede Spalte enthält. Spalten, die wie ein Feld oder ein Einwilligungsschlüssel heißen, sind bereits zugeordnet; alles andere wird als Profilattribut übernommen, sofern Sie es nicht weglassen. Einwilligungswerte können 1/0, yes/no, true/false, y/n oder enabled/disabled sein.
import-preview = { $count ->
    [one] Die erste Zeile der Datei
   *[other] Die ersten { $count } Zeilen der Datei
}
import-column-holds = Spalte { $name } enthält
import-leave-out = — weglassen —
import-choice-consent = Einwilligung: { $title } ({ $key })
import-choice-attribute = Attribut „{ $column }“
import-choice-json = { $column } (JSON-Objekt)
import-consented-at = Wann wurden diese Einwilligungen erteilt? (für Zeilen ohne Spalte mit Einwilligungszeit)
import-consented-at-hint = UTC, als 2026-05-01 12:00:00 oder RFC 3339. Leer lassen, um sie mit der Zeit des Imports zu erfassen. Eine Zeile, die älter ist als die letzte Änderung einer Person an einer Einwilligung, wird nicht übernommen.
import-dry-run = Jede Zeile prüfen (Probelauf, schreibt nichts)
import-start = Importieren
import-discard = Diese hochgeladene Datei verwerfen
import-status = Status: { $status }.
import-status-dry-run = Status: { $status } (Probelauf: Es wird nichts geschrieben).
import-finished = Beendet am { $time }.
import-unreadable = Die Datei ist nicht mehr lesbar: { $error }
import-rows-done = Erledigte Zeilen
import-progress = { $done } von { $rows } ({ $percent })
import-progress-rows = { $count ->
    [one] { $count } Zeile
   *[other] { $count } Zeilen
}
import-progress-counting = { $count ->
    [one] { $count } Zeile (wird gezählt …)
   *[other] { $count } Zeilen (wird gezählt …)
}
import-rate = { $rate } Zeilen/s
import-so-far = Bisher
import-created = Angelegt
import-updated = Aktualisiert
import-unchanged = Unverändert
import-stale = Veraltet (eine spätere Änderung liegt vor)
import-rejected = Abgelehnt
import-refreshes = Diese Seite aktualisiert sich alle 2 Sekunden.
import-cancel = Import abbrechen
import-not-applied = Nicht übernommene Zeilen
import-download-errors = Alle als CSV herunterladen
import-row = Zeile
import-outcome = Ergebnis
import-why = Grund
import-outcome-rejected = abgelehnt
import-outcome-stale = veraltet
import-broke-off = Das Hochladen wurde unterbrochen: { $error }
import-not-a-form = Der Upload ist kein gültiges Formular: { $error }
import-field-too-long = Ein Formularfeld ist zu lang.
import-field-not-utf8 = Ein Formularfeld ist nicht in UTF-8 kodiert.
import-one-file = Laden Sie jeweils nur eine Datei hoch.
import-choose-file = Wählen Sie eine Datei zum Importieren.
import-unknown-format = Das Format von { $name } lässt sich nicht am Namen erkennen: Wählen Sie es im Formular.
import-none-with-number = Es gibt keinen Import mit dieser Nummer.
import-none-waiting = Es gibt keinen Import mit dieser Nummer, der auf seine Zuordnung wartet.
import-none-open = Es gibt keinen offenen Import mit dieser Nummer.
import-consent-time = Einwilligungszeit: { $error }
import-already-started = Dieser Import wurde bereits gestartet oder abgebrochen.

## Export
exports-title = Export
exports-heading = Profile als CSV exportieren
exports-intro = Eine Zeile pro Profil mit dem aktuellen Wert jeder Einwilligung und zwei persönlichen Links (Abmeldung und Einstellungen), die ein Versandsystem in seinen eigenen E-Mails verwenden kann.
exports-agreement = Nur Profile mit dieser Einwilligung
exports-all = (alle Profile)
exports-status = … im Status
exports-enabled = aktiviert
exports-disabled = deaktiviert
exports-download = { $file } herunterladen

## Integrationen
integrations-title = Integrationen
integrations-added = { $name } hinzugefügt. Die Integration sendet Profile an { $url }.
integrations-secret-once = Ihr Standard-Webhooks-Secret, nur dieses eine Mal angezeigt:
integrations-intro = Andere Systeme (ein CRM, ein Shop, ein weiteres Assent) senden ein Profil oder ein Array davon im Format der Batch-API an { $url }. Jede Integration akzeptiert nur eine Art von Nachweis. Ihre Änderungen werden mit der Quelle { $source } erfasst, und eine Änderung auf einen Wert, den ein Profil bereits hat, erfasst nichts, sodass nichts hin und her gespiegelt wird.
integrations-url-example = /integrations/<Name>/webhook
integrations-source-example = integration:<Name>
integrations-name = Name
integrations-proof = Nachweis
integrations-last-used = Zuletzt verwendet (UTC)
integrations-status = Status
integrations-never = nie
integrations-active = aktiv
integrations-disabled = deaktiviert
integrations-enable = Aktivieren
integrations-enable-label = { $name } aktivieren
integrations-disable = Deaktivieren
integrations-disable-label = { $name } deaktivieren
integrations-new = Neue Integration
integrations-nothing-added = Es wurde nichts hinzugefügt: { $error }
integrations-name-label = Name (Kleinbuchstaben, Ziffern, - und _)
integrations-proven = Wie ihre Anfragen nachgewiesen werden
integrations-auth-hs256 = JWT, signiert mit HS256 und einem gemeinsamen Secret
integrations-auth-public-key = JWT, signiert mit RS256 oder ES256 (fügen Sie den öffentlichen Schlüssel des Absenders ein)
integrations-auth-hmac = X-Hub-Signature-256: ein HMAC-SHA256 des Inhalts mit einem gemeinsamen Secret
integrations-auth-standard = Standard-Webhooks-Signaturen (ein Secret wird für Sie erzeugt)
integrations-auth-twilio = SMS von Twilio (Schlüsselwörter STOP und START; geben Sie das Auth-Token des Kontos als Schlüssel an)
integrations-auth-sms = SMS von einem anderen SMS-Gateway, als JSON mit Standard-Webhooks-Signatur (ein Secret wird für Sie erzeugt)
integrations-key = Gemeinsames Secret (mindestens 32 Zeichen) oder öffentlicher Schlüssel (PEM)
integrations-key-help = Für Standard Webhooks nicht nötig. JWTs müssen { $exp } enthalten; eine { $jti } wird nur einmal akzeptiert.
integrations-add = Integration hinzufügen
integrations-choose-proof = Wählen Sie, wie ihre Anfragen nachgewiesen werden.
integrations-exists = Eine Integration namens { $name } gibt es bereits.
integrations-none-named = Es gibt keine Integration mit diesem Namen.

## Webhooks
webhooks-title = Webhooks
webhooks-added = { $link } hinzugefügt. Sein Signatur-Secret, nur dieses eine Mal angezeigt:
webhooks-added-link = Webhook { $id }
webhooks-receiver-checks = Der Empfänger prüft damit { $header } (das erledigt jede Standard-Webhooks-Bibliothek).
webhooks-intro = Jede Änderung wird beim Festschreiben an diese Endpunkte gesendet: { $created }, { $updated } und { $changed }, signiert nach Standard Webhooks, etwa zwei Tage lang wiederholt und pro Profil in der richtigen Reihenfolge.
webhooks-none = Noch keine Endpunkte.
webhooks-url = URL
webhooks-events = Ereignisse
webhooks-status = Status
webhooks-queued = Wartend
webhooks-dead = Unzustellbar
webhooks-delivered-day = Zugestellt (24 h)
webhooks-success-day = Erfolg (24 h)
webhooks-stopped = gestoppt (410)
webhooks-paused = pausiert
webhooks-active = aktiv
webhooks-new = Neuer Endpunkt
webhooks-nothing-added = Es wurde nichts hinzugefügt: { $error }
webhooks-add = Endpunkt hinzufügen

## Ein Webhook und das Endpunkt-Formular
webhook-title = Webhook { $id }
webhook-all = Alle Webhooks
webhook-state-stopped = von selbst gestoppt: { $reason }
webhook-state-paused = pausiert seit { $time }
webhook-state-active = aktiv
webhook-new-secret = Das neue Signatur-Secret, nur dieses eine Mal angezeigt:
webhook-both-secrets = In den nächsten 24 Stunden trägt jede Anfrage eine Signatur mit jedem der beiden Secrets, sodass der Empfänger in seinem eigenen Tempo wechseln kann.
webhook-queued = Wartend
webhook-due = Jetzt fällig
webhook-delivered-day = Zugestellt in den letzten 24 Stunden
webhook-success-rate = Erfolgsquote (24 h)
webhook-dead = Unzustellbare Nachrichten
webhook-last-delivery = Letzte Zustellung: { $time }.
webhook-last-delivery-none = Letzte Zustellung: noch keine.
webhook-oldest = Älteste wartende Nachricht: erstellt am { $time }.
webhook-oldest-error = Älteste wartende Nachricht: erstellt am { $time }, letzter Fehler: { $error }.
webhook-resume = Fortsetzen
webhook-pause = Pausieren
webhook-test = Testereignis senden
webhook-rotate = Secret erneuern
webhook-redeliver-all = Alle unzustellbaren Nachrichten erneut zustellen
webhook-replay-since = Jede Einwilligungsänderung erneut senden, erfasst seit (UTC)
webhook-replay-help = Stellt sie für diesen Endpunkt mit seinen Filtern erneut in die Warteschlange; der Empfänger sollte bereits gesehene IDs ignorieren.
webhook-replay = Erneut senden
webhook-deliveries = Zustellungen
webhook-which-deliveries = Welche Zustellungen
webhook-shelf-queued = Wartend
webhook-shelf-dead = Unzustellbar
webhook-shelf-sent = Zugestellt
webhook-no-deliveries = Hier gibt es keine Zustellungen.
webhook-event = Ereignis
webhook-created = Erstellt (UTC)
webhook-attempts = Versuche
webhook-next-attempt = Nächster Versuch
webhook-delivered = Zugestellt
webhook-dead-since = Unzustellbar seit
webhook-answer = Antwort
webhook-latency = Latenz
webhook-response = Antworttext
webhook-last-error = Letzter Fehler
webhook-action = Aktion
webhook-redeliver = Erneut zustellen
webhook-redeliver-label = msg_{ $id } erneut zustellen
webhook-older = Ältere Zustellungen
webhook-settings = Einstellungen
webhook-save = Speichern
webhook-delete-heading = Löschen
webhook-delete-note = Beim Löschen werden der Endpunkt und jede für ihn wartende Zustellung entfernt.
webhook-delete = Webhook { $id } löschen
webhook-url = URL, die die Ereignisse empfängt
webhook-url-help = Jede Anfrage ist ein POST, signiert nach Standard Webhooks. Loopback- und private Adressen werden abgelehnt, außer mit { $setting }.
webhook-events = Ereignisse
webhook-agreements = Nur Änderungen dieser Einwilligungen (keine angekreuzt: jede Einwilligung)
webhook-exclude = Änderungen aus diesen Quellen nie senden
webhook-exclude-help = Durch Kommas getrennt: eine Art ({ $import }, { $form }, { $api }) oder eine einzelne Quelle ({ $crm }, { $shop }).
webhook-integration = Die eingehende Integration desselben Systems (seine eigenen Änderungen werden nie zurückgespiegelt)
webhook-none = keine
webhook-none-with-id = Es gibt keinen Webhook mit dieser ID.
webhook-no-such-action = Diese Webhook-Aktion gibt es nicht.
webhook-no-such-shelf = { $value } ist hier keine Liste von Zustellungen; verwenden Sie queued, sent oder dead.
webhook-saved = Gespeichert.
webhook-paused-notice = Pausiert: Änderungen sammeln sich in der Warteschlange und gehen beim Fortsetzen hinaus.
webhook-resumed-notice = Fortgesetzt: Was sich inzwischen angesammelt hat, geht jetzt hinaus.
webhook-test-queued = Ein Testereignis steht in der Warteschlange; es erscheint unter „Zugestellt“, sobald der Empfänger mit 2xx geantwortet hat.
webhook-replayed = { $count ->
    [one] 1 Einwilligungsänderung steht erneut in der Warteschlange.
   *[other] { $count } Einwilligungsänderungen stehen erneut in der Warteschlange.
}
webhook-redelivered = { $count ->
    [one] 1 unzustellbare Nachricht steht erneut in der Warteschlange.
   *[other] { $count } unzustellbare Nachrichten stehen erneut in der Warteschlange.
}
webhook-replay-time = Geben Sie die Zeit an, ab der erneut gesendet werden soll, etwa 2026-05-01T09:00 (UTC). Es wurde nichts in die Warteschlange gestellt.

## Zustellprotokolle (Webhooks und E-Mail)
outbox-sending = wird gerade gesendet
outbox-due = fällig

## Dateiversand
sendfiles-title = Dateiversand
sendfiles-intro = Die Profil-CSV (dieselbe Datei wie beim Export), nach Zeitplan an ein System gesendet, das seine eigene Kopie führt: als Inhalt einer HTTP-Anfrage ({ $csv }) oder als Datei auf einem SFTP-Server. Ein Bearer-Token kommt aus { $token }, Basic Auth aus { $basic }, ein SFTP-Passwort aus { $password } (oder geben Sie eine Schlüsseldatei an); Secrets liegen nie in der Datenbank. Der Hostschlüssel eines SFTP-Servers wird bei der ersten Verbindung festgehalten. Zeiten sind in UTC.
sendfiles-basic-example = ASSENT_SENDFILE_BASIC_<NAME>=benutzer:passwort
sendfiles-none = Noch kein Dateiversand.
sendfiles-name = Name
sendfiles-target = Ziel
sendfiles-profiles = Profile
sendfiles-schedule = Zeitplan
sendfiles-next-run = Nächster Lauf
sendfiles-last-outcome = Letztes Ergebnis
sendfiles-actions = Aktionen
sendfiles-host-key = Hostschlüssel { $key }
sendfiles-forget = Festgehaltenen Schlüssel vergessen
sendfiles-forget-label = Festgehaltenen Schlüssel von { $name } vergessen
sendfiles-pinned-at-first-run = Hostschlüssel wird beim ersten Lauf festgehalten
sendfiles-audience = Zielgruppe { $name }
sendfiles-agreement-status = { $agreement } { $status }
sendfiles-enabled = aktiviert
sendfiles-disabled = deaktiviert
sendfiles-everyone = alle
sendfiles-changed-only = geändert seit dem letzten Erfolg
sendfiles-daily = täglich
sendfiles-every-days = alle { $count } Tage
sendfiles-every-hours = { $count ->
    [one] stündlich
   *[other] alle { $count } Std.
}
sendfiles-every-minutes = alle { $count } Min.
sendfiles-schedule-at = { $every } um { $time } UTC
sendfiles-paused = pausiert
sendfiles-failures = { $count ->
    [one] 1 Fehlschlag
   *[other] { $count } Fehlschläge in Folge
}
sendfiles-success = erfolgreich (Lauf vom { $time })
sendfiles-not-run = noch nicht gelaufen
sendfiles-run-now = Jetzt ausführen
sendfiles-run-now-label = Jetzt ausführen: { $name }
sendfiles-pause = Pausieren
sendfiles-pause-label = { $name } pausieren
sendfiles-resume = Fortsetzen
sendfiles-resume-label = { $name } fortsetzen
sendfiles-delete = Löschen
sendfiles-delete-label = { $name } löschen
sendfiles-recent = Letzte Läufe
sendfiles-no-runs = Noch keine Läufe.
sendfiles-sendfile = Dateiversand
sendfiles-started = Gestartet
sendfiles-status = Status
sendfiles-rows = Zeilen
sendfiles-bytes = Bytes
sendfiles-duration = Dauer
sendfiles-error = Fehler
sendfiles-deleted = (gelöscht)
sendfiles-waiting = wartet
sendfiles-new = Neuer Dateiversand
sendfiles-name-label = Name (Kleinbuchstaben, Ziffern, - und _)
sendfiles-target-help = { $https } oder { $sftp }, wobei der Pfad { $date } und { $time } (UTC) enthalten darf und { $home } im Home-Verzeichnis des Benutzers liegt. Loopback- und private Adressen werden abgelehnt, außer mit { $setting }.
sendfiles-sftp-example = sftp://BENUTZER@HOST[:PORT]/PFAD
sendfiles-key = SFTP-Schlüsseldatei (ein Pfad auf dem Server; leer lassen für ein Passwort aus der Umgebung)
sendfiles-method = HTTP-Methode
sendfiles-agreement = Nur Profile mit dieser Einwilligung
sendfiles-at-status = im Status
sendfiles-audience-label = Oder die Profile einer gespeicherten Zielgruppe
sendfiles-no-audience = keine
sendfiles-every = Alle (15m, 6h, 1d)
sendfiles-at = um (HH:MM UTC)
sendfiles-changed-only-label = Nur Profile, die seit dem letzten erfolgreichen Lauf geändert wurden
sendfiles-add = Dateiversand hinzufügen
sendfiles-starting = Ein Lauf von { $name } startet; er erscheint unten, sobald er beendet ist (laden Sie die Seite neu).
sendfiles-done-paused = { $name } ist pausiert.
sendfiles-done-resumed = { $name } läuft wieder nach Zeitplan.
sendfiles-done-deleted = { $name } ist gelöscht.
sendfiles-forgot = Der festgehaltene Hostschlüssel von { $name } ist vergessen: Der nächste Lauf hält den Schlüssel fest, den der Server dann zeigt.
sendfiles-no-such = Es gibt keinen Dateiversand mit diesem Namen.
sendfiles-no-such-action = Diese Aktion gibt es nicht.
sendfiles-none-named = Es gibt keinen Dateiversand namens { $name }
sendfiles-run-open = Lauf { $run } dieses Dateiversands ist noch nicht beendet
imports-from = Exportiert aus
imports-from-none = Einem anderen System oder einer eigenen Datei
imports-from-hint = Wählen Sie das Werkzeug, aus dem die Datei stammt, dann ordnen sich ihre Spalten selbst zu: Anmeldezeiten und -adressen kommen ins Protokoll, und der Verlauf zeigt, woher jede Änderung stammt.
import-preset-kind = Gelesen als: { $kind }.
import-timezone = Zeitzone der Zeiten in der Datei
import-timezone-hint = Zeiten ohne Versatz werden in dieser Zone gelesen (ein IANA-Name wie Europe/Warsaw; leer bedeutet UTC). Mailchimp schreibt Zeiten in der Zone des Kontos.
import-timezone-unknown = { $zone } ist keine Zeitzone: Geben Sie einen IANA-Namen wie Europe/Warsaw an oder lassen Sie das Feld für UTC leer.
import-kind-mailchimp-subscribed = Abonnenten aus Mailchimp
import-kind-mailchimp-unsubscribed = in Mailchimp abgemeldete Kontakte
import-kind-mailchimp-cleaned = von Mailchimp bereinigte (unzustellbare) Adressen
import-kind-listmonk = Abonnenten aus listmonk
import-kind-synerise = Profile aus Synerise
