/**
 * Figures, tables and notebook display. In a notebook, wherever it lives (notebooks/, analysis/):
 * `import { ... } from './src/report/index'`. The tslab kernel runs in the project root, so imports are written from
 * there, and tslab needs the file name: `./src/report` type-checks but fails at run time, and `../src/report/index`
 * points outside the project. Scripts and tests import it by their own relative path.
 * Kept apart from src/index.ts so the library's CLI and tests do not load danfo, tslab or playwright.
 */
export {
  AXIS, PALETTE, PAPER_LEGEND, meanStd, partialBand, roundForDisplay, axisTitle, colorScale, withAlpha, lineBandFigure, metricPanels, trainingFigure,
  episodeFigure, payoffMatrixFigure, zdRelationFigure, groupedBarFigure,
} from './figures';
export type {
  AxisName, Band, BandSeries, Dash, PartialBand, PaperRow, XSpan, Curve, Figure, Layout, LineBandSpec, MetricFigureSpec, MetricSeries, Panel,
  PaperMetricOverlay, PaperOverlay, PayoffValues, ReferenceLine, Trace, ZdPoint,
} from './figures';
export { dfd, DataFrame, Series, concat, merge, toFrame, frameRecords, parseCsv, readCsvFrame } from './frames';
export type { Cell, TableRecord } from './frames';
export {
  figureMode, FIGURE_MODES, PLOTLY_MIME, figureTitle, plotlyMimeBundle, displayBundle, inKernel, plotlyBundlePath, plotlyBundleHtml, figureHtml, standaloneHtml, CHROMIUM_FLAGS, renderPng,
  closeFigureRenderer, exportFigure, loadPlotly, showFigure, frameHtml, showFrame, progressFields, progressPosition,
  showProgress,
} from './display';
export type { FigureMode, PngOptions, ProgressDisplay, ProgressReport } from './display';
export { notebookSettings } from './settings';
export type { NotebookSettings } from './settings';
export {
  extortioner, namedStrategies, strategyRecords, pairRecords, horizonSeries, bestResponseRecords, POOL_NAME, roundRobinRecords, zdRelation, exactCeilings,
  ceilingLines, ceilingRecords,
} from './game-tables';
export type { Ceilings, ExactOptions, NamedPolicy } from './game-tables';
export {
  findRuns, evaluationUnits, loadRecords, loadRuns, trainingCurves, episodeCurves, metricSeries, finalDir, formatSeeds,
  displayPath, describeRuns, produceCommand, runsSource, runsNote, SCALE_ORDER, FALLBACK_PRESET, scalesAscending, largestPreset,
  resolvePreset, runQuery, presetsOf,
} from './results';
export type { RunQuery, TableQuery, RunSet, SeedCurves, CurveSelection, RunDescription, PresetChoice } from './results';
export {
  PAPER_CURVES, PAPER_VALUES, PAPER_TRAINING_LENGTH, PAPER_SNAPSHOT, paperValue, paperCurves,
} from './paper-values';
export type { PaperTag, PaperFigureId, EvaluationPoint, PaperCurve, PaperValue } from './paper-values';
export { ourValue, compareWithPaper, paperValueRuns, SURPLUS_NOISE, fairness, withFairness } from './comparison';
export type { OurValue, ComparisonRecord } from './comparison';
export {
  SMOKE_OVERRIDES, LOAD_PRESET, trainSeeds, notebookResults, algoAvailable, notebookOverrides, withDependencies, prepareRuns,
} from './notebook-results';
export type { NotebookResults, WantedRun } from './notebook-results';
export {
  algoLabel, ceilings, trainingPaperFigure, episodePaperFigure, bestResponseToTftSeries, stepOneTrainingFigure,
  stepOneEpisodeFigure, stepTwoTrainingFigure, stepTwoEpisodeFigure, stepThreeTrainingFigure, stepThreeEpisodeFigure,
  mixedPoolFigure, snapshotEpisodeFigure, showPaperFigure, study, skipReason,
} from './paper-figures';
export type { ResultsSource, PaperFigure, SeriesSpec } from './paper-figures';
export { loadPpiModel, inspectPpi, improvedUnderBeta, betaRecords, equilibriumRecords, stretchRecords, horizonRecords, ppiModelActor, ppiInsideFigure, ppiLossFigure } from './ppi-inside';
export type { PpiModelView, PpiInsideTrace } from './ppi-inside';
export { CLAIMS, showVerdicts, verdictRows, verdictHtml, verdictText, measure, measureProbe, evidenceText } from './verdicts';
export type { Claim, Evidence, Probe, Measured, VerdictRow } from './verdicts';
