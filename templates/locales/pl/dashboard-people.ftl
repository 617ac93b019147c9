# Strony panelu „Ludzie” i „Zgody” po polsku (te same identyfikatory co w en/dashboard-people.ftl).

## Przegląd
overview-title = Przegląd
overview-profiles = Profile
overview-audiences-hint = Kombinacje zgód znajdziesz na stronie { $link }.
overview-audiences-link = Grupy odbiorców
overview-chart-heading = { $count ->
    [one] Wyrażone i wycofane zgody z ostatniego dnia
   *[other] Wyrażone i wycofane zgody z ostatnich { $count } dni
}
overview-agreement = Zgoda
overview-all-agreements = (wszystkie zgody)
overview-show = Pokaż
overview-key-ins = wyrażone zgody (nad linią)
overview-key-outs = wycofane zgody (pod linią), według dnia zapisu w UTC.
overview-day-by-day = Liczby dzień po dniu
overview-day = Dzień (UTC)
overview-ins = Wyrażone zgody
overview-outs = Wycofane zgody
overview-enabled-caption = Profile z włączoną daną zgodą
overview-key = Klucz
overview-enabled = Włączona
overview-not-enabled = Niewłączona
overview-no-such-agreement = Nie ma zgody „{ $value }”, dla której można pokazać wykres; wybierz jedną z listy.

## Wykres na stronie przeglądu (SVG)
chart-title = Wyrażone i wycofane zgody dzień po dniu
chart-desc = Od { $first } do { $last }: { $ins } i { $outs }; najwięcej w jednym dniu: { $peak }.
chart-opt-ins = { $count ->
    [one] { $count } wyrażona zgoda
    [few] { $count } wyrażone zgody
   *[many] { $count } wyrażonych zgód
}
chart-opt-outs = { $count ->
    [one] { $count } wycofana zgoda
    [few] { $count } wycofane zgody
   *[many] { $count } wycofanych zgód
}
chart-day = { $day }: { $ins }, { $outs }
# Dzień pod osią wykresu: dzień miesiąca i miesiąc (z chart-month).
chart-axis-day = { $day } { $month }
chart-month = { $count ->
    [1] sty
    [2] lut
    [3] mar
    [4] kwi
    [5] maj
    [6] cze
    [7] lip
    [8] sie
    [9] wrz
    [10] paź
    [11] lis
   *[12] gru
}

## Profile
profiles-title = Profile
profiles-search-label = E-mail, customId, uuid lub telefon
profiles-search-help = Początek adresu e-mail lub customId albo pełny uuid lub numer telefonu.
profiles-search = Szukaj
profiles-none = Brak profili.
profiles-none-match = Żaden profil nie pasuje do „{ $query }”.
profiles-email = E-mail
profiles-custom-id = customId
profiles-name = Imię i nazwisko
profiles-created = Utworzono
profiles-erased = Profil { $id } (dane usunięte)
profiles-no-email = (brak adresu e-mail)
profiles-next = Następna strona

