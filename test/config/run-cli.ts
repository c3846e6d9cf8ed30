// The CLI run in-process through main(), as a user would run it, with MESOS_PANEL_ variables set for the run.
import { main } from '../../src/cli';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  Object.assign(process.env, env);
  try {
    return { code: await main(['node', 'mesos-panel', ...args]), out, err };
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    o.mockRestore();
    e.mockRestore();
  }
}
