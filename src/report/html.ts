// The self-contained report.html: explanation, findings, tables, figures and config in one file with
// inline CSS and inline SVG, no scripts, and a Content-Security-Policy that forbids every network
// fetch, so it opens the same offline, from an e-mail attachment or a CI artifact.
import { REPORT_CSS } from './css.js';
import type { ReportData } from './data.js';
import { distillationSection } from './distillation.js';
import { escapeHtml } from './escape.js';
import { reportFigures, type ReportFigure } from './figures.js';
import { describeResults } from './narrative.js';
import { flagWarnings } from './results.js';
import { runsTable, summaryTable, toHtmlTable } from './tables.js';

/** The Content-Security-Policy of the report: inline styles and data: images only, nothing fetched. */
export const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/** Serializes the config for display; bigints become strings so any runner config can be shown. */
export function configJson(config: unknown): string {
  return JSON.stringify(config, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2) ?? 'null';
}

function explanation(data: ReportData): string {
  const c = data.dataset.classNames.length;
  const conv = data.smoothing.convention === 'others'
    ? '<p>This study uses the <em>others</em> convention: the true class keeps 1 − ε and each other class gets ε/(C − 1).</p>'
    : '<p>This study uses the <em>uniform</em> convention, as PyTorch’s <code>label_smoothing</code> does.</p>';
  return `<section id="about"><h2>What label smoothing does</h2>
<p>A classifier trained with cross-entropy on one-hot targets is pushed to make the logit of the true class infinitely larger than the others: its predictions become ever more confident, also on examples it gets wrong. Label smoothing (Szegedy et al., 2016) trains on a softened target instead, mixing the one-hot vector with the uniform distribution over the C classes:</p>
<p class="formula">target = (1 − ε) · onehot(y) + ε / C${c ? ` &nbsp;(here C = ${c})` : ''}</p>
${conv}
<p>The loss can then no longer reach zero (its floor is the entropy of the smoothed target, marked on the loss curves), and the network is rewarded for keeping a finite gap between the correct and the incorrect logits. Müller, Kornblith and Hinton (2019) showed what that does: less over-confidence and better calibration (confidence closer to accuracy, measured here by the expected calibration error, ECE), tighter and evenly spaced class clusters in the penultimate layer, and some robustness to noisy labels, though at the cost of information that knowledge distillation would use. Temperature scaling (Guo et al., 2017), dividing the logits by one fitted scalar, is the usual post-hoc alternative; the tables show both.</p>
<p class="refs">Szegedy, Vanhoucke, Ioffe, Shlens and Wojna. <em>Rethinking the Inception Architecture for Computer Vision.</em> CVPR 2016 (arXiv:1512.00567).<br>
Müller, Kornblith and Hinton. <em>When Does Label Smoothing Help?</em> NeurIPS 2019 (arXiv:1906.02629).<br>
Guo, Pleiss, Sun and Weinberger. <em>On Calibration of Modern Neural Networks.</em> ICML 2017 (arXiv:1706.04599).</p>
</section>`;
}

const channels = (v: number[]) => v.map((x) => x.toFixed(4)).join(', ');

// Where σ comes from: the training images here; the notebook takes it from the validation images.
function standardizationNote(data: ReportData): string {
  const s = data.standardization;
  if (!s) return '';
  const notebook = s.stdValidation ? ` The notebook computes σ on the validation set instead (a bug: the test images must not shape training); that σ would be (${channels(s.stdValidation)}).` : '';
  return `<p>Standardization per channel, on the [0, 1] pixel scale: mean (${channels(s.mean)}) and σ (${channels(s.std)}), both from the training set.${escapeHtml(notebook)}</p>`;
}

function figureHtml(fig: ReportFigure, index: number): string {
  const rows = fig.rows.map((row) => `<div class="panels panel-row">${row.map((p) => {
    // Panels wrap below each other when the screen is narrower than about 3/4 of their natural width.
    const style = `--w:${p.width}px;--basis:${Math.round(p.width * 0.75)}px`;
    return p.svg.replace(/^<svg /, `<svg style="${style}" `);
  }).join('')}</div>`).join('\n');
  return `<figure class="figure" id="fig-${escapeHtml(fig.name)}" data-figure="${escapeHtml(fig.name)}">
${rows}
<figcaption><b>Figure ${index + 1}. ${escapeHtml(fig.title)}.</b> ${escapeHtml(fig.caption)}</figcaption>
</figure>`;
}

/** Renders the whole study report as one self-contained HTML document (`figures` defaults to `reportFigures(data)`). */
export function renderReport(data: ReportData, figures: ReportFigure[] = reportFigures(data)): string {
  const findings = describeResults(data);
  const warnings = flagWarnings(data.results);
  const seeds = new Set(data.results.map((r) => r.seed)).size;
  const meta = [
    `dataset ${data.dataset.name}`,
    `ε ∈ {${data.smoothing.epsilons.join(', ')}}`,
    `${data.runs.length} run${data.runs.length === 1 ? '' : 's'}`,
    seeds > 0 ? `${seeds} seed${seeds === 1 ? '' : 's'}` : '',
    data.smoothing.labelNoise ? `label noise ${data.smoothing.labelNoise}` : '',
    data.createdAt ? `finished ${data.createdAt}` : '',
  ].filter(Boolean).map(escapeHtml).join(' · ');
  const bins = data.calibration?.[0]?.bins.length;
  const results = data.results.length
    ? `<h3>Per ε (mean ± sample standard deviation over seeds)</h3>
<div class="table-wrap">${toHtmlTable(summaryTable(data.results))}</div>
<h3>Per run</h3>
<div class="table-wrap">${toHtmlTable(runsTable(data.results))}</div>
<p class="refs">Accuracy, NLL (nats per example) and ECE${bins ? ` (${bins} confidence bins)` : ''} on the test set; TS: after temperature scaling, with the temperature fitted by two-fold cross-fitting on the test set (each half scaled by the temperature fitted on the other half; the table shows the geometric mean of the two).</p>`
    : '<p>No results yet.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="generator" content="smoothlab">
<title>${escapeHtml(data.title)} · label smoothing report</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>Label smoothing study: ${escapeHtml(data.title)}</h1>
<p class="meta">${meta}</p>
${warnings.length ? `<div class="warning" role="alert"><b>Warning.</b><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></div>` : ''}
<nav aria-label="sections"><ul>
<li><a href="#about">What label smoothing does</a></li>
<li><a href="#findings">What this run shows</a></li>
<li><a href="#results">Results</a></li>
${data.distillation ? '<li><a href="#distillation">Distillation</a></li>\n' : ''}<li><a href="#figures">Figures</a></li>
<li><a href="#config">Configuration</a></li>
</ul></nav>
</header>
<main>
${explanation(data)}
<section id="findings"><h2>What this run shows</h2>
<ul class="findings">
${findings.map((f) => `<li>${escapeHtml(f)}</li>`).join('\n')}
</ul>
</section>
<section id="results"><h2>Results</h2>
${results}
</section>
${data.distillation ? `${distillationSection(data.distillation)}\n` : ''}<section id="figures"><h2>Figures</h2>
${figures.map(figureHtml).join('\n')}
</section>
<section id="config"><h2>Configuration</h2>
${standardizationNote(data)}
<pre class="config">${escapeHtml(configJson(data.config))}</pre>
</section>
</main>
<footer>Generated by smoothlab. Every figure is also in figures/ as SVG and PNG; the tables are in results.json, results.csv, runs.csv and results.md.</footer>
</body>
</html>
`;
}
