/**
 * The demo's agents for `docket replay --demo`: the same code that recorded the demo, run again
 * on recorded decisions (their tools answered from the recording), optionally as another version
 * (`--candidate`). The loan agent is replayable; the claims and clinical agents are not yet.
 */
import { LOAN_AGENT, LOAN_VERSIONS, replayLoanAgent } from './loan-approval.js';
import type { DemoReplayInput } from './scenario.js';

/** The demo agents that replay, with their versions (oldest first). */
export const REPLAYABLE_DEMO_AGENTS: Readonly<Record<string, readonly string[]>> = {
  [LOAN_AGENT]: LOAN_VERSIONS,
};

/**
 * The demo's replay agent: dispatches each recorded decision to its agent's logic, as version
 * `candidate` when given (else the recorded version). Throws for a decision of an agent that
 * cannot replay (reported per decision as `REPLAY_AGENT_THREW`).
 *
 * @example
 * const agent = demoReplayAgent('2.4.0');
 */
export function demoReplayAgent(candidate?: string): (input: DemoReplayInput) => void {
  const loan = replayLoanAgent(candidate);
  return (input) => {
    if (input.agent.id === LOAN_AGENT) {
      loan(input);
      return;
    }
    throw new Error(`the demo agent ${input.agent.id} cannot replay yet`);
  };
}
