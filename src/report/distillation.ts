// The report's distillation section (Müller, Kornblith & Hinton 2019, section 4): students trained
// from each teacher of the study at each temperature T, their test accuracy against the teacher's ε
// and T, and sentences that call a difference only when it stands out of the spread over seeds.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseState } from '../utils/state_json.js';
import { escapeHtml } from './escape.js';
import { points, verdict } from './narrative.js';
import { type RunFlag, type Stat, meanSpread } from './results.js';
import { type Table, toHtmlTable } from './tables.js';

/** A study run used as a teacher. */
export interface TeacherRow {
  run: string;
  epsilon: number;
  /** The study's loss: per-epsilon label smoothing, plain cross-entropy or online label smoothing. */
  loss: 'ls' | 'ce' | 'ols';
  seed: number;
  /** The teacher's own test accuracy (0..1). */
  accuracy: number;
}

/** One trained student's test metrics; fractions in [0, 1], NLL in nats per example. */
export interface StudentRow {
  run: string;
  teacher: string;
  teacherEpsilon: number;
  teacherLoss: TeacherRow['loss'];
  seed: number;
  /** The distillation temperature T. */
  temperature: number;
  beta: number;
  accuracy: number;
  nll: number;
  ece: number;
  flags?: RunFlag[];
}

/** What `smoothlab distill` wrote into RUN_DIR/distill/distill.json and the report shows. */
export interface DistillationReport {
  beta: number;
  epochs: number;
  studentModel: string;
  checkpoint: 'last' | 'best';
  teachers: TeacherRow[];
  students: StudentRow[];
}

/** The file of a study folder that holds the distillation results. */
export const DISTILL_FILE = join('distill', 'distill.json');

/** Reads DIR/distill/distill.json, or undefined when no distillation ran in DIR. */
export function readDistillation(dir: string): DistillationReport | undefined {
  const path = join(dir, DISTILL_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return parseState(readFileSync(path, 'utf8')) as DistillationReport;
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); run smoothlab distill again to rewrite it`);
  }
}

/** How a teacher reads: its ε, or OLS (online label smoothing learns its soft labels). */
export function teacherLabel(loss: TeacherRow['loss'], epsilon: number): string {
  return loss === 'ols' ? 'OLS' : `ε=${epsilon}`;
}

/** Students of one teacher setting at one temperature, summarized over seeds. */
export interface StudentSummary {
  teacher: string;
  teacherEpsilon: number;
  teacherLoss: TeacherRow['loss'];
  temperature: number;
  accuracy: Stat;
  ece: Stat;
  teacherAccuracy: Stat;
}

/** Groups students by (teacher setting, T), sorted by teacher ε then T, with mean and spread over seeds. */
export function summarizeStudents(report: DistillationReport): StudentSummary[] {
  const groups = new Map<string, StudentRow[]>();
  for (const s of report.students) {
    const key = `${teacherLabel(s.teacherLoss, s.teacherEpsilon)}|${s.temperature}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const accuracyOf = new Map(report.teachers.map((t) => [t.run, t.accuracy]));
  return [...groups.values()].map((g) => ({
    teacher: teacherLabel(g[0].teacherLoss, g[0].teacherEpsilon), teacherEpsilon: g[0].teacherEpsilon, teacherLoss: g[0].teacherLoss, temperature: g[0].temperature,
    accuracy: meanSpread(g.map((s) => s.accuracy)), ece: meanSpread(g.map((s) => s.ece)),
    teacherAccuracy: meanSpread([...new Set(g.map((s) => s.teacher))].map((run) => accuracyOf.get(run) ?? NaN)),
  })).sort((a, b) => Number(a.teacherLoss === 'ols') - Number(b.teacherLoss === 'ols') || a.teacherEpsilon - b.teacherEpsilon || a.temperature - b.temperature);
}