## Jeden profil
profile-title = Profil
profile-heading = Profil { $id }
profile-erased-on = Usunięto { $time }. Dane osobowe zostały usunięte; rejestr zgód poniżej przechowuje tylko skróty.
profile-phone = Telefon
profile-first-name = Imię
profile-last-name = Nazwisko
profile-email-confirmed = E-mail potwierdzony
profile-not-confirmed = nie
profile-created = Utworzono
profile-agreements = Zgody
profile-current-values = Obecne wartości: zaznacz, aby włączyć, odznacz, aby wycofać
profile-enabled = włączona
profile-pending = czeka na potwierdzenie
profile-disabled = wyłączona
profile-archived-enabled = (zarchiwizowana): włączona
profile-archived-disabled = (zarchiwizowana): wyłączona
profile-reason = Powód zmiany
profile-reason-help = Wymagane. Trafia do rejestru zgód razem z Tobą jako źródłem zmiany ({ $source }).
profile-save = Zapisz zmiany
profile-history = Historia zgód
profile-chain-broken = Łańcuch rejestru zgód tego profilu NIE przechodzi weryfikacji: zdarzenie { $event }: { $reason }
profile-chain-intact = { $count ->
    [one] Łańcuch nienaruszony: zweryfikowano { $count } zdarzenie.
    [few] Łańcuch nienaruszony: zweryfikowano { $count } zdarzenia.
   *[many] Łańcuch nienaruszony: zweryfikowano { $count } zdarzeń.
}
profile-when = Kiedy (UTC)
# Jak rejestr zapisuje chwilę zdarzenia (wzorzec chrono; UTC, co do sekundy).
profile-when-format = %d.%m.%Y %H:%M:%S
profile-agreement = Zgoda
profile-change = Zmiana
profile-source = Źródło
profile-gpc = Przeglądarka wysłała sygnał Global Privacy Control
profile-uuid = uuid
profile-receipt = Pobierz podpisany zapis zgód
profile-receipt-help = Dla tej osoby do zachowania: dowodzi tego, co zapisano, i można go sprawdzić kluczami z /.well-known/assent-receipt-keys.json. Pobranie trafia do dziennika audytu.
profile-detail = { $field ->
    [displayName] Nazwa wyświetlana
    [company] Firma
    [address] Adres
    [city] Miasto
    [province] Województwo
    [zipCode] Kod pocztowy
    [countryCode] Kraj
    [birthDate] Data urodzenia
    [sex] Płeć
    [avatarUrl] Awatar
    [anonymous] Anonimowy
    [tags] Tagi
   *[other] { $field }
}
profile-wording = Pokazana treść
profile-client = Klient
profile-reason-given = Powód: { $reason }
profile-origin = zaimportowano z { $tool }
# Wartość zgody w rejestrze.
profile-value = { $value ->
    [enabled] włączona
    [disabled] wyłączona
   *[unknown] { $value }
}
profile-erase = Usuń dane
profile-erase-intro = Prawo do usunięcia danych: wycofuje wszystkie zgody, usuwa dane tej osoby (adres, customId, telefon, imię i nazwisko, atrybuty oraz adresy IP i programy klienckie w rejestrze zgód) i zachowuje tylko skróty, dzięki czemu rejestr nadal przechodzi weryfikację. Żaden import nie odtworzy już tego adresu. Tej operacji nie można cofnąć.
profile-erase-reason = Powód
profile-erase-default-reason = Osoba zażądała usunięcia swoich danych
profile-erase-confirm = Rozumiem, że usunięcia danych nie można cofnąć
profile-erase-button = Usuń dane tego profilu
profile-saved = Zapisano: zmiany są widoczne w rejestrze zgód poniżej.
profile-unchanged = Nic do zapisania: żadna wartość się nie zmieniła.
profile-erased = Usunięto: dane osobowe zniknęły; rejestr zgód przechowuje tylko skróty, a łańcuch nadal przechodzi weryfikację.
profile-not-found = Nie ma profilu o tym identyfikatorze.
profile-gone = Nie ma profilu o tym identyfikatorze (albo jego dane zostały usunięte).
profile-reason-missing = Podaj powód tej zmiany (np. „poprosił(-a) nas o to telefonicznie 3 maja”): zostanie zapisany w rejestrze zgód.
profile-reason-one-line = Powód musi mieścić się w jednym wierszu.
profile-reason-control = Powód zawiera znaki sterujące; usuń je.
profile-reason-too-long = Powód jest za długi: najwyżej { $max } znaków.
profile-bad-form = Formularz wskazuje zgodę lub wartość, która nie istnieje ({ $value }). Odśwież profil i spróbuj ponownie.
# $titles: tytuły zgód oddzielone przecinkami.
profile-conflict-one = Nic nie zapisano: zgoda { $titles } zmieniła się, gdy ta strona była otwarta (zmieniła ją sama osoba albo inny pracownik). Poniżej są aktualne wartości; sprawdź je i wyślij formularz ponownie.
profile-conflict-many = Nic nie zapisano: zgody { $titles } zmieniły się, gdy ta strona była otwarta (zmieniła je sama osoba albo inny pracownik). Poniżej są aktualne wartości; sprawdź je i wyślij formularz ponownie.
profile-erase-unconfirmed = Zaznacz pole, aby potwierdzić: usunięcia danych nie można cofnąć.

