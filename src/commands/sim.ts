import type { Command } from 'commander';
import { intOption } from './options';
import { startSimCluster } from '../sim';
import type { CommandContext } from './context';

export function registerSimMaster(program: Command, ctx: CommandContext): void {
  program
    .command('sim-master')
    .description('serve a simulated Mesos cluster on loopback, for development')
    .option('--port <p>', 'port of the master (0 picks a free one)', '5050')
    .option('--agents <n>', 'number of simulated agents', '3')
    .option('--seed <n>', 'seed of the simulated load', '1')
    .action(async (opts: { port: string; agents: string; seed: string }) => {
      const port = intOption('--port', opts.port, 0, 65_535);
      const cluster = await startSimCluster({
        port,
        agents: intOption('--agents', opts.agents, 0, 64),
        seed: intOption('--seed', opts.seed, 0, 2 ** 31),
      }).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EADDRINUSE') throw err;
        throw new Error(`port ${port} is in use (a master or another sim-master?); give another --port, or --port 0 for a free one`);
      });
      ctx.out(`simulated master at ${cluster.url} with ${opts.agents} agents; Ctrl-C stops it`);
      await new Promise<void>((resolve) => {
        const stop = () => void cluster.close().finally(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
