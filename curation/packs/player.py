"""The pack's offline `index.html`: plays every clip with captions, no network, no CDN.

Captions come inline (cue lists embedded as JSON) because browsers refuse `<track>` files
from `file://` pages; the audio files sit next to the page in the pack.
"""

from __future__ import annotations

import html
import json

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:52rem;margin:2rem auto;
padding:0 1rem;color:#1d2433;background:#fafbfc;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin:.2rem 0}
.clip{background:#fff;border:1px solid #d8dde6;border-radius:8px;padding:1rem 1.2rem;margin:1rem 0}
.meta{color:#5a6478;font-size:.9rem}.consent{font-size:.85rem;color:#3b4a63;margin:.4rem 0}
audio{width:100%;margin:.5rem 0}.caption{min-height:2.6em;background:#101828;color:#fff;border-radius:6px;
padding:.4rem .7rem;font-size:1.05rem}.caption .who{color:#9ec5ff;font-weight:600;margin-right:.4rem}
.script{background:#fff8e6;border:1px solid #f0d48a;border-radius:6px;padding:.6rem .8rem}
pre.notes{white-space:pre-wrap;background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:.8rem}
"""

JS = r"""
(function () {
  function active(cues, t) {
    for (var i = 0; i < cues.length; i++) {
      if (t >= cues[i].start && t < cues[i].end) { return cues[i]; }
    }
    return null;
  }
  document.querySelectorAll('section.clip[data-media="audio"]').forEach(function (section) {
    var audio = section.querySelector('audio');
    var box = section.querySelector('.caption');
    var cues = JSON.parse(section.querySelector('script.cues').textContent);
    if (window.VTTCue && audio.addTextTrack) {
      var track = audio.addTextTrack('captions', 'Transcript', section.dataset.lang || 'nl');
      track.mode = 'hidden';
      cues.forEach(function (c) { track.addCue(new VTTCue(c.start, c.end, c.speaker + ': ' + c.text)); });
    }
    function show() {
      var c = active(cues, audio.currentTime);
      box.textContent = '';
      if (c) {
        var who = document.createElement('span');
        who.className = 'who'; who.textContent = c.speaker;
        box.appendChild(who); box.appendChild(document.createTextNode(c.text));
      }
      box.dataset.time = audio.currentTime.toFixed(2);
    }
    audio.addEventListener('timeupdate', show);
    audio.addEventListener('seeked', show);
    show();
  });
})();
"""


def _json_for_script(value) -> str:
    """JSON safe inside a <script> element."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def render_player(manifest: dict, cues: dict[str, list[dict]], notes: str | None) -> str:
    """The whole page as a string (deterministic for the same inputs)."""
    e = html.escape
    course = manifest["course"]
    parts = ["<!DOCTYPE html>", '<html lang="nl">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; media-src 'self' file:; "
             "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'none'; connect-src 'none'\">",
             f"<title>{e(course['title'])}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
             f"<h1>{e(course['title'])}</h1>",
             f'<p class="meta">Clip pack {e(manifest["name"])} &middot; {e(manifest["pack_id"])} &middot; '
             f'{len(manifest["clips"])} clip(s)</p>']
    if course.get("learning_objectives"):
        parts.append("<h2>Leerdoelen / learning objectives</h2><ul>")
        parts += [f"<li>{e(o)}</li>" for o in course["learning_objectives"]]
        parts.append("</ul>")
    for n, clip in enumerate(manifest["clips"], 1):
        files, consent = clip["files"], clip["consent"]
        parts.append(f'<section class="clip" id="{e(clip["id"])}" data-media="{e(clip["media"])}" '
                     f'data-lang="{e(clip["language"])}">')
        parts.append(f"<h2>{n}. {e(clip.get('title') or clip['id'])}</h2>")
        cats = ", ".join(clip["categories"]) or "-"
        parts.append(f'<p class="meta">{clip["duration"]:.1f} s &middot; {e(cats)}</p>')
        parts.append(f'<p class="consent">Toestemming / consent: <b>{e(consent["decision"])}</b> &mdash; '
                     f'{e(consent["reason"])}</p>')
        if clip["media"] == "audio":
            parts.append(f'<audio controls preload="auto" src="{e(files["audio_mp3"])}"></audio>')
            parts.append('<div class="caption" aria-live="polite"></div>')
            parts.append(f'<script type="application/json" class="cues">{_json_for_script(cues[clip["id"]])}</script>')
        else:
            parts.append('<div class="script">Alleen naspelen door acteurs (geen opname) / actor re-enactment '
                         f'only: <a href="{e(files["script_html"])}">script</a> '
                         f'(<a href="{e(files["script_md"])}">Markdown</a>)</div>')
        parts.append(f'<p class="meta"><a href="{e(files["transcript_vtt"])}">WebVTT</a> &middot; '
                     f'<a href="{e(files["transcript_json"])}">JSON</a></p>')
        parts.append("</section>")
    if notes:
        parts.append("<h2>Notities voor de trainer / trainer notes</h2>")
        parts.append(f'<pre class="notes">{e(notes)}</pre>')
    parts += [f"<script>{JS}</script>", "</body>", "</html>", ""]
    return "\n".join(parts)
