// The handle of a collective in flight (c10d's Work). The collective runs on c10d's threads from the
// moment it is issued; wait() blocks a libuv worker thread, never the JS thread.
import { native } from '../native.js';

// A Work dropped without a wait still holds its tensors in the addon's table: release it with the JS object.
const unwaited = new FinalizationRegistry<number>((id) => native.distWorkRelease(id));

/** A collective in flight: `await work.wait()` (or `await work`) resolves once its tensors hold the result. */
export class Work implements PromiseLike<void> {
  #id: number | null;
  #done: Promise<void> | null = null;
  readonly #after: (() => void) | undefined;

  /** Wraps the addon's Work number; `after` runs on the JS thread once the collective has finished. */
  constructor(id: number, after?: () => void) {
    this.#id = id;
    this.#after = after;
    unwaited.register(this, id, this);
  }

  /** Resolves when the collective has finished (rejects with c10d's error, e.g. a peer that died or a timeout). */
  wait(): Promise<void> {
    if (this.#done !== null) return this.#done;
    const id = this.#take();
    this.#done = native.distWorkWait(id).then(() => this.#after?.());
    return this.#done;
  }

  /** Blocks the calling thread until the collective has finished (PyTorch's work.wait()); prefer wait() on the main thread. */
  waitSync(): void {
    if (this.#done !== null) throw new Error('Work.waitSync: wait() was already called; await its Promise');
    const id = this.#take();
    native.distWorkWaitSync(id);
    this.#done = Promise.resolve();
    this.#after?.();
  }

  /** True once the collective has finished (or was waited for). */
  isCompleted(): boolean {
    return this.#id === null || native.distWorkIsCompleted(this.#id);
  }

  /** Makes `await work` the same as `await work.wait()`. */
  then<A = void, B = never>(onFulfilled?: ((value: void) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.wait().then(onFulfilled, onRejected);
  }

  #take(): number {
    const id = this.#id;
    if (id === null) throw new Error('Work: already waited for');
    this.#id = null;
    unwaited.unregister(this);
    return id;
  }
}
