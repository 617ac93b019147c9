# Die Einstellungen des Dashboards (Benutzer, API-Schlüssel, E-Mail-Zustellung, Änderungsprotokoll), die
# Anmeldung und die Fehlerseiten des Dashboards auf Deutsch (dieselben Kennungen wie in
# en/dashboard-settings.ftl).

## Benutzer
users-title = Benutzer
users-email = E-Mail
users-role = Rolle
users-status = Status
users-created = Angelegt (UTC)
users-disabled-on = deaktiviert am { $date }
users-active = aktiv
users-new = Neuer Benutzer
users-not-created = Es wurde niemand angelegt: Bitte korrigieren Sie die unten markierten Felder.
users-email-label = E-Mail-Adresse (zugleich der Anmeldename)
users-role-help = Marketing verwaltet Einwilligungen, Profile und Zielgruppen; Admins außerdem Benutzer, API-Schlüssel, Exporte und die E-Mail-Zustellung.
users-password-label = Erstes Passwort
users-password-help = Mindestens { $min } Zeichen; einige zusammenhanglose Wörter eignen sich gut. Geben Sie es der Person über einen separaten Kanal weiter.
users-create = Benutzer anlegen
users-exists = Es gibt bereits einen Dashboard-Benutzer mit dieser E-Mail-Adresse.
users-role-invalid = { $value } ist keine Rolle; wählen Sie Admin oder Marketing
users-password-too-short = Das Passwort ist zu kurz: Verwenden Sie mindestens { $min } Zeichen (einige zusammenhanglose Wörter eignen sich gut).
users-password-too-long = Das Passwort ist zu lang: höchstens { $max } Zeichen.
users-password-repetitive = Das Passwort enthält zu wenige verschiedene Zeichen.
users-password-has-email = Das Passwort darf die E-Mail-Adresse des Kontos nicht enthalten.
users-password-common = Das Passwort enthält ein sehr häufig verwendetes Passwort; wählen Sie etwas, das schwerer zu erraten ist.

## Ein Benutzer
user-back = ← Benutzer
user-disabled-since = deaktiviert seit { $when }
user-created = Angelegt am { $created }; Passwort gesetzt am { $password }.
user-password = Passwort
user-current = Ihr aktuelles Passwort
user-new-password = Neues Passwort
user-password-help-self = Mindestens { $min } Zeichen. Alle Ihre Sitzungen außer dieser werden sofort beendet.
user-password-help-other = Mindestens { $min } Zeichen. Alle Sitzungen dieses Benutzers werden sofort beendet.
user-set-password = Passwort setzen
user-access = Zugang
user-cannot-sign-in = Dieser Benutzer kann sich nicht anmelden.
user-enable = Aktivieren: Anmeldung wieder erlauben
user-disable-help = Das Deaktivieren beendet die Sitzungen dieses Benutzers sofort, auf jedem Knoten. Seine Aktionen bleiben im Änderungsprotokoll erhalten.
user-disable = Deaktivieren
user-done-created = Angelegt. Der Benutzer kann sich unter /admin/login mit dem von Ihnen gewählten Passwort anmelden.
user-done-password = Passwort gesetzt. Die anderen Sitzungen des Benutzers wurden beendet.
user-done-disable = Deaktiviert: Der Benutzer ist überall abgemeldet und kann sich nicht mehr anmelden.
user-done-enable = Aktiviert: Der Benutzer kann sich wieder anmelden.
user-not-found = Es gibt keinen Dashboard-Benutzer mit dieser ID.
user-wrong-current = Das ist nicht Ihr aktuelles Passwort.
user-not-yourself = Sie können Ihr eigenes Konto nicht deaktivieren oder aktivieren; bitten Sie einen anderen Admin darum.
user-only-admin = { $email } ist der einzige Admin, der sich anmelden kann; legen Sie zuerst einen weiteren Admin an.

## API-Schlüssel
apikeys-title = API-Schlüssel
apikeys-created = Der Schlüssel { $name } wurde erstellt. Kopieren Sie ihn jetzt: Er wird nur dieses eine Mal angezeigt, gespeichert wird nur sein Hash.
apikeys-intro-header = Andere Systeme senden einen Schlüssel als { $header }.
apikeys-intro-source = Änderungen dieser Systeme werden mit der Quelle { $source } protokolliert.
apikeys-name = Name des neuen Schlüssels
apikeys-create = Schlüssel erstellen
apikeys-col-name = Name
apikeys-col-created = Erstellt (UTC)
apikeys-col-last-used = Zuletzt verwendet (UTC)
apikeys-col-status = Status
apikeys-never = nie
apikeys-revoked-on = widerrufen am { $date }
apikeys-revoke-label = Schlüssel { $name } widerrufen
apikeys-revoke = Widerrufen
apikeys-done-revoked = Widerrufen: Anfragen mit diesem Schlüssel werden ab jetzt abgelehnt.
apikeys-name-invalid = Verwenden Sie 1 bis 64 Buchstaben, Ziffern, '-', '_' oder '.' (der Name erscheint im Einwilligungsprotokoll als api:<name>).
apikeys-name-taken = Ein Schlüssel namens „{ $name }“ existiert bereits (Namen bleiben im Einwilligungsprotokoll erhalten); wählen Sie einen anderen.
apikeys-not-found = Es gibt keinen gültigen API-Schlüssel mit dieser ID.

