# Strony „Dane” panelu po polsku: importy, eksport, integracje, webhooki i wysyłki plików
# (te same identyfikatory co w en/dashboard-data.ftl).

## Importy
imports-title = Importy
imports-intro = Wczytaj profile i zgody z pliku CSV, JSON (tablica), JSON Lines lub XML ({ $xml }). Po przesłaniu pliku na podglądzie pierwszych wierszy wybierzesz, co zawiera każda kolumna. Każdy wiersz jest sprawdzany tak jak element wsadowego API: błędne wiersze są zgłaszane z numerem i nie zatrzymują poprawnych, a wiersz starszy niż najnowsza zmiana danej osoby nigdy jej nie nadpisuje. Zmiany są zapisywane ze źródłem { $source }.
imports-source-example = import:<numer>
imports-format = Format
imports-format-auto = Według nazwy pliku
imports-format-json = JSON (tablica profili)
imports-delimiter = Separator CSV
imports-delimiter-auto = Wykryj z wiersza nagłówka
imports-comma = przecinek
imports-semicolon = średnik
imports-tab = Tabulator
imports-bar = kreska pionowa
imports-file = Plik (UTF-8)
imports-upload = Prześlij i przypisz kolumny
imports-recent = Ostatnie importy
imports-none = Nie ma jeszcze żadnych importów.
imports-file-column = Plik
imports-status = Stan
imports-rows = Wiersze
imports-counts = Utworzone · zaktualizowane · bez zmian · nieaktualne · odrzucone
imports-by-when = Kto, kiedy (UTC)
imports-dry-run = (próbny przebieg)
imports-done-of = { $done } z { $total }
imports-percent = { $value }%
imports-job-draft = szkic
imports-job-queued = w kolejce
imports-job-running = w toku
imports-job-done = zakończono
imports-job-failed = błąd
imports-job-cancelled = anulowano

## Jeden import
import-title = Import { $id }
import-heading = Import { $id }: { $name }
import-back = ← Importy
import-map-intro = Wybierz, co zawiera każda kolumna. Kolumny nazwane jak pole lub klucz zgody są już przypisane; pozostałe zostaną zapisane jako atrybuty profilu, chyba że je pominiesz. Wartości zgód mogą mieć postać 1/0, yes/no, true/false, y/n lub enabled/disabled.
import-preview = { $count ->
    [one] Pierwszy wiersz pliku
    [few] Pierwsze { $count } wiersze pliku
   *[many] Pierwszych { $count } wierszy pliku
}
import-column-holds = Co zawiera kolumna { $name }
import-leave-out = — pomiń —
import-choice-consent = zgoda: { $title } ({ $key })
import-choice-attribute = atrybut „{ $column }”
import-choice-json = { $column } (obiekt JSON)
import-consented-at = Kiedy udzielono tych zgód? (dla wierszy bez kolumny z czasem zgody)
import-consented-at-hint = UTC, w postaci 2026-05-01 12:00:00 lub RFC 3339. Zostaw puste, aby zapisać je z czasem importu. Wiersz starszy niż najnowsza zmiana zgody danej osoby nie zostanie zastosowany.
import-dry-run = Sprawdź każdy wiersz (próbny przebieg, nic nie zapisuje)
import-start = Importuj
import-discard = Odrzuć przesłany plik
import-status = Stan: { $status }.
import-status-dry-run = Stan: { $status } (próbny przebieg: nic nie zostaje zapisane).
import-finished = Zakończono { $time }.
import-unreadable = Pliku nie da się dalej odczytać: { $error }
import-rows-done = Przetworzone wiersze
import-progress = { $done } z { $rows } ({ $percent })
import-progress-rows = { $count ->
    [one] { $count } wiersza
    [few] { $count } wierszy
   *[many] { $count } wierszy
}
import-progress-counting = { $count ->
    [one] { $count } wiersz (trwa liczenie…)
    [few] { $count } wiersze (trwa liczenie…)
   *[many] { $count } wierszy (trwa liczenie…)
}
import-rate = { $rate } wierszy/s
import-so-far = Dotychczas
import-created = Utworzone
import-updated = Zaktualizowane
import-unchanged = Bez zmian
import-stale = Nieaktualne (istnieje późniejsza zmiana)
import-rejected = Odrzucone
import-refreshes = Ta strona odświeża się co 2 sekundy.
import-cancel = Anuluj import
import-not-applied = Niezastosowane wiersze
import-download-errors = Pobierz wszystkie jako CSV
import-row = Wiersz
import-outcome = Wynik
import-why = Powód
import-outcome-rejected = odrzucony
import-outcome-stale = nieaktualny
import-broke-off = Przesyłanie zostało przerwane: { $error }
import-not-a-form = Przesłane dane nie są prawidłowym formularzem: { $error }
import-field-too-long = Pole formularza jest za długie.
import-field-not-utf8 = Pole formularza nie jest zapisane w UTF-8.
import-one-file = Przesyłaj po jednym pliku.
import-choose-file = Wybierz plik do zaimportowania.
import-unknown-format = Nie można rozpoznać formatu pliku { $name } po jego nazwie: wybierz go w formularzu.
import-none-with-number = Nie ma importu o tym numerze.
import-none-waiting = Nie ma importu o tym numerze, który czeka na przypisanie kolumn.
import-none-open = Nie ma otwartego importu o tym numerze.
import-consent-time = Czas zgody: { $error }
import-already-started = Ten import został już uruchomiony lub anulowany.

