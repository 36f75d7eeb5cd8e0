import { describe, expect, it } from 'vitest';
import { EngineUnavailableError } from '@/lib/engine/engine';
import { sweepLeftovers } from '@/lib/pool/sweep';
import { FakeEngine, testOwner } from './helpers/fake-engine';

const owned = (instance: string, host: string, pid: number) => ({
  'webcompile.managed': 'true',
  'webcompile.instance': instance,
  'webcompile.host': host,
  'webcompile.pid': String(pid),
});
/** Pid 42 is dead, every other pid runs. */
const alive = (pid: number) => pid !== 42;

function seeded() {
  const engine = new FakeEngine();
  const ids = {
    mine: engine.seed(owned('me', 'box', 100)),
    deadPid: engine.seed(owned('old', 'box', 42), { state: 'exited' }),
    earlierOfThisPid: engine.seed(owned('earlier', 'box', 100)),
    unowned: engine.seed({ 'webcompile.managed': 'true' }),
    badPid: engine.seed(owned('odd', 'box', 0)),
    liveOther: engine.seed(owned('other', 'box', 7)),
    otherHost: engine.seed(owned('far', 'elsewhere', 42)),
    notManaged: engine.seed({ 'webcompile.instance': 'old', 'webcompile.host': 'box', 'webcompile.pid': '42' }),
  };
  return { engine, ids };
}

describe('sweepLeftovers on the fake engine', () => {
  it("removes dead instances' containers on this host, earlier instances of this pid and unowned ones; keeps the rest", async () => {
    const { engine, ids } = seeded();
    await expect(sweepLeftovers(engine, testOwner, alive)).resolves.toBe(4);
    const left = engine.containers().map((c) => c.id);
    expect(left.sort()).toEqual([ids.mine, ids.liveOther, ids.otherHost, ids.notManaged].sort());
  });

  it('a removal that fails does not stop the others', async () => {
    const { engine } = seeded();
    engine.failNext('remove', new EngineUnavailableError('remove timed out'));
    await expect(sweepLeftovers(engine, testOwner, alive)).resolves.toBe(4);
    expect(engine.calls.remove).toBe(4);
    expect(engine.containers()).toHaveLength(5);
  });

  it('fails when the engine cannot list', async () => {
    const { engine } = seeded();
    engine.failNext('listManaged', new EngineUnavailableError('down'));
    await expect(sweepLeftovers(engine, testOwner, alive)).rejects.toBeInstanceOf(EngineUnavailableError);
    expect(engine.calls.remove).toBe(0);
  });
});
