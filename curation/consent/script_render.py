"""Re-enactment scripts as Markdown and as printable HTML (self-contained, no external assets)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the script imports its renderers when asked to render
    from curation.consent.script import ReenactmentScript

INTRO = ("Dit script is gemaakt van een echt gesprek. Alle namen, adressen, nummers en andere persoonsgegevens "
         "zijn verzonnen. Speel het gesprek na zoals het er staat: de regieaanwijzingen tussen haakjes komen "
         "uit de analyse van het oorspronkelijke gesprek (stemverheffing, onderbrekingen, stiltes).")


def _clock(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def to_markdown(script: ReenactmentScript) -> str:
    out = [f"# {script.title}", "", f"*Naspeelscript — clip `{script.clip_id}`, ongeveer {_clock(script.duration)} minuten*",
           "", "**Rollen:** Medewerker, Klant", "", INTRO, ""]
    if script.reasons:
        out += ["**Waarom naspelen:**", ""] + [f"- {r}" for r in script.reasons] + [""]
    out += ["---", ""]
    for line in script.lines:
        directions = f" *({'; '.join(line.directions)})*" if line.directions else ""
        out.append(f"**{line.role}** [{_clock(line.start)}]{directions}: {line.text}")
        out.append("")
    out += ["---", "", "*Einde van het script.*", ""]
    return "\n".join(out)


CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 46em; margin: 2em auto; line-height: 1.5; color: #111; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
.meta { color: #555; font-style: italic; }
.intro, .reasons { background: #f4f4f4; padding: 0.6em 1em; border-left: 4px solid #888; }
.line { display: grid; grid-template-columns: 8.5em 1fr; gap: 0.8em; margin: 0.7em 0; page-break-inside: avoid; }
.role { font-weight: bold; font-variant: small-caps; letter-spacing: 0.05em; }
.role.klant { color: #7a2c00; } .role.medewerker { color: #0b3d6b; }
.time { color: #888; font-size: 0.8em; display: block; font-weight: normal; }
.dir { font-style: italic; color: #555; display: block; }
@media print { body { margin: 1.5cm; max-width: none; } .intro, .reasons { background: none; } a { color: inherit; } }
"""


def to_html(script: ReenactmentScript) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="nl"><head><meta charset="utf-8">',
             f"<title>{escape(script.title)}</title>", f"<style>{CSS}</style></head><body>",
             f"<h1>{escape(script.title)}</h1>",
             f'<p class="meta">Naspeelscript — clip {escape(script.clip_id)}, ongeveer {_clock(script.duration)} '
             "minuten · Rollen: Medewerker, Klant</p>", f'<p class="intro">{escape(INTRO)}</p>']
    if script.reasons:
        items = "".join(f"<li>{escape(r)}</li>" for r in script.reasons)
        parts.append(f'<div class="reasons"><strong>Waarom naspelen:</strong><ul>{items}</ul></div>')
    parts.append('<div class="script">')
    for line in script.lines:
        directions = f'<span class="dir">({escape("; ".join(line.directions))})</span>' if line.directions else ""
        parts.append(f'<div class="line"><div class="role {line.role.lower()}">{escape(line.role)}'
                     f'<span class="time">{_clock(line.start)}</span></div>'
                     f"<div>{directions}{escape(line.text)}</div></div>")
    parts += ["</div>", "<p class=\"meta\">Einde van het script.</p>", "</body></html>", ""]
    return "\n".join(parts)
