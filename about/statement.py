"""The accessibility statement's content: how well the service meets the law's requirements
and what is known not to, as assessed on the date below. Update the list and the date
together when something is fixed or found."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings


@dataclass(frozen=True)
class Deviation:
    criteria: str  # the WCAG 2.1 success criteria it fails, "1.1.1 Icke-textuellt innehåll"
    text: str  # what is wrong, for whom, and what to do instead


@dataclass(frozen=True)
class Statement:
    compliance: str  # DIGG's words: "helt förenlig", "delvis förenlig" or "inte förenlig"
    assessed_on: date
    updated_on: date
    method: str
    deviations: list[Deviation]
    outside_law: list[str]  # content the law does not cover (9 §), if any


STATEMENT = Statement(
    compliance="delvis förenlig",
    assessed_on=date(2026, 12, 1),
    updated_on=date(2026, 12, 1),
    method=(
        "Vi har gjort en självskattning (intern granskning): varje sidtyp är kontrollerad med "
        "verktyget axe-core mot WCAG 2.1 nivå A och AA, i webbläsaren Chromium, med mobilens "
        "och datorns skärmbredd och vid 320 pixlars bredd; sidorna är genomgångna med enbart "
        "tangentbord; PDF-dokumentens struktur (språk, titel, taggar, rubriker, tabeller, "
        "textalternativ, inbäddade typsnitt) är kontrollerad med ett program. Kontrollerna körs "
        "automatiskt varje gång tjänsten ändras. Ingen extern granskning är gjord, "
        "PDF-dokumenten är inte kontrollerade med ett valideringsverktyg för PDF/UA och "
        "Excel-filerna inte med skärmläsare."
    ),
    deviations=[
        Deviation(
            "1.3.1 Information och relationer",
            "I PDF-dokumenten (samlad uppföljning, halvtidsrapport, styrkort) är "
            "tabellernas rubrikceller inte kopplade till sina rader och kolumner "
            "(PDF/UA kräver det). En skärmläsare kan därför läsa upp en cell utan dess "
            "rubrik. Samma siffror finns som webbsidor med riktiga tabellrubriker.",
        ),
        Deviation(
            "2.2.1 Justerbar tidsbegränsning",
            f"Inloggningen gäller i {settings.SESSION_COOKIE_AGE // 3600} timmar och går inte att "
            "förlänga. Efter det loggas du "
            "ut utan förvarning. Med JavaScript påslaget ligger det du har skrivit kvar och "
            "kan sparas när du har loggat in igen; utan JavaScript kan en rad som skickas "
            "efter utloggningen gå förlorad.",
        ),
        Deviation(
            "1.3.1 Information och relationer, 1.4.1 Användning av färg, 4.1.2 Namn, roll, värde",
            "Administrationsdelen (/admin/, för ett fåtal administratörer) är Djangos "
            "standardgränssnitt. Där saknar fälten i tabellerna för ansvariga nämnder och "
            "datum- och tidsfälten för användare etiketter, länkarna i "
            "brödsmulorna skiljer sig från texten bara genom färgen, och hjälpikonerna vid "
            "gruppvalet har otillåtna ARIA-attribut.",
        ),
    ],
    outside_law=[],
)