## Eksport
exports-title = Eksport
exports-heading = Eksportuj profile do pliku CSV
exports-intro = Jeden wiersz na profil z bieżącą wartością każdej zgody i dwoma osobistymi linkami (do wypisania i do ustawień), których system wysyłkowy może używać we własnych e-mailach.
exports-agreement = Tylko profile z tą zgodą
exports-all = (wszystkie profile)
exports-status = … w stanie
exports-enabled = włączona
exports-disabled = wyłączona
exports-download = Pobierz { $file }

## Integracje
integrations-title = Integracje
integrations-added = Dodano { $name }. Przesyła profile na adres { $url }.
integrations-secret-once = Jej sekret Standard Webhooks, pokazywany tylko ten jeden raz:
integrations-intro = Inne systemy (CRM, sklep, inny Assent) przesyłają jeden profil lub ich tablicę, w formacie wsadowego API, na adres { $url }. Każda integracja przyjmuje tylko jeden rodzaj dowodu. Jej zmiany są zapisywane ze źródłem { $source }, a zmiana na wartość, którą profil już ma, niczego nie zapisuje, więc nic nie odbija się tam i z powrotem.
integrations-url-example = /integrations/<nazwa>/webhook
integrations-source-example = integration:<nazwa>
integrations-name = Nazwa
integrations-proof = Dowód
integrations-last-used = Ostatnie użycie (UTC)
integrations-status = Stan
integrations-never = nigdy
integrations-active = aktywna
integrations-disabled = wyłączona
integrations-enable = Włącz
integrations-enable-label = Włącz { $name }
integrations-disable = Wyłącz
integrations-disable-label = Wyłącz { $name }
integrations-new = Nowa integracja
integrations-nothing-added = Niczego nie dodano: { $error }
integrations-name-label = Nazwa (małe litery, cyfry, - i _)
integrations-proven = Jak potwierdzane są jej żądania
integrations-auth-hs256 = JWT podpisany algorytmem HS256 ze wspólnym sekretem
integrations-auth-public-key = JWT podpisany algorytmem RS256 lub ES256 (wklej klucz publiczny nadawcy)
integrations-auth-hmac = X-Hub-Signature-256: HMAC-SHA256 treści żądania ze wspólnym sekretem
integrations-auth-standard = Podpisy Standard Webhooks (sekret zostanie utworzony za Ciebie)
integrations-auth-twilio = Wiadomości SMS z Twilio (słowa STOP i START; podaj jako klucz token uwierzytelniający konta)
integrations-auth-sms = Wiadomości SMS z innej bramki, jako JSON podpisany Standard Webhooks (sekret zostanie utworzony za Ciebie)
integrations-key = Wspólny sekret (co najmniej 32 znaki) lub klucz publiczny (PEM)
integrations-key-help = Niepotrzebne dla Standard Webhooks. Tokeny JWT muszą zawierać { $exp }; dany { $jti } jest przyjmowany tylko raz.
integrations-add = Dodaj integrację
integrations-choose-proof = Wybierz, jak potwierdzane są jej żądania.
integrations-exists = Integracja o nazwie { $name } już istnieje.
integrations-none-named = Nie ma integracji o tej nazwie.

