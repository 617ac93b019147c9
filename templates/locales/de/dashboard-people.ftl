# Die Seiten „Personen“ und „Einwilligungen“ des Dashboards auf Deutsch (dieselben Kennungen wie in
# en/dashboard-people.ftl).

## Übersicht
overview-title = Übersicht
overview-profiles = Profile
overview-audiences-hint = Kombinationen von Einwilligungen finden Sie auf der Seite { $link }.
overview-audiences-link = Zielgruppen
overview-chart-heading = { $count ->
    [one] Einwilligungen und Widerrufe am letzten Tag
   *[other] Einwilligungen und Widerrufe der letzten { $count } Tage
}
overview-agreement = Einwilligung
overview-all-agreements = (alle Einwilligungen)
overview-show = Anzeigen
overview-key-ins = Einwilligungen (über der Linie)
overview-key-outs = Widerrufe (darunter), je UTC-Tag der Erfassung.
overview-day-by-day = Die Zahlen, Tag für Tag
overview-day = Tag (UTC)
overview-ins = Einwilligungen
overview-outs = Widerrufe
overview-enabled-caption = Profile, die die jeweilige Einwilligung aktiviert haben
overview-key = Schlüssel
overview-enabled = Aktiviert
overview-not-enabled = Nicht aktiviert
overview-no-such-agreement = Es gibt keine Einwilligung „{ $value }“ für das Diagramm; wählen Sie eine aus der Liste.

## Das Diagramm der Übersicht (SVG)
chart-title = Einwilligungen und Widerrufe pro Tag
chart-desc = Vom { $first } bis zum { $last }: { $ins } und { $outs }; Höchstwert an einem Tag: { $peak }.
chart-opt-ins = { $count ->
    [one] { $count } Einwilligung
   *[other] { $count } Einwilligungen
}
chart-opt-outs = { $count ->
    [one] { $count } Widerruf
   *[other] { $count } Widerrufe
}
chart-day = { $day }: { $ins }, { $outs }
# Ein Tag unter der Achse des Diagramms: Tag des Monats und Monat (aus chart-month).
chart-axis-day = { $day }. { $month }
chart-month = { $count ->
    [1] Jan.
    [2] Feb.
    [3] März
    [4] Apr.
    [5] Mai
    [6] Juni
    [7] Juli
    [8] Aug.
    [9] Sept.
    [10] Okt.
    [11] Nov.
   *[12] Dez.
}

## Profile
profiles-title = Profile
profiles-search-label = E-Mail, customId, uuid oder Telefon
profiles-search-help = Der Anfang einer E-Mail-Adresse oder customId oder eine vollständige uuid oder Telefonnummer.
profiles-search = Suchen
profiles-none = Keine Profile.
profiles-none-match = Keine Profile passen zu „{ $query }“.
profiles-email = E-Mail
profiles-custom-id = customId
profiles-name = Name
profiles-created = Angelegt
profiles-erased = Gelöschtes Profil { $id }
profiles-no-email = (keine E-Mail-Adresse)
profiles-next = Nächste Seite

