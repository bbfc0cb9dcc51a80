// `smoothlab summary --model resnet18 --input 3,32,32`: the torchinfo-style table of a model.
import { type OptionSpecs, UsageError, helpText, parseOptions } from './args.js';

const SPECS: OptionSpecs = {
  model: { type: 'string', description: 'model to summarize', choices: ['resnet18', 'resnet34', 'resnet50', 'coursenet'], defaultText: 'resnet18' },
  input: { type: 'numbers', description: 'input shape C,H,W (a batch of 1 is added) or N,C,H,W', min: 1, defaultText: '3,32,32' },
  'num-classes': { type: 'integer', description: 'output classes', min: 1, defaultText: '10' },
  stem: { type: 'string', description: 'ResNet stem', choices: ['imagenet', 'cifar'], defaultText: 'imagenet' },
  depth: { type: 'integer', description: 'deepest nesting level shown', min: 0, defaultText: '3' },
};

/** Help of the summary command. */
export const SUMMARY_HELP = helpText('summary', '[options]', 'Print a torchinfo-style summary: layers, output shapes, parameters, mult-adds, memory.', SPECS);

/** Runs `smoothlab summary`. */
export async function summaryCommand(argv: string[]): Promise<void> {
  const { values } = parseOptions('summary', argv, SPECS);
  if (values.help) {
    console.log(SUMMARY_HELP);
    return;
  }
  const input = (values.input as number[] | undefined) ?? [3, 32, 32];
  if (input.length !== 3 && input.length !== 4) throw new UsageError(`--input must be C,H,W or N,C,H,W, got '${input.join(',')}'`, 'summary');
  if (!input.every(Number.isInteger)) throw new UsageError(`--input must list integers, got '${input.join(',')}'`, 'summary');
  const shape = input.length === 3 ? [1, ...input] : input;
  // Loaded here, not at the top: `smoothlab --help` and `report` work without the native addon.
  const { nn, vision } = await import('../index.js');
  const numClasses = (values['num-classes'] as number | undefined) ?? 10;
  const name = (values.model as string | undefined) ?? 'resnet18';
  const inChannels = shape[1];
  const stem = (values.stem as 'imagenet' | 'cifar' | undefined) ?? 'imagenet';
  const model = name === 'coursenet'
    ? vision.models.courseNet({ numClasses, inChannels })
    : ({ resnet18: vision.models.resnet18, resnet34: vision.models.resnet34, resnet50: vision.models.resnet50 } as const)[name as 'resnet18']({ numClasses, inChannels, stem });
  const result = nn.summary(model, shape, { depth: (values.depth as number | undefined) ?? 3 });
  console.log(result.toString());
  model.dispose();
}
