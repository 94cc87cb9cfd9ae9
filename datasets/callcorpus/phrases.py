"""Paraphrase tables for the call scripts. `{slot}` places are filled by the script builder;
every list is drawn from at random, so two calls rarely share their wording."""

TOPICS = {
    "energie": {"companies": ["Zuiderlicht Energie", "Polderstroom", "Windkracht Energie"],
                "products": ["Groene Stroom Vast", "Stroom en Gas Flex", "Zonnedeal Plus"],
                "issues": ["ik heb een vraag over mijn jaarafrekening", "mijn termijnbedrag is ineens veel hoger",
                           "ik ga verhuizen en wil mijn contract meenemen", "ik wil mijn meterstanden doorgeven"],
                "bodies": [
                  ("Uw voorschotbedrag gaat per volgende maand naar {price}.", "Dat is een stuk meer dan ik nu betaal."),
                  ("Ik zie dat u dit jaar {count} keer een meterstand heeft doorgegeven, dat is prima.", "O, dat wist ik niet meer."),
                  ("Uw jaarafrekening komt uit op {price} terug, dat storten we binnen {count} weken.", "Nou, dat is een meevaller."),
                  ("De overstap naar {product} gaat in op {date}.", "Moet ik daar zelf nog iets voor doen?"),
                  ("U kunt uw meterstanden tot {date} doorgeven via de app.", "Dat ga ik vanavond doen.")],
                "department": "de afdeling facturatie"},
    "telecom": {"companies": ["TelNed", "Glasnet", "Belbaar Mobiel"],
                "products": ["Glasvezel 500", "Sim Only 10 GB", "Alles-in-1 Plus"],
                "issues": ["mijn internet valt steeds weg", "er staat een vreemd bedrag op mijn factuur",
                           "ik wil overstappen naar een ander abonnement", "mijn nieuwe modem doet het niet"],
                "bodies": [
                  ("Ik zie een storing in uw wijk, die is naar verwachting voor {time} opgelost.", "Hè, gelukkig, ik werk thuis."),
                  ("Het {product} kost {price} per maand, de eerste {count} maanden met korting.", "En wat kost het daarna?"),
                  ("De monteur kan langskomen op {date} tussen {time} en {time2}.", "Dat is goed, dan ben ik thuis."),
                  ("Ik stuur u een nieuw modem, dat heeft u binnen {count} werkdagen.", "Fijn, dank u."),
                  ("Op uw factuur staan {count} belminuten naar het buitenland, samen {price}.", "Dat klopt, ik heb mijn zus gebeld.")],
                "department": "de technische dienst"},
    "verzekering": {"companies": ["Veilig Verzekerd", "De Dijkgraaf Verzekeringen", "Noordzee Assurantie"],
                    "products": ["Autoverzekering Allrisk", "Inboedel Compleet", "Reisverzekering Wereld"],
                    "issues": ["ik wil een schade melden aan mijn auto", "ik heb een vraag over mijn polis",
                               "mijn premie is verhoogd", "ik wil mijn verzekering aanpassen"],
                    "bodies": [
                  ("De schade is geregistreerd, een expert neemt binnen {count} werkdagen contact met u op.", "Oké, en moet ik foto's sturen?"),
                  ("Uw premie wordt {price} per maand met het {product}.", "Dat valt mee eigenlijk."),
                  ("Het eigen risico bij deze schade is {price}.", "Dat had ik al verwacht."),
                  ("Uw nieuwe polis gaat in op {date}.", "Krijg ik die ook per post?")],
                "department": "de schadeafdeling"},
    "bank": {"companies": ["Noorderbank", "Spaarhuys", "Bank Oranje"],
             "products": ["Betaalrekening Basis", "Creditcard Goud", "Online Sparen"],
             "issues": ["mijn pas is geblokkeerd", "er is een afschrijving die ik niet herken",
                        "ik wil mijn adres wijzigen", "ik kan niet meer inloggen in de app"],
             "bodies": [
                  ("Ik heb de pas geblokkeerd, een nieuwe pas is er binnen {count} werkdagen.", "Fijn, en mijn pincode blijft hetzelfde?"),
                  ("De afschrijving van {price} op {date} komt van een webwinkel.", "O ja, nu weet ik het weer."),
                  ("Uw daglimiet staat nu op {price}.", "Kan die omhoog?"),
                  ("De app is vanaf {time} weer bereikbaar, er was onderhoud.", "Dat verklaart het, dank u.")],
                "department": "de afdeling fraude"},
    "webwinkel": {"companies": ["Bestelhuis", "Winkelwagen.nl", "Huis en Haard"],
                  "products": ["Wasmachine EcoWash 8", "Stofzuiger Turbo 300", "Koelkast Frisse Start"],
                  "issues": ["mijn bestelling is nog steeds niet aangekomen", "ik wil iets retourneren",
                             "het pakket was beschadigd", "ik heb twee keer betaald"],
                  "bodies": [
                  ("Uw bestelling is op {date} verstuurd en komt morgen voor {time}.", "Top, dan wacht ik het af."),
                  ("U krijgt {price} terug, dat staat binnen {count} werkdagen op uw rekening.", "Fijn, dank u wel."),
                  ("De {product} is weer op voorraad vanaf {date}.", "Dan bestel ik hem dan opnieuw."),
                  ("De bezorger komt tussen {time} en {time2}.", "Prima, ik ben de hele dag thuis.")],
                "department": "de klantenservice retouren"},
    "zorgverzekering": {"companies": ["Zorgzaam", "Gezond Verzekerd", "De Zorgkring"],
                        "products": ["Basisverzekering Budget", "Aanvullend Top", "Tandarts Plus"],
                        "issues": ["mijn declaratie is afgewezen", "ik wil mijn eigen risico betalen in termijnen",
                                   "ik wil overstappen naar een andere aanvullende verzekering", "ik heb een vraag over mijn premie"],
                        "bodies": [
                  ("Uw eigen risico van {price} kunt u in {count} termijnen betalen.", "Dat zou fijn zijn, graag."),
                  ("De declaratie van {price} is op {date} uitbetaald.", "Dan ga ik nog even kijken."),
                  ("Met {product} krijgt u {price} per jaar vergoed.", "En geldt dat ook voor de tandarts?"),
                  ("U kunt overstappen tot {date}, dan gaat het nieuwe pakket in per januari.", "Dan wacht ik nog even.")],
                "department": "de afdeling declaraties"},
}

