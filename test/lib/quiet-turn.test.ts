import { describe, expect, test } from "bun:test";
import { type GroupLimits, whenQuiet } from "../../src/lib/quiet-turn";

/** One turn of the event loop. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Grows `group` by one in this turn and each of the next `turns - 1`, as requests reaching their writes do. */
async function growFor(group: number[], turns: number) {
  for (let i = 0; i < turns; i++) {
    group.push(i);
    await turn();
  }
}

/** A group of one, watched: how big it was when released (-1 while it is not). */
function watch(limits: GroupLimits) {
  const group = [0];
  let releasedWith = -1;
  whenQuiet(
    () => group.length,
    limits,
    () => {
      releasedWith = group.length;
    },
  );
  return { group, releasedWith: () => releasedWith };
}

describe("whenQuiet: a group is released after the first turn that adds nothing", () => {
  test("a group nobody adds to is released one turn later", async () => {
    let released = false;
    whenQuiet(
      () => 1,
      { maxMs: 1_000, maxSize: 100 },
      () => {
        released = true;
      },
    );
    expect(released).toBe(false);
    await turn();
    expect(released).toBe(true);
  });

  test("a group that grows turn after turn waits for all of it", async () => {
    const watched = watch({ maxMs: 1_000, maxSize: 100 });
    await growFor(watched.group, 5);
    expect(watched.releasedWith()).toBe(-1);
    await turn();
    expect(watched.releasedWith()).toBe(6);
  });

  test("a group that never stops growing is released at its size bound", async () => {
    const watched = watch({ maxMs: 1_000, maxSize: 4 });
    await growFor(watched.group, 10);
    expect(watched.releasedWith()).toBe(4);
  });

  test("a group that never stops growing is released at its age bound", async () => {
    // No age is allowed: the first look releases it, however much it grew.
    const watched = watch({ maxMs: 0, maxSize: 100 });
    await growFor(watched.group, 10);
    expect(watched.releasedWith()).toBe(2);
  });
});
