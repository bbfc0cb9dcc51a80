// A training run in its own process, for the resume test: `node resume_worker.js DIR EPOCHS [--resume]`.
// Prints "step EPOCH STEP" after every optimizer step so the parent knows when to kill it.
import { torch, train } from '../../src/index.js';
import { toySetup } from './toy.js';

const [dir, epochs, flag] = process.argv.slice(2);
torch.setNumThreads(1); // one thread: bit-identical reductions in both runs
const setup = toySetup(Number(epochs));
await train.fit({
  ...setup, checkpointDir: dir, resume: flag === '--resume', quiet: true,
  callbacks: { onStepEnd: ({ epoch, step }) => process.stdout.write(`step ${epoch} ${step}\n`) },
});
process.stdout.write('done\n');
