// The background checkpointer's thread: its own connection to the database file, copying the
// write-ahead log into the file (PASSIVE: it never blocks a writer or a reader) every `everyMs`, and on
// request. Results go back to the service's thread as `{ busy, logFrames, checkpointed }`. Asked to stop, the
// thread closes its connection between checkpoints and ends on its own: terminated from outside in the
// middle of a checkpoint, the database binding's cleanup runs with the termination pending and aborts
// the whole process.
import Database from "libsql";

declare const self: Worker;

type Start = { kind: "start"; file: string; everyMs: number; timeoutMs: number };
type Request = { kind: "now"; id: number } | { kind: "stop" };

let db: InstanceType<typeof Database> | null = null;
let passive: ReturnType<InstanceType<typeof Database>["prepare"]> | null = null;
let timer: ReturnType<typeof setInterval> | null = null;

function checkpoint() {
  if (!passive) throw new Error("checkpointer not started");
  const [row] = passive.all([]) as Array<[number, number, number]>;
  return { busy: Number(row?.[0] ?? 0), logFrames: Number(row?.[1] ?? 0), checkpointed: Number(row?.[2] ?? 0) };
}

self.onmessage = (event: MessageEvent<Start | Request>) => {
  const message = event.data;
  try {
    if (message.kind === "start") {
      db = new Database(message.file, { timeout: message.timeoutMs } as never);
      passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)").raw(true);
      timer = setInterval(() => {
        try {
          checkpoint();
        } catch (e) {
          postMessage({ kind: "failed", message: (e as Error).message });
        }
      }, message.everyMs);
      postMessage({ kind: "started" });
    } else if (message.kind === "stop") {
      // Nothing left to wait for once the timer and the listener are gone: the thread then ends by itself.
      if (timer) clearInterval(timer);
      passive = null;
      db?.close();
      db = null;
      self.onmessage = null;
    } else {
      postMessage({ kind: "result", id: message.id, ...checkpoint() });
    }
  } catch (e) {
    postMessage({ kind: "failed", id: "id" in message ? message.id : undefined, message: (e as Error).message });
  }
};
