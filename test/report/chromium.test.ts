// Renders a synthetic report in headless Chromium (Debian's `chromium`) at a laptop and a phone
// width at once (two iframes of one page: headless windows cannot be narrower than 500 px): no
// console errors, no blocked fetches, every figure present with all its panels, nothing wider than
// the screen. A probe script inserted before the report's CSP (the report itself has no scripts)
// records errors and measures the layout; --dump-dom prints the outer page after its load event.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as report from '../../src/report/index.js';
import { syntheticReport } from './synthetic.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found (Debian: apt-get install chromium)`;

const PROBE = `<script>
(() => {
  const errors = [];
  addEventListener('error', (e) => errors.push('error: ' + (e.message || (e.target && e.target.outerHTML || '').slice(0, 120))), true);
  addEventListener('unhandledrejection', (e) => errors.push('rejection: ' + e.reason));
  document.addEventListener('securitypolicyviolation', (e) => errors.push('blocked: ' + e.violatedDirective + ' ' + e.blockedURI));
  for (const level of ['error', 'warn']) {
    const original = console[level];
    console[level] = (...args) => { errors.push(level + ': ' + args.join(' ')); original.apply(console, args); };
  }
  addEventListener('load', () => {
    const figures = [...document.querySelectorAll('figure[data-figure]')].map((f) => {
      const svgs = [...f.querySelectorAll('.panels > svg')];
      return { name: f.dataset.figure, panels: svgs.length, images: f.querySelectorAll('image').length,
        drawn: svgs.every((s) => s.getBoundingClientRect().width > 50 && s.getBoundingClientRect().height > 20),
        right: Math.max(...svgs.map((s) => s.getBoundingClientRect().right)) };
    });
    window.smoothlabProbe = { errors, figures, innerWidth, scrollWidth: document.documentElement.scrollWidth,
      tables: document.querySelectorAll('table').length, title: document.title };
  });
})();
</script>`;

// The outer page: a laptop-wide and a phone-wide frame. Frames finish loading before the page's
// load event, so both probes are ready when it fires.
const FRAMES = [['laptop', 1280, 800], ['phone', 375, 700]] as const;
const OUTER = `<!doctype html><html><head><meta charset="utf-8"><script>
addEventListener('load', () => {
  const result = {};
  for (const frame of document.querySelectorAll('iframe')) {
    try { result[frame.id] = frame.contentWindow.smoothlabProbe || null; } catch (e) { result[frame.id] = { failed: String(e) }; }
  }
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = encodeURIComponent(JSON.stringify(result));
  document.body.append(out);
});
</script></head><body>${FRAMES.map(([id, w, h]) => `<iframe id="${id}" src="report.html" style="width:${w}px;height:${h}px;border:0"></iframe>`).join('')}</body></html>`;

interface Probe {
  errors: string[];
  figures: { name: string; panels: number; images: number; drawn: boolean; right: number }[];
  innerWidth: number;
  scrollWidth: number;
  tables: number;
  title: string;
}

function render(outer: string): { probes: Record<string, Probe | null | { failed: string }>; consoleLines: string[] } {
  const profile = mkdtempSync(join(tmpdir(), 'smoothlab-chromium-'));
  try {
    const run = spawnSync(CHROMIUM, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', `--user-data-dir=${profile}`,
      // Lets the outer file:// page read its file:// frames (the probes); it opens no network access.
      '--allow-file-access-from-files',
      '--enable-logging=stderr', '--v=0', '--window-size=1720,900', '--dump-dom', pathToFileURL(outer).href,
    ], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
    assert.equal(run.error, undefined, `chromium failed to run: ${run.error?.message}`);
    const m = /<pre id="probe">([^<]*)<\/pre>/.exec(run.stdout);
    assert.ok(m, `no probe output (exit ${run.status}): ${run.stderr.slice(-2000)}`);
    // Chromium logs page console messages to stderr as ...:CONSOLE(...)...; the report should log none.
    const consoleLines = run.stderr.split('\n').filter((l) => /:CONSOLE[(:]/.test(l));
    return { probes: JSON.parse(decodeURIComponent(m[1])), consoleLines };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

test('the report renders in headless Chromium without errors, with every figure, at laptop and phone widths', { skip, timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-html-'));
  try {
    const data = syntheticReport({ hostile: true, epochs: 4, stepsPerEpoch: 10 });
    const figures = report.reportFigures(data);
    const html = report.renderReport(data, figures);
    assert.ok(html.includes('<head>\n'));
    writeFileSync(join(dir, 'report.html'), html.replace('<head>\n', `<head>\n${PROBE}\n`));
    writeFileSync(join(dir, 'outer.html'), OUTER);
    const { probes, consoleLines } = render(join(dir, 'outer.html'));
    assert.deepEqual(consoleLines, [], 'console messages');
    for (const [id, width] of FRAMES) {
      const probe = probes[id] as Probe;
      assert.ok(probe && !('failed' in probe), `probe of the ${id} frame: ${JSON.stringify(probes[id])}`);
      const at = `at ${width}px`;
      assert.equal(probe.innerWidth, width);
      assert.deepEqual(probe.errors, [], `page errors ${at}`);
      assert.ok(probe.title.includes('<script>'), 'the escaped title reads back as text');
      assert.equal(probe.tables, 2);
      assert.deepEqual(probe.figures.map((f) => f.name), figures.map((f) => f.name), `every figure ${at}`);
      for (const [i, f] of probe.figures.entries()) {
        assert.equal(f.panels, figures[i].rows.flat().length, `${f.name}: every panel ${at}`);
        assert.ok(f.drawn, `${f.name}: panels laid out with a size ${at}`);
        assert.ok(f.right <= probe.innerWidth + 1, `${f.name}: fits the ${probe.innerWidth}px screen (right edge ${f.right})`);
      }
      assert.equal(probe.figures.find((f) => f.name === 'samples')?.images, data.samples!.length);
      assert.ok(probe.scrollWidth <= probe.innerWidth, `no horizontal page scroll ${at} (${probe.scrollWidth} > ${probe.innerWidth})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