## E-Mail-Zustellung
email-title = E-Mail-Zustellung
email-works-smtp = Die Verbindung funktioniert: Der SMTP-Server { $target } hat geantwortet.
email-works-files = Die Verbindung funktioniert: Dateien in { $dir } lassen sich schreiben (ASSENT_SMTP_URL ist nicht gesetzt, daher erreicht nichts ein Postfach).
email-check-failed = Die Verbindungsprüfung ist fehlgeschlagen: { $error }
email-check-waits = E-Mails warten im Postausgang und werden erneut versucht; solange der Server nicht erreichbar ist, geht nichts verloren.
email-goes-smtp = E-Mails gehen an den SMTP-Server { $target }.
email-goes-files = E-Mails werden als Dateien in { $dir } abgelegt (ASSENT_SMTP_URL ist nicht gesetzt, daher erreicht nichts ein Postfach).
email-queued = Wartend
email-due = Jetzt fällig
email-sent-last-day = In den letzten 24 Stunden gesendet
email-dead = Unzustellbar
email-sent = Gesendet
email-last-sent = Letzte gesendete E-Mail: { $when }.
email-none-yet = noch keine
email-oldest = Älteste wartende E-Mail: erstellt am { $when }.
email-oldest-error = Älteste wartende E-Mail: erstellt am { $when }, letzter Fehler: { $error }.
email-check = Verbindung jetzt prüfen
email-retry-all = Alle unzustellbaren Nachrichten erneut versuchen
email-shelves = Welche E-Mails
email-none = Hier gibt es keine E-Mails.
email-col-kind = Art
email-col-to = An
email-col-created = Erstellt (UTC)
email-col-attempts = Versuche
email-col-next = Nächster Versuch
email-col-sent = Gesendet
email-col-dead = Unzustellbar seit
email-col-error = Letzter Fehler
email-col-action = Aktion
email-not-kept = (nicht gespeichert)
email-retry-label = E-Mail { $id } erneut versuchen
email-retry = Erneut versuchen
email-older = Ältere E-Mails
email-retried = { $count ->
    [one] Eine E-Mail wartet wieder auf den Versand und wird in Kürze gesendet.
   *[other] { $count } E-Mails warten wieder auf den Versand und werden in Kürze gesendet.
}
email-no-such-shelf = { $value } ist hier keine Liste von E-Mails; verwenden Sie queued, sent oder dead.
email-no-dead-letter = Es gibt keine unzustellbare Nachricht mit dieser ID (vielleicht wurde sie bereits erneut versucht).

## Änderungsprotokoll
audit-title = Änderungsprotokoll
audit-intro = Jede Änderung im Dashboard oder über die Kommandozeile, die neueste zuerst.
audit-when = Wann (UTC)
audit-who = Wer
audit-action = Aktion
audit-what = Was
audit-detail = Details
audit-ip = IP
audit-older = Ältere Einträge

## Anmeldung
login-title = Anmelden
login-heading = Beim Dashboard anmelden
login-first-run = Noch kann sich niemand anmelden. Legen Sie auf dem Server mit { $command } den ersten Admin an (der Befehl fragt nach einem Passwort mit mindestens { $min } Zeichen) und melden Sie sich dann hier an.
login-email = E-Mail-Adresse
login-password = Passwort
login-submit = Anmelden
login-refused = Die E-Mail-Adresse oder das Passwort ist nicht richtig.

## Fehlerseiten des Dashboards
dash-error-code = Fehler { $status }
dash-error-forbidden = Nicht erlaubt
dash-error-to-dashboard = Zurück zum Dashboard
dash-error-throttled-title = Zu viele Anmeldeversuche
dash-error-throttled = In der letzten Minute gab es zu viele fehlgeschlagene Anmeldungen für dieses Konto oder aus Ihrem Netzwerk. Warten Sie eine Minute und versuchen Sie es dann erneut.
dash-error-to-sign-in = Zurück zur Anmeldung
dash-error-not-found = Nicht gefunden
dash-error-bad-request = Ungültige Anfrage
dash-error-too-large-title = Zu viele Daten
dash-error-too-large = Die Anfrage ist größer als { $max } Bytes.
dash-error-too-slow-title = Das Formular kam zu langsam an
dash-error-too-slow = Ihre Verbindung brach ab, während das Formular gesendet wurde, daher wurde nichts gespeichert. Bitte senden Sie das Formular erneut.
dash-error-unavailable-title = Vorübergehend nicht verfügbar
dash-error-unavailable = Wir konnten die Daten gerade nicht speichern oder laden. Es wurde nichts geändert; bitte versuchen Sie es in einer Minute erneut.
dash-error-csrf = Dieses Formular ist abgelaufen oder stammt nicht von dieser Website (sein Sicherheitstoken fehlt oder ist falsch). Gehen Sie zurück, laden Sie die Seite neu und senden Sie das Formular erneut ab.
dash-error-admins-only = Nur Admins können diese Seite öffnen. Wenden Sie sich an einen Admin, wenn Sie hier etwas brauchen.
dash-error-no-page = Unter dieser Adresse gibt es keine Dashboard-Seite.
