"""The review page's HTML (render/review.py collects what it shows): one file, on screen and on paper.

The same HTML is the page and, printed by WeasyPrint with its print stylesheet, the storyboard
PDF: A4 landscape, one scene a row (frame on the left, text on the right), the header on the
first page, the title and page numbers at the foot of every page. Labels come in the script's
language (French or English; other languages get English). Colours and fonts are the brand's
where they read well on white paper.
"""

from __future__ import annotations

import base64
import math
import re
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from contract.script import Brand
from scenes.legal import contrast_ratio

if TYPE_CHECKING:  # render/review.py imports this module to print its Review
    from render.review import ApprovalSummary, Review, ReviewFinding, ScriptInfo

MIN_CONTRAST = 4.5  # WCAG AA for text
FALLBACK_INK = "#1B1B1B"
WHITE = "#FFFFFF"

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "review": "Review",
        "storyboard": "Storyboard",
        "script": "Script",
        "script_sha": "Script sha256",
        "unchanged": "unchanged since this render",
        "changed": "CHANGED since this render: the video does not show the script as it is now",
        "missing": "not found at this path (the video is identified by its own sha256)",
        "video": "Video",
        "video_sha": "Video sha256",
        "verified": "✓ matches the file",
        "format": "Format",
        "duration": "Duration",
        "scenes": "scenes",
        "captions": "Captions",
        "burned": "also drawn into the picture",
        "no_captions": "none",
        "language": "Language",
        "legal": "Legal mentions",
        "none": "none",
        "checks": "Automatic checks",
        "not_checked": "not run",
        "not_checked_script": "not run: the script at this path is not the one this video was made from",
        "not_checked_load": "not run: the script cannot be read now (see Script)",
        "cannot_load": "but it cannot be read now: {problem}",
        "scene_not_checked": "automatic checks not run",
        "no_findings": "no findings",
        "findings": "{n} finding(s)",
        "approval": "Approval",
        "approved": "approved by {names}",
        "needed": "{have} of {needed} needed",
        "pending": "PENDING: {have} of {needed} approval(s) by distinct people",
        "not required": "not required",
        "not recorded": "not recorded",
        "unknown": "could not be read: {note}",
        "stale": "{n} approval(s) of another version of the script or video (they do not count)",
        "draft": "Draft (--preview, reduced quality): not the final video.",
        "scene": "Scene",
        "starts": "starts",
        "ends": "ends",
        "lasts": "lasts",
        "frame_at": "frame at",
        "no_narration": "no narration",
        "shown": "What is shown",
        "said": "What is said",
        "whole_video": "Whole video",
        "signoff": "Review",
        "name": "Name",
        "date": "Date",
        "decision": "Decision",
        "signature": "Signature",
        "page": "page",
        "help": "Click a time or a frame to play the video from there.",
        "no_video": "The video file {file} must be in the same folder as this page.",
        "error": "error",
        "warning": "warning",
        "info": "note",
        "title": "Title",
        "bullets": "List",
        "statistic": "Key figure",
        "quote": "Quote",
        "image": "Picture",
        "timeline": "Timeline",
        "comparison": "Comparison",
        "closing": "Closing",
        "presenter": "Presenter",
        "dialogue": "Dialogue",
    },
    "fr": {
        "review": "Relecture",
        "storyboard": "Storyboard",
        "script": "Script",
        "script_sha": "Empreinte sha256 du script",
        "unchanged": "inchangé depuis ce rendu",
        "changed": "MODIFIÉ depuis ce rendu : la vidéo ne montre pas le script tel qu'il est maintenant",
        "missing": "introuvable à cet emplacement (la vidéo est identifiée par sa propre empreinte)",
        "video": "Vidéo",
        "video_sha": "Empreinte sha256 de la vidéo",
        "verified": "✓ conforme au fichier",
        "format": "Format",
        "duration": "Durée",
        "scenes": "scènes",
        "captions": "Sous-titres",
        "burned": "aussi incrustés dans l'image",
        "no_captions": "aucun",
        "language": "Langue",
        "legal": "Mentions légales",
        "none": "aucune",
        "checks": "Contrôles automatiques",
        "not_checked": "non effectués",
        "not_checked_script": "non effectués : le script à cet emplacement n'est pas celui de cette vidéo",
        "not_checked_load": "non effectués : le script ne peut pas être lu maintenant (voir Script)",
        "cannot_load": "mais il ne peut pas être lu maintenant : {problem}",
        "scene_not_checked": "contrôles automatiques non effectués",
        "no_findings": "aucune remarque",
        "findings": "{n} remarque(s)",
        "approval": "Validation",
        "approved": "validée par {names}",
        "needed": "{have} sur {needed} requise(s)",
        "pending": "EN ATTENTE : {have} validation(s) sur {needed} requise(s), par des personnes distinctes",
        "not required": "non requise",
        "not recorded": "non enregistrée",
        "unknown": "illisible : {note}",
        "stale": "{n} validation(s) d'une autre version du script ou de la vidéo (elles ne comptent pas)",
        "draft": "Brouillon (--preview, qualité réduite) : ce n'est pas la vidéo finale.",
        "scene": "Scène",
        "starts": "début",
        "ends": "fin",
        "lasts": "durée",
        "frame_at": "image à",
        "no_narration": "sans narration",
        "shown": "Ce qu'on voit",
        "said": "Ce qu'on entend",
        "whole_video": "Toute la vidéo",
        "signoff": "Visa",
        "name": "Nom",
        "date": "Date",
        "decision": "Décision",
        "signature": "Signature",
        "page": "page",
        "help": "Cliquez sur un temps ou une image pour lire la vidéo à partir de là.",
        "no_video": "Le fichier vidéo {file} doit se trouver dans le même dossier que cette page.",
        "error": "erreur",
        "warning": "avertissement",
        "info": "remarque",
        "title": "Titre",
        "bullets": "Liste",
        "statistic": "Chiffre clé",
        "quote": "Citation",
        "image": "Image",
        "timeline": "Frise",
        "comparison": "Comparaison",
        "closing": "Conclusion",
        "presenter": "Présentateur",
        "dialogue": "Dialogue",
    },
}


