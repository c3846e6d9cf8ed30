// The π job on disk for the service: calls held until the ledger they follow from is saved, results within the
// throttle's second, launches at once while the save budget (one a second on average, with a burst) allows.
// The clock is manual and the writer records what it was given, so the schedule is exact.
import { memoryLogger } from '../../src/log';
import { JobPersistence, SAVE_BURST } from '../../src/pi/job-persistence';
import { Ledger } from '../../src/pi/ledger';
import { manualTimer } from './manual-timer';

describe('job persistence', () => {
  function setup() {
    const timer = manualTimer();
    const ledger = Ledger.create('job1', 1e9, 'fast', 0);
    const writes: { at: number; carved: number }[] = [];
    const write = async (l: Ledger | null) => void writes.push({ at: timer.now(), carved: l?.data.carved ?? -1 });
    const p = new JobPersistence('/nonexistent', () => ledger, memoryLogger(), { timer, write });
    const carvedOnDisk = () => writes[writes.length - 1]?.carved;
    return { timer, ledger, p, carvedOnDisk, writes };
  }

  it('a launch right after a save goes out at once, with its chunk on disk; held acks wait for the throttle', async () => {
    const { timer, ledger, p, carvedOnDisk } = setup();
    const sent: string[] = [];
    p.afterSave(() => sent.push('ack'));
    await timer.advance(0);
    expect(sent).toEqual(['ack']);

    // 200 ms later a launch: no waiting out the rest of the second.
    await timer.advance(200);
    const launch = ledger.nextChunk('a1', 200)!;
    p.launchAfterSave(() => sent.push(`launch ${launch.end}`));
    await timer.advance(0);
    expect(sent).toEqual(['ack', `launch ${launch.end}`]);
    expect(carvedOnDisk()).toBe(launch.end);

    // An ack held right after is saved on the throttle's clock, one second after the last save.
    p.afterSave(() => sent.push('ack 2'));
    await timer.advance(500);
    expect(sent).toHaveLength(2);
    await timer.advance(600);
    expect(sent).toEqual(['ack', `launch ${launch.end}`, 'ack 2']);
  });

  it('launches back to back spend the burst, then follow the one-a-second budget', async () => {
    const { timer, ledger, p, carvedOnDisk, writes } = setup();
    const at: number[] = [];
    for (let i = 0; i < SAVE_BURST + 2; i++) {
      const l = ledger.nextChunk(`a${i}`, timer.now())!;
      p.launchAfterSave(() => {
        expect(carvedOnDisk()).toBeGreaterThanOrEqual(l.end);
        at.push(timer.now());
      });
      await timer.advance(100);
    }
    await timer.advance(5000);
    // The burst at once; then the bucket, refilled by only 0.1 a launch, is short of a save, so the rest wait
    // for the throttle's second after the last save and go in one.
    const burst = Array.from({ length: SAVE_BURST }, (_, i) => i * 100);
    const throttled = burst[SAVE_BURST - 1] + 1000;
    expect(at).toEqual([...burst, throttled, throttled]);
    expect(writes.map((w) => w.at)).toEqual([...burst, throttled]);
  });
});