GREET_TIME = ["Goedemorgen", "Goedemiddag", "Goedendag", "Dag"]
AGENT_OPEN = [
    "{greet}, u spreekt met {agent} van {company}, waarmee kan ik u helpen?",
    "{greet}, {company}, u spreekt met {agent}. Wat kan ik voor u doen?",
    "{company}, goedendag, met {agent}. Waar kan ik u mee helpen?",
    "{greet}, welkom bij {company}. Mijn naam is {agent}, hoe kan ik u van dienst zijn?",
]
CUSTOMER_OPEN = [
    "{greet}, met {name}. {issue}.",
    "Ja, {greet}, u spreekt met {name}, {issue}.",
    "Hallo, met {name}. Ik bel over het volgende: {issue}.",
    "{greet}. Mijn naam is {name} en {issue}.",
    "Ja hallo, {name} hier. {issue}.",
    "Goedemiddag, u spreekt met {name}. Ik heb een vraag, {issue}.",
    "Ja, dag, met {name}. Kijk, {issue}.",
    "Hallo, {name}. {issue}, en ik hoop dat u mij kunt helpen.",
]
ASK_ACCOUNT = ["Mag ik uw {kind} van u?", "Wat is uw {kind}?", "Heeft u uw {kind} bij de hand?",
               "Kunt u mij uw {kind} geven?", "Om welk {kind} gaat het?"]
GIVE_ACCOUNT = ["Mijn {kind} is {value}.", "Dat is {value}.", "Ja, dat is {value}.", "Even kijken, {value}.",
                "Het {kind} is {value}.", "Ik heb de brief erbij, het is {value}.", "Eh, wacht even, {value}."]
ASK_SPELL = ["Kunt u uw achternaam even spellen?", "Wilt u de achternaam voor mij spellen?", "Hoe spelt u dat?"]
GIVE_SPELL = ["Ja hoor, {spelled}.", "Dat is {spelled}.", "{spelled}."]
ASK_BIRTH = ["Voor de controle: wat is uw geboortedatum?", "Mag ik ter controle uw geboortedatum?",
             "Wat is uw geboortedatum?"]
GIVE_BIRTH = ["Ik ben geboren op {value}.", "{value}.", "Dat is {value}.", "Mijn geboortedatum is {value}.",
              "Geboren op {value}.", "Dat is {value}, ja."]
ASK_ADDRESS = ["Wat is uw adres?", "Op welk adres woont u?", "Wat is uw straat en huisnummer?",
               "Klopt uw adres nog bij ons? Wat is het adres?"]
GIVE_ADDRESS = ["Ik woon op de {street} in {city}.", "Dat is {street} in {city}.", "{street}, {city}.",
                "Het adres is {street}, in {city}."]
ASK_POSTCODE = ["Wat is uw postcode?", "Mag ik uw postcode?", "Welke postcode hoort daarbij?", "En uw postcode?"]
GIVE_POSTCODE = ["De postcode is {value}.", "Postcode {value}.", "Mijn postcode is {value}."]
GIVE_POSTBUS = ["Stuurt u het maar naar {value} in {city}.", "Post graag naar {value}, {city}."]
ASK_PHONE = ["Op welk nummer kunnen we u bereiken?", "Mag ik een telefoonnummer voor een terugbelverzoek?",
             "Wat is uw mobiele nummer?"]
GIVE_PHONE = ["Mijn nummer is {value}.", "U kunt me bellen op {value}.", "Dat is {value}.", "{value}.",
              "Mijn mobiel is {value}.", "Belt u maar naar {value}, daar ben ik overdag op bereikbaar."]