class Labels:
    """The page's words and number formats in one language."""

    def __init__(self, language: str) -> None:
        self.code = language.split("-")[0].lower()
        self.words = LABELS.get(self.code, LABELS["en"])
        self.decimal = "," if self.code == "fr" else "."

    def __getitem__(self, key: str) -> str:
        return self.words.get(key, LABELS["en"].get(key, key))

    def time(self, seconds: float) -> str:
        """0:04.7 (en) or 0:04,7 (fr); 1:02:03.4 past an hour."""
        tenths = math.floor(max(seconds, 0.0) * 10 + 0.5)  # half up, as a person rounds
        minutes, rest = divmod(tenths, 600)
        hours, minutes = divmod(minutes, 60)
        whole, tenth = divmod(rest, 10)
        clock = f"{hours}:{minutes:02d}:{whole:02d}" if hours else f"{minutes}:{whole:02d}"
        return f"{clock}{self.decimal}{tenth}"

    def seconds(self, seconds: float) -> str:
        return f"{seconds:.1f}".replace(".", self.decimal) + "\u00a0s"


def data_uri(mimetype: str, data: bytes) -> str:
    return f"data:{mimetype};base64,{base64.b64encode(data).decode('ascii')}"


def _readable(colour: str, fallback: str = FALLBACK_INK) -> str:
    return colour if contrast_ratio(colour, WHITE) >= MIN_CONTRAST else fallback


def _family(name: str | None) -> str:
    clean = re.sub(r"[^\w \-]", "", name or "").strip()
    return f'"{clean}", ' if clean else ""


def _css_string(text: str) -> str:
    """`text` as a CSS string literal that cannot close the <style> element it sits in."""
    escaped = (f"\\{ord(c):X} " if c in '\\"<>&' or ord(c) < 0x20 else c for c in text)
    return '"' + "".join(escaped) + '"'