## Ein Profil
profile-title = Profil
profile-heading = Profil { $id }
profile-erased-on = Gelöscht am { $time }. Die personenbezogenen Daten sind entfernt; das Einwilligungsprotokoll unten enthält nur noch Prüfsummen.
profile-phone = Telefon
profile-first-name = Vorname
profile-last-name = Nachname
profile-email-confirmed = E-Mail bestätigt
profile-not-confirmed = nein
profile-created = Angelegt
profile-agreements = Einwilligungen
profile-current-values = Aktuelle Werte: ankreuzen zum Aktivieren, Häkchen entfernen zum Widerrufen
profile-enabled = aktiviert
profile-pending = wartet auf Bestätigung
profile-disabled = deaktiviert
profile-archived-enabled = (archiviert): aktiviert
profile-archived-disabled = (archiviert): deaktiviert
profile-reason = Grund der Änderung
profile-reason-help = Pflichtfeld. Wird im Einwilligungsprotokoll mit Ihnen als Quelle gespeichert ({ $source }).
profile-save = Änderungen speichern
profile-history = Verlauf der Einwilligungen
profile-chain-broken = Die Protokollkette dieses Profils ist NICHT intakt: Ereignis { $event }: { $reason }
profile-chain-intact = { $count ->
    [one] Kette intakt: { $count } Ereignis geprüft.
   *[other] Kette intakt: { $count } Ereignisse geprüft.
}
profile-when = Zeitpunkt (UTC)
# Wie das Protokoll den Zeitpunkt eines Ereignisses schreibt (chrono-Muster; UTC, sekundengenau).
profile-when-format = %d.%m.%Y %H:%M:%S
profile-agreement = Einwilligung
profile-change = Änderung
profile-source = Quelle
profile-gpc = Der Browser sendete Global Privacy Control
profile-uuid = uuid
profile-receipt = Signierten Einwilligungsnachweis herunterladen
profile-receipt-help = Für die Person zum Aufbewahren: Er belegt, was gespeichert ist, prüfbar mit den Schlüsseln unter /.well-known/assent-receipt-keys.json. Der Download wird im Audit-Protokoll vermerkt.
profile-detail = { $field ->
    [displayName] Anzeigename
    [company] Firma
    [address] Adresse
    [city] Stadt
    [province] Bundesland
    [zipCode] Postleitzahl
    [countryCode] Land
    [birthDate] Geburtsdatum
    [sex] Geschlecht
    [avatarUrl] Avatar
    [anonymous] Anonym
    [tags] Tags
   *[other] { $field }
}
profile-wording = Angezeigter Wortlaut
profile-client = Client
profile-reason-given = Grund: { $reason }
profile-origin = importiert aus { $tool }
# Ein Wert einer Einwilligung im Protokoll.
profile-value = { $value ->
    [enabled] aktiviert
    [disabled] deaktiviert
   *[unknown] { $value }
}
profile-erase = Löschen
profile-erase-intro = Recht auf Löschung: widerruft jede Einwilligung, entfernt die Daten dieser Person (Adresse, customId, Telefon, Namen, Attribute sowie die IP-Adressen und User-Agents im Einwilligungsprotokoll) und behält nur Prüfsummen, sodass das Protokoll weiterhin geprüft werden kann. Ein Import kann die Adresse nie wieder anlegen. Dies kann nicht rückgängig gemacht werden.
profile-erase-reason = Grund
profile-erase-default-reason = Recht auf Löschung, von der Person verlangt
profile-erase-confirm = Mir ist bewusst, dass das Löschen nicht rückgängig gemacht werden kann
profile-erase-button = Dieses Profil löschen
profile-saved = Gespeichert: Die Änderungen stehen im Einwilligungsprotokoll unten.
profile-unchanged = Nichts zu speichern: Es wurde kein Wert geändert.
profile-erased = Gelöscht: Die personenbezogenen Daten sind entfernt; das Einwilligungsprotokoll enthält nur noch Prüfsummen, und die Kette ist weiterhin intakt.
profile-not-found = Es gibt kein Profil mit dieser ID.
profile-gone = Es gibt kein Profil mit dieser ID (oder es wurde gelöscht).
profile-reason-missing = Geben Sie den Grund für diese Änderung an (z. B. „hat uns am 3. Mai telefonisch darum gebeten“): Er wird im Einwilligungsprotokoll gespeichert.
profile-reason-one-line = Der Grund muss in eine Zeile passen.
profile-reason-control = Der Grund enthält Steuerzeichen; entfernen Sie diese.
profile-reason-too-long = Der Grund ist zu lang: höchstens { $max } Zeichen.
profile-bad-form = Das Formular nennt eine Einwilligung oder einen Wert, die es nicht gibt ({ $value }). Laden Sie das Profil neu und versuchen Sie es erneut.
# $titles: die Titel der Einwilligungen, durch Kommas getrennt.
profile-conflict-one = Es wurde nichts gespeichert: { $titles } hat sich geändert, während diese Seite geöffnet war (die Person selbst oder ein anderes Teammitglied hat gehandelt). Die Werte unten sind aktuell; prüfen Sie sie und senden Sie das Formular erneut.
profile-conflict-many = Es wurde nichts gespeichert: { $titles } haben sich geändert, während diese Seite geöffnet war (die Person selbst oder ein anderes Teammitglied hat gehandelt). Die Werte unten sind aktuell; prüfen Sie sie und senden Sie das Formular erneut.
profile-erase-unconfirmed = Kreuzen Sie das Feld zur Bestätigung an: Das Löschen kann nicht rückgängig gemacht werden.