ASK_EMAIL = ["Wat is uw e-mailadres?", "Naar welk e-mailadres mag ik de bevestiging sturen?",
             "Heeft u een e-mailadres voor mij?"]
GIVE_EMAIL = ["Dat is {value}.", "Mijn mail is {value}.", "Stuur het maar naar {value}.",
              "Mijn e-mailadres is {value}.", "Dat is {value}, alles aan elkaar behalve de punten."]
ASK_IBAN = ["Op welk rekeningnummer wilt u het geld ontvangen?", "Wat is uw IBAN?",
            "Mag ik het rekeningnummer voor de automatische incasso?"]
GIVE_IBAN = ["Dat is {value}.", "Mijn rekeningnummer is {value}.", "Het IBAN is {value}."]
ASK_BSN = ["Voor deze aanvraag heb ik uw burgerservicenummer nodig.", "Mag ik uw BSN voor de controle?",
           "Wat is uw burgerservicenummer?"]
GIVE_BSN = ["Mijn BSN is {value}.", "Dat is {value}.", "Mijn burgerservicenummer is {value}."]
ASK_PLATE = ["Wat is het kenteken van de auto?", "Om welk kenteken gaat het?", "Mag ik het kenteken?"]
GIVE_PLATE = ["Het kenteken is {value}.", "Dat is {value}.", "Kenteken {value}."]
VERBOSE_CHECK = [  # the agent who cannot stop talking
    "Dank u wel, dan kijk ik even in ons systeem, dat duurt soms een paar seconden, want het is vandaag erg druk en alles gaat wat trager.",
    "Prima, dat noteer ik, en dan controleer ik meteen of de rest van uw gegevens ook nog klopt, dat doen we altijd even voor de zekerheid.",
    "Heel goed, dat heb ik, en ik zie meteen dat er de afgelopen tijd een paar dingen zijn veranderd in uw dossier, daar kom ik zo op terug.",
    "Oké, dank u, dat is helemaal duidelijk, en dan ga ik u zo meteen ook uitleggen hoe het precies zit met uw contract en de voorwaarden.",
    "Dank u, dat klopt met wat ik hier zie staan, en ik zie ook dat u al een hele tijd klant bij ons bent, daar zijn we natuurlijk blij mee.",
    "Mooi, dan heb ik dat, en voor de volledigheid vertel ik er even bij dat we deze gegevens alleen gebruiken om uw vraag af te handelen.",
]
CHECK = ["Dank u wel, ik zie het.", "Een moment, ik zoek het even op.", "Prima, dat klopt.", "Ik heb u gevonden.",
         "Dank u, dat heb ik genoteerd.", "Oké, dat staat erin."]
THANK_NAME = ["Dank u, {title} {surname}.", "Prima, {title} {surname}, dat klopt.", "Ik heb het, {title} {surname}.",
              "Dank u wel {title} {surname}, ik zie uw gegevens."]
CLOSE_AGENT = ["Kan ik u verder nog ergens mee helpen?", "Is er verder nog iets waarmee ik u kan helpen?",
               "Heeft u verder nog vragen?"]
CLOSE_CUSTOMER = ["Nee, dat was het. Dank u wel.", "Nee hoor, bedankt voor de hulp.", "Nee, u ook bedankt. Dag.",
                  "Dat was alles, fijne dag nog."]
BYE_AGENT = ["Graag gedaan, nog een fijne dag.", "Dank u wel voor het bellen en een prettige dag.",
             "Tot ziens en nog een fijne dag."]

# non-PII numbers: prices, times, counts, ordinary dates
ROUTINE_BODY = [
    ("Ik zie dat uw termijnbedrag {price} per maand is.", "O, dat valt mee."),
    ("De monteur kan komen op {date} tussen {time} en {time2}.", "Dat is goed, dan ben ik thuis."),
    ("U krijgt {price} terug, dat staat binnen {count} werkdagen op uw rekening.", "Fijn, dank u wel."),
    ("Het {product} kost {price} per maand.", "En zit daar alles bij in?"),
    ("Uw bestelling is op {date} verstuurd en komt morgen voor {time}.", "Top, dan wacht ik het af."),
    ("Ik heb de storing gevonden, het is over ongeveer {count} uur opgelost.", "Gelukkig, dank u."),
    ("U heeft nu het {product}, dat loopt nog tot {date}.", "Ah, dat wist ik niet."),
]
HOLD = ["Een ogenblikje, ik zet u even in de wacht.", "Momentje, ik zet u heel even in de wacht.",
        "Blijft u even aan de lijn? Ik zet u kort in de wacht."]
AFTER_HOLD = ["Bedankt voor het wachten.", "Fijn dat u even gewacht heeft.", "Zo, ik ben er weer, dank u voor het wachten."]
TRANSFER = ["Ik verbind u door met {department}.", "Ik ga u doorverbinden met {department}, een moment.",
            "Daarvoor verbind ik u door naar {department}."]
