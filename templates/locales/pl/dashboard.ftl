# Panel administracyjny po polsku (te same identyfikatory co w en/dashboard.ftl).

## Liczby i czas (wzorce chrono; czas w UTC)
format-group =  
format-decimal = ,
format-datetime = %d.%m.%Y %H:%M UTC
format-date = %d.%m.%Y
duration-seconds = { $count ->
    [one] 1 sekunda
    [few] { $count } sekundy
   *[many] { $count } sekund
}
duration-minutes = { $count ->
    [one] 1 minuta
    [few] { $count } minuty
   *[many] { $count } minut
}
duration-hours = { $count ->
    [one] 1 godzina
    [few] { $count } godziny
   *[many] { $count } godzin
}
duration-days = { $count ->
    [one] 1 dzień
   *[other] { $count } dni
}

## Każda strona
dash-skip = Przejdź do treści
# After each page's title: "Profiles · Shop dashboard".
dash-title-suffix = panel
dash-menu = Menu
dash-menu-close = Zamknij menu
dash-nav = Panel
dash-sign-out = Wyloguj się
dash-role-admin = administrator
dash-role-marketer = marketer
nav-people = Ludzie
nav-overview = Przegląd
nav-profiles = Profile
nav-audiences = Grupy odbiorców
nav-consent = Zgody
nav-agreements = Zgody
nav-forms = Formularz zapisu
nav-data = Dane
nav-imports = Import
nav-exports = Eksport
nav-integrations = Integracje
nav-webhooks = Webhooki
nav-sendfiles = Wysyłka plików
nav-settings = Ustawienia
nav-users = Użytkownicy
nav-apikeys = Klucze API
nav-email = Dostarczanie e-maili
nav-audit = Dziennik zmian
nav-health = Stan systemu

## Twoje konto
account-title = Twoje konto
account-language = Język panelu
account-language-browser = Język mojej przeglądarki
account-language-save = Zapisz
account-language-saved = Zapisano: panel mówi teraz wybranym językiem.
account-no-such-language = Panel nie ma języka „{ $value }”; wybierz jeden z listy.

## Stan systemu
health-title = Stan systemu
health-intro = To, co system monitorowania odczytuje z /metrics, w jednym miejscu. Odśwież stronę, aby zobaczyć bieżące wartości.
health-engine = Silnik bazy danych
health-version = Wersja
health-database-size = Rozmiar bazy danych
health-pool = Połączenia w użyciu
health-lanes = Oczekujące doręczenia
health-lane = Kanał
health-lane-email = E-mail
health-lane-webhook = Webhooki
health-waiting = Oczekuje
health-oldest-due = Najstarsze czeka od
health-dead = Niedoręczalne
health-last-error = Ostatni błąd
health-none = brak
health-jobs = Trwające zadania
health-no-jobs = Nie trwa żaden import, eksport ani wysyłka pliku.
health-job-kind = Zadanie
health-running = Trwa
health-rows-done = Wykonane wiersze
health-sendfiles-failing = { $count ->
    [one] 1 wysyłka pliku kończy się błędem.
    [few] { $count } wysyłki plików kończą się błędem.
   *[many] { $count } wysyłek plików kończy się błędem.
}
health-see-sendfiles = Zobacz wysyłki plików.
health-sendfiles-ok = Każda wysyłka pliku dostarczyła swój ostatni plik.
health-workers = Procesy w tle
health-workers-intro = Procesy w tle tego serwera ({ $node }). Proces, który ulegnie awarii, jest uruchamiany ponownie; każde ponowne uruchomienie jest tu liczone i zapisywane w logu.
health-worker = Proces
health-state = Stan
health-alive = działa
health-stopped = zatrzymany
health-started = Uruchomiony
health-restarts = Ponowne uruchomienia
health-last-panic = Ostatnia awaria