## Zielgruppen
audiences-title = Zielgruppen
audiences-saved = Gespeichert.
audiences-deleted = Gelöscht.
audiences-intro = Profile, die alle, mindestens eine oder keine der gewählten Einwilligungen aktiviert haben. Die Zahlen sind aktuell; gelöschte Profile werden nie mitgezählt.
audiences-profiles-with = Profile, die
audiences-rule = { $rule ->
    [all] jede
    [any] mindestens eine
   *[none] keine
}
audiences-these-enabled = dieser Einwilligungen aktiviert haben
audiences-count = Zählen
# Nach der Zahl der Profile (fett).
audiences-result-all = { $count ->
    [one] Profil hat alle gewählten Einwilligungen aktiviert.
   *[other] Profile haben alle gewählten Einwilligungen aktiviert.
}
audiences-result-any = { $count ->
    [one] Profil hat mindestens eine der gewählten Einwilligungen aktiviert.
   *[other] Profile haben mindestens eine der gewählten Einwilligungen aktiviert.
}
audiences-result-none = { $count ->
    [one] Profil hat keine der gewählten Einwilligungen aktiviert.
   *[other] Profile haben keine der gewählten Einwilligungen aktiviert.
}
audiences-save-as = Diese Zielgruppe speichern als
audiences-save = Zielgruppe speichern
audiences-saved-heading = Gespeicherte Zielgruppen
audiences-none-yet = Noch keine.
audiences-name = Name
audiences-column-rule = Regel
audiences-profiles = Profile
audiences-actions = Aktionen
audiences-export = CSV exportieren
audiences-delete = Löschen
audiences-delete-label = Zielgruppe { $name } löschen
# Wie sich eine gespeicherte Zielgruppe liest; $titles: die Titel der Einwilligungen, durch Kommas getrennt.
audiences-reads = { $rule ->
    [all] alle von: { $titles }
    [any] mindestens eine von: { $titles }
   *[none] keine von: { $titles }
}
audiences-choose-rule = Wählen Sie jede, mindestens eine oder keine.
audiences-no-rule = „{ $value }“ ist keine Regel; verwenden Sie all, any oder none
audiences-choose-agreement = Wählen Sie mindestens eine Einwilligung.
audiences-no-agreement = Es gibt keine Einwilligung „{ $value }“.
audiences-name-missing = Geben Sie der Zielgruppe einen Namen, z. B. „Newsletter und SMS“.
audiences-name-one-line = Der Name muss in eine Zeile passen.
audiences-name-control = Der Name enthält Steuerzeichen; entfernen Sie diese.
audiences-name-too-long = Der Name ist zu lang: höchstens { $max } Zeichen.
audiences-name-taken = Eine Zielgruppe namens „{ $name }“ gibt es bereits; wählen Sie einen anderen Namen.
audiences-not-found = Es gibt keine gespeicherte Zielgruppe mit dieser ID.

