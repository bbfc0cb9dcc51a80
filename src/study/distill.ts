// `smoothlab distill` (Müller, Kornblith & Hinton 2019, section 4): every finished run of a study
// teaches one student per temperature T, trained with the study's recipe (data, augmentation,
// AdamW + OneCycleLR, epochs, --precision) on the same augmented batches the teacher sees, and
// evaluated as the study evaluates its runs. Students go to RUN_DIR/distill/runs/TEACHER-T<T>/; finished ones are
// kept, so re-running the same command after Ctrl-C resumes. The study folder is locked meanwhile.
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DataLoader } from '../data/dataloader.js';
import { deriveSeed } from '../data/generator.js';
import { MulticlassAccuracy } from '../metrics/accuracy.js';
import { AdamW } from '../optim/adamw.js';
import { OneCycleLR } from '../optim/lr_scheduler/one_cycle.js';
import { GradScaler } from '../torch/amp/grad_scaler.js';
import { parseReportData } from '../report/data_file.js';
import { DISTILL_FILE, type DistillationReport, type StudentRow, type TeacherRow } from '../report/distillation.js';
import { writeFileAtomic, writeReport } from '../report/write.js';
import type { Device } from '../torch/dtype.js';
import { dispose } from '../torch/memory.js';
import { manualSeed } from '../torch/random.js';
import { setNumThreads } from '../torch/runtime.js';
import { load } from '../torch/serialization.js';
import type { Tensor } from '../torch/tensor.js';
import { loadCheckpoint } from '../train/checkpoint.js';
import { fit } from '../train/fit.js';
import { stringifyState } from '../utils/state_json.js';
import type { ChannelStats } from '../vision/datasets/stats.js';
import type { ImageClassificationDataset } from '../vision/datasets/types.js';
import type { StudyConfig } from './config.js';
import { evalLoader, loadSplits, loaderOptions, standardization, trainTransform, withLabelNoise } from './data.js';
import { resolveDevice } from './device.js';
import { DISTILL_FREE_ON_RESUME, type DistillConfig, validateDistillConfig } from './distill_schema.js';
import { type FeatureModel, type RunEvaluation, evaluateRun } from './evaluate_run.js';
import { readFinishedRun } from './finished_run.js';
import { lockRunFolder } from './lock.js';
import { buildModel, freezeBackbone } from './model.js';
import { type StudyPrecision, resolvePrecision } from './precision.js';
import { readJson } from './read_json.js';
import { StudentWithTeacher } from './student.js';

/** A distillation that cannot start: no study folder, or no finished teacher in it. */
export class DistillRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DistillRefusal';
  }
}

/** How a distillation reports progress and can be stopped. */
export interface DistillOptions {
  quiet?: boolean;
  /** Aborting stops after the current step; the student's checkpoint is kept. */
  signal?: AbortSignal;
  print?: (line: string) => void;
}

/** What a distillation produced. */
export interface DistillOutcome {
  completed: boolean;
  report?: DistillationReport;
  reportPath?: string;
}

/** A teacher run of the study folder, with what its evaluation.json says. */
interface Teacher extends TeacherRow {
  dir: string;
}

/** The finished runs of study folder `dir` (evaluation.json and the checkpoint), by seed then ε; refuses a folder that is no study or has none. */
export function findTeachers(dir: string, checkpoint: 'last' | 'best'): { study: StudyConfig; teachers: Teacher[] } {
  if (!existsSync(dir)) throw new DistillRefusal(`${dir} does not exist`);
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new DistillRefusal(`${dir} is not a study folder (no config.json): train teachers first with smoothlab study --out ${dir}`);
  const study = (readJson(configPath, 'delete the study folder to start over') as { config: StudyConfig }).config;
  const runs = join(dir, 'runs');
  const teachers = (existsSync(runs) ? readdirSync(runs) : [])
    .filter((run) => existsSync(join(runs, run, 'evaluation.json')) && existsSync(join(runs, run, `${checkpoint}.safetensors`)))
    .map((run): Teacher => {
      const { history, evaluation } = readFinishedRun(join(runs, run, 'evaluation.json'));
      return { run, dir: join(runs, run), epsilon: history.epsilon, loss: study.loss ?? 'ls', seed: history.seed, accuracy: evaluation.result.accuracy };
    })
    .sort((a, b) => a.seed - b.seed || a.epsilon - b.epsilon);
  if (teachers.length === 0) throw new DistillRefusal(`${dir} holds no finished teacher runs (runs/*/evaluation.json with ${checkpoint}.safetensors): let its study finish first`);
  return { study, teachers };
}

