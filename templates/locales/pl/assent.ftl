# Publiczne strony i e-maile Assent po polsku.

# Nazwa języka w tym języku (lista w panelu).
language-name = Polski

## Każda strona
skip-link = Przejdź do treści
footer = Twoje wybory zapisujemy z dokładnym brzmieniem, na które się zgadzasz. W każdej chwili możesz je zmienić w { $link }.
footer-link = swoich ustawieniach

## Zapis
subscribe-title = Zapisz się
subscribe-intro = Wybierz, co chcesz otrzymywać. Wyślemy Ci e-mail z linkiem do potwierdzenia; nic się nie zacznie, dopóki nie potwierdzisz.
form-errors = Popraw zaznaczone pola.
field-email = Adres e-mail
field-name = Imię
field-optional = (nieobowiązkowe)
receive-legend = Chcę otrzymywać
subscribe-button = Zapisz się
embed-note = Wyślemy Ci e-mailem link do potwierdzenia; nic się nie zacznie, dopóki go nie użyjesz.
error-email-missing = Podaj swój adres e-mail.
error-email-invalid = „{ $value }” nie jest poprawnym adresem e-mail; użyj postaci imie@example.com.
error-email-too-long = Ten adres e-mail jest za długi: najwyżej { $max } znaków.
error-name = Podaj imię w jednym wierszu, najwyżej 200 znaków.
error-agreement-none = Zaznacz co najmniej jedno pole, aby wybrać, co chcesz otrzymywać.
error-agreement-unknown = „{ $value }” nie jest czymś, na co można się tu zapisać.
error-wording-changed = Treść zgody „{ $title }” zmieniła się, gdy ją czytałeś(-aś). Przeczytaj nową treść poniżej i zaznacz pole ponownie.

## Sprawdź skrzynkę
subscribed-title = Sprawdź swoją skrzynkę
subscribed-sent = Wysłaliśmy e-mail na adres { $email }. Otwórz zawarty w nim link i naciśnij przycisk, aby potwierdzić.
subscribed-nothing = Po kilku minutach nic nie dotarło? Zajrzyj do folderu spam albo { $link }.
subscribed-again = zapisz się ponownie

## Potwierdzenie
confirm-title = Potwierdź zapis
confirm-intro = Naciśnij przycisk, aby potwierdzić, że zgadzasz się na:
confirm-button = Tak, potwierdzam
confirm-not-you = Jeśli to nie Ty, zamknij tę stronę: nic się nie stanie, dopóki nie naciśniesz przycisku.
confirmed-title = Dziękujemy, zapis potwierdzony
confirmed-body = Twoja zgoda została zapisana. Możesz ją wycofać w każdej chwili, równie łatwo, jak ją wyraziłeś(-aś).
already-title = Już potwierdzono
already-body = Ten link został już użyty; Twój zapis jest potwierdzony i nic się nie zmieniło.
manage-button = Zarządzaj ustawieniami
renewed-title = Wysłaliśmy nowy link
renewed-body = Wysłaliśmy nowy link potwierdzający na ten sam adres. Otwórz go i naciśnij przycisk, aby potwierdzić.

## Ustawienia
ask-title = Zarządzaj ustawieniami
ask-sent = Jeśli adres { $email } jest u nas zarejestrowany, link do Twoich ustawień jest już w drodze. Może to potrwać kilka minut.
ask-intro = Podaj swój adres e-mail, a wyślemy Ci osobisty link, pod którym zobaczysz i zmienisz, co otrzymujesz.
ask-button = Wyślij mi link
prefs-title = Twoje ustawienia
prefs-for = Dla { $email }. Zaznacz, co chcesz otrzymywać; zmiany obowiązują od razu po zapisaniu.
prefs-saved = Zapisano. { $count ->
    [0] Nic nie trzeba było zmieniać.
    [one] Zapisano 1 zmianę.
    [few] Zapisano { $count } zmiany.
   *[other] Zapisano { $count } zmian.
  }
prefs-pending = czeka na potwierdzenie z e-maila
prefs-save = Zapisz moje wybory
prefs-unsubscribe-all = Wypisz mnie ze wszystkiego

## Wypisanie
unsub-title = Wypisz się
unsub-stop = Przestańcie wysyłać na { $email }:
unsub-done-title = Wypisano Cię
unsub-done-body = Nie będziemy już wysyłać na { $email } poniższych treści. Wycofanie zgody zostało zapisane.
state-on = obecnie włączone
state-off = wyłączone
unsub-button = Wypisz się
unsub-instead = Wolisz wybrać dokładnie? { $link }.
unsub-open-prefs = Otwórz swoje ustawienia

## E-maile
mail-hello = Dzień dobry,
mail-hello-name = Dzień dobry, { $name },
mail-unsubscribe = Wypisz się
mail-unsubscribe-all = Wypisz mnie ze wszystkiego
mail-preferences = Twoje ustawienia
mail-confirm-subject = Potwierdź swój zapis
mail-confirm-intro = potwierdź, że chcesz otrzymywać:
mail-confirm-button = Potwierdzam zapis
mail-confirm-here = Potwierdź tutaj (strona ma jeden przycisk; nic się nie stanie, dopóki go nie naciśniesz):
mail-confirm-or-link = Albo otwórz ten link:
mail-confirm-valid = Link jest ważny przez { $hours } godz. Jeśli to nie Ty, zignoruj tę wiadomość, a nic nie będziemy Ci wysyłać.
mail-already-subject = Już jesteś zapisany(-a)
mail-already-intro = ktoś (zapewne Ty) właśnie zapisał ten adres, ale już otrzymujesz:
mail-already-nothing = Nic się nie zmieniło. { $link }, aby zmienić, co otrzymujesz.
mail-already-nothing-text = Nic się nie zmieniło. Aby zmienić, co otrzymujesz, otwórz swoje ustawienia:
mail-open-preferences = Otwórz swoje ustawienia
mail-prefs-subject = Twój link do zarządzania ustawieniami
mail-prefs-intro = oto link, pod którym zobaczysz i zmienisz, na co się zgadzasz:
mail-prefs-button = Zarządzaj moimi ustawieniami
mail-prefs-keep = Zachowaj go dla siebie: każdy, kto ma ten link, może zmienić Twoje ustawienia. Jeśli to nie Ty o niego prosiłeś(-aś), zignoruj tę wiadomość.

