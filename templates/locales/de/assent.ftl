# Die öffentlichen Seiten und E-Mails von Assent auf Deutsch.

# Der Name der Sprache in ihr selbst (Liste im Dashboard).
language-name = Deutsch

## Jede Seite
skip-link = Zum Inhalt springen
footer = Ihre Auswahl wird mit dem genauen Wortlaut gespeichert, dem Sie zugestimmt haben. Sie können sie jederzeit in { $link } ändern.
footer-link = Ihren Einstellungen

## Anmeldung
subscribe-title = Anmelden
subscribe-intro = Wählen Sie, was Sie erhalten möchten. Wir senden Ihnen einen Link zur Bestätigung per E-Mail; nichts beginnt, bevor Sie bestätigen.
form-errors = Bitte korrigieren Sie die markierten Felder.
field-email = E-Mail-Adresse
field-name = Ihr Name
field-optional = (freiwillig)
receive-legend = Ich möchte erhalten
subscribe-button = Anmelden
embed-note = Wir senden Ihnen einen Link zur Bestätigung per E-Mail; nichts beginnt, bevor Sie ihn nutzen.
error-email-missing = Geben Sie Ihre E-Mail-Adresse ein.
error-email-invalid = „{ $value }“ ist keine gültige E-Mail-Adresse; verwenden Sie die Form name@example.com.
error-email-too-long = Diese E-Mail-Adresse ist zu lang: höchstens { $max } Zeichen.
error-name = Geben Sie Ihren Namen in einer Zeile mit höchstens 200 Zeichen ein.
error-agreement-none = Kreuzen Sie mindestens ein Feld an, um zu wählen, was Sie erhalten möchten.
error-agreement-unknown = „{ $value }“ kann hier nicht abonniert werden.
error-wording-changed = Der Wortlaut von „{ $title }“ hat sich geändert, während Sie gelesen haben. Bitte lesen Sie den neuen Text unten und kreuzen Sie das Feld erneut an.

## Posteingang prüfen
subscribed-title = Prüfen Sie Ihren Posteingang
subscribed-sent = Wir haben eine E-Mail an { $email } gesendet. Öffnen Sie den Link darin und drücken Sie zur Bestätigung auf die Schaltfläche.
subscribed-nothing = Nach einigen Minuten nichts angekommen? Sehen Sie im Spam-Ordner nach oder { $link }.
subscribed-again = melden Sie sich erneut an

## Bestätigung
confirm-title = Anmeldung bestätigen
confirm-intro = Drücken Sie auf die Schaltfläche, um zu bestätigen, dass Sie zustimmen:
confirm-button = Ja, bestätigen
confirm-not-you = Wenn Sie das nicht angefordert haben, schließen Sie diese Seite: Nichts geschieht, solange Sie die Schaltfläche nicht drücken.
confirmed-title = Danke, Sie sind angemeldet
confirmed-body = Ihre Einwilligung wurde gespeichert. Sie können sie jederzeit so einfach widerrufen, wie Sie sie gegeben haben.
already-title = Bereits bestätigt
already-body = Dieser Link wurde bereits verwendet; Ihre Anmeldung ist bestätigt und nichts hat sich geändert.
manage-button = Einstellungen verwalten
renewed-title = Neuer Link gesendet
renewed-body = Wir haben einen neuen Bestätigungslink an dieselbe Adresse gesendet. Öffnen Sie ihn und drücken Sie zur Bestätigung auf die Schaltfläche.

## Einstellungen
ask-title = Einstellungen verwalten
ask-sent = Wenn { $email } bei uns registriert ist, ist ein Link zu Ihren Einstellungen unterwegs. Das kann einige Minuten dauern.
ask-intro = Geben Sie Ihre E-Mail-Adresse ein, und wir senden Ihnen einen persönlichen Link, unter dem Sie sehen und ändern können, was Sie erhalten.
ask-button = Link per E-Mail senden
prefs-title = Ihre Einstellungen
prefs-for = Für { $email }. Kreuzen Sie an, was Sie erhalten möchten; Änderungen gelten, sobald Sie speichern.
prefs-saved = Gespeichert. { $count ->
    [0] Es war nichts zu ändern.
    [one] 1 Änderung gespeichert.
   *[other] { $count } Änderungen gespeichert.
  }
