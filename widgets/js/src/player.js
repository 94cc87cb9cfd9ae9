// Front end of widgets.player.CallPlayer: wavesurfer.js 8 with Regions, Timeline and Zoom.
// State lives in the Python model (traitlets); this file only renders it and reports user input.
import WaveSurfer from "wavesurfer.js";
import RegionsPlugin from "wavesurfer.js/dist/plugins/regions.esm.js";
import TimelinePlugin from "wavesurfer.js/dist/plugins/timeline.esm.js";
import ZoomPlugin from "wavesurfer.js/dist/plugins/zoom.esm.js";

const SPEAKER_COLOURS = { agent: "rgba(33, 102, 172, 0.55)", customer: "rgba(178, 24, 43, 0.55)" };
const SELECTION_COLOUR = "rgba(255, 193, 7, 0.30)";
const PII_COLOUR = "rgba(120, 0, 160, 0.28)";

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function fmt(t) {
  const m = Math.floor(t / 60);
  const s = (t - 60 * m).toFixed(1).padStart(4, "0");
  return `${m}:${s}`;
}

function render({ model, el: root }) {
  root.classList.add("cw-player");
  const frame = el("div", "cw-player-frame");
  frame.tabIndex = 0;
  frame.setAttribute("role", "application");
  frame.setAttribute("aria-label", "Call player: space plays, arrows seek, [ and ] set the clip edges");
  const wave = el("div", "cw-player-wave");
  const timeline = el("div", "cw-player-timeline");
  const status = el("div", "cw-player-status");
  // the hint line is the Python model's: a listening player (reviewer) has no clip edges to set
  const hint = el("div", "cw-player-hint", model.get("hint") || "");
  frame.append(wave, timeline, status, hint);
  root.append(frame);

  const regions = RegionsPlugin.create();
  const ws = WaveSurfer.create({
    container: wave,
    height: 96,
    waveColor: "#7a8a99",
    progressColor: "#36454f",
    cursorColor: "#d62828",
    normalize: true,
    interact: true,
    plugins: [regions, TimelinePlugin.create({ container: timeline }), ZoomPlugin.create({ scale: 0.5, maxZoom: 400 })],
  });

  let selection = null;
  let lanes = null;
  let loadToken = 0;

  const duration = () => ws.getDuration() || model.get("duration") || 0;

  function drawLanes() {
    const wrapper = ws.getWrapper();
    if (lanes) lanes.remove();
    lanes = el("div", "cw-player-lanes");
    // wavesurfer renders into a shadow root: page CSS does not reach in, so style inline
    Object.assign(lanes.style, { position: "absolute", left: "0", right: "0", bottom: "0", height: "8px",
                                 pointerEvents: "none", zIndex: "4" });
    const total = duration();
    if (!total) return;
    for (const turn of model.get("turns") || []) {
      const block = el("div", "cw-turn");
      Object.assign(block.style, { position: "absolute", top: "0", height: "8px", borderRadius: "2px" });
      block.style.left = `${(100 * turn.start) / total}%`;
      block.style.width = `${(100 * Math.max(turn.end - turn.start, 0.05)) / total}%`;
      block.style.background = SPEAKER_COLOURS[turn.role] || "rgba(90,90,90,0.5)";
      block.title = `${turn.role} ${fmt(turn.start)}–${fmt(turn.end)}`;
      block.dataset.role = turn.role;
      lanes.append(block);
    }
    wrapper.append(lanes);
  }

  function drawBands() {
    for (const r of regions.getRegions()) {
      if (r.id.startsWith("pii-")) r.remove();
    }
    (model.get("pii_bands") || []).forEach((band, i) => {
      regions.addRegion({
        id: `pii-${i}`, start: band.start, end: band.end, color: PII_COLOUR,
        drag: false, resize: false, content: band.label || "",
      });
    });
  }

  function drawSelection() {
    const sel = model.get("selection") || {};
    const has = typeof sel.start === "number" && typeof sel.end === "number" && sel.end > sel.start;
    if (!has) {
      if (selection) { selection.remove(); selection = null; }
      return;
    }
    if (selection && !selection.isRemoved) {
      if (Math.abs(selection.start - sel.start) > 1e-3 || Math.abs(selection.end - sel.end) > 1e-3) {
        selection.setOptions({ start: sel.start, end: sel.end });
      }
      return;
    }
    selection = regions.addRegion({
      id: "selection", start: sel.start, end: sel.end, color: SELECTION_COLOUR,
      drag: true, resize: true, content: "clip",
    });
  }

  function pushSelection(start, end) {
    const total = duration();
    start = Math.max(0, Math.min(start, total));
    end = Math.max(0, Math.min(end, total));
    if (end <= start) return;
    model.set("selection", { start: Math.round(start * 1000) / 1000, end: Math.round(end * 1000) / 1000 });
    model.save_changes();
  }

  function redrawAll() {
    drawLanes();
    drawBands();
    drawSelection();
    status.textContent = `${fmt(ws.getCurrentTime())} / ${fmt(duration())} · ${model.get("source_label") || ""}`;
  }

  async function loadAudio() {
    const token = ++loadToken;
    const at = ws.getCurrentTime ? ws.getCurrentTime() : 0;
    const data = model.get("audio");
    const peaks = model.get("peaks");
    const total = model.get("duration");
    try {
      if (data && data.byteLength > 0) {
        const bytes = data instanceof DataView ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data;
        await ws.loadBlob(new Blob([bytes], { type: model.get("mime") || "audio/wav" }));
      } else if (peaks && peaks.length && total) {
        await ws.load("", [peaks], total);
      } else {
        return;
      }
    } catch (err) {
      status.textContent = `audio could not be loaded: ${err}`;
      return;
    }
    if (token !== loadToken) return;
    ws.setPlaybackRate(model.get("rate") || 1, true);
    if (at > 0 && at < duration()) ws.setTime(at);
    redrawAll();
  }

  if (model.get("editable") !== false) regions.enableDragSelection({ color: SELECTION_COLOUR, id: "selection-draft" });
  regions.on("region-created", (r) => {
    if (r.id === "selection-draft") {
      const { start, end } = r;
      r.remove();
      if (selection) { selection.remove(); selection = null; }
      pushSelection(start, end);
    }
  });
  regions.on("region-updated", (r) => {
    if (r.id === "selection") pushSelection(r.start, r.end);
  });

  ws.on("ready", redrawAll);
  ws.on("timeupdate", (t) => {
    status.textContent = `${fmt(t)} / ${fmt(duration())} · ${model.get("source_label") || ""}`;
  });
  // real playback only: `playing` when the audio starts, `played_seconds` as it advances, and
  // `played_stretches`: [start, end] pairs played at normal progression. A seek (or any jump of
  // more than a second between ticks) closes the stretch; the audio jumped over is never counted.
  let lastSent = 0;
  let lastTick = null;
  let played = 0;
  let stretches = [];
  let current = null;

  function closeStretch() {
    if (current && current[1] > current[0]) stretches.push(current);
    current = null;
  }

  function mergedStretches() {
    const all = stretches.concat(current && current[1] > current[0] ? [current] : []).map((s) => [s[0], s[1]]);
    all.sort((a, b) => a[0] - b[0]);
    const out = [];
    for (const [a, b] of all) {
      if (out.length && a <= out[out.length - 1][1]) out[out.length - 1][1] = Math.max(out[out.length - 1][1], b);
      else out.push([a, b]);
    }
    return out.map(([a, b]) => [Math.round(a * 1000) / 1000, Math.round(b * 1000) / 1000]);
  }

  function report() {
    model.set("current_time", ws.getCurrentTime());
    model.set("played_seconds", Math.round(played * 100) / 100);
    model.set("played_stretches", mergedStretches());
    model.save_changes();
  }

  ws.on("audioprocess", (t) => {
    if (lastTick !== null && t > lastTick && t - lastTick < 1) {
      played += t - lastTick;
      if (!current) current = [lastTick, t];
      current[1] = t;
    } else {
      closeStretch();
      current = [t, t];
    }
    lastTick = t;
    if (Math.abs(t - lastSent) >= 0.25) {
      lastSent = t;
      report();
    }
  });
  ws.on("seeking", (t) => { closeStretch(); lastTick = null; model.set("current_time", t); model.save_changes(); });
  ws.on("play", () => {
    lastTick = ws.getCurrentTime();
    current = [lastTick, lastTick];
    model.set("playing", true);
    model.save_changes();
  });
  function reachEnd() {
    // played through to the end: the last tick fell a moment before it
    const open = current || stretches[stretches.length - 1];
    if (open && duration() - open[1] < 1 && duration() - ws.getCurrentTime() < 0.25) open[1] = duration();
  }
  ws.on("finish", () => { reachEnd(); report(); });
  ws.on("pause", () => {
    reachEnd();
    closeStretch();
    lastTick = null;
    model.set("playing", false);
    report();
  });
  model.on("change:played_seconds", () => { if (!model.get("played_seconds")) played = 0; });
  model.on("change:played_stretches", () => {
    if (!(model.get("played_stretches") || []).length) { stretches = []; current = null; }
  });
  model.on("change:hint", () => { hint.textContent = model.get("hint") || ""; });

  frame.addEventListener("keydown", (e) => {
    const t = ws.getCurrentTime();
    const step = e.shiftKey ? 5 : 1;
    const sel = model.get("selection") || {};
    if (e.key === " " || e.code === "Space") { ws.playPause(); }
    else if (e.key === "ArrowLeft") { ws.setTime(Math.max(0, t - step)); }
    else if (e.key === "ArrowRight") { ws.setTime(Math.min(duration(), t + step)); }
    else if (model.get("editable") === false && (e.key === "[" || e.key === "]")) { return; }
    else if (e.key === "[") { pushSelection(t, typeof sel.end === "number" && sel.end > t ? sel.end : Math.min(duration(), t + 5)); }
    else if (e.key === "]") { pushSelection(typeof sel.start === "number" && sel.start < t ? sel.start : Math.max(0, t - 5), t); }
    else { return; }
    e.preventDefault();
    e.stopPropagation();
  });
  wave.addEventListener("click", () => frame.focus());

  model.on("change:audio", loadAudio);
  model.on("change:peaks", loadAudio);
  model.on("change:turns", drawLanes);
  model.on("change:pii_bands", drawBands);
  model.on("change:selection", drawSelection);
  model.on("change:rate", () => ws.setPlaybackRate(model.get("rate") || 1, true));
  model.on("change:seek_to", () => {
    const t = model.get("seek_to");
    if (typeof t === "number" && t >= 0) ws.setTime(Math.min(t, duration()));
  });
  model.on("change:command", () => {
    const cmd = model.get("command") || "";
    if (cmd.startsWith("play-selection")) { if (selection) selection.play(true); }
    else if (cmd.startsWith("play")) ws.play();
    else if (cmd.startsWith("pause")) ws.pause();
  });
  loadAudio();
  return () => ws.destroy();
}

export default { render };