## Strony błędów
err-code = Błąd { $status }
err-not-found = Nie znaleziono
err-unknown-confirm = Ten link potwierdzający jest nieprawidłowy. Sprawdź, czy skopiowano cały link z e-maila, albo zapisz się ponownie.
err-bad-link = Ten link jest nieprawidłowy. Sprawdź, czy skopiowano cały link z e-maila, albo poproś o nowy na stronie /preferences.
err-ended-title = Ten link jest już nieważny
err-cancelled = Ten link potwierdzający anulowano, gdy się wypisałeś(-aś), więc nie może już Cię zapisać. Jeśli jednak chcesz otrzymywać te treści, zapisz się ponownie.
err-to-signup = Przejdź do formularza zapisu
err-expired-title = Ten link wygasł
err-expired = Linki potwierdzające są ważne przez ograniczony czas. Możemy wysłać nowy na ten sam adres.
err-expired-button = Wyślij mi nowy link
err-page-missing = Pod tym adresem nie ma strony. Sprawdź link albo przejdź do formularza zapisu.
err-agreement-unknown-link = Nie ma zgody o nazwie „{ $value }”. Sprawdź link, z którego korzystasz.
err-agreements-ended = Na żadną ze zgód z tego linku nie można się już zapisać.
err-bad-request-title = Nie udało się odczytać formularza
err-bad-form = Nie udało się odczytać danych formularza. Wróć i wyślij formularz jeszcze raz.
err-too-large-title = Za dużo danych
err-too-large = Formularz przesłał więcej danych, niż przyjmuje ta strona, więc nic nie zapisano. Skróć wpisany tekst i wyślij go ponownie.
err-too-slow-title = Formularz docierał zbyt długo
err-too-slow = Połączenie przerwało się podczas wysyłania formularza, więc nic nie zapisano. Wyślij formularz jeszcze raz.
err-unavailable-title = Chwilowo niedostępne
err-unavailable = Nie udało się teraz zapisać ani wczytać Twoich danych. Nic nie zostało zmienione; spróbuj ponownie za minutę.

# Global Privacy Control
gpc-noted = Twoja przeglądarka wysyła sygnał Global Privacy Control: prosi, by Twoich danych osobowych nie sprzedawać ani nie udostępniać.
gpc-override = Twoja przeglądarka prosi, by nie sprzedawać ani nie udostępniać Twoich danych. Zaznacz to tylko wtedy, gdy mimo to chcesz wyrazić zgodę; odnotujemy, że zgoda została wyrażona przy włączonym sygnale.
gpc-confirm-override = Twoja przeglądarka prosi, by nie sprzedawać ani nie udostępniać Twoich danych. Potwierdzenie tej zgody uchyla ten sygnał w jej zakresie; odnotujemy, że zgoda została wyrażona przy włączonym sygnale.
gpc-withdrawn = Ponieważ Twoja przeglądarka wysłała sygnał Global Privacy Control, wycofaliśmy: { $titles }.

# Consent receipts
prefs-receipt = Pobierz zapis moich zgód
receipt-title = Zapis Twoich zgód
receipt-intro = Co { $organisation } ma zapisane dla { $subject } na { $time }: każda zgoda, jej stan, dokładna treść, do której się odnosi, i każda zmiana.
receipt-contact = Pytania o Twoje dane: { $contact }
receipt-state = { $state ->
    [given] wyrażona
    [withdrawn] wycofana
    [refused] odmówiona
    [pending] czeka na Twoje potwierdzenie
   *[other] nigdy niewyrażona
}
receipt-value = { $value ->
    [enabled] zgoda
   *[other] brak zgody
}
receipt-wording = Wersja treści { $version }, w języku { $language }.
receipt-history = Zmiany: { $title }
receipt-when = Kiedy
receipt-what = Zmiana
receipt-how = Jak
receipt-keep-title = Zachowaj podpisaną kopię
receipt-keep = Podpisana kopia zawiera ten sam zapis, podpisany przez organizację. Każdy może ją sprawdzić kluczami publicznymi organizacji pod /.well-known/assent-receipt-keys.json, więc dowodzi, co zostało zapisane, nawet jeśli organizacja twierdziłaby później inaczej.
receipt-download = Pobierz podpisaną kopię
receipt-id = Zapis { $id }
receipt-email = Wyślij mi podpisaną kopię e-mailem
receipt-sent = Już wysyłamy podpisaną kopię na Twój adres.
receipt-not-sent = Wysłaliśmy Ci przed chwilą kilka wiadomości, więc nie wysłaliśmy kolejnej. Spróbuj ponownie za godzinę albo pobierz podpisaną kopię tutaj.
mail-receipt-subject = Zapis Twoich zgód
mail-receipt-intro = w załączniku jest podpisana kopia wszystkiego, co zapisaliśmy o Twoich zgodach. Zachowaj ją: każdy może ją sprawdzić naszymi opublikowanymi kluczami.
mail-receipt-read = Przeczytaj w przeglądarce:
mail-receipt-button = Zobacz zapis moich zgód