def _page_rule(footer: str) -> str:
    # on paper: A4 landscape; each page names the video (title, short sha256) and its number
    margin = "font-family:var(--body);font-size:8pt;color:#555"
    return (
        "@page{size:A4 landscape;margin:12mm 12mm 14mm 12mm;"
        f"@bottom-left{{content:{_css_string(footer)};{margin}}}"
        f'@bottom-right{{content:counter(page) " / " counter(pages);{margin}}}}}\n'
    )


def _css(brand: Brand, embedded_font: bool, footer: str) -> str:
    ink = _readable(brand.text)
    accent = _readable(brand.primary, ink)
    fallback = '"Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif'
    own = '"BrandFile", ' if embedded_font else ""
    body = own + _family(brand.body_font or brand.font) + fallback
    heading = own + _family(brand.heading_font or brand.font) + fallback
    return (
        f":root{{--ink:{ink};--accent:{accent};--primary:{brand.primary};--secondary:{brand.secondary};"
        f"--body:{body};--heading:{heading}}}\n" + STYLE + _page_rule(footer)
    )


STYLE = """
*{box-sizing:border-box}
html{background:#fff}
body{margin:0;color:var(--ink);font-family:var(--body);font-size:15px;line-height:1.45}
h1,h2,.scene-head{font-family:var(--heading)}
.stripe{height:8px;background:var(--primary);border-bottom:3px solid var(--secondary)}
main{max-width:1200px;margin:0 auto;padding:20px 32px 40px}
header.top{display:flex;justify-content:space-between;align-items:flex-start;gap:24px}
.kind{text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:#555;margin:0}
h1{color:var(--accent);font-size:28px;line-height:1.2;margin:2px 0 12px}
h2{color:var(--accent);font-size:20px;margin:28px 0 8px}
.logo{max-height:56px;max-width:220px}
.draft{border-left:6px solid #B42318;background:#FEF3F2;color:#7A271A;padding:8px 12px;margin:0 0 12px;font-weight:600}
table.facts{border-collapse:collapse;width:100%;font-size:13.5px}
.facts th{text-align:left;vertical-align:top;width:15em;padding:3px 14px 3px 0;color:#555;font-weight:600}
.facts td{padding:3px 0;vertical-align:top}
.hash{font-family:"DejaVu Sans Mono","Noto Sans Mono",Consolas,monospace;font-size:12px;word-break:break-all}
.ok{color:#1A7F37;font-weight:600}
.alert{color:#B42318;font-weight:700}
.facts ul{margin:0;padding-left:1.1em}
.player{margin:20px 0 8px}
.player video{display:block;width:100%;max-height:72vh;background:#000;border-radius:4px}
.help,.no-video{font-size:13px;color:#555;margin:6px 0 0}
.no-video{color:#B42318;font-weight:600}
table.storyboard{width:100%;border-collapse:collapse;table-layout:fixed}
.storyboard thead th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:#555;
  padding:6px 0;border-bottom:2px solid var(--primary)}
.storyboard tr.scene{break-inside:avoid;page-break-inside:avoid}
.storyboard td{vertical-align:top;padding:14px 0;border-bottom:1px solid #D0D5DD}
.storyboard td.text{padding-left:20px}
td.frame img{display:block;width:auto;height:auto;max-width:100%;max-height:420px;border:1px solid #98A2B3}
.frame-at{font-size:12px;color:#555;margin-top:4px}
.scene-head{font-size:18px;font-weight:700;color:var(--accent);margin:0}
.when{font-size:13px;color:#444;margin:2px 0 8px}
ul.phrases{list-style:none;margin:0;padding:0}
.phrases li{margin:0 0 6px;padding-left:4.6em;text-indent:-4.6em}
.t{display:inline-block;width:4.2em;text-indent:0;color:#555;font-size:12px;font-variant-numeric:tabular-nums}
[data-t]{cursor:pointer}
.t[data-t]:hover{text-decoration:underline}
.silent{color:#555;font-style:italic}
.findings{margin:10px 0 0;padding:6px 10px;border-radius:4px;font-size:13px;background:#F2F4F7}
.findings.has{background:#FFFAEB;border-left:4px solid #DC6803}
.findings ul{margin:4px 0 0;padding-left:1.2em}
.sev{font-weight:700;text-transform:uppercase;font-size:11px;letter-spacing:.04em}
.rule{font-family:"DejaVu Sans Mono","Noto Sans Mono",Consolas,monospace;font-size:11px;color:#555}
.sev-error{color:#B42318}.sev-warning{color:#B54708}.sev-info{color:#175CD3}
.signoff,.signoff-title{display:none}
@media print{
  body{font-size:10pt}
  main{max-width:none;padding:0}
  .stripe{height:3mm;-webkit-print-color-adjust:exact}
  h1{font-size:18pt}
  .player,.help,.no-video{display:none}
  h2{margin:5mm 0 2mm;font-size:13pt;break-after:avoid}
  .facts{font-size:9pt}
  .facts th{width:58mm}
  .hash{font-size:8pt}
  .storyboard td{padding-top:3.5mm;padding-bottom:3.5mm}
  td.frame img{max-height:95mm}
  .tall td.frame img{max-height:64mm}
  .scene-head{font-size:12pt}
  .when,.frame-at,.t{font-size:8.5pt}
  .findings{font-size:9pt}
  .signoff-title{display:block;break-after:avoid;margin-top:8mm}
  .signoff{display:table;width:100%;border-collapse:collapse;break-inside:avoid}
  .signoff th,.signoff td{border:1px solid #98A2B3;padding:3mm;text-align:left;font-size:9pt;vertical-align:top}
  .signoff td{height:16mm}
}
"""

