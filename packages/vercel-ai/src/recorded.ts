/**
 * Which tool calls of which decision are already in its `tools[]`: `recordTools()` records a call
 * when it runs, and the middleware sees the same result again in every later prompt of the
 * decision. Bounded: the oldest decisions are forgotten first.
 */

const MAX_DECISIONS = 1024;
const recorded = new Map<string, Set<string>>();

/**
 * Marks tool call `toolCallId` of decision `decisionId` as recorded; false when it already was.
 *
 * @example
 * if (markToolCallRecorded(currentDecisionId()!, options.toolCallId)) tool({ name, args, result });
 */
export function markToolCallRecorded(decisionId: string, toolCallId: string): boolean {
  let ids = recorded.get(decisionId);
  if (ids === undefined) {
    ids = new Set();
    recorded.set(decisionId, ids);
    // A Map iterates in insertion order: the first key is the oldest decision.
    if (recorded.size > MAX_DECISIONS) recorded.delete(recorded.keys().next().value!);
  }
  if (ids.has(toolCallId)) return false;
  ids.add(toolCallId);
  return true;
}
