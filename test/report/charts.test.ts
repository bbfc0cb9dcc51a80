// Every chart builder writes well-formed SVG (checked by an independent parser and by resvg's strict
// XML reader) with the expected elements, and escapes labels holding < & " '.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import * as report from '../../src/report/index.js';
import { HOSTILE } from './synthetic.js';
import { findAll, parseXml, textOf, type XmlElement } from './xml.js';

// Parses the figure's SVG both ways and checks the basics every figure shares.
function check(fig: report.Figure): XmlElement {
  const root = parseXml(fig.svg);
  assert.equal(root.name, 'svg');
  assert.equal(root.attrs.xmlns, 'http://www.w3.org/2000/svg');
  assert.equal(root.attrs.viewBox, `0 0 ${fig.width} ${fig.height}`);
  assert.ok(fig.width > 0 && fig.height > 0);
  assert.doesNotThrow(() => new Resvg(fig.svg), 'resvg parses the SVG');
  assert.ok(!/NaN|undefined|Infinity/.test(fig.svg), 'no NaN/undefined/Infinity in the markup');
  assert.ok(!fig.svg.includes(HOSTILE), 'hostile text never appears raw');
  return root;
}

const texts = (root: XmlElement) => findAll(root, 'text').map(textOf);
const byClass = (root: XmlElement, name: string, cls: string) => findAll(root, name).filter((e) => e.attrs.class === cls);

test('lineChart: one path per series, gaps at NaN, marked horizontal lines, escaped names', () => {
  const fig = report.lineChart({
    title: `loss ${HOSTILE}`, xLabel: 'epoch', yLabel: 'loss',
    series: [
      { name: `a ${HOSTILE}`, x: [1, 2, 3, 4], y: [2, 1.5, NaN, 1] },
      { name: 'b', x: [1, 2, 3, 4], y: [2.2, 1.7, 1.2, 1.1], dash: '6 4' },
      { name: 'c', x: Array.from({ length: 5000 }, (_, i) => i / 1000), y: Array.from({ length: 5000 }, (_, i) => Math.sin(i / 500)) },
    ],
    hlines: [{ y: 0.5, label: `floor ${HOSTILE}` }, { y: NaN }],
  });
  const root = check(fig);
  const series = byClass(root, 'path', 'series');
  assert.equal(series.length, 3);
  assert.equal((series[0].attrs.d.match(/M/g) ?? []).length, 2, 'NaN splits the first line in two');
  assert.equal(series[1].attrs['stroke-dasharray'], '6 4');
  assert.ok((series[2].attrs.d.match(/L/g) ?? []).length <= 800, 'long series are thinned');
  assert.equal(byClass(root, 'path', 'hline').length, 1, 'the NaN line is dropped');
  const all = texts(root);
  assert.ok(all.includes(`loss ${HOSTILE}`), 'title decoded back to the original text');
  assert.ok(all.some((t) => t.startsWith('a <script>alert("x")')), 'legend entry, decoded back (long labels end in an ellipsis)');
  assert.ok(all.some((t) => t.startsWith('floor ')));
  assert.ok(fig.svg.includes('&lt;script&gt;'));
});

test('barChart: one rect per category and series, tilted long labels, legend for two series', () => {
  const categories = ['T-shirt/top', 'Trouser', `x ${HOSTILE}`];
  const fig = report.barChart({ title: 'hist', categories, series: [{ name: 'train', values: [5, 6, 7] }, { name: 'test', values: [1, NaN, 3] }] });
  const root = check(fig);
  assert.equal(byClass(root, 'rect', 'bar').length, 5, 'NaN bar left out');
  assert.ok(findAll(root, 'text').some((t) => t.attrs.transform?.startsWith('rotate(-40')), 'long labels tilted');
  assert.ok(texts(root).includes('train') && texts(root).includes('test'));
});

test('heatmap: one cell per entry, color bar, annotations and hover titles escaped', () => {
  const names = ['a', `b ${HOSTILE}`, 'c'];
  const fig = report.heatmap({ matrix: [[1, 0, 0], [0, 1, 0], [0.2, 0.3, 0.5]], rowLabels: names, colLabels: names, title: 'm', domain: [0, 1], annotate: true, colorBarLabel: 'p' });
  const root = check(fig);
  const cells = byClass(root, 'rect', 'cell');
  assert.equal(cells.length, 9);
  assert.equal(byClass(root, 'rect', 'colorbar').length, 1);
  assert.ok(cells.some((c) => textOf(c).includes(`b ${HOSTILE}`)), 'hover title carries the class name');
  assert.ok(texts(root).includes('0.50'));
  assert.equal(cells[0].attrs.fill, report.viridis(1));
  const big = report.heatmap({ matrix: Array.from({ length: 100 }, (_, r) => Array.from({ length: 100 }, (_, c) => r === c ? 1 : 0)), rowLabels: names, colorBar: false });
  const bigRoot = check(big);
  assert.equal(byClass(bigRoot, 'rect', 'cell').length, 10000);
  assert.equal(byClass(bigRoot, 'rect', 'colorbar').length, 0);
  assert.equal(findAll(bigRoot, 'title').length, 0, 'no hover titles on a 100x100 grid');
});

