# Ustawienia panelu (użytkownicy, klucze API, dostarczanie e-maili, dziennik zmian), logowanie i strony
# błędów panelu po polsku (te same identyfikatory co w en/dashboard-settings.ftl).

## Użytkownicy
users-title = Użytkownicy
users-email = E-mail
users-role = Rola
users-status = Stan
users-created = Utworzono (UTC)
users-disabled-on = wyłączony { $date }
users-active = aktywny
users-new = Nowy użytkownik
users-not-created = Nikogo nie utworzono: popraw pola zaznaczone poniżej.
users-email-label = Adres e-mail (służy do logowania)
users-role-help = Marketerzy zarządzają zgodami, profilami i grupami odbiorców; administratorzy także użytkownikami, kluczami API, eksportami i dostarczaniem e-maili.
users-password-label = Pierwsze hasło
users-password-help = Co najmniej { $min } znaków; dobrze sprawdza się kilka niezwiązanych ze sobą słów. Przekaż hasło tej osobie innym kanałem.
users-create = Utwórz użytkownika
users-exists = Użytkownik panelu z tym adresem e-mail już istnieje.
users-role-invalid = { $value } nie jest rolą; wybierz administratora lub marketera
users-password-too-short = Hasło jest za krótkie: użyj co najmniej { $min } znaków (dobrze sprawdza się kilka niezwiązanych ze sobą słów).
users-password-too-long = Hasło jest za długie: najwyżej { $max } znaków.
users-password-repetitive = Hasło składa się ze zbyt małej liczby różnych znaków.
users-password-has-email = Hasło nie może zawierać adresu e-mail konta.
users-password-common = Hasło zawiera bardzo popularne hasło; wybierz coś trudniejszego do odgadnięcia.

## Jeden użytkownik
user-back = ← Użytkownicy
user-disabled-since = wyłączony od { $when }
user-created = Utworzono { $created }; hasło ustawiono { $password }.
user-password = Hasło
user-current = Twoje obecne hasło
user-new-password = Nowe hasło
user-password-help-self = Co najmniej { $min } znaków. Wszystkie Twoje sesje poza tą od razu się zakończą.
user-password-help-other = Co najmniej { $min } znaków. Wszystkie sesje tego użytkownika od razu się zakończą.
user-set-password = Ustaw hasło
user-access = Dostęp
user-cannot-sign-in = Ten użytkownik nie może się zalogować.
user-enable = Włącz: przywróć możliwość logowania
user-disable-help = Wyłączenie od razu kończy sesje tego użytkownika na każdym węźle. Jego działania pozostają w dzienniku zmian.
user-disable = Wyłącz
user-done-created = Utworzono. Użytkownik może się zalogować na stronie /admin/login hasłem, które dla niego ustawiono.
user-done-password = Ustawiono hasło. Pozostałe sesje tego użytkownika zostały zakończone.
user-done-disable = Wyłączono: użytkownik został wszędzie wylogowany i nie może się zalogować.
user-done-enable = Włączono: użytkownik może znowu się logować.
user-not-found = Nie ma użytkownika panelu o tym identyfikatorze.
user-wrong-current = To nie jest Twoje obecne hasło.
user-not-yourself = Nie możesz wyłączyć ani włączyć własnego konta; poproś o to innego administratora.
user-only-admin = { $email } to jedyny administrator, który może się zalogować; najpierw utwórz innego administratora.

## Klucze API
apikeys-title = Klucze API
apikeys-created = Utworzono klucz { $name }. Skopiuj go teraz: jest pokazywany tylko ten jeden raz, a przechowywany jest wyłącznie jego skrót.
apikeys-intro-header = Inne systemy wysyłają klucz w nagłówku { $header }.
apikeys-intro-source = Zmiany, które wprowadzają, są zapisywane ze źródłem { $source }.
apikeys-name = Nazwa nowego klucza
apikeys-create = Utwórz klucz
apikeys-col-name = Nazwa
apikeys-col-created = Utworzono (UTC)
apikeys-col-last-used = Ostatnie użycie (UTC)
apikeys-col-status = Stan
apikeys-never = nigdy
apikeys-revoked-on = unieważniony { $date }
apikeys-revoke-label = Unieważnij klucz { $name }
apikeys-revoke = Unieważnij
apikeys-done-revoked = Unieważniono: żądania z tym kluczem są od teraz odrzucane.
apikeys-name-invalid = Użyj od 1 do 64 liter, cyfr lub znaków '-', '_' i '.' (nazwa pojawia się w rejestrze zgód jako api:<name>).
apikeys-name-taken = Klucz o nazwie „{ $name }” już istnieje (nazwy pozostają w rejestrze zgód); wybierz inną.
apikeys-not-found = Nie ma aktywnego klucza API o tym identyfikatorze.

