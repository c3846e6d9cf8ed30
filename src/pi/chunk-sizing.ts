// How long a chunk the ledger carves for an agent (tasks of about 5 to 20 s at each agent's measured
// speed, starting small: long enough to amortise scheduling, short enough that a lost one costs little):
// each agent's speed from its results, grown toward that length a few times per chunk, the time a slot
// spends between chunks, and a tail cut in shrinking pieces so that every task slot ends together. Pure: the
// clock comes in as `now` arguments.

export interface LedgerOptions {
  /** First chunk for an agent of unknown speed, and the smallest chunk carved. */
  minChunkTerms: number;
  /** Aimed-for task length at the agent's measured speed; 5–20 s suits the reasons above. */
  targetTaskSeconds: number;
  /**
   * A new chunk is at most this many times the agent's previous one: a guard against a speed timed on a chunk
   * of a few milliseconds, or on one that ran alone before its agent got busier. 1 gives chunks of exactly
   * minChunkTerms (tests that need the same cut every run).
   */
  maxGrowth: number;
  /**
   * Near the end a chunk is half of what would make every slot finish together, down to pieces of this many
   * seconds (or ten of the measured times between chunks, if more): the last pieces are short, so a speed
   * misjudged on a loaded machine leaves the other slots idle only briefly. Infinity cuts the tail in one piece
   * per slot. Default 1.
   */
  minTailSeconds?: number;
  /** Failures of one chunk on one agent after which the chunk avoids that agent. */
  maxFailuresPerAgent: number;
}

export const DEFAULT_LEDGER_OPTIONS: LedgerOptions = {
  minChunkTerms: 1e6,
  // The middle of the 5–20 s window: long enough that the wait for the next offer (up to one allocation
  // interval, 1 s) costs little, short enough that a lost task costs little and the panel moves.
  targetTaskSeconds: 12.5,
  // Geometric growth from the timed first chunk: a Pi core at 20 M terms/s reaches its 2.5e8-term chunks in
  // three steps (1e6, 8e6, 6.4e7), so the panel's prefix moves after 0.05, 0.4 and 3.6 s instead of after a
  // first full-length chunk, and every step is sized on a speed measured under the load the last one met.
  // The steps cost little: on the simulator the next chunk launches within tens of ms of a result.
  maxGrowth: 8,
  maxFailuresPerAgent: 3,
};

export interface AgentSpeed {
  /** Per-task (per-core) kernel speed, terms/s: finished results averaged by their compute time. */
  termsPerSecond: number;
  /** Size of the last chunk carved for this agent. */
  lastChunk: number;
  /** Compute time behind termsPerSecond, ms, decayed as newer results arrive (0: no result yet). */
  sampleMs: number;
}

/** A chunk running on an agent, as the sizing sees it. */
export interface RunningChunk {
  agentId: string;
  launchedAt: number;
  terms: number;
}

/**
 * The speeds are the ledger's (persisted with it); the rest is learnt in this session: each agent's task
 * slots (the most chunks it ran at once), when its last finished chunk freed its slot, and the smoothed time
 * a slot spends between chunks, not computing (result, acknowledgement, the wait for the next offer, launch),
 * measured from launch to launch less the compute time.
 */
export class ChunkSizer {
  private readonly slots = new Map<string, number>();
  private readonly freedAt = new Map<string, number>();
  private cycleOverheadMs = 0;

  constructor(
    readonly options: LedgerOptions,
    private readonly speeds: Map<string, AgentSpeed>,
    running: readonly RunningChunk[],
  ) {
    for (const [agentId, n] of perAgent(running)) this.slots.set(agentId, n);
  }

  /**
   * Terms for a new chunk for this agent: `remaining` not yet carved, `waiting` terms that wait for a slot
   * (remaining plus re-queued chunks), `running` the chunks out now. Even, at least minChunkTerms, and the
   * whole rest when a smaller piece would be left over.
   */
  nextSize(agentId: string, now: number, remaining: number, waiting: number, running: readonly RunningChunk[]): number {
    const { minChunkTerms, targetTaskSeconds, maxGrowth } = this.options;
    const speed = this.speeds.get(agentId);
    let size = minChunkTerms;
    if (speed && speed.termsPerSecond > 0) {
      const v = speed.termsPerSecond;
      const together = this.finishTogetherSeconds(agentId, v, now, waiting, running);
      size = Math.min(v * targetTaskSeconds, v * this.tailPiece(together), speed.lastChunk * maxGrowth);
    }
    size = Math.max(minChunkTerms, 2 * Math.floor(size / 2));
    if (remaining - size < minChunkTerms) size = remaining; // no sliver at the end
    this.speeds.set(agentId, { termsPerSecond: speed?.termsPerSecond ?? 0, lastChunk: size, sampleMs: speed?.sampleMs ?? 0 });
    return size;
  }