test('reliabilityDiagram: bars for non-empty bins, the diagonal, counts, ECE in the title', () => {
  const bins = Array.from({ length: 15 }, (_, b) => ({ lower: b / 15, upper: (b + 1) / 15, count: b < 3 ? 0 : 10 * b, accuracy: b / 15, confidence: (b + 0.5) / 15 }));
  const fig = report.reliabilityDiagram({ bins, ece: 0.0321, title: `ε=0 ${HOSTILE}` });
  const root = check(fig);
  assert.equal(byClass(root, 'rect', 'bin').length, 12);
  assert.equal(byClass(root, 'rect', 'gap').length, 12);
  assert.equal(byClass(root, 'path', 'diagonal').length, 1);
  const all = texts(root);
  assert.ok(all.some((t) => t.startsWith('ε=0 <script>') && t.endsWith(' · ECE 3.2%')), 'a long title is shortened, the ECE kept');
  for (const b of bins.filter((b) => b.count > 0)) assert.ok(all.includes(String(b.count)), `count ${b.count}`);
});

test('scatterChart: one circle per point, error bars, legend without hidden series', () => {
  const fig = report.scatterChart({
    title: 'acc', xLabel: 'ε', yLabel: '%',
    series: [
      { name: 'seeds', points: [{ x: 0, y: 1 }, { x: 0, y: 2 }, { x: 0.1, y: 3 }], hideInLegend: true, opacity: 0.3 },
      { name: `mean ${HOSTILE}`, connect: true, points: [{ x: 0, y: 1.5, yLow: 1, yHigh: 2 }, { x: 0.1, y: 3, yLow: 2.5, yHigh: 3.5 }, { x: NaN, y: 1 }] },
    ],
    legend: true,
  });
  const root = check(fig);
  assert.equal(findAll(root, 'circle').length, 5, 'three seeds and two finite means (the mean legend swatch is a line)');
  const bars = byClass(root, 'path', 'errorbar');
  assert.equal(bars.length, 1);
  assert.equal((bars[0].attrs.d.match(/V/g) ?? []).length, 2, 'one vertical bar per mean');
  assert.ok(texts(root).some((t) => t.startsWith('mean <script>')));
  assert.ok(!texts(root).includes('seeds'), 'hidden series stay out of the legend');
  const projection = report.scatterChart({ hideTicks: true, series: [{ name: 'a', points: [{ x: 1, y: 1 }] }, { name: 'b', points: [{ x: 2, y: 3 }] }] });
  assert.equal(texts(check(projection)).filter((t) => /^[0-9.-]+$/.test(t)).length, 0, 'no tick labels on projections');
});

test('imageGrid: one PNG data URI per image with its caption', () => {
  const gray = { pixels: new Uint8Array(28 * 28).map((_, i) => i % 256), width: 28, height: 28, channels: 1 as const, caption: `bag ${HOSTILE}` };
  const rgb = { pixels: Array.from({ length: 4 * 6 * 3 }, (_, i) => i * 3.7), width: 6, height: 4, channels: 3 as const, caption: 'rgb' };
  const fig = report.imageGrid({ title: 'samples', images: [gray, rgb, gray], columns: 2 });
  const root = check(fig);
  const images = findAll(root, 'image');
  assert.equal(images.length, 3);
  for (const image of images) {
    const m = /^data:image\/png;base64,(.+)$/.exec(image.attrs.href);
    assert.ok(m, 'PNG data URI');
    const png = Buffer.from(m[1], 'base64');
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  }
  const png = Buffer.from(images[1].attrs.href.split(',')[1], 'base64');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [6, 4], 'IHDR width and height');
  assert.ok(texts(root).some((t) => t.startsWith('bag ')), 'caption (possibly shortened)');
  assert.throws(() => report.imageGrid({ images: [{ ...rgb, width: 5 }] }), /expected 5x4x3/);
});

test('composeFigures and legendFigure: panels nested as <svg> in rows', () => {
  const a = report.lineChart({ series: [{ name: 'a', x: [0, 1], y: [0, 1] }], width: 200, height: 100 });
  const b = report.legendFigure([{ label: `x ${HOSTILE}`, color: '#000000', dash: '2 2' }, { label: 'dot', color: '#ff0000', kind: 'dot' }]);
  const fig = report.composeFigures([a, b, a], { columns: 2, title: 'both' });
  const root = check(fig);
  const panels = findAll(root, 'svg').filter((e) => e.attrs.class === 'panel');
  assert.equal(panels.length, 3);
  assert.deepEqual(panels.map((p) => [Number(p.attrs.x), Number(p.attrs.y)]), [[0, 30], [208, 30], [0, 138]]);
  assert.equal(fig.height, 30 + 100 + 8 + 100);
});

test('an empty chart is still valid SVG', () => {
  check(report.lineChart({ series: [] }));
  check(report.barChart({ categories: [], series: [] }));
  check(report.scatterChart({ series: [] }));
  check(report.heatmap({ matrix: [] }));
  check(report.reliabilityDiagram({ bins: [] }));
  check(report.imageGrid({ images: [] }));
});