/** The students' accuracy table: one row per teacher setting, one column per T (mean ± sd over seeds). */
export function studentsTable(report: DistillationReport): Table {
  const summary = summarizeStudents(report);
  const temperatures = [...new Set(summary.map((s) => s.temperature))].sort((a, b) => a - b);
  const columns = [
    { key: 'teacher', header: 'teacher', format: 'text' as const },
    { key: 'teacherAccuracy', header: 'teacher accuracy (%)', format: 'percent' as const, spreadKey: 'teacherAccuracySd' },
    ...temperatures.map((t, i) => ({ key: `t${i}`, header: `student, T=${t} (%)`, format: 'percent' as const, spreadKey: `t${i}Sd` })),
  ];
  const rows = [...new Set(summary.map((s) => s.teacher))].map((teacher) => {
    const mine = summary.filter((s) => s.teacher === teacher);
    const row: Record<string, string | number | null> = { teacher, teacherAccuracy: mine[0].teacherAccuracy.mean, teacherAccuracySd: mine[0].teacherAccuracy.spread };
    temperatures.forEach((t, i) => {
      const cell = mine.find((s) => s.temperature === t);
      row[`t${i}`] = cell?.accuracy.mean ?? null;
      row[`t${i}Sd`] = cell?.accuracy.spread ?? null;
    });
    return row;
  });
  return { columns, rows };
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const withSpread = (s: Stat) => (Number.isFinite(s.spread) ? `${pct(s.mean)} ± ${pct(s.spread)}` : pct(s.mean));

/** Sentences on the students: per T, each smoothed teacher's students against the ε=0 teacher's. */
export function describeDistillation(report: DistillationReport): string[] {
  const summary = summarizeStudents(report);
  if (summary.length === 0) return ['No student has finished yet.'];
  const seeds = new Set(report.students.map((s) => s.seed)).size;
  const out = [`${report.students.length} student${report.students.length === 1 ? '' : 's'} (${report.studentModel}, ${report.epochs} epoch${report.epochs === 1 ? '' : 's'}, β=${report.beta}, teachers' ${report.checkpoint} checkpoints) from ${report.teachers.length} teacher run${report.teachers.length === 1 ? '' : 's'}, ${seeds} seed${seeds === 1 ? '' : 's'} per setting.`];
  const isPlain = (s: StudentSummary) => s.teacherLoss !== 'ols' && s.teacherEpsilon === 0;
  for (const t of [...new Set(summary.map((s) => s.temperature))]) {
    const base = summary.find((s) => s.temperature === t && isPlain(s));
    const smoothed = summary.filter((s) => s.temperature === t && !isPlain(s));
    if (!base || smoothed.length === 0) {
      out.push(`At T=${t}: ${summary.filter((s) => s.temperature === t).map((s) => `students of the ${s.teacher} teacher reached ${withSpread(s.accuracy)}`).join('; ')}. No ${base ? 'smoothed' : 'ε=0'} teacher to compare with.`);
      continue;
    }
    for (const s of smoothed) {
      out.push(`At T=${t}, students of the ${s.teacher} teacher reached ${withSpread(s.accuracy)} against ${withSpread(base.accuracy)} from the ε=0 teacher: ${verdict(base.accuracy, s.accuracy, 'worse', 'better', points, 'from the smoothed teacher')}.`);
    }
  }
  const flagged = report.students.filter((s) => s.flags?.length);
  if (flagged.length) out.push(`${flagged.length} student${flagged.length === 1 ? ' is' : 's are'} at chance accuracy or diverged (${flagged.map((s) => s.run).join(', ')}): ${flagged.length === 1 ? 'its' : 'their'} numbers say nothing about distillation (train teachers and students longer, on more images).`);
  out.push('Müller et al. (2019, section 4) found that a teacher trained with label smoothing, even when it is the more accurate one, makes a worse teacher: smoothing erases the information about how alike classes are that the soft term passes on.');
  if (seeds === 1) out.push('Each setting has a single seed, so no difference above can be told from seed noise. Run the study with more seeds (--seeds 3) before distilling.');
  return out;
}

/** The report's distillation section as HTML. */
export function distillationSection(report: DistillationReport): string {
  return `<section id="distillation"><h2>Distillation</h2>
<p>Each finished run of this study taught students of the same size: the student minimizes (1 − β) · cross-entropy with the labels + β · T² · KL(teacher<sub>T</sub> ‖ student<sub>T</sub>), where <sub>T</sub> is the softmax at temperature T, on the same augmented batches the teacher sees (Hinton, Vinyals and Dean 2015; Müller, Kornblith and Hinton 2019, section 4).</p>
<ul class="findings">
${describeDistillation(report).map((f) => `<li>${escapeHtml(f)}</li>`).join('\n')}
</ul>
<div class="table-wrap">${toHtmlTable(studentsTable(report))}</div>
<p class="refs">Test accuracy, mean ± sample standard deviation over seeds. Hinton, Vinyals and Dean. <em>Distilling the Knowledge in a Neural Network.</em> arXiv:1503.02531 (2015).</p>
</section>`;
}
