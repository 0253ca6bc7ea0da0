// The background checkpointer's thread: its own connection to the database file, copying the
// write-ahead log into the file (PASSIVE: it never blocks a writer or a reader) every `everyMs`, and on
// request. Results go back to the service's thread as `{ busy, logFrames, checkpointed }`. The service ends
// the thread by terminating it; its connection holds no lock between checkpoints.
import Database from "libsql";

declare const self: Worker;

type Start = { kind: "start"; file: string; everyMs: number; timeoutMs: number };
type Request = { kind: "now"; id: number };

let passive: ReturnType<InstanceType<typeof Database>["prepare"]> | null = null;

function checkpoint() {
  if (!passive) throw new Error("checkpointer not started");
  const [row] = passive.all([]) as Array<[number, number, number]>;
  return { busy: Number(row?.[0] ?? 0), logFrames: Number(row?.[1] ?? 0), checkpointed: Number(row?.[2] ?? 0) };
}

self.onmessage = (event: MessageEvent<Start | Request>) => {
  const message = event.data;
  try {
    if (message.kind === "start") {
      const db = new Database(message.file, { timeout: message.timeoutMs } as never);
      passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)").raw(true);
      setInterval(() => {
        try {
          checkpoint();
        } catch (e) {
          postMessage({ kind: "failed", message: (e as Error).message });
        }
      }, message.everyMs);
      postMessage({ kind: "started" });
    } else {
      postMessage({ kind: "result", id: message.id, ...checkpoint() });
    }
  } catch (e) {
    postMessage({ kind: "failed", id: "id" in message ? message.id : undefined, message: (e as Error).message });
  }
};
