extension InteractiveMap {
    /// The page around the data: style, markup and script, all inline. `{{TITLE}}` is replaced by
    /// the escaped title, `{{DATA}}` by the data elements (a JSON element `lm-meta` and one
    /// base64 element `lm-NAME` per gzip-compressed array) and `{{THUMBNAILS}}`, after the
    /// script, by the thumbnails' elements.
    ///
    /// The script decodes the arrays (base64 → `DecompressionStream("gzip")`), draws the points
    /// with WebGL 2 as antialiased discs in index order permuted by a seeded shuffle, and picks
    /// points for hover through a uniform grid over the current layout. It requests nothing:
    /// no fonts, images or scripts from anywhere. `window.latentMap` exposes the state for
    /// scripting and tests (`toScreen(i)`, `dataToScreen(x, y)`, `selected()`, `hidden()`,
    /// `frameMilliseconds()`).
    static let pageTemplate = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; connect-src 'none'">
<title>{{TITLE}}</title>
<style>
html, body { margin: 0; height: 100%; }
body { font-family: "DejaVu Sans", Verdana, "Segoe UI", sans-serif; font-size: 12px; color: #222; background: #fff;
       display: flex; flex-direction: column; overflow: hidden; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; padding: 8px 12px 6px; border-bottom: 1px solid #ddd; }
header h1 { font-size: 15px; font-weight: bold; margin: 0 8px 0 0; white-space: nowrap; }
header input[type=search] { width: 190px; padding: 3px 6px; border: 1px solid #bbb; border-radius: 3px; font: inherit; }
header select, header button { font: inherit; padding: 3px 8px; border: 1px solid #bbb; border-radius: 3px; background: #f7f7f7; color: #222; cursor: pointer; }
header button:hover:not(:disabled) { background: #ececec; }
header button:disabled { color: #aaa; cursor: default; }
header button.on { background: #dbe8f5; border-color: #6b9bc9; }
#status { color: #555; margin-left: auto; white-space: nowrap; }
#note { color: #8a5a00; }
main { flex: 1; display: flex; min-height: 0; }
#plot { flex: 1; position: relative; min-width: 0; overflow: hidden; cursor: grab; }
#plot.select { cursor: crosshair; }
#plot.dragging { cursor: grabbing; }
#plot canvas { position: absolute; left: 0; top: 0; width: 100%; height: 100%; transform-origin: 0 0; }
aside { padding: 14px 16px 14px 6px; overflow-y: auto; max-width: 34%; display: flex; flex-direction: column; justify-content: center; }
#legend { column-gap: 14px; }
.entry { display: flex; align-items: center; gap: 6px; padding: 1.5px 4px; font-size: 12px; line-height: 16px; cursor: pointer;
         user-select: none; border-radius: 3px; break-inside: avoid; white-space: nowrap; }
.entry:hover { background: #f0f0f0; }
.entry .disc { width: 9px; height: 9px; border-radius: 50%; flex: none; border: 1.5px solid transparent; }
.entry.off { color: #aaa; }
.entry.off .disc { background: transparent !important; }
.hint { color: #888; font-size: 10.5px; margin-top: 8px; }
#colorbar { display: none; align-items: center; gap: 4px; margin-top: 16px; }
#tip { position: fixed; display: none; pointer-events: none; background: rgba(255,255,255,0.96); border: 1px solid #bbb;
       border-radius: 4px; box-shadow: 0 2px 8px rgba(0,0,0,0.18); padding: 6px; font-size: 12px; z-index: 10; }
#tip canvas { display: block; margin-bottom: 4px; image-rendering: pixelated; border: 1px solid #ddd; }
#tip .sw { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 4px; vertical-align: -1px; }
#message { position: absolute; left: 50%; top: 40%; transform: translate(-50%, -50%); color: #444; font-size: 14px; text-align: center; }
</style>
</head>
<body>
<header>
  <h1 id="title"></h1>
  <select id="layout" title="Layout" hidden></select>
  <select id="colorby" title="Colour points by" hidden><option value="class">colour: class</option><option value="value">colour: value</option></select>
  <input id="search" type="search" placeholder="class name or index" title="Search: a class name shows only matching classes; a number finds that point">
  <button id="reset" title="Back to the whole map (R)">Reset</button>
  <button id="boxmode" title="Drag to select a box (or hold Shift while dragging)">Box select</button>
  <button id="lassomode" title="Drag around the points to select">Lasso</button>
  <button id="clear" disabled title="Clear the selection">Clear</button>
  <button id="csv" disabled title="Download the selected indices as CSV">Selection CSV</button>
  <button id="png" title="Save the current view as PNG">Save PNG</button>
  <span id="note"></span>
  <span id="status">loading…</span>
</header>
<main>
  <div id="plot"><canvas id="gl"></canvas><canvas id="overlay"></canvas><div id="message"></div></div>
  <aside><div id="legend"></div><div id="colorbar"><canvas id="bar" width="14" height="260"></canvas><div id="ticks" style="position:relative;height:260px;width:60px"></div></div><div class="hint" id="hint"></div></aside>
</main>
<div id="tip"></div>
{{DATA}}
<script>
"use strict";
(async function () {
const $ = (id) => document.getElementById(id);
const meta = JSON.parse($("lm-meta").textContent);
const N = meta.count, C = meta.classes;
const fmt = (n) => n.toLocaleString("en-US");
const api = (window.latentMap = { ready: false, meta });

function fail(text) {
  $("message").textContent = text;
  $("status").textContent = "";
  console.warn(text);
}

// ---- Data: base64 → gzip → typed arrays ----
function base64(id) {
  const el = $("lm-" + id);
  if (!el) return null;
  const s = el.textContent.trim();
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(s);
  const table = new Uint8Array(128);
  const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < 64; i++) table[abc.charCodeAt(i)] = i;
  let pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  for (let i = 0, o = 0; i < s.length; i += 4) {
    const v = (table[s.charCodeAt(i)] << 18) | (table[s.charCodeAt(i + 1)] << 12) | (table[s.charCodeAt(i + 2)] << 6) | table[s.charCodeAt(i + 3)];
    if (o < out.length) out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}
async function unpack(id) {
  const packed = base64(id);
  if (!packed) return null;
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
const asFloat = (b) => new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);

const layoutPositions = [];
async function positionsOf(k) {
  if (!layoutPositions[k]) layoutPositions[k] = asFloat(await unpack("positions" + k));
  return layoutPositions[k];
}
let pos = await positionsOf(0);
let labels = null;
if (meta.hasLabels) {
  const b = await unpack("labels");
  labels = meta.labelBytes === 1 ? b : new Uint16Array(b.buffer, 0, N);
}
const values = meta.hasValues ? asFloat(await unpack("values")) : null;

// ---- State ----
const hidden = new Uint8Array(Math.max(C, 1));
const selected = new Uint8Array(N);
let selectedCount = 0;
let colorBy = labels ? "class" : values ? "value" : "none";
let view = { cx: 0, cy: 0, scale: 1 }, home = null;
let hover = -1, found = -1, box = null, lasso = null;
let thumbs = null, thumbSlot = null;
const W = () => plotEl.clientWidth, H = () => plotEl.clientHeight;
// The overlay (hover ring, selection box, lasso) is a CPU-backed canvas: a GPU-backed one that was
// cleared with nothing drawn after it kept showing the old lasso in headless Chromium.
const plotEl = $("plot"), glCanvas = $("gl"), overlay = $("overlay"), octx = overlay.getContext("2d", { willReadFrequently: true });

$("title").textContent = meta.title;
if (!meta.title) $("title").hidden = true;

// ---- WebGL ----
const gl = glCanvas.getContext("webgl2", { antialias: false, premultipliedAlpha: true, preserveDrawingBuffer: false });
if (!gl) { fail("This page needs WebGL 2, which this browser does not offer."); return; }
function shader(type, text) {
  const s = gl.createShader(type);
  gl.shaderSource(s, text);
  gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
  return s;
}
const program = gl.createProgram();
gl.attachShader(program, shader(gl.VERTEX_SHADER, `#version 300 es
in vec2 a_pos; in uint a_cls; in float a_val; in float a_sel;
uniform vec2 u_center, u_scale; uniform float u_size, u_alpha, u_anySel; uniform int u_mode; uniform vec2 u_range;
uniform sampler2D u_palette, u_ramp;
out vec4 v_color; out float v_size;
void main() {
  vec4 pc = texelFetch(u_palette, ivec2(int(a_cls) % 256, int(a_cls) / 256), 0);
  if (pc.a == 0.0) { gl_Position = vec4(2.0, 2.0, 2.0, 1.0); gl_PointSize = 0.0; return; }
  vec3 c = pc.rgb;
  if (u_mode == 1) {
    float t = u_range.y > u_range.x ? clamp((a_val - u_range.x) / (u_range.y - u_range.x), 0.0, 1.0) : 0.5;
    c = texelFetch(u_ramp, ivec2(int(t * 255.0 + 0.5), 0), 0).rgb;
  }
  float a = u_alpha;
  if (u_anySel > 0.5 && a_sel < 0.5) { a *= 0.18; }
  v_color = vec4(c, a);
  v_size = u_size;
  gl_Position = vec4((a_pos - u_center) * u_scale, 0.0, 1.0);
  gl_PointSize = u_size;
}`));
gl.attachShader(program, shader(gl.FRAGMENT_SHADER, `#version 300 es
precision mediump float;
in vec4 v_color; in float v_size; out vec4 outColor;
void main() {
  float r = length(gl_PointCoord * 2.0 - 1.0) * v_size * 0.5;
  float a = v_color.a * clamp(v_size * 0.5 - r + 0.5, 0.0, 1.0);
  if (a <= 0.0) discard;
  outColor = vec4(v_color.rgb * a, a);
}`));
gl.linkProgram(program);
if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(program));
gl.useProgram(program);
const U = {};
for (const name of ["u_center", "u_scale", "u_size", "u_alpha", "u_anySel", "u_mode", "u_range", "u_palette", "u_ramp"]) U[name] = gl.getUniformLocation(program, name);
const vao = gl.createVertexArray();
gl.bindVertexArray(vao);
function attribute(name, data, size, type, integer) {
  const loc = gl.getAttribLocation(program, name);
  if (loc < 0) return null;
  const buf = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, buf);
  gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
  gl.enableVertexAttribArray(loc);
  if (integer) gl.vertexAttribIPointer(loc, size, type, 0, 0); else gl.vertexAttribPointer(loc, size, type, type !== gl.FLOAT, 0, 0);
  return buf;
}
const posBuffer = attribute("a_pos", pos, 2, gl.FLOAT, false);
attribute("a_cls", labels || new Uint8Array(N), 1, labels && meta.labelBytes === 2 ? gl.UNSIGNED_SHORT : gl.UNSIGNED_BYTE, true);
attribute("a_val", values || new Float32Array(N), 1, gl.FLOAT, false);
const selBuffer = attribute("a_sel", selected, 1, gl.UNSIGNED_BYTE, false);

// Drawing orders: a seeded shuffle (no class paints over another) and, for values, increasing value.
function shuffled(seed) {
  const order = new Uint32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  let s = (seed >>> 0) || 0x9e3779b9;
  for (let i = N - 1; i > 0; i--) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const j = s % (i + 1), t = order[i]; order[i] = order[j]; order[j] = t;
  }
  return order;
}
const classOrder = gl.createBuffer(), valueOrder = gl.createBuffer();
gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, classOrder);
gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, shuffled(meta.seed), gl.STATIC_DRAW);
if (values) {
  const order = Uint32Array.from({ length: N }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, valueOrder);
  gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, order, gl.STATIC_DRAW);
}
const rgb = (hex) => [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
const paletteTexture = gl.createTexture(), rampTexture = gl.createTexture();
const paletteRows = Math.max(1, Math.ceil(Math.max(C, 1) / 256));
function uploadPalette() {
  const data = new Uint8Array(256 * paletteRows * 4);
  const colors = meta.colors;
  for (let k = 0; k < Math.max(C, 1); k++) {
    const [r, g, b] = rgb(colors[k] || colors[0]);
    data.set([r, g, b, hidden[k] ? 0 : 255], 4 * k);
  }
  gl.activeTexture(gl.TEXTURE0);
  gl.bindTexture(gl.TEXTURE_2D, paletteTexture);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 256, paletteRows, 0, gl.RGBA, gl.UNSIGNED_BYTE, data);
  for (const p of [gl.TEXTURE_MIN_FILTER, gl.TEXTURE_MAG_FILTER]) gl.texParameteri(gl.TEXTURE_2D, p, gl.NEAREST);
}
{
  const data = new Uint8Array(256 * 4);
  meta.colorMap.forEach((hex, k) => data.set([...rgb(hex), 255], 4 * k));
  gl.activeTexture(gl.TEXTURE1);
  gl.bindTexture(gl.TEXTURE_2D, rampTexture);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 256, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, data);
  for (const p of [gl.TEXTURE_MIN_FILTER, gl.TEXTURE_MAG_FILTER]) gl.texParameteri(gl.TEXTURE_2D, p, gl.NEAREST);
}
uploadPalette();
gl.uniform1i(U.u_palette, 0);
gl.uniform1i(U.u_ramp, 1);
gl.enable(gl.BLEND);
gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);

// ---- Geometry: the home view and a uniform grid for picking ----
let grid = null;
function buildGrid() {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < N; i++) {
    const x = pos[2 * i], y = pos[2 * i + 1];
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
  }
  const G = Math.max(1, Math.min(2048, Math.ceil(Math.sqrt(N / 3))));
  const sx = G / ((x1 - x0) || 1), sy = G / ((y1 - y0) || 1);
  const cellOf = new Uint32Array(N), start = new Uint32Array(G * G + 1);
  for (let i = 0; i < N; i++) {
    const gx = Math.min(G - 1, ((pos[2 * i] - x0) * sx) | 0), gy = Math.min(G - 1, ((pos[2 * i + 1] - y0) * sy) | 0);
    cellOf[i] = gy * G + gx;
    start[cellOf[i] + 1]++;
  }
  for (let c = 0; c < G * G; c++) start[c + 1] += start[c];
  const fill = start.slice(0, G * G), items = new Uint32Array(N);
  for (let i = 0; i < N; i++) items[fill[cellOf[i]]++] = i;
  grid = { G, x0, x1, y0, y1, sx, sy, start, items };
}
function homeView() {
  const w = W(), h = H(), pad = 0.03;
  const dx = (grid.x1 - grid.x0) || 1, dy = (grid.y1 - grid.y0) || 1;
  return { cx: (grid.x0 + grid.x1) / 2, cy: (grid.y0 + grid.y1) / 2, scale: Math.min(w / (dx * (1 + 2 * pad)), h / (dy * (1 + 2 * pad))) };
}
const visible = (i) => !labels || !hidden[labels[i]];
function toScreen(x, y) { return [(x - view.cx) * view.scale + W() / 2, H() / 2 - (y - view.cy) * view.scale]; }
function toData(px, py) { return [(px - W() / 2) / view.scale + view.cx, view.cy - (py - H() / 2) / view.scale]; }
function pick(px, py, radiusPx) {
  const [x, y] = toData(px, py), r = radiusPx / view.scale, g = grid;
  const gx0 = Math.max(0, Math.floor((x - r - g.x0) * g.sx)), gx1 = Math.min(g.G - 1, Math.floor((x + r - g.x0) * g.sx));
  const gy0 = Math.max(0, Math.floor((y - r - g.y0) * g.sy)), gy1 = Math.min(g.G - 1, Math.floor((y + r - g.y0) * g.sy));
  let best = -1, bestD = r * r;
  for (let gy = gy0; gy <= gy1; gy++) for (let gx = gx0; gx <= gx1; gx++) {
    const c = gy * g.G + gx;
    for (let k = g.start[c]; k < g.start[c + 1]; k++) {
      const i = g.items[k];
      const ddx = pos[2 * i] - x, ddy = pos[2 * i + 1] - y, d = ddx * ddx + ddy * ddy;
      if (d <= bestD && visible(i)) { bestD = d; best = i; }
    }
  }
  return best;
}

// ---- Drawing ----
const baseDiameter = () => Math.max(1.5, Math.min(14, 2 * meta.radius * Math.min(W(), H()) / 366));
function pointDiameter() { return Math.min(28, baseDiameter() * Math.min(4, Math.sqrt(view.scale / home.scale))); }
// A full frame draws every point. When one takes long (software WebGL, a million points), pan
// and zoom move the last frame with a CSS transform instead, and the points are redrawn once
// the view has been still for 160 ms.
let needFrame = false, needPoints = false, drawnView = null, slow = false, settle = 0;
function drawPoints() {
  const dpr = window.devicePixelRatio || 1, w = W(), h = H();
  for (const c of [glCanvas, overlay]) {
    const cw = Math.round(w * dpr), ch = Math.round(h * dpr);
    if (c.width !== cw || c.height !== ch) { c.width = cw; c.height = ch; }
  }
  gl.viewport(0, 0, glCanvas.width, glCanvas.height);
  gl.clearColor(1, 1, 1, 1);
  gl.clear(gl.COLOR_BUFFER_BIT);
  gl.uniform2f(U.u_center, view.cx, view.cy);
  gl.uniform2f(U.u_scale, 2 * view.scale / w, 2 * view.scale / h);
  gl.uniform1f(U.u_size, pointDiameter() * dpr);
  gl.uniform1f(U.u_alpha, meta.opacity);
  gl.uniform1f(U.u_anySel, selectedCount > 0 ? 1 : 0);
  gl.uniform1i(U.u_mode, colorBy === "value" ? 1 : 0);
  if (values) gl.uniform2f(U.u_range, meta.valueRange[0], meta.valueRange[1]);
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, colorBy === "value" ? valueOrder : classOrder);
  gl.drawElements(gl.POINTS, N, gl.UNSIGNED_INT, 0);
  drawnView = { ...view };
  glCanvas.style.transform = "";
}
function drawOverlay() {
  const dpr = window.devicePixelRatio || 1, w = W(), h = H();
  octx.setTransform(1, 0, 0, 1, 0, 0);
  octx.clearRect(0, 0, overlay.width, overlay.height);
  octx.beginPath();
  octx.setTransform(dpr, 0, 0, dpr, 0, 0);
  for (const [i, color] of [[found, "#d62728"], [hover, "#111"]]) {
    if (i < 0) continue;
    const [sx, sy] = toScreen(pos[2 * i], pos[2 * i + 1]);
    octx.beginPath(); octx.arc(sx, sy, pointDiameter() / 2 + 4, 0, 2 * Math.PI);
    octx.lineWidth = 1.5; octx.strokeStyle = color; octx.stroke();
  }
  if (box) {
    octx.fillStyle = "rgba(31,119,180,0.08)"; octx.strokeStyle = "#1f77b4"; octx.lineWidth = 1;
    octx.fillRect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
    octx.strokeRect(box.x0 + 0.5, box.y0 + 0.5, box.x1 - box.x0, box.y1 - box.y0);
  }
  if (lasso) {
    octx.beginPath();
    lasso.forEach(([x, y], k) => (k ? octx.lineTo(x, y) : octx.moveTo(x, y)));
    octx.closePath();
    octx.fillStyle = "rgba(31,119,180,0.08)"; octx.strokeStyle = "#1f77b4"; octx.lineWidth = 1;
    octx.fill(); octx.stroke();
  }
}
function render() { drawPoints(); drawOverlay(); }
function previewTransform() {
  const k = view.scale / drawnView.scale, w = W(), h = H();
  const tx = (w / 2) * (1 - k) + (drawnView.cx - view.cx) * view.scale;
  const ty = (h / 2) * (1 - k) + (view.cy - drawnView.cy) * view.scale;
  glCanvas.style.transform = k === 1 && tx === 0 && ty === 0 ? "" : `matrix(${k},0,0,${k},${tx},${ty})`;
}
function schedule(points) {
  needPoints = needPoints || points;
  if (needFrame) return;
  needFrame = true;
  requestAnimationFrame(() => {
    needFrame = false;
    if (needPoints) { needPoints = false; drawPoints(); } else if (drawnView) previewTransform();
    drawOverlay();
  });
}
const redraw = () => schedule(true);
const redrawOverlay = () => schedule(false);
function viewChanged() {
  if (!slow) { redraw(); return; }
  schedule(false);
  clearTimeout(settle);
  settle = setTimeout(redraw, 160);
}

// ---- Legend and colour bar ----
const colorOf = (k) => meta.colors[k] || meta.colors[0];
let legendBuilt = false;
function legend() {
  const el = $("legend");
  const showLegend = labels && colorBy === "class";
  el.style.display = labels ? "block" : "none";
  $("colorbar").style.display = colorBy === "value" ? "flex" : "none";
  if (labels && !legendBuilt) {
    legendBuilt = true;
    const present = [];
    for (let k = 0; k < C; k++) if (meta.classCounts[k] > 0) present.push(k);
    el.style.columnCount = Math.max(1, Math.ceil(present.length / 30));
    for (const k of present) {
      const entry = document.createElement("div");
      entry.className = "entry";
      entry.dataset.label = k;
      entry.title = `${meta.classNames[k]}: ${fmt(meta.classCounts[k])} points — click to hide, double-click to show alone`;
      const disc = document.createElement("span");
      disc.className = "disc";
      entry.append(disc, document.createTextNode(meta.classNames[k]));
      entry.addEventListener("click", () => { hidden[k] ^= 1; classesChanged(); });
      entry.addEventListener("dblclick", () => {
        // The two clicks before it have toggled k twice; now show k alone, or all if it was alone.
        const alone = present.every((j) => (j === k) !== !!hidden[j]);
        for (const j of present) hidden[j] = alone ? 0 : j === k ? 0 : 1;
        classesChanged();
      });
      el.append(entry);
    }
  }
  for (const entry of el.children) {
    const k = +entry.dataset.label, disc = entry.firstChild;
    entry.classList.toggle("off", !!hidden[k]);
    disc.style.background = disc.style.borderColor = showLegend ? colorOf(k) : "#999";
  }
  $("hint").textContent = labels ? "click: hide · double-click: only this" : "";
  if (colorBy === "value") colorBar();
}
function ticks(lo, hi, count) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count, mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}
function colorBar() {
  const bar = $("bar"), b = bar.getContext("2d"), [lo, hi] = meta.valueRange;
  for (let y = 0; y < bar.height; y++) {
    b.fillStyle = meta.colorMap[Math.round(255 * (1 - y / (bar.height - 1)))];
    b.fillRect(0, y, bar.width, 1);
  }
  const el = $("ticks");
  el.innerHTML = "";
  for (const v of ticks(lo, hi, 5)) {
    const t = document.createElement("div");
    t.style.cssText = `position:absolute;left:2px;font-size:11px;color:#444;transform:translateY(-50%);top:${(hi > lo ? 1 - (v - lo) / (hi - lo) : 0.5) * 100}%`;
    t.textContent = "– " + +v.toPrecision(4);
    el.append(t);
  }
  const name = document.createElement("div");
  name.style.cssText = "position:absolute;left:54px;top:50%;transform:translate(-50%,-50%) rotate(90deg);white-space:nowrap;font-size:11.5px";
  name.textContent = meta.valueLabel;
  el.append(name);
}
function classesChanged() {
  uploadPalette();
  legend();
  if (hover >= 0 && !visible(hover)) hideTip();
  redraw();
}

