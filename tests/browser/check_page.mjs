// check_page: open a flowcost report in headless Chromium through the
// DevTools protocol (Node's built-in WebSocket; no npm packages), and report
// what a reader's browser would see: console errors, exceptions, network
// requests other than the page itself, dialogs (an executed XSS payload),
// load time, a full-page screenshot, and DOM facts (sections, table rows).
//
// usage: node --experimental-websocket check_page.mjs PAGE.html SHOT.png [EXTRA_JS] [WIDTH]
// WIDTH: the window's width in CSS px (default 1280), for the page and the screenshot.
// FC_MEDIA=print and FC_COLOR_SCHEME=dark emulate print media and a dark-mode reader.
// Prints one JSON object on stdout; exit 0 unless the browser could not be driven.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [page, shot, extra, widthArg] = process.argv.slice(2);
const width = parseInt(widthArg || '1280', 10);
const url = pathToFileURL(resolve(page)).href;
const profile = mkdtempSync(join(tmpdir(), 'fc-chromium-'));
const chrome = spawn(process.env.CHROMIUM || 'chromium', [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-extensions', '--mute-audio',
  '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe'] });

function cleanup() {
  try { chrome.kill('SIGKILL'); } catch (e) { /* already gone */ }
  try { rmSync(profile, { recursive: true, force: true }); } catch (e) { /* best effort */ }
}
const timer = setTimeout(() => { console.error('check_page: timed out'); cleanup(); process.exit(2); }, 60000);

const wsUrl = await new Promise((res, rej) => {
  let buf = '';
  chrome.stderr.on('data', (d) => {
    buf += d;
    const m = buf.match(/DevTools listening on (ws:\/\/\S+)/);
    if (m) res(m[1]);
  });
  chrome.on('exit', (c) => rej(new Error('chromium exited ' + c + ': ' + buf.slice(-500))));
});

const ws = new WebSocket(wsUrl);
await new Promise((res, rej) => { ws.onopen = res; ws.onerror = rej; });
let nextId = 1;
const pending = new Map();
const events = [];
ws.onmessage = (m) => {
  const msg = JSON.parse(m.data);
  if (msg.id && pending.has(msg.id)) {
    const { res, rej } = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) rej(new Error(JSON.stringify(msg.error))); else res(msg.result);
  } else if (msg.method) {
    events.push(msg);
    for (const w of waiters.slice()) if (w.method === msg.method) { waiters.splice(waiters.indexOf(w), 1); w.res(msg); }
  }
};
const waiters = [];
const waitFor = (method) => new Promise((res) => waiters.push({ method, res }));
function send(method, params = {}, sessionId) {
  const id = nextId++;
  ws.send(JSON.stringify({ id, method, params, sessionId }));
  return new Promise((res, rej) => pending.set(id, { res, rej }));
}

const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
const S = (m, p) => send(m, p, sessionId);
await S('Page.enable');
await S('Runtime.enable');
await S('Log.enable');
await S('Network.enable');
await S('Emulation.setDeviceMetricsOverride', { width, height: 900, deviceScaleFactor: 1, mobile: false });

if (process.env.FC_MEDIA || process.env.FC_COLOR_SCHEME)
  await S('Emulation.setEmulatedMedia', {
    media: process.env.FC_MEDIA || '',
    features: process.env.FC_COLOR_SCHEME ? [{ name: 'prefers-color-scheme', value: process.env.FC_COLOR_SCHEME }] : [],
  });
const loaded = waitFor('Page.loadEventFired');
const t0 = Date.now();
await S('Page.navigate', { url });
await loaded;
const loadMs = Date.now() - t0;
// Let any deferred script errors surface.
await new Promise((r) => setTimeout(r, 300));

