// A daemon process for the SIGKILL test: the π service alone, configured by one JSON argument, reporting its
// progress on stdout as JSON lines. The test transpiles it (pi-harness.ts) and runs it with plain node.
import { createLogger } from '../../src/log';
import { type DigitsSpec, PiService, type PiServiceOptions } from '../../src/pi/service';

/** `digits`: start a job asked for by digits rather than the configured one. */
type ChildOptions = Omit<PiServiceOptions, 'logger'> & { start: boolean; digits?: DigitsSpec };

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2]) as ChildOptions;
  const logger = createLogger({ journal: false, sink: { write: (line) => process.stderr.write(line) } });
  const service = new PiService({
    ...o,
    logger,
    onDone: () => {
      void service.stop().then(() => {
        report();
        process.exit(0);
      });
    },
  });
  const report = () => {
    const l = service.job;
    process.stdout.write(`${JSON.stringify({ finished: l?.counters.finished ?? 0, running: l?.runningCount() ?? 0, done: l?.isDone() ?? false })}\n`);
  };
  await service.open();
  if (o.start && o.digits) service.startDigits(o.digits);
  else if (o.start) service.start();
  setInterval(report, 20);
}

void main();
