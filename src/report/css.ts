// The report's stylesheet, inlined into report.html: readable from phone to laptop widths, no web
// fonts (the system's sans-serif), and figure panels that wrap instead of shrinking on small screens.

/** The inline CSS of report.html. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #5b5b60; --line: #dcdce0; --soft: #f5f6f8; --accent: #1f5f99; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; color: var(--fg); background: #fff; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header, main, footer { max-width: 76rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; border-bottom: 1px solid var(--line); }
h1 { font-size: clamp(1.45rem, 4.2vw, 2.1rem); line-height: 1.2; margin: 0 0 .4rem; overflow-wrap: anywhere; }
h2 { font-size: clamp(1.2rem, 3vw, 1.5rem); margin: 2.2rem 0 .6rem; padding-top: .4rem; border-top: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p, li { max-width: 46rem; }
.meta { color: var(--muted); margin: 0 0 .8rem; overflow-wrap: anywhere; }
nav ul { display: flex; flex-wrap: wrap; gap: .2rem 1.1rem; list-style: none; padding: 0; margin: .6rem 0 1rem; }
nav a, a { color: var(--accent); }
.formula { font-family: "DejaVu Serif", Georgia, serif; background: var(--soft); padding: .5rem .8rem; border-radius: 4px; display: inline-block; max-width: 100%; overflow-x: auto; }
.refs { font-size: .9rem; color: var(--muted); }
.findings li { margin: .3rem 0; }
.warning { border-left: 4px solid #b3261e; background: #fdecea; padding: .5rem .9rem; margin: 0 0 1rem; }
.warning ul { margin: .3rem 0 0; padding-left: 1.2rem; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: .6rem 0 1.2rem; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .92rem; }
caption { text-align: left; color: var(--muted); padding-bottom: .3rem; }
th, td { padding: .35rem .7rem; border-bottom: 1px solid var(--line); white-space: nowrap; text-align: left; }
thead th { border-bottom: 2px solid #b8b8c0; }
.num { text-align: right; }
figure.figure { margin: 1.2rem 0 2rem; }
.panels { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-start; }
.panel-row + .panel-row { margin-top: .5rem; }
.panels > svg { display: block; height: auto; flex: 1 1 var(--basis); max-width: var(--w); min-width: 0; }
figcaption { color: var(--muted); font-size: .92rem; margin-top: .5rem; max-width: 46rem; }
figcaption b { color: var(--fg); }
pre.config { background: var(--soft); padding: .8rem 1rem; border-radius: 4px; overflow-x: auto; font-size: .82rem; line-height: 1.45; }
footer { color: var(--muted); font-size: .85rem; padding: 2rem 1rem; }
@media (max-width: 600px) {
  body { font-size: 15px; }
  th, td { padding: .3rem .45rem; }
}
@media print {
  nav { display: none; }
  figure.figure { break-inside: avoid; }
}
`;
