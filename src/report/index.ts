// smoothlab/report: SVG charts, PNG export, results tables and the self-contained HTML report of the
// label-smoothing study. Plain arrays in, markup out: no tensors, no native addon.
export type { ReportData, RunHistory, RunCalibration, RunConfusion, SampleImage, LabelCounts, PenultimateProjection } from './data.js';
export { renderReport, configJson, REPORT_CSP } from './html.js';
export { writeReport, writeFileAtomic, type WriteReportOptions, type WrittenReport } from './write.js';
export { reportFigures, firstPerEpsilon, samplesFigure, labelHistogramFigure, labelMatricesPanels, trainingCurvesPanels, reliabilityPanels, epsilonPanels, confusionPanels, penultimatePanels, type ReportFigure } from './figures.js';
export { describeResults, distinguishable } from './narrative.js';
export { NOTEBOOK_LABELS, NOTEBOOK_IMAGE_INDEX, exampleLabels, notebookLabelPanels, oneImageAugmentationsFigure } from './notebook_figures.js';
export { stringifyReportData, parseReportData } from './data_file.js';
export { projectOntoTemplates, type Activations } from './projection.js';
export { summarizeResults, meanSpread, runFlags, flagWarnings, FLAG_TEXT, METRICS, type ResultRow, type RunFlag, type SummaryRow, type Stat } from './results.js';
export { toJson, toCsv, toMarkdown, toHtmlTable, formatCell, formatFixed, runsTable, summaryTable, resultFiles, type Table, type TableColumn, type CellValue } from './tables.js';
export { smoothedTarget, labelMatrix, smoothingLossFloor, type SmoothingConvention } from './smoothing.js';
export { lineChart, type LineChartOptions, type LineSeries, type HorizontalLine } from './line.js';
export { barChart, type BarChartOptions, type BarSeries } from './bar.js';
export { heatmap, colorBar, type HeatmapOptions } from './heatmap.js';
export { reliabilityDiagram, percent, type ReliabilityBin, type ReliabilityOptions } from './reliability.js';
export { scatterChart, type ScatterOptions, type ScatterSeries, type ScatterPoint } from './scatter.js';
export { imageGrid, pngDataUri, type GridImage, type ImageGridOptions } from './image-grid.js';
export { composeFigures, composeRows, type ComposeOptions } from './compose.js';
export { legend, legendFigure, legendSize, type LegendItem } from './legend.js';
export { svgToPng, svgToRgba, systemSansFamily, type PngOptions } from './raster.js';
export { linearScale, niceTicks, niceDomain, tickStep, extent, formatTick, type LinearScale } from './scale.js';
export { PALETTE, categoryColor, viridis, textColorOn } from './colors.js';
export { makeFigure, el, text, num, textWidth, fitText, THEME, type Figure } from './svg.js';
export { escapeHtml } from './escape.js';