## Dostarczanie e-maili
email-title = Dostarczanie e-maili
email-works-smtp = Połączenie działa: serwer SMTP { $target } odpowiedział.
email-works-files = Połączenie działa: można zapisywać pliki w { $dir } (ASSENT_SMTP_URL nie jest ustawiony, więc nic nie trafia do skrzynek odbiorczych).
email-check-failed = Sprawdzenie połączenia nie powiodło się: { $error }
email-check-waits = E-maile czekają w kolejce wysyłki i są ponawiane; nic nie ginie, gdy serwer jest niedostępny.
email-goes-smtp = E-maile trafiają do serwera SMTP { $target }.
email-goes-files = E-maile trafiają do plików w { $dir } (ASSENT_SMTP_URL nie jest ustawiony, więc nic nie trafia do skrzynek odbiorczych).
email-queued = W kolejce
email-due = Do wysłania teraz
email-sent-last-day = Wysłane w ciągu ostatnich 24 godzin
email-dead = Niedoręczalne
email-sent = Wysłane
email-last-sent = Ostatni wysłany e-mail: { $when }.
email-none-yet = jeszcze żaden
email-oldest = Najstarszy e-mail w kolejce: utworzony { $when }.
email-oldest-error = Najstarszy e-mail w kolejce: utworzony { $when }, ostatni błąd: { $error }.
email-check = Sprawdź połączenie teraz
email-retry-all = Ponów wszystkie niedoręczalne wiadomości
email-shelves = Które e-maile
email-none = Brak e-maili.
email-col-kind = Rodzaj
email-col-to = Do
email-col-created = Utworzono (UTC)
email-col-attempts = Próby
email-col-next = Następna próba
email-col-sent = Wysłano
email-col-dead = Niedoręczalny od
email-col-error = Ostatni błąd
email-col-action = Działanie
email-not-kept = (nie jest przechowywany)
email-retry-label = Ponów e-mail { $id }
email-retry = Ponów
email-older = Starsze e-maile
email-retried = { $count ->
    [one] Jeden e-mail ponownie czeka w kolejce i wkrótce zostanie wysłany.
    [few] { $count } e-maile ponownie czekają w kolejce i wkrótce zostaną wysłane.
   *[many] { $count } e-maili ponownie czeka w kolejce i wkrótce zostanie wysłanych.
}
email-no-such-shelf = { $value } nie jest tu listą e-maili; użyj queued, sent lub dead.
email-no-dead-letter = Nie ma niedoręczalnej wiadomości o tym identyfikatorze (może została już ponowiona).

## Dziennik zmian
audit-title = Dziennik zmian
audit-intro = Każda zmiana wprowadzona w panelu lub z wiersza poleceń, od najnowszej.
audit-when = Kiedy (UTC)
audit-who = Kto
audit-action = Działanie
audit-what = Czego dotyczy
audit-detail = Szczegóły
audit-ip = IP
audit-older = Starsze wpisy

## Logowanie
login-title = Logowanie
login-heading = Zaloguj się do panelu
login-first-run = Nikt nie może się jeszcze zalogować. Utwórz pierwszego administratora na serwerze poleceniem { $command } (poprosi o hasło o długości co najmniej { $min } znaków), a potem zaloguj się tutaj.
login-email = Adres e-mail
login-password = Hasło
login-submit = Zaloguj się
login-refused = Adres e-mail lub hasło jest nieprawidłowe.

## Strony błędów panelu
dash-error-code = Błąd { $status }
dash-error-forbidden = Brak dostępu
dash-error-to-dashboard = Wróć do panelu
dash-error-throttled-title = Zbyt wiele prób logowania
dash-error-throttled = W ciągu ostatniej minuty było zbyt wiele nieudanych prób logowania na to konto lub z Twojej sieci. Odczekaj minutę i spróbuj ponownie.
dash-error-to-sign-in = Wróć do logowania
dash-error-not-found = Nie znaleziono
dash-error-bad-request = Nieprawidłowe żądanie
dash-error-too-large-title = Za dużo danych
dash-error-too-large = Żądanie jest większe niż { $max } bajtów.
dash-error-too-slow-title = Formularz docierał zbyt długo
dash-error-too-slow = Połączenie przerwało się podczas wysyłania formularza, więc nic nie zapisano. Wyślij formularz jeszcze raz.
dash-error-unavailable-title = Chwilowo niedostępne
dash-error-unavailable = Nie udało się teraz zapisać ani wczytać danych. Nic nie zostało zmienione; spróbuj ponownie za minutę.
dash-error-csrf = Ten formularz wygasł lub nie pochodzi z tej witryny (brakuje jego tokenu bezpieczeństwa albo jest nieprawidłowy). Wróć, odśwież stronę i wyślij formularz ponownie.
dash-error-admins-only = Tę stronę mogą otwierać tylko administratorzy. Jeśli czegoś tu potrzebujesz, poproś administratora.
dash-error-no-page = Pod tym adresem nie ma strony panelu.