## Grupy odbiorców
audiences-title = Grupy odbiorców
audiences-saved = Zapisano.
audiences-deleted = Usunięto.
audiences-intro = Profile, które mają włączone wszystkie, dowolną lub żadną z wybranych zgód. Liczby są aktualne; profile z usuniętymi danymi nigdy nie są liczone.
audiences-profiles-with = Profile, które
audiences-rule = { $rule ->
    [all] mają włączone wszystkie
    [any] mają włączoną co najmniej jedną
   *[none] nie mają włączonej żadnej
}
audiences-these-enabled = z tych zgód
audiences-count = Policz
# Po liczbie profili (pogrubionej).
audiences-result-all = { $count ->
    [one] profil ma włączone wszystkie wybrane zgody.
    [few] profile mają włączone wszystkie wybrane zgody.
   *[many] profili ma włączone wszystkie wybrane zgody.
}
audiences-result-any = { $count ->
    [one] profil ma włączoną co najmniej jedną z wybranych zgód.
    [few] profile mają włączoną co najmniej jedną z wybranych zgód.
   *[many] profili ma włączoną co najmniej jedną z wybranych zgód.
}
audiences-result-none = { $count ->
    [one] profil nie ma włączonej żadnej z wybranych zgód.
    [few] profile nie mają włączonej żadnej z wybranych zgód.
   *[many] profili nie ma włączonej żadnej z wybranych zgód.
}
audiences-save-as = Zapisz tę grupę odbiorców jako
audiences-save = Zapisz grupę odbiorców
audiences-saved-heading = Zapisane grupy odbiorców
audiences-none-yet = Jeszcze żadnej.
audiences-name = Nazwa
audiences-column-rule = Reguła
audiences-profiles = Profile
audiences-actions = Działania
audiences-export = Eksportuj CSV
audiences-delete = Usuń
audiences-delete-label = Usuń grupę odbiorców { $name }
# Zapisana grupa odbiorców; $titles: tytuły zgód oddzielone przecinkami.
audiences-reads = { $rule ->
    [all] wszystkie z: { $titles }
    [any] co najmniej jedna z: { $titles }
   *[none] żadna z: { $titles }
}
audiences-choose-rule = Wybierz regułę: wszystkie, co najmniej jedna lub żadna.
audiences-no-rule = „{ $value }” nie jest regułą; użyj all, any lub none
audiences-choose-agreement = Wybierz co najmniej jedną zgodę.
audiences-no-agreement = Nie ma zgody „{ $value }”.
audiences-name-missing = Nadaj grupie odbiorców nazwę, np. „Newsletter i SMS”.
audiences-name-one-line = Nazwa musi mieścić się w jednym wierszu.
audiences-name-control = Nazwa zawiera znaki sterujące; usuń je.
audiences-name-too-long = Nazwa jest za długa: najwyżej { $max } znaków.
audiences-name-taken = Grupa odbiorców o nazwie „{ $name }” już istnieje; wybierz inną nazwę.
audiences-not-found = Nie ma zapisanej grupy odbiorców o tym identyfikatorze.

## Zgody
agreements-title = Zgody
agreements-new = Nowa zgoda
agreements-order-note = Formularze pokazują aktywne zgody w tej kolejności, a eksport CSV ma w tej kolejności kolumnę dla każdej z nich.
agreements-agreement = Zgoda
agreements-key = Klucz
agreements-channel = Kanał
agreements-version = Wersja
agreements-status = Stan
agreements-enabled = Włączona
agreements-waiting = Czeka na potwierdzenie
agreements-order = Kolejność
agreements-active = aktywna
agreements-archived = zarchiwizowana
agreements-move-up = Przesuń { $title } w górę
agreements-move-down = Przesuń { $title } w dół

