/** One line of `mesos-panel doctor`: what was checked, what was found, and what to do about it. */
export interface Finding {
  ok: boolean;
  check: string;
  detail: string;
  /** What the user should do, when !ok. */
  fix?: string;
}
