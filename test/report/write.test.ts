// writeReport writes the whole folder atomically (no temporary files left), figures as SVG and PNG at
// twice their size, and the PNGs have text in them: a sans font was found and used.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as report from '../../src/report/index.js';
import { syntheticReport } from './synthetic.js';
import { parseXml } from './xml.js';

test('writeReport: report.html, tables, and every figure as .svg and .png; rewriting replaces them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-report-'));
  try {
    const data = syntheticReport({ epochs: 3, stepsPerEpoch: 4 });
    const written = await report.writeReport(dir, data);
    const names = report.reportFigures(data).map((f) => f.name);
    assert.deepEqual(readdirSync(join(dir, 'figures')).sort(), names.flatMap((n) => [`${n}.png`, `${n}.svg`]).sort());
    assert.deepEqual(readdirSync(dir).sort(), ['figures', 'report.html', 'results.csv', 'results.json', 'results.md', 'runs.csv']);
    assert.equal(written.figures.length, 2 * names.length);
    for (const name of names) {
      const svg = readFileSync(join(dir, 'figures', `${name}.svg`), 'utf8');
      const root = parseXml(svg);
      const png = readFileSync(join(dir, 'figures', `${name}.png`));
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${name}.png signature`);
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [2 * Number(root.attrs.width), 2 * Number(root.attrs.height)], `${name}.png is 2x the SVG`);
    }
    assert.ok(readFileSync(join(dir, 'report.html'), 'utf8').startsWith('<!doctype html>'));
    await report.writeReport(dir, { ...data, title: 'second' }, { png: false });
    assert.ok(readFileSync(join(dir, 'report.html'), 'utf8').includes('second'));
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')) && !readdirSync(join(dir, 'figures')).some((f) => f.endsWith('.tmp')), 'no temporary files left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeFileAtomic leaves no temporary file when the target cannot be written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-atomic-'));
  try {
    assert.throws(() => report.writeFileAtomic(join(dir, 'missing', 'x.txt'), 'x'));
    report.writeFileAtomic(join(dir, 'x.txt'), 'one');
    report.writeFileAtomic(join(dir, 'x.txt'), new Uint8Array([116, 119, 111]));
    assert.equal(readFileSync(join(dir, 'x.txt'), 'utf8'), 'two');
    assert.deepEqual(readdirSync(dir), ['x.txt']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PNG text: resvg finds a sans font and draws the glyphs', { skip: report.systemSansFamily() === null ? 'no known sans-serif font installed (Debian: apt-get install fonts-dejavu-core)' : false }, async () => {
  const svg = report.makeFigure(200, 40, report.text(10, 28, 'Accuracy ε=0.1', { size: 20 })).svg;
  const { pixels, width, height } = await report.svgToRgba(svg, { scale: 1 });
  assert.deepEqual([width, height], [200, 40]);
  let dark = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) dark++;
  // 14 glyphs at 20 px cover a few hundred dark pixels; an empty render (no font) covers none.
  assert.ok(dark > 150, `only ${dark} dark pixels: was any text drawn?`);
  const blank = await report.svgToRgba(report.makeFigure(200, 40, '').svg, { scale: 1 });
  assert.ok(blank.pixels.every((v) => v === 255), 'the background is white');
});