## Webhooki
webhooks-title = Webhooki
webhooks-added = Dodano { $link }. Jego sekret do podpisów, pokazywany tylko ten jeden raz:
webhooks-added-link = webhook { $id }
webhooks-receiver-checks = Odbiorca sprawdza nim nagłówek { $header } (robi to każda biblioteka Standard Webhooks).
webhooks-intro = Każda zmiana jest wysyłana do tych punktów końcowych w chwili zatwierdzenia: { $created }, { $updated } i { $changed }, podpisana zgodnie ze Standard Webhooks, ponawiana przez około dwa dni i dostarczana po kolei dla każdego profilu.
webhooks-none = Nie ma jeszcze punktów końcowych.
webhooks-url = URL
webhooks-events = Zdarzenia
webhooks-status = Stan
webhooks-queued = W kolejce
webhooks-dead = Niedoręczalne
webhooks-delivered-day = Doręczone (24 h)
webhooks-success-day = Skuteczność (24 h)
webhooks-stopped = zatrzymany (410)
webhooks-paused = wstrzymany
webhooks-active = aktywny
webhooks-new = Nowy punkt końcowy
webhooks-nothing-added = Niczego nie dodano: { $error }
webhooks-add = Dodaj punkt końcowy

## Jeden webhook i formularz punktu końcowego
webhook-title = Webhook { $id }
webhook-all = Wszystkie webhooki
webhook-state-stopped = zatrzymał się sam: { $reason }
webhook-state-paused = wstrzymany od { $time }
webhook-state-active = aktywny
webhook-new-secret = Nowy sekret do podpisów, pokazywany tylko ten jeden raz:
webhook-both-secrets = Przez następne 24 godziny każde żądanie ma podpis każdym z sekretów, więc odbiorca może przejść na nowy we własnym tempie.
webhook-queued = W kolejce
webhook-due = Do wysłania teraz
webhook-delivered-day = Doręczone w ciągu ostatnich 24 godzin
webhook-success-rate = Skuteczność (24 h)
webhook-dead = Niedoręczalne wiadomości
webhook-last-delivery = Ostatnie doręczenie: { $time }.
webhook-last-delivery-none = Ostatnie doręczenie: jeszcze żadnego.
webhook-oldest = Najstarsza w kolejce: utworzona { $time }.
webhook-oldest-error = Najstarsza w kolejce: utworzona { $time }, ostatni błąd: { $error }.
webhook-resume = Wznów
webhook-pause = Wstrzymaj
webhook-test = Wyślij zdarzenie testowe
webhook-rotate = Wymień sekret
webhook-redeliver-all = Doręcz ponownie wszystkie niedoręczalne wiadomości
webhook-replay-since = Wyślij ponownie każdą zmianę zgody zapisaną od (UTC)
webhook-replay-help = Ponownie dodaje je do kolejki tego punktu końcowego, z jego filtrami; odbiorca powinien pomijać identyfikatory, które już widział.
webhook-replay = Wyślij ponownie
webhook-deliveries = Doręczenia
webhook-which-deliveries = Które doręczenia
webhook-shelf-queued = W kolejce
webhook-shelf-dead = Niedoręczalne
webhook-shelf-sent = Doręczone
webhook-no-deliveries = Nie ma tu żadnych doręczeń.
webhook-event = Zdarzenie
webhook-created = Utworzono (UTC)
webhook-attempts = Próby
webhook-next-attempt = Następna próba
webhook-delivered = Doręczono
webhook-dead-since = Niedoręczalna od
webhook-answer = Odpowiedź
webhook-latency = Czas odpowiedzi
webhook-response = Treść odpowiedzi
webhook-last-error = Ostatni błąd
webhook-action = Działanie
webhook-redeliver = Doręcz ponownie
webhook-redeliver-label = Doręcz ponownie msg_{ $id }
webhook-older = Starsze doręczenia
webhook-settings = Ustawienia
webhook-save = Zapisz
webhook-delete-heading = Usuwanie
webhook-delete-note = Usunięcie kasuje punkt końcowy i wszystkie czekające na niego doręczenia.
webhook-delete = Usuń webhook { $id }
webhook-url = URL, który odbiera zdarzenia
webhook-url-help = Każde żądanie to POST podpisany zgodnie ze Standard Webhooks. Adresy pętli zwrotnej i prywatne są odrzucane, chyba że ustawiono { $setting }.
webhook-events = Zdarzenia
webhook-agreements = Tylko zmiany tych zgód (gdy nic nie zaznaczono: każdej zgody)
webhook-exclude = Nigdy nie wysyłaj zmian z tych źródeł
webhook-exclude-help = Rozdzielone przecinkami: rodzaj ({ $import }, { $form }, { $api }) lub jedno źródło ({ $crm }, { $shop }).
webhook-integration = Integracja przychodząca tego samego systemu (jego własne zmiany nigdy do niego nie wracają)
webhook-none = brak
webhook-none-with-id = Nie ma webhooka o tym identyfikatorze.
webhook-no-such-action = Nie ma takiego działania na webhooku.
webhook-no-such-shelf = { $value } nie jest tu listą doręczeń; użyj queued, sent lub dead.
webhook-saved = Zapisano.
webhook-paused-notice = Wstrzymano: zmiany czekają w kolejce i zostaną wysłane po wznowieniu.
webhook-resumed-notice = Wznowiono: to, co czekało w kolejce, jest wysyłane teraz.
webhook-test-queued = Zdarzenie testowe czeka w kolejce; pojawi się w zakładce Doręczone, gdy odbiorca odpowie kodem 2xx.
webhook-replayed = { $count ->
    [one] 1 zmiana zgody ponownie czeka w kolejce.
    [few] { $count } zmiany zgód ponownie czekają w kolejce.
   *[many] { $count } zmian zgód ponownie czeka w kolejce.
}
webhook-redelivered = { $count ->
    [one] 1 niedoręczalna wiadomość ponownie czeka w kolejce.
    [few] { $count } niedoręczalne wiadomości ponownie czekają w kolejce.
   *[many] { $count } niedoręczalnych wiadomości ponownie czeka w kolejce.
}
webhook-replay-time = Podaj czas, od którego wysłać ponownie, np. 2026-05-01T09:00 (UTC). Niczego nie dodano do kolejki.