// ---- Tooltip with the enlarged thumbnail ----
const tip = $("tip");
function hideTip() { tip.style.display = "none"; hover = -1; }
function showTip(i, px, py) {
  tip.innerHTML = "";
  if (meta.thumbnails > 0) {
    const slot = thumbSlot ? thumbSlot[i] : i;
    if (!thumbs) {
      tip.append(Object.assign(document.createElement("div"), { textContent: "thumbnails loading…", style: "color:#888" }));
    } else if (slot < 0) {
      tip.append(Object.assign(document.createElement("div"), { textContent: "no thumbnail (a subset has them)", style: "color:#888" }));
    } else {
      const h = meta.imageHeight, w = meta.imageWidth, zoom = Math.max(1, Math.floor(120 / Math.max(h, w)));
      const small = document.createElement("canvas");
      small.width = w; small.height = h;
      const img = small.getContext("2d").createImageData(w, h), per = Math.ceil(h * w / 2), base = slot * per;
      for (let p = 0; p < h * w; p++) {
        const byte = thumbs[base + (p >> 1)], level = (p & 1) ? byte & 15 : byte >> 4, v = level * 17;
        img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = v; img.data[4 * p + 3] = 255;
      }
      small.getContext("2d").putImageData(img, 0, 0);
      const big = document.createElement("canvas");
      big.width = w * zoom; big.height = h * zoom; big.className = "thumb";
      const bctx = big.getContext("2d");
      bctx.imageSmoothingEnabled = false;
      bctx.drawImage(small, 0, 0, w * zoom, h * zoom);
      tip.append(big);
    }
  }
  const line = document.createElement("div");
  if (labels) {
    const sw = document.createElement("span");
    sw.className = "sw"; sw.style.background = colorOf(labels[i]);
    line.append(sw, document.createTextNode(`${meta.classNames[labels[i]]} `));
  }
  line.append(Object.assign(document.createElement("span"), { textContent: `#${i}`, style: "color:#666" }));
  tip.append(line);
  if (values) tip.append(Object.assign(document.createElement("div"), { textContent: `${meta.valueLabel}: ${+values[i].toPrecision(5)}` }));
  tip.style.display = "block";
  const r = plotEl.getBoundingClientRect(), tw = tip.offsetWidth, th = tip.offsetHeight;
  let x = r.left + px + 16, y = r.top + py + 16;
  if (x + tw > window.innerWidth - 4) x = r.left + px - 16 - tw;
  if (y + th > window.innerHeight - 4) y = r.top + py - 16 - th;
  tip.style.left = Math.max(4, x) + "px"; tip.style.top = Math.max(4, y) + "px";
  tip.dataset.index = i;
  hover = i;
}