SCRIPT = """
(function () {
  var video = document.getElementById('video');
  if (!video) return;
  video.addEventListener('error', function () { document.getElementById('no-video').hidden = false; }, true);
  document.querySelectorAll('[data-t]').forEach(function (item) {
    item.setAttribute('tabindex', '0');
    item.setAttribute('role', 'button');
    function seek() { video.currentTime = parseFloat(item.dataset.t); video.play(); video.scrollIntoView(); }
    item.addEventListener('click', seek);
    item.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); seek(); }
    });
  });
})();
"""


def _script_status(info: ScriptInfo, words: Labels) -> str:
    text = escape(words[info.status])
    if info.status != "unchanged":
        return f'<span class="alert">{text}</span>'
    problem = f"<br>{escape(words['cannot_load'].format(problem=info.problem))}" if info.problem else ""
    return f'<span class="ok">{text}</span>{problem}'


def _when(at: str) -> str:
    """2026-12-01T10:32:05.123Z → 2026-12-01 10:32 UTC (the records write UTC)."""
    found = re.match(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)", at)
    return f"{found[1]} {found[2]} UTC" if found and at.endswith("Z") else at


def _approval(state: ApprovalSummary | None, words: Labels) -> str:
    if state is None:
        return escape(words["not recorded"])
    names = ", ".join(state.approvers)
    if state.status == "approved":
        parts = [words["approved"].format(names=names), words["needed"].format(have=state.have, needed=state.needed)]
    elif state.status == "pending":
        parts = [words["pending"].format(have=state.have, needed=state.needed) + (f" ({names})" if names else "")]
    elif state.status == "unknown":
        parts = [words["unknown"].format(note=state.note or "?")]
    else:  # not required (someone may have approved all the same), not recorded
        parts = [words[state.status]] + ([words["approved"].format(names=names)] if names else [])
    if names and state.at and state.status != "pending":
        parts.append(_when(state.at))
    if state.stale:
        parts.append(words["stale"].format(n=state.stale))
    text = escape(" — ".join(parts))
    css = {"approved": "ok", "pending": "alert", "unknown": "alert"}.get(state.status)
    return f'<span class="{css}">{text}</span>' if css else text


def _checks_summary(review: Review, words: Labels) -> str:
    findings = review.inputs.findings
    if findings is None:
        if review.script.status != "unchanged":
            return escape(words["not_checked_script"])
        return escape(words["not_checked_load" if review.script.problem else "not_checked"])
    count = sum(len(items) for items in findings.values())
    return escape(words["findings"].format(n=count)) if count else escape(words["no_findings"])