## Dzienniki doręczeń (webhooki i e-mail)
outbox-sending = trwa wysyłanie
outbox-due = do wysłania

## Wysyłki plików
sendfiles-title = Wysyłki plików
sendfiles-intro = Plik CSV z profilami (ten sam co w eksporcie), wysyłany według harmonogramu do systemu, który przechowuje własną kopię: jako treść żądania HTTP ({ $csv }) albo jako plik na serwerze SFTP. Token typu bearer pochodzi z { $token }, dane uwierzytelniania podstawowego z { $basic }, hasło SFTP z { $password } (albo podaj plik klucza); sekrety nigdy nie trafiają do bazy danych. Klucz hosta serwera SFTP jest zapamiętywany przy pierwszym połączeniu. Czas podawany jest w UTC.
sendfiles-basic-example = ASSENT_SENDFILE_BASIC_<NAME>=użytkownik:hasło
sendfiles-none = Nie ma jeszcze żadnych wysyłek plików.
sendfiles-name = Nazwa
sendfiles-target = Cel
sendfiles-profiles = Profile
sendfiles-schedule = Harmonogram
sendfiles-next-run = Następne uruchomienie
sendfiles-last-outcome = Ostatni wynik
sendfiles-actions = Działania
sendfiles-host-key = klucz hosta { $key }
sendfiles-forget = Zapomnij zapamiętany klucz
sendfiles-forget-label = Zapomnij zapamiętany klucz wysyłki { $name }
sendfiles-pinned-at-first-run = klucz hosta zostanie zapamiętany przy pierwszym uruchomieniu
sendfiles-audience = grupa odbiorców { $name }
sendfiles-agreement-status = { $agreement } { $status }
sendfiles-enabled = włączona
sendfiles-disabled = wyłączona
sendfiles-everyone = wszyscy
sendfiles-changed-only = zmienione od ostatniego udanego uruchomienia
sendfiles-daily = codziennie
sendfiles-every-days = co { $count } dni
sendfiles-every-hours = { $count ->
    [one] co godzinę
   *[many] co { $count } godz.
}
sendfiles-every-minutes = co { $count } min
sendfiles-schedule-at = { $every } o { $time } UTC
sendfiles-paused = wstrzymana
sendfiles-failures = { $count ->
    [one] 1 nieudane uruchomienie
    [few] { $count } nieudane uruchomienia z rzędu
   *[many] { $count } nieudanych uruchomień z rzędu
}
sendfiles-success = udana (uruchomienie z { $time })
sendfiles-not-run = jeszcze nie uruchomiona
sendfiles-run-now = Uruchom teraz
sendfiles-run-now-label = Uruchom teraz: { $name }
sendfiles-pause = Wstrzymaj
sendfiles-pause-label = Wstrzymaj { $name }
sendfiles-resume = Wznów
sendfiles-resume-label = Wznów { $name }
sendfiles-delete = Usuń
sendfiles-delete-label = Usuń { $name }
sendfiles-recent = Ostatnie uruchomienia
sendfiles-no-runs = Nie było jeszcze żadnych uruchomień.
sendfiles-sendfile = Wysyłka pliku
sendfiles-started = Rozpoczęto
sendfiles-status = Stan
sendfiles-rows = Wiersze
sendfiles-bytes = Bajty
sendfiles-duration = Czas trwania
sendfiles-error = Błąd
sendfiles-deleted = (usunięta)
sendfiles-waiting = oczekuje
sendfiles-new = Nowa wysyłka pliku
sendfiles-name-label = Nazwa (małe litery, cyfry, - i _)
sendfiles-target-help = { $https } albo { $sftp }, gdzie ścieżka może zawierać { $date } i { $time } (UTC), a { $home } oznacza katalog domowy użytkownika. Adresy pętli zwrotnej i prywatne są odrzucane, chyba że ustawiono { $setting }.
sendfiles-sftp-example = sftp://UŻYTKOWNIK@HOST[:PORT]/ŚCIEŻKA
sendfiles-key = Plik klucza SFTP (ścieżka na serwerze; zostaw puste, aby użyć hasła ze zmiennej środowiskowej)
sendfiles-method = Metoda HTTP
sendfiles-agreement = Tylko profile z tą zgodą
sendfiles-at-status = w stanie
sendfiles-audience-label = Albo profile z zapisanej grupy odbiorców
sendfiles-no-audience = brak
sendfiles-every = Co ile (15m, 6h, 1d)
sendfiles-at = o godzinie (GG:MM UTC)
sendfiles-changed-only-label = Tylko profile zmienione od ostatniego udanego uruchomienia
sendfiles-add = Dodaj wysyłkę pliku
sendfiles-starting = Rozpoczyna się uruchomienie wysyłki { $name }; pojawi się poniżej, gdy się zakończy (odśwież stronę).
sendfiles-done-paused = Wysyłka { $name } jest wstrzymana.
sendfiles-done-resumed = Wysyłka { $name } jest wznowiona.
sendfiles-done-deleted = Wysyłka { $name } jest usunięta.
sendfiles-forgot = Zapomniano zapamiętany klucz hosta wysyłki { $name }: następne uruchomienie zapamięta klucz, który wtedy pokaże serwer.
sendfiles-no-such = Nie ma wysyłki pliku o tej nazwie.
sendfiles-no-such-action = Nie ma takiego działania.
sendfiles-none-named = nie ma wysyłki pliku o nazwie { $name }
sendfiles-run-open = uruchomienie { $run } tej wysyłki pliku jeszcze się nie zakończyło
imports-from = Wyeksportowano z
imports-from-none = Inny system lub mój własny plik
imports-from-hint = Wybierz narzędzie, z którego pochodzi plik, a jego kolumny przypiszą się same: czasy i adresy zapisów trafią do rejestru, a historia pokaże, skąd pochodzi każda zmiana.
import-preset-kind = Odczytano jako: { $kind }.
import-timezone = Strefa czasowa czasów w pliku
import-timezone-hint = Czasy zapisane bez przesunięcia są odczytywane w tej strefie (nazwa IANA, np. Europe/Warsaw; puste oznacza UTC). Mailchimp zapisuje czasy w strefie konta.
import-timezone-unknown = { $zone } nie jest strefą czasową: podaj nazwę IANA, np. Europe/Warsaw, lub zostaw pole puste dla UTC.
import-kind-mailchimp-subscribed = subskrybenci z Mailchimp
import-kind-mailchimp-unsubscribed = osoby wypisane w Mailchimp
import-kind-mailchimp-cleaned = adresy usunięte przez Mailchimp (niedoręczalne)
import-kind-listmonk = subskrybenci z listmonk
import-kind-synerise = profile z Synerise