  /** A chunk went out to this agent, which now runs `runningOnAgent` of them. */
  launched(agentId: string, now: number, runningOnAgent: number): void {
    const freed = this.freedAt.get(agentId);
    if (freed !== undefined) {
      this.freedAt.delete(agentId);
      // A pause longer than a whole task is no cycle (offers suppressed, a job resumed) and is not counted.
      const gap = now - freed;
      if (gap >= 0 && gap <= this.options.targetTaskSeconds * 1000) this.cycleOverheadMs += (gap - this.cycleOverheadMs) / 4;
    }
    this.slots.set(agentId, Math.max(this.slots.get(agentId) ?? 0, runningOnAgent));
  }

  /** A result: `terms` in `ms` of compute on this agent; `launchedAt` when it was this session's launch. */
  finished(agentId: string, terms: number, ms: number, launchedAt: number | null): void {
    if (!agentId || ms <= 0) return;
    const measured = terms / (ms / 1000);
    const old = this.speeds.get(agentId);
    // Results weigh by their compute time: the first chunk, a few ms timed while the worker is still cold, must
    // not pull down the estimate a 3 s chunk gives (it did, by a quarter, which sized the tail wrong and left a
    // slot idle for 5 s at the end of a 20 s job). Older time halves every targetTaskSeconds of newer time, so
    // an agent that slows down (a Pi throttling when hot) is followed within a chunk or two.
    const prior = old && old.termsPerSecond > 0 ? old.sampleMs * 0.5 ** (ms / (this.options.targetTaskSeconds * 1000)) : 0;
    const tps = (prior * (old?.termsPerSecond ?? 0) + ms * measured) / (prior + ms);
    this.speeds.set(agentId, { termsPerSecond: tps, lastChunk: old?.lastChunk ?? terms, sampleMs: prior + ms });
    if (launchedAt !== null) this.freedAt.set(agentId, launchedAt + ms);
  }

  /**
   * Of `together` seconds that would end every slot at once, the piece to carve now: half of it while the half
   * is no shorter than the smallest tail piece, so the rest shrinks by halves and the slots' last chunks are
   * short (on a loaded machine one last chunk of 12.5 s ended 2.4 s after the other slot's, idle meanwhile).
   */
  private tailPiece(together: number): number {
    const smallest = Math.max(this.options.minTailSeconds ?? 1, (10 * this.cycleOverheadMs) / 1000);
    return together / 2 >= smallest ? together / 2 : together;
  }

  /**
   * Seconds of work for a slot free now (speed v) such that every task slot ends at the same moment once all
   * the waiting work is shared out: a running chunk frees its slot when it should end at its agent's speed
   * plus the measured time between chunks, and a slot seen busy before but idle now is free when its agent's
   * last chunk ended plus that time. Water-filling over the slots in the order they free up. Far from the
   * end this is more than targetTaskSeconds and the target wins; near the end it cuts the rest so that no
   * slot idles while another still has a long chunk to go.
   */
  private finishTogetherSeconds(agentId: string, v: number, now: number, waiting: number, running: readonly RunningChunk[]): number {
    let work = waiting;
    const speedOf = (agent: string) => this.speeds.get(agent)?.termsPerSecond || v;
    const slots: { at: number; v: number }[] = [{ at: 0, v }];
    for (const c of running) {
      const cv = speedOf(c.agentId);
      slots.push({ at: Math.max(0, (c.launchedAt + this.cycleOverheadMs - now) / 1000 + c.terms / cv), v: cv });
    }
    const busy = perAgent(running);
    for (const [agent, n] of this.slots) {
      const freed = this.freedAt.get(agent);
      const at = freed === undefined ? 0 : Math.max(0, (freed + this.cycleOverheadMs - now) / 1000);
      for (let i = (busy.get(agent) ?? 0) + (agent === agentId ? 1 : 0); i < n; i++) slots.push({ at, v: speedOf(agent) });
    }
    slots.sort((a, b) => a.at - b.at);
    let rate = 0;
    for (let i = 0; i < slots.length; i++) {
      rate += slots[i].v;
      const span = (i + 1 < slots.length ? slots[i + 1].at : Infinity) - slots[i].at;
      if (work <= rate * span) return slots[i].at + work / rate;
      work -= rate * span;
    }
    return Infinity; // unreachable: the last span is infinite
  }
}

function perAgent(running: readonly RunningChunk[]): Map<string, number> {
  const n = new Map<string, number>();
  for (const c of running) n.set(c.agentId, (n.get(c.agentId) ?? 0) + 1);
  return n;
}
