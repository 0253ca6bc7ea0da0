import { bundleUrl } from "../lib/bundle";

/** What one checkpoint did: whether a reader or writer kept it from finishing, the log's frames, and how many are now in the file. */
export type CheckpointResult = { busy: number; logFrames: number; checkpointed: number };

type WorkerMessage = { kind: "started" } | ({ kind: "result"; id: number } & CheckpointResult) | { kind: "failed"; id?: number; message: string };

/**
 * How often the background thread copies the write-ahead log into the file. Each copy first syncs the log
 * written since the last one; once the log reaches its bound, the service's own connection copies and
 * syncs what is left, on the event loop. Copying often keeps that remainder small: under steady bookings
 * the slowest replies (p99) fell from ~28 to ~18 ms against every 250 ms, at the same throughput.
 */
export const CHECKPOINT_EVERY_MS = 100;

/**
 * Where the production build (scripts/build.ts) writes the thread's script, relative to the bundle it
 * makes of the service. Unset when running the sources.
 */
declare const BUNDLED_CHECKPOINT_WORKER: string | undefined;

/** The thread's script: beside this module in the sources, where the build put it in the bundle. */
const checkpointWorkerScript = () =>
  typeof BUNDLED_CHECKPOINT_WORKER === "string" ? new URL(BUNDLED_CHECKPOINT_WORKER, bundleUrl()) : new URL("./checkpoint-worker.ts", import.meta.url);

/** How long a stopping thread may take to finish its checkpoint and close before it is terminated. */
const STOP_GRACE_MS = 2_000;

/**
 * Copies an embedded database's write-ahead log into the file from a thread of its own. Otherwise the
 * commit that crosses the log's threshold does it, on the event loop: under load that is every fraction
 * of a second, several milliseconds each (it syncs the file), and every request waits. The service's
 * connection keeps a far higher threshold of its own as a fallback, so the log stays bounded even if
 * this thread stops.
 */
export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private stopped: Promise<void> | null = null;
  /** Settles once the thread has ended, however it ended (stopped, terminated, or failed on its own). */
  private readonly ended: Promise<void>;
  /** The last failure the thread reported (the fallback threshold then keeps the log bounded). */
  lastFailure: string | null = null;

  private constructor(
    worker: Worker,
    private readonly onFailure: (message: string) => void,
  ) {
    this.worker = worker;
    this.ended = new Promise((resolve) => worker.addEventListener("close", () => resolve(), { once: true }));
  }

  /** From a started thread: results, and failures reported once each (before it started, `start` reports them). */
  private listen() {
    this.worker.onmessage = (event: MessageEvent<WorkerMessage>) => this.receive(event.data);
    this.worker.onerror = (event) => this.fail(event.message ?? "checkpoint thread error");
  }

  /**
   * Starts the thread on `file` and resolves once its connection is open. Rejects if the thread cannot
   * open the file, and also if it ends or fails before that (its script could not be loaded, say): a
   * start that never settles would hold whatever waits for it.
   */
  static start(
    file: string,
    options: { everyMs: number; timeoutMs: number; onFailure: (message: string) => void; script?: URL },
  ): Promise<BackgroundCheckpointer> {
    const worker = new Worker((options.script ?? checkpointWorkerScript()).href);
    const checkpointer = new BackgroundCheckpointer(worker, options.onFailure);
    return new Promise((resolve, reject) => {
      const settle = (failure?: string) => {
        worker.removeEventListener("message", onMessage);
        worker.removeEventListener("error", onError);
        worker.removeEventListener("close", onClose);
        if (failure === undefined) {
          checkpointer.listen();
          worker.unref();
          resolve(checkpointer);
        } else {
          void worker.terminate();
          reject(new Error(failure));
        }
      };
      const onMessage = (event: MessageEvent<WorkerMessage>) => {
        if (event.data.kind === "started") settle();
        else if (event.data.kind === "failed" && event.data.id === undefined) settle(event.data.message);
      };
      const onError = (event: ErrorEvent) => settle(event.message || "checkpoint thread failed before it started");
      const onClose = () => settle("checkpoint thread ended before it started");
      worker.addEventListener("message", onMessage);
      worker.addEventListener("error", onError);
      worker.addEventListener("close", onClose);
      worker.postMessage({ kind: "start", file, everyMs: options.everyMs, timeoutMs: options.timeoutMs });
    });
  }

  /** One checkpoint now, on the thread (for shutdown and tests). */
  now(): Promise<CheckpointResult> {
    if (this.stopped) return Promise.reject(new Error("checkpointer stopped"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ kind: "now", id });
    });
  }

  /**
   * Asks the thread to close its connection and end, which it does between two checkpoints; resolves
   * once it has ended (at once if it already had). A thread that has not ended within `graceMs` is
   * terminated, and the stop resolves then: shutdown must not wait on a thread that no longer answers.
   */
  stop(graceMs = STOP_GRACE_MS): Promise<void> {
    if (this.stopped) return this.stopped;
    for (const { reject } of this.waiting.values()) reject(new Error("checkpointer stopped"));
    this.waiting.clear();
    this.worker.postMessage({ kind: "stop" });
    let overdue: ReturnType<typeof setTimeout> | undefined;
    const terminated = new Promise<void>((resolve) => {
      overdue = setTimeout(() => {
        void this.worker.terminate();
        resolve();
      }, graceMs);
    });
    this.stopped = Promise.race([this.ended, terminated]).finally(() => clearTimeout(overdue));
    return this.stopped;
  }

  private receive(message: WorkerMessage) {
    if (message.kind === "result") {
      const { id, kind: _, ...result } = message;
      this.waiting.get(id)?.resolve(result);
      this.waiting.delete(id);
    } else if (message.kind === "failed") {
      if (message.id !== undefined) {
        this.waiting.get(message.id)?.reject(new Error(message.message));
        this.waiting.delete(message.id);
      }
      this.fail(message.message);
    }
  }

  /** Reported once per distinct failure: a thread that keeps failing every interval is one problem, not a log flood. */
  private fail(message: string) {
    if (message === this.lastFailure) return;
    this.lastFailure = message;
    this.onFailure(message);
  }
}