// ---- Selection ----
function setSelection(test) {
  selectedCount = 0;
  for (let i = 0; i < N; i++) { const s = visible(i) && test(pos[2 * i], pos[2 * i + 1]) ? 1 : 0; selected[i] = s; selectedCount += s; }
  gl.bindBuffer(gl.ARRAY_BUFFER, selBuffer);
  gl.bufferSubData(gl.ARRAY_BUFFER, 0, selected);
  $("csv").disabled = $("clear").disabled = selectedCount === 0;
  status();
  redraw();
}
function download(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
$("csv").addEventListener("click", () => {
  const rows = ["index" + (labels ? ",label,class" : "") + (values ? ",value" : "")];
  for (let i = 0; i < N; i++) {
    if (!selected[i]) continue;
    let row = String(i);
    if (labels) row += `,${labels[i]},"${meta.classNames[labels[i]].replace(/"/g, '""')}"`;
    if (values) row += `,${values[i]}`;
    rows.push(row);
  }
  download(new Blob([rows.join("\n") + "\n"], { type: "text/csv" }), "selection.csv");
});
$("clear").addEventListener("click", () => setSelection(() => false));

// ---- PNG of the current view, with its legend ----
$("png").addEventListener("click", () => {
  render();
  const dpr = window.devicePixelRatio || 1, w = W(), h = H();
  const entries = labels && colorBy === "class" ? [...Array(C).keys()].filter((k) => meta.classCounts[k] > 0 && !hidden[k]) : [];
  const out = document.createElement("canvas"), top = meta.title ? 30 : 8, side = entries.length ? 170 : colorBy === "value" ? 90 : 0;
  out.width = Math.round((w + side) * dpr); out.height = Math.round((h + top) * dpr);
  const c = out.getContext("2d");
  c.scale(dpr, dpr);
  c.fillStyle = "#fff"; c.fillRect(0, 0, w + side, h + top);
  c.drawImage(glCanvas, 0, top, w, h);
  c.drawImage(overlay, 0, top, w, h);
  c.fillStyle = "#222"; c.textBaseline = "middle";
  if (meta.title) { c.font = "bold 15px 'DejaVu Sans', sans-serif"; c.textAlign = "center"; c.fillText(meta.title, (w + side) / 2, 16); }
  c.textAlign = "left"; c.font = "12px 'DejaVu Sans', sans-serif";
  const y0 = top + Math.max(10, h / 2 - entries.length * 9);
  entries.forEach((k, row) => {
    const y = y0 + row * 18;
    c.fillStyle = colorOf(k); c.beginPath(); c.arc(w + 12, y, 4.5, 0, 2 * Math.PI); c.fill();
    c.fillStyle = "#222"; c.fillText(meta.classNames[k], w + 22, y);
  });
  if (colorBy === "value") {
    c.drawImage($("bar"), w + 10, top + h / 2 - 130, 14, 260);
    const [lo, hi] = meta.valueRange;
    for (const v of ticks(lo, hi, 5)) c.fillText(String(+v.toPrecision(4)), w + 28, top + h / 2 + 130 - (hi > lo ? (v - lo) / (hi - lo) : 0.5) * 260);
  }
  out.toBlob((blob) => download(blob, "map.png"), "image/png");
});

// ---- Interaction ----
let drag = null, selectMode = null;   // null (drag pans), "box" or "lasso"
plotEl.addEventListener("wheel", (e) => {
  e.preventDefault();
  const r = plotEl.getBoundingClientRect(), px = e.clientX - r.left, py = e.clientY - r.top;
  const [x, y] = toData(px, py);
  const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaMode === 2 ? e.deltaY * H() : e.deltaY;
  view.scale = Math.min(home.scale * 20000, Math.max(home.scale * 0.3, view.scale * Math.exp(-dy * 0.0015)));
  view.cx = x - (px - W() / 2) / view.scale;
  view.cy = y + (py - H() / 2) / view.scale;
  hideTip();
  viewChanged();
}, { passive: false });
plotEl.addEventListener("pointerdown", (e) => {
  if (e.button !== 0) return;
  const r = plotEl.getBoundingClientRect(), px = e.clientX - r.left, py = e.clientY - r.top;
  plotEl.setPointerCapture(e.pointerId);
  drag = { px, py, cx: view.cx, cy: view.cy, select: e.shiftKey ? "box" : selectMode };
  if (drag.select === "lasso") lasso = [[px, py]];
  if (!drag.select) plotEl.classList.add("dragging");
  hideTip();
});
plotEl.addEventListener("pointermove", (e) => {
  const r = plotEl.getBoundingClientRect(), px = e.clientX - r.left, py = e.clientY - r.top;
  if (drag) {
    if (drag.select === "box") {
      box = { x0: Math.min(drag.px, px), y0: Math.min(drag.py, py), x1: Math.max(drag.px, px), y1: Math.max(drag.py, py) };
    } else if (drag.select === "lasso") {
      const [lx, ly] = lasso[lasso.length - 1];
      if (Math.abs(px - lx) + Math.abs(py - ly) >= 2) lasso.push([px, py]);
    } else {
      view.cx = drag.cx - (px - drag.px) / view.scale;
      view.cy = drag.cy + (py - drag.py) / view.scale;
      viewChanged();
      return;
    }
    redrawOverlay();
    return;
  }
  const i = pick(px, py, Math.max(6, pointDiameter() / 2 + 3));
  if (i >= 0) showTip(i, px, py); else if (hover >= 0) hideTip();
  redrawOverlay();
});
plotEl.addEventListener("pointerup", (e) => {
  if (!drag) return;
  plotEl.classList.remove("dragging");
  if (drag.select === "box" && box) {
    const [ax, ay] = toData(box.x0, box.y1), [bx, by] = toData(box.x1, box.y0);
    box = null;
    if (bx - ax > 0 && by - ay > 0) setSelection((x, y) => x >= ax && x <= bx && y >= ay && y <= by);
  }
  if (drag.select === "lasso" && lasso) {
    const polygon = lasso.map(([x, y]) => toData(x, y));
    lasso = null;
    if (polygon.length >= 3) setSelection(insidePolygon(polygon));
  }
  drag = null;
  redraw();
});
plotEl.addEventListener("pointerleave", () => { if (!drag && hover >= 0) { hideTip(); redrawOverlay(); } });
function reset() { view = homeView(); found = -1; hideTip(); redraw(); }
$("reset").addEventListener("click", reset);
function setSelectMode(mode) {
  selectMode = selectMode === mode ? null : mode;
  $("boxmode").classList.toggle("on", selectMode === "box");
  $("lassomode").classList.toggle("on", selectMode === "lasso");
  plotEl.classList.toggle("select", selectMode !== null);
}
$("boxmode").addEventListener("click", () => setSelectMode("box"));
$("lassomode").addEventListener("click", () => setSelectMode("lasso"));
// A test for points inside `polygon` (data coordinates; even-odd rule), bounding box first.
function insidePolygon(polygon) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const [x, y] of polygon) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  const xs = Float64Array.from(polygon, (p) => p[0]), ys = Float64Array.from(polygon, (p) => p[1]), m = polygon.length;
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    let inside = false;
    for (let a = 0, b = m - 1; a < m; b = a++) {
      if ((ys[a] > y) !== (ys[b] > y) && x < ((xs[b] - xs[a]) * (y - ys[a])) / (ys[b] - ys[a]) + xs[a]) inside = !inside;
    }
    return inside;
  };
}
document.addEventListener("keydown", (e) => {
  if (e.target.tagName === "INPUT" || e.target.tagName === "SELECT") return;
  if (e.key === "r" || e.key === "R") reset();
  if (e.key === "Escape") setSelection(() => false);
});
window.addEventListener("resize", () => { const old = home; home = homeView(); view.scale *= home.scale / old.scale; redraw(); });