prefs-pending = wartet auf Ihre Bestätigungs-E-Mail
prefs-save = Meine Auswahl speichern
prefs-unsubscribe-all = Von allem abmelden

## Abmeldung
unsub-title = Abmelden
unsub-stop = Keine weiteren Sendungen an { $email }:
unsub-done-title = Sie sind abgemeldet
unsub-done-body = Wir senden { $email } Folgendes nicht mehr. Ihr Widerruf wurde gespeichert.
state-on = derzeit an
state-off = aus
unsub-button = Abmelden
unsub-instead = Lieber im Einzelnen wählen? { $link }.
unsub-open-prefs = Ihre Einstellungen öffnen

## E-Mails
mail-hello = Guten Tag,
mail-hello-name = Guten Tag { $name },
mail-unsubscribe = Abmelden
mail-unsubscribe-all = Von allem abmelden
mail-preferences = Ihre Einstellungen
mail-confirm-subject = Bitte bestätigen Sie Ihre Anmeldung
mail-confirm-intro = bitte bestätigen Sie, dass Sie Folgendes erhalten möchten:
mail-confirm-button = Anmeldung bestätigen
mail-confirm-here = Hier bestätigen (die Seite hat eine einzige Schaltfläche; nichts geschieht, bevor Sie sie drücken):
mail-confirm-or-link = Oder öffnen Sie diesen Link:
mail-confirm-valid = Der Link ist { $hours } Stunden gültig. Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail; Sie erhalten dann nichts von uns.
mail-already-subject = Sie sind bereits angemeldet
mail-already-intro = jemand (vermutlich Sie) hat sich gerade mit dieser Adresse angemeldet, aber Sie erhalten bereits:
mail-already-nothing = Nichts hat sich geändert. { $link }, um zu ändern, was Sie erhalten.
mail-already-nothing-text = Nichts hat sich geändert. Um zu ändern, was Sie erhalten, öffnen Sie Ihre Einstellungen:
mail-open-preferences = Öffnen Sie Ihre Einstellungen
mail-prefs-subject = Ihr Link zur Verwaltung Ihrer Einstellungen
mail-prefs-intro = hier ist der Link, unter dem Sie sehen und ändern können, was Sie zu erhalten zugestimmt haben:
mail-prefs-button = Meine Einstellungen verwalten
mail-prefs-keep = Behalten Sie ihn für sich: Jeder mit diesem Link kann Ihre Einstellungen ändern. Wenn Sie ihn nicht angefordert haben, können Sie diese E-Mail ignorieren.

## Fehlerseiten
err-code = Fehler { $status }
err-not-found = Nicht gefunden
err-unknown-confirm = Dieser Bestätigungslink ist ungültig. Prüfen Sie, ob Sie den ganzen Link aus der E-Mail kopiert haben, oder melden Sie sich erneut an.
err-bad-link = Dieser Link ist ungültig. Prüfen Sie, ob Sie den ganzen Link aus der E-Mail kopiert haben, oder fordern Sie unter /preferences einen neuen an.
err-ended-title = Dieser Link ist nicht mehr gültig
err-cancelled = Dieser Bestätigungslink wurde bei Ihrer Abmeldung storniert und kann Sie daher nicht mehr anmelden. Wenn Sie es doch erhalten möchten, melden Sie sich erneut an.
err-to-signup = Zum Anmeldeformular
err-expired-title = Dieser Link ist abgelaufen
err-expired = Bestätigungslinks sind nur begrenzt gültig. Wir können einen neuen an dieselbe Adresse senden.
err-expired-button = Neuen Link senden
err-page-missing = Unter dieser Adresse gibt es keine Seite. Prüfen Sie den Link oder gehen Sie zum Anmeldeformular.
err-agreement-unknown-link = Es gibt keine Einwilligung namens „{ $value }“. Prüfen Sie den Link, dem Sie gefolgt sind.
err-agreements-ended = Für keine der Einwilligungen in diesem Link ist noch eine Anmeldung möglich.
err-bad-request-title = Das Formular konnte nicht gelesen werden
err-bad-form = Die Formulardaten konnten nicht gelesen werden. Bitte gehen Sie zurück und senden Sie das Formular erneut.
err-too-large-title = Zu viele Daten
err-too-large = Das Formular hat mehr Daten gesendet, als diese Seite annimmt, daher wurde nichts gespeichert. Bitte kürzen Sie Ihre Eingabe und senden Sie sie erneut.
err-too-slow-title = Das Formular kam zu langsam an
err-too-slow = Ihre Verbindung brach ab, während das Formular gesendet wurde, daher wurde nichts gespeichert. Bitte senden Sie das Formular erneut.
err-unavailable-title = Vorübergehend nicht verfügbar
err-unavailable = Wir konnten Ihre Daten gerade nicht speichern oder laden. Es wurde nichts geändert; bitte versuchen Sie es in einer Minute erneut.