// The students' recipe: the study's, with the architecture and epochs the distillation asks for.
function studentRecipe(study: StudyConfig, config: DistillConfig): StudyConfig {
  const epochs = config.epochs ?? study.epochs;
  if (config.studentModel === undefined || config.studentModel === study.model) return { ...study, epochs };
  // Another architecture starts fresh: the teacher's pretrained weights would not fit it.
  return { ...study, epochs, model: config.studentModel, pretrained: undefined, freezeBackbone: false, stem: config.studentModel === 'coursenet' ? 'imagenet' : study.stem };
}

// The study's --precision on the students' device (no precision in its config.json means fp32);
// refused, naming the study's choice, where that device cannot run it.
function studentPrecision(study: StudyConfig, device: Device): StudyPrecision {
  const precision = study.precision ?? 'fp32';
  try {
    return resolvePrecision(precision, device);
  } catch (error) {
    throw new DistillRefusal(`the students train in their study's precision, ${precision}, which ${device} cannot run: ${(error as Error).message}`);
  }
}

// Refuses a distill folder whose trained students came from another β, epochs, architecture or checkpoint.
function checkDistillFolder(dir: string, config: DistillConfig): void {
  const path = join(dir, 'config.json');
  const runs = join(dir, 'runs');
  if (!existsSync(path) || !existsSync(runs) || !readdirSync(runs).some((r) => existsSync(join(runs, r, 'last.safetensors')) || existsSync(join(runs, r, 'evaluation.json')))) return;
  const essence = (c: DistillConfig) => JSON.stringify(Object.entries(c).filter(([k, v]) => v !== undefined && !DISTILL_FREE_ON_RESUME.includes(k as never)).sort());
  const saved = (readJson(path, 'delete the distill folder to start over') as { distill: DistillConfig }).distill;
  if (essence(saved) !== essence(config)) throw new DistillRefusal(`${dir} holds students of another distillation (see ${path}); delete that folder to distill again`);
}

function teacherWeights(teacher: Teacher, checkpoint: 'last' | 'best'): Record<string, Tensor> {
  const path = join(teacher.dir, `${checkpoint}.safetensors`);
  if (checkpoint === 'best') return load(path) as Record<string, Tensor>;
  const ckpt = loadCheckpoint(path);
  const { model, ...rest } = ckpt;
  dispose(rest);
  return model as Record<string, Tensor>;
}

/** One student as kept in its folder (distill/runs/NAME/evaluation.json). */
interface FinishedStudent {
  student: StudentRow;
  evaluation: RunEvaluation;
}

interface Context {
  study: StudyConfig;
  recipe: StudyConfig;
  config: DistillConfig;
  device: Device;
  /** The study's precision on the students' device: students train and are evaluated as their teachers were. */
  precision: StudyPrecision;
  train: ImageClassificationDataset;
  test: ImageClassificationDataset;
  stats: ChannelStats;
  outDir: string;
}

async function trainStudent(ctx: Context, teacherModel: FeatureModel, teacher: Teacher, temperature: number, options: DistillOptions): Promise<FinishedStudent | null> {
  const { recipe, config, device, precision, train, test, stats } = ctx;
  const name = `${teacher.run}-T${temperature}`;
  const runDir = join(ctx.outDir, 'runs', name);
  const numClasses = train.classes.length;
  // Every student of one seed starts from the same weights, whatever its teacher and T.
  manualSeed(deriveSeed(teacher.seed, 2));
  const student = buildModel(recipe, numClasses, train.channels).to(device);
  const pair = new StudentWithTeacher(student, teacherModel);
  const common = loaderOptions(recipe, device);
  // The teacher's shuffle seed: the student sees the batches in the teacher's order.
  const trainLoader = new DataLoader({ ...common, dataset: train, batchSize: recipe.batchSize, shuffle: true, dropLast: recipe.dropLast, seed: deriveSeed(teacher.seed, 1), transform: trainTransform(recipe, stats) });
  const testLoader = evalLoader(recipe, device, test, stats);
  const optimizer = new AdamW(recipe.freezeBackbone ? freezeBackbone(student) : student.parameters(), { lr: recipe.lr, betas: recipe.betas, weightDecay: recipe.weightDecay });
  const scheduler = recipe.schedule === 'epoch'
    ? new OneCycleLR(optimizer, { maxLr: recipe.maxLr, totalSteps: recipe.epochs })
    : new OneCycleLR(optimizer, { maxLr: recipe.maxLr, epochs: recipe.epochs, stepsPerEpoch: trainLoader.length });
  const { autocast } = precision;
  const scaler = precision.gradScaler ? new GradScaler() : undefined;
  try {
    options.print?.(`\n== ${name}: student of ${teacher.run} at T=${temperature}, β=${config.beta}, ${recipe.epochs} epoch${recipe.epochs === 1 ? '' : 's'}`);
    const { completed } = await fit({
      model: pair, trainLoader, valLoader: testLoader, optimizer, scheduler, schedulerStep: recipe.schedule, epochs: recipe.epochs,
      lossFn: pair.lossFn(temperature, config.beta), metric: new MulticlassAccuracy({ numClasses, average: 'micro' }), device, autocast, scaler,
      checkpointDir: runDir, resume: true, signal: options.signal, quiet: options.quiet,
    });
    if (!completed || options.signal?.aborted) return null;
    const evaluation = await evaluateRun(student, testLoader, { run: name, epsilon: teacher.epsilon, seed: teacher.seed, labelNoise: ctx.study.labelNoise }, numClasses, { device, autocast });
    const r = evaluation.result;
    const row: StudentRow = {
      run: name, teacher: teacher.run, teacherEpsilon: teacher.epsilon, teacherLoss: teacher.loss, seed: teacher.seed, temperature, beta: config.beta,
      accuracy: r.accuracy, nll: r.nll, ece: r.ece, ...(r.flags ? { flags: r.flags } : {}),
    };
    const finished = { student: row, evaluation };
    writeFileAtomic(join(runDir, 'evaluation.json'), stringifyState(finished));
    return finished;
  } finally {
    await Promise.all([trainLoader.close(), testLoader.close()]);
    optimizer.dispose();
    scaler?.dispose();
    student.dispose();
  }
}