## Jedna zgoda (nowa lub edytowana)
# Jak zgoda dociera do ludzi ($channel: email, sms, push, other).
agreement-channel-name = { $channel ->
    [email] e-mail
    [sms] SMS
    [push] powiadomienia push
    [other] inny
   *[unknown] { $channel }
}
agreement-version = wersja { $version }
agreement-language-version = { $language }, wersja { $version }
agreement-archived = zarchiwizowana
agreement-current = aktualna
agreement-saved = Zapisano.
agreement-not-saved = Nic nie zapisano: popraw pola zaznaczone poniżej.
agreement-key = Klucz
agreement-key-help = Nazwa atrybutu widoczna dla innych systemów, np. { $example }. Nie można jej później zmienić.
agreement-channel = Kanał
agreement-language = Język treści zgody
agreement-language-help = Strony w języku bez tłumaczenia pokazują tę treść. Tłumaczenia dodasz, gdy zgoda już będzie istnieć.
agreement-title = Tytuł
agreement-text = Treść zgody
agreement-text-in = Treść zgody: { $language } ({ $code })
agreement-text-help = Dokładne słowa, na które ludzie się zgadzają. Zmiana tworzy nową wersję; zgody już wyrażone zachowują wersję, w której zostały wyrażone.
agreement-gpc = Sygnał Global Privacy Control oznacza „nie”
agreement-gpc-help = Dla zgód na sprzedaż lub udostępnianie danych osobowych albo na reklamę ukierunkowaną. Przeglądarka wysyłająca GPC widzi tę zgodę niezaznaczoną w formularzu zapisu, z adnotacją; tam, gdzie osoba jest znana (potwierdzenie, centrum preferencji, strona rezygnacji), włączona zgoda zostaje wycofana ze źródłem gpc. Zgoda wyrażona przy włączonym sygnale zostaje zachowana, a rejestr odnotowuje sygnał.
agreement-gpc-invalid = Zaznacz pole albo zostaw je puste (formularz wysyła on albo nic).
agreement-translations = Tłumaczenia
agreement-translations-help = Strony w danym języku pokazują podany tu tytuł i treść zamiast powyższych (bez własnego tytułu — tytuł powyżej); strona w języku, którego pole jest puste, pokazuje treść powyżej. Każdy język ma własne wersje, a rejestr zgód zapisuje język i wersję, które widziała każda osoba. Opróżnienie treści usuwa to tłumaczenie.
agreement-title-in = Tytuł: { $language } ({ $code })
agreement-optional = nieobowiązkowe
agreement-save = Zapisz
agreement-create = Utwórz zgodę
agreement-archive = Zarchiwizuj: usuń ją ze wszystkich formularzy (historia zostaje)
agreement-versions = Wersje
agreement-title-missing = Nadaj zgodzie tytuł, który ludzie rozpoznają.
agreement-title-one-line = Tytuł musi mieścić się w jednym wierszu.
agreement-title-control = Tytuł zawiera znaki sterujące; usuń je.
agreement-title-too-long = Tytuł jest za długi: najwyżej { $max } znaków.
agreement-text-missing = Wpisz treść zgody: dokładne słowa, na które ludzie się zgadzają.
agreement-text-too-long = Treść zgody jest za długa: najwyżej { $max } znaków.
agreement-text-control = Treść zgody zawierała niewidoczne znaki sterujące; zostały usunięte poniżej. Sprawdź treść i zapisz ponownie.
agreement-translation-missing = Podaj też treść zgody ({ $language }) albo zostaw tytuł pusty.
agreement-key-invalid = Użyj od 2 do 63 małych liter, cyfr i znaków _, zaczynając od litery (np. alcohol_agreement).
agreement-key-reserved = Klucz new jest zarezerwowany przez panel; wybierz inny.
agreement-key-taken = Klucz { $key } jest już używany (lub był, przez zarchiwizowaną zgodę): klucz zachowuje swoje znaczenie na zawsze. Wybierz inny.
agreement-channel-invalid = Wybierz, jak docierasz do ludzi: e-mail, SMS, push lub inny kanał.
agreement-language-invalid = Wybierz język, w którym napisano treść zgody.
agreement-full = Assent mieści najwyżej { $max } zgód, wliczając zarchiwizowane, i tyle już istnieje. Zamiast tego zmień lub wykorzystaj ponownie istniejącą zgodę.
agreement-not-found = Nie ma zgody o tym kluczu.
agreement-bad-direction = Wskaż, w którą stronę przesunąć zgodę: direction=up lub direction=down.

## Kreator formularza zapisu (sam formularz i jego kod są w języku formularza, z assent.ftl)
forms-title = Formularz zapisu
forms-heading = Formularz zapisu na Twoją stronę
forms-intro = Wybierz zgody, a potem wklej kod na dowolną stronę. Formularz wysyła dane do { $path } tej instancji Assent, która zapisuje dokładnie pokazaną treść i wersję oraz wysyła e-mail z potwierdzeniem. Nie wymaga JavaScriptu.
forms-agreements = Zgody w formularzu
forms-with-name = Pytaj o imię (nieobowiązkowe dla osoby)
forms-language = Język formularza
forms-language-help = Jego etykiety oraz tytuł i treść każdej zgody w tym języku, jeśli istnieją (w przeciwnym razie oryginalne). W tym języku będą też e-mail z potwierdzeniem i kolejne strony.
forms-button = Tekst przycisku
forms-button-help = Gdy pole jest puste: { $button }, w języku formularza.
forms-show = Pokaż formularz i jego kod
forms-preview = Podgląd
forms-preview-note = Tak będzie wyglądał bez stylów Twojej strony. Podglądu nie można wysłać.
forms-code = Kod do skopiowania
forms-none-ticked = Zaznacz co najmniej jedną zgodę, aby zobaczyć formularz i jego kod.
forms-unknown-agreement = „{ $value }” nie jest aktywną zgodą; wybierz z listy na tej stronie.
forms-unknown-language = „{ $value }” nie jest językiem dostępnym w Assent; wybierz jeden z listy na tej stronie.
forms-button-one-line = Tekst przycisku musi mieścić się w jednym wierszu.
forms-button-control = Tekst przycisku zawiera znaki sterujące; usuń je.
forms-button-too-long = Tekst przycisku jest za długi: najwyżej { $max } znaków.