// Search: a number finds that point; text shows the classes whose names contain it.
$("search").addEventListener("keydown", (e) => {
  if (e.key === "Escape") { e.target.value = ""; }
  if (e.key !== "Enter" && e.key !== "Escape") return;
  const q = e.target.value.trim();
  found = -1;
  if (q === "") { hidden.fill(0); classesChanged(); status(); return; }
  const m = /^#?(\d+)$/.exec(q);
  if (m) {
    const i = +m[1];
    if (i >= N) { status(`no point ${q} (indices 0–${N - 1})`); redraw(); return; }
    if (labels && hidden[labels[i]]) { hidden[labels[i]] = 0; classesChanged(); }
    found = i;
    view.cx = pos[2 * i]; view.cy = pos[2 * i + 1];
    view.scale = Math.max(view.scale, home.scale * 4);
    render();
    const [sx, sy] = toScreen(pos[2 * i], pos[2 * i + 1]);
    showTip(i, sx, sy);
    status(`point ${i}` + (labels ? `: ${meta.classNames[labels[i]]}` : ""));
    return;
  }
  const needle = q.toLowerCase(), hits = [];
  for (let k = 0; k < C; k++) if (meta.classCounts[k] > 0 && meta.classNames[k].toLowerCase().includes(needle)) hits.push(k);
  if (!labels || hits.length === 0) { status(`no class or index matches “${q}”`); redraw(); return; }
  for (let k = 0; k < C; k++) hidden[k] = hits.includes(k) ? 0 : 1;
  classesChanged();
  status(`${hits.length} class${hits.length === 1 ? "" : "es"} match “${q}”`);
});