const facts = await S('Runtime.evaluate', {
  returnByValue: true,
  expression: `(() => {
    const rows = {};
    document.querySelectorAll('table[id]').forEach(t => { rows[t.id] = t.tBodies[0] ? t.tBodies[0].rows.length : 0; });
    const other = {};
    document.querySelectorAll('table[id]').forEach(t => { other[t.id] = t.querySelectorAll('tbody tr.other').length; });
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      title: document.title,
      sections: Array.from(document.querySelectorAll('main > section')).map(s => s.id),
      rows, other,
      sankeys: document.querySelectorAll('svg.sankey').length,
      svgs: document.querySelectorAll('svg').length,
      svgTitles: Array.from(document.querySelectorAll('svg')).filter(s => !s.closest('ul.legend') && !s.querySelector('title')).length,
      heatmaps: document.querySelectorAll('svg.heat').length,
      findings: document.querySelectorAll('#findings article.finding').length,
      scans: document.querySelectorAll('#security article.finding').length,
      natDetails: document.querySelectorAll('#nat div.nat').length,
      imgs: document.querySelectorAll('img, iframe, object, embed').length,
      scripts: document.querySelectorAll('script').length,
      bodyText: document.body.innerText.length,
      pwned: !!window.__pwned,
      domContentLoadedMs: nav ? Math.round(nav.domContentLoadedEventEnd) : -1,
      loadEventMs: nav ? Math.round(nav.loadEventEnd) : -1,
      filterVisible: Array.from(document.querySelectorAll('.filterbox')).every(b => !b.hidden),
    };
  })()`,
});

let extraResult = null;
if (extra) {
  const r = await S('Runtime.evaluate', { returnByValue: true, awaitPromise: true, expression: extra });
  extraResult = r.exceptionDetails ? { exception: r.exceptionDetails.text + ' ' + JSON.stringify(r.exceptionDetails.exception) } : r.result.value;
}
await new Promise((r) => setTimeout(r, 100));

if (shot) {
  const m = await S('Page.getLayoutMetrics');
  const h = Math.ceil(m.cssContentSize ? m.cssContentSize.height : m.contentSize.height);
  await S('Emulation.setDeviceMetricsOverride', { width, height: Math.min(h, 16000), deviceScaleFactor: 1, mobile: false });
  // The window is already the page's height: capturing beyond it hangs some
  // Chromium builds on some layouts (seen at 1400 px with the report).
  const png = await S('Page.captureScreenshot', { format: 'png' });
  writeFileSync(shot, Buffer.from(png.data, 'base64'));
  // One picture per section too, for reading the page piece by piece.
  if (process.env.FC_SECTION_SHOTS) {
    const r = await S('Runtime.evaluate', { returnByValue: true, expression:
      `Array.from(document.querySelectorAll('main > section')).map(s => { const b = s.getBoundingClientRect();
        return { id: s.id, x: b.left + scrollX, y: b.top + scrollY, w: b.width, h: b.height }; })` });
    for (const b of r.result.value) {
      const part = await S('Page.captureScreenshot', { format: 'png',
        clip: { x: b.x, y: b.y, width: b.w, height: Math.min(b.h, 3000), scale: 1 } });
      writeFileSync(shot.replace(/\.png$/, '') + '-' + b.id + '.png', Buffer.from(part.data, 'base64'));
    }
  }
}

const consoleErrors = [];
const requests = [];
const dialogs = [];
for (const e of events) {
  if (e.method === 'Runtime.consoleAPICalled' && (e.params.type === 'error' || e.params.type === 'warning' || e.params.type === 'assert'))
    consoleErrors.push(e.params.type + ': ' + e.params.args.map(a => a.value ?? a.description).join(' '));
  if (e.method === 'Runtime.exceptionThrown') consoleErrors.push('exception: ' + JSON.stringify(e.params.exceptionDetails.exception?.description || e.params.exceptionDetails.text));
  if (e.method === 'Log.entryAdded' && (e.params.entry.level === 'error' || e.params.entry.level === 'warning'))
    consoleErrors.push('log ' + e.params.entry.level + ': ' + e.params.entry.text + ' ' + (e.params.entry.url || ''));
  if (e.method === 'Network.requestWillBeSent' && e.params.request.url !== url) requests.push(e.params.request.url);
  if (e.method === 'Page.javascriptDialogOpening') dialogs.push(e.params.message);
}

console.log(JSON.stringify({ url, loadMs, consoleErrors, requests, dialogs, facts: facts.result.value, extra: extraResult }, null, 1));
clearTimeout(timer);
ws.close();
cleanup();
process.exit(0);