/** Trains and evaluates every student of the study folder `config.teachers`, then rewrites its report with the distillation section. */
export async function runDistill(config: DistillConfig, options: DistillOptions = {}): Promise<DistillOutcome> {
  validateDistillConfig(config);
  const print = options.print ?? ((line: string) => console.log(line));
  const dir = config.teachers;
  const { study, teachers } = findTeachers(dir, config.checkpoint);
  const recipe = { ...studentRecipe(study, config), workers: config.workers ?? study.workers, device: config.device ?? study.device, threads: config.threads ?? study.threads };
  const device = resolveDevice(recipe.device);
  const precision = studentPrecision(study, device);
  const lock = lockRunFolder(dir);
  try {
    const outDir = join(dir, 'distill');
    checkDistillFolder(outDir, config);
    setNumThreads(recipe.threads > 0 ? recipe.threads : availableParallelism());
    const splits = await loadSplits(study);
    const stats = standardization(splits.train);
    mkdirSync(outDir, { recursive: true });
    writeFileAtomic(join(outDir, 'config.json'), `${JSON.stringify({ distill: config, study: study.name, recipe, startedAt: new Date().toISOString() }, null, 2)}\n`);
    print(`smoothlab distill: ${teachers.length} teachers of '${study.name}' x T ∈ {${config.temperatures.join(', ')}}, β=${config.beta}, ${recipe.model} students on ${device} -> ${outDir}`);
    const students: StudentRow[] = [];
    for (const teacher of teachers) {
      const train = withLabelNoise(splits.train, study.labelNoise, teacher.seed);
      let teacherModel: FeatureModel | null = null;
      try {
        for (const temperature of config.temperatures) {
          const kept = join(outDir, 'runs', `${teacher.run}-T${temperature}`, 'evaluation.json');
          if (existsSync(kept)) {
            print(`== ${teacher.run}-T${temperature}: finished earlier, kept`);
            students.push((readJson(kept, 'delete it and run the same command again') as FinishedStudent).student);
            continue;
          }
          if (teacherModel === null) {
            teacherModel = buildModel({ ...study, pretrained: undefined }, train.classes.length, train.channels);
            const weights = teacherWeights(teacher, config.checkpoint);
            try {
              teacherModel.loadStateDict(weights);
            } finally {
              dispose(weights);
            }
            teacherModel.to(device);
          }
          const finished = await trainStudent({ study, recipe, config, device, precision, train, test: splits.test, stats, outDir }, teacherModel, teacher, temperature, { ...options, print });
          if (finished === null) {
            print(`\nstopped after the current step, checkpointed in ${outDir}; run the same command again to continue from there.`);
            return { completed: false };
          }
          students.push(finished.student);
        }
      } finally {
        teacherModel?.dispose();
      }
    }
    const report: DistillationReport = {
      beta: config.beta, epochs: recipe.epochs, studentModel: recipe.model, checkpoint: config.checkpoint,
      teachers: teachers.map(({ dir: _dir, ...row }) => row), students,
    };
    writeFileAtomic(join(dir, DISTILL_FILE), stringifyState(report));
    const dataPath = join(dir, 'report-data.json');
    if (!existsSync(dataPath)) return { completed: true, report };
    const written = await writeReport(dir, { ...parseReportData(readFileSync(dataPath, 'utf8')), distillation: report });
    return { completed: true, report, reportPath: written.html };
  } finally {
    lock.release();
  }
}