def _findings_block(items: list[ReviewFinding] | None, words: Labels, checked: bool) -> str:
    if not checked:
        return f'<div class="findings">{escape(words["scene_not_checked"])}</div>'
    if not items:
        return f'<div class="findings">{escape(words["no_findings"])}</div>'
    lines = []
    for item in items:
        hint = f" <em>({escape(item.hint)})</em>" if item.hint else ""
        sev = f'<span class="sev sev-{item.severity}">{escape(words[item.severity])}</span>'
        rule = f' <span class="rule">{escape(item.rule)}</span>' if item.rule else ""
        lines.append(f"<li>{sev}{rule} {escape(item.message)}{hint}</li>")
    return f'<div class="findings has">{escape(words["checks"])}<ul>{"".join(lines)}</ul></div>'


def _facts(review: Review, words: Labels) -> str:
    manifest = review.manifest
    rows: list[tuple[str, str]] = []
    info = review.script
    if info.path:
        rows.append((words["script"], f"{escape(info.path)}<br>{_script_status(info, words)}"))
        rows.append((words["script_sha"], f'<span class="hash">{escape(info.sha256 or "")}</span>'))
    video = review.video.entry
    href = escape(quote(video.file))
    rows.append((words["video"], f'<a href="{href}">{escape(video.file)}</a>'))
    rows.append(
        (
            words["video_sha"],
            f'<span class="hash">{escape(video.sha256)}</span> <span class="ok">{words["verified"]}</span>',
        )
    )
    duration = f"{words.time(manifest.duration)} · {len(manifest.scenes)} {words['scenes']}"
    rows.append((words["duration"], escape(duration)))
    if manifest.video:
        v = manifest.video
        rows.append((words["format"], escape(f"{v.width}×{v.height} · {v.fps} fps · {v.aspect}")))
    rows.append((words["language"], escape(manifest.language)))
    if review.captions:
        name = review.captions.entry.file
        burned = f" · {escape(words['burned'])}" if manifest.captions_burned else ""
        rows.append((words["captions"], f'<a href="{escape(quote(name))}">{escape(name)}</a>{burned}'))
    else:
        rows.append((words["captions"], escape(words["no_captions"])))
    legal = "".join(f"<li>{escape(text)}</li>" for text in manifest.legal)
    rows.append((words["legal"], f"<ul>{legal}</ul>" if legal else escape(words["none"])))
    rows.append((words["checks"], _checks_summary(review, words)))
    rows.append((words["approval"], _approval(review.inputs.approval, words)))
    body = "".join(f"<tr><th>{escape(label)}</th><td>{value}</td></tr>" for label, value in rows)
    return f'<table class="facts">{body}</table>'


def _player(review: Review, words: Labels) -> str:
    video = review.video.entry.file
    track = ""
    if review.captions and review.captions.data is not None:
        lang = review.captions.entry.language
        src = data_uri("text/vtt", review.captions.data)
        label = escape(f"{words['captions']} ({lang})")
        track = f'<track kind="captions" srclang="{escape(lang)}" label="{label}" src="{src}" default>'
    missing = escape(words["no_video"].format(file=video))
    poster = data_uri("image/jpeg", review.frames[0].jpeg)  # not the blank first frame of a fade-in
    return (
        f'<div class="player"><video id="video" controls preload="metadata" poster="{poster}" '
        f'src="{escape(quote(video))}">'
        f"{track}</video></div>"
        f'<p class="no-video" id="no-video" hidden>{missing}</p>'
        f'<p class="help">{escape(words["help"])}</p>'
    )