## Einwilligungen
agreements-title = Einwilligungen
agreements-new = Neue Einwilligung
agreements-order-note = Formulare zeigen aktive Einwilligungen in dieser Reihenfolge, und der CSV-Export hat für jede eine Spalte, ebenfalls in dieser Reihenfolge.
agreements-agreement = Einwilligung
agreements-key = Schlüssel
agreements-channel = Kanal
agreements-version = Version
agreements-status = Status
agreements-enabled = Aktiviert
agreements-waiting = Wartet auf Bestätigung
agreements-order = Reihenfolge
agreements-active = aktiv
agreements-archived = archiviert
agreements-move-up = { $title } nach oben verschieben
agreements-move-down = { $title } nach unten verschieben

## Eine Einwilligung (neu oder bearbeitet)
# Wie eine Einwilligung Menschen erreicht ($channel: email, sms, push, other).
agreement-channel-name = { $channel ->
    [email] E-Mail
    [sms] SMS
    [push] Push-Nachricht
    [other] Sonstiges
   *[unknown] { $channel }
}
agreement-version = Version { $version }
agreement-language-version = { $language }, Version { $version }
agreement-archived = archiviert
agreement-current = aktuell
agreement-saved = Gespeichert.
agreement-not-saved = Es wurde nichts gespeichert: Bitte korrigieren Sie die unten markierten Felder.
agreement-key = Schlüssel
agreement-key-help = Der Attributname, den andere Systeme sehen, z. B. { $example }. Er kann später nicht geändert werden.
agreement-channel = Kanal
agreement-language = Sprache des Einwilligungstexts
agreement-language-help = Seiten in einer Sprache ohne Übersetzung zeigen diesen Text. Übersetzungen können Sie hinzufügen, sobald die Einwilligung angelegt ist.
agreement-title = Titel
agreement-text = Einwilligungstext
agreement-text-in = Einwilligungstext auf { $language } ({ $code })
agreement-text-help = Der genaue Wortlaut, dem Menschen zustimmen. Eine Änderung erzeugt eine neue Version; bereits erteilte Einwilligungen behalten die Version, unter der sie erteilt wurden.
agreement-gpc = Ein Global-Privacy-Control-Signal bedeutet Nein
agreement-gpc-help = Für Einwilligungen in den Verkauf oder die Weitergabe personenbezogener Daten oder in gezielte Werbung. Ein Browser, der GPC sendet, sieht diese Einwilligung im Anmeldeformular nicht angekreuzt und mit einem Hinweis; wo die Person bekannt ist (Bestätigung, Präferenzzentrum, Abmeldeseite), wird eine erteilte Einwilligung mit der Quelle gpc widerrufen. Eine Einwilligung, die die Person bei gesendetem Signal erteilt, bleibt bestehen, und das Protokoll vermerkt das Signal.
agreement-gpc-invalid = Kreuzen Sie das Feld an oder lassen Sie es leer (das Formular sendet on oder nichts).
agreement-translations = Übersetzungen
agreement-translations-help = Seiten in einer Sprache zeigen statt der Angaben oben den hier eingetragenen Titel und Text (ohne eigenen Titel den Titel oben); eine Seite in einer Sprache, deren Feld leer ist, zeigt den Text oben. Jede Sprache hat eigene Versionen, und das Einwilligungsprotokoll hält fest, welche Sprache und Version jede Person gesehen hat. Wenn Sie einen Text leeren, entfällt diese Übersetzung.
agreement-title-in = Titel auf { $language } ({ $code })
agreement-optional = optional
agreement-save = Speichern
agreement-create = Einwilligung anlegen
agreement-archive = Archivieren: von allen Formularen nehmen (der Verlauf bleibt erhalten)
agreement-versions = Versionen
agreement-title-missing = Geben Sie der Einwilligung einen Titel, den Menschen wiedererkennen.
agreement-title-one-line = Der Titel muss in eine Zeile passen.
agreement-title-control = Der Titel enthält Steuerzeichen; entfernen Sie diese.
agreement-title-too-long = Der Titel ist zu lang: höchstens { $max } Zeichen.
agreement-text-missing = Schreiben Sie den Einwilligungstext: den genauen Wortlaut, dem Menschen zustimmen.
agreement-text-too-long = Der Einwilligungstext ist zu lang: höchstens { $max } Zeichen.
agreement-text-control = Der Einwilligungstext enthielt unsichtbare Steuerzeichen; sie wurden unten entfernt. Prüfen Sie den Text und speichern Sie erneut.
agreement-translation-missing = Geben Sie auch den Einwilligungstext auf { $language } an, oder lassen Sie dessen Titel leer.
agreement-key-invalid = Verwenden Sie 2 bis 63 Kleinbuchstaben, Ziffern und _, beginnend mit einem Buchstaben (z. B. alcohol_agreement).
agreement-key-reserved = Der Schlüssel new ist für das Dashboard reserviert; wählen Sie einen anderen.
agreement-key-taken = Der Schlüssel { $key } ist bereits vergeben (oder war es, von einer archivierten Einwilligung): Ein Schlüssel behält seine Bedeutung für immer. Wählen Sie einen anderen.
agreement-channel-invalid = Wählen Sie, wie Menschen erreicht werden: E-Mail, SMS, Push oder Sonstiges.
agreement-language-invalid = Wählen Sie die Sprache, in der der Einwilligungstext geschrieben ist.
agreement-full = Assent verwaltet höchstens { $max } Einwilligungen, archivierte eingeschlossen, und so viele gibt es bereits. Bearbeiten Sie stattdessen eine bestehende Einwilligung oder verwenden Sie sie weiter.
agreement-not-found = Es gibt keine Einwilligung mit diesem Schlüssel.
agreement-bad-direction = Geben Sie an, in welche Richtung die Einwilligung verschoben werden soll: direction=up oder direction=down.

