// The PyTorch side of a benchmark that takes turns with smoothlab: a Python script started once,
// which answers each {"case", "iters"} request line with {"seconds"} (bench/engine.py, augment.py).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Runs `n` iterations of one case on one side and resolves to the seconds they took. */
export type Timer = (n: number) => Promise<number>;

/** A running reference script: its ready line (versions, threads), a Timer per case, and close(). */
export interface PythonSide {
  ready: Record<string, unknown>;
  timer(name: string): Timer;
  close(): void;
}

/**
 * Starts bench/NAME.py with Debian's interpreter (plain `python3` may be another one without torch;
 * SMOOTHLAB_PYTHON overrides) and waits for its ready line. `needs` names the Debian package to
 * suggest when the script cannot answer.
 */
export async function startPythonSide(name: string, plan: unknown, needs: string): Promise<PythonSide> {
  const python = process.env.SMOOTHLAB_PYTHON ?? '/usr/bin/python3';
  const script = fileURLToPath(new URL(`../../bench/${name}.py`, import.meta.url));
  return startSide(python, [script, JSON.stringify(plan)], `it needs ${needs} (Debian: apt-get install ${needs})`);
}

/** Starts any program that speaks the same line protocol (the C++ reference step); `hint` says what it needs. */
export async function startSide(command: string, args: string[], hint: string): Promise<PythonSide> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let startError: Error | undefined;
  child.on('error', (error) => (startError = error));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const answer = async (): Promise<Record<string, unknown>> => {
    const next = await lines.next();
    if (next.done) {
      throw new Error(startError
        ? `cannot start ${command}: ${startError.message}`
        : `${command} ${args.join(' ')} stopped without an answer; ${hint}`);
    }
    return JSON.parse(next.value) as Record<string, unknown>;
  };
  const ready = await answer();
  return {
    ready,
    timer: (caseName) => async (iters) => {
      child.stdin.write(`${JSON.stringify({ case: caseName, iters })}\n`);
      return (await answer()).seconds as number;
    },
    close: () => child.stdin.end(),
  };
}