def _scene_row(review: Review, k: int, words: Labels) -> str:
    scene = review.manifest.scenes[k]
    frame = review.frames[k]
    kind = words[scene.type]
    end = scene.start + scene.duration
    when = (
        f"{words['starts']} {words.time(scene.start)} · {words['ends']} {words.time(end)} · "
        f"{words['lasts']} {words.seconds(scene.duration)}"
    )
    phrases = "".join(
        f'<li><span class="t" data-t="{p.start:.3f}">{words.time(p.start)}</span>{escape(p.text)}</li>'
        for p in scene.phrases
    )
    said = (
        f'<ul class="phrases">{phrases}</ul>' if phrases else f'<p class="silent">{escape(words["no_narration"])}</p>'
    )
    findings = review.inputs.findings
    items = list(findings.get(scene.index, [])) if findings is not None else None
    alt = f"{words['scene']} {k + 1}, {words['frame_at']} {words.time(frame.at)}"
    return (
        f'<tr class="scene" id="scene-{k + 1}" data-scene="{k}">'
        f'<td class="frame"><img src="{data_uri("image/jpeg", frame.jpeg)}" alt="{escape(alt)}" '
        f'data-t="{frame.at:.3f}"><div class="frame-at">{escape(words["frame_at"])} {words.time(frame.at)}</div></td>'
        f'<td class="text"><p class="scene-head">{escape(words["scene"])} {k + 1} · {escape(kind)}</p>'
        f'<p class="when">{escape(when)}</p>{said}'
        f"{_findings_block(items, words, findings is not None)}</td></tr>"
    )


def _storyboard(review: Review, words: Labels) -> str:
    rows = "".join(_scene_row(review, k, words) for k in range(len(review.manifest.scenes)))
    findings = review.inputs.findings
    general = list(findings.get(None, [])) if findings is not None else []
    whole = ""
    if general:
        whole = f"<h2>{escape(words['whole_video'])}</h2>{_findings_block(general, words, True)}"
    aspect = review.manifest.video
    tall = aspect is not None and aspect.height > aspect.width
    left = "30%" if tall else "46%"
    return (
        f"<h2>{escape(words['storyboard'])}</h2>{whole}"
        f'<table class="storyboard{" tall" if tall else ""}"><colgroup><col style="width:{left}"><col></colgroup>'
        f"<thead><tr><th>{escape(words['shown'])}</th><th>{escape(words['said'])}</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _signoff(words: Labels) -> str:
    heading = f'<h2 class="signoff-title">{escape(words["signoff"])}</h2>'
    heads = "".join(f"<th>{escape(words[key])}</th>" for key in ("name", "date", "decision", "signature"))
    cells = "<td></td>" * 4
    return f'{heading}<table class="signoff"><tr>{heads}</tr><tr>{cells}</tr></table>'


def _font_face(review: Review) -> str:
    if review.font_data is None or review.brand.font_file is None:
        return ""
    suffix = Path(review.brand.font_file).suffix.lower()
    mimetype, fmt = ("font/otf", "opentype") if suffix == ".otf" else ("font/ttf", "truetype")
    return f'@font-face{{font-family:"BrandFile";src:url({data_uri(mimetype, review.font_data)}) format("{fmt}")}}\n'


def page_html(review: Review) -> str:
    """The whole page: header (with, on paper, a box to sign), player (screen only), storyboard."""
    manifest = review.manifest
    words = Labels(manifest.language)
    title = escape(manifest.title)
    logo = ""
    if review.logo:
        logo = f'<img class="logo" src="{data_uri(*review.logo)}" alt="">'
    draft = f'<p class="draft">{escape(words["draft"])}</p>' if manifest.preview else ""
    footer = f"{manifest.title} · {words['video']} sha256 {review.video.entry.sha256[:16]}…"
    style = _font_face(review) + _css(review.brand, review.font_data is not None, footer)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(manifest.language)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="explainer-toolkit render review">\n'
        f"<title>{escape(words['review'])} — {title}</title>\n<style>{style}</style>\n</head>\n<body>\n"
        f'<div class="stripe"></div>\n<main>\n'
        f'<header class="top"><div><p class="kind">{escape(words["review"])}</p><h1>{title}</h1></div>{logo}</header>\n'
        f"{draft}{_facts(review, words)}\n{_signoff(words)}\n{_player(review, words)}\n"
        f"{_storyboard(review, words)}\n</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