function status(extra) {
  let shown = 0;
  if (labels) { for (let k = 0; k < C; k++) if (!hidden[k]) shown += meta.classCounts[k]; } else shown = N;
  let text = shown === N ? `${fmt(N)} points` : `${fmt(shown)} of ${fmt(N)} points shown`;
  if (selectedCount > 0) text += ` · ${fmt(selectedCount)} selected`;
  if (extra) text += ` · ${extra}`;
  $("status").textContent = text;
  $("status").dataset.selected = selectedCount;
}

// Layouts and colour modes.
if (meta.layouts.length > 1) {
  const sel = $("layout");
  meta.layouts.forEach((name, k) => sel.append(new Option(name, k)));
  sel.hidden = false;
  sel.addEventListener("change", async () => {
    pos = await positionsOf(+sel.value);
    gl.bindBuffer(gl.ARRAY_BUFFER, posBuffer);
    gl.bufferData(gl.ARRAY_BUFFER, pos, gl.STATIC_DRAW);
    buildGrid();
    home = homeView();
    reset();
    if (selectedCount) redraw();
  });
}
if (labels && values) {
  $("colorby").hidden = false;
  $("colorby").addEventListener("change", (e) => { colorBy = e.target.value; legend(); redraw(); });
}
if (meta.thumbnailSubset) $("note").textContent = `thumbnails for a random ${fmt(meta.thumbnails)} of the ${fmt(N)} points`;