# Global Privacy Control
gpc-noted = Ihr Browser sendet ein Global-Privacy-Control-Signal: Er bittet darum, Ihre personenbezogenen Daten nicht zu verkaufen oder weiterzugeben.
gpc-override = Ihr Browser bittet darum, Ihre Daten nicht zu verkaufen oder weiterzugeben. Kreuzen Sie dies nur an, wenn Sie es trotzdem möchten; wir vermerken, dass Sie es bei gesendetem Signal gewählt haben.
gpc-confirm-override = Ihr Browser bittet darum, Ihre Daten nicht zu verkaufen oder weiterzugeben. Mit der Bestätigung dieser Einwilligung setzen Sie das Signal für sie außer Kraft; wir vermerken, dass Sie es bei gesendetem Signal gewählt haben.
gpc-withdrawn = Weil Ihr Browser ein Global-Privacy-Control-Signal gesendet hat, haben wir widerrufen: { $titles }.

# Consent receipts
prefs-receipt = Meinen Einwilligungsnachweis herunterladen
receipt-title = Ihr Einwilligungsnachweis
receipt-intro = Was { $organisation } für { $subject } gespeichert hat, Stand { $time }: jede Einwilligung, ihr Stand, der genaue Wortlaut, auf den sie sich bezieht, und jede Änderung.
receipt-contact = Fragen zu Ihren Daten: { $contact }
receipt-state = { $state ->
    [given] erteilt
    [withdrawn] widerrufen
    [refused] abgelehnt
    [pending] wartet auf Ihre Bestätigung
   *[other] nie erteilt
}
receipt-value = { $value ->
    [enabled] eingewilligt
   *[other] abgelehnt
}
receipt-wording = Fassung { $version } des Wortlauts, in { $language }.
receipt-history = Änderungen: { $title }
receipt-when = Wann
receipt-what = Änderung
receipt-how = Wie
receipt-keep-title = Eine signierte Kopie aufbewahren
receipt-keep = Die signierte Kopie enthält denselben Nachweis, von der Organisation signiert. Jede und jeder kann sie mit den öffentlichen Schlüsseln der Organisation unter /.well-known/assent-receipt-keys.json prüfen; so belegt sie, was gespeichert wurde, auch wenn die Organisation später anderes behauptet.
receipt-download = Signierte Kopie herunterladen
receipt-id = Nachweis { $id }
receipt-email = Die signierte Kopie per E-Mail schicken
receipt-sent = Unterwegs: Wir schicken die signierte Kopie an Ihre Adresse.
receipt-not-sent = Wir haben Ihnen gerade mehrere E-Mails geschickt und darum keine weitere. Bitte versuchen Sie es in einer Stunde noch einmal oder laden Sie die signierte Kopie hier herunter.
mail-receipt-subject = Ihr Einwilligungsnachweis
mail-receipt-intro = im Anhang finden Sie die signierte Kopie von allem, was wir zu Ihren Einwilligungen gespeichert haben. Bewahren Sie sie auf: Jede und jeder kann sie mit unseren veröffentlichten Schlüsseln prüfen.
mail-receipt-read = Im Browser lesen:
mail-receipt-button = Meinen Einwilligungsnachweis ansehen
