"""Phrase patterns for consent detection, per language: mostly data, one table per concept.

A detector fires on a *combination* of concepts inside one sentence (e.g. a recording word and a
call word), never on one fixed sentence; look-alike phrases ("contact opnemen", "ik word er ziek
van") are blanked out first by the DISTRACTORS of each language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Raise when these tables or the detector change: a batch analysis then builds every record again
# (it skips calls whose record was built from the same inputs, this version among them).
LEXICON_VERSION = "1"
PURPOSES = ("quality", "training", "evidence", "complaint_handling", "other")
SPECIAL_CATEGORIES = ("health", "religion", "politics", "union", "sexual_orientation", "ethnicity", "criminal")


def _rx(*alternatives: str) -> re.Pattern:
    return re.compile(r"(?:" + "|".join(alternatives) + r")", re.IGNORECASE)


@dataclass(frozen=True)
class Lexicon:
    """Everything the detectors need for one language."""

    distractors: re.Pattern          # blanked out before matching: idioms and other senses of the words
    call: re.Pattern                 # "this call", "gesprekken"
    recording: re.Pattern            # "opgenomen", "recorded", separable "nemen ... op"
    recording_negated: re.Pattern    # "wordt niet opgenomen": says there is NO recording
    purposes: dict[str, re.Pattern]
    objection_cue: re.Pattern        # "ik wil niet", "geen toestemming", "I object"
    objection_cancel: re.Pattern     # "geen bezwaar", "I don't mind": the opposite of an objection
    use_target: re.Pattern           # using this call / my voice for training
    consent_question_flipped: re.Pattern  # "heeft u bezwaar ...?": then "ja" is the objection
    negative_reply: re.Pattern       # answer start meaning "no"
    positive_reply: re.Pattern       # answer start meaning "yes"
    employee_informed: re.Pattern
    special: dict[str, re.Pattern]
    minor: re.Pattern                # first-person statements of being under age (group "age")
    minor_direct: re.Pattern         # "ik ben minderjarig"
    numbers: dict[str, int]
    boundary: re.Pattern             # a new utterance starts (greeting, "mijn naam is"): purposes stop here
    anaphoric_objection: re.Pattern  # "dat wil ik niet" right after someone mentioned the recording
    lead: re.Pattern                 # words a quote may start with before the cue ("ik", "nee")
    determiner: re.Pattern           # "dit" (gesprek): a notice quote starts with it


NL_NUMBERS = {w: i for i, w in enumerate(
    "nul een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien zestien zeventien "
    "achttien negentien twintig".split())}
NL_NUMBERS["één"] = 1
EN_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split())}

NL = Lexicon(
    distractors=_rx(
        r"\bcontact\s+(?:met\s+\S+\s+)?op(?:nemen|neemt|genomen|neem)\b", r"\bneem\w*\s+contact\b[^.?!]*?\bop\b",
        r"\b(?:telefoon|de\s+telefoon|geld|verlof|vrij|vakantiedagen|contact)\s+op(?:nemen|neemt|genomen)\b",
        r"\bop(?:genomen|nemen)(?=\s+in\s+(?:het|een)\s+(?:ziekenhuis|kliniek|verpleeghuis)\b)",
        r"\b(?:word|wordt|werd|worden|ben|raak|raakte)\b(?:\s+\S+){0,3}?\s+(?:dood)?ziek\s+van\b",
        r"\bziek\s+en\s+zat\b", r"\bdoodziek\s+van\b", r"\bkerk(?:straat|weg|plein|laan)\b",
        r"\b(?:opname|opnames)\s+van\s+(?:de\s+)?(?:meter|meterstand|stand|kosten)\w*",
    ),
    call=_rx(r"\b(?:telefoon)?gesprek(?:ken)?\b", r"\bcalls?\b", r"\bdeze\s+lijn\b", r"\bgesprekspartner\b"),
    recording=_rx(r"\bopgenomen\b", r"\bop\s+te\s+nemen\b", r"\bopnemen\b", r"\bopneemt\b", r"\bopnames?\b",
                  r"\bvastgelegd\b", r"\bvastleggen\b", r"\bvast\s+te\s+leggen\b", r"\bgeregistreerd\b",
                  r"\bmeegeluisterd\b", r"\bmeeluisteren\b", r"\bgespreksopname\w*",
                  r"\b(?:neem|nemen|neemt|namen|nam)\b(?:\s+\S+){0,5}?\s+op\b",
                  r"\b(?:leg|leggen|legt|legden)\b(?:\s+\S+){0,5}?\s+vast\b"),
    recording_negated=_rx(r"\b(?:wordt|worden|is|zijn|werd)\s+(?:dit\s+gesprek\s+|deze\s+gesprekken\s+)?"
                          r"(?:niet|nooit|geen)\s+(?:opgenomen|vastgelegd|geregistreerd)\b",
                          r"\bnemen\s+(?:\S+\s+){0,3}niet\s+op\b", r"\bniet\s+(?:op(?:genomen|nemen)|vastgelegd)\b"),
    purposes={
        "quality": _rx(r"\bkwaliteit\w*", r"\bverbeter\w*\s+(?:van\s+)?(?:onze\s+|de\s+)?(?:dienstverlening|service|klantenservice)",
                       r"\bdienstverlening\s+te\s+verbeteren", r"\bservice\s+te\s+verbeteren"),
        "training": _rx(r"\btraining\w*", r"\btrainen\b", r"\bopleid\w*", r"\bop\s+te\s+leiden\b", r"\bcoach\w*",
                        r"\bscholing\w*", r"\bleerdoel\w*", r"\blesmateriaal\b", r"\bonderwijsdoel\w*",
                        r"\binstructiedoel\w*"),
        "evidence": _rx(r"\bbewijs\w*", r"\bverificatie\w*", r"\b(?:vastlegg\w*|bevestig\w*)\s+van\s+(?:de\s+|uw\s+|gemaakte\s+|onze\s+)?"
                        r"(?:overeenkomst|afspraken|bestelling|opdracht|contract|aankoop|order|koop)\w*",
                        r"\b(?:controle|controleren)\s+van\s+(?:de\s+|gemaakte\s+)?(?:afspraken|overeenkomst)",
                        r"\bgemaakte\s+afspraken\b", r"\bovereenkomst\w*"),
        "complaint_handling": _rx(r"\bklacht\w*", r"\bklachtenafhandeling\b", r"\bgeschil\w*"),
        "other": _rx(r"\bfraude\w*", r"\bbeveiliging\w*", r"\bveiligheid\w*", r"\bwettelijke\s+verplichting\w*",
                     r"\bandere\s+doel\w*", r"\badministratie\w*", r"\banalyse\w*", r"\bmarketing\w*",
                     r"\bonderzoek\w*"),
    },
    objection_cue=_rx(r"\bwil\s+(?:ik\s+)?(?:echt\s+|absoluut\s+|liever\s+)?niet\b", r"\bwillen\s+niet\b",
                      r"\bwilt?\s+(?:ik\s+)?(?:dat\s+)?(?:\S+\s+){0,6}?niet\b", r"\bmag\b(?:\s+\S+){0,4}?\s+niet\b",
                      r"\bgeen\s+toestemming\b", r"\bniet\s+akkoord\b", r"\bbezwaar\b", r"\bliever\s+niet\b",
                      r"\bniet\s+(?:de\s+)?bedoeling\b", r"\b(?:verwijder|verwijderen|wis|wissen)\b",
                      r"\b(?:stop|stoppen|zet\s+\S+\s+uit|uitzetten)\b", r"\bweiger\w*", r"\bniet\s+gediend\b",
                      r"\bgeen\s+prijs\s+op\b", r"\bdat\s+mag\s+niet\b", r"\bniet\s+mee\s+eens\b",
                      r"\bniet\s+(?:ge)?bruik\w*", r"\bgebruik\w*\b(?:\s+\S+){0,5}?\s+niet\b",
                      r"\bniet\s+voor\s+\S*\s*(?:training|opleiding|cursus)\w*", r"\bniet\s+(?:aan\s+)?meewerken\b",
                      r"\bniet\s+goed\s+dat\b", r"\bniet\s+prettig\b", r"\bniet\s+gevraagd\b"),
    objection_cancel=_rx(r"\bgeen\s+(?:enkel\s+)?(?:bezwaar|probleem|punt)\b", r"\bniet\s+erg\b", r"\bvind\s+ik\s+(?:prima|goed)\b",
                         r"\bmaakt\s+(?:mij|me)?\s*niet\s+uit\b", r"\bprima\s+dat\b", r"\bis\s+goed\b"),
    use_target=_rx(r"\b(?:dit|het|deze|mijn|ons)\s+(?:telefoon)?gesprek\w*\b(?:\s+\S+){0,8}?\s+(?:\S*gebruik\w*|\S*training\w*|opleiding\w*|cursus\w*|les\w*)",
                   r"\b(?:gebruik\w*|training\w*|opleiding\w*|cursus\w*|lesmateriaal)\b(?:\s+\S+){0,8}?\s+(?:dit|het|deze|mijn)\s+(?:telefoon)?gesprek\w*",
                   r"\bmijn\s+stem\b", r"\btrainingsdoel\w*",
                   r"\b(?:dit|het|deze|mijn)\s+(?:telefoon)?gesprek\w*\b(?:\s+\S+){0,6}?\s+(?:bewaard|bewaren|opgeslagen|opslaan)\b", r"\bopleidingsdoel\w*", r"\blesmateriaal\b"),
    consent_question_flipped=_rx(r"\bbezwaar\b", r"\berg\b", r"\bprobleem\b"),
    negative_reply=_rx(r"^\s*(?:nee|neen|nou\s+nee|liever\s+niet|niet\s+doen|dat\s+wil\s+ik\s+niet|"
                       r"dat\s+liever\s+niet|absoluut\s+niet|echt\s+niet|geen\s+sprake\s+van|nee\s+hoor)\b"),
    positive_reply=_rx(r"^\s*(?:ja|jawel|eigenlijk\s+wel|zeker|inderdaad|ja\s+hoor|jazeker)\b"),
    employee_informed=_rx(r"\bmedewerkers?\b(?:\s+\S+){0,4}?\s+(?:zijn|is|worden|wordt)\s+(?:hier|daar)?(?:van\s+)?"
                          r"(?:ook\s+)?(?:op\s+de\s+hoogte|ge[iï]nformeerd|ingelicht)",
                          r"\bzowel\s+u\s+als\s+(?:onze|de)\s+medewerker", r"\bbeide\s+partijen\b"),
    special={
        "health": _rx(r"\bziekenhuis\w*", r"\bziek\b", r"\bziekte\w*", r"\bkanker\w*", r"\bchemo\w*", r"\bdiagnose\w*",
                      r"\bdepressi\w*", r"\bburn-?out\b", r"\bmedicijn\w*", r"\bmedicatie\b", r"\bhuisarts\w*",
                      r"\boperatie\b", r"\bgeopereerd\b", r"\bzwanger\w*", r"\bhartaanval\b", r"\bhartinfarct\b",
                      r"\bberoerte\b", r"\bdiabetes\b", r"\bsuikerziekte\b", r"\bdementie\b", r"\balzheimer\b",
                      r"\bpsychiat\w*", r"\bpsycholoog\b", r"\btherapie\b", r"\brolstoel\b", r"\bgehandicapt\b",
                      r"\bhandicap\b", r"\bggz\b", r"\brevalid\w*", r"\bverslaafd\b", r"\bverslaving\b",
                      r"\bopgenomen\s+in\s+(?:het|een)\s+(?:ziekenhuis|kliniek)",
                      r"\bhart(?:klacht|probleem|problemen|ziekte|operatie)\w*", r"\bonder\s+behandeling\b",
                      r"\bzorgindicatie\b", r"\bmantelzorg\w*"),
        "religion": _rx(r"\bmoskee\b", r"\b(?:naar|in|uit|van)\s+de\s+(?:kerk|moskee|synagoge)\b", r"\bkerkdienst\w*",
                        r"\b(?:mijn|onze)\s+(?:kerk|geloofsgemeenschap)\b", r"\bmijn\s+geloof\b", r"\breligi\w*", r"\bislam\w*", r"\bmoslim\w*",
                        r"\bjoods\w*", r"\bramadan\b", r"\bhindoe\w*", r"\bsynagoge\b(?!\w)"),
        "politics": _rx(r"\bpolitieke\s+(?:partij|voorkeur|overtuiging)\b", r"\blid\s+van\s+de\s+(?:pvda|vvd|cda|sp|pvv|d66|groenlinks)\b"),
        "union": _rx(r"\bvakbond\w*", r"\bfnv\b"),
        "sexual_orientation": _rx(r"\bhomoseksu\w*", r"\blesbisch\w*", r"\bbiseksu\w*", r"\bmijn\s+seksuele\b"),
        "ethnicity": _rx(r"\bmijn\s+afkomst\b", r"\bvanwege\s+mijn\s+(?:huidskleur|ras)\b"),
        "criminal": _rx(r"\bstrafblad\b", r"\bveroordeeld\b", r"\bgevangenis\b", r"\bdetentie\b", r"\benkelband\b"),
    },
    minor=_rx(r"\bik\s+ben\s+(?:nog\s+maar\s+|pas\s+|maar\s+|nog\s+)?(?P<age>\d{1,2}|[a-zé]+)\b(?:\s+jaar(?:\s+oud)?)?"
              r"(?=\s*[.,!?]|\s*$|\s+(?:en|dus|hoor)\b)",
              r"\bik\s+ben\s+(?:nog\s+maar|pas|maar)\s+(?P<age2>\d{1,2}|[a-zé]+)\b"
              r"(?!\s+(?:minuten|minuutjes|uur|dagen|weken|maanden|jaar\s+(?:klant|lid|bij)|euro|procent|keer|seconden))"),
    minor_direct=_rx(r"\bik\s+ben\s+(?:nog\s+)?minderjarig\b", r"\bik\s+zit\s+(?:nog\s+)?(?:op\s+de\s+basisschool|in\s+de\s+brugklas)\b",
                     r"\bmijn\s+(?:ouders|moeder|vader)\s+(?:weten|weet)\s+(?:het\s+)?niet\s+dat\s+ik\s+bel\b"),
    numbers=NL_NUMBERS,
    boundary=_rx(r"\bgoede(?:morgen|middag|navond|ndag)\b", r"\bhallo\b", r"\bu\s+spreekt\s+met\b", r"\bmijn\s+naam\s+is\b",
                 r"\bmet\s+wie\s+spreek\s+ik\b", r"\bwaarmee\s+kan\s+ik\b", r"\bwat\s+kan\s+ik\s+voor\s+u\b",
                 r"\bhoe\s+kan\s+ik\s+u\b"),
    anaphoric_objection=_rx(r"^\s*(?:nee\W+)?(?:dat|die|dit)\s+(?:wil|wilde)\s+ik\s+(?:echt\s+|liever\s+|dus\s+)?niet\b",
                            r"^\s*(?:nee\W+)?daar\s+(?:heb|ben|ga|maak)\s+ik\s+(?:\S+\s+){0,3}?(?:bezwaar|tegen|niet)\b",
                            r"^\s*(?:nee\W+)?(?:liever\s+niet|geen\s+toestemming|dat\s+mag\s+niet)\b"),
    lead=_rx(r"^(?:ik|wij|we|nee|maar|en|dus|alstublieft|graag)$"),
    determiner=_rx(r"^(?:dit|deze|het|onze|uw|alle|de)$"),
)

EN = Lexicon(
    distractors=_rx(r"\bsick\s+(?:and\s+tired\s+)?of\b", r"\b(?:get|got|getting|be|been)\s+in\s+touch\b",
                    r"\brecord\s+(?:a|my|your|the)\s+(?:new\s+)?(?:voicemail|greeting|message|video|show|song|album)\b",
                    r"\b(?:recorded|recording)\s+(?:the|a|my)\s+(?:game|show|match|film|movie|wedding|song|album)\b",
                    r"\b(?:church|chapel)\s+(?:street|road|lane|st)\b", r"\bfor\s+the\s+record\b", r"\boff\s+the\s+record\b",
                    r"\btrack\s+record\b", r"\bmeter\s+reading\b"),
    call=_rx(r"\bcalls?\b", r"\bconversations?\b", r"\bthis\s+line\b", r"\bphone\s+calls?\b"),
    recording=_rx(r"\brecorded\b", r"\brecording\b", r"\brecordings\b", r"\bmonitored\b",
                  r"\brecord\s+(?:all\s+|this\s+|these\s+|our\s+|your\s+|every\s+)?(?:phone\s+)?(?:calls?|conversations?)\b",
                  r"\bmonitor\b", r"\btaped\b", r"\blistened\s+to\b"),
    recording_negated=_rx(r"\b(?:is|are|will|was)\s+(?:not|never)\s+(?:be\s+)?(?:recorded|monitored)\b",
                          r"\b(?:do|does)\s+not\s+record\b", r"\bdon't\s+record\s+(?:our|any|these)\b"),
    purposes={
        "quality": _rx(r"\bquality\b", r"\bimprov\w*\s+(?:of\s+)?(?:our\s+)?(?:service|services|customer\s+service)",
                       r"\bmonitor\w*"),
        "training": _rx(r"\btraining\b", r"\btrain\b", r"\bcoaching\b", r"\bcoach\b", r"\beducational\b",
                        r"\bteach\w*", r"\bstaff\s+development\b"),
        "evidence": _rx(r"\bevidence\b", r"\bproof\b", r"\bverification\b", r"\bverify\b",
                        r"\brecord\s+of\s+(?:the|your|our)\s+(?:agreement|contract|order|instructions)",
                        r"\bagreements?\b", r"\bcontract\b"),
        "complaint_handling": _rx(r"\bcomplaints?\b", r"\bdisputes?\b"),
        "other": _rx(r"\bfraud\b", r"\bsecurity\b", r"\bregulatory\b", r"\bcompliance\b", r"\blegal\s+(?:purposes|reasons)\b",
                     r"\bother\s+purposes\b", r"\banalytics\b", r"\bmarketing\b", r"\bresearch\b"),
    },
    objection_cue=_rx(r"\b(?:do\s+not|don't|dont|doesn't)\s+want\b", r"\b(?:do\s+not|don't)\s+consent\b",
                      r"\bno\s+consent\b", r"\bobject\b", r"\bobjection\b",
                      r"\brather\s+(?:you\s+|we\s+|it\s+)?(?:not|didn't|did\s+not|wasn't|weren't|wouldn't)\b",
                      r"\bprefer\s+(?:it\s+)?(?:if\s+)?(?:you\s+)?(?:did\s+not|didn't|not)\b",
                      r"\bplease\s+(?:do\s+not|don't)\b", r"\b(?:do\s+not|don't|never)\s+(?:use|record|keep)\b",
                      r"\bstop\b", r"\bturn\s+(?:it\s+|that\s+|the\s+recording\s+)?off\b", r"\bnot\s+(?:ok|okay|happy)\s+with\b",
                      r"\bdelete\b", r"\berase\b", r"\bopt\s+out\b", r"\brefuse\b", r"\bwithout\s+my\s+(?:consent|permission)\b",
                      r"\bnot\s+(?:be\s+)?(?:recorded|used)\b"),
    objection_cancel=_rx(r"\b(?:do\s+not|don't|dont)\s+mind\b", r"\bno\s+objection\b", r"\bfine\s+with\b", r"\bthat's\s+fine\b",
                         r"\bno\s+problem\b", r"\bhappy\s+(?:for|with)\b(?!\s+not)"),
    use_target=_rx(r"\b(?:this|my|the|our)\s+(?:phone\s+)?(?:call|conversation)\b(?:\s+\S+){0,8}?\s+(?:us\w*|training|teach\w*|courses?|examples?)",
                   r"\b(?:use|using|used|training|teaching|courses?)\b(?:\s+\S+){0,8}?\s+(?:this|my|the)\s+(?:phone\s+)?(?:call|conversation)\b",
                   r"\bmy\s+voice\b", r"\btraining\s+purposes\b", r"\btraining\s+material\w*"),
    consent_question_flipped=_rx(r"\bmind\b", r"\bobject\w*\b", r"\bproblem\b"),
    negative_reply=_rx(r"^\s*(?:no|nope|rather\s+not|i'd\s+rather\s+not|please\s+don't|no\s+thanks|absolutely\s+not|certainly\s+not)\b"),
    positive_reply=_rx(r"^\s*(?:yes|yeah|yep|actually\s+yes|i\s+do|i\s+would)\b"),
    employee_informed=_rx(r"\b(?:staff|employees|agents|colleagues)\b(?:\s+\S+){0,3}?\s+(?:are|have\s+been|were)\s+(?:also\s+)?(?:aware|informed|notified)",
                          r"\bboth\s+parties\b"),
    special={
        "health": _rx(r"\bhospital\w*", r"\bcancer\b", r"\bchemo\w*", r"\bdiagnos\w*", r"\bdepressi\w*", r"\bmedication\b",
                      r"\bmedicine\b", r"\bpregnan\w*", r"\bsurgery\b", r"\boperation\b", r"\btherapy\b", r"\bdisabilit\w*",
                      r"\bdisabled\b", r"\bwheelchair\b", r"\bdiabet\w*", r"\bdementia\b", r"\bill\b", r"\billness\b",
                      r"\bsick\b", r"\bheart\s+attack\b", r"\bstroke\b", r"\baddict\w*"),
        "religion": _rx(r"\bmosque\b", r"\bchurch\b", r"\bmy\s+faith\b", r"\breligio\w*", r"\bmuslim\b", r"\bjewish\b",
                        r"\bramadan\b", r"\bsynagogue\b", r"\bhindu\b"),
        "politics": _rx(r"\bpolitical\s+(?:party|views|opinion)\b"),
        "union": _rx(r"\btrade\s+union\b", r"\bunion\s+member\w*"),
        "sexual_orientation": _rx(r"\bgay\b", r"\blesbian\b", r"\bbisexual\b", r"\bmy\s+sexual\b"),
        "ethnicity": _rx(r"\bmy\s+(?:ethnic\w*|race)\b"),
        "criminal": _rx(r"\bcriminal\s+record\b", r"\bconvicted\b", r"\bprison\b", r"\bjail\b"),
    },
    minor=_rx(r"\b(?:i'm|i\s+am)\s+(?:only\s+|just\s+)?(?P<age>\d{1,2}|[a-z]+)\b(?:\s+years?(?:\s+old)?)?(?=\s*[.,!?]|\s*$|\s+(?:and|so)\b)"),
    minor_direct=_rx(r"\b(?:i'm|i\s+am)\s+(?:a\s+)?minor\b", r"\b(?:i'm|i\s+am)\s+(?:still\s+)?in\s+(?:middle|high|primary)\s+school\b",
                     r"\bmy\s+(?:parents|mum|mom|dad)\s+(?:don't|doesn't)\s+know\s+i'm\s+calling\b"),
    numbers=EN_NUMBERS,
    boundary=_rx(r"\bgood\s+(?:morning|afternoon|evening)\b", r"\bhello\b", r"\byou(?:'re|\s+are)\s+speaking\s+(?:to|with)\b",
                 r"\bmy\s+name\s+is\b", r"\bhow\s+can\s+i\s+help\b", r"\bhow\s+may\s+i\s+help\b"),
    anaphoric_objection=_rx(r"^\s*(?:no\W+)?i\s+(?:don't|do\s+not)\s+want\s+(?:that|it)\b",
                            r"^\s*(?:no\W+)?i\s+object\s+to\s+(?:that|it)\b", r"^\s*(?:no\W+)?(?:i'd\s+)?rather\s+not\b",
                            r"^\s*(?:no\W+)?i\s+(?:don't|do\s+not)\s+consent\b"),
    lead=_rx(r"^(?:i|we|no|but|and|so|please)$"),
    determiner=_rx(r"^(?:this|these|the|our|your|all)$"),
)

LEXICONS = {"nl": NL, "en": EN}


def lexicon(language: str) -> Lexicon:
    """The patterns of a language; unknown languages fall back to Dutch (the workbench's default)."""
    return LEXICONS.get((language or "nl").lower()[:2], NL)