## Anmeldeformular-Baukasten (das Formular selbst und sein Code sprechen die Sprache des Formulars, aus assent.ftl)
forms-title = Anmeldeformular
forms-heading = Anmeldeformular für Ihre Website
forms-intro = Wählen Sie die Einwilligungen und kopieren Sie dann den Code in eine beliebige Seite. Das Formular sendet an { $path } dieser Assent-Instanz, die genau den angezeigten Wortlaut und seine Version festhält und die Bestätigungs-E-Mail sendet. Es benötigt kein JavaScript.
forms-agreements = Einwilligungen im Formular
forms-with-name = Nach einem Namen fragen (für die Person freiwillig)
forms-language = Sprache des Formulars
forms-language-help = Seine Beschriftungen sowie Titel und Text jeder Einwilligung in dieser Sprache, sofern vorhanden (sonst die der Einwilligung selbst). Auch die Bestätigungs-E-Mail und die folgenden Seiten sprechen diese Sprache.
forms-button = Text der Schaltfläche
forms-button-help = Leer: { $button }, in der Sprache des Formulars.
forms-show = Formular und Code anzeigen
forms-preview = Vorschau
forms-preview-note = So sieht es ohne die Stile Ihrer Website aus. Die Vorschau kann nicht abgeschickt werden.
forms-code = Code zum Kopieren
forms-none-ticked = Kreuzen Sie mindestens eine Einwilligung an, um das Formular und seinen Code zu sehen.
forms-unknown-agreement = „{ $value }“ ist keine aktive Einwilligung; wählen Sie aus der Liste auf dieser Seite.
forms-unknown-language = „{ $value }“ ist keine Sprache, die Assent kennt; wählen Sie eine aus der Liste auf dieser Seite.
forms-button-one-line = Der Text der Schaltfläche muss in eine Zeile passen.
forms-button-control = Der Text der Schaltfläche enthält Steuerzeichen; entfernen Sie diese.
forms-button-too-long = Der Text der Schaltfläche ist zu lang: höchstens { $max } Zeichen.