buildGrid();
home = homeView();
view = { ...home };
legend();
status();
render();
Object.assign(api, {
  toScreen: (i) => { const r = plotEl.getBoundingClientRect(), [x, y] = toScreen(pos[2 * i], pos[2 * i + 1]); return [r.left + x, r.top + y]; },
  dataToScreen: (x, y) => { const r = plotEl.getBoundingClientRect(), [sx, sy] = toScreen(x, y); return [r.left + sx, r.top + sy]; },
  selected: () => { const out = []; for (let i = 0; i < N; i++) if (selected[i]) out.push(i); return out; },
  hidden: () => [...hidden.keys()].filter((k) => hidden[k]),
  view: () => ({ ...view }),
  // The median time of `frames` redraws of a view panned by a few pixels each (for benchmarks).
  frameMilliseconds: (frames = 30) => {
    const saved = { ...view }, times = [], pixel = new Uint8Array(4);
    for (let k = 0; k < frames; k++) {
      view.cx = saved.cx + (k % 2 ? 3 : -3) / view.scale;
      const t = performance.now();
      render();
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
      times.push(performance.now() - t);
    }
    view = saved;
    render();
    return times.sort((a, b) => a - b)[frames >> 1];
  },
  ready: true,
  readyMilliseconds: performance.now(),
});
document.documentElement.dataset.ready = "true";
{
  const t = performance.now(), pixel = new Uint8Array(4);
  drawPoints();
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
  slow = N > 20000 && performance.now() - t > 25;   // small maps always redraw exactly
  api.slowFrames = slow;
}

// Thumbnails decode after the map is interactive; their elements follow this script, so the
// map does not wait for the browser to parse them.
if (meta.thumbnails > 0) {
  if (document.readyState === "loading") await new Promise((done) => document.addEventListener("DOMContentLoaded", done, { once: true }));
  if (meta.thumbnailSubset) {
    const b = await unpack("thumbnailIndex"), index = new Uint32Array(b.buffer, 0, meta.thumbnails);
    thumbSlot = new Int32Array(N).fill(-1);
    index.forEach((p, slot) => { thumbSlot[p] = slot; });
  }
  thumbs = await unpack("thumbnails");
  api.thumbnailsReady = true;
  api.thumbnailsMilliseconds = performance.now();
  document.documentElement.dataset.thumbnails = "ready";
}
})().catch((error) => {
  document.getElementById("message").textContent = "This map could not be shown: " + error.message;
  console.error(error);
});
</script>
{{THUMBNAILS}}
</body>
</html>
"""#
}
